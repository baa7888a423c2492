"""Reading a chat message before matching: which parts are the question, which are chat.

People write "Servus! wie viele …?", "thx! und noch was: …", or two sentences of
context and then the question. The matcher should see the question, not the
greeting or the story around it:
  - a part made only of chat words (greetings, thanks, address, filler) is chat;
  - in a message of several sentences, the parts that ask (a "?", or a question
    word or cue at their start) are the questions, the rest is context;
  - a message that is all chat is smalltalk and goes to the whole-text matcher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.lexicon import (
    ALTERNATIVES,
    ASKER,
    CHAT_KINDS,
    CHAT_PHRASES,
    COUNT_UNITS,
    CUES,
    DEMONSTRATIVES,
    FILLER,
    GRANULARITY_WORDS,
    HOME_PLACE,
    LANG_HINTS,
    LIKENESS_OPENERS,
    PLACE_POINTERS,
    POINTERS,
    QUESTION_CUES,
    QUESTION_OPENERS,
    QUESTION_WORDS,
    SOURCE_WORDS,
    STAND_INS,
    STATEMENT_PARTICLES,
    STOPWORDS,
    VERIFY_WORDS,
    YES_NO_OPENERS,
)
from bot.narrowing import restricting_terms
from bot.text import tokens

# Sentence ends and line breaks ("?" also when the next sentence follows without a space).
# Abbreviations whose period ends no sentence ("nutzen bzw. planen", "z.B. in petaflops",
# "im Nov. 2023", "max. aus dem Scheme"): months, titles, and the common ones of both languages.
_DOTTED = (
    *("jan", "feb", "mär", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "oct"),
    *("nov", "dez", "dec"),  # months
    *("bzw", "etc", "ca", "z.b", "e.g", "i.e", "usw", "vs", "nr", "mio", "mrd", "inkl", "ggf"),
    *("max", "min", "mind", "approx", "bspw", "evtl", "zzgl", "u.a", "d.h", "vgl", "sog", "ggü"),
    *("dr", "prof", "mr", "mrs", "ms", "st", "incl", "excl", "resp", "est", "abt", "lt"),
)
_PARTS = re.compile(
    r"(?<=[.!?…])" + "".join(rf"(?<!\b{re.escape(a)}\.)" for a in _DOTTED) + r"\s+"
    r"|\n+|(?<=[?!])(?=[^\s?!])|\s*[\U0001F300-\U0001FAFF\u2600-\u27BF]+\s*"
    r"|(?:^|\s+)\(?\d{1,2}\)\s+",  # "1) when was it founded 2) who's the CFO"
    re.IGNORECASE,
)
_QUESTION_OPENERS = (
    frozenset(QUESTION_WORDS)
    | {cue[0] for cues in QUESTION_CUES.values() for cue in cues if len(cue) == 1}
    | QUESTION_OPENERS
)
# A cue of several words opens a question only as a whole ("in welchem Jahr …", not "in
# absolute numbers"; "number of …", not "number crunching is fun").
_OPENING_CUES = frozenset(cue for cues in QUESTION_CUES.values() for cue in cues if len(cue) > 1)
_OPENING_CUE_LENGTHS = sorted({len(cue) for cue in _OPENING_CUES})
_MAX_CHAT_RUN = 6
_ASKING_REACH = 2  # words after a chat opening where a question word starts a question
_CUES_BY_FIRST: dict[str, dict[str, list[tuple[str, ...]]]] = {name: {} for name in CUES}
for _name, _cues in CUES.items():
    for _cue in _cues:
        _CUES_BY_FIRST[_name].setdefault(_cue[0], []).append(_cue)
_OTHER = {"de": "en", "en": "de"}
_TAIL_WORDS = 6
_RUN_ON_WORDS = 18  # a message longer than this without a sentence end is a run-on
_CONTEXT_WORDS = 4  # and a question word this far in starts its question
_POINTER_REACH = 2  # last words of a question where a pointer refers back
_CHECK_REACH = 3  # words before a verb of checking where what it checks is pointed at
# what points at the sentence before: "Können Sie das bitte prüfen?", "sind das …?"
POINTED_AT = POINTERS | {"das", "dies", "es"}
_THIN_WORDS = 1  # content words of a question that leans on the sentence before it
READ_CACHE = 1024  # messages remembered as read: those of the last moments


@dataclass(frozen=True)
class Reading:
    """A message split into the question parts to answer and the chat around them."""

    questions: tuple[str, ...]
    chat: tuple[str, ...]
    # a question read with the sentence before it ("… domestic market. What's the revenue
    # number?") → the question alone, to fall back on if the two read together are not answered
    alone: tuple[tuple[str, str], ...] = ()
    # a question after a sentence of context that it does not lean on ("Client is worried
    # about hiring local talent. What does the article say on talent availability?") →
    # that sentence, to read with it if the question alone is not answered
    context: tuple[tuple[str, str], ...] = ()
    # a question read with the sentence before it → the statements before that one since
    # the last question ("… das Gründungsjahr von SenseTime. Jens meinte, das sei 2016
    # gewesen. Stimmt 2016?"), to read with it when the sentence before it is not enough
    story: tuple[tuple[str, str], ...] = ()

    @property
    def only_chat(self) -> bool:
        return not self.questions


_ELONGATED = re.compile(r"(.)\1{2,}")


def chat_tokens(text: str) -> list[str]:
    """The folded tokens, a stretched chat word read as itself ("hiii" is "hi", "thxxx"
    "thx"); other words keep their letters ("Schifffahrt")."""
    toks = tokens(text)
    if not _ELONGATED.search(" ".join(toks)):
        return list(toks)  # no word stretched: most messages, read in one search
    out = []
    for tok in toks:
        short = _ELONGATED.sub(r"\1", tok)
        out.append(short if short != tok and (short,) in CHAT_PHRASES else tok)
    return out


def chat_prefix_length(toks: list[str]) -> int:
    """How many leading tokens are greeting, thanks or address ("hey qabot ganz kurz")."""
    i = 0
    while i < len(toks) and i < _MAX_CHAT_RUN:
        step = next((n for n in (3, 2, 1) if tuple(toks[i : i + n]) in CHAT_PHRASES), 0)
        if not step:
            break
        i += step
    return i


def _without_chat_tail(part: str) -> str:
    """`part` without chat words after its last comma ("…, by the way?", "…, lol"): the
    words before it ask."""
    head, comma, tail = part.rpartition(",")
    if not comma or not head.strip():
        return part
    toks = tokens(tail)
    if not toks or chat_prefix_length(toks) < len(toks):
        return part
    said = tokens(head)
    asked = said[chat_prefix_length(said) :]
    if not any(len(t) > 2 for t in asked):
        return part  # "hello ji, good morning!": chat throughout
    return head.rstrip() + ("?" if part.rstrip().endswith("?") else "")


def is_chat(part: str) -> bool:
    """A part that is greeting, thanks or address: "Hallo!", "danke dir vielmals", "Vielen
    Dank, das hat mir für meine Hausarbeit sehr geholfen!" (one other word is allowed
    after a chat opening)."""
    toks = chat_tokens(part)
    if not toks:
        return True  # "👋", "!!": nothing to answer
    opening = chat_prefix_length(toks)
    if not opening and not any((t,) in CHAT_PHRASES for t in toks):
        return False  # "What is the article about?": function words, but a question
    # "hey @qabot ganz kurz: wer ist der cfo" asks; "thank you, that's exactly what I needed"
    # does not: after thanks, a question word deep in a sentence with no "?" relates
    parting = chat_kind(" ".join(toks[:opening])) in ("thanks", "goodbye")
    deep = parting and "?" not in part
    asked = toks[opening : opening + _ASKING_REACH] if deep else toks[opening:]
    if _question_word_in(asked):
        return False
    rest = [t for t in toks[opening:] if (t,) not in CHAT_PHRASES and t not in STOPWORDS | FILLER]
    if not rest or (opening > 0 and len(rest) <= 1 and "?" not in part):
        return True
    # "thanks a lot, that really helps for my lesson tomorrow": thanks and a remark, no question
    return opening > 0 and chat_kind(part) in ("thanks", "goodbye") and not asks(part)


def _question_word_in(toks: list[str]) -> bool:
    """Whether a question word stands in `toks`, in the language they are written in ("that
    was all for now" holds no German "was")."""
    hints = {lang: sum(t in LANG_HINTS[lang] for t in toks) for lang in _OTHER}
    return any(
        t in QUESTION_WORDS and hints[_OTHER[QUESTION_WORDS[t]]] <= hints[QUESTION_WORDS[t]]
        for t in toks
    )


def chat_kind(text: str) -> str | None:
    """ "thanks", "goodbye" or "greeting" for a message of chat, by its words; else None."""
    toks = chat_tokens(text)
    found = {
        kind
        for kind, phrases in CHAT_KINDS.items()
        for n in (1, 2, 3)
        for i in range(len(toks))
        if tuple(toks[i : i + n]) in phrases
    }
    return next((k for k in ("thanks", "goodbye", "greeting") if k in found), None)


_FIRST_PERSON = re.compile(r"\s*i\b(?!['’])", re.IGNORECASE)  # "I have …" (not "I'd …?")


def asks(part: str) -> bool:
    """Whether a part is put as a question: a "?" or a question opener or cue. A sentence
    whose subject "I" comes first states ("I have the 2022 figure already."): the tokens
    drop a one-letter word, and "have" would open a question."""
    if "?" in part:
        return True
    return not _FIRST_PERSON.match(part) and opens_as_question(tokens(part))


def opens_as_question(toks: list[str] | tuple[str, ...]) -> bool:
    """Whether words open as a question ("wie viele …", "and by when …"), not as a claim
    with a "?" after it ("Wang Zheng spoke at the 2024 conference, didn't he?")."""
    toks = toks[chat_prefix_length(list(toks)) :]
    if tuple(toks[:2]) in LIKENESS_OPENERS:
        return False  # "so wie die Hälfte bei den großen": a likeness, no question
    if toks and toks[0] in QUESTION_OPENERS and STATEMENT_PARTICLES.intersection(toks[1:4]):
        return False  # "hat sich ja verdoppelt": a verb first, then "ja", states
    # "bis wann …", "and by when …": a question word after one opening word asks too, in
    # the same language ("that was all" is no German "was")
    return bool(toks) and (
        toks[0] in _QUESTION_OPENERS
        or any(tuple(toks[:n]) in _OPENING_CUES for n in _OPENING_CUE_LENGTHS)
        or _question_word_in(list(toks[:2]))
    )


_FORMAL_YOU = re.compile(r"(?<![.!?:]\s)(?<!^)\b(?:Sie|Ihnen|Ihr|Ihre|Ihrer|Ihrem|Ihren)\b")


def addresses_formally(part: str) -> bool:
    """ "Was können Sie?", "Danke für Ihre Hilfe": the capitalised "Sie" of formal German
    inside a sentence addresses the reader (at a sentence's start it may be "they")."""
    return bool(_FORMAL_YOU.search(part.strip()))


def has_cue(toks: list[str] | tuple[str, ...], name: str) -> bool:
    """Whether one of the `name` cues of the language data stands in `toks`."""
    by_first = _CUES_BY_FIRST[name]
    for i, tok in enumerate(toks):
        for cue in by_first.get(tok, ()):
            if tuple(toks[i : i + len(cue)]) == cue:
                return True
    return False


def strip_chat(part: str) -> str:
    """The part without a leading greeting or address ("Servus! wie viele" → "wie viele"),
    nor an aside after a comma at its end ("Who are you, by the way?")."""
    part = _without_chat_tail(part)
    words = part.split()
    n = chat_prefix_length(chat_tokens(part))
    if not n:
        return part
    # Drop whole words until `n` chat tokens are gone (a word may hold punctuation).
    dropped = 0
    while words and dropped < n:
        dropped += len(tokens(words[0])) or 0
        words.pop(0)
    return " ".join(words) or part


@lru_cache(maxsize=READ_CACHE)
def read(text: str) -> Reading:
    """Split `text` into question parts (greeting stripped) and chat parts. Remembered per
    text, as tokens are: a follow-up is read by the conversation layer and then again by
    the resolver."""
    parts = [q for p in _PARTS.split(text) if p and p.strip() for q in _after_label(p.strip())]
    chat = [p for p in parts if is_chat(p)]
    content = [strip_chat(p) for p in parts if not is_chat(p)]
    leaned: dict[str, str] = {}
    before: dict[str, str] = {}
    earlier: dict[str, str] = {}
    if len(content) > 1:
        # Several sentences: the ones that ask; if none does, the message as a whole.
        asking = any(asks(p) for p in content)
        content = (
            _questions_with_tails(content, leaned, before, earlier)
            if asking
            else [" ".join(content)]
        )
    questions = tuple(_from_the_question(p) for p in content)
    return Reading(
        questions,
        tuple(chat),
        tuple((q, leaned[q]) for q in questions if q in leaned),
        tuple((q, before[q]) for q in questions if q in before),
        tuple((q, earlier[q]) for q in questions if q in earlier),
    )


LEAD_IN_GROUPS = frozenset({"group"})  # a lead-in naming a group of firms narrows
LABEL_WORDS = 3  # a lead-in this short naming a place is the question's label ("Singapore comp:")


def _after_label(part: str) -> list[str]:
    """A lead-in before a colon that asks nothing, then a question ("Next one: how many …",
    "Quick one before we hit record: which outlet …"): two parts, so the lead-in is context.
    A colon inside a question ("Which is higher: A or B?") stays, and so does a head that a
    comparison after it needs ("A vs B: which came first?"), that the question points at
    ("Only the SMEs: what share of them …?"), or a short one naming a place ("Singapore
    comp: % of firms …?"; not "my grandson in London asked me this: …")."""
    head, sep, tail = part.partition(": ")
    if not sep or not tail.strip() or asks(head) or not asks(tail):
        return [part]
    toks = tokens(tail)
    if has_cue(toks, "compare") or any(t in ALTERNATIVES for t in toks):
        return [part]
    if any(t in POINTERS or t in STAND_INS for t in toks):  # "Only the SMEs: what share of
        return [part]  # them …?", "HKSTP AI firms: how did they develop?"
    label = len(tokens(head)) <= LABEL_WORDS
    groups = LEAD_IN_GROUPS | {"place"} if label else LEAD_IN_GROUPS
    if any(t.group in groups for t in restricting_terms(head, _anything, "")):
        return [part]  # "Firms with 10-49 staff: what share use AI?" asks of those firms
    return [head, tail.strip()]


def _anything(_: str) -> bool:
    return True  # only the lexicon's restrictors count: no word is read as an unknown name


def _from_the_question(part: str) -> str:
    """A long run-on message without any sentence end (dictated: "i am writing my thesis and my
    supervisor … so how many percent of …"): the question starts at its first question
    word after the context."""
    words = part.split()
    opening = tokens(" ".join(words[:_CONTEXT_WORDS]))
    if "?" in part or len(words) <= _RUN_ON_WORDS or any(t in _QUESTION_OPENERS for t in opening):
        return part  # typed, short, or it opens as a question ("How big …, when …, and …")
    for n in range(_CONTEXT_WORDS, len(words)):
        first = tokens(words[n])[:1]
        if first and first[0] in QUESTION_WORDS:
            return " ".join(words[n:])
    return part


def _questions_with_tails(
    parts: list[str], leaned: dict[str, str], before: dict[str, str], earlier: dict[str, str]
) -> list[str]:
    """The asking parts; a short remark right after a question belongs to it ("… ?
    Precise figure please."), longer statements are context and dropped, unless the
    question only points at them ("My editor wants the share of … . What is it?"); a
    dropped sentence right before a question is kept aside for it (`before`), and so are
    the statements before the one a question leans on (`earlier`)."""
    out: list[str] = []
    story: list[str] = []  # the statements since the last question
    for part in parts:
        if asks(part) and out and not story and _exactness_of_before(part):
            out[-1] = f"{out[-1]} {part}"  # "… eröffnet? Datum bitte": the time asked, exactly
            continue
        if asks(part) and out and not story and _thin(part) and _measure_of_before(part):
            out[-1] = f"{out[-1]} {part}"  # "… Probleme, KI-Leute zu finden? Wie viel Prozent
            continue  # sind es bei denen?": the question before, asked for its measure
        if asks(part):
            context = story[-1] if story else ""
            if context and (place := _there(part, context)):
                leaned[f"{place}: {part}"] = part  # "Shenzhen: what share of firms there …?"
                part = f"{place}: {part}"
            elif context and (_thin(part) or _points_back(part)):
                leaned[f"{context} {part}"] = part
                if len(story) > 1:
                    earlier[f"{context} {part}"] = " ".join(story[:-1])
                part = f"{context} {part}"
            elif context:
                before[part] = context
            out.append(part)
            story = []
        elif (
            out
            and not story
            and not of_the_asker(part)
            and (len(part.split()) <= _TAIL_WORDS or _qualifies(part))
        ):
            out[-1] = f"{out[-1]} {part}"
        else:
            story.append(part)
    return out


# What a remark after a question restricts it by: not a place, a group or a time, which a
# remark more often tells of the asker ("… something about Shenzhen right")
QUALIFYING_GROUPS = frozenset({"negation", "precision"})


def _qualifies(part: str) -> bool:
    """A statement right after a question that restricts what it asks ("… nutzen KI schon?
    also wirklich schon im Einsatz, nicht nur geplant"): the question's own qualifier, however
    long, not context (a remark of the asker, "I am not misreading it", is neither: the
    caller leaves those out)."""
    return any(t.group in QUALIFYING_GROUPS for t in restricting_terms(part, _anything, ""))


def of_the_asker(part: str) -> bool:
    """A remark about the asker ("Da komme ich nicht ganz mit.", "I need it for my slides"):
    no part of the question before it."""
    return not ASKER.isdisjoint(re.findall(r"\w+", part.lower()))  # tokens drop "I"


def _points_back(part: str) -> bool:
    """A question that ends pointing at what came before ("What does the HKPC say on that?"),
    or asks to check it ("Can you confirm that before we submit?")."""
    toks = tokens(part)
    if any(t in POINTERS for t in toks[-_POINTER_REACH:]):
        return True
    if toks[:1] and toks[0] in YES_NO_OPENERS and POINTED_AT.intersection(toks[1:2]):
        return True  # "Is that borne out by the article?", "Stimmt das so?"
    if DEMONSTRATIVES.intersection(toks):
        return True  # "Wofür ist dieses Geld vorgesehen?": the money named before
    return any(
        t in VERIFY_WORDS and POINTED_AT.intersection(toks[max(0, n - _CHECK_REACH) : n + 2])
        for n, t in enumerate(toks)
    )


def _there(part: str, context: str) -> str:
    """The place a question points at ("What share of firms there …?") when the sentence
    before names one the article gives no figure for ("My cousin lives in Shenzhen."): the
    question asks of that place. Empty when it points at none."""
    if PLACE_POINTERS.isdisjoint(tokens(part)) or _names_home(f"{context} {part}"):
        return ""  # "… HK is on the shortlist. … AI firms there?": there is Hong Kong
    return " ".join(
        t.words for t in restricting_terms(context, _anything, "") if t.group == "place"
    )


def _names_home(text: str) -> bool:
    """Whether `text` names the article's own place ("HK", "Hongkong", "Hong Kong")."""
    toks = tokens(text)
    return any(
        " ".join(toks[i : i + 2]) in HOME_PLACE or t in HOME_PLACE for i, t in enumerate(toks)
    )


def _measure_of_before(part: str) -> bool:
    """A thin question that points back ("… bei denen?") or asks only a measure ("what %?",
    "Wie viele genau?"): it asks the question before it again, for that measure."""
    toks = tokens(part)
    quantity = any(tuple(toks[: len(cue)]) == cue for cue in QUESTION_CUES["quantity"])
    return quantity or not COUNT_UNITS.isdisjoint(toks) or _points_back(part)


def _exactness_of_before(part: str) -> bool:
    """A short part that only asks how exactly ("Datum bitte", "exact day?", "Welcher
    Monat genau?"): the time the question before asks, to the day or month, not a
    question of its own (and no other time: "Und im Vorjahr?" asks one)."""
    toks = tokens(part)
    return len(toks) <= _TAIL_WORDS and bool(toks) and all(t in GRANULARITY_WORDS for t in toks)


def _thin(part: str) -> bool:
    """A question of pointing words only ("What is it?", "Was steht dazu drin?")."""
    toks = tokens(part)
    content = [t for t in toks if t not in STOPWORDS and t not in QUESTION_WORDS]
    return len([t for t in content if t not in SOURCE_WORDS]) <= _THIN_WORDS
