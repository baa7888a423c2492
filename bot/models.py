"""Pydantic models of the knowledge files: sources, intents, facts and concepts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Lang = Literal["de", "en"]
LANGS: tuple[Lang, ...] = ("de", "en")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LangText(_Strict):
    """One text in both languages."""

    de: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.de


class LangList(_Strict):
    """Question variants in both languages; each language needs at least one."""

    de: list[str] = Field(min_length=1)
    en: list[str] = Field(min_length=1)


class Citation(_Strict):
    """Where an answer comes from: a source, a paragraph (§N) and a verbatim quote."""

    source: str
    locator: str = Field(pattern=r"^§\d{1,6}$")  # bounded: int() refuses 4,300+ digits
    quote: str = Field(min_length=10)

    @field_validator("locator")
    @classmethod
    def _one_spelling(cls, locator: str) -> str:
        """One way to write a paragraph: `§01` was taken as §1 and shown to users as `§01`
        (and a search for §1 missed it)."""
        digits = locator.removeprefix("§")
        if digits.isascii() and digits != str(int(digits)):
            if int(digits) == 0:
                raise ValueError("paragraphs count from §1; there is no §0")
            raise ValueError(f"write §{int(digits)}: a paragraph number has no leading zero")
        return locator


class Source(_Strict):
    """A document the knowledge cites; `file` is relative to the knowledge directory."""

    id: str
    file: str
    title: str
    lang: Lang
    outlet: str | None = None
    study: str | None = None
    published: str | None = None


class Intent(_Strict):
    """A question people ask and its cited answer.

    kind: `article` answers from the source; `smalltalk` needs no citation;
    `gap` is a known question the article does not answer (the bot abstains,
    saying what the article does say).
    """

    id: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
    kind: Literal["article", "smalltalk", "gap"] = "article"
    questions: LangList
    answer: LangText
    cite: list[Citation] = Field(default_factory=list)
    facts: list[str] = Field(default_factory=list)


class Fact(_Strict):
    """A key statistic for /stat: value with unit, as-of date, topics, citation."""

    id: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
    label: LangText
    value: LangText
    as_of: str | None = None
    topics: list[str] = Field(min_length=1)
    cite: Citation

    @field_validator("topics", mode="before")
    @classmethod
    def _numbers_are_topics_too(cls, topics: object) -> object:
        # `topics: [HKSTP, 2022]` — YAML reads 2022 as a number; a topic is text.
        if isinstance(topics, list):
            return [str(t) if isinstance(t, int | float) else t for t in topics]
        return topics


class Concept(_Strict):
    """Words and phrases (any language) that mean the same thing to the resolver.

    `entity` marks a named thing. A question that names a person, organisation or
    programme the chosen answer is not about is a near miss; places and sources are
    named things too (for "which cities does the article name?"), but places narrow
    through the language data's restricting terms, and a source narrows nothing. An
    answer that names an event says where something happened ("Where did he speak?")."""

    id: str
    terms: list[str] = Field(min_length=2)
    entity: Literal["person", "organisation", "programme", "place", "source", "event"] | None = None

    @field_validator("terms")
    @classmethod
    def _no_blank_terms(cls, terms: list[str]) -> list[str]:
        if any(not t.strip() for t in terms):
            raise ValueError("blank term")
        return terms


class SourcesFile(_Strict):
    sources: list[Source] = Field(min_length=1)


class IntentsFile(_Strict):
    intents: list[Intent] = Field(min_length=1)


class FactsFile(_Strict):
    facts: list[Fact] = Field(min_length=1)


class ConceptsFile(_Strict):
    concepts: list[Concept] = Field(min_length=1)
