"""Conversations: a follow-up understood through what was answered before.

One conversation per console session, batch id, chat thread or reply chain. It
keeps what was last answered (question, intents, citations, language) in the
shared state (Redis with several replicas), expiring after `conversation_ttl_s`.
A follow-up is, in this order:
  - a request for the source ("Quelle?"), another language ("auf Englisch bitte")
    or more ("mehr dazu"): answered from the kept intents and citations;
  - a clear question of its own: answered on its own (context never overrides it);
  - one that leans on the last answer: a pronoun ("wann wurde die Firma gegründet?")
    gets the names the last question named; an ellipsis ("und RAISe+?", "and in
    2021?") is the last question with the new term, a named thing of the same kind
    taking the place of the old one ("und wo?": its own question word in place of the
    old one), answered only by an intent that knows the new words; one that is a
    question of its own on the same topic is answered on its own; one that names a
    group, place or time ("und die KMU?", also without an opener: "In welche Länder
    denn?") restricts the last question, never read alone. Near misses are declined as
    anywhere else, in the follow-up's own language.
"""

from __future__ import annotations

import json
import logging
import re
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from bot.analyzer import Analysis
from bot.answer import Answer
from bot.language import detect
from bot.lexicon import (
    AFTER_ORDINAL,
    AMOUNT_CUES,
    ARTICLE_NOUNS,
    ASKER_OPENERS,
    CHAT_KINDS,
    CHAT_PHRASES,
    EARLIER_REPLY_WORDS,
    FOLLOWUP,
    ORDINALS,
    PART_POINTERS,
    PLACES,
    POINTERS,
    PRONOUN_AT_END,
    QUESTION_CUES,
    QUESTION_WORDS,
    SOURCE_WORDS,
    STOPWORDS,
)
from bot.memo import Lazy, remembered
from bot.messages import msg
from bot.narrowing import Narrowing, uncovered
from bot.policy import asks_count, asks_share, counted_words
from bot.reading import asks, chat_kind, has_cue, of_the_asker, read, strip_chat
from bot.text import dictated, ends_open, fold, is_number, quote_digest, stem, tokens

if TYPE_CHECKING:
    from bot.resolver import Resolver
    from bot.service import Platform, QABot
    from bot.snapshot import Snapshot

log = logging.getLogger(__name__)
MAX_QUESTION = 500  # characters of the last question kept
MAX_CITATIONS = 10
MAX_TOLD = 40  # digests of earlier quotes a conversation keeps
MAX_NAMED = 10  # named things of the last answer kept for an ordinal
# A stored context beyond what qabot writes (another writer's) is no context: read, it made
# follow-ups slow. Each "more" adds the few intents it told (the shipped knowledge has 57).
MAX_INTENTS = 500
MAX_STORED = 256 * 1024  # characters of its JSON: a question ≤ MAX_QUESTION and ≤ 10 quotes
COMMON_SHARE = 0.2  # named things in more intents than this share say nothing new
WORD_CACHE = 8192  # words of last questions (≤ MAX_QUESTION characters) tested for a question word
OPENER_CACHE = 1024  # messages remembered without their opener: those of the last moments
COUNTED = "counted"  # a reading that adds the things the last answer counts, not a name
OWN_QUESTION_WORDS = 2  # topic words that make an elliptical follow-up a question of its own
NAMED_TEXTS = 1024  # answers read for the things they name, per index (answers recur)
KEPT_PARSED = 1024  # contexts this process kept, as made: each is read back at the next turn
REQUEST_ANSWERS = 1024  # answers to requests, by what they read, per index (answers recur)
# Asking where it is said asks for the source: the one-word cues of a place question.
WHERE = frozenset(cue[0] for cue in QUESTION_CUES["place"] if len(cue) == 1)


@dataclass(frozen=True)
class Context:
    """What a conversation last answered."""

    lang: str
    question: str
    intents: tuple[str, ...]
    citations: tuple[tuple[str, str, str], ...]  # source, locator, quote
    named: tuple[str, ...] = ()  # the things it named, in its order (what an ordinal counts)
    answered: bool = True  # False: a decline ("nothing for Singapore"), kept as one
    told: tuple[str, ...] = ()  # digests of the quotes earlier answers cited ("more" skips them)
    # after a decline, the intents of the answer before it ("in English please" after "nothing
    # for Singapore" wants the 41 % that was answered, not the decline)
    answered_before: tuple[str, ...] = ()

    def told_so_far(self) -> tuple[str, ...]:
        """`told` with this answer's quotes: what the next context keeps (the latest
        MAX_TOLD)."""
        told = dict.fromkeys((*self.told, *(quote_digest(q) for _, _, q in self.citations)))
        return tuple(told)[-MAX_TOLD:]

    def to_json(self) -> str:
        """The context as stored, written once: one kept again as it was (after "Quelle?")
        is not written again."""
        raw: str | None = self.__dict__.get("_json")
        if raw is None:
            fields = {
                "lang": self.lang,
                "question": self.question,
                "intents": list(self.intents),
                "citations": [list(c) for c in self.citations],
                "named": list(self.named),
                "answered": self.answered,
                "told": list(self.told),
                "answered_before": list(self.answered_before),
            }
            raw = _json(fields)  # not asdict: it deep-copies, slowly
            object.__setattr__(self, "_json", raw)  # not a field: immutable, as its fields are
        return raw

    @classmethod
    def from_json(cls, raw: str) -> Context | None:
        """The context stored as `raw`; None for one we cannot read (another version's,
        corrupted) or larger than any qabot writes: no context."""
        if len(raw) > MAX_STORED:
            return None
        try:
            data = json.loads(raw)
            ctx = cls(
                str(data["lang"]),
                str(data["question"]),
                tuple(map(str, data["intents"])),
                tuple((str(src), str(loc), str(q)) for src, loc, q in data["citations"]),
                tuple(map(str, data.get("named", ()))),
                data.get("answered", True),
                tuple(map(str, data.get("told", ())))[-MAX_TOLD:],
                tuple(map(str, data.get("answered_before", ()))),
            )
        except (ValueError, KeyError, TypeError, RecursionError):
            return None
        return ctx if ctx._as_written() else None

    def _as_written(self) -> bool:
        """Whether qabot could have written this: within the caps it keeps, `answered` a
        bool (the string "false" is no False), no half of an emoji (a lone surrogate, which
        no UTF-8 encoder takes: a quote's digest, the context saved again, would fail)."""
        return (
            isinstance(self.answered, bool)
            and len(self.question) <= MAX_QUESTION
            and len(self.intents) <= MAX_INTENTS
            and len(self.answered_before) <= MAX_INTENTS
            and len(self.citations) <= MAX_CITATIONS
            and len(self.named) <= MAX_NAMED
            and not _LONE_SURROGATE.search(self._texts())
        )

    def _texts(self) -> str:
        """Every string it holds, joined: what a check of their characters reads."""
        quoted = (text for citation in self.citations for text in citation)
        return "".join((self.lang, self.question, *self.intents, *quoted, *self.named, *self.told))


# `json.dumps(value, ensure_ascii=False)`, without making an encoder at each call
_json = json.JSONEncoder(ensure_ascii=False).encode
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class _Known:
    """What the conversation layer reads of one index once (a reload makes a new index)."""

    # each named thing that not most answers name: its names folded, and as whole words
    names: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] | None = None
    # an intent's answer in a language: its analysis as written, and whether it ends open
    said: dict[tuple[str, str], tuple[Analysis, bool]] = field(default_factory=dict)
    # an answer's text: the named things it names, in its order (`NAMED_TEXTS` of them)
    named: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the answer to a request by all it reads: the paragraphs a source cites, or the intents
    # answered again, and the language (`REQUEST_ANSWERS` of them)
    requested: dict[tuple[tuple[object, ...], str], Answer] = field(default_factory=dict)


MAX_OPENER = max(map(len, FOLLOWUP["elliptical"]))  # tokens of the longest opener

Phrases = dict[str, list[tuple[str, ...]]]  # phrases by their first token


def _by_first(phrases: Iterable[tuple[str, ...]]) -> Phrases:
    """Phrases by their first token: a message is scanned once, one look-up per token,
    instead of trying every phrase at every position."""
    found: Phrases = {}
    for phrase in phrases:
        found.setdefault(phrase[0], []).append(phrase)
    return found


_CUES_BY_FIRST = {kind: _by_first(phrases) for kind, phrases in FOLLOWUP.items()}
# "wie viel davon …?": an amount asked of a part of what was just said
_AMOUNT_BY_FIRST = _by_first(AMOUNT_CUES)
_PART_BY_FIRST = _by_first(PART_POINTERS)


CUE_WORDS = frozenset(t for phrases in FOLLOWUP.values() for phrase in phrases for t in phrase)
REQUESTS = ("source", "to_en", "to_de", "more")
INFLECTED_MIN = 5  # letters of a one-word request cue that may stand inflected
# A one-word request cue by its stem: "ins Englische", "deutsche Version" name the language.
_REQUEST_CUE_BY_STEM = {
    stem(word): word
    for kind in REQUESTS
    for (word,) in (phrase for phrase in FOLLOWUP[kind] if len(phrase) == 1)
    if len(word) >= INFLECTED_MIN
}


def _cue_spans(toks: list[str], kind: str) -> list[range]:
    """Where the cue phrases of `kind` stand in `toks` (every occurrence)."""
    return _spans(toks, _CUES_BY_FIRST.get(kind, {}))


def _spans(toks: list[str], by_first: Phrases) -> list[range]:
    """Where the phrases of `by_first` stand in `toks` (every occurrence)."""
    if by_first.keys().isdisjoint(toks):
        return []  # most messages hold no cue of a kind: one set test instead of the scan
    return [
        range(i, i + len(phrase))
        for i, tok in enumerate(toks)
        for phrase in by_first.get(tok, ())
        if tuple(toks[i : i + len(phrase)]) == phrase
    ]


def _without(toks: list[str], kind: str) -> list[str]:
    """`toks` without the cue phrases of `kind`."""
    drop = {i for span in _cue_spans(toks, kind) for i in span}
    return [t for i, t in enumerate(toks) if i not in drop]


def _has(toks: list[str], kind: str) -> bool:
    return bool(_cue_spans(toks, kind))


def _points_at_an_answer(toks: list[str]) -> bool:
    """A pronoun that points back at an answer ("source for that?"), not one that names the
    article ("the source of this article")."""
    return any(
        len(span) > 1 or (toks[span.stop] if span.stop < len(toks) else "") not in ARTICLE_NOUNS
        for span in _cue_spans(toks, "pronoun")
    )


def _as_cue(tok: str, correct: Callable[[str], str]) -> str:
    """`tok` as the request cue it may stand for: a cue word as written; else through the
    knowledge's typo correction (`correct`: "quele?", "englsh pls"), and a one-word cue
    inflected ("ins Deutsche", "deutsche Version") as that cue."""
    if tok in CUE_WORDS or (tok,) in PLACES:
        # not corrected: "anything" of "anything else" is no typo of "nothing", "Germany"
        # of "and in Germany?" no typo of "German"
        return tok
    fixed = correct(tok)
    return _REQUEST_CUE_BY_STEM.get(stem(fixed), fixed)


def request_kind(
    text: str, knows: Callable[[str], bool], correct: Callable[[str], str] = str
) -> str | None:
    """ "source", "to_en", "to_de" or "more" when that is what the message asks: the cue,
    and no other word the knowledge base knows ("Kannst du das bitte auf Deutsch sagen?",
    "Quelle für die 200?"). Words are read as cues may be written (`_as_cue`)."""
    written = tokens(_without_asker_remarks(text))
    toks = [_as_cue(t, correct) for t in written]
    for kind in REQUESTS:
        covered = {i for span in _cue_spans(toks, kind) for i in span}
        if not covered:
            continue
        # The other words as written: a real word corrected into a topic word ("angeben"
        # into "Angaben") is no topic of the message
        rest = [t for i, t in enumerate(written) if i not in covered]
        # "what else did he say?", "what's the source for that?": asked of the last answer,
        # and the words that point there ("diese Angabe") are no topic of their own
        points_back = kind in ("more", "source") and _points_at_an_answer(toks)
        if points_back:
            rest = _without(rest, "pronoun")
        asked = {t for t in rest if t in QUESTION_WORDS}
        where = kind == "source" and asked <= WHERE  # "Where's that in the text?"
        if asked and not (points_back or where):
            continue  # "What is the source of the article?" is a question of its own
        plain = all(
            t in STOPWORDS
            or (t,) in CHAT_PHRASES
            or is_number(t)
            or (kind == "source" and t in SOURCE_WORDS)  # "Quelle für diese Zahl?"
            or not knows(t)
            for t in rest
        )
        # Asked for another language, the rest may say why ("… in English, for our
        # investor deck"); a language's name alone in a question names a thing ("can a
        # German GmbH apply?").
        phrased = any(len(span) > 1 for span in _cue_spans(toks, kind))
        if plain or (kind in ("to_en", "to_de") and phrased):
            return kind
    return None


_CLAUSE_ENDS = re.compile(r"(?<=[.!?,;:])\s+")


def _has_request(part: str) -> bool:
    toks = tokens(part)
    return any(_has(toks, kind) for kind in REQUESTS)


def _without_asker_remarks(text: str) -> str:
    """A request without the asker's remarks on why ("Quelle? Ich brauche den genauen Satz
    für die Dokumentation.", "Quote please, I want the original wording."): a part that
    asks nothing and speaks of the asker is no topic of the request, nor is one that only
    says again what the request asked ("Quelle? Ich brauch's wörtlich fürs Zitat.")."""
    parts = _CLAUSE_ENDS.split(text)
    if len(parts) == 1:
        return text  # most requests are one part
    remarks = [not asks(p) and (of_the_asker(p) or _opens_of_the_asker(p)) for p in parts]
    requests = [_has_request(p) for p in parts]
    kept = [
        p
        for p, remark, request in zip(parts, remarks, requests, strict=True)
        if not remark or (request and requests.count(True) == 1)
    ]
    return " ".join(kept) if kept and len(kept) < len(parts) else text


def _opens_of_the_asker(part: str) -> bool:
    """A remark opening with the asker's verb, the "ich" left out ("brauch das wörtlich")."""
    first = tokens(part)[:1]
    return bool(first) and first[0] in ASKER_OPENERS


# The words that start a phrase of thanks or goodbye, and a word stretched ("thxxx"), which
# `reading` reads as the chat word it stretches
_PARTING_FIRSTS = frozenset(p[0] for kind in ("thanks", "goodbye") for p in CHAT_KINDS[kind])
_CHAT_BY_FIRST = _by_first(CHAT_PHRASES)
_STRETCHED = re.compile(r"(.)\1{2,}")


def only_chat(text: str) -> bool:
    """`read(text).only_chat`, read only when the text can be chat: it has no word, or a
    chat phrase stands in it, or a stretched word ("thaaanks"). A follow-up like "und
    RAISe+?" is not read twice (about 45 µs)."""
    toks = tokens(text)
    if toks and not _STRETCHED.search(" ".join(toks)) and not _has_chat_phrase(toks):
        return False
    return read(text).only_chat


def _has_chat_phrase(toks: list[str]) -> bool:
    return bool(_spans(toks, _CHAT_BY_FIRST))


def without_chat_opening(text: str) -> str:
    """`strip_chat(text)`, which takes off a greeting or address (of up to three words) only
    where one opens the text ("okay und die KMU?"), and chat after a last comma: most
    follow-ups have neither, and are not read for it."""
    first = tokens(text)[:3]
    if (
        "," not in text  # "add , abend": an aside after a comma at the end goes too
        and not any(map(_STRETCHED.search, first))
        and not any(tuple(first[:n]) in CHAT_PHRASES for n in (1, 2, 3))
    ):
        return text
    return strip_chat(text)


def thanks_or_goodbye(text: str) -> bool:
    """Whether `chat_kind` reads `text` as thanks or a goodbye; it is read only when a word
    may start one of their phrases (a request holds none: "Quelle?", "auf Englisch")."""
    toks = tokens(text)
    if _PARTING_FIRSTS.isdisjoint(toks) and not _STRETCHED.search(" ".join(toks)):
        return False
    return chat_kind(text) in ("thanks", "goodbye")


def _as_part_not_given(answer: Answer) -> Answer:
    """`answer` declined as a part of what it states: "the article gives no part of that",
    then what it does give, with its citations."""
    text = msg("part_not_given", answer.lang, answer=answer.text)
    return replace(answer, answered=False, text=text, kind="narrowed", suggestions=())


def _as_asked(answer: Answer, text: str) -> Answer:
    """`answer` with `text` as its question, made anew only when it has another."""
    return answer if answer.question == text else replace(answer, question=text)


def _topics(intents: str | None) -> set[str]:
    """The topics of answered intents: an id is `topic.name` (knowledge/qa/<topic>.yaml)."""
    return {i.split(".")[0] for i in (intents or "").split("+") if "." in i}


def _intents(answer: Answer) -> set[str]:
    return {i for i in (answer.intent or "").split("+") if i}


def _asks(word: str) -> bool:
    return any(t in QUESTION_WORDS for t in tokens(word))


@lru_cache(maxsize=WORD_CACHE)
def _is_question_word(word: str) -> bool:
    """`_asks` of one word of a last question, remembered: words recur, questions do not."""
    return _asks(word)


# what kind of answer a question asks for, in several words ("supposed to", "what year"); a
# quantity's ("welcher Anteil", "how many") says what is measured too, and stays
_QUESTION_PHRASES = _by_first(
    c for kind, cues in QUESTION_CUES.items() if kind != "quantity" for c in cues if len(c) > 1
)


def _without_question_cues(question: str) -> str:
    """`question` without its question words and phrases ("supposed to", "what year"):
    what it was about, for another question to ask."""
    words = question.split()
    each = [(n, t) for n, w in enumerate(words) for t in tokens(w)]
    spans = _spans([t for _, t in each], _QUESTION_PHRASES)
    cued = {each[i][0] for span in spans for i in span}
    return " ".join(w for n, w in enumerate(words) if n not in cued and not _is_question_word(w))


def opens_elliptically(text: str) -> bool:
    """ "und RAISe+?", "and in 2021?", "what about SMEs?": an opener and little else."""
    toks = tokens(text)
    openers = _CUES_BY_FIRST["elliptical"].get(toks[0], ()) if toks else ()
    return any(tuple(toks[: len(p)]) == p for p in openers)


@lru_cache(maxsize=OPENER_CACHE)
def strip_opener(text: str) -> str:
    """`text` without the openers it starts with ("and what about SMEs?" → "SMEs?"); a
    question word ending one stays ("und wie viele?" → "wie viele?"). Remembered per text:
    a follow-up's words lose their opener for each check and each reading."""
    words = text.split()
    while words:
        toks: list[str] = []
        longest = 0
        for taken, word in enumerate(words[:MAX_OPENER], 1):
            toks += tokens(word)
            if tuple(toks) in FOLLOWUP["elliptical"]:
                longest = taken - (toks[-1] in QUESTION_WORDS)
        if not longest:
            break
        words = words[longest:]
    return " ".join(words)


class Conversations:
    """Answers messages of conversations, each with the context of its last answer."""

    def __init__(self, bot: QABot, *, ttl_s: float) -> None:
        self.bot = bot
        self.ttl_s = ttl_s
        # What was read of the index in use, with that index (a reload makes a new one).
        self._known_of: tuple[weakref.ref[Resolver] | None, _Known] = (None, _Known())
        # The contexts this process kept, by their JSON: the next turn of a conversation
        # reads back the very text the last one wrote, and needs not parse it. (A context
        # is immutable and all strings: its JSON read back is equal to it.)
        self._kept: dict[str, Context] = {}

    def ask(
        self,
        conversation: str,
        text: str,
        *,
        platform: Platform = "cli",
        user: str | None = None,
        channel: str | None = None,
        admitted: Callable[[], object] | None = None,
        after: str | None = None,
    ) -> Answer:
        """The reply to `text` in `conversation`; never raises for any input string.
        `admitted`: called once the message is within the rate limit (QABot.handle).
        `after`: the state key of a context kept of an earlier turn (a reply to that
        turn's answer): read in that context, when it is still kept, not the last one."""
        key = self.key(platform, conversation)

        def reply() -> Answer:
            ctx = (self._load(after) if after else None) or self._load(key)
            analyzer = self.bot.store.current.resolver.analyzer
            heard = dictated(text)  # "source question mark": "source?"
            kind = request_kind(heard, self._knows_beyond(ctx), analyzer.correct)
            # "Vielen Dank, das hilft uns weiter": thanks, not a request for more (read for
            # thanks only where a request's cue stands)
            if kind is not None and thanks_or_goodbye(heard):
                kind = None
            if kind is not None:
                answer = self._request(kind, ctx, heard)
                if ctx is not None and answer.answered:  # same topic; the language may change
                    self._save(key, self._after_request(kind, ctx, answer))
                return _as_asked(answer, text)
            answer = self._reply(ctx, self._ordinal_named(ctx, heard))
            if ctx is not None and self._part_of_an_amount(heard, answer):
                answer = _as_part_not_given(answer)
            new = self._context(answer, ctx)  # keeps the question as understood
            if new is not None:
                self._save(key, new)
            return _as_asked(answer, text)

        # One message: rate-limited, counted and logged once, however it is read.
        return self.bot.handle(
            text, reply, platform=platform, user=user, channel=channel, admitted=admitted
        )

    def _part_of_an_amount(self, text: str, answer: Answer) -> bool:
        """ "Und wie viel davon ist schon ausgegeben?" after a programme's budget: a part of
        an amount the article gives whole, answered with the whole amount."""
        if not answer.answered:
            return False
        toks = tokens(text)
        if not (_spans(toks, _AMOUNT_BY_FIRST) and _spans(toks, _PART_BY_FIRST)):
            return False
        kinds = self.bot.store.current.policy.figure_kinds
        return any("money" in kinds.get(i, ()) for i in _intents(answer))

    @staticmethod
    def key(platform: Platform, conversation: str) -> str:
        """The state key of `conversation`'s context."""
        return f"conversation:{platform}:{conversation}"

    def _after_request(self, kind: str, ctx: Context, answer: Answer) -> Context:
        """The context after an answered request: same topic, in the answer's language. After
        "more", what it told is said too (a second "more" goes on) and its citations and
        named things are the ones a "Quelle?" or "the second one" now point at."""
        if kind != "more":
            return ctx if answer.lang == ctx.lang else replace(ctx, lang=answer.lang)
        told = tuple(i for i in _intents(answer) if i not in ctx.intents)
        cites = tuple((c.source, c.locator, c.quote) for c in answer.citations)[:MAX_CITATIONS]
        return replace(
            ctx,
            lang=answer.lang,
            # the newest MAX_INTENTS, as reading takes them (more would be no context)
            intents=(ctx.intents + told)[-MAX_INTENTS:],
            citations=cites,
            named=self._named_in(answer.text),
            told=ctx.told_so_far(),
        )

    def _named_in(self, text: str) -> tuple[str, ...]:
        """The named things `text` names, in the order it names them, without those most
        answers name (Hongkong): the things "the second one" counts. Every answer is read
        for them, and answers recur (the same intents, asked by many): each text is read
        once per index."""
        named = self._known(self.bot.store.current.resolver).named
        return remembered(named, text, self._names_found, NAMED_TEXTS)

    def _names_found(self, text: str) -> tuple[str, ...]:
        """`_named_in`, read: each countable name searched as a word where it stands at all."""
        folded = fold(text)
        first: dict[str, int] = {}
        for feature, needles, names in self._countable_names():
            if not any(n in folded for n in needles):
                continue  # a name is a whole word only where it stands at all: cheaper to test
            found = names.search(folded)
            if found:
                first[feature] = found.start()
        return tuple(sorted(first, key=first.__getitem__))[:MAX_NAMED]

    def _known(self, resolver: Resolver) -> _Known:
        """What was read once of the index `resolver` (empty for a new one)."""
        made_for, known = self._known_of
        if made_for is None or made_for() is not resolver:
            known = _Known()
            self._known_of = (weakref.ref(resolver), known)
        return known

    def _countable_names(self) -> tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...]:
        """Each named thing that not most answers name, with its names folded, and as whole
        words ("sg" is no Singapore in "ausgestattet"): made once per index (a reload makes
        a new one), not for every answer."""
        resolver = self.bot.store.current.resolver
        known = self._known(resolver)
        if known.names is None:
            common = resolver.weight_of_share(COMMON_SHARE)
            known.names = tuple(
                (
                    feature,
                    folded := tuple(fold(t) for t in terms),
                    re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in folded)),
                )
                for feature, terms in resolver.entity_terms.items()
                if resolver.weight(feature) > common
            )
        return known.names

    def _ordinal_named(self, ctx: Context | None, text: str) -> str:
        """`text` with an ordinal that points at a thing the last answer named in its place
        ("wie groß ist das zweite?" after the two programmes → "… das RAISe+?"; "and the
        other one?": the one the last question did not name): after an article, and last
        or before "one" ("the second one"); not "the first half of 2023", "last year",
        "the second point", "which came first?"."""
        if ctx is None or len(ctx.named) < 2 or ORDINALS.keys().isdisjoint(tokens(text)):
            return text  # an ordinal is one word's one token: a token of the text too
        snap = self.bot.store.current
        words = text.split()
        toks = [tokens(word) for word in words]
        flat = [(i, t) for i, word_toks in enumerate(toks) for t in word_toks]
        for n, (i, tok) in enumerate(flat):
            place = ORDINALS.get(tok) if len(toks[i]) == 1 else None
            if place is None or place > len(ctx.named) or n == 0:
                continue
            after = flat[n + 1][1] if n + 1 < len(flat) else None
            if flat[n - 1][1] not in STOPWORDS or (
                after is not None and after not in AFTER_ORDINAL
            ):
                continue
            if place == 0:
                asked = set(self._named_in(ctx.question))
                others = [f for f in ctx.named if f not in asked]
                if not others:
                    continue
                feature = others[0]
            else:
                feature = ctx.named[place - 1 if place > 0 else -1]
            name = snap.resolver.entity_terms[feature][0]
            # "the other scheme": the name says "scheme" already and takes its place too
            kind = after is not None and after in name.split() and i + 1 < len(words)
            last = words[i + 1 if kind else i]
            words[i : i + 2 if kind else i + 1] = [name + last[len(last.rstrip("?!.,;:")) :]]
            named = " ".join(words)
            # a message within the limit is not refused as too long for the name put in
            return named if len(named) <= self.bot.settings.max_question_chars else text
        return text

    # -- the reply ----------------------------------------------------------------

    def _knows_beyond(self, ctx: Context | None) -> Callable[[str], bool]:
        """A topic word the last answer was not about: "anything else from that study?"
        after an answer about the study asks for more, not about another topic. Words of the
        answer in either language, as concepts: "Quelle für das mit den großen Firmen" after
        "half of the large companies"."""
        snap = self.bot.store.current
        if ctx is None:  # "Who is Wang Zheng, and in what capacity is he quoted?" asks of him
            return snap.knows_topic_or_name
        analyze = snap.resolver.analyzer.analyze
        # read only when a request's cue stands
        about = Lazy(lambda: self._last_features(snap, ctx, ("de", "en")))
        # the article's setting ("source for the HK number?") is no other topic either
        setting = snap.policy.background
        return lambda t: (
            snap.knows_topic(t)
            and not (features := analyze(t, correct=False).features) <= about()
            and not features <= setting
        )

    def _request(self, kind: str, ctx: Context | None, text: str) -> Answer:
        """The source, more, or the last answer in another language; in the language the
        request names, if it names one ("Quelle auf Englisch bitte")."""
        snap = self.bot.store.current
        toks = tokens(text)
        named = "en" if _has(toks, "to_en") else "de" if _has(toks, "to_de") else None
        lang = named or self._lang(text, ctx)
        if ctx is None:  # what the request was for: the source, more, or a language
            about = {"source": "about_what", "more": "about_what_more"}.get(kind, "about_what_lang")
            return Answer(text, False, lang, msg(about, lang), "abstain")
        if kind == "source":
            cited = [(s, loc) for s, loc, _ in ctx.citations]
            key = ("source", *cited)
            return self._requested(snap, text, key, lang, lambda: snap.passages(text, cited, lang))
        if kind == "more":
            said = [snap.intents[i].answer.get("de") for i in ctx.intents if i in snap.intents]
            about = " ".join([ctx.question, *said])
            told = frozenset(ctx.told)
            related = snap.related_intents(list(ctx.intents), list(ctx.citations), about, told)
            if related:
                return self._intents_again(snap, text, related, lang)
            return snap.neighbours(text, list(ctx.citations), about, lang)
        target = "en" if kind == "to_en" else "de"
        earlier = not EARLIER_REPLY_WORDS.isdisjoint(toks) or any(map(is_number, toks))
        if not ctx.answered and ctx.answered_before and earlier:
            # "die erste Antwort bitte auf Englisch", "the 41 % bit in German" after a decline
            # ("nothing for Singapore"): the answer before it; a bare "in English please"
            # is the decline in English, no figure restated as an answer
            return self._intents_again(snap, text, list(ctx.answered_before), target)
        if not ctx.intents or not ctx.answered:
            # a list, a spelled-out name, or a decline ("nothing for Singapore"), which the
            # intents alone would turn into an answer: the question as understood, again
            return self.bot.resolve(ctx.question, target)
        return self._intents_again(snap, text, list(ctx.intents), target)

    def _intents_again(self, snap: Snapshot, text: str, intents: list[str], lang: str) -> Answer:
        """The answers of `intents` again, in `lang` (`Snapshot.answer_intents`)."""
        key = ("intents", *intents)
        return self._requested(
            snap, text, key, lang, lambda: snap.answer_intents(text, intents, lang)
        )

    def _requested(
        self,
        snap: Snapshot,
        text: str,
        key: tuple[object, ...],
        lang: str,
        make: Callable[[], Answer],
    ) -> Answer:
        """The answer to a request, by all it reads (`key`: the paragraphs a source cites, or
        the intents answered again) and its language, made once per index: the same answers
        are asked for their source, or in the other language, by many. A request's own words
        are not read for it, only set as its `question`."""
        requested = self._known(snap.resolver).requested
        found = remembered(requested, (key, lang), lambda _: make(), REQUEST_ANSWERS)
        return _as_asked(found, text)

    def _reply(self, ctx: Context | None, text: str) -> Answer:
        ask = self.bot.resolve
        # The follow-up read on its own, resolved only when needed: a reading that answers
        # needs no second resolver call.
        alone = Lazy(lambda: ask(text))
        if ctx is None or _has(tokens(text), "new_topic"):
            return alone()  # "Andere Frage: …" leaves the last topic
        if only_chat(text):
            return alone()  # "thanks, that's all": nothing of the last answer to read in
        text = without_chat_opening(text)  # "okay and what about the big ones?": after "okay"
        elliptical = opens_elliptically(text)
        own = tokens(strip_opener(text))  # not "es" of "wie sieht es mit"
        pronoun = _has(own, "pronoun") or (bool(own) and own[-1] in PRONOUN_AT_END)
        if not (elliptical or pronoun):
            # What the article does not say of a thing the follow-up does not name may be
            # said of the last one: "wann haben die die veröffentlicht?" after the HKPC
            # study asks the study's date, not the article's (which the article lacks).
            implicit_gap = alone().kind == "gap" and not self._names_a_thing(text)
            if alone().kind != "abstain" and not implicit_gap:
                return self._restricting_the_last(ctx, text, alone()) or alone()
            pronoun = implicit_gap
        # "and for the big ones only?" narrows the last question, it names no new topic
        narrows = _has(tokens(text), "only")
        # "and how many of the large firms are profitable?": a question of its own, same topic
        # (not "Und wie hoch ist die Quote nur bei den KMU?": "only" restricts the last one)
        if (
            elliptical
            and not pronoun
            and not narrows
            and self._asks_alone(text)
            and alone().answered
            and _topics(alone().intent) & _topics("+".join(ctx.intents))
        ):
            return alone()
        lang = self._lang(text, ctx)  # the follow-up's own, else the conversation's
        switched = (
            self._switches_topic(ctx, text, lang)
            if elliptical and not pronoun and not narrows
            else None
        )
        if switched is not None:
            return switched  # .question: the topic, as understood
        # "how about 2024?" restricts the last answer: another intent stating 2024 is none
        # ("und über Shenzhen?" names a thing: what was said of it is another answer). Read
        # only when a reading answers with another intent.
        fragment = strip_opener(text)
        only_restricts = Lazy(
            lambda: (
                ((elliptical and not pronoun) or self._same_of(text))
                and self._restricts(text, lang)
                and not self._topic_of(fragment, lang)
                and not self._names_a_thing(fragment)
            )
        )
        declines = []
        gap_of_it: Answer | None = None
        for question, named in self._readings(ctx, text, elliptical=elliptical, pronoun=pronoun):
            answer = self.bot.resolve(question, lang)  # .question: the follow-up as understood
            if answer.kind == "refused":
                continue  # read with the last question, over the limit: no reading (no "too long")
            declines += [] if answer.answered else [answer]
            declined_with_why = (
                answer.kind == "narrowed"
                and self._narrowed_by_it(answer, ctx, text, lang, elliptical, alone)
            ) or (elliptical and answer.kind == "gap" and alone().kind == "abstain")
            # "list them" of the counted recommendations: the article does not list them
            declined_with_why = declined_with_why or (named == COUNTED and not answer.answered)
            if gap_of_it is None and self._gap_of_it(answer, named, alone):
                gap_of_it = answer  # the decline, unless another reading answers
            if declined_with_why or (
                answer.answered
                and self._covers(answer, text, elliptical and not pronoun)
                and not self._repeats(answer, ctx, alone)
                and (_intents(answer) <= set(ctx.intents) or not only_restricts())
            ):
                repeated = answer.answered and _intents(answer) <= set(ctx.intents)
                if repeated and _has(tokens(text), "more"):
                    # "tell me more about that - what's planned?": not the last answer again
                    return self._request("more", ctx, text)
                return answer
        if gap_of_it is not None:
            return gap_of_it
        leaning = elliptical and not self._asks_alone(text)
        restricting = (leaning and not pronoun and self._restricts(text, lang)) or (
            self._same_of(text) and only_restricts()
        )
        # "Und wie hoch ist die Quote nur bei den KMU?": the last question for the SMEs only
        restricting = restricting or (elliptical and self._only_restricts(text, lang))
        # "und die KMU?" asks the last question of SMEs only: read alone, it is another
        # question ("how many firms are SMEs?"), and no reading answers it. "und in welchen
        # Bereichen?" asks of the last answer too: a sentence sharing a word with it, on
        # another topic, is no answer either. (A restriction is declined whatever the
        # follow-up is alone: read alone only when that decides.)
        said = _topics("+".join(ctx.intents))
        if restricting and only_restricts() and self._last_covers(ctx, fragment):
            return self.bot.resolve(ctx.question, lang)  # "und die großen?" after 75 % KMU
        if restricting and self._asks_of_the_group_itself(text, alone):
            return alone()  # "and the share of SMEs among the firms?"
        if restricting or (leaning and alone().answered and not _topics(alone().intent) & said):
            return (
                declines[0]
                if declines
                else Answer(text, False, lang, msg("abstain", lang), "abstain")
            )
        return alone()

    def _last_covers(self, ctx: Context, fragment: str) -> bool:
        """Whether the last answer's intent states the figure for what an ellipsis restricts
        the last question to ("und die großen Unternehmen?" after the firm sizes: 25 % are
        large), though the readings rank another intent first."""
        toks = tokens(fragment)
        if _has(toks, "only") or any(map(is_number, toks)):
            return False  # "and among SMEs only?", "and in 2021?": asked of them alone
        if any(t.group != "group" for t in self._restricting(fragment, ctx.lang)):
            return False
        snap = self.bot.store.current
        reading = f"{strip_opener(ctx.question).rstrip('?!. ')} {fragment}"
        res = snap.resolver.resolve(reading)
        return any(
            key in snap.resolver.docs
            and snap.intents[key].kind == "article"
            and not snap.policy.narrowing_of(reading, key, res)
            for key in ctx.intents
        )

    def _restricting_the_last(self, ctx: Context, text: str, alone: Answer) -> Answer | None:
        """A follow-up with no topic of its own that names a group, place or time, answered
        alone otherwise than by the last answer ("In welche Länder denn?" after the 55 % who
        want to expand: the article's location; "gilt das auch für KMU?" after the share
        using AI: the share of SMEs): read as the last question restricted, as an ellipsis
        is, and declined when the article does not give that."""
        again = bool(_intents(alone)) and _intents(alone) <= set(ctx.intents)
        if again or self._asks_alone(text) or self._names_another_thing(ctx, text, alone):
            return None
        lang = self._lang(text, ctx)
        if not self._restricts(text, lang):
            return None
        if alone.answered and self._topic_beyond_the_last(ctx, text, lang):
            return None  # "n expand overseas?" after the hiring figure: the expansion figure
        declined = None
        for question, _ in self._readings(ctx, text, elliptical=True, pronoun=False):
            answer = self.bot.resolve(question, lang)
            if answer.kind == "narrowed" and answer.intent in ctx.intents:
                return answer
            if declined is None and not answer.answered:
                declined = answer
        # "for SMEs only?" after the 49 %: the last question of SMEs, which the article
        # does not answer; the firm sizes it gets alone are no answer to it
        if declined is None:
            return None
        # … as "which month tho", which has no topic of its own, does too
        no_topic = not self._topic_of(strip_opener(text), lang)
        return declined if self._only_restricts(text, lang) or no_topic else None

    def _topic_beyond_the_last(self, ctx: Context, text: str, lang: str) -> bool:
        """Whether the follow-up names a topic of its own that no intent of the last answer
        knows ("expand" after the hiring figure): a question of its own, not the last one
        restricted."""
        if POINTERS.intersection(tokens(text)):
            return False  # "How does that compare with Singapore?": of the last answer
        docs = self.bot.store.current.resolver.docs
        topic = self._topic_of(strip_opener(text), lang)
        return bool(topic) and not any(
            docs[key].knows_all(topic) for key in ctx.intents if key in docs
        )

    @staticmethod
    def _same_of(text: str) -> bool:
        """ "is that the same for small ones?", "gilt das auch für KMU?": the last answer
        asked again of a group, place or time; "that" points at the answer, names nothing."""
        return _has(tokens(text), "same")

    def _only_restricts(self, text: str, lang: str) -> bool:
        """A follow-up that adds a restriction and nothing else ("for SMEs only?")."""
        fragment = strip_opener(text)
        return bool(self._restricting(fragment, lang)) and _has(tokens(text), "only")

    def _narrowed_by_it(
        self,
        answer: Answer,
        ctx: Context,
        text: str,
        lang: str,
        elliptical: bool,
        alone: Callable[[], Answer],
    ) -> bool:
        """Whether a reading declined as narrowed is declined for the follow-up's words: it
        narrows what was just answered ("wie viele davon sind KMU?"), or an ellipsis names
        the restriction ("und in Singapur?"); not when only the words of the last question
        narrow another intent ("And where does their revenue come from?" after the firm
        sizes). A name added for a pronoun may narrow an intent answered well alone. A
        follow-up with a topic of its own that the last answer does not know, answered alone,
        asks that topic of the group ("and the big companies, do they make a profit?" after
        the share using AI), it does not narrow the last answer."""
        if answer.intent in ctx.intents:
            if self._asks_of_the_group_itself(text, alone):
                return False
            return not self._asks_its_own_topic(answer, text, lang, alone)
        if self._restates(answer, ctx) and self._restricts(text, lang):
            return True  # "How does that compare with Singapore?" after the 49 %
        if elliptical:
            return self._restricts(text, lang)
        return not alone().answered

    @staticmethod
    def _asks_of_the_group_itself(text: str, alone: Callable[[], Answer]) -> bool:
        """ "and the share of SMEs among the firms?", "wie viele sind KMU?": a count or share
        asked of a group itself, answered alone, is a question of its own; "and how many of
        them are SMEs?" (a pointer), "the rate only among SMEs?" or "what about SMEs?" (no
        measure) narrows the last one."""
        toks = tokens(text)
        measure = asks_share(toks) or asks_count(toks)
        # "Und wie hoch ist die Quote nur bei den KMU?": "only" among them, the last measure
        among = POINTERS.intersection(toks) or _has(toks, "only")
        return measure and not among and alone().answered

    def _asks_its_own_topic(
        self, answer: Answer, text: str, lang: str, alone: Callable[[], Answer]
    ) -> bool:
        """Whether the follow-up names a topic `answer`'s intent does not know, and is
        answered alone."""
        docs = self.bot.store.current.resolver.docs
        topic = self._topic_of(strip_opener(text), lang)
        doc = docs.get(answer.intent or "")
        return bool(topic) and doc is not None and not doc.knows_all(topic) and alone().answered

    def _restates(self, answer: Answer, ctx: Context) -> bool:
        """Whether `answer` states a figure the last answer stated (the 49 % who struggle to
        hire, in the challenges too): narrowing it narrows what was just said."""
        intents = self.bot.store.current.intents
        said = {f for i in ctx.intents if i in intents for f in intents[i].facts}
        return any(said & set(intents[i].facts) for i in _intents(answer) if i in intents)

    def _switches_topic(self, ctx: Context, text: str, lang: str) -> Answer | None:
        """An ellipsis that names a topic the last answer is not about, and the answer of that
        topic read alone when one intent knowing all its words gives it: "und Expansion ins
        Ausland?" after the hiring figure asks the expansion figure, not hiring abroad."""
        resolver = self.bot.store.current.resolver
        fragment = strip_opener(text)
        topic = self._topic_of(fragment, lang)
        said = [resolver.docs[i] for i in ctx.intents if i in resolver.docs]
        if not topic or any(d.knows_all(topic) for d in said):
            return None
        # An answer is taken only when it knows the ellipsis's new words (`_covers`): where
        # no intent knows them all, the topic alone is not resolved.
        _, words = self._new_words(text)
        intents = self.bot.store.current.intents
        if words and not any(d.knows_all(words) for i, d in resolver.docs.items() if i in intents):
            return None
        answer = self.bot.resolve(fragment, lang)  # the topic alone, without the opener
        return answer if answer.kind == "intent" and self._covers(answer, text, True) else None

    def _topic_of(self, fragment: str, lang: str) -> set[str]:
        """The known words of a follow-up's own words that are no restriction, no figure (a
        figure restricts: "und 2023?") and no measure ("Exactly what percentage is that?"
        asks the last answer's share, of no topic of its own; not "and the 25%?", a figure
        with its unit)."""
        snap = self.bot.store.current
        resolver = snap.resolver
        restricting = {t for term in self._restricting(fragment, lang) for t in tokens(term.words)}
        rest = " ".join(t for t in tokens(fragment) if t not in restricting)
        features = resolver.analyzer.analyze(rest, correct=True).features
        # a figure's unit is part of the figure: "and the 25%?" names that statistic
        numbered = any(map(is_number, tokens(fragment)))
        measures = frozenset() if numbered else snap.policy.share_concepts
        return {
            w for w in features if w in resolver.idf and not w.startswith("#") and w not in measures
        }

    @staticmethod
    def _repeats(answer: Answer, ctx: Context, alone: Callable[[], Answer]) -> bool:
        """A reading that gives the last answer again while the follow-up alone is answered
        otherwise on the same topic: "und welche Finanzierungsoptionen gibt es?" after the
        location's advantages asks something new. A last answer of no intent (a quoted
        passage) is given again when the reading quotes it again; its topic is open.
        (`alone` is resolved only if needed.)"""
        said = set(ctx.intents)
        cited = {(c.source, c.locator, c.quote) for c in answer.citations}
        again = _intents(answer) <= said if said else cited <= set(ctx.citations)
        if again and alone().kind == "gap":
            # "Where exactly is it to be built?" after the HPC centre's opening: alone, a
            # known gap of the passage just cited (its location); not that answer again
            passages = {(c.source, c.locator) for c in alone().citations}
            return bool(passages & {(source, loc) for source, loc, _ in ctx.citations})
        return (
            again
            and alone().kind == "intent"  # one answer, not several parts of one
            and not _intents(alone()) <= said
            and _intents(alone()) != _intents(answer)  # alone, it asks just this
            and (not said or bool(_topics(alone().intent) & _topics("+".join(said))))
        )

    def _covers(self, answer: Answer, text: str, elliptical: bool) -> bool:
        """A follow-up read with the last question is about its own words: "und Cloud?"
        after the HPC figure is not answered by the HPC figure again (the words that point
        back, "the company", are not new). An ellipsis is made of its new words; a question
        with a pronoun has words of its own asking about the thing ("wofür ist das
        gedacht?"), but what it adds or asks for must be what the answer is about. A count
        or amount asked ("how many …?") needs an answer stating a figure, as in the main
        resolver."""
        snap = self.bot.store.current
        resolver = snap.resolver
        fragment, new = self._new_words(text)
        analysis = resolver.analyzer.analyze(fragment, correct=True)
        words: set[str] | frozenset[str] = new
        terms = []
        if not elliptical:
            words = self._added(fragment, analysis)
            terms = [  # "genau" narrows a figure only, as in the main resolver
                t
                for t in self._restricting(fragment, answer.lang)
                if t.group != "precision" or analysis.types & {"quantity", "time"}
            ]
        docs = [resolver.docs[i] for i in (answer.intent or "").split("+") if i in snap.intents]
        if "quantity" in analysis.types and not any(doc.numbers for doc in docs):
            return False  # "wie viele KI-Firmen gibt es in Singapur?": no figure answers it
        return not (words or terms) or any(
            doc.knows_all(words) and not uncovered(terms, doc.scope) for doc in docs
        )

    def _new_words(self, text: str) -> tuple[str, frozenset[str]]:
        """A follow-up's own words, without its opener and the words that point back or ask
        for more ("what else did he say about HK?": "else" excludes nothing), and what an
        ellipsis of them adds: the features the knowledge has seen, a figure always; words it
        has never seen ("ones", "geplant"), which no intent can know, only when nothing else
        is new."""
        resolver = self.bot.store.current.resolver
        fragment = " ".join(_without(_without(tokens(strip_opener(text)), "pronoun"), "more"))
        features = resolver.analyzer.analyze(fragment, correct=True).features
        known = frozenset(w for w in features if w in resolver.idf or w.startswith("#"))
        return fragment, known or features

    def _added(self, fragment: str, analysis: Analysis) -> set[str]:
        """What a question with a pronoun adds to the thing it points at: named things and
        figures, not the common ones ("and the SMEs, are they making money?", "its goal for
        2030?"), and the thing it asks for ("which markets are they targeting?")."""
        resolver = self.bot.store.current.resolver
        common = resolver.weight_of_share(COMMON_SHARE)
        toks = tokens(fragment)
        asked_for = " ".join(b for a, b in pairwise(toks) if (a,) in FOLLOWUP["which"])
        asked = resolver.analyzer.analyze(asked_for, correct=True).features
        return {
            w
            for w in analysis.features
            if (w in resolver.entity_kinds or w.startswith("#")) and resolver.weight(w) > common
        } | {w for w in asked if w in resolver.idf}

    def _readings(
        self, ctx: Context, text: str, *, elliptical: bool, pronoun: bool
    ) -> Iterator[tuple[str, str | None]]:
        """The follow-up read with the last question, each with the named thing it added for
        a pronoun, if any: the ellipsis filled ("und RAISe+?" → the last question about
        RAISe+), or the names of the last question added for a pronoun ("die Firma"). A
        follow-up that names its own thing needs no names. The last answer is read for its
        names only when those readings are reached (a reading before them may answer)."""
        snap = self.bot.store.current
        own = strip_opener(text)
        fragment = own.rstrip("?!. ")
        # read as `own`, tokenised already: the marks after the words give no token
        named = snap.entity_kinds(own)
        filled = []
        if fragment:
            base = strip_opener(ctx.question).rstrip("?!. ")
            for feature, kind in named.items():
                base = self._without_kind(base, kind, keep=feature)
            base = self._without_other_groups(base, fragment, ctx.lang)
            if _asks(own):
                # "und wo?" asks its own question of the last one's topic: where, not when
                # (nor why: "where's it going to be?" after "… supposed to open?")
                filled.append((f"{fragment} {_without_question_cues(base)}", None))
            else:
                filled.append((f"{base} {fragment}", None))
        # "is that also true for SMEs?" restricts the last question, as an ellipsis does
        filled_first = elliptical or (
            not self._asks_alone(text) and self._restricts(text, ctx.lang)
        )
        # "welche sind das (genau)?" asks for the items counted: before any other reading
        counted = [] if named else self._with_counted(ctx, text)
        yield from counted
        if filled_first:
            yield from filled
        if pronoun and not named:
            yield from self._with_names(ctx, text)
        if not filled_first:
            yield from filled

    def _with_counted(self, ctx: Context, text: str) -> list[tuple[str, str | None]]:
        """ "list them", "welche sind das?" after "nine recommendations": the follow-up asks
        for the items of what the last answer counts; read with those things, marked
        `COUNTED` (the article names no such items: declined, not another answer)."""
        toks = tokens(text)
        asks_items = has_cue(toks, "lists") or _has(toks, "which")
        if not (asks_items and _has(toks, "things_pronoun")):
            return []
        intents = self.bot.store.current.intents
        words = [
            word
            for key in ctx.intents
            if key in intents
            for word in counted_words(intents[key].answer.get(ctx.lang))
        ]
        asked = text.rstrip("?!. ")
        return [(f"{asked} {word}?", COUNTED) for word in dict.fromkeys(words)]

    def _with_names(self, ctx: Context, text: str) -> list[tuple[str, str | None]]:
        """`text` with each name the last question and answer named, one name at a time (a
        name the answer is not about would narrow the question), and the name's feature."""
        snap = self.bot.store.current
        feature = {name: f for f, name in snap.resolver.entities.items()}
        names = list(dict.fromkeys(self._last_names(snap, ctx)))
        if _has(tokens(text), "person_pronoun"):  # "wo hat er gesprochen?": a person
            kinds = snap.resolver.entity_kinds
            people = [n for n in names if kinds.get(feature[n]) == "person"]
            names = people or names
        asked = text.rstrip("?!. ")
        return [(f"{asked} {name}?", feature[name]) for name in names]

    def _last_names(self, snap: Snapshot, ctx: Context) -> list[str]:
        """The names the last question and its answers name: `entity_terms` of them joined by
        spaces."""
        found = self._last_features(snap, ctx, (ctx.lang,))
        return [snap.resolver.entities[f] for f in sorted(found & snap.resolver.entities.keys())]

    def _last_features(
        self, snap: Snapshot, ctx: Context, langs: tuple[str, ...]
    ) -> frozenset[str]:
        """The features of the last question and its answers in `langs`, joined by spaces and
        analysed as written. Each answer is read once per index; when no word or name runs
        on from one text into the next, the joined text's features are those of its texts."""
        said = [(i, lang) for i in ctx.intents if i in snap.intents for lang in langs]
        analyzer = snap.resolver.analyzer
        question = (analyzer.analyze(ctx.question, correct=False), ends_open(ctx.question))
        found = analyzer.joined_features([question, *(self._said(snap, *s) for s in said)])
        if found is None:
            texts = [ctx.question, *(snap.intents[i].answer.get(lang) for i, lang in said)]
            return analyzer.analyze(" ".join(texts), correct=False).features
        return found

    def _said(self, snap: Snapshot, intent: str, lang: str) -> tuple[Analysis, bool]:
        """An intent's answer in `lang` analysed as written, and whether it ends open: read
        once per index (an answer is the knowledge's, not a message's)."""
        said = self._known(snap.resolver).said
        found = said.get((intent, lang))
        if found is None:
            text = snap.intents[intent].answer.get(lang)
            found = said[(intent, lang)] = (
                snap.resolver.analyzer.analyze(text, correct=False),
                ends_open(text),
            )
        return found

    def _gap_of_it(self, answer: Answer, named: str | None, alone: Callable[[], Answer]) -> bool:
        """A known gap of the thing a pronoun points at ("what is its revenue?" of SenseTime:
        the article says nothing of its business) declines the follow-up, unless the
        follow-up read alone is answered about that thing too."""
        return (
            named is not None
            and answer.kind == "gap"
            and self._is_about(answer, named)
            and not (alone().answered and self._is_about(alone(), named))
        )

    def _is_about(self, answer: Answer, named: str) -> bool:
        """Whether an answer is about a named thing (knows its feature): "what is its
        revenue?" of SenseTime is not the revenue of the firms in the study."""
        docs = self.bot.store.current.resolver.docs
        return any(named in docs[i].scope | docs[i].bag for i in _intents(answer) if i in docs)

    def _names_another_thing(self, ctx: Context, text: str, alone: Answer) -> bool:
        """A follow-up answered alone about a programme, organisation or person the last
        answers do not cover ("how much is RAISe+ in total?" after the share of firms using
        AI): a topic of its own, whatever restriction it names."""
        if not alone.answered:
            return False
        resolver = self.bot.store.current.resolver
        named = resolver.analyzer.analyze(text, correct=True).features & resolver.entities.keys()
        docs = [resolver.docs[i] for i in ctx.intents if i in resolver.docs]
        return bool(named - frozenset().union(*(doc.scope for doc in docs)))

    def _names_a_thing(self, text: str) -> bool:
        """Whether `text` names a person, organisation, programme, place or outlet."""
        resolver = self.bot.store.current.resolver
        return bool(
            resolver.analyzer.analyze(text, correct=True).features & resolver.entity_kinds.keys()
        )

    def _restricting(self, fragment: str, lang: str) -> list[Narrowing]:
        """The restricting terms of a follow-up's own words, as the main resolver finds them."""
        return self.bot.store.current.policy.terms(fragment, lang)

    def _restricts(self, text: str, lang: str) -> bool:
        """An ellipsis that names a group, place or time ("und die KMU?", "and end of
        2023?"): it restricts the last question rather than asking about a topic."""
        resolver = self.bot.store.current.resolver
        fragment = strip_opener(text)
        return bool(
            resolver.analyzer.analyze(fragment, correct=True).numbers
            or self._restricting(fragment, lang)
        )

    def _asks_alone(self, text: str) -> bool:
        """A follow-up with a question word and words enough to be a question of its own."""
        snap = self.bot.store.current
        fragment = strip_opener(text)
        content = [t for t in tokens(fragment) if t not in STOPWORDS and t not in QUESTION_WORDS]
        return _asks(fragment) and sum(map(snap.knows_topic, content)) >= OWN_QUESTION_WORDS

    def _without_other_groups(self, question: str, fragment: str, lang: str) -> str:
        """`question` without the groups it names when `fragment` names one ("und die
        großen?" after the SMEs under 200 staff: the large firms instead, not both)."""
        if not any(t.group == "group" for t in self._restricting(fragment, lang)):
            return question
        for term in self._restricting(question, lang):
            if term.group == "group":
                question = re.sub(re.escape(term.words), " ", question, flags=re.IGNORECASE)
        return " ".join(question.split())

    def _without_kind(self, question: str, kind: str, *, keep: str) -> str:
        """`question` without the names of things of `kind` ("AI Subsidy Scheme" gives way
        to "RAISe+")."""
        resolver = self.bot.store.current.resolver
        for feature, terms in resolver.entity_terms.items():
            if resolver.entity_kinds[feature] != kind or feature == keep:
                continue
            for term in sorted(terms, key=len, reverse=True):
                question = re.sub(re.escape(term), " ", question, flags=re.IGNORECASE)
        return " ".join(question.split())

    def _lang(self, text: str, ctx: Context | None) -> str:
        """The follow-up's own language if it shows one, else the conversation's."""
        resolver = self.bot.store.current.resolver
        default = ctx.lang if ctx else resolver.default_lang
        return detect(text, default=default, vocabulary=resolver.vocab_by_lang)[0]

    # -- the context -----------------------------------------------------------------

    def _context(self, answer: Answer, last: Context | None) -> Context | None:
        """What to keep after `answer` (after the `last` context, if any): the answered
        intents, citations and language, and the quotes told so far."""
        if answer.kind in ("smalltalk", "refused", "rate_limited", "abstain"):
            return None
        intents = tuple(i for i in (answer.intent or "").split("+") if i)
        cites = tuple((c.source, c.locator, c.quote) for c in answer.citations)[:MAX_CITATIONS]
        named = self._named_in(answer.text)
        question = answer.question[:MAX_QUESTION]
        told = last.told_so_far() if last else ()
        before: tuple[str, ...] = ()
        if not answer.answered and last is not None:  # a decline keeps the answer before it
            before = last.intents if last.answered else last.answered_before
        return Context(answer.lang, question, intents, cites, named, answer.answered, told, before)

    def _load(self, key: str) -> Context | None:
        try:
            raw = self.bot.state.get(key)
        except Exception:
            log.exception("conversation store unavailable; answering without context")
            return None
        if not raw:
            return None
        kept = self._kept.get(raw) or Context.from_json(raw)
        if kept is None:
            log.warning("conversation: a stored context could not be read; answering without it")
            return None
        # Only the named things the index in use knows are counted ("the second one"): a
        # reload may have taken one away (or another version, a corrupted value, named it).
        terms = self.bot.store.current.resolver.entity_terms
        if all(name in terms for name in kept.named):
            return kept
        return replace(kept, named=tuple(name for name in kept.named if name in terms))

    def _save(self, key: str, ctx: Context) -> None:
        raw = ctx.to_json()
        try:
            self.bot.state.put(key, raw, self.ttl_s)
        except Exception:
            log.exception("conversation store unavailable; context not kept")
            return
        if len(self._kept) >= KEPT_PARSED:
            self._kept.clear()
        self._kept[raw] = ctx
