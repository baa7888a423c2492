"""The pruned ranking equals a walk over every posting list, on a base of common words."""

from __future__ import annotations

import random
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from bot.coverage import CONTEXT_CREDIT, SHORTLIST, best_coverage, top
from bot.knowledge import load_knowledge
from bot.resolver import GUESS_CREDIT, Resolver

ROOT = Path(__file__).resolve().parents[2]
COMMON = ["Hongkong", "Unternehmen", "KI", "Studie", "Firmen", "Regierung", "Kapital", "Zentrum"]
QUOTE = "Die erfolgreiche Gründung von SenseTime im Jahr 2014"


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Resolver:
    """The shipped knowledge plus 900 intents made of a few common words (long posting lists,
    many ties) and one rare word each."""
    root = tmp_path_factory.mktemp("kb") / "knowledge"
    shutil.copytree(ROOT / "knowledge", root)
    rng = random.Random(5)
    lines = ["intents:"]
    for n in range(900):
        words = rng.sample(COMMON, 3)
        rare = f"zorb{n:03d}quax"
        lines += [
            f"  - id: crowd.i{n}",
            "    questions:",
            f'      de: ["Wie steht es um {words[0]} und {words[1]} bei {rare}?"]',
            f'      en: ["{words[2]} {rare} {words[0]}"]',
            f'    answer: {{de: "{words[2]} {n}.", en: "{words[1]} {n}."}}',
            f'    cite: [{{source: article, locator: "§4", quote: "{QUOTE}"}}]',
        ]
    (root / "qa" / "crowd.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Resolver(load_knowledge(root), "de")


def _every_posting(resolver: Resolver, question: str) -> list[tuple[str, float]]:
    """The ranking as a walk over every posting list and a sort of all candidates gives it."""
    analysis = resolver.analyzer.analyze(question, correct=True)
    coverage: dict[str, float] = defaultdict(float)
    for f in analysis.features:
        credit = resolver.weight(f) * (GUESS_CREDIT if f in analysis.guessed else 1.0)
        for key, doc in resolver.docs.items():
            if f in doc.bag:
                coverage[key] += credit
            elif f in doc.context:
                coverage[key] += credit * CONTEXT_CREDIT
    return sorted(coverage.items(), key=lambda kv: (-kv[1], kv[0]))[:SHORTLIST]


@pytest.mark.parametrize(
    "question",
    [
        "Hongkong",  # one word in most intents: hundreds tie
        "Was sagt der Artikel zu Unternehmen und KI in Hongkong?",
        "Wie steht es um Kapital bei zorb042quax?",  # a rare word and common ones
        "zorb007quax zorb008quax Regierung",
        "Firmen Studie Zentrum Kapital Regierung KI",
        "Wie viele Unternehmen nutzen KI?",
        "hongkng unternemen",  # typos: guessed features weigh less
        "Wer ist der CFO von SenseTime?",
    ],
)
def test_pruned_ranking_equals_the_full_walk(crowded: Resolver, question: str) -> None:
    analysis = crowded.analyzer.analyze(question, correct=True)
    credits = [
        (f, crowded.weight(f) * (GUESS_CREDIT if f in analysis.guessed else 1.0))
        for f in analysis.features
    ]
    pruned = top(best_coverage(credits, crowded.docs, crowded._postings), SHORTLIST)
    assert pruned == _every_posting(crowded, question)
