"""Conversation cost: does a follow-up cost more than a question?

Plays every blind-written conversation of eval/conversations/ through the chat
layer (`bot.chat.ChatService`, the path Slack and Discord take, on the in-process
shared state) and times each turn, with the per-text caches emptied before each
one as in real use. Prints p50/p99 per turn for first questions and for
follow-ups, the same follow-up texts asked on their own (no context), and how
many resolver calls a turn makes. Not a test: run it by hand
(`.venv/bin/python benchmarks/bench_conversations.py [--rounds 3]`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from benchmarks.bench_resolver import forget_texts  # noqa: E402
from bot.answer import Answer  # noqa: E402
from bot.asker import Asker  # noqa: E402
from bot.chat import ChatService, Incoming  # noqa: E402
from bot.service import QABot  # noqa: E402
from bot.settings import Settings  # noqa: E402

ASKER = Asker("slack", "UBENCH")


def conversations() -> list[list[str]]:
    """The turns of every blind-written conversation."""
    out = []
    for path in sorted((ROOT / "eval" / "conversations").glob("*.yaml")):
        for conv in yaml.safe_load(path.read_text(encoding="utf-8")):
            out.append([turn["q"] for turn in conv["turns"]])
    return out


class CountingBot(QABot):
    """The real core, counting the resolver calls (`resolve`) a turn makes."""

    calls = 0

    def resolve(self, text: str, lang: str | None = None) -> Answer:
        CountingBot.calls += 1
        return super().resolve(text, lang)


def timed(fn) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """(milliseconds, resolver calls) of one call of `fn`."""
    CountingBot.calls = 0
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000, CountingBot.calls


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    settings = Settings(knowledge_dir=ROOT / "knowledge", rate_limit={"enabled": False})
    bot = CountingBot.from_settings(settings)
    chat = ChatService(bot, settings)
    snap = bot.store.current
    rows: dict[str, list[tuple[float, int]]] = {"question": [], "follow-up": [], "alone": []}
    for n in range(args.rounds):
        for i, turns in enumerate(conversations()):
            for k, text in enumerate(turns):
                forget_texts(snap)
                message = Incoming(ASKER, f"bench-{n}-{i}", text, addressed=True)
                rows["question" if k == 0 else "follow-up"].append(
                    timed(lambda m=message: chat.answer(m))
                )
                if k:
                    forget_texts(snap)
                    rows["alone"].append(timed(lambda t=text: bot.ask(t, platform="slack")))
    labels = {
        "question": "first question, in a conversation",
        "follow-up": "follow-up, in its conversation",
        "alone": "the same follow-up, asked alone",
    }
    print(f"{'turn':<36}{'turns':>7}{'p50 ms':>8}{'p99 ms':>8}{'mean ms':>9}{'calls/turn':>11}")
    for key, label in labels.items():
        ms = sorted(t for t, _ in rows[key])
        calls = statistics.mean(c for _, c in rows[key])
        print(
            f"{label:<36}{len(ms):>7}{statistics.median(ms):>8.2f}"
            f"{ms[int(len(ms) * 0.99) - 1]:>8.2f}{statistics.mean(ms):>9.2f}{calls:>11.2f}"
        )


if __name__ == "__main__":
    main()
