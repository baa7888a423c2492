"""Shortcuts inside a resolver pass give what the long way gives (bot/policy.py, bot/resolver.py).

A follow-up read several ways makes several passes: each is kept cheap by skipping work whose
result is known in advance (a cue whose first word is absent, a variant sharing no feature).
"""

from __future__ import annotations

from bot.policy import _phrases_at
from bot.service import QABot
from bot.text import tokens


def _every_occurrence(toks: list[str], phrases: list[tuple[str, ...]]) -> list[tuple[int, int]]:
    """The long way: every phrase tried at every position, phrase by phrase."""
    return [
        (i, i + len(p))
        for p in phrases
        for i in range(len(toks) - len(p) + 1)
        if tuple(toks[i : i + len(p)]) == p
    ]


def test_phrases_are_found_phrase_by_phrase_at_every_occurrence() -> None:
    toks = tokens("how many of the firms and how many of them are SMEs, how much")
    phrases = [("how", "much"), ("wie", "viele"), ("how", "many"), ("of", "them"), ("them",)]
    found = list(_phrases_at(toks, phrases))
    assert found == _every_occurrence(toks, phrases)
    assert found[0] == (12, 14)  # the first phrase's hits first, though it stands last


def test_a_phrase_whose_first_word_is_absent_is_not_found() -> None:
    toks = tokens("what share of firms")
    assert list(_phrases_at(toks, [("wie", "viel", "prozent"), ("share", "of", "revenue")])) == []
    assert list(_phrases_at([], [("share",)])) == []


def test_signals_match_the_features_the_intent_knows(qabot: QABot) -> None:
    """F1 over the variants sharing a feature, and the weight share of the question's features
    neither the questions nor the answer of the intent know, as computed in full."""
    resolver = qabot.store.current.resolver
    analysis = resolver.analyzer.analyze("wie viele KMU nutzen KI in Shenzhen?", correct=True)
    weights = {f: resolver.weight(f) for f in analysis.features}
    total = sum(weights.values())
    for doc in list(resolver.docs.values())[:20]:
        match = resolver._signals(doc, 0.5, analysis, weights)
        known = doc.bag | doc.context
        assert match.unexplained == sum(w for f, w in weights.items() if f not in known) / total
        f1s = [0.0]
        for variant, v_total in zip(doc.variants, doc.variant_totals, strict=True):
            if shared := analysis.features & variant:
                overlap = sum(map(weights.__getitem__, shared))
                p, r = overlap / total, overlap / v_total
                f1s.append(2 * p * r / (p + r))
        assert match.f1 == max(f1s)
