"""Resolver speed: per-question latency on the shipped and synthetic knowledge bases.

Prints a table: knowledge size, load + index time, p50/p99 latency per
question, peak RSS; and the cold start of `qabot ask`. On the shipped
knowledge the questions are the blind-written ones of eval/ (frozen and
tuning writers: long messages, several parts, typos), and, for comparison,
the stored variants. Not a test: run it by hand
(`.venv/bin/python benchmarks/bench_resolver.py [--sizes 1000 10000 100000]`).
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import text  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.snapshot import Snapshot  # noqa: E402

QUOTE = "Die erfolgreiche Gründung von SenseTime im Jahr 2014"
TEMPLATES_DE = ["Wie hoch ist {a} {b}?", "Was sagt der Artikel über {a} und {c}?", "{a} {b} {c}"]
TEMPLATES_EN = ["How big is the {a} {b}?", "What about {a} and {c}?", "{b} {c} {a}?"]


def pseudo_words(rng: random.Random, n: int) -> list[str]:
    syllables = [
        "ka",
        "lo",
        "mi",
        "ter",
        "zan",
        "quo",
        "ri",
        "fel",
        "dun",
        "sa",
        "ven",
        "tor",
        "bem",
        "gli",
        "nor",
        "pu",
        "rex",
        "wa",
        "yol",
        "xi",
    ]  # 20^2..20^4 words
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def synthetic_kb(dest: Path, variants: int, seed: int = 7) -> list[str]:
    """A knowledge dir of `variants` question variants (10 an intent); returns questions."""
    rng = random.Random(seed)
    shutil.copytree(ROOT / "knowledge" / "sources", dest / "sources")
    shutil.copy(ROOT / "knowledge" / "sources.yaml", dest / "sources.yaml")
    shutil.copy(ROOT / "knowledge" / "facts.yaml", dest / "facts.yaml")
    (dest / "qa").mkdir()
    words = pseudo_words(rng, max(500, variants // 4))
    common, rare = words[:50], words[50:]
    rng.shuffle(rare)  # each intent gets two rare words of its own
    questions: list[str] = []
    lines = ["intents:"]
    for n in range(variants // 10):
        # a and b are rare; c comes from a small pool of common words, so some
        # words of every question have long posting lists, as in real knowledge.
        a, b = rare[2 * n], rare[2 * n + 1]
        c = rng.choice(common)
        de = [t.format(a=a, b=b, c=c) + f" {k}" for k, t in enumerate(TEMPLATES_DE * 2)][:5]
        en = [t.format(a=a, b=b, c=c) + f" {k}" for k, t in enumerate(TEMPLATES_EN * 2)][:5]
        questions.append(f"wie hoch ist {a} {b} und {c}")
        lines += [
            f"  - id: syn.i{n}",
            "    questions:",
            "      de: [" + ", ".join(f'"{q}"' for q in de) + "]",
            "      en: [" + ", ".join(f'"{q}"' for q in en) + "]",
            f'    answer: {{de: "Antwort {n}.", en: "Answer {n}."}}',
            f'    cite: [{{source: article, locator: "§4", quote: "{QUOTE}"}}]',
        ]
    (dest / "qa" / "synthetic.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return questions


def blind_questions(split: str) -> list[str]:
    """The questions of one split of the blind corpus (eval/writers.yaml)."""
    import yaml

    writers = yaml.safe_load((ROOT / "eval" / "writers.yaml").read_text(encoding="utf-8"))
    out = []
    for writer in writers[split]:
        path = ROOT / "eval" / "questions" / f"{writer}.yaml"
        out += [item["q"] for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return out


def shipped_questions() -> list[str]:
    kb = load_knowledge(ROOT / "knowledge")
    qs = [q for i in kb.intents for q in (*i.questions.de, *i.questions.en)]
    # sloppy versions too: lower case, a dropped letter
    return qs + [q.lower()[:-3] for q in qs]


def measure(root: Path, questions: list[str], rounds: int = 2000) -> dict[str, float]:
    settings = Settings(knowledge_dir=root)
    start = time.perf_counter()
    kb = load_knowledge(root)
    loaded = time.perf_counter()
    snap = Snapshot(kb, settings)
    indexed = time.perf_counter()
    rng = random.Random(1)
    sample = [rng.choice(questions) for _ in range(rounds)]
    timings = []
    for q in sample:
        forget_texts(snap)  # each question is new to the text caches, as in real use
        t = time.perf_counter()
        snap.answer(q)
        timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    return {
        "variants": kb.variant_count,
        "load_s": loaded - start,
        "index_s": indexed - loaded,
        "p50_ms": statistics.median(timings),
        "p99_ms": timings[int(len(timings) * 0.99) - 1],
        "qps": len(timings) / (sum(timings) / 1000),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def forget_texts(snap: Snapshot) -> None:
    """Empty the per-text caches (folding, tokens, restricting terms); word caches stay."""
    text.fold.cache_clear()
    text._tokens.cache_clear()
    snap.policy._term_cache.clear()


def cold_start(runs: int = 5) -> float:
    exe = ROOT / ".venv" / "bin" / "qabot"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "bot.cli"]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([*cmd, "ask", "--json", "hpc"], capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    args = ap.parse_args()
    rows = [
        ("shipped, frozen", measure(ROOT / "knowledge", blind_questions("frozen"))),
        ("shipped, tuning", measure(ROOT / "knowledge", blind_questions("tuning"))),
        ("shipped, variants", measure(ROOT / "knowledge", shipped_questions())),
    ]
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            qs = synthetic_kb(Path(tmp), size)
            rows.append((f"synthetic {size}", measure(Path(tmp), qs, rounds=500)))
    print(
        f"{'knowledge':<20}{'variants':>9}{'load s':>8}{'index s':>8}{'p50 ms':>8}"
        f"{'p99 ms':>8}{'q/s':>8}{'peak RSS MB':>12}"
    )
    for name, r in rows:
        print(
            f"{name:<20}{r['variants']:>9}{r['load_s']:>8.2f}{r['index_s']:>8.2f}"
            f"{r['p50_ms']:>8.2f}{r['p99_ms']:>8.2f}{r['qps']:>8.0f}{r['rss_mb']:>12.0f}"
        )
    print(f"\nqabot ask cold start (median of 5): {cold_start():.2f} s")


if __name__ == "__main__":
    main()
