"""The decision policy: whether the best intent answers a question, and how.

One place owns every threshold. The resolver's signals for the best intent
(coverage, F1, fuzzy similarity, mismatches, unexplained and guessed words,
the margin to the best rival) are combined by a logistic regression fitted
offline on the tuning writers' questions (eval/fit.py → bot/data/decision.json);
the run time is a dot product. Then two guards that no score can replace:
  - narrowing: a restricting term the intent does not cover (bot/narrowing.py)
    turns the answer into "the article doesn't give that; it gives …";
  - numbers: a number in the question that the intent does not state is a false
    premise to correct (a figure the intent answers with) or, for a year the
    intent is not about, a narrowing in time.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Literal

from bot.analyzer import Analysis
from bot.figures import Figure, figures, has_figure
from bot.lexicon import (
    AMOUNT_CUES,
    CLAIM_TAGS,
    CONTENT_QUESTION_WORDS,
    COPULAS,
    COUNT_CUES,
    COUNT_UNITS,
    CUES,
    EXISTENCE_OPENERS,
    FIGURE_ASKING,
    FIRM_NOUNS,
    FOLLOWUP,
    HEADCOUNT_NOUNS,
    LANG_HINTS,
    MONTH_WORDS,
    MONTHS,
    NAME_CLASSES,
    NUMBER_WORDS,
    PARTITIVES,
    PLAN_WORDS,
    QUESTION_CUES,
    QUESTION_WORDS,
    RESTRICTORS,
    SHARE_CUES,
    SHARE_HEADS,
    SOURCE_WORDS,
    STATUS_WORDS,
    STOPWORDS,
    SURVEY_WORDS,
    SURVEYED_NOUNS,
    TIME_PHRASE_WORDS,
    TOPIC_PREPOSITIONS,
    TOTAL_WORDS,
    WHOLE_WORDS,
    YES_NO_OPENERS,
)
from bot.models import Intent
from bot.narrowing import (
    Narrowing,
    firms_defined_by,
    group_at,
    restricting_terms,
    surface,
    uncovered,
    unknown_after,
)
from bot.reading import has_cue, opens_as_question
from bot.resolver import Candidate, Resolution, Resolver
from bot.text import fold, is_number, is_year, sentences, stem, tokens

MODEL_FILE = Path(__file__).with_name("data") / "decision.json"
_MONTH_STEMS = frozenset(map(stem, MONTHS))  # an answer naming a month gives "the month"
_MONTH_WORD = frozenset(map(stem, MONTH_WORDS))
# Words between a dated name and a year that name its edition ("… in 2024", "… im Jahr 2024")
_EDITION_LINKS = frozenset({"in", "im", "of", "von", "jahr", "year"})
_EDITION_LINK_WORDS = 2
_COUNTED_REACH = 2  # words after "how many" where what is counted stands ("how many AI workers")
_DATE_STEMS = frozenset({(stem("date"),), (stem("datum"),)})  # a date: a day only within a month
SMALLTALK_COVERAGE = 0.66
TIE_SCORE, TIE_COVERAGE = 0.5, 0.45  # two figure intents this good, tied, are both answered
CLAIM_MARGIN = 0.1  # a claim's topic: this much more of it known than of any other figure's
KEYWORD_LETTERS = 4  # shorter unknown words beside a name are slips or chat, not a topic
EACH_MARGIN = 0.1  # as near as this count as tied when the question asks for each ("jeweils")
MIXED_UNEXPLAINED = 0.2  # the best intent leaves this share of the question unexplained
OFF_TOPIC_SHARE = 0.5  # of the topic a person's words are asked on, this share not in them
MIXED_COVERAGE = 0.3  # and a runner-up covers at least this much
COMMON_TOPIC_SHARE = 0.2  # a concept more intents than this know is no topic of one
GROUP_OPENERS = frozenset("of among for unter bei fur der den von".split())
NARROWED_COVERAGE = 0.5  # a narrowed intent knowing less of the question is not named
TERM_CACHE = 256  # questions whose restricting terms are kept
MIXED_GROUPS = frozenset({"group", "place", "time", "qualifier", "negation"})  # not names
# groups that narrow only a figure asked for
FIGURE_ONLY_GROUPS = frozenset({"precision", "complement", "firm_kind"})
NAMED_ROLES = frozenset({"person"})  # roles a synonym of the knowledge may name ("finance head")
RERANK_DEPTH = 4  # intents looked at when the best one does not cover a restriction
RERANK_GAP = 0.15  # and how far below the best they may score
RERANK_COVERAGE = 0.1  # and, for a named thing, how much less of the question they may know
PASSAGES_COMPARED = 3  # best-fitting article sentences compared with what the intent says
FIGURE_WORDS = frozenset(
    "percentage percent prozent prozentsatz number zahl anzahl figure date datum day tag month "
    "monat count".split()
)
_TOTAL_STEMS = frozenset(map(stem, TOTAL_WORDS))  # "in total" of one figure asks it
BACKGROUND = 0.3  # a named thing in more than this share of answers is the article's setting
MONEY_SCALE = 1e6  # amounts come in millions and billions ("HK$3 Mrd."): 200 thousand is a count
WHICH = frozenset(p[0] for p in FOLLOWUP["which"]) | {"what"}  # "which / what cities"
NAME_REACH = 2  # "which two cities": the class word this far after the question word
WHICH_REACH = 4  # "which ones were they, the recommendations?": the counted thing this far
THINGS_WORDS = frozenset(p[0] for p in FOLLOWUP["things_pronoun"]) | {"ones", "one"}
NAMED_KINDS = {  # the kinds of named thing that answer a question for each class of names
    "place": frozenset({"place"}),
    "organisation": frozenset({"organisation", "source"}),
    "person": frozenset({"person"}),
}
WHO_KINDS = frozenset({"person", "organisation", "source"})  # what answers "who …?"
WHO_WORDS = frozenset(cue[0] for cue in QUESTION_CUES["person"] if len(cue) == 1)
WHERE_WORDS = frozenset(cue[0] for cue in QUESTION_CUES["place"] if len(cue) == 1)
_WHO_IS = re.compile(r"\bwho(?:['’]?s)\b", re.IGNORECASE)  # "who's", "whos": who is
COPULA_REACH = 3  # "who or what is …"
WHERE_REACH = 1  # words before a where-word that opens the question ("und wohin …?")
FEATURES = (
    "score",
    "coverage",
    "f1",
    "fuzzy",
    "type_mismatch",
    "number_mismatch",
    "unexplained",
    "guessed",
    "unknown",
    "margin",
    "few_words",
    "single_word",
    "passage_agree",
)


@dataclass(frozen=True)
class DecisionModel:
    """Fitted coefficients of P(the best intent answers the question)."""

    weights: dict[str, float]
    bias: float
    threshold: float
    min_coverage: float = 0.0
    margin: float = 0.02
    meta: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> DecisionModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        unknown = set(data["weights"]) - set(FEATURES)
        if unknown:
            raise ValueError(f"{path}: unknown features {sorted(unknown)}")
        return cls(
            data["weights"],
            data["bias"],
            data["threshold"],
            data.get("min_coverage", 0.0),
            data.get("margin", 0.02),
            data.get("meta", {}),
        )

    def probability(self, signals: dict[str, float]) -> float:
        z = self.bias + sum(w * signals.get(name, 0.0) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def signals(top: Candidate, rival: Candidate | None, res: Resolution, resolver: Resolver) -> dict:
    """The features the model weighs, for the best intent of one question."""
    analysis: Analysis = res.analysis
    weights = {f: resolver.weight(f) for f in analysis.features}
    total = sum(weights.values()) or 1.0
    guessed = sum(weights[f] for f in analysis.guessed) / total
    unknown = sum(w for f, w in weights.items() if f not in resolver.idf) / total
    n = len(analysis.features)
    return {
        "passage_agree": _passage_agreement(top, res, resolver),
        "score": top.score,
        "coverage": top.coverage,
        "f1": top.f1,
        "fuzzy": top.fuzzy,
        "type_mismatch": float(top.type_mismatch),
        "number_mismatch": float(bool(top.extra_numbers)),
        "unexplained": top.unexplained,
        "guessed": guessed,
        "unknown": unknown,
        "margin": top.score - rival.score if rival else top.score,
        "few_words": float(n <= 2),
        "single_word": float(n <= 1),
    }


def _passage_agreement(top: Candidate, res: Resolution, resolver: Resolver) -> float:
    """How well the article sentences that best fit the question are ones the intent says:
    evidence from the article's own words, independent of the stored questions."""
    passages = resolver.rank_passages(res.analysis, " ".join(res.analysis.tokens))
    said = resolver.docs[top.key].content
    return max(
        (
            p.score * len(bag & said) / len(bag)
            for p in passages[:PASSAGES_COMPARED]
            if (bag := resolver.passages[p.key].bag)
        ),
        default=0.0,
    )


Verdict = Literal["answer", "narrowed", "premise", "abstain"]


@dataclass(frozen=True)
class Decision:
    """What to do with one question: answer an intent, decline a narrower question, correct a
    false premise, or abstain. `terms` are the narrowing words or the wrong figures."""

    verdict: Verdict
    candidate: Candidate | None = None
    probability: float = 0.0
    terms: tuple[str, ...] = ()
    group: str | None = None  # what the first narrowing term narrows (place, aggregate, …)


class Policy:
    """Turns a resolver's ranking into a Decision; owns the thresholds."""

    def __init__(
        self,
        resolver: Resolver,
        intents: dict[str, Intent],
        model: DecisionModel,
        figure_kinds: dict[str, frozenset[str]] | None = None,
        approximate: frozenset[str] = frozenset(),
    ):
        self.resolver = resolver
        self.intents = intents
        self.model = model
        self.figure_kinds = figure_kinds or {}  # intent → kinds of the figures it states
        self.approximate = approximate  # intents whose figure is rough ("über 200")
        self.article_intents = tuple(k for k, i in intents.items() if i.kind == "article")
        # The place most answers name ("Hongkong"): naming it answers no "which cities?"
        said = [d.content for k, d in resolver.docs.items() if intents[k].kind == "article"]
        self.background = frozenset(
            f
            for f, kind in resolver.entity_kinds.items()
            if kind == "place" and sum(f in c for c in said) > len(said) * BACKGROUND
        )
        # what each intent is about by name: the named things every one of its questions
        # names ("RAISe+" of the RAISe+ budget)
        entities = resolver.entities.keys()
        self.subjects = {
            k: frozenset.intersection(*d.variants) & entities
            for k, d in resolver.docs.items()
            if d.variants
        }
        self._term_cache: dict[tuple[str, str], list[Narrowing]] = {}
        self._stored: dict[str, frozenset[frozenset[str]]] = {}  # intent → its questions' words
        self._answer_figures: dict[str, tuple[Figure, ...]] = {}  # intent → its answer's
        self._counted: dict[str, frozenset[str]] = {}  # intent → stems of the things it counts
        self._counts_only: dict[str, bool] = {}  # gap → its questions ask counts only

    def ranked(self, res: Resolution) -> list[Candidate]:
        return [c for c in res.ranked if c.key in self.intents]

    def related(self, a: str, b: str) -> bool:
        """Two intents that state the same key figure: either answer is right."""
        return bool(set(self.intents[a].facts) & set(self.intents[b].facts))

    def rival(
        self, ranked: list[Candidate], named: frozenset[str] = frozenset()
    ) -> Candidate | None:
        """The best candidate that would answer differently: another intent of the same kind
        that states no figure in common ("RAISe+" is the scheme, even if a known gap about
        the scheme scores close). With `named` (the people, organisations and programmes the
        question names), not one that lacks a name the best one has: that one would be
        declined as narrower ("What did Wang Zheng say about the capital market?" is not the
        market's answer, which does not quote him)."""
        top = ranked[0]
        kind = self.intents[top.key].kind
        lacking = named - self.resolver.docs[top.key].scope
        return next(
            (
                c
                for c in ranked[1:]
                if not self.related(top.key, c.key)
                and self.intents[c.key].kind == kind
                and not (named - self.resolver.docs[c.key].scope) - lacking
            ),
            None,
        )

    def probability(self, res: Resolution, ranked: list[Candidate]) -> float:
        if not ranked:
            return 0.0
        return self.model.probability(signals(ranked[0], self.rival(ranked), res, self.resolver))

    def _article_before_gap(self, ranked: list[Candidate], res: Resolution) -> list[Candidate]:
        """ "The article doesn't give X" only when it beats the best answer the article gives by
        the model's margin, and not when the question is keywords of that answer alone ("data
        centre" asks for no location, cost or operator): a known gap restates what the
        article does say, and wins on those words. The model then judges the answer it would
        give."""
        if not ranked or self.intents[ranked[0].key].kind != "gap":
            return ranked
        answer = next((c for c in ranked if self.intents[c.key].kind == "article"), None)
        if answer is None:
            return ranked
        said = self.resolver.docs[answer.key]
        asked = res.analysis
        keywords = (
            not asked.types
            and not QUESTION_WORDS.keys() & set(asked.tokens)
            and asked.features <= said.bag | said.context
        )
        gap_types = self.resolver.docs[ranked[0].key].types
        other_type = bool(asked.types) and not asked.types & gap_types  # "when?" of "which?"
        if (
            ranked[0].score - answer.score >= self.model.margin
            and not keywords
            and not other_type
            and not self._gap_of_a_count(ranked[0].key, res)
        ):
            return ranked
        return [answer, *(c for c in ranked if c is not answer)]

    def _gap_of_a_count(self, key: str, res: Resolution) -> bool:
        """A known gap about a count ("how many firms were surveyed?") does not answer a
        question for a share of them ("what share of the sample are SMEs?")."""
        if not asks_share(res.words) or asks_count(res.words):
            return False
        return self._asks_counts_only(key)

    def _asks_counts_only(self, key: str) -> bool:
        """Whether the stored questions of `key` ask counts, never shares."""
        counts = self._counts_only.get(key)
        if counts is None:  # once per intent
            asked = [tokens(v) for v in self.resolver.docs[key].variant_texts]
            counts = any(map(asks_count, asked)) and not any(map(asks_share, asked))
            self._counts_only[key] = counts
        return counts

    def _count_gap_before_shares(self, ranked: list[Candidate], res: Resolution) -> list[Candidate]:
        """The converse of `_gap_of_a_count`: a question for a count ("How many companies
        were surveyed?") that an answer stating only shares (25 % large, 75 % SMEs) and a
        known gap about that count both cover is the gap's: shares count nothing."""
        if len(ranked) < 2:
            return ranked
        top, gap = ranked[:2]
        if (
            self.intents[top.key].kind != "article"
            or self.intents[gap.key].kind != "gap"
            or self.figure_kinds.get(top.key) != {"percent"}
            or not asks_count(res.words)
            or asks_share(res.words)
            or parts_asked_of(res.words)  # "how many of the firms are large?" asks a share
            or gap.coverage < max(top.coverage, self.model.min_coverage)
            or not self._asks_counts_only(gap.key)
            # "how many are profitable?" names no SenseTime: not the gap on its business
            or self.subjects.get(gap.key, frozenset()) - res.analysis.features
        ):
            return ranked
        return [gap, top, *ranked[2:]]

    def accepted(self, res: Resolution) -> tuple[Candidate | None, float]:
        """The best intent when the model trusts it, with the model's probability."""
        ranked = self._article_before_gap(self.ranked(res), res)
        ranked = self._count_gap_before_shares(ranked, res)
        if not ranked:
            return None, 0.0
        top = ranked[0]
        p = self.probability(res, ranked)
        if self.intents[top.key].kind == "smalltalk":
            # "where's it going to be?" shares "going" with "how's it going?", but asks where
            asks_other = bool(res.analysis.types - self.resolver.docs[top.key].types)
            ok = top.coverage >= SMALLTALK_COVERAGE and top.score >= 0.5 and not asks_other
            return (top, max(p, top.score)) if ok else (None, p)
        if self._lone_word_of_a_variant(top, res):
            return None, 0.0
        if p < self.model.threshold or top.coverage < self.model.min_coverage:
            return None, p
        rival = self.rival(ranked, res.analysis.features & self.resolver.entities.keys())
        if rival is not None and top.score - rival.score < self.model.margin:
            return None, p
        return top, p

    def _asking_a_figure(
        self, res: Resolution, p: float
    ) -> tuple[Candidate | None, float, Resolution]:
        """A question no intent fits while a word of it asks for a figure ("cloud stat pls"),
        judged with that word read as the question for a quantity: accepted only for an
        intent that answers how many or how much."""
        words = FIGURE_ASKING.intersection(res.analysis.tokens)
        if not words or not set(res.analysis.tokens) - words - STOPWORDS:
            return None, p, res
        asked = self.resolver.asking_for(res, frozenset(words), "quantity")
        top, q = self.accepted(asked)
        if top is None or "quantity" not in self.resolver.docs[top.key].types:
            return None, p, res
        return top, q, asked

    def _all_of_them(self, top: Candidate, res: Resolution) -> Candidate:
        """ "Welche Förderprogramme werden genannt, mit Betrag?" names no programme: it fits
        each programme's own intent (amount, programme) better than the one on all of them.
        When the best and the next are each about another named thing, and the question names
        neither, the intent that states what both state answers it."""
        ranked = self.ranked(res)
        if len(ranked) < 2 or res.analysis.numbers:  # a figure leads to the one stating it
            return top
        named = res.analysis.features & self.resolver.entities.keys()
        pair = (top, ranked[1] if ranked[0].key == top.key else ranked[0])
        subjects = [self.subjects.get(c.key, frozenset()) for c in pair]
        if not all(subjects) or subjects[0] & subjects[1] or (subjects[0] | subjects[1]) & named:
            return top
        facts = set(self.intents[top.key].facts) | set(self.intents[pair[1].key].facts)
        stating = [
            c
            for c in ranked
            if c.key not in (top.key, pair[1].key)
            and self.intents[c.key].kind == "article"
            and facts <= set(self.intents[c.key].facts)
        ]  # the fewest facts: the programmes' intent, not the list of all the city's advantages
        return min(stating, key=lambda c: len(self.intents[c.key].facts), default=top)

    def _lone_word_of_a_variant(self, top: Candidate, res: Resolution) -> bool:
        """One word alone ("bad") is a keyword only if the intent's answer is about it, not
        if it merely stands in one of its stored questions ("How bad is hiring?")."""
        features = res.analysis.features
        if len(features) != 1 or len(res.analysis.tokens) != 1:
            return False
        (word,) = features
        return not word.startswith(("@", "#")) and word not in self.resolver.docs[top.key].content

    def decide(self, question: str, res: Resolution) -> Decision:
        """Answer, narrowed, premise or abstain, for one question part."""
        top, p = self.accepted(res)
        if top is None and res.analysis.numbers:
            # "SenseTime was set up in 2016, right?": judged without its figures first;
            # a figure the intent does not state is then a premise to correct.
            res = self.resolver.without_numbers(res)
            top, p = self.accepted(res)
        if top is None:
            top, p, res = self._asking_a_figure(res, p)
        if top is None:
            return self._narrowed_anyway(question, res, p)
        if self.intents[top.key].kind != "article":
            return Decision("answer", top, p)
        top = self._all_of_them(top, res)
        unnamed = self._names_not_given(top, res)
        if unnamed:  # "Which universities take part in RAISe+?": it names none
            return Decision("narrowed", top, p, (surface(question, (unnamed,)),), "entity")
        stored = self._stored_question(res, top)
        asks_who = self._asks_who_did(question, res)
        if not stored and asks_who and not self._names_beyond(top, res, WHO_KINDS):
            return Decision("narrowed", top, p, (), "who")  # "Wer hat die Studie geleitet?"
        if self._asks_where_of_no_place(top, res):  # though its other words are stored
            return Decision("narrowed", top, p, (), "where")  # "Wohin genau expandieren sie?"
        if self._asks_who_else(question, res) and not self._names_others(top, res):
            return Decision("narrowed", top, p, (), "who")  # "who else spoke there besides Wang?"
        if self._count_not_stated(top, res):
            return Decision("abstain", None, p)  # "how many firms got money?" ≠ the budget
        if self._only_the_setting(top, res):
            return Decision("abstain", None, p)  # "Wie ist das Wetter in Hongkong im November?"
        if has_cue(res.words, "age") and self.figure_kinds.get(top.key) == {"year"}:
            return Decision("narrowed", top, p, _cue_words(question, "age"))  # "wie alt …?"
        if has_cue(res.words, "since") and "time" not in self.resolver.docs[top.key].types:
            return Decision("narrowed", top, p, _cue_words(question, "since"))  # "seit wann …?"
        status = self._asks_status_of_a_plan(top, res)
        if status:  # "Is the HPC data centre already up and running?": planned for 2024/25
            return Decision("narrowed", top, p, (surface(question, status),))
        if self._items_not_listed(top, res):
            gap = next((c for c in self.ranked(res) if self.intents[c.key].kind == "gap"), None)
            if gap is not None and gap.coverage >= top.coverage - RERANK_COVERAGE:
                return Decision("answer", gap, p)  # the known gap says what is missing
            return Decision("narrowed", top, p, (), "list")  # "Nenne die neun Empfehlungen"
        top, terms = self._covering(question, top, res)
        premise = self._premise_terms(terms, top, res)
        terms = [t for t in terms if t not in premise]
        if terms and top.coverage < NARROWED_COVERAGE:
            return Decision("abstain", None, p)  # "pizza in Naples": nothing worth naming
        if terms:
            return Decision("narrowed", top, p, _words(terms), _group(terms))
        if stored:
            return Decision("answer", top, p)
        unknown = self._asked_beside_names(res) or self._said_on_another_topic(question, top, res)
        if unknown:  # "sensetime aktienkurs": of SenseTime, but not what the article says
            return Decision("narrowed", top, p, unknown, "other")
        if self._share_not_stated(top, res) or self._part_of_stated(top, res):
            return Decision("narrowed", top, p, (), "part")  # "what % of the 200 firms …?"
        subset = self._subset_named(question, top, res)
        if subset:  # "Wie viele der KI-Firmen im HKSTP sind im Bereich Robotik tätig?"
            return Decision("narrowed", top, p, subset, "group")
        if self._part_of_another(top, res):
            return Decision("abstain", None, p)  # "Welche der 200 KI-Firmen sind KMU?"
        mixed = self._mixed_topics(question, top, res) or self._figure_across_topics(top, res, p)
        if mixed is not None:
            return mixed
        # an amount with a scale is checked however few its digits, and named as the
        # question writes it ("HK$5 billion", "5000 million": the tokens read "5")
        amounts = _scaled_amounts(question) if top.extra_numbers | res.dropped_numbers else {}
        wrong = sorted(
            n for n in top.extra_numbers | res.dropped_numbers if _significant(n) or n in amounts
        )
        wrong = [
            n
            for n in wrong
            if n not in self.resolver.docs[top.key].numbers
            and not self._states_amount(top.key, question, n)
        ]
        if (
            wrong
            and _years_only(wrong)
            and (
                (self._asks_figure_at_other_time(top, res) and not self._misdates(res, wrong))
                or (self._names_other_edition(res, wrong) and opens_as_question(res.words))
            )
        ):
            return Decision("narrowed", top, p, tuple(wrong))
        if wrong and self._figure_is_the_topic(wrong, res):
            return Decision("abstain", None, p)  # "Was soll bis 2035 passieren?": no premise
        if wrong or premise:
            shown = " ".join(_words(premise))  # "Frühjahr 2024" names its year
            named = (amounts.get(n, n) for n in wrong if n not in tokens(shown))
            # a wrong title of a person ("SenseTime CEO Wang Zheng") is corrected by him too
            title = "person" if premise and not wrong and _group(premise) == "person" else None
            return Decision("premise", top, p, (*named, *_words(premise)), title)
        return Decision("answer", top, p)

    def names_only_the_setting(self, res: Resolution) -> bool:
        """Whether the question's known words are the article's setting at most ("Higher than
        HK or not?"): every answer fits it, so none answers it."""
        return res.analysis.features <= self.background

    def _only_the_setting(self, top: Candidate, res: Resolution) -> bool:
        """Whether all the question shares with the intent is the article's setting (the
        place most answers name, a month, a year) while it asks about something else: "the weather
        in Hong Kong in November" is not the study of November 2023."""
        doc = self.resolver.docs[top.key]
        features = res.analysis.features
        shared = {f for f in features if doc.knows_all((f,))}
        setting = {f for f in shared if f in self.background or f in _MONTH_STEMS}
        setting |= {f for f in shared if f[0] == "#" and is_year(f[1:])}  # "im November 2023"
        return bool(shared) and shared == setting and bool(features - shared)

    def _figure_is_the_topic(self, wrong: list[str], res: Resolution) -> bool:
        """ "What happens by 2035?": besides a figure the article states elsewhere the
        question says one thing at most ("happen"); the figure is its topic, not a wrong
        figure of the intent that fits that one word ("SenseTime 2016?" states none)."""
        if len(res.analysis.features) > 1 or not set(wrong) <= res.dropped_numbers:
            return False
        docs = self.resolver.docs
        return all(any(n in docs[k].numbers for k in self.article_intents) for n in wrong)

    def presupposed(self, question: str, res: Resolution) -> Decision | None:
        """ "Why do 60 % of the firms want to expand?" takes a figure for granted, "founded in
        2018, right?" puts one up for checking. Where the
        intent that states a figure of that kind on the question's topic states another one
        (55 %), the figure is a premise to correct with that intent."""
        why = "reason" in res.analysis.types
        if not has_figure(question) or not (why or _puts_up_a_claim(res.words)):
            return None
        reverse = asks_reverse(res)
        every = [
            c
            for c in self.ranked(self.resolver.without_numbers(res))
            if self.intents[c.key].kind == "article"
        ]
        ranked = [c for c in every[:RERANK_DEPTH] if c.coverage >= MIXED_COVERAGE]
        # The intent the question leads to with its figures: "Warum will Hongkong bis 2035 ein
        # KI-Zentrum sein?" leads to the 2035 plan, which states it as its one year; without
        # the figure the HPC centre (2024 or 2025) was the nearest to state a year, and
        # "nicht 2035" came. (An intent listing many figures of a kind, the study's key
        # findings, is led to by any of them: "Warum nutzen 63 Prozent der Firmen KI?" is
        # still corrected with the 41 % who do.)
        led_to = next((c for c in self.ranked(res) if self.intents[c.key].kind == "article"), None)
        for figure in figures(question):
            kind = figure_kind(figure)
            # the intent most about what the question asks, of those stating such a figure
            stating = max(
                (c for c in ranked if kind in self.figure_kinds.get(c.key, ())),
                key=lambda c: c.coverage,
                default=None,
            )
            if stating is not None and not why and self._topic_unclear(stating, every, kind):
                continue  # a claim that fits several figures as well: which one is wrong?
            token = _token(figure)
            if stating is None or token in self.resolver.docs[stating.key].numbers:
                continue
            if led_to is not None and self._the_figure_of(led_to.key, kind) == {token}:
                continue  # the figure is what brought the question to the intent stating it
            if self._amount_stated(stating.key, figure):
                continue  # "HK$10000 million" is the "HK$10 billion" it states
            if reverse and any(token in d.numbers for d in self.resolver.docs.values()):
                continue  # "Wofür stehen die 75 %?" asks what a stated figure is
            return Decision("premise", stating, stating.score, (figure.text,))
        return None

    def _stated_figures(self, key: str) -> tuple[Figure, ...]:
        """The figures of the intent's answer, both languages: read once per intent."""
        found = self._answer_figures.get(key)
        if found is None:
            answer = self.intents[key].answer
            found = self._answer_figures[key] = tuple(
                f for text in (answer.de, answer.en) for f in figures(text)
            )
        return found

    def _the_figure_of(self, key: str, kind: str) -> set[str]:
        """The numbers the intent's answer states as figures of `kind`."""
        return {_token(f) for f in self._stated_figures(key) if figure_kind(f) == kind}

    def _states_amount(self, key: str, question: str, token: str) -> bool:
        """Whether the question's figure written `token` is, with its scale, an amount the
        intent states: "HK$10000 million" and "HK$10,000 million" are its "HK$10 billion"."""
        return any(_token(f) == token and self._amount_stated(key, f) for f in figures(question))

    def _amount_stated(self, key: str, figure: Figure) -> bool:
        """Whether `figure`'s value, scale included, is one the intent's answer states with a
        scale ("10 Milliarden", "10 billion"): the same amount written in other units."""
        value = round(figure.value)
        return any(f.scaled and round(f.value) == value for f in self._stated_figures(key))

    def _topic_unclear(self, stating: Candidate, every: list[Candidate], kind: str) -> bool:
        """Whether another intent stating a figure of `kind` fits almost as well."""
        return any(
            c.key != stating.key
            and kind in self.figure_kinds.get(c.key, ())
            and c.coverage > stating.coverage - CLAIM_MARGIN
            for c in every
        )

    def _names_not_given(self, top: Candidate, res: Resolution) -> str | None:
        """ "Which universities …?", "in welche Länder …?" ask for names; an answer that names
        no such thing beyond those the question names does not answer. Returns the asker's
        word for the things, or None."""
        toks = res.words
        for i, tok in enumerate(toks):
            if tok not in WHICH:
                continue
            for word in toks[i + 1 : i + 1 + NAME_REACH]:
                kind = NAME_CLASSES.get(word)
                if kind is None:
                    continue
                return None if self._names_beyond(top, res, NAMED_KINDS[kind]) else word
        return None

    def _stored_question(self, res: Resolution, top: Candidate) -> bool:
        """Whether the question is one of the intent's stored questions but for function
        words ("Who chairs HKPC?" for "Who chairs the HKPC?"): an admin filed it there."""
        stored = self._stored.get(top.key)
        if stored is None:  # once per intent: its stored questions' words
            texts = self.resolver.docs[top.key].variant_texts
            stored = self._stored[top.key] = frozenset(_content_words(tokens(v)) for v in texts)
        return _content_words(res.words) in stored

    @staticmethod
    def _asks_who_did(question: str, res: Resolution) -> bool:
        """ "Who led the study?" asks for a name; "Who is Wang Zheng?", "who's wong zhang
        from sense time", "who or what is HKSTP?" ask about a thing named. A who-word of the
        other language is none ("how mony AI firms wer in the park": "were")."""
        if "person" not in res.analysis.types or _WHO_IS.search(question):
            return False
        toks = res.words
        other = LANG_HINTS["de" if res.lang == "en" else "en"]
        for i, tok in enumerate(toks):
            if tok in WHO_WORDS and tok not in other:
                return not COPULAS.intersection(toks[i + 1 : i + 1 + COPULA_REACH])
        return False

    def _asks_where_of_no_place(self, top: Candidate, res: Resolution) -> bool:
        """ "Where exactly do the firms want to expand to?" of the 55 % who want to expand:
        a place asked of an answer that names none (its kind is not a place's)."""
        if not top.type_mismatch or "place" not in res.analysis.types:
            return False
        words = res.words
        # opened by it ("und wohin genau?"), not "the conference where he spoke"; nor where
        # the article says it ("wo steht das?")
        opening = words[: WHERE_REACH + 1]
        if WHERE_WORDS.isdisjoint(opening) or SOURCE_WORDS.intersection(words):
            return False
        doc = self.resolver.docs[top.key]
        kinds = self.resolver.entity_kinds
        places = {f for f in doc.content if kinds.get(f) == "place"} - self.background
        return "place" not in doc.types and not places  # "brücke wohin?": to the mainland

    def _asks_who_else(self, question: str, res: Resolution) -> bool:
        """ "Who else spoke besides Wang?", "Wer außer ihm …": a name other than those named."""
        words = res.words
        return self._asks_who_did(question, res) and any(
            group_at(list(words), i) == "complement" for i in range(len(words))
        )

    def _names_others(self, top: Candidate, res: Resolution) -> bool:
        """Whether the intent's answer names another of the kind the question sets aside, one
        the question does not touch, not even by one word of its name ("besides Wang" touches
        Wang Zheng, a person: SenseTime is no other speaker)."""
        words = set(res.words)

        def touched(f: str) -> bool:
            name = self.resolver.entities.get(f, "")
            return f in res.analysis.features or bool(
                words.intersection(t for t in tokens(name) if len(t) >= KEYWORD_LETTERS)
            )

        named = self.resolver.docs[top.key].content
        kinds = self.resolver.entity_kinds
        aside = {kinds[f] for f in named if kinds.get(f) in WHO_KINDS and touched(f)}
        return any(
            kinds.get(f) in (aside or {"person"}) and f not in self.background and not touched(f)
            for f in named
        )

    def _asks_status_of_a_plan(self, top: Candidate, res: Resolution) -> tuple[str, ...]:
        """The status word of a yes/no question on how things stand now ("Is it already
        running?", "Gibt es das schon?") when the intent's answer states a plan first ("is to
        go into operation in 2024 or 2025"): the plan is no answer to whether it happened."""
        words = res.words
        if not words or words[0] not in YES_NO_OPENERS:
            return ()
        status = next((words[i:j] for i, j in _phrases_at(words, STATUS_WORDS)), ())
        if not status:
            return ()
        answer = self.intents[top.key].answer  # what it states first, not an aside
        said = (*tokens(_first_sentence(answer.de)), "|", *tokens(_first_sentence(answer.en)))
        return tuple(status) if any(True for _ in _phrases_at(said, PLAN_WORDS)) else ()

    def _names_beyond(self, top: Candidate, res: Resolution, kinds: frozenset[str]) -> bool:
        """Whether the intent's answer names a thing of `kinds` the question does not."""
        return any(
            self.resolver.entity_kinds.get(f) in kinds and f not in self.background
            for f in self.resolver.docs[top.key].content - res.analysis.features
        )

    def _asked_beside_names(self, res: Resolution) -> tuple[str, ...]:
        """The words of a keyword question that knows nothing but names besides them
        ("sensetime aktienkurs", "Wang Zheng Gehalt?"): the names say whom it is about, those
        words what is asked, and the knowledge has none of them. Only bare keywords: in a
        sentence an unknown word is as often a verb or a slip as the thing asked."""
        features = res.analysis.features
        known = {f for f in features if f in self.resolver.idf}
        if not known or not known <= self.resolver.entities.keys():
            return ()
        if any(w in STOPWORDS for w in res.words):
            return ()
        unknown = {f for f in features - known if not f.startswith("#")}
        return tuple(w for w in res.words if stem(w) in unknown and len(w) >= KEYWORD_LETTERS)

    def _said_on_another_topic(
        self, question: str, top: Candidate, res: Resolution
    ) -> tuple[str, ...]:
        """The topic of "What did Wang Zheng say about Singapore's talent pool?" when the
        answer about that person does not speak of it: his words on capital are no answer."""
        people = res.analysis.features & self.resolver.people
        words = res.words
        at = next((n for n, w in enumerate(words) if (w,) in TOPIC_PREPOSITIONS), None)
        if not people or at is None:
            return ()
        topic = words[at + 1 :]
        asked = self.resolver.analyzer.analyze(" ".join(topic), correct=True).features
        asked = {f for f in asked - people - self.background if f[0] == "@"}
        doc = self.resolver.docs[top.key]
        lacking = asked - doc.bag - doc.context
        weight = self.resolver.weight
        if not lacking or sum(map(weight, lacking)) < OFF_TOPIC_SHARE * sum(map(weight, asked)):
            return ()  # "über die Bedeutung von Kapital für KI-Firmen": capital, which he spoke of
        return (surface(question, topic),)

    def _count_not_stated(self, top: Candidate, res: Resolution) -> bool:
        """ "How many firms have received money from the scheme?" asks a count; an intent whose
        figures are only years or amounts of money does not answer it, nor one that states only
        years any question for a quantity."""
        kinds = self.figure_kinds.get(top.key)
        if (
            not kinds
            and "quantity" not in self.resolver.docs[top.key].types
            and "quantity" in res.analysis.types
            and (asks_count(res.words) or asks_share(res.words) or asks_amount(res.words))
        ):
            return True  # "how many are in Shenzhen?" of a statement of no figure nor amount
        if kinds and kinds <= {"year"} and "quantity" in res.analysis.types:
            return True  # "Wie hoch ist die Arbeitslosenquote?": a date is no quantity
        return bool(kinds) and kinds <= {"year", "money"} and asks_count(res.words)

    def _items_not_listed(self, top: Candidate, res: Resolution) -> bool:
        """ "List the recommendations", "zähl sie auf": the items of what the intent only
        counts ("nine recommendations"); the count is no list of them."""
        if asks_count(res.words):
            return False
        if self.figure_kinds.get(top.key) == frozenset({"count"}) and has_cue(res.words, "lists"):
            return True
        # "Welche Empfehlungen hat das HKPC gemacht?", "which ones were they, the
        # recommendations?": which of the things it counts, after function words only
        counted = self._counted_things(top.key)
        words = res.words
        for i, word in enumerate(words):
            if word not in WHICH:
                continue
            reach = 1 if word == "what" else WHICH_REACH  # "what exactly doubled?" lists none
            for after in words[i + 1 : i + 1 + reach]:
                if stem(after) in counted:
                    return True
                if after not in STOPWORDS and after not in THINGS_WORDS:
                    break
        return False

    def _counted_things(self, key: str) -> frozenset[str]:
        """Stems of the words right after a count in an intent's answers ("neun Empfehlungen",
        "nine recommendations"), read once per intent."""
        found = self._counted.get(key)
        if found is None:
            answer = self.intents[key].answer
            words = (*counted_words(answer.de), *counted_words(answer.en))
            found = self._counted[key] = frozenset(map(stem, words))
        return found

    def _share_not_stated(self, top: Candidate, res: Resolution) -> bool:
        """ "What percentage of the AI firms in the park are start-ups?" asks a part of a
        whole; an intent whose figures are only counts, years or money ("over 200") does not
        answer it."""
        kinds = self.figure_kinds.get(top.key)
        return bool(kinds) and "percent" not in kinds and asks_share(res.words)

    def _part_of_stated(self, top: Candidate, res: Resolution) -> bool:
        """ "How many of the 200 AI firms are start-ups?", "which of them …?" asks a part of a
        figure the intent states as a whole; the intent gives the whole, not the part."""
        stated = self.resolver.docs[top.key].numbers
        return any(n in stated and not is_year(n) for n in parts_asked_of(res.words))

    def _subset_named(self, question: str, top: Candidate, res: Resolution) -> tuple[str, ...]:
        """ "How many of the AI firms at HKSTP work in robotics?": a count asked of a part of
        what an intent counts, named by words the intent does not cover ("Robotik"). Those
        words, as written; none when the question counts the whole ("Wie viele der Firmen
        waren Ende 2022 aktiv?": the intent says "aktiv")."""
        words = res.words
        partitive = any(
            any(tuple(words[end : end + len(p)]) == p for p in PARTITIVES)
            for _, end in _phrases_at(words, COUNT_CUES)
        )
        if not partitive or "count" not in self.figure_kinds.get(top.key, frozenset()):
            return ()
        doc = self.resolver.docs[top.key]
        known = doc.scope | doc.bag | doc.context
        analyze = self.resolver.analyzer.analyze
        return tuple(
            surface(question, (t,))
            for t in words
            if len(t) >= KEYWORD_LETTERS
            and t not in STOPWORDS
            and not is_number(t)
            and stem(t) not in known
            and not analyze(t, correct=True).features <= known
        )

    def _part_of_another(self, top: Candidate, res: Resolution) -> bool:
        """ "Which of the 200 AI firms are SMEs?": a part of a whole another intent states; the
        SME share of all firms surveyed is no part of the 200, nor a premise to correct."""
        stated = self.resolver.docs[top.key].numbers
        return any(
            is_number(n) and not is_year(n) and n not in stated for n in parts_asked_of(res.words)
        )

    def _covering(
        self, question: str, top: Candidate, res: Resolution
    ) -> tuple[Candidate, list[Narrowing]]:
        """Among intents scored close to the best, the first that covers every restricting
        term: "Hongkong zwischen Festland und Rest der Welt" is the bridge, not the hub.
        Returns the intent and the terms it leaves uncovered."""
        terms = self.narrowing(question, top, res)
        if not terms:
            return top, terms
        # A named thing the best intent lacks (HKSTP, HKPC) points to the intent about it; a
        # group or place needs an intent that knows all the best one knows ("KMU … KI").
        names_only = all(t.group in ("entity", "place") for t in terms)
        ranked = self.ranked(res)
        for other in ranked[1:RERANK_DEPTH]:
            if names_only:
                if other.coverage < top.coverage - RERANK_COVERAGE:
                    continue
            elif not self._explains_as_much(other, top, res):
                continue  # "KMU … KI": firm sizes know the group, not the topic
            if top.score - other.score > RERANK_GAP:
                break
            if self.intents[other.key].kind != "article" or self.narrowing(question, other, res):
                continue
            asked = self.resolver.docs[other.key].asked
            if names_only or not uncovered(terms, asked):  # asked about the group, not only
                return other, []  # mentioning it in a long answer ("challenges")
        return top, terms

    def tied_figures(self, question: str, res: Resolution) -> list[Candidate]:
        """Two figure intents that both fit and tie: "both schemes" wants both answers; not
        when the question narrows either of them. A question that asks for each of several
        things ("wie viel steckt jeweils darin?") takes two that fit almost alike as tied."""
        ranked = self.ranked(res)
        margin = EACH_MARGIN if has_cue(res.words, "each") else self.model.margin
        if len(ranked) < 2 or ranked[0].score - ranked[1].score >= margin:
            return []
        if self.names_only_the_setting(res):
            return []
        pair = ranked[:2]
        fits = all(
            c.score >= TIE_SCORE
            and c.coverage >= TIE_COVERAGE
            and not c.extra_numbers
            and self.intents[c.key].kind == "article"
            and self.intents[c.key].facts
            and not self.narrowing(question, c, res)
            for c in pair
        )
        if not fits:
            return []
        facts = [set(self.intents[c.key].facts) for c in pair]
        if facts[0] <= facts[1] or facts[1] <= facts[0]:  # one answer states the other's too
            return [max(pair, key=lambda c: len(self.intents[c.key].facts))]
        return pair

    def _explains_as_much(self, other: Candidate, top: Candidate, res: Resolution) -> bool:
        """Whether `other` knows every word of the question that `top` knows."""
        features = res.analysis.features
        top_doc, other_doc = self.resolver.docs[top.key], self.resolver.docs[other.key]
        return features & (top_doc.bag | top_doc.context) <= other_doc.bag | other_doc.context

    def _narrowed_anyway(self, question: str, res: Resolution, p: float) -> Decision:
        """Not answered because two intents tie, but the best one is plainly narrowed ("wie
        viel ist das zusammen?"): decline with what the article gives, not a bare "no"."""
        ranked = self.ranked(res)
        titled = self._wrong_title(question, res, ranked)
        if titled is not None:  # "… wrote that Wang Zheng is SenseTime's CEO. Accurate?"
            return titled
        if not ranked or self.intents[ranked[0].key].kind != "article":
            return Decision("abstain", None, p)
        top, rival = ranked[0], self.rival(ranked)
        tied = rival is not None and top.score - rival.score < self.model.margin
        trusted = p >= self.model.threshold and top.coverage >= self.model.min_coverage
        if tied and trusted:  # rejected for a close rival, not for doubt
            terms = self.narrowing(question, top, res)
            premise = self._premise_terms(terms, top, res)
            if terms and len(premise) == len(terms):  # "Wang Zheng is SenseTime's CEO, right?"
                return Decision("premise", top, p, _words(premise))
            if terms:
                return Decision("narrowed", top, p, _words(terms), _group(terms))
            mixed = self._mixed_topics(question, top, res)  # "small firms … profitable"
            if mixed is not None:
                return mixed
        return Decision("abstain", None, p)

    def _wrong_title(
        self, question: str, res: Resolution, ranked: list[Candidate]
    ) -> Decision | None:
        """A claim that gives a named person a title the article does not ("Wang Zheng is
        the chief executive, isn't he?"), in however many words: corrected by the best
        intent about that person, though the claim's other words fit nothing."""
        if not res.analysis.features & self.resolver.people:
            return None  # names no person (the usual decline: no narrowing read here)
        for cand in ranked[:RERANK_DEPTH]:
            if self.intents[cand.key].kind != "article":
                continue
            terms = self.narrowing(question, cand, res)
            premise = self._premise_terms(terms, cand, res)
            if premise and len(premise) == len(terms):
                return Decision("premise", cand, 0.0, _words(premise), _group(premise))
        return None

    def _premise_terms(
        self, terms: list[Narrowing], top: Candidate, res: Resolution
    ) -> list[Narrowing]:
        """A wrong title for a person the question names ("SenseTime's CEO Wang Zheng") is
        a false premise to correct, not a question about another person; a part of a year
        the intent does not state ("im Frühjahr 2024" of a study of November 2023) is part
        of the wrong year, judged as years are."""
        doc = self.resolver.docs[top.key]
        named = res.analysis.features & self.resolver.people & doc.scope
        wrong = [
            t
            for t in terms
            if t.group == "time" and any(is_year(s) and s not in doc.numbers for s in t.stems)
        ]
        return wrong + ([t for t in terms if t.group == "person"] if named else [])

    def _asks_figure_at_other_time(self, top: Candidate, res: Resolution) -> bool:
        """ "How many firms at the end of 2023?" asks a figure for a year the intent does not
        cover, "What is planned for 2030?" what happens at another time than the intent's
        (near misses); "founded in 2016, right?" states a wrong year (a premise)."""
        doc = self.resolver.docs[top.key]
        timed = "time" in doc.types
        # "how many …", "what % of …", "what was the … figure": asks a figure, states none
        states_figure = any(not is_year(n) for n in res.analysis.numbers)  # "… say 49 %?"
        asks_quantity = "quantity" in res.analysis.types or (
            self._asks_figure(res) and "time" not in res.analysis.types and not states_figure
        )
        if asks_quantity and not timed:
            return True
        toks = res.analysis.tokens
        asks_what = bool(toks) and toks[0] in CONTENT_QUESTION_WORDS and not res.analysis.types
        asks_whether = any(tuple(toks[: len(p)]) == p for p in EXISTENCE_OPENERS)
        # "Wie sah es Ende 2023 aus?" of a figure dated by its year (over 200 firms by 2022);
        # keywords ("ki firmen hkstp ende 2023") state nothing, so claim no wrong year
        dated = timed or any(map(is_year, doc.numbers))
        # "hkstp ai companies at the end of 2023?" of a count or share dated by its year;
        # of a thing dated by a year ("SenseTime founded in 2016?") a year is a claim
        counts = "year" not in self.figure_kinds.get(top.key, frozenset())
        keywords = not STOPWORDS.intersection(res.words) or (
            counts and not (STOPWORDS - TIME_PHRASE_WORDS).intersection(res.words)
        )
        keywords = keywords and not (not counts and _puts_up_a_claim(res.words))  # "… yeah?"
        return (timed and asks_what) or (dated and (asks_whether or keywords))

    def _misdates(self, res: Resolution, years: list[str]) -> bool:
        """ "The HKPC study from November 2022 had how many recommendations?": a month and a
        year given to a thing the article dates to the month (the study, November 2023) are
        a wrong date of that thing to correct, not a time the question asks about."""
        toks = res.analysis.tokens
        if not any(n and t in years and toks[n - 1] in MONTHS for n, t in enumerate(toks)):
            return False
        named = res.analysis.features & self.resolver.entities.keys()
        docs = self.resolver.docs
        return any(
            docs[k].scope & _MONTH_STEMS and named & docs[k].scope for k in self.article_intents
        )

    def _names_other_edition(self, res: Resolution, years: list[str]) -> bool:
        """ "China Conference 2024" (or "the 2024 China Conference") where the knowledge names
        "China Conference 2025": the year is part of a name, and names another edition, not
        a wrong date of this one."""
        toks = res.analysis.tokens
        for name in self.resolver.dated_names:
            n = len(name)
            for i in range(len(toks)):
                if toks[i] not in years:
                    continue
                if tuple(toks[i + 1 : i + 1 + n]) == name:  # "the 2024 China Conference"
                    return True
                # "China Conference 2024", "… in 2024", "… im Jahr 2024"
                end = i
                while end > i - _EDITION_LINK_WORDS and toks[end - 1] in _EDITION_LINKS:
                    end -= 1
                if end >= n and tuple(toks[end - n : end]) == name:
                    return True
        return False

    def terms(self, question: str, lang: str) -> list[Narrowing]:
        """The restricting terms of a question; asked once per candidate (and by the
        conversation layer of a follow-up's words, once per reading), found once."""
        key = (question, lang)
        found = self._term_cache.get(key)  # threads share it: one lookup, one store
        if found is None:
            if len(self._term_cache) >= TERM_CACHE:
                self._term_cache.clear()
            found = restricting_terms(question, self.resolver.analyzer.knows, lang)
            found = [t for t in found if not self._known_compound(t)]
            if any(t.group in NAMED_ROLES for t in found):  # "the finance director": the CFO
                inside = self.resolver.analyzer.phrase_stems(question)
                found = [t for t in found if t.group not in NAMED_ROLES or set(t.stems) - inside]
            found += self._sized_firms(question, found)
            joined = self.resolver.analyzer.joined_particles(question)
            if joined:  # "Wie setzen sich die Firmen zusammen?" asks no sum
                found = [t for t in found if fold(t.words) not in joined]
            self._term_cache[key] = found
        return list(found)

    def _known_compound(self, term: Narrowing) -> bool:
        """A name no one knows that is a compound of two known words ("im Technologiebereich",
        "im Finanzsektor"): what it is about, not a place or a thing of its own. A name
        written with inner capitals ("DeepSeek") stays one."""
        word = term.words
        if term.group != "entity" or " " in word or any(ch.isupper() for ch in word[1:]):
            return False
        return self._knows(fold(word))

    def _sized_firms(self, question: str, found: list[Narrowing]) -> list[Narrowing]:
        """Firms named by size in words the lexicon does not list but the analyzer reads as
        a size and a firm ("grosse Firme", "kloane Betriebe"): a group, as "große Firmen"."""
        analyze = self.resolver.analyzer.analyze
        if not analyze(question, correct=True).features & self.firm_sizes:
            return []
        listed = {s for t in found for s in t.stems}
        toks = tokens(question)
        firm = self.firm_concepts
        # the size right before the firms, or with the article's setting between ("large HK
        # firms", "große Hongkonger Firmen")
        spans: list[tuple[str, ...]] = list(pairwise(toks))
        spans += [
            (a, b, c)
            for a, b, c in zip(toks, toks[1:], toks[2:], strict=False)
            if (setting := analyze(b, correct=True).features) and setting <= self.background
        ]
        sized = []
        for span in spans:
            size, noun = span[0], span[-1]
            if {stem(size), stem(noun)} & listed:
                continue
            if analyze(size, correct=True).features & self.firm_sizes and firm <= (
                analyze(noun, correct=True).features
            ):
                sized.append(Narrowing("group", (stem(size), stem(noun)), surface(question, span)))
        return sized

    @staticmethod
    def _names_a_time(res: Resolution) -> bool:
        """Whether the question names a month or a year itself."""
        return any(stem(t) in _MONTH_STEMS for t in res.words) or any(
            is_year(n) for n in res.analysis.numbers
        )

    def _knows(self, token: str) -> bool:
        """Known as a word, a typo of one, or a compound of two."""
        analyzer = self.resolver.analyzer
        return analyzer.knows(token) or len(analyzer.split(token)) > 1

    @staticmethod
    def _asks_figure(res: Resolution) -> bool:
        """For a number, a share or a date (not "what does he say about …?")."""
        return bool(
            res.analysis.types & {"quantity", "time"}
            or FIGURE_WORDS & set(res.analysis.tokens)
            or asks_share(res.analysis.tokens)
        )

    def narrowing_of(self, question: str, key: str, res: Resolution) -> list[Narrowing]:
        """`narrowing` for the intent `key`, ranked or not ("which day in 2014?" of the
        intent that states 2014)."""
        return self.narrowing(question, Candidate(key, 0.0, 0.0), res)

    def narrowing(self, question: str, top: Candidate, res: Resolution) -> list[Narrowing]:
        """Restricting terms and named things of the question that `top` does not cover."""
        analyzer = self.resolver.analyzer
        scope = self.resolver.docs[top.key].scope
        found = self.terms(question, res.lang)
        asks_figure = self._asks_figure(res)
        asked = self.resolver.docs[top.key].asked
        # "nicht nur ein Finanzhub?" is no complement of a figure; "keine KI?" with a figure is
        # one, unless the intent's own questions negate too.
        found = [
            t for t in found if t.group != "negation" or (asks_figure and set(t.stems) - asked)
        ]
        # "Wann genau …?" asks when, as exactly as the article says; "the exact date" asks a day
        when_exactly = (
            res.analysis.types == {"time"}
            and not any(t.group == "time" for t in found)
            and _MONTH_STEMS.isdisjoint(map(stem, res.analysis.tokens))  # "genau im November"
        )
        if not self._names_a_time(res):  # "launch date?" asks when; "what date in Nov 2023?"
            found = [t for t in found if t.stems not in _DATE_STEMS]  # asks finer than that
        if has_cue(res.words, "compare"):  # "which came first?" compares, asks no list item
            found = [t for t in found if t.group != "ordinal"]
        if not asks_figure:  # "Who exactly is …?", "what else besides capital?": not narrower
            found = [t for t in found if t.group not in FIGURE_ONLY_GROUPS]
        else:
            seen = {t.stems for t in found}
            found += [
                t
                for t in unknown_after(question, self._knows, GROUP_OPENERS)
                if t.stems not in seen
            ]
            found += self._firms_of_a_clause(question, scope)
            # what a count question counts: of an intent that counts, anything it does not
            # cover (typos read as corrected); of one that gives a share, a word the knowledge
            # does not know ("wie viele Schulen nutzen KI?" of 41 % of the firms)
            kinds = self.figure_kinds.get(top.key, frozenset())
            if kinds & {"count", "percent"}:
                found += [
                    t
                    for t in counted_noun(question)
                    if not analyzer.analyze(t.words, correct=True).features <= scope
                    and ("count" in kinds or not self._knows(tokens(t.words)[0]))
                ]
        if when_exactly or (self.figure_kinds.get(top.key) and top.key not in self.approximate):
            # "the exact percentage" of "41 %": the figure is exact; of "über 200" it is not
            found = [t for t in found if t.group != "precision"]
        if scope & _MONTH_STEMS:  # "publication month?" of an answer dated "November 2023"
            found = [t for t in found if not (t.group == "time" and set(t.stems) <= _MONTH_WORD)]
        negations = [t for t in found if t.group == "negation"]  # judged above, on questions
        terms = negations + [
            t for t in found if t.group != "negation" and not self._covers(top, t, scope)
        ]
        months = scope & _MONTH_STEMS  # an answer dated to the month; stems of the question
        if months and months.intersection(map(stem, res.analysis.tokens)):  # read only then
            # "what date in Nov 2023 …?": the month the answer gives is known to the asker,
            # a day or date within it is finer than the answer
            terms += [
                t
                for t in found
                if t.group == "time" and not set(t.stems) <= _MONTH_WORD and t not in terms
            ]
        if asks_figure and self.figure_kinds.get(top.key) == {"percent"}:
            # "how many AI workers is HK short of?" of 49 % of the firms: a share of firms
            # counts no people, whatever the intent says of them
            terms += counted_people(question)
        if any(t.group == "aggregate" for t in terms) and self._total_of_one(top, res):
            terms = [t for t in terms if not set(t.stems) <= _TOTAL_STEMS]
        if asks_figure:
            terms += self._whole_asked_of_a_part(question, top, res)
        entities = self.resolver.entities
        for feature in sorted(res.analysis.features & entities.keys()):
            if feature not in scope:
                terms.append(Narrowing("entity", (feature,), entities[feature]))
        return terms

    def _firms_of_a_clause(self, question: str, scope: frozenset[str]) -> list[Narrowing]:
        """ "the firms that already use AI" of the share that wants to expand: firms a
        relative clause defines by what the intent does not speak of (another figure of the
        article, as a rule), a group of firms the figure is not of; unless the rest of the
        question asks nothing of the intent's own, and the clause is what it asks."""
        analyze = self.resolver.analyzer.analyze
        aside = self.firm_concepts | self.survey_concepts | self.background | self.share_concepts

        def concepts(text: str) -> set[str]:
            return {f for f in analyze(text, correct=True).features if f.startswith("@")} - aside

        found = []
        for words, clause, rest in firms_defined_by(question):
            if rest and not concepts(rest) & scope:
                continue  # "der Anteil der Unternehmen, die ins Ausland wollen": what it asks
            if concepts(clause) - scope:
                found.append(Narrowing("group", tuple(map(stem, tokens(clause))), words))
        return found

    @cached_property
    def survey_concepts(self) -> frozenset[str]:
        """The concepts of what a survey did to the firms ("surveyed", "befragt"): the firms
        it asked are every figure's, no group of them."""
        return self.resolver.analyzer.analyze(" ".join(SURVEY_WORDS), correct=False).features

    def _whole_asked_of_a_part(
        self, question: str, top: Candidate, res: Resolution
    ) -> list[Narrowing]:
        """ "What % of all surveyed firms are profitable?" of "half of the large companies":
        all firms asked, the one figure the intent states is of a group of them by size,
        and the question names no size, or names it apart from all the firms ("what % of
        all respondents are large and profitable?": a share of all firms, not of the large
        ones). The word for all of them, as a group."""
        words = res.words
        at = next((i for i, t in enumerate(words) if t in WHOLE_WORDS), None)
        if at is None:
            return []
        if res.analysis.features & self.firm_sizes and not self._all_apart_from_size(words, at):
            return []
        if not self.resolver.docs[top.key].groups & self.firm_sizes:
            return []
        if not self._states_one_figure(top.key):
            return []
        # shown with the firms it is of ("all surveyed firms"), when they follow
        end = _surveyed_after(words, at)
        phrase = tuple(words[at : (at if end is None else end) + 1])
        return [Narrowing("group", (stem(words[at]),), surface(question, phrase))]

    def _all_apart_from_size(self, words: tuple[str, ...], at: int) -> bool:
        """Whether the word for all at `at` is "all" itself (no total: "large firms overall"
        asks them all) before the firms of the survey, with no size between ("all surveyed
        firms … large", "all respondents", not "all large firms", nor "sana all")."""
        end = _surveyed_after(words, at)
        if words[at] in TOTAL_WORDS or end is None:
            return False
        whole = " ".join(words[at : end + 1])
        return not self.resolver.analyzer.analyze(whole, correct=True).features & self.firm_sizes

    def _total_of_one(self, top: Candidate, res: Resolution) -> bool:
        """ "how much is RAISe+ in total?", "Wie viele Empfehlungen insgesamt?": the total of
        the one thing the question names, whose intent states one figure, is that figure,
        no sum of several."""
        named = res.analysis.features & self.resolver.entities.keys()
        return len(named) == 1 and self._states_one_figure(top.key)

    def _states_one_figure(self, key: str) -> bool:
        """Whether the intent's answer states one figure (years aside): "half of the large
        companies", "HK$10 billion"."""
        return len({_token(f) for f in self._stated_figures(key) if not f.year}) == 1

    def _covers(self, top: Candidate, term: Narrowing, scope: frozenset[str]) -> bool:
        """Whether `top` covers `term`: its words or their concepts are the intent's. A firm
        size ("large firms") is covered only where the intent names firms of that size:
        "another big issue" says nothing of large firms."""
        # a group as typed ("larg compnies") is the group its words are read as
        typed = term.group == "group"
        concepts = self.resolver.analyzer.analyze(term.words, correct=typed).features
        if term.group == "group" and concepts & self.firm_sizes:
            named = self.resolver.docs[top.key].groups
            known = named | (scope - self.firm_sizes) | self.background  # "big HK firms"
            return not uncovered([term], named) or concepts <= known
        if term.group == "aggregate":  # "in Summe" is no amount the intent states: a sum
            return not uncovered([term], scope)  # is covered only where its words say one
        if term.group == "group":  # "listed cos": the firms are every answer's, "listed" not
            concepts -= self.firm_concepts
        return not uncovered([term], scope) or (bool(concepts) and concepts <= scope)

    @cached_property
    def share_concepts(self) -> frozenset[str]:
        """The concepts of the words that ask for a share ("@percent" of "wie viel Prozent"):
        what a question measures, not what it is about ("half of the large firms" answers
        "what percentage of large firms are profitable?")."""
        analyze = self.resolver.analyzer.analyze
        # one word each: "per cent" read as words is "cent", a hub's centre
        found = (analyze(cue[0], correct=False).features for cue in SHARE_CUES if len(cue) == 1)
        return frozenset(f for features in found for f in features if f[0] == "@")

    @cached_property
    def firm_sizes(self) -> frozenset[str]:
        """The concepts that name firms by size ("@large" of "large companies", "@sme"): what
        the lexicon's groups of firms add to the firm itself."""
        analyze = self.resolver.analyzer.analyze
        firm = self.firm_concepts
        named = [analyze(" ".join(p), correct=False).features for p in RESTRICTORS["group"]]
        return frozenset().union(*(f - firm for f in named if f & firm))

    @cached_property
    def firm_concepts(self) -> frozenset[str]:
        """The concepts of a firm ("@company"), as the analyzer reads "companies"."""
        return self.resolver.analyzer.analyze("companies", correct=False).features

    def _mixed_topics(self, question: str, top: Candidate, res: Resolution) -> Decision | None:
        """ "What share of SMEs use AI?": the best intent (firm sizes) knows the group but not
        the topic; the intent about the topic (AI adoption) explains what the best one
        lacks and does not cover the group. The question narrows that intent: decline."""
        analyze = self.resolver.analyzer.analyze
        groups = [t for t in self.terms(question, res.lang) if t.group == "group"]
        named = frozenset().union(*(analyze(t.words, correct=True).features for t in groups))
        # "what % of the SMEs use AI?": a share asked within a named group; any topic the
        # best intent (the group's share of the sample) lacks is what is asked of the group
        within = bool(groups) and asks_share(res.words)
        lacking = self._lacking_topics(top, res, named, any_weight=within)
        if within or not self._asks_figure(res):  # "was meint der CFO zu Shenzhen?": what
            lacking -= self.resolver.docs[top.key].context  # it says counts; so do "findings"
        if not lacking or self._topic_outweighs(top, res, named, lacking):
            return None
        for other in self.ranked(res)[1:RERANK_DEPTH]:
            doc = self.resolver.docs[other.key]
            if self.intents[other.key].kind != "article" or other.coverage < MIXED_COVERAGE:
                continue
            if not lacking & doc.bag:
                continue  # asked about what the best one lacks, not only mentioning it
            terms = [t for t in self.narrowing(question, other, res) if t.group in MIXED_GROUPS]
            if terms:
                return Decision("narrowed", other, 0.0, _words(terms), _group(terms))
        return None

    def _topic_outweighs(
        self, top: Candidate, res: Resolution, groups: frozenset[str], lacking: set[str]
    ) -> bool:
        """Whether the best intent knows more of the question's topic, beyond the group it
        names, than it lacks ("verdienen die großen Firmen schon was mit KI?": earning, the
        large firms' profitability, outweighs using): then it is no intent that only knows
        the group ("What share of SMEs use AI?" of the firm sizes). Words most intents know
        ("HKPC", "Studie") are no topic of their own."""
        if not groups:
            return False  # "was plant Singapur für seine KI-Strategie?": no group asked of
        bag = self.resolver.docs[top.key].bag
        weight = self.resolver.weight
        aside = groups | self.share_concepts | self.firm_concepts | self.firm_sizes
        common = self.resolver.weight_of_share(COMMON_TOPIC_SHARE)  # "HKPC", "Studie"
        known = [
            f
            for f in res.analysis.features - aside
            if f[0] == "@" and f in bag and weight(f) > common
        ]
        return sum(map(weight, known)) >= sum(map(weight, lacking))

    def _lacking_topics(
        self,
        top: Candidate,
        res: Resolution,
        groups: frozenset[str] = frozenset(),
        *,
        any_weight: bool = False,
    ) -> set[str]:
        """The question's topics the best intent lacks, when they weigh enough to matter:
        the knowledge's concepts ("@profitable"), not a verb it lacks ("spielen"). A group
        the question names (`groups`: "KMU") is what it narrows by, not its topic."""
        bag = self.resolver.docs[top.key].bag
        # "what percentage of large firms …?" of an intent stating a share ("half of …"):
        # the percentage is how the share is asked, not a topic it lacks
        shares = self.share_concepts if bag & self.share_concepts else frozenset()
        weights = {f: self.resolver.weight(f) for f in res.analysis.features - groups}
        total = sum(weights.values()) or 1.0
        # the article's setting ("der Unternehmen in HK") is no topic an intent can lack
        lacking = {
            f
            for f in weights
            if f not in bag and f[0] == "@" and f not in shares and f not in self.background
        }
        if any_weight:
            return lacking
        return lacking if sum(weights[f] for f in lacking) / total >= MIXED_UNEXPLAINED else set()

    def _figure_across_topics(self, top: Candidate, res: Resolution, p: float) -> Decision | None:
        """ "Which % of firms need support with cloud computing?": the best intent states the
        figure (44 % need HPC support) but not a topic the question names (cloud), which only
        one other intent speaks of, and that one does not state what the best one does.
        Neither gives the figure asked: declined, naming the topic."""
        words = res.words
        if not (asks_count(words) or asks_share(words) or "quantity" in res.analysis.types):
            return None
        lacking = self._lacking_topics(top, res)
        if not lacking:
            return None
        bag = self.resolver.docs[top.key].bag
        shared = {f for f in res.analysis.features if f[0] == "@" and f in bag}
        for f in sorted(lacking):
            owners = [k for k in self.article_intents if f in self.resolver.docs[k].bag]
            if len(owners) != 1:
                continue  # a measure many intents share ("share", "survey"), not a topic
            doc = self.resolver.docs[owners[0]]
            if shared - doc.bag - doc.context:
                topic = self._surface(words, {f})
                return Decision("narrowed", top, p, (topic,), "topic") if topic else None
        return None

    def _surface(self, words: tuple[str, ...], concepts: set[str]) -> str:
        """The question's words that name one of `concepts` ("cloud computing")."""
        analyze = self.resolver.analyzer.analyze
        for n in (2, 1):
            for i in range(len(words) - n + 1):
                if STOPWORDS.intersection(words[i : i + n]):
                    continue
                span = " ".join(words[i : i + n])
                if analyze(span, correct=False).features & concepts:
                    return span
        return ""


def figure_kind(figure: Figure) -> str:
    """ "year", "money", "percent" or "count"; a fraction ("half") is a share, as a
    percentage is."""
    if figure.year:
        return "year"
    if figure.scaled and figure.value >= figure.raw * MONEY_SCALE:
        return "money"  # "HK$3 Mrd.", "10 billion"; "200 thousand" firms are a count
    return "percent" if figure.percent or 0 < figure.raw < 1 else "count"


def _token(figure: Figure) -> str:
    """The figure's number as the analyzer's tokens write it ("60", "3", "2019")."""
    raw = figure.raw
    return str(int(raw)) if raw == int(raw) else str(raw)


def _phrases_at(
    toks: tuple[str, ...] | list[str], phrases: Iterable[tuple[str, ...]]
) -> Iterator[tuple[int, int]]:
    """(start, end) of every occurrence of one of `phrases` in `toks`, phrase by phrase (a
    phrase whose first word the tokens lack is not looked for: most are not there)."""
    present = set(toks)
    for phrase in phrases:
        if phrase[0] not in present:
            continue
        n = len(phrase)
        for i in range(len(toks) - n + 1):
            if tuple(toks[i : i + n]) == phrase:
                yield i, i + n


def _counts(word: str) -> bool:
    """A count written in digits or words ("9", "neun"); not a year."""
    return (is_number(word) and not is_year(word)) or word in NUMBER_WORDS


def asks_reverse(res: Resolution) -> bool:
    """A reverse cue ("was bedeutet …?") as typed, or as the words read once a slip is
    corrected ("was bedeuted die 44 Prozent?")."""
    return has_cue(res.words, "reverse") or has_cue(res.analysis.tokens, "reverse")


def asks_count(toks: tuple[str, ...] | list[str]) -> bool:
    """ "how many firms …", not "how many percent …" or "wie viele Milliarden …"."""
    for _, end in _phrases_at(toks, COUNT_CUES):
        return not COUNT_UNITS & set(toks[end : end + 2])
    return False


def counted_words(text: str) -> list[str]:
    """The words right after a count in `text` ("nine recommendations" → "recommendations")."""
    return [
        b
        for a, b in pairwise(tokens(text))
        if _counts(a) and b.isalpha() and b not in STOPWORDS and b not in COUNT_UNITS
    ]


def counted_noun(question: str) -> list[Narrowing]:
    """What a count question counts ("wie viele Beschäftigte …" → "Beschäftigte"): the
    first word after the cue that is no function word nor number. An intent that counts
    other things ("over 200 AI firms") does not answer it."""
    toks = tokens(question)
    for _, end in _phrases_at(toks, COUNT_CUES):
        word = next((t for t in toks[end : end + 3] if t not in STOPWORDS), None)
        if word is None or is_number(word) or word in COUNT_UNITS or word in NUMBER_WORDS:
            return []
        return [Narrowing("measure", (stem(word),), surface(question, (word,)))]
    return []


def counted_people(question: str) -> list[Narrowing]:
    """People a count question counts ("how many AI workers …", "wie viele Mitarbeiter"): a
    share of firms does not count them."""
    toks = tokens(question)
    for _, end in _phrases_at(toks, COUNT_CUES):
        counted = toks[end : end + _COUNTED_REACH]
        people = [t for t in counted if t in HEADCOUNT_NOUNS]
        if people and not FIRM_NOUNS.intersection(counted):
            return [Narrowing("measure", (stem(people[0]),), surface(question, (people[0],)))]
    return []


def _starts(toks: tuple[str, ...] | list[str], phrases: frozenset[tuple[str, ...]]) -> set[int]:
    return {i for i, _ in _phrases_at(toks, phrases)}


def asks_amount(toks: tuple[str, ...] | list[str]) -> bool:
    """ "how much capital …", "wie viel Geld …"."""
    return any(True for _ in _phrases_at(toks, AMOUNT_CUES))


def parts_asked_of(words: tuple[str, ...] | list[str]) -> list[str]:
    """The figures a question asks a part of: those after a partitive in a question for a
    count, a share or which ones ("how many of the 200 …", "Which of the 200 firms …")."""
    which = bool(words) and words[0] in WHICH - {"what"} and 1 in _starts(words, PARTITIVES)
    if not (asks_count(words) or asks_share(words) or which):
        return []
    return [words[end] for _, end in _phrases_at(words, PARTITIVES) if end < len(words)]


def asks_share(toks: tuple[str, ...] | list[str]) -> bool:
    """ "wie viel Prozent …", "what share of …", "die KI-Nutzungsquote": a share cue not
    stated with a number before it ("grew by 100 %" states a figure, it does not ask one),
    or a compound ending in one."""
    if any(t.endswith(SHARE_HEADS) and t not in SHARE_HEADS for t in toks):
        return True
    return any(not (i and is_number(toks[i - 1])) for i, _ in _phrases_at(toks, SHARE_CUES))


def _surveyed_after(words: tuple[str, ...], at: int) -> int | None:
    """Where the firms of the survey stand that the word for all at `at` is of ("all
    surveyed firms", "aller Befragten"), if they follow it closely."""
    reach = range(at, min(len(words), at + _COUNTED_REACH + 2))
    return next((j for j in reach if words[j] in SURVEYED_NOUNS), None)


def _content_words(toks: tuple[str, ...] | list[str]) -> frozenset[str]:
    return frozenset(t for t in toks if t not in STOPWORDS)


def _group(terms: list[Narrowing]) -> str:
    """ "aggregate" when any term asks for a sum or difference, else the first term's group."""
    groups = [t.group for t in terms]
    return "aggregate" if "aggregate" in groups else groups[0]


def _words(terms: list[Narrowing]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.words for t in terms))


def _puts_up_a_claim(words: tuple[str, ...]) -> bool:
    """ "…, right?", "Stimmt das?", "…, oder?", "… 2016 yeah?": a claim put up for checking."""
    return has_cue(words, "claim") or (bool(words) and words[-1] in CLAIM_TAGS)


def _scaled_amounts(question: str) -> dict[str, str]:
    """The question's amounts with a scale, by their number as the tokens read it: "5000
    million" → {"5": "5000 million"}, "HK$5 billion" → {"5": "5 billion"}. An amount is a
    figure to check however few its digits."""
    found: dict[str, str] = {}
    for figure in figures(question):
        if figure.scaled and not figure.percent:
            number = next((t for t in tokens(figure.text) if is_number(t)), None)
            if number is not None:
                found.setdefault(number, figure.text)
    return found


def _significant(number: str) -> bool:
    try:
        return float(number) >= 10
    except ValueError:
        return False


def _years_only(numbers: list[str]) -> bool:
    return all(map(is_year, numbers))


def _cue_words(question: str, name: str) -> tuple[str, ...]:
    """The words of the question that make the `name` cue, as written ("Wie alt")."""
    toks = tokens(question)
    spans = sorted(_phrases_at(toks, CUES[name]), key=lambda span: (span[0], -span[1]))
    return (surface(question, tuple(toks[spans[0][0] : spans[0][1]])),) if spans else ()


def _first_sentence(text: str) -> str:
    return next(iter(sentences(text)), "")
