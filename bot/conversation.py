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
    question of its own on the same topic is answered on its own. Near misses are
    declined as anywhere else, in the follow-up's own language.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from bot.answer import Answer
from bot.language import detect
from bot.lexicon import CHAT_PHRASES, FOLLOWUP, QUESTION_CUES, QUESTION_WORDS, STOPWORDS
from bot.messages import msg
from bot.text import is_number, tokens

if TYPE_CHECKING:
    from bot.service import Platform, QABot

log = logging.getLogger(__name__)
MAX_QUESTION = 500  # characters of the last question kept
MAX_CITATIONS = 10
WORD_CACHE = 8192  # words of last questions (≤ MAX_QUESTION characters) tested for a question word
OWN_QUESTION_WORDS = 2  # topic words that make an elliptical follow-up a question of its own
# Asking where it is said asks for the source: the one-word cues of a place question.
WHERE = frozenset(cue[0] for cue in QUESTION_CUES["place"] if len(cue) == 1)


@dataclass(frozen=True)
class Context:
    """What a conversation last answered."""

    lang: str
    question: str
    intents: tuple[str, ...]
    citations: tuple[tuple[str, str, str], ...]  # source, locator, quote

    def to_json(self) -> str:
        fields = {
            "lang": self.lang,
            "question": self.question,
            "intents": list(self.intents),
            "citations": [list(c) for c in self.citations],
        }
        return json.dumps(fields, ensure_ascii=False)  # not asdict: it deep-copies, slowly

    @classmethod
    def from_json(cls, raw: str) -> Context | None:
        try:
            data = json.loads(raw)
            return cls(
                str(data["lang"]),
                str(data["question"]),
                tuple(map(str, data["intents"])),
                tuple(tuple(map(str, c)) for c in data["citations"]),  # type: ignore[misc]
            )
        except (ValueError, KeyError, TypeError):
            return None  # a context we cannot read is no context


# Each kind's cue phrases by their first token: a message is scanned once, one look-up
# per token, instead of trying every phrase at every position.
_CUES_BY_FIRST: dict[str, dict[str, list[tuple[str, ...]]]] = {}
for _kind, _phrases in FOLLOWUP.items():
    for _phrase in _phrases:
        _CUES_BY_FIRST.setdefault(_kind, {}).setdefault(_phrase[0], []).append(_phrase)


def _cue_spans(toks: list[str], kind: str) -> list[range]:
    """Where the cue phrases of `kind` stand in `toks` (every occurrence)."""
    by_first = _CUES_BY_FIRST.get(kind, {})
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


def request_kind(text: str, knows: Callable[[str], bool]) -> str | None:
    """ "source", "to_en", "to_de" or "more" when that is what the message asks: the cue,
    and no other word the knowledge base knows ("Kannst du das bitte auf Deutsch sagen?",
    "Quelle für die 200?")."""
    toks = tokens(text)
    for kind in ("source", "to_en", "to_de", "more"):
        covered = {i for span in _cue_spans(toks, kind) for i in span}
        if not covered:
            continue
        rest = [t for i, t in enumerate(toks) if i not in covered]
        points_back = kind == "more" and _has(toks, "pronoun")  # "what else did he say?"
        asked = {t for t in rest if t in QUESTION_WORDS}
        where = kind == "source" and asked <= WHERE  # "Where's that in the text?"
        if asked and not (points_back or where):
            continue  # "What is the source of the article?" is a question of its own
        plain = all(
            t in STOPWORDS or (t,) in CHAT_PHRASES or is_number(t) or not knows(t) for t in rest
        )
        # Asked for another language, the rest may say why ("… for our investor deck").
        if plain or kind in ("to_en", "to_de"):
            return kind
    return None


def _topics(intents: str | None) -> set[str]:
    """The topics of answered intents: an id is `topic.name` (knowledge/qa/<topic>.yaml)."""
    return {i.split(".")[0] for i in (intents or "").split("+") if "." in i}


def _asks(word: str) -> bool:
    return any(t in QUESTION_WORDS for t in tokens(word))


@lru_cache(maxsize=WORD_CACHE)
def _is_question_word(word: str) -> bool:
    """`_asks` of one word of a last question, remembered: words recur, questions do not."""
    return _asks(word)


def opens_elliptically(text: str) -> bool:
    """ "und RAISe+?", "and in 2021?", "what about SMEs?": an opener and little else."""
    toks = tokens(text)
    return bool(toks) and any(tuple(toks[: len(p)]) == p for p in FOLLOWUP["elliptical"])


def strip_opener(text: str) -> str:
    words = text.split()
    while words and (tokens(words[0]) and (tokens(words[0])[0],) in FOLLOWUP["elliptical"]):
        words.pop(0)
    return " ".join(words)


class Conversations:
    """Answers messages of conversations, each with the context of its last answer."""

    def __init__(self, bot: QABot, *, ttl_s: float) -> None:
        self.bot = bot
        self.ttl_s = ttl_s

    def ask(
        self,
        conversation: str,
        text: str,
        *,
        platform: Platform = "cli",
        user: str | None = None,
        channel: str | None = None,
    ) -> Answer:
        """The reply to `text` in `conversation`; never raises for any input string."""
        key = f"conversation:{platform}:{conversation}"

        def reply() -> Answer:
            ctx = self._load(key)
            kind = request_kind(text, self._knows_beyond(ctx))
            if kind is not None:
                answer = self._request(kind, ctx, text)
                if ctx is not None and answer.answered:  # same topic; the language may change
                    told = tuple(i for i in (answer.intent or "").split("+") if i)
                    more = tuple(i for i in told if i not in ctx.intents) if kind == "more" else ()
                    self._save(key, replace(ctx, lang=answer.lang, intents=ctx.intents + more))
                return replace(answer, question=text)
            answer = self._reply(ctx, text)
            new = self._context(answer)  # keeps the question as understood
            if new is not None:
                self._save(key, new)
            return replace(answer, question=text)

        # One message: rate-limited, counted and logged once, however it is read.
        return self.bot.handle(text, reply, platform=platform, user=user, channel=channel)

    # -- the reply ----------------------------------------------------------------

    def _knows_beyond(self, ctx: Context | None) -> Callable[[str], bool]:
        """A topic word the last answer was not about: "anything else from that study?"
        after an answer about the study asks for more, not about another topic."""
        snap = self.bot.store.current
        if ctx is None:
            return snap.knows_topic

        @cache
        def about() -> set[str]:  # read only when a topic word stands beside a cue
            said = [snap.intents[i].answer.get(ctx.lang) for i in ctx.intents if i in snap.intents]
            return set(tokens(" ".join([ctx.question, *said])))

        return lambda t: snap.knows_topic(t) and t not in about()

    def _request(self, kind: str, ctx: Context | None, text: str) -> Answer:
        """The source, more, or the last answer in another language."""
        snap = self.bot.store.current
        lang = self._lang(text, ctx)
        if ctx is None:
            return Answer(text, False, lang, msg("about_what", lang), "abstain")
        if kind == "source":
            return snap.passages(text, [(s, loc) for s, loc, _ in ctx.citations], lang)
        if kind == "more":
            said = [snap.intents[i].answer.get("de") for i in ctx.intents if i in snap.intents]
            about = " ".join([ctx.question, *said])
            related = snap.related_intents(list(ctx.intents), list(ctx.citations), about)
            if related:
                return snap.answer_intents(text, related, lang)
            return snap.neighbours(text, list(ctx.citations), about, lang)
        return snap.answer_intents(text, list(ctx.intents), "en" if kind == "to_en" else "de")

    def _reply(self, ctx: Context | None, text: str) -> Answer:
        ask = self.bot.resolve
        # The follow-up read on its own, resolved only when needed: a reading that answers
        # needs no second resolver call.
        alone = cache(lambda: ask(text))
        if ctx is None or _has(tokens(text), "new_topic"):
            return alone()  # "Andere Frage: …" leaves the last topic
        elliptical = opens_elliptically(text)
        pronoun = _has(tokens(text), "pronoun")
        if not (elliptical or pronoun) and alone().kind != "abstain":
            return alone()
        # "and how many of the large firms are profitable?": a question of its own, same topic
        if (
            elliptical
            and not pronoun
            and self._asks_alone(text)
            and alone().answered
            and _topics(alone().intent) & _topics("+".join(ctx.intents))
        ):
            return alone()
        lang = self._lang(text, ctx)  # the follow-up's own, else the conversation's
        for question in self._readings(ctx, text, elliptical=elliptical, pronoun=pronoun):
            answer = self.bot.resolve(question, lang)  # .question: the follow-up as understood
            # An ellipsis declined ("und in Singapur?") wins over its answer alone; a name
            # added for a pronoun may narrow what was answered well on its own.
            declined_with_why = (
                answer.kind == "narrowed" and (elliptical or not alone().answered)
            ) or (elliptical and answer.kind == "gap" and alone().kind == "abstain")
            about_new_words = elliptical and not pronoun
            if declined_with_why or (
                answer.answered and self._covers(answer, text, about_new_words)
            ):
                return answer
        return alone()

    def _covers(self, answer: Answer, text: str, elliptical: bool) -> bool:
        """An ellipsis read with the last question is about its new words: "und Cloud?"
        after the HPC figure is not answered by the HPC figure again (the words that point
        back, "the company", are not new)."""
        if not elliptical:
            return True
        snap = self.bot.store.current
        fragment = " ".join(_without(tokens(strip_opener(text)), "pronoun"))
        words = snap.resolver.analyzer.analyze(fragment, correct=True).features
        docs = [
            snap.resolver.docs[i] for i in (answer.intent or "").split("+") if i in snap.intents
        ]
        return not words or any(words <= doc.bag | doc.context | doc.scope for doc in docs)

    def _readings(self, ctx: Context, text: str, *, elliptical: bool, pronoun: bool) -> list[str]:
        """The follow-up read with the last question: the ellipsis filled ("und RAISe+?" →
        the last question about RAISe+), or the names of the last question added for a
        pronoun ("die Firma"). A follow-up that names its own thing needs no names."""
        snap = self.bot.store.current
        fragment = strip_opener(text).rstrip("?!. ")
        named = snap.entity_kinds(fragment)
        filled = []
        if fragment:
            base = ctx.question.rstrip("?!. ")
            for feature, kind in named.items():
                base = self._without_kind(base, kind, keep=feature)
            if _asks(fragment):
                # "und wo?" asks its own question of the last one's topic: where, not when
                base = " ".join(w for w in base.split() if not _is_question_word(w))
                filled.append(f"{fragment} {base}")
            else:
                filled.append(f"{base} {fragment}")
        with_names = self._with_names(ctx, text) if pronoun and not named else []
        return filled + with_names if elliptical else with_names + filled

    def _with_names(self, ctx: Context, text: str) -> list[str]:
        """`text` with each name the last question and answer named, one name at a time: a
        name the answer is not about would narrow the question."""
        snap = self.bot.store.current
        said = [snap.intents[i].answer.get(ctx.lang) for i in ctx.intents if i in snap.intents]
        names = dict.fromkeys(snap.entity_terms(" ".join([ctx.question, *said])))
        asked = text.rstrip("?!. ")
        return [f"{asked} {name}?" for name in names]

    def _asks_alone(self, text: str) -> bool:
        """A follow-up with a question word and words enough to be a question of its own."""
        snap = self.bot.store.current
        fragment = strip_opener(text)
        content = [t for t in tokens(fragment) if t not in STOPWORDS and t not in QUESTION_WORDS]
        return _asks(fragment) and sum(map(snap.knows_topic, content)) >= OWN_QUESTION_WORDS

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

    def _context(self, answer: Answer) -> Context | None:
        """What to keep after `answer`: the answered intents, citations and language."""
        if answer.kind in ("smalltalk", "refused", "rate_limited", "abstain"):
            return None
        intents = tuple(i for i in (answer.intent or "").split("+") if i)
        cites = tuple((c.source, c.locator, c.quote) for c in answer.citations)[:MAX_CITATIONS]
        return Context(answer.lang, answer.question[:MAX_QUESTION], intents, cites)

    def _load(self, key: str) -> Context | None:
        try:
            raw = self.bot.state.get(key)
        except Exception:
            log.exception("conversation store unavailable; answering without context")
            return None
        return Context.from_json(raw) if raw else None

    def _save(self, key: str, ctx: Context) -> None:
        try:
            self.bot.state.put(key, ctx.to_json(), self.ttl_s)
        except Exception:
            log.exception("conversation store unavailable; context not kept")
