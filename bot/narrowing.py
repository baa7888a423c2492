"""Near misses: a question that narrows what an answer states must not get that answer.

"Wie viele KMU sind profitabel?", "What share of revenue comes from the
mainland?", "On what exact day …?": the nearest intent states a figure for all
firms, for Hong Kong, for a year. Passing it off as the answer misleads. A
question *narrows* when it names a restricting term (a place, a group, a time
granularity, a qualifier such as "implemented" or "exact"; bot/data/language.yaml)
or an unknown proper name ("Cyberport", "Alibaba") that the chosen intent does
not cover: not in its question variants, its answer, nor its quotes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from rapidfuzz.distance import Levenshtein

from bot.lexicon import (
    ASKER_POSSESSIVES,
    COMMON_WORDS,
    DATA,
    FIRM_NOUNS,
    FIRM_NOUNS_APART,
    HEADCOUNT_NOUNS,
    INNER_PARTICLES,
    PART_OF_YEAR,
    PLACE_PREPOSITIONS,
    PLACES,
    RESTRICTORS,
    SECTOR_NOUNS,
    STOPWORDS,
    TOPIC_PREPOSITIONS,
    fold_entry,
)
from bot.text import (
    fold,
    is_number,
    is_year,
    standard_spellings,
    stem,
    tokens,
    without_digraphs,
)

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_OWNER_REACH = 2  # words before a term where "mein", "our" make it the asker's
_OWNER_LETTERS = 6  # "ibm's", "wha's": too short to tell a name's possessive from "is"
_PARTICIPLE_LETTERS = 6  # "verteilt": a verb form, not a short word ending in t
MIN_COMPOUND_PART = 4  # letters of each part of a compound read as restrictor + word
# Each restricting phrase's group (the first group that lists it), and the phrase lengths to
# try at a word, longest first: those of the restrictors and of the places whose name starts
# with that word (a phrase can only start with its first word); none at any other word.
_GROUP_OF: dict[tuple[str, ...], str] = {}
# Declined forms of a group's adjective: a group only before firms ("der börsennotierten
# Unternehmen"; "die staatlichen Förderprogramme" are no firms)
_OF_FIRMS: set[tuple[str, ...]] = set()
# German adjective endings: "die schwedische Regierung" of "schwedisch", "erfassten Firmen"
_ADJECTIVE_ENDINGS = ("e", "en", "er", "es", "em")
for _group, _terms in RESTRICTORS.items():
    for _term in _terms:
        _GROUP_OF.setdefault(_term, _group)
        if len(_term) == 1 and _term[0].endswith("isch"):  # a German adjective, declined
            for _ending in _ADJECTIVE_ENDINGS:
                _GROUP_OF.setdefault((_term[0] + _ending,), _group)
for _term in RESTRICTORS["group"]:  # after every listed term: "kleinen" is one of its own
    if len(_term) == 1 and _term[0].endswith("e"):
        for _ending in _ADJECTIVE_ENDINGS[1:]:  # "börsennotierte" → "börsennotierten"
            if (_declined := (_term[0][:-1] + _ending,)) not in _GROUP_OF:
                _GROUP_OF[_declined] = "group"
                _OF_FIRMS.add(_declined)
_STARTING: dict[str, set[int]] = {}
for _phrase in (*_GROUP_OF, *PLACES):
    _STARTING.setdefault(_phrase[0], set()).add(len(_phrase))
_LENGTHS_AT = {word: tuple(sorted(lengths, reverse=True)) for word, lengths in _STARTING.items()}
_GROUP_WORDS = frozenset(w for phrase in (*_GROUP_OF, *PLACES) for w in phrase)
# Words a restricting phrase is also read without: particles and words of exactness
# ("goes specifically to" is "goes to")
_SKIPPED_INSIDE = INNER_PARTICLES | {p[0] for p in RESTRICTORS["precision"] if len(p) == 1}


def group_at(toks: list[str], i: int) -> str | None:
    """The group of the restricting phrase that starts at word `i` (the longest), if any."""
    found = _restrictor_at(toks, i)
    return _GROUP_OF[found] if found else None


def _restrictor_at(toks: list[str], i: int) -> tuple[str, ...] | None:
    """The restricting phrase that starts at word `i` (the longest), if any."""
    return next(
        (p for n in _LENGTHS_AT.get(toks[i], ()) if (p := tuple(toks[i : i + n])) in _GROUP_OF),
        None,
    )


@dataclass(frozen=True)
class Narrowing:
    """A restricting term of the question: its group and the words as the asker wrote them."""

    group: str
    stems: tuple[str, ...]
    words: str


def restricting_terms(question: str, known: Callable[[str], bool], lang: str) -> list[Narrowing]:
    """Restricting terms in `question`: lexicon phrases, and unknown names."""
    toks = [_as_listed(t) for t in tokens(question)]
    found = _listed_terms(toks, question, known)
    inside = [t for t in toks if t not in _SKIPPED_INSIDE]
    if len(inside) < len(toks):  # "goes specifically to", "fließt denn an": "goes to"
        seen = {t.stems for t in found}
        found += [
            t
            for t in _listed_terms(inside, question, known)
            if len(t.stems) > 1 and t.stems not in seen
        ]
    seen = {t.stems for t in found}
    found += [n for n in _unknown_names(question, known, lang) if n.stems not in seen]
    found += _firm_sizes(toks, question)
    found += _parts_of_a_year(toks, question)
    seen = {t.stems for t in found}
    return found + [t for t in _kinds_of_firm(toks, question, known) if t.stems not in seen]


def _listed_terms(toks: list[str], question: str, known: Callable[[str], bool]) -> list[Narrowing]:
    """The lexicon's restricting phrases among `toks`, longest first at each word."""
    found: list[Narrowing] = []
    i = 0
    while i < len(toks):
        hit, taken = None, 0
        for n in _LENGTHS_AT.get(toks[i], ()):
            if i + n > len(toks):
                continue
            phrase = tuple(toks[i : i + n])
            group = _GROUP_OF.get(phrase)
            if phrase in _OF_FIRMS and not _firms_at(toks, i + n):
                group = None
            before = toks[i - 1] if i else ""
            place = group is None and i and phrase in PLACES
            if place and _unknown_place(question, phrase, _place_word_before(toks, i), known):
                group = "place"  # "Hat Hamburg auch so einen Park?", "un in sachsen?"
            if group == "place" and not _names_a_place(question, phrase, before):
                group = None
            if group:  # an idiom ("these days") takes its words and restricts nothing
                hit = (
                    None
                    if group == "idiom"
                    else Narrowing(group, tuple(map(stem, phrase)), surface(question, phrase))
                )
                taken = n
                break
        if not taken:
            hit = (
                _elided(toks[i], question)
                or _compound_head(toks[i], known, question)
                or _place_adjective(toks[i], question, known)
            )
            taken = 1
        if ASKER_POSSESSIVES.intersection(toks[max(0, i - _OWNER_REACH) : i]):
            hit = None  # "mein Chef", "our Frankfurt office": the asker's own
        i += taken
        if hit is not None:
            found.append(hit)
    return found


def _firms_at(toks: list[str], i: int) -> bool:
    """Whether word `i` is a noun of firms ("Unternehmen", "companies")."""
    return i < len(toks) and (toks[i] in FIRM_NOUNS or toks[i] in FIRM_NOUNS_APART)


def _firm_sizes(toks: list[str], question: str) -> list[Narrowing]:
    """ "Firmen mit unter 50 Leuten", "firms with 100 to 150 employees": a number of people
    names a group of firms by size (the number and the noun, so that an answer which only
    speaks of staff does not cover it)."""
    found = []
    i = 0
    while i < len(toks):
        if is_number(toks[i]):
            for j in range(i + 1, min(i + 4, len(toks))):
                if toks[j] in HEADCOUNT_NOUNS:
                    words = surface(question, tuple(toks[i : j + 1]))
                    found.append(Narrowing("group", (toks[i], stem(toks[j])), words))
                    i = j
                    break
                if not (is_number(toks[j]) or toks[j] in STOPWORDS):
                    break
        i += 1
    return found


# "Q3 2022", "H1/2023": a quarter or half of a year, as written (the tokens keep the number only)
_QUARTER = re.compile(r"\b([QH][1-4])\s*[/'’-]?\s*((?:19|20)?\d{2})\b", re.IGNORECASE)
_PART_REACH = 2  # words from a part of a year to its year ("the summer of 2022")
_PART_LENGTHS = sorted({len(p) for p in PART_OF_YEAR}, reverse=True)


def _parts_of_a_year(toks: list[str], question: str) -> list[Narrowing]:
    """ "Mitte 2022", "in the summer of 2022", "Q3 2022": a part of a year, finer than a figure
    the article gives for the year's end. Its stems end with the year (a wrong one makes the
    question a premise to correct, or one about another year)."""
    found = [
        Narrowing("time", (m.group(1).casefold(), _full_year(m.group(2))), m.group(0))
        for m in _QUARTER.finditer(question)
    ]
    for i in range(len(toks)):
        for n in _PART_LENGTHS:
            part = tuple(toks[i : i + n])
            if part not in PART_OF_YEAR:
                continue
            after = [t for t in toks[i + n : i + n + _PART_REACH + 1] if t not in STOPWORDS]
            if after and is_year(after[0]):
                year = after[0]
                written = surface(question, part)  # "Sommer", "mid-2022"
                between = toks[i + n : toks.index(year, i + n)]  # "summer of 2022"
                words = written if written.endswith(year) else " ".join([written, *between, year])
                found.append(Narrowing("time", (*map(stem, part), year), words))
            break
    return found


def _full_year(digits: str) -> str:
    return digits if len(digits) == 4 else f"20{digits}"  # "Q3/22"


def _kinds_of_firm(toks: list[str], question: str, known: Callable[[str], bool]) -> list[Narrowing]:
    """ "Gastro-Betriebe", "hotel businesses": a word the knowledge does not know, right before a
    noun of firms, says which firms ("befragten Firmen", "AI companies" it knows). A word
    with an adjective's ending ("erfassten", "fiele", "irgendaner") describes, not names.
    Before a line of business ("financial-services firms", "IT services companies") any word
    names the kind, known or not."""
    found = [
        Narrowing("group", (stem(kind),), surface(question, (kind,)))
        for kind, noun in pairwise(toks)
        if noun in FIRM_NOUNS_APART
        and kind.isalpha()
        and len(kind) >= MIN_COMPOUND_PART
        and kind not in STOPWORDS
        and (kind,) not in TOPIC_PREPOSITIONS
        and not known(kind)
        and not kind.endswith(_ADJECTIVE_ENDINGS)
    ]
    for kind, sector, noun in zip(toks, toks[1:], toks[2:], strict=False):
        if noun in FIRM_NOUNS_APART and sector in SECTOR_NOUNS and kind.isalpha():
            written = surface(question, (kind, sector))
            if kind not in STOPWORDS or written.split()[0].isupper():  # "IT", not "it"
                found.append(Narrowing("group", (stem(kind),), written))
    return found + _firms_of_a_line(toks, question, known)


_OF_A_LINE = frozenset({"aus", "from", "im", "in"})  # "Unternehmen aus dem Maschinenbau"


def _firms_of_a_line(
    toks: list[str], question: str, known: Callable[[str], bool]
) -> list[Narrowing]:
    """ "Unternehmen aus dem Maschinenbau", "firms from the textile trade": after a noun of
    firms and "aus", "from" or "in", the first word of substance, unknown to the knowledge
    and no place, names their line of business (a word with an adjective's ending
    describes it: "aus dem produzierenden Gewerbe" is the trade)."""
    found = []
    for n, noun in enumerate(toks[:-1]):
        if noun not in FIRM_NOUNS_APART or toks[n + 1] not in _OF_A_LINE:
            continue
        words = [t for t in toks[n + 2 : n + 2 + _LINE_REACH] if t not in STOPWORDS]
        words = [t for t in words if not t.endswith(_ADJECTIVE_ENDINGS)][:1]
        found += [
            Narrowing("group", (stem(kind),), surface(question, (kind,)))
            for kind in words
            if kind.isalpha()
            and len(kind) >= MIN_COMPOUND_PART
            and not known(kind)
            and (kind,) not in PLACES
            and (kind,) not in _GROUP_OF
        ]
    return found


_LINE_REACH = 3  # words after the preposition: an article and an adjective at most


def _as_listed(tok: str) -> str:
    """`tok`, or as typed without umlauts or in dialect the restrictor it is ("oesterreich",
    "umjesetzt", "jenau"), or a place one letter off ("singapoore")."""
    if tok in _STARTING or tok in _GROUP_WORDS:
        return tok
    ordinary = tok in STOPWORDS or tok in COMMON_WORDS
    dialect = () if ordinary else standard_spellings(tok)
    for spelling in (without_digraphs(tok), *dialect):  # "were" is no "weren"
        if spelling in _STARTING or spelling in _GROUP_WORDS:
            return spelling
    return tok if ordinary else _place_misspelt(tok)


_MISSPELT_PLACE_LETTERS = 7  # a place name this long may be typed one letter off
# every place's name written as one word ("hongkong"), by first letter and length: a word
# one letter off of two of them is neither
_ONE_WORD_PLACES: dict[tuple[str, int], list[str]] = {}
for _place in PLACES:
    _joined = "".join(_place)
    if len(_joined) >= _MISSPELT_PLACE_LETTERS:
        _ONE_WORD_PLACES.setdefault((_joined[0], len(_joined)), []).append(_joined)


@lru_cache(maxsize=4096)
def _place_misspelt(tok: str) -> str:
    """The one-word place `tok` is one letter off of ("singapoore", "shenzhenn"), when it is
    near no other, else `tok`: the lexicon lists common misspellings, not every slip."""
    if len(tok) < _MISSPELT_PLACE_LETTERS or not tok.isalpha():
        return tok
    near = [
        name
        for size in (len(tok), len(tok) - 1, len(tok) + 1)
        for name in _ONE_WORD_PLACES.get((tok[0], size), ())
        if Levenshtein.distance(tok, name, score_cutoff=1) <= 1
    ]
    # one place only: "hongkog" is as near "Hongkou" as the article's "Hongkong"
    return near[0] if len(near) == 1 and (near[0],) in PLACES else tok


_PLACE_REACH = 3  # "in the greater toronto area": a preposition this far before a place


def _place_word_before(toks: list[str], i: int) -> str:
    """The word before `toks[i]`, or a place preposition a little before it with an article
    between ("in the greater toronto area", "in ganz Bayern"): the place is asked of too."""
    before = toks[i - 1] if i else ""
    if before in PLACE_PREPOSITIONS or i < 2:
        return before
    for j in range(i - 2, max(-1, i - _PLACE_REACH - 1), -1):
        between = toks[j + 1 : i]
        if toks[j] in PLACE_PREPOSITIONS and any(t in STOPWORDS for t in between):
            return toks[j]
    return before


def _unknown_place(
    question: str, phrase: tuple[str, ...], before: str, known: Callable[[str], bool]
) -> bool:
    """A place of the gazetteer counts written as a name, or in chat written small right
    after a place preposition or "about" (`before`: "un in sachsen?", "at glasgow", "did he
    say anything about melbourne"), and never as a word the knowledge knows (Hong Kong, or
    "November", which is also a city's name somewhere)."""
    if all(map(known, phrase)):
        return False
    written = surface(question, phrase).split()
    after = before in PLACE_PREPOSITIONS or (before,) in TOPIC_PREPOSITIONS
    return all(w[:1].isupper() for w in written) or after


def _names_a_place(question: str, phrase: tuple[str, ...], before: str) -> bool:
    """A place's name that is also a common word ("us") names the place only in capitals
    ("US") or after "the" ("in the us"): "financing options for a company like us" names
    none."""
    if not (len(phrase) == 1 and phrase[0] in STOPWORDS):
        return True
    return surface(question, phrase).isupper() or before == "the"


# One-word restrictors of groups and qualifiers spoken with an "e" dropped, as dialects do
# ("umgsetzt", "usbezahlt"): long words only.
_ELIDED_LETTERS = 8
_ELIDED = {
    term[:i] + term[i + 1 :]: group
    for group in ("group", "qualifier")
    for (term,) in (t for t in RESTRICTORS[group] if len(t) == 1)
    if len(term) >= _ELIDED_LETTERS
    for i, ch in enumerate(term)
    if ch == "e" and 0 < i < len(term) - 1
}


def _elided(tok: str, question: str) -> Narrowing | None:
    group = _ELIDED.get(tok) if tok not in STOPWORDS else None
    return Narrowing(group, (stem(tok),), surface(question, (tok,))) if group else None


def _place_adjective(tok: str, question: str, known: Callable[[str], bool]) -> Narrowing | None:
    """A German adjective of a place of the gazetteer, written as a name ("Hamburger Firmen",
    "die Wiener Start-ups"): the place, as "in Hamburg" is; not one the knowledge knows
    ("Hongkonger Firmen")."""
    if not tok.endswith("er") or (base := tok[:-2]) in STOPWORDS or (base,) not in PLACES:
        return None
    written = surface(question, (tok,))
    if not written[:1].isupper() or known(base):
        return None
    return Narrowing("place", (stem(base),), written)


# The groups of one-word restrictors that name what a compound ending in one is ("Errichtungs-
# kosten" are costs, "Jahresbudget" a budget), when the knowledge does not know the compound.
_HEAD_GROUPS = frozenset({"qualifier", "measure"})
_HEAD_LETTERS = 5  # an English word ending in a short one is none ("different": "rent")
# One-word restrictors that can open a German compound ("Logistikfirmen", "Bankenbranche").
_SINGLE = {
    terms[0]: group
    for group, phrases in RESTRICTORS.items()
    for terms in phrases
    if len(terms) == 1 and len(terms[0]) >= MIN_COMPOUND_PART
}


def _compound_head(tok: str, known: Callable[[str], bool], question: str) -> Narrowing | None:
    """A compound whose first part is a restrictor and whose rest is a known word: the
    restrictor narrows as if written apart ("Logistikfirmen" is "Logistik-Firmen"). A word the
    knowledge knows whole is no such compound ("Datenzentrum" is not "date" + "nzentrum")."""
    if known(tok):
        return None
    for cut in range(MIN_COMPOUND_PART, len(tok) - MIN_COMPOUND_PART + 1):
        head, rest = tok[:cut], tok[cut:].lstrip("-")
        group = _SINGLE.get(head)
        if group and known(rest):
            return Narrowing(group, (stem(head),), surface(question, (tok,)))
    for cut in range(MIN_COMPOUND_PART, len(tok) - MIN_COMPOUND_PART + 1):
        tail = tok[cut:]  # "Errichtungskosten": a German compound is a kind of its last part
        if len(tail) >= _HEAD_LETTERS and _SINGLE.get(tail) in _HEAD_GROUPS:
            return Narrowing(_SINGLE[tail], (stem(tail),), surface(question, (tok,)))
    for noun in FIRM_NOUNS:  # "Fertigungsunternehmen": a kind of firm the knowledge lacks
        head = tok[: -len(noun)].rstrip("-")
        if tok.endswith(noun) and len(head) >= MIN_COMPOUND_PART:
            plain = head[:-1] if head.endswith("s") and not known(head) else head
            if not known(plain) and not known(head):
                return Narrowing("group", (stem(plain),), surface(question, (tok,)))
    return None


# "Millionen", "Tausend" after a number: its scale, written in the other language ("worth
# 3000 Millionen HK$?", "200 Tausend firms"), no name of a thing the article lacks.
_SCALES = frozenset(fold_entry(w) for w in DATA.number_words.scales)


def _unknown_names(question: str, known: Callable[[str], bool], lang: str) -> list[Narrowing]:
    """Names the knowledge base has never seen, not even after typo correction: a word after
    a place preposition ("im Cyberport"), in English a capitalised word after the first
    ("Cyberport"), in German (where every noun is capitalised) only acronyms and inner
    capitals ("CATL", "DeepSeek")."""
    out = []
    previous = ""
    for k, match in enumerate(_WORD.finditer(question)):
        word = match.group(0)
        folded = tokens(word)
        after_place = previous in PLACE_PREPOSITIONS
        # a scale after "200" or "zweihundert" ("Tausend" alone reads as 1000: no word)
        scale = fold(word) in _SCALES and (
            is_number(previous)
            or question[max(0, match.start() - 9) : match.start()].rstrip()[-1:].isdigit()
        )
        previous = folded[0] if len(folded) == 1 else ""
        if len(folded) != 1 or len(folded[0]) < 3 or folded[0] in STOPWORDS or scale:
            continue
        # "bytedance's cfo": an unknown word that owns something is a name, however typed
        # (not a short word with "is" ("wha's"): a name owning has letters enough)
        owner = lang == "en" and word.endswith(("'s", "’s")) and len(word) >= _OWNER_LETTERS
        if not (after_place or owner or _looks_like_name(word, k, lang)):
            continue
        if after_place and _activity(word, lang):
            continue  # "good at getting money": what is done, not where
        if after_place and folded[0] in COMMON_WORDS and not _looks_like_name(word, k, lang):
            continue  # "im Protokoll steht": an everyday word (places are the gazetteer's)
        if not known(folded[0]):
            out.append(Narrowing("entity", (stem(folded[0]),), word))
    return out


def unknown_after(
    question: str, known: Callable[[str], bool], before: frozenset[str]
) -> list[Narrowing]:
    """Unknown words right after one of `before` ("share of fintechs", "Anteil der Banken"):
    in a question for a figure, a group the figure may not be about."""
    out = []
    toks = tokens(question)
    for prev, tok in pairwise(toks):
        if prev in before and len(tok) >= 4 and tok not in STOPWORDS and not known(tok):
            out.append(Narrowing("group", (stem(tok),), surface(question, (tok,))))
    return out


# Firms a relative clause defines: "the firms that already use AI", "der Firmen, die KI
# nutzen" (German "die" only after a comma: without one it is an article). A question is
# searched for the pronoun first: most have none, and the pattern tries every word.
_RELATIVE = re.compile(
    r"(?P<firms>[^\W\d_][\w-]*)(?:\s*,\s*(?P<pronoun>die|welche|that|which|who)|\s+(?:that|which|who))\s+"
    r"(?P<clause>[^,?!.;]+)",
    re.IGNORECASE,
)
_RELATIVE_WORD = re.compile(r"\b(?:that|which|who|die|welche)\b", re.IGNORECASE)
_DE_RELATIVE = frozenset({"die", "welche"})


def firms_defined_by(question: str) -> list[tuple[str, str, str]]:
    """Firms a relative clause defines ("How many of the firms that already use AI plan to
    expand?"): the firms' noun with the clause as written, the clause, and, where a comma
    ends the clause or the clause is German ("der Firmen, die KI nutzen, wollen …"; its verb
    comes last), the question without it (else empty: an English clause may run on into
    what the question asks). What the clause says of the firms may be another figure of
    the article, and the question asks a figure of those firms only, which the article
    never cross-tabulates."""
    found: list[tuple[str, str, str]] = []
    if not _RELATIVE_WORD.search(question):
        return found
    for m in _RELATIVE.finditer(question):
        noun = tokens(m["firms"])
        if noun and (noun[-1] in FIRM_NOUNS or noun[-1] in FIRM_NOUNS_APART):
            # a German clause ends with its verb: at the next punctuation
            german = (m["pronoun"] or "").lower() in _DE_RELATIVE
            closed = german or question[m.end() : m.end() + 1] == ","
            rest = f"{question[: m.end('firms')]} {question[m.end() + 1 :]}" if closed else ""
            found.append((question[m.start() : m.end()].strip(), m["clause"], rest))
    return found


def _activity(word: str, lang: str) -> bool:
    """An English gerund written small ("at getting", "in hiring") names an activity."""
    return lang == "en" and word.islower() and word.endswith("ing")


def _looks_like_name(word: str, index: int, lang: str) -> bool:
    inner_caps = any(ch.isupper() for ch in word[1:])
    if lang == "de":
        return inner_caps
    return inner_caps or (index > 0 and word[0].isupper())


def surface(question: str, phrase: tuple[str, ...]) -> str:
    """The words of `question` that fold to `phrase`, as written (only letters: no markup).
    The words shown start with the phrase's first: a word no token is read from (a single
    letter: "in a Hamburg office") is not part of it. A question's words are read once,
    and only the words starting with the phrase's first token are tried: a question at
    the length limit names hundreds of terms, each shown."""
    words, folded, starts = _written(question)
    if not phrase:
        return words[0] if words else ""
    n = len(phrase)
    for i in starts.get(phrase[0], ()):
        joined: tuple[str, ...] = ()
        for j in range(i, len(words)):  # a written word may fold to several ("medium-sized")
            joined += folded[j]
            if len(joined) >= n:
                if joined[:n] == phrase:
                    return " ".join(words[i : j + 1])
                break
    return " ".join(phrase)


@lru_cache(maxsize=16)
def _written(
    question: str,
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], dict[str, list[int]]]:
    """The words of `question` as written, each as its folded tokens, and where each first
    token starts a word (read once per question, not once per term shown)."""
    words = tuple(_WORD.findall(question))
    folded = tuple(tuple(map(_as_listed, tokens(w))) for w in words)
    starts: dict[str, list[int]] = {}
    for i, toks in enumerate(folded):
        if toks:
            starts.setdefault(toks[0], []).append(i)
    return words, folded, starts


def uncovered(terms: list[Narrowing], scope: frozenset[str]) -> list[Narrowing]:
    """The terms an intent's scope (stems of its variants, answer and quotes) lacks. A German
    participle or third person is the verb it is of ("verteilt" of "verteilen")."""
    return [t for t in terms if not all(_in_scope(s, scope) for s in t.stems)]


def _in_scope(st: str, scope: frozenset[str]) -> bool:
    return st in scope or (len(st) >= _PARTICIPLE_LETTERS and st[-1] == "t" and st[:-1] in scope)


def groups_named(texts: list[str]) -> list[tuple[str, ...]]:
    """The groups of firms or people `texts` name ("große Unternehmen", "SMEs"), as words.
    An intent covers a group only by naming it: "another big issue" names no large firms."""
    found = []
    for text in texts:
        toks = [_as_listed(t) for t in tokens(text)]
        found += [
            p
            for i in range(len(toks))
            if (p := _restrictor_at(toks, i)) and _GROUP_OF[p] == "group"
        ]
    return found


def scope_of(texts: list[str]) -> frozenset[str]:
    """Stems of every word of `texts`: what an intent can be said to be about."""
    return frozenset(stem(t) for text in texts for t in tokens(fold(text)))
