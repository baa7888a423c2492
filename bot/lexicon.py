"""Language data of the resolver, loaded once from bot/data/language.yaml and checked.

These describe German and English, not the article (its vocabulary and synonyms
live in knowledge/concepts.yaml). Every entry is folded as bot.text.fold() folds;
a multi-word entry becomes a tuple of tokens. The tables are module constants
so that the hot path reads them without indirection.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.errors import LanguageDataError
from bot.yaml_keys import StrictLoader, key_shown

DATA_FILE = Path(__file__).with_name("data") / "language.yaml"
COMMON_WORDS_FILE = Path(__file__).with_name("data") / "common_words.txt"
PLACES_FILE = Path(__file__).with_name("data") / "places.txt"
WORDS_FILES = {
    lang: Path(__file__).with_name("data") / f"words_{lang}.txt" for lang in ("de", "en")
}
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "’": "'"})
_WORD = re.compile(r"[a-z]+|\d+")
_ELISION = re.compile(r"(?<=[a-z])['’][a-z]\b")  # the "'s" of "what's", the "'t" of "isn't"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _ByLang(_Strict):
    de: dict[str, float]
    en: dict[str, float]


class _NumberWords(_Strict):
    numbers: dict[str, int]
    units: _ByLang
    teens: _ByLang
    tens: _ByLang
    fractions: dict[str, float]
    scales: dict[str, float]


class _Cues(_Strict):
    reverse: list[str] = Field(min_length=1)
    lists: list[str] = Field(min_length=1)
    each: list[str] = Field(min_length=1)
    claim: list[str] = Field(min_length=1)
    compare: list[str] = Field(min_length=1)
    stands_for: list[str] = Field(min_length=1)
    means: list[str] = Field(min_length=1)
    means_for: list[str] = Field(min_length=1)
    age: list[str] = Field(min_length=1)
    since: list[str] = Field(min_length=1)


class _Followup(_Strict):
    source: list[str] = Field(min_length=1)
    to_en: list[str] = Field(min_length=1)
    to_de: list[str] = Field(min_length=1)
    more: list[str] = Field(min_length=1)
    elliptical: list[str] = Field(min_length=1)
    pronoun: list[str] = Field(min_length=1)
    which: list[str] = Field(min_length=1)
    new_topic: list[str] = Field(min_length=1)
    only: list[str] = Field(min_length=1)
    same: list[str] = Field(min_length=1)
    person_pronoun: list[str] = Field(min_length=1)
    things_pronoun: list[str] = Field(min_length=1)
    ordinals: list[list[str]] = Field(min_length=1)
    last: list[str] = Field(min_length=1)
    other: list[str] = Field(min_length=1)
    after_ordinal: list[str]
    pronoun_at_end: list[str]


class LanguageData(_Strict):
    """The shape of language.yaml; pydantic names the key of any mistake."""

    stopwords: dict[Literal["de", "en"], str]
    question_cues: dict[Literal["person", "time", "place", "reason", "quantity"], list[str]]
    question_words: dict[Literal["de", "en"], list[str]]
    question_openers: list[str] = Field(min_length=1)
    statement_particles: list[str] = Field(min_length=1)
    status_words: list[str] = Field(min_length=1)
    yes_no_openers: list[str] = Field(min_length=1)
    plan_words: list[str] = Field(min_length=1)
    likeness_openers: list[str] = Field(min_length=1)
    months: list[str] = Field(min_length=12)
    month_words: list[str] = Field(min_length=1)
    separable_particles: list[str] = Field(min_length=1)
    set_aside: list[str] = Field(min_length=1)
    set_aside_words: int = Field(ge=1, le=10)
    stress_prefixes: list[str] = Field(min_length=1)
    topic_prepositions: list[str] = Field(min_length=1)
    content_question_words: list[str] = Field(min_length=1)
    existence_openers: list[str] = Field(min_length=1)
    copulas: list[str] = Field(min_length=1)
    pointers: list[str] = Field(min_length=1)
    demonstratives: list[str] = Field(min_length=1)
    stand_ins: list[str] = Field(min_length=1)
    place_pointers: list[str] = Field(min_length=1)
    home_place: list[str] = Field(min_length=1)
    article_nouns: list[str] = Field(min_length=1)
    part_pointers: list[str] = Field(min_length=1)
    possessives: list[str] = Field(min_length=1)
    verify_words: list[str] = Field(min_length=1)
    addressee: list[str] = Field(min_length=1)
    asker: list[str] = Field(min_length=1)
    asker_openers: list[str] = Field(min_length=1)
    asker_possessives: list[str] = Field(min_length=1)
    source_words: list[str] = Field(min_length=1)
    count_cues: list[str] = Field(min_length=1)
    amount_cues: list[str] = Field(min_length=1)
    count_units: list[str] = Field(min_length=1)
    granularity_words: list[str] = Field(min_length=1)
    earlier_reply_words: list[str] = Field(min_length=1)
    headcount_nouns: list[str] = Field(min_length=1)
    hedges: list[str] = Field(min_length=1)
    naming_words: list[str] = Field(min_length=1)
    figure_asking: list[str] = Field(min_length=1)
    spoken_punctuation: dict[Literal["?", ".", "!"], list[str]]
    total_words: list[str] = Field(min_length=1)
    whole_words: list[str] = Field(min_length=1)
    part_of_year: list[str] = Field(min_length=1)
    claim_tags: list[str] = Field(min_length=1)
    firm_nouns: list[str] = Field(min_length=1)
    firm_nouns_apart: list[str] = Field(min_length=1)
    surveyed_nouns: list[str] = Field(min_length=1)
    survey_words: list[str] = Field(min_length=1)
    sector_nouns: list[str] = Field(min_length=1)
    share_cues: list[str] = Field(min_length=1)
    share_heads: list[str] = Field(min_length=1)
    partitives: list[str] = Field(min_length=1)
    alternatives: list[str] = Field(min_length=1)
    name_classes: dict[Literal["place", "organisation", "person"], list[str]]
    filler: list[str]
    inner_particles: list[str]
    time_phrase_words: list[str]
    abbreviations: dict[str, str]
    shared_shorthand: list[str]
    shorthand_of_each: dict[str, dict[Literal["de", "en"], str]]
    number_words: _NumberWords
    chat: dict[Literal["greeting", "thanks", "goodbye", "other"], list[str]]
    restrictors: dict[
        Literal[
            "place",
            "group",
            "person",
            "time",
            "qualifier",
            "measure",
            "precision",
            "ordinal",
            "complement",
            "firm_kind",
            "negation",
            "aggregate",
            "idiom",
        ],
        list[str],
    ]
    place_prepositions: list[str]
    cues: _Cues
    followup: _Followup


def fold_entry(text: str) -> str:
    """Fold one entry as bot.text.fold() does (kept here so the lexicon imports nothing)."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def phrase(entry: str) -> tuple[str, ...]:
    """An entry as a token sequence: "Wie viele" → ("wie", "viele"); the letter of an
    elision and a single letter are no tokens, as in bot.text.tokens ("what's that" →
    ("what", "that"), "thanks a lot" → ("thanks", "lot"))."""
    words = _WORD.findall(_ELISION.sub("", fold_entry(entry)))
    return tuple(w for w in words if len(w) > 1 or w.isdigit())


def load(path: Path = DATA_FILE) -> LanguageData:
    """The language data at `path`; raises LanguageDataError (one line, `file:line: …`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LanguageDataError(f"{path}:0: cannot be read: {exc}") from None
    try:
        raw = yaml.load(text, Loader=StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = min(mark.line + 1, text.count("\n") + 1) if mark else 0
        detail = f"YAML syntax: {exc.problem or exc.context}"
        raise LanguageDataError(f"{path}:{line}: {detail}") from None
    except yaml.YAMLError as exc:  # a character YAML does not allow (NUL, ESC)
        raise LanguageDataError(f"{path}:0: YAML: {exc}".replace("\n", " ")) from None
    try:
        return LanguageData.model_validate(raw)
    except ValidationError as exc:
        raise LanguageDataError(_schema_problem(exc, path, text)) from None


def _schema_problem(exc: ValidationError, path: Path, text: str) -> str:
    """The first schema error as `file:line: key.path: message`, and how many more."""
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    loc = errors[0]["loc"]
    line, node = 1, yaml.compose(text, Loader=StrictLoader)
    for key in loc:  # down the node tree as far as the location goes
        if isinstance(node, yaml.MappingNode):
            found = [(k, v) for k, v in node.value if k.value == str(key)]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            found = [(node.value[key], node.value[key])]
        else:
            found = []
        if not found:
            break
        line, node = found[-1][0].start_mark.line + 1, found[-1][1]
    where = ".".join(key_shown(p) for p in loc if p != "[key]") or "file"  # [key]: the key itself
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{path}:{line}: {where}: {errors[0]['msg']}{more}"


_DIGRAPHS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def _spellings(entries: Iterable[str]) -> list[str]:
    """Each entry, and an entry with an umlaut also as typed without one ("höher" as
    "hoeher", "für" as "fuer"): a keyboard without umlauts writes them so."""
    return [v for e in entries for v in dict.fromkeys((e, e.translate(_DIGRAPHS)))]


def _words(text: str) -> frozenset[str]:
    return frozenset(fold_entry(w) for w in _spellings(text.split()))


def _phrases(entries: list[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(p for p in map(phrase, _spellings(entries)) if p)


DATA = load()
STOPWORDS_DE = _words(DATA.stopwords["de"])
STOPWORDS_EN = _words(DATA.stopwords["en"])
STOPWORDS = STOPWORDS_DE | STOPWORDS_EN
# Words that mark a language without being topic words.
LANG_HINTS = {"de": STOPWORDS_DE - STOPWORDS_EN, "en": STOPWORDS_EN - STOPWORDS_DE}
QUESTION_CUES: dict[str, tuple[tuple[str, ...], ...]] = {
    qtype: tuple(sorted(_phrases(cues))) for qtype, cues in DATA.question_cues.items()
}
QUESTION_WORDS = {fold_entry(w): lang for lang, words in DATA.question_words.items() for w in words}
QUESTION_OPENERS = frozenset(fold_entry(w) for w in DATA.question_openers)
STATEMENT_PARTICLES = frozenset(fold_entry(w) for w in DATA.statement_particles)
STATUS_WORDS = _phrases(DATA.status_words)
YES_NO_OPENERS = frozenset(fold_entry(w) for w in DATA.yes_no_openers)
PLAN_WORDS = _phrases(DATA.plan_words)
MONTHS = frozenset(fold_entry(w) for w in DATA.months)
MONTH_WORDS = frozenset(fold_entry(w) for w in DATA.month_words)
MEANS_FOR = frozenset(fold_entry(w) for w in DATA.cues.means_for)
STRESS_PREFIXES = tuple(fold_entry(w) for w in DATA.stress_prefixes)
LIKENESS_OPENERS = _phrases(DATA.likeness_openers)
TOPIC_PREPOSITIONS = _phrases(DATA.topic_prepositions)
CONTENT_QUESTION_WORDS = frozenset(fold_entry(w) for w in DATA.content_question_words)
COPULAS = frozenset(fold_entry(w) for w in DATA.copulas)
EXISTENCE_OPENERS = _phrases(DATA.existence_openers)
POINTERS = frozenset(fold_entry(w) for w in DATA.pointers)
DEMONSTRATIVES = frozenset(fold_entry(w) for w in DATA.demonstratives)
STAND_INS = frozenset(fold_entry(w) for w in DATA.stand_ins)
PLACE_POINTERS = frozenset(fold_entry(w) for w in DATA.place_pointers)
HOME_PLACE = frozenset(fold_entry(w) for w in DATA.home_place)
ARTICLE_NOUNS = frozenset(fold_entry(w) for w in DATA.article_nouns)
PART_POINTERS = _phrases(DATA.part_pointers)
POSSESSIVES = frozenset(fold_entry(w) for w in DATA.possessives)
VERIFY_WORDS = frozenset(fold_entry(w) for w in DATA.verify_words)
ADDRESSEE = frozenset(fold_entry(w) for w in DATA.addressee)
ASKER = frozenset(fold_entry(w) for w in DATA.asker)
ASKER_OPENERS = frozenset(fold_entry(w) for w in DATA.asker_openers)
SOURCE_WORDS = frozenset(fold_entry(w) for w in DATA.source_words)
HEADCOUNT_NOUNS = frozenset(fold_entry(w) for w in DATA.headcount_nouns)
HEDGES = frozenset(phrase(w) for w in DATA.hedges)
FIGURE_ASKING = frozenset(fold_entry(w) for w in DATA.figure_asking)
SPOKEN_PUNCTUATION = {
    phrase.casefold(): mark
    for mark, phrases in DATA.spoken_punctuation.items()
    for phrase in phrases
}
TOTAL_WORDS = frozenset(fold_entry(w) for w in DATA.total_words)
WHOLE_WORDS = TOTAL_WORDS | frozenset(fold_entry(w) for w in DATA.whole_words)
PART_OF_YEAR = _phrases(DATA.part_of_year)
CLAIM_TAGS = frozenset(fold_entry(w) for w in DATA.claim_tags)
FIRM_NOUNS = frozenset(fold_entry(w) for w in DATA.firm_nouns)
FIRM_NOUNS_APART = FIRM_NOUNS | frozenset(fold_entry(w) for w in DATA.firm_nouns_apart)
NAMING_WORDS = frozenset(fold_entry(w) for w in DATA.naming_words)
# the firms of a survey, as a whole: "all respondents", "aller Befragten"
SURVEY_WORDS = tuple(fold_entry(w) for w in DATA.survey_words)
SURVEYED_NOUNS = FIRM_NOUNS_APART | frozenset(fold_entry(w) for w in DATA.surveyed_nouns)
SECTOR_NOUNS = frozenset(fold_entry(w) for w in DATA.sector_nouns)
SEPARABLE_PARTICLES = frozenset(fold_entry(w) for w in DATA.separable_particles)
SET_ASIDE = frozenset(phrase(w) for w in DATA.set_aside)
SET_ASIDE_WORDS = DATA.set_aside_words
ASKER_POSSESSIVES = frozenset(fold_entry(w) for w in DATA.asker_possessives)
COUNT_CUES = _phrases(DATA.count_cues)
AMOUNT_CUES = _phrases(DATA.amount_cues)
NAME_CLASSES = {
    fold_entry(word): kind for kind, words in DATA.name_classes.items() for word in words
}
ALTERNATIVES = frozenset(fold_entry(w) for w in DATA.alternatives)
SHARE_CUES = _phrases(DATA.share_cues)
SHARE_HEADS = tuple(fold_entry(w) for w in DATA.share_heads)
PARTITIVES = _phrases(DATA.partitives)
GRANULARITY_WORDS = frozenset(fold_entry(w) for w in DATA.granularity_words)
EARLIER_REPLY_WORDS = frozenset(fold_entry(w) for w in DATA.earlier_reply_words)
COUNT_UNITS = frozenset(fold_entry(w) for w in (*DATA.count_units, *DATA.number_words.scales))
FILLER = frozenset(fold_entry(w) for w in DATA.filler)
INNER_PARTICLES = frozenset(fold_entry(w) for w in DATA.inner_particles)
TIME_PHRASE_WORDS = frozenset(fold_entry(w) for w in DATA.time_phrase_words)
NUMBER_WORDS = {fold_entry(w): str(n) for w, n in DATA.number_words.numbers.items()}
ABBREVIATIONS = {
    fold_entry(k): tuple(_WORD.findall(fold_entry(v))) for k, v in DATA.abbreviations.items()
}
SHARED_SHORTHAND = frozenset(fold_entry(w) for w in DATA.shared_shorthand)
SHORTHAND_OF_EACH = {
    fold_entry(k): {lang: fold_entry(v) for lang, v in by_lang.items()}
    for k, by_lang in DATA.shorthand_of_each.items()
}
# Chat words: greetings, thanks, address, filler; as single words and phrases.
CHAT_KINDS = {kind: _phrases(entries) for kind, entries in DATA.chat.items()}
CHAT_PHRASES = frozenset().union(*CHAT_KINDS.values())
RESTRICTORS: dict[str, frozenset[tuple[str, ...]]] = {
    group: _phrases(terms) for group, terms in DATA.restrictors.items()
}
PLACE_PREPOSITIONS = frozenset(fold_entry(w) for w in DATA.place_prepositions)
CUES: dict[str, frozenset[tuple[str, ...]]] = {
    name: _phrases(getattr(DATA.cues, name))
    for name in (
        "reverse",
        "lists",
        "each",
        "claim",
        "compare",
        "stands_for",
        "means",
        "age",
        "since",
    )
}
# An ordinal word → the place it points at among the things the last answer named (-1: the
# last; 0: the other one, which the last question did not name).
ORDINALS: dict[str, int] = {
    **{
        word: n
        for n, words in enumerate(DATA.followup.ordinals, 1)
        for word in _words(" ".join(words))
    },
    **dict.fromkeys(_words(" ".join(DATA.followup.last)), -1),
    **dict.fromkeys(_words(" ".join(DATA.followup.other)), 0),
}
AFTER_ORDINAL = _words(" ".join(DATA.followup.after_ordinal))
PRONOUN_AT_END = _words(" ".join(DATA.followup.pronoun_at_end))
FOLLOWUP: dict[str, frozenset[tuple[str, ...]]] = {
    name: _phrases(getattr(DATA.followup, name))
    for name in (
        "source",
        "to_en",
        "to_de",
        "more",
        "elliptical",
        "pronoun",
        "which",
        "new_topic",
        "only",
        "same",
        "person_pronoun",
        "things_pronoun",
    )
}


def word_list(path: Path) -> list[str]:
    """The entries of a word list of bot/data (tools/word_list.py writes them): one folded
    word or phrase a line, after a header line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


# Everyday German and English words (tools/common_words.py): typo correction leaves them be.
COMMON_WORDS = frozenset(word_list(COMMON_WORDS_FILE))
# Countries and larger cities (tools/places.py): naming one the answer does not cover narrows.
PLACES = frozenset(tuple(place.split()) for place in word_list(PLACES_FILE))
# Everyday words of one language the other hardly uses (tools/language_words.py): the
# language of a message that gives no other evidence ("raise+ volumen").
WORDS_OF = {lang: frozenset(word_list(path)) for lang, path in WORDS_FILES.items()}
