"""`/kb unanswered` on a large log: seconds to group and triage N records.

The log is made of what people ask (the frozen blind questions, half of them
with typos of their own, as abstentions, unsure answers and clicks), written
through the real UnansweredLog. Prints records, distinct questions,
groups shown and seconds. Not a test: run it by hand
(`.venv/bin/python benchmarks/bench_unanswered.py [--records 5000 20000]`).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import frozen_blind_questions, with_typos  # noqa: E402

from bot.service import QABot  # noqa: E402
from bot.settings import Settings  # noqa: E402

KINDS = ("abstain", "abstain", "low_confidence", "click")


def fill(bot: QABot, n: int, seed: int = 11) -> int:
    """Write `n` records; returns how many distinct questions they hold."""
    rng = random.Random(seed)
    blind = frozen_blind_questions()
    asked = set()
    for _ in range(n):
        q = rng.choice(blind)
        if rng.random() < 0.5:  # half of them with typos of their own: many distinct questions
            q = with_typos([q], seed=rng.randrange(1 << 30))[0]
        asked.add(q)
        kind = rng.choice(KINDS)
        guess = rng.choice(("hkpc.recruiting", "hkstp.ai_companies", None))
        bot.unanswered.write({"kind": kind, "platform": "slack", "question": q, "guess": guess})
    return len(asked)


def measure(n: int) -> tuple[int, int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            knowledge_dir=ROOT / "knowledge",
            unanswered={"path": Path(tmp) / "unanswered.jsonl", "max_bytes": 1_000_000_000},
        )
        bot = QABot.from_settings(settings)
        distinct = fill(bot, n)
        start = time.perf_counter()
        groups = bot.unanswered_groups()
        return distinct, len(groups), time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, nargs="*", default=[5000, 20000])
    args = ap.parse_args()
    print("| records | distinct questions | groups shown | seconds |")
    print("|---:|---:|---:|---:|")
    for n in args.records:
        distinct, groups, seconds = measure(n)
        print(f"| {n:,} | {distinct:,} | {groups} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
