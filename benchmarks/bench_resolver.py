"""Resolver speed: per-question latency on the shipped knowledge and on large realistic bases.

Prints a table: knowledge size, load + index time, p50/p99 latency per
question set, peak RSS; and the cold start of `qabot ask`. The question sets
(benchmarks/synthetic.py): the frozen blind questions, the same with typos,
questions of function words only (compared with every variant), and the
generated intents' own kinds ('How big is X', 'Was sagt der Artikel zu X');
on the shipped knowledge also its stored variants. The large bases are built
from the article's own words (benchmarks/synthetic.py), so common words stand
in most intents. Not a test: run it by hand
(`.venv/bin/python benchmarks/bench_resolver.py [--sizes 1000 10000 100000]`).
"""

from __future__ import annotations

import argparse
import math
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import question_mix, realistic_kb  # noqa: E402

from bot import text  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.snapshot import Snapshot  # noqa: E402


def shipped_questions() -> list[str]:
    kb = load_knowledge(ROOT / "knowledge")
    qs = [q for i in kb.intents for q in (*i.questions.de, *i.questions.en)]
    # sloppy versions too: lower case, a dropped letter
    return qs + [q.lower()[:-3] for q in qs]


def measure(root: Path, sets: dict[str, list[str]]) -> list[dict[str, float | str]]:
    """One row per question set: load and index time, p50/p99 per question (each new to
    the per-text caches, as in real use), peak RSS."""
    settings = Settings(knowledge_dir=root)
    start = time.perf_counter()
    kb = load_knowledge(root)
    loaded = time.perf_counter()
    snap = Snapshot(kb, settings)
    indexed = time.perf_counter()
    rows: list[dict[str, float | str]] = []
    for name, questions in sets.items():
        timings = []
        for q in questions:
            forget_texts(snap)
            t = time.perf_counter()
            snap.answer(q)
            timings.append((time.perf_counter() - t) * 1000)
        timings.sort()
        rows.append(
            {
                "questions": f"{name} ({len(timings)})",
                "variants": kb.variant_count,
                "load_s": loaded - start,
                "index_s": indexed - loaded,
                "p50_ms": statistics.median(timings),
                "p99_ms": timings[max(0, math.ceil(len(timings) * 0.99) - 1)],
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    return rows


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
    shipped = {"variants": shipped_questions(), **question_mix([])}
    rows = [("shipped", r) for r in measure(ROOT / "knowledge", shipped)]
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "knowledge"
            generated = realistic_kb(root, size)
            rows += [(f"{size:,}", r) for r in measure(root, question_mix(generated))]
    print("| knowledge | variants | questions | load s | index s | p50 ms | p99 ms | peak RSS MB |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for name, r in rows:
        print(
            f"| {name} | {r['variants']:,} | {r['questions']} | {r['load_s']:.2f} | "
            f"{r['index_s']:.2f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['rss_mb']:.0f} |"
        )
    print(f"\nqabot ask cold start (median of 5): {cold_start():.2f} s")


if __name__ == "__main__":
    main()
