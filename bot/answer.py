"""The neutral answer types every renderer and adapter works from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

AnswerKind = Literal[
    "intent",  # a known question, answered from its cited answer
    "combined",  # several intents, one per part of the question
    "passage",  # no intent fits, one sentence of the article does: quoted
    "smalltalk",  # greeting, thanks, help
    "gap",  # a known question the article does not answer
    "narrowed",  # the question narrows what the article states: declined, with what it gives
    "abstain",  # nothing fits well enough; suggestions may help
    "refused",  # input rejected before matching (too long, empty...)
    "rate_limited",  # the asker sent too much too fast
]


@dataclass(frozen=True)
class Citation:
    """A verbatim quote of a source, with where it stands and when it was true."""

    source: str
    locator: str
    quote: str
    as_of: str | None = None
    source_title: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "locator": self.locator, "quote": self.quote}


@dataclass(frozen=True)
class Suggestion:
    """A close question the asker may have meant, with the intent it leads to."""

    intent: str
    question: str
    score: float


@dataclass(frozen=True)
class Answer:
    """What the bot replies to one question; `text` is exactly what a person reads."""

    question: str
    answered: bool
    lang: str
    text: str
    kind: AnswerKind
    intent: str | None = None
    confidence: float = 0.0
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The answer JSON contract of DESIGN.md."""
        return {
            "question": self.question,
            "answered": self.answered,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "lang": self.lang,
            "text": self.text,
            "citations": [c.to_json() for c in self.citations],
            "suggestions": [s.question for s in self.suggestions],
        }


@dataclass(frozen=True)
class StatRow:
    """One key statistic, ready to show: label and value in the reply language."""

    fact_id: str
    label: str
    value: str
    as_of: str | None
    citation: Citation


@dataclass(frozen=True)
class StatReply:
    """Reply to `/stat [topic]`.

    `rows` holds every statistic (no topic), the matching one(s) (a topic that
    matched), or nothing (unknown topic: then `suggestions` names close topics).
    """

    topic: str | None
    lang: str
    rows: tuple[StatRow, ...]
    suggestions: tuple[str, ...] = field(default=())

    @property
    def matched(self) -> bool:
        return bool(self.rows)
