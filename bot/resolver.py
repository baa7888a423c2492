"""The intent resolver: weighted concept overlap + whole-question similarity, on rapidfuzz.

Score of an intent for a question, in [0, 1]:
  0.6 · coverage   share of the question's (idf-weighted) features the intent knows
  0.2 · best F1    overlap with its single closest stored variant
  0.2 · fuzzy      rapidfuzz similarity of the whole question to that intent's variants
then damped when the question asks for another kind of thing (who vs when).
Rare words weigh more than common ones, and a word no intent knows counts
against every intent. Each candidate carries its signals (coverage, F1, fuzzy
similarity, type and number mismatch, unexplained words) for the decision
policy (bot/policy.py), which weighs them with fitted coefficients.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from bot.analyzer import Analysis, Analyzer, question_types
from bot.coverage import SHORTLIST, Postings, best_coverage, top
from bot.knowledge import KnowledgeBase
from bot.language import detect, side_words
from bot.lexicon import FILLER, INNER_PARTICLES
from bot.memo import remembered
from bot.models import Concept, Fact, Intent
from bot.narrowing import group_at, groups_named, scope_of
from bot.text import fold, is_number, sentences, tokens

COVERAGE_W, VARIANT_W, FUZZY_W = 0.6, 0.2, 0.2
TYPE_MISMATCH = 0.6
GUESS_CREDIT = 0.7  # a word known only after typo correction may be another word
UNKNOWN_WEIGHT_SHARE = 0.5  # an unknown word weighs this share of the rarest known one
WHOLE_MATCH = 75  # fuzz.ratio a question of function words needs
RANKINGS = 1024  # rankings remembered, as analyses of texts are (emptied when full)
_NO_SUBSTANCE = FILLER | INNER_PARTICLES  # chat filler and particles ("denn", "äh")


@dataclass(frozen=True)
class Candidate:
    """One scored intent (or article sentence, for passages), with the signals behind it."""

    key: str
    score: float
    coverage: float
    f1: float = 0.0
    fuzzy: float = 0.0
    type_mismatch: bool = False
    extra_numbers: frozenset[str] = frozenset()  # numbers of the question the intent lacks
    unexplained: float = 0.0  # weight share of question features the intent does not know


@dataclass(frozen=True)
class Resolution:
    """The ranked candidates for one question, with its language and analysis."""

    lang: str
    lang_signal: bool
    ranked: tuple[Candidate, ...]
    analysis: Analysis
    dropped_numbers: frozenset[str] = frozenset()  # figures set aside (without_numbers)
    words: tuple[str, ...] = ()  # the question's tokens as written (for cue words)


# What the candidates' signals read of a text: its features, those guessed, its question
# types and numbers, and whether the article's sentences are ranked; a ranking reads the
# text folded too.
_MatchedBy = tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], bool]
_RankingOf = tuple[_MatchedBy, str]


@dataclass
class _Doc:
    """An intent (or a sentence) as the index sees it."""

    key: str
    variants: list[frozenset[str]]
    variant_texts: list[str]
    bag: frozenset[str]
    context: frozenset[str]
    types: frozenset[str]
    numbers: frozenset[str]
    variant_totals: list[float] = field(default_factory=list)  # idf mass of each variant
    scope: frozenset[str] = frozenset()  # stems and features of its variants and answers
    content: frozenset[str] = frozenset()  # features of what it says: answers and quotes
    asked: frozenset[str] = frozenset()  # stems of the words of its stored questions
    venues: frozenset[str] = frozenset()  # events its answer names: it says where
    groups: frozenset[str] = frozenset()  # stems and features of the groups it names

    def knows_all(self, words: set[str] | frozenset[str]) -> bool:
        """Whether each of `words` is one of its words, its context or its scope (a test per
        word: the union of the three is not built)."""
        return all(w in self.bag or w in self.context or w in self.scope for w in words)


@dataclass(frozen=True)
class _Match:
    """A shortlisted candidate for a question's features, with the signals they give (all
    but the similarity of the question's whole text, which its wording gives)."""

    doc: _Doc
    coverage: float
    f1: float
    type_mismatch: bool
    extra_numbers: frozenset[str]
    unexplained: float


class Resolver:
    """Ranks the intents of one knowledge base for a question; deterministic and read-only."""

    def __init__(
        self,
        kb: KnowledgeBase,
        default_lang: str,
        indexes: Sequence[IntentIndex] | None = None,
    ) -> None:
        """`indexes`: each intent's part of the index (`index_intents`), in the order of
        `kb.intents`, when a cache has them; else they are computed here."""
        self.default_lang = default_lang
        if indexes is None:
            indexes = index_intents(kb)
        # Merged part by part, not in one C call over all: a reload in a worker thread must
        # let the event loop run (one call over 100,000 variants holds the GIL for 0.1 s).
        vocab: Counter[str] = Counter()
        words: dict[str, set[str]] = {"de": set(), "en": set()}
        asked_words: set[str] = set()
        for part in indexes:
            vocab.update(part.vocabulary)
            asked_words |= part.asked
            for lang in ("de", "en"):
                words[lang] |= part.words[lang]
        for fact in kb.facts:
            for text in (*fact.topics, fact.label.de, fact.label.en):
                vocab.update(tokens(text))
            words["de"].update(tokens(fact.label.de))
            words["en"].update(tokens(fact.label.en))
        self.vocab_by_lang = side_words(words)
        self.analyzer = Analyzer(kb.concepts, vocab, frozenset(asked_words))
        # Named things (entity concepts) and how to name them in a reply.
        narrowing_kinds = ("person", "organisation", "programme")
        self.entities = {"@" + c.id: c.terms[0] for c in kb.concepts if c.entity in narrowing_kinds}
        self.entity_kinds = {"@" + c.id: c.entity for c in kb.concepts if c.entity}
        self.entity_terms = {"@" + c.id: tuple(c.terms) for c in kb.concepts if c.entity}
        self.people = frozenset(k for k, kind in self.entity_kinds.items() if kind == "person")
        self.dated_names = _dated_names(kb.concepts)
        # a copy of each doc: a cached one may serve the previous snapshot meanwhile
        self.docs = {i.id: replace(part.doc) for i, part in zip(kb.intents, indexes, strict=True)}
        self.passages = self._passage_docs(kb)
        self._postings = Postings(self.docs)
        self._whole = {id(d): _by_length(d) for d in (self.docs, self.passages)}
        self._passage_postings = Postings(self.passages)
        n = max(len(self.docs), 1)
        df = Counter(f for doc in self.docs.values() for f in doc.bag | doc.context)
        self.idf = {f: math.log(1 + n / c) for f, c in df.items()}
        self.unknown_weight = UNKNOWN_WEIGHT_SHARE * math.log(1 + n)
        for doc in (*self.docs.values(), *self.passages.values()):
            doc.variant_totals = [sum(map(self.weight, sorted(v))) for v in doc.variants]
        # Rankings by what they are made of, and the candidates by the features: a
        # follow-up's resolver calls ask for some twice, and for the same features in
        # other words (`_rank`). Texts' work, emptied with the analyses (`forget_texts`).
        self._rankings: dict[_RankingOf, tuple[Candidate, ...]] = {}
        self._matches: dict[_MatchedBy, tuple[_Match, ...] | None] = {}

    def _passage_docs(self, kb: KnowledgeBase) -> dict[str, _Doc]:
        docs = {}
        for src_id, src in kb.sources.items():
            for n, para in enumerate(src.paragraphs, start=1):
                for k, sentence in enumerate(sentences(para)):
                    a = self.analyzer.analyze(sentence, correct=False)
                    if len(a.features) < 3:
                        continue
                    key = f"{src_id}|§{n}|{k}"
                    docs[key] = _Doc(
                        key,
                        [a.features],
                        [fold(sentence)],
                        a.features,
                        frozenset(),
                        frozenset(),
                        a.numbers,
                    )
        return docs

    def release(self) -> None:
        """Empty the largest tables entry by entry, for an index nobody reads any more
        (a replaced one): freed at once they hold the GIL for tens of milliseconds at
        100,000 variants, and the event loop with it."""
        for table in (self.docs, self._postings.lists):
            while table:
                table.popitem()

    def forget_texts(self) -> None:
        """Empty the remembered rankings and analyses of texts, not of single words (the
        benchmarks time a turn as if it came first, its words seen before as in real use)."""
        self._rankings.clear()
        self._matches.clear()
        self.analyzer.forget_texts()

    def weight_of_share(self, share: float) -> float:
        """The IDF weight of a feature that a `share` of all intents know."""
        return math.log(1 + 1 / share)

    def weight(self, feature: str) -> float:
        return self.idf.get(feature, self.unknown_weight)

    def language(self, analysis: Analysis, raw: str) -> tuple[str, bool]:
        """The question's language and whether it gave any signal at all."""
        return detect(
            raw, default=self.default_lang, vocabulary=self.vocab_by_lang, toks=analysis.tokens
        )

    def resolve(self, text: str) -> Resolution:
        analysis = self.analyzer.analyze(text, correct=True)
        lang, signal = self.language(analysis, text)
        words = tuple(tokens(text))
        if not analysis.features:  # "who r u lol", "was können Sie denn eigentlich": compared
            text = " ".join(w for w in words if w not in _NO_SUBSTANCE)  # as "who are you"
        ranked = self._rank(analysis, fold(text), self.docs, self._postings)
        return Resolution(lang, signal, ranked, analysis, frozenset(), words)

    def without_numbers(self, res: Resolution) -> Resolution:
        """The ranking of the same question with its figures set aside (a false premise is
        judged by what else it asks)."""
        a = res.analysis
        numbers = frozenset("#" + n for n in a.numbers)
        bare = Analysis(a.features - numbers, a.types, frozenset(), a.tokens, a.guessed - numbers)
        folded = " ".join(t for t in a.tokens if not is_number(t))
        ranked = self._rank(bare, folded, self.docs, self._postings)
        return Resolution(res.lang, res.lang_signal, ranked, bare, a.numbers, res.words)

    def asking_for(self, res: Resolution, words: frozenset[str], kind: str) -> Resolution:
        """The ranking of the same question with `words` read as asking for a `kind` of
        answer, not as what it is about ("cloud stat pls": the cloud figure asked, "stat"
        no topic an intent must explain)."""
        a = res.analysis
        read = (self.analyzer.analyze(w, correct=False).features for w in words)
        dropped = frozenset().union(*read)
        toks = tuple(t for t in a.tokens if t not in words)
        features, guessed = a.features - dropped, a.guessed - dropped
        bare = Analysis(features, a.types | {kind}, a.numbers, toks, guessed)
        ranked = self._rank(bare, " ".join(toks), self.docs, self._postings)
        return Resolution(res.lang, res.lang_signal, ranked, bare, res.dropped_numbers, res.words)

    def rank_passages(self, analysis: Analysis, folded: str) -> tuple[Candidate, ...]:
        return self._rank(analysis, folded, self.passages, self._passage_postings)

    def _rank(
        self,
        analysis: Analysis,
        folded: str,
        docs: dict[str, _Doc],
        postings: Postings,
    ) -> tuple[Candidate, ...]:
        """The candidates of `docs` for `analysis` and its text `folded`, best first: made
        once for what the ranking reads of them (not the tokens), remembered. The readings
        of a follow-up often have the same features in other words: the candidates and
        their signals but the whole-text similarity are found once for the features."""
        a = analysis
        matched_by = (a.features, a.guessed, a.types, a.numbers, docs is self.passages)

        def ranking(_: _RankingOf) -> tuple[Candidate, ...]:
            matches = remembered(
                self._matches, matched_by, lambda _: self._match(a, docs, postings), RANKINGS
            )
            if matches is None:
                return self._rank_whole(folded, docs)
            scored = [self._scored(match, folded) for match in matches]
            scored.sort(key=lambda c: (-c.score, c.key))
            return tuple(scored)

        return remembered(self._rankings, (matched_by, folded), ranking, RANKINGS)

    def _match(
        self, analysis: Analysis, docs: dict[str, _Doc], postings: Postings
    ) -> tuple[_Match, ...] | None:
        """The shortlisted candidates of `docs` for the features of `analysis`, with their
        signals but the whole-text similarity; None when no feature weighs anything (then
        only the whole text is compared)."""
        # in the features' sorted order: every sum of them comes out to the same last bit
        # whatever order the set has in this process (a tie of two coverages was broken by
        # the hash seed)
        weights = {f: self.weight(f) for f in sorted(analysis.features)}
        total = sum(weights.values())
        if total <= 0:
            return None
        credits = [
            (f, w * (GUESS_CREDIT if f in analysis.guessed else 1.0)) for f, w in weights.items()
        ]
        shortlist = top(best_coverage(credits, docs, postings), SHORTLIST)
        return tuple(
            self._signals(docs[key], cov / total, analysis, weights) for key, cov in shortlist
        )

    def _rank_whole(self, folded: str, docs: dict[str, _Doc]) -> tuple[Candidate, ...]:
        """Only function words ("what can you do?", "hey there"): whole-string similarity,
        in one rapidfuzz call against the variants whose length lets them reach the bar."""
        if not folded.strip():
            return ()
        texts, owners, lengths = self._whole[id(docs)]
        # fuzz.ratio ≥ WHOLE_MATCH needs |a - b| / (a + b) ≤ 1 - WHOLE_MATCH / 100 in length
        share = 1 - WHOLE_MATCH / 100
        low = math.floor(len(folded) * (1 - share) / (1 + share))
        high = math.ceil(len(folded) * (1 + share) / (1 - share))
        start, end = bisect_left(lengths, low), bisect_right(lengths, high)
        best: dict[str, float] = {}
        for _, score, n in process.extract(
            folded, texts[start:end], scorer=fuzz.ratio, score_cutoff=WHOLE_MATCH, limit=None
        ):
            key = owners[start + n]
            best[key] = max(score, best.get(key, 0.0))
        scored = [Candidate(key, score / 100, 1.0) for key, score in best.items()]
        scored.sort(key=lambda c: (-c.score, c.key))
        return tuple(scored)

    def _signals(
        self, doc: _Doc, coverage: float, analysis: Analysis, weights: dict[str, float]
    ) -> _Match:
        """A candidate's signals from the question's features (`weights`)."""
        q_total = sum(weights.values())
        best_f1 = 0.0
        for variant, v_total in zip(doc.variants, doc.variant_totals, strict=True):
            if analysis.features.isdisjoint(variant):
                continue  # most variants share nothing: no intersection made for them
            overlap = sum(w for f, w in weights.items() if f in variant)
            p, r = overlap / q_total, overlap / v_total
            best_f1 = max(best_f1, 2 * p * r / (p + r))
        # "Where did he speak?" of an answer naming the event, not "Where was the event?"
        types = doc.types | {"place"} if doc.venues - analysis.features else doc.types
        mismatch = bool(analysis.types and types and not (analysis.types & types)) or (
            "quantity" in analysis.types and not doc.numbers  # "how many …?" of a figureless one
        )
        unexplained = (
            sum(w for f, w in weights.items() if f not in doc.bag and f not in doc.context)
            / q_total
        )
        return _Match(
            doc, coverage, best_f1, mismatch, frozenset(analysis.numbers - doc.numbers), unexplained
        )

    @staticmethod
    def _scored(match: _Match, folded: str) -> Candidate:
        """A candidate's score: its signals and the whole text's similarity to its variants."""
        fuzzy = process.extractOne(folded, match.doc.variant_texts, scorer=fuzz.token_set_ratio)
        score = COVERAGE_W * match.coverage + VARIANT_W * match.f1 + FUZZY_W * fuzzy[1] / 100
        if match.type_mismatch:
            score *= TYPE_MISMATCH
        return Candidate(
            match.doc.key,
            score,
            match.coverage,
            match.f1,
            fuzzy[1] / 100,
            match.type_mismatch,
            match.extra_numbers,
            match.unexplained,
        )


def _by_length(docs: dict[str, _Doc]) -> tuple[list[str], list[str], list[int]]:
    """(every variant text of `docs`, shortest first; the key of the doc of each; the
    length of each): whole-string matching compares only those of a length that can match."""
    pairs = sorted(((t, d.key) for d in docs.values() for t in d.variant_texts), key=_text_length)
    texts = [t for t, _ in pairs]
    return texts, [k for _, k in pairs], [len(t) for t in texts]


def _text_length(pair: tuple[str, str]) -> int:
    return len(pair[0])


@dataclass(frozen=True)
class IntentIndex:
    """One intent's part of the index: computed from the intent, its facts and the concepts
    alone (not from the rest of the knowledge), so it can be cached with its file."""

    doc: _Doc
    vocabulary: tuple[str, ...]  # the words of its texts, as often as they stand there
    words: dict[str, frozenset[str]]  # the words of its German and of its English texts
    asked: frozenset[str]  # the words of its stored questions


class IntentIndexer:
    """What an intent's index part takes of the rest of the knowledge: an analyzer of its
    concepts, its facts, the event concepts. Made once per load for all intents files: made
    per file, it cost 70 ms a file (the concept table analysed again), and a knowledge of
    10,000 one-intent files took over 20 minutes to start and to reload."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.features_of = Analyzer(kb.concepts, Counter())  # stored texts: no correction
        self.facts = {f.id: f for f in kb.facts}
        self.events = frozenset("@" + c.id for c in kb.concepts if c.entity == "event")

    def index(self, intent: Intent) -> IntentIndex:
        return _index_intent(self.features_of, intent, self.facts, self.events)


def index_intents(
    kb: KnowledgeBase, only: Sequence[int] | None = None, indexer: IntentIndexer | None = None
) -> list[IntentIndex]:
    """The index parts of the intents of `kb` (those at the positions `only`, else all), with
    `indexer` (made of `kb`) when given."""
    indexer = indexer or IntentIndexer(kb)
    chosen = kb.intents if only is None else [kb.intents[n] for n in only]
    return [indexer.index(intent) for intent in chosen]


def _index_intent(
    analyzer: Analyzer, intent: Intent, facts: dict[str, Fact], events: frozenset[str]
) -> IntentIndex:
    vocabulary: list[str] = []
    words: dict[str, frozenset[str]] = {}
    for lang in ("de", "en"):
        texts = [*getattr(intent.questions, lang), intent.answer.get(lang)]
        toks = [w for text in texts for w in tokens(text)]
        vocabulary += toks
        words[lang] = frozenset(toks)
    questions = (*intent.questions.de, *intent.questions.en)
    asked = frozenset(t for q in questions for t in tokens(q))
    doc = _intent_doc(analyzer, intent, facts, events)
    return IntentIndex(doc, tuple(vocabulary), words, asked)


def _intent_doc(
    analyzer: Analyzer, intent: Intent, facts: dict[str, Fact], events: frozenset[str]
) -> _Doc:
    texts = [*intent.questions.de, *intent.questions.en]
    analyses = [analyzer.analyze(_asked_part(q), correct=False) for q in texts]
    variants = [a.features for a in analyses]
    bag = frozenset().union(*variants)
    # What the bot says (not all it quotes), and the labels and topics of its key figures.
    labels = [
        text
        for fid in intent.facts
        if fid in facts
        for text in (facts[fid].label.de, facts[fid].label.en, " ".join(facts[fid].topics))
    ]
    ctx_texts = [intent.answer.de, intent.answer.en]
    ctx = [analyzer.analyze(t, correct=False) for t in (*ctx_texts, *labels)]
    context = frozenset().union(*(a.features for a in ctx)) - bag
    numbers = frozenset().union(*(a.numbers for a in analyses), *(a.numbers for a in ctx))
    types = frozenset().union(*(question_types(list(a.tokens)) for a in analyses))
    venues = frozenset().union(*(a.features & events for a in ctx[:2]))
    quotes = [c.quote for c in intent.cite]
    quoted = [analyzer.analyze(q, correct=False).features for q in quotes]
    said = frozenset().union(*quoted, *(a.features for a in ctx))
    scope = scope_of([*texts, *ctx_texts]) | bag | context
    named = groups_named([*texts, *ctx_texts])
    groups = frozenset(s for phrase in named for s in phrase).union(
        *(analyzer.analyze(" ".join(phrase), correct=False).features for phrase in named)
    )
    return _Doc(
        intent.id,
        variants,
        [fold(t) for t in texts],
        bag,
        context,
        types,
        numbers,
        [],
        scope,
        said,
        scope_of(texts),
        venues,
        groups,
    )


def _asked_part(question: str) -> str:
    """A stored question up to a complement ("What is another big issue besides
    recruiting?"): what follows is what the intent is not about, no word it is asked by.
    (Its numbers, types and scope are read from the whole question.)"""
    toks = tokens(question)
    end = next((i for i in range(1, len(toks)) if group_at(toks, i) == "complement"), None)
    return question if end is None else " ".join(toks[:end])


def _dated_names(concepts: list[Concept]) -> frozenset[tuple[str, ...]]:
    """Names that end in a year ("China Conference 2025"), without the year: the same name
    with another year is another edition."""
    names = set()
    for concept in concepts:
        for term in concept.terms:
            toks = tokens(term)
            if len(toks) > 1 and toks[-1].isdigit() and len(toks[-1]) == 4:
                names.add(tuple(toks[:-1]))
    return frozenset(names)
