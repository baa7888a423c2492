"""Resolver speed: per-question latency on the shipped knowledge and on large realistic bases.

Prints a table: knowledge size, p50/p99 latency per question set (on the
knowledge loaded as the bot loads it), peak RSS; the start-up of `qabot ask` to
its first answer on each large base, with an empty and with a filled
compiled-index cache; and the cold start of `qabot ask` on the shipped knowledge. The question sets
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
import os
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

from bot import conversation, reading, text  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.snapshot import Snapshot  # noqa: E402
from bot.store import KnowledgeStore  # noqa: E402


def shipped_questions() -> list[str]:
    kb = load_knowledge(ROOT / "knowledge")
    qs = [q for i in kb.intents for q in (*i.questions.de, *i.questions.en)]
    # sloppy versions too: lower case, a dropped letter
    return qs + [q.lower()[:-3] for q in qs]


def measure(root: Path, sets: dict[str, list[str]], cache: Path) -> list[dict[str, float | str]]:
    """One row per question set: p50/p99 per question (each new to the per-text caches, as
    in real use) and peak RSS, on the knowledge loaded as the bot loads it (the store: the
    compiled-index cache in `cache`, the collector's view frozen)."""
    store = KnowledgeStore.open(root, Settings(knowledge_dir=root, index_cache_dir=cache))
    snap = store.current
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
                "variants": snap.kb.variant_count,
                "p50_ms": statistics.median(timings),
                "p99_ms": timings[max(0, math.ceil(len(timings) * 0.99) - 1)],
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    return rows


def start_up(root: Path, cache: Path) -> tuple[float, float]:
    """Seconds from starting `qabot ask` to its answer: with an empty compiled-index cache,
    and then with it filled (median of 3)."""
    env = {**os.environ, "QABOT_INDEX_CACHE_DIR": str(cache)}
    cmd = [*_qabot(), "ask", "--json", "--kb", str(root), "Wie viele Firmen finden kein Personal?"]

    def once() -> float:
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT, env=env)
        return time.perf_counter() - t

    cold = once()
    return cold, statistics.median(once() for _ in range(3))


def _qabot() -> list[str]:
    exe = ROOT / ".venv" / "bin" / "qabot"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "bot.cli"]


def forget_texts(snap: Snapshot) -> None:
    """Empty the per-text caches (folding, tokens, readings, openers taken off, restricting
    terms, analyses, rankings); word caches (the tokens, stems and analyses of single words,
    corrections, splits, number words) stay, as in real use."""
    text.fold.cache_clear()
    text._tokens.cache_clear()
    reading.read.cache_clear()
    conversation.strip_opener.cache_clear()
    snap.policy._term_cache.clear()
    snap.resolver.forget_texts()


def cold_start(runs: int = 5) -> float:
    """`qabot ask` on the shipped knowledge, as people run it (the project's cache)."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(
            [*_qabot(), "ask", "--json", "hpc"], capture_output=True, check=True, cwd=ROOT
        )
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    args = ap.parse_args()
    shipped = {"variants": shipped_questions(), **question_mix([])}
    rows, starts = [], []
    with tempfile.TemporaryDirectory() as tmp:
        rows += [("shipped", r) for r in measure(ROOT / "knowledge", shipped, Path(tmp))]
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root, cache = Path(tmp) / "knowledge", Path(tmp) / "cache"
            generated = realistic_kb(root, size)
            starts.append((size, *start_up(root, cache)))
            rows += [(f"{size:,}", r) for r in measure(root, question_mix(generated), cache)]
    print("| knowledge | variants | questions | p50 ms | p99 ms | peak RSS MB |")
    print("|---|---:|---|---:|---:|---:|")
    for name, r in rows:
        print(
            f"| {name} | {r['variants']:,} | {r['questions']} | {r['p50_ms']:.2f} | "
            f"{r['p99_ms']:.2f} | {r['rss_mb']:.0f} |"
        )
    print("\n| variants | start-up to first answer, empty cache s | with the cache s |")
    print("|---:|---:|---:|")
    for size, cold, warm in starts:
        print(f"| {size:,} | {cold:.2f} | {warm:.2f} |")
    print(f"\nqabot ask cold start, shipped knowledge (median of 5): {cold_start():.2f} s")


if __name__ == "__main__":
    main()
