"""Turns a text into the resolver's features: concepts, stems, numbers, question types.

The analyzer is built from one knowledge base (its vocabulary and concept
table); questions are typo-corrected against that vocabulary, stored
variants are taken as they are.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, islice

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.lexicon import (
    COMMON_WORDS,
    FILLER,
    INNER_PARTICLES,
    MONTHS,
    NAMING_WORDS,
    QUESTION_CUES,
    SEPARABLE_PARTICLES,
    STOPWORDS,
    STRESS_PREFIXES,
)
from bot.memo import remembered
from bot.models import Concept
from bot.text import is_number, standard_spellings, stem, tokens, without_digraphs

_INNER_STEMS = frozenset(map(stem, INNER_PARTICLES))  # skipped inside a concept's name
MEMO_SIZE = 20000  # words whose correction and split each analyzer remembers
INFLECTION_LETTERS = 2  # last letters an everyday word may be corrected in (its ending)
# Texts whose analysis each analyzer remembers, by their tokens (all an analysis reads: "und
# die KMU?" and "und die KMU" are one): a follow-up's words are analysed by several checks
# and again for each reading, and a question by the language guess and the resolver.
# Bounded: 1,024 texts of each kind (corrected or not), of ≤ ANALYSIS_CHARS characters.
ANALYSIS_MEMO = 1024
ANALYSIS_CHARS = 500
# Texts of one word or none are remembered apart: a follow-up's words are tested one by one
# (and what is left of it without its restriction may be nothing), and words recur in
# message after message, as their tokens and corrections do. 2,048 of each kind (1.3 MB at
# most each), kept when the texts are forgotten.
WORD_ANALYSIS_MEMO = 2048
_CLAUSE_END = re.compile(r"[?!;]+|[.,](?=\s)")  # not the point of "3.5" nor the comma of "3,5"
COMPOUND_MIN = 9  # shorter unknown words are typos, not compounds
COMPOUND_PART = 5  # letters of the word a stressing prefix leads, at least


# Inflected forms of the longer stop words ("genannten" of "genannt", "erwähnten"): a stop
# word and an ending. Not any word of the same stem: "state" is no form of "states".
def _stopwords_by_stem() -> dict[str, frozenset[str]]:
    by_stem: dict[str, set[str]] = {}
    for word in STOPWORDS:
        if len(word) >= 6:
            by_stem.setdefault(stem(word), set()).add(word)
    return {st: frozenset(words) for st, words in by_stem.items()}


_STOPWORD_STEMS = _stopwords_by_stem()
_STOP_STEMS = frozenset(map(stem, STOPWORDS))  # of every stop word, for compound parts


def _inflected_stopword(tok: str, st: str) -> bool:
    return any(tok.startswith(w) and len(tok) - len(w) <= 3 for w in _STOPWORD_STEMS.get(st, ()))


# German verb endings of person, tense and participle, longest first ("nutzte", "nutzt").
_VERB_ENDINGS = ("test", "tet", "ten", "te", "st", "et", "t")
# Endings the light stemmer keeps, with the letters a concept's word must have left: a short
# English word's inflection ("aiming", "aimed" of "aim") and a German superlative ("das
# Wichtigste" of "wichtig"; not of short size words: the "größte Problem" is no large firm's).
_FORM_ENDINGS = (("ing", 3), ("ed", 3), ("s", 3), ("st", 5))
_UMLAUT_BASE = str.maketrans("äöü", "aou")


def _verb_stems(concepts: tuple[Concept, ...]) -> dict[str, str]:
    """The stems of the German verbs among concept terms, each with its concept: "einsetz"
    → "@use". A verb is a word ending in "en" or "ern" (the light stemmer's infinitive)
    whose stem no other term of its concept has: "großen" is one form of an adjective
    ("groß", "große"), whose "größte" is no verb."""
    verbs: dict[str, str] = {}
    for concept in concepts:
        stems = Counter(stem(t) for term in concept.terms for t in tokens(term))
        for term in concept.terms:
            words = tokens(term)
            if len(words) != 1 or len(words[0]) <= 5 or not words[0].endswith(("en", "ern")):
                continue
            if stems[stem(words[0])] == 1:
                verbs.setdefault(stem(words[0]), "@" + concept.id)
    return verbs


_CUE_WORDS = frozenset(w for cues in QUESTION_CUES.values() for cue in cues for w in cue)


@dataclass(frozen=True)
class Analysis:
    """Features of one text; `guessed` are those that exist only thanks to a typo correction."""

    features: frozenset[str]
    types: frozenset[str]
    numbers: frozenset[str]
    tokens: tuple[str, ...]
    guessed: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _Part:
    """One token of a text as analysed: corrected (`changed` if so), stemmed, and the feature
    it gives where no concept's name starts at it (a number's is `#` and the number)."""

    token: str
    stem: str
    changed: bool
    feature: str | None
    number: bool


_CUES_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _qtype, _cues in QUESTION_CUES.items():
    for _cue in _cues:
        _CUES_BY_FIRST.setdefault(_cue[0], []).append((_cue, _qtype))


def question_types(toks: list[str] | tuple[str, ...]) -> frozenset[str]:
    """Question types whose cue (a token sequence) occurs in `toks`."""
    found = set()
    for i, tok in enumerate(toks):
        for cue, qtype in _CUES_BY_FIRST.get(tok, ()):
            if tuple(toks[i : i + len(cue)]) == cue:
                found.add(qtype)
    return frozenset(found)


def _inflected(word: str, other: str) -> bool:
    """Whether two words differ only in their last letters ("verhindert", "verhindern")."""
    shared = next((n for n, (a, b) in enumerate(zip(word, other, strict=False)) if a != b), None)
    length = min(len(word), len(other))
    return (length if shared is None else shared) >= length - INFLECTION_LETTERS


class Analyzer:
    """Feature extraction with the concept table and typo correction of one knowledge base."""

    def __init__(
        self,
        concepts: tuple[Concept, ...],
        vocabulary: Counter[str],
        asked: frozenset[str] = frozenset(),
    ) -> None:
        # Words of stored questions and concepts stay whole; other long words may be split.
        self._asked = frozenset(stem(t) for t in asked)
        self._single: dict[str, str] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for concept in concepts:
            for term in concept.terms:
                stems = tuple(stem(t) for t in tokens(term))
                if len(stems) == 1:
                    self._single.setdefault(stems[0], "@" + concept.id)
                elif stems:
                    self._phrases.setdefault(stems[0], []).append((stems, "@" + concept.id))
        # "Wang" or "Zheng" alone: people go by one of their names (as typed, not a typo's
        # correction: "wänd" is no "Wang")
        self._name_parts = {
            stem(part): "@" + concept.id
            for concept in concepts
            if concept.entity == "person" and concept.terms
            for part in tokens(concept.terms[0])
            if part not in STOPWORDS and part not in COMMON_WORDS
        }
        self._verbs = _verb_stems(concepts)
        for options in self._phrases.values():
            options.sort(key=lambda p: -len(p[0]))
        self._longest_phrase = max(
            (len(p) for ps in self._phrases.values() for p, _ in ps), default=1
        )
        concept_tokens = Counter(t for c in concepts for term in c.terms for t in tokens(term))
        self._single_tokens = frozenset(concept_tokens)
        vocab = vocabulary + concept_tokens
        self.known_tokens = frozenset(vocab) | STOPWORDS | FILLER | _CUE_WORDS | MONTHS
        self.known_stems = frozenset(stem(t) for t in self.known_tokens)
        # Most frequent first: a tie in edit distance goes to the commoner word.
        self._correction_pool = sorted(
            (t for t in self.known_tokens if len(t) >= 3 and not is_number(t)),
            key=lambda t: (-vocab.get(t, 0), t),
        )
        self._by_initial: dict[str, list[str]] = {}
        for word in self._correction_pool:
            self._by_initial.setdefault(word[0], []).append(word)
        # Remembered per word; plain dicts, not lru_cache on bound methods: those would tie
        # the analyzer in a reference cycle, and an old snapshot is freed at once on a reload
        # only when nothing of it is in a cycle (the store freezes the collector's view).
        self._corrections: dict[str, str] = {}
        self._splits: dict[str, tuple[str, ...]] = {}
        # (particle, word) → the verb they make together, "" for none (`_verb_joined`)
        self._verbs_joined: dict[tuple[str, str], str] = {}
        self._pools: dict[str, list[str]] = {}  # by first letter (short words) and length
        # by `correct`, then by the tokens of the text (of one word or none, of longer ones)
        self._word_analyses: dict[bool, dict[tuple[str, ...], Analysis]] = {True: {}, False: {}}
        self._analyses: dict[bool, dict[tuple[str, ...], Analysis]] = {True: {}, False: {}}
        # by `correct`, then by word: the word's parts as analysed (`_read_word`); MEMO_SIZE
        # words of each kind, about 3 MB at most each
        self._read_words: dict[bool, dict[str, tuple[_Part, ...]]] = {True: {}, False: {}}

    def correct(self, token: str) -> str:
        """`_correct`, remembered."""
        return remembered(self._corrections, token, self._correct, MEMO_SIZE)

    def split(self, token: str) -> tuple[str, ...]:
        """`_split`, remembered."""
        return remembered(self._splits, token, self._split, MEMO_SIZE)

    def knows(self, token: str) -> bool:
        """Whether a folded token is a word of the knowledge base, maybe misspelt."""
        return (
            token in self.known_tokens
            or stem(token) in self.known_stems
            or self.correct(token) != token
        )

    def _correct(self, token: str) -> str:
        """The closest known word within a length-dependent edit budget, else the token; a
        word typed without umlauts ("foerderprogramme") as the known word it then is."""
        if (
            len(token) < 4
            or is_number(token)
            or token in self.known_tokens
            or stem(token) in self.known_stems
        ):
            return token
        plain = without_digraphs(token)
        if plain != token and (plain in self.known_tokens or stem(plain) in self.known_stems):
            return plain
        for standard in standard_spellings(token):  # "Regierig", "Iinahme", "bruuched"
            if standard in self.known_tokens or stem(standard) in self.known_stems:
                return standard
        budget = 1 if len(token) <= 7 else 2
        # short words: only slips that keep the first letter ("zeng")
        initial = token[0] if len(token) <= 6 else ""
        pool = remembered(
            self._pools, f"{initial}{len(token)}", lambda _: self._pool(token), MEMO_SIZE
        )
        hit = process.extractOne(token, pool, scorer=OSA.distance, score_cutoff=budget)
        if not hit or (token in COMMON_WORDS and not _inflected(token, hit[0])):
            return token  # a word of its own ("Wetter" is no slip of "weiter")
        return hit[0]

    def _pool(self, token: str) -> list[str]:
        """The words `token` may be corrected to, in the pool's order: those of a length
        within the edit budget (a longer or shorter word is further away than that; at
        100,000 variants the whole pool costs milliseconds per word)."""
        budget = 1 if len(token) <= 7 else 2
        words = self._by_initial.get(token[0], []) if len(token) <= 6 else self._correction_pool
        return [w for w in words if abs(len(w) - len(token)) <= budget]

    def _split(self, token: str) -> tuple[str, ...]:
        """A German compound that no stored question uses, as two known words:
        "rekrutierungsproblemen" → ("rekrutierungs", "problemen"); else the token itself."""
        if len(token) < COMPOUND_MIN or is_number(token) or stem(token) in self._asked:
            return (token,)
        if token in self._single_tokens or self.correct(token) != token:
            return (token,)  # a concept word, or a typo of a known word
        best: tuple[str, ...] = (token,)
        best_len = 0  # the most even split wins
        for i in range(4, len(token) - 3):
            left, right = token[:i], token[i:]
            if not self._known_word(left) and left[-1] == "s":
                left = left[:-1]  # the linking s of "Rekrutierungs|probleme"
            even = min(len(left), len(right))
            if self._compound_part(left) and self._compound_part(right) and even > best_len:
                best, best_len = (left, right), even
        if len(best) == 1:  # "Kernergebnisse": a stressed "Ergebnisse"
            head = next((token[len(p) :] for p in STRESS_PREFIXES if token.startswith(p)), "")
            if len(head) >= COMPOUND_PART and self._compound_part(head):
                return (head,)
        return best

    def _known_word(self, word: str) -> bool:
        return len(word) >= 4 and (word in self.known_tokens or stem(word) in self.known_stems)

    def _verb_of(self, tok: str) -> str | None:
        """The stem of the concept verb `tok` is a German form of ("einsetzt", "nutzte",
        "eingesetzt", "fordert" of "einsetzen", "nutzen", "fordern"): the light stemmer
        strips infinitive endings, not those of a person, a tense or a participle."""
        for ending in _VERB_ENDINGS:
            if not tok.endswith(ending) or len(tok) - len(ending) < 4:
                continue
            base = tok[: -len(ending)]
            # the participle's "ge", after a separable prefix ("ein|ge|setzt") or first
            at = base.find("ge", 0, 6)
            for form in (base, base[:at] + base[at + 2 :] if at >= 0 else base):
                for verb in (form, form[:-2] if form.endswith("er") else form):
                    if verb in self._verbs:
                        return verb
        return None

    def _base_of(self, st: str) -> str | None:
        """The concept word a stem is an inflection of, where the light stemmer left the ending
        on: "aiming" of "aim", "wichtigst" (das Wichtigste) of "wichtig"."""
        for ending, letters in _FORM_ENDINGS:
            if not st.endswith(ending) or len(st) - len(ending) < letters:
                continue
            base = st[: -len(ending)]
            doubled = base[:-1] if base[-1] == base[-2] else base  # "planning" of "plan"
            for form in (base, doubled, base.translate(_UMLAUT_BASE)):
                if form in self._single:
                    return form
        return None

    def _compound_part(self, word: str) -> bool:
        """A known word that can be part of a compound: no function word ("ausländ|ischen"
        is no "ausland" + Swiss "isch"); a concept's own word is one even where its stem is a
        stop word's ("Nutzungs|quote", though "quoted" is a stop word)."""
        if not self._known_word(word) or word in STOPWORDS:
            return False
        return word in self._single_tokens or stem(word) not in _STOP_STEMS

    def analyze(self, text: str, *, correct: bool) -> Analysis:
        """The features of `text` (typo-corrected and compounds split with `correct`);
        remembered for texts of question length (`ANALYSIS_MEMO`) and, apart, for texts of
        one word or none (`WORD_ANALYSIS_MEMO`)."""
        raw = self._with_verbs_joined(text)
        if len(text) > ANALYSIS_CHARS:
            return self._analyze(raw, correct)
        if len(raw) <= 1:  # a word, or none ("und die KMU?" without its restriction)
            memo, size = self._word_analyses[correct], WORD_ANALYSIS_MEMO
        else:
            memo, size = self._analyses[correct], ANALYSIS_MEMO
        return remembered(memo, raw, lambda t: self._analyze(t, correct), size)

    def joined_particles(self, text: str) -> frozenset[str]:
        """The particles of `text` read as part of a verb ("zusammen" of "Wie setzen sich die
        Firmen zusammen?"): no word of their own there ("zusammen" is no sum)."""
        raw = tokens(text)
        if SEPARABLE_PARTICLES.isdisjoint(raw):
            return frozenset()
        kept = self._with_verbs_joined(text)
        return frozenset(t for t in SEPARABLE_PARTICLES.intersection(raw) if t not in kept)

    def _with_verbs_joined(self, text: str) -> tuple[str, ...]:
        """The tokens of `text`, a German verb and its particle later in the same clause as
        one word ("… setzen KI ein? und KMU": "einsetzen" in the first clause only)."""
        raw = tuple(tokens(text))
        if SEPARABLE_PARTICLES.isdisjoint(raw):
            return raw
        return tuple(
            t for clause in _CLAUSE_END.split(text) for t in self._separable_joined(tokens(clause))
        )

    def _separable_joined(self, raw: list[str]) -> list[str]:
        """A German verb and its particle later in the clause, as one word: "Welche Vorteile
        zählt der Artikel auf?" lists ("aufzählen"), it does not count ("zählt"); "setzen KI
        ein (für KMU)" is "einsetzen"."""
        # Each word is tried once per particle, where it first stands (the first word before
        # the particle that joins it is the one joined): trying every word before every
        # particle made a clause of 6,000 words and particles 4 million tries.
        first: dict[str, int] = {}
        for i, tok in enumerate(raw):
            first.setdefault(tok, i)
        earliest: dict[str, tuple[int, str] | None] = {}  # by particle: the first word it joins
        for p in range(len(raw) - 1, 1, -1):
            particle = raw[p]
            if particle not in SEPARABLE_PARTICLES:
                continue
            if particle not in earliest:
                earliest[particle] = min(
                    (
                        (i, form)
                        for tok, i in first.items()
                        if (form := self._joined_verb(particle, tok))
                    ),
                    default=None,
                )
            found = earliest[particle]
            if found is not None and found[0] < p:
                i, form = found
                return [*raw[:i], form, *raw[i + 1 : p], *raw[p + 1 :]]
        return raw

    def _joined_verb(self, particle: str, tok: str) -> str:
        return remembered(self._verbs_joined, (particle, tok), self._verb_joined, MEMO_SIZE)

    def _verb_joined(self, pair: tuple[str, str]) -> str:
        """Particle and word as the one word the knowledge or the language data knows
        ("auf" + "zählt" → "aufzählen"), else "" ("setzen auf" makes no "aufsetzen");
        remembered per pair: words and particles recur."""
        particle, tok = pair
        if len(tok) < 3 or is_number(tok) or tok in STOPWORDS:
            return ""
        joined = particle + tok
        infinitive = next(
            (joined[: -len(e)] + "en" for e in _VERB_ENDINGS if joined.endswith(e)), joined
        )
        for form in dict.fromkeys((joined, infinitive)):
            feature = self._read_part(form, form).feature
            if feature is None or feature.startswith("@"):
                return form
        return ""

    def joined_features(self, parts: Sequence[tuple[Analysis, bool]]) -> frozenset[str] | None:
        """The features of texts joined by spaces, as written, from each text's analysis (as
        written) and whether it ends open (`ends_open`): the union of theirs when no word and
        no concept's name runs from one text into the next; None when one may (then the
        joined text is to be analysed). The names are found as `analyze` finds them, from
        the start of each text on, with the words after it in view."""
        for k, (analysis, open_end) in enumerate(parts[:-1]):
            if open_end:
                return None
            end = len(analysis.tokens)
            later = chain.from_iterable(later.tokens for later, _ in parts[k + 1 :])
            after = islice(later, self._longest_phrase)  # what a name may run on into
            stems = [stem(t) for t in (*analysis.tokens, *after)]
            i = 0
            while i < end:
                matched = self._phrase_at(stems, i) if stems[i] in self._phrases else None
                i += matched[0] if matched else 1
            if i > end:
                return None
        joined = frozenset().union(*(analysis.features for analysis, _ in parts))
        return self._without_naming(joined)

    def _without_naming(self, features: frozenset[str]) -> frozenset[str]:
        """`features` without the words that ask what a thing is called, when they name a
        thing besides ("What are the schemes called?" asks about the schemes, not about a
        name as "What is the article called?" does)."""
        naming = features & self._naming_features
        return features - naming if naming and features - naming else features

    @cached_property
    def _naming_features(self) -> frozenset[str]:
        """The features the naming words give (`NAMING_WORDS`), as `_analyze` reads them."""
        read = (self._read_part(w, w).feature for w in NAMING_WORDS)
        return frozenset(f for f in read if f is not None)

    def phrase_stems(self, text: str) -> frozenset[str]:
        """The stems of `text`'s words that stand inside a concept's name of several words
        ("director" in "finance director", "head of" in "head of finance")."""
        stems = [stem(t) for t in tokens(text)]
        inside: set[str] = set()
        i = 0
        while i < len(stems):
            matched = self._phrase_at(stems, i) if stems[i] in self._phrases else None
            if matched:
                inside.update(stems[i : i + matched[0]])
            i += matched[0] if matched else 1
        return frozenset(inside)

    def _phrase_at(self, stems: Sequence[str], i: int) -> tuple[int, str] | None:
        """The longest concept name whose stems start at `stems[i]`: (the words it spans,
        concept). A particle inside it is skipped ("kommen denn aus" is "kommen aus")."""
        options = self._phrases.get(stems[i], ())
        exact = next(
            ((len(p), cid) for p, cid in options if tuple(stems[i : i + len(p)]) == p), None
        )
        if not _INNER_STEMS.intersection(stems[i + 1 : i + 1 + self._longest_phrase]):
            return exact
        for p, cid in options:  # longest first: "Hong Kong, ähm, Dollar" is not "Hong Kong"
            if exact and len(p) <= exact[0]:
                return exact
            j, k = i, 0
            while k < len(p) and j < len(stems):
                if stems[j] == p[k]:
                    k += 1
                elif not (k and stems[j] in _INNER_STEMS):
                    break
                j += 1
            if k == len(p):
                return j - i, cid
        return None

    def forget_texts(self) -> None:
        """Empty the remembered analyses of texts, not of single words (the benchmarks time a
        turn as if it came first, its words seen before as in real use)."""
        for memo in self._analyses.values():
            memo.clear()

    def _analyze(self, words: tuple[str, ...], correct: bool) -> Analysis:
        read = self._read_words[correct]

        def read_word(word: str) -> tuple[_Part, ...]:
            return self._read_word(word, correct)

        parts = [part for w in words for part in remembered(read, w, read_word, MEMO_SIZE)]
        toks = [part.token for part in parts]
        stems = [part.stem for part in parts]
        features: set[str] = set()
        sure: set[str] = set()  # features some uncorrected token supports
        numbers: set[str] = set()
        i = 0
        while i < len(stems):
            matched = self._phrase_at(stems, i) if stems[i] in self._phrases else None
            if matched:
                if not correct:  # a stored "China Conference 2025" states its year too
                    numbers.update(t for t in toks[i : i + matched[0]] if is_number(t))
                features.add(matched[1])
                # a name of several words with a slip in one ("AI Subsidy Shceme", "china
                # confernce 2025") is that name: its other words are as written
                if not all(part.changed for part in parts[i : i + matched[0]]):
                    sure.add(matched[1])
                i += matched[0]
                continue
            part = parts[i]
            if part.number:
                numbers.add(part.token)
            if part.feature:
                features.add(part.feature)
                if not part.changed:
                    sure.add(part.feature)
            i += 1
        kept = self._without_naming(frozenset(features))
        return Analysis(kept, question_types(toks), frozenset(numbers), tuple(toks), kept - sure)

    def _read_word(self, word: str, correct: bool) -> tuple[_Part, ...]:
        """A word as `_analyze` reads it, apart from the concept names it may start: its
        parts (a compound split, with `correct`), each corrected, stemmed and classified.
        Remembered per word: words recur in text after text (and an answer's words in each
        follow-up that reads it)."""
        raw = self.split(word) if correct else (word,)
        return tuple(self._read_part(part, self.correct(part) if correct else part) for part in raw)

    def _read_part(self, part: str, tok: str) -> _Part:
        st = stem(tok)
        feature = None
        if is_number(tok):
            feature = "#" + tok
        elif (
            tok in STOPWORDS
            or _inflected_stopword(tok, st)
            or (tok in FILLER and st not in self._single)
        ):
            pass  # a concept's own term is no filler ("Leute" of the staff concept)
        elif st in self._single:
            feature = self._single[st]
        elif st in self._name_parts and tok == part:
            feature = self._name_parts[st]
        elif verb := self._verb_of(tok):
            feature = self._verbs[verb]
        elif base := self._base_of(st):
            feature = self._single[base]
        elif len(tok) > 1:
            feature = st
        return _Part(tok, st, tok != part, feature, is_number(tok))
