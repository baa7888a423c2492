"""Conversation cost: does a follow-up cost more than a question?

Plays every blind-written conversation of eval/conversations/ through the chat
layer (`bot.chat.ChatService`, the path Slack and Discord take, on the in-process
shared state) and times each turn, with the per-text caches emptied before each
one as in real use. One round warms the word caches untimed; then `--rounds`
rounds of the same conversations, in the same order, are timed, first questions
and follow-ups interleaved as they come (a busy moment of the machine falls on
both). Prints p50/p90/p99 per turn side by side for first questions, follow-ups,
and the same follow-up texts asked on their own (no context), how many resolver
calls a turn makes, and the follow-up's cost relative to a question's and to the same
text asked alone (each follow-up's text is also sent as the first message of a
conversation of its own, through the same chat layer, its caches emptied as well); then the
follow-ups by the resolver calls they made (0: the source, another language or
more, answered from the kept context; 2 and more: read with the last question in
several ways, each reading resolved as a question is): where the tail is. Each row
also splits its mean time into the resolver calls and the rest, the conversation
layer's own work (reading the message, the context, the checks). Not a
test: run it by hand (`.venv/bin/python benchmarks/bench_conversations.py
[--rounds 5] [--cpu] [--redis URL]`); the machine's load moves the tail, so compare
several runs. With `--redis` each turn reads and writes its conversation over the network,
serialised, as replicas do (and the unanswered log goes to Redis too).
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
    """The real core, counting the resolver calls (`resolve`) a turn makes and the time
    spent in them (on `clock`): the rest of a turn is the conversation layer's own."""

    calls = 0
    resolving = 0.0
    clock = staticmethod(time.perf_counter)

    def resolve(self, text: str, lang: str | None = None) -> Answer:
        CountingBot.calls += 1
        start = CountingBot.clock()
        try:
            return super().resolve(text, lang)
        finally:
            CountingBot.resolving += CountingBot.clock() - start


def percentile(ms: list[float], share: float) -> float:
    """The value below which `share` of the sorted `ms` lie (nearest rank)."""
    return ms[min(len(ms) - 1, max(0, round(share * len(ms)) - 1))]


Took = tuple[float, int, float]  # milliseconds, resolver calls, milliseconds in them


def timed(fn) -> Took:  # type: ignore[no-untyped-def]
    """(milliseconds, resolver calls, milliseconds in resolver calls) of one call of `fn`."""
    CountingBot.calls = 0
    CountingBot.resolving = 0.0
    start = CountingBot.clock()
    fn()
    return (CountingBot.clock() - start) * 1000, CountingBot.calls, CountingBot.resolving * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=5, help="timed rounds, after one warm-up")
    ap.add_argument(
        "--cpu",
        action="store_true",
        help="this thread's CPU time, not wall time: the waits of a busy machine left out",
    )
    ap.add_argument(
        "--redis",
        metavar="URL",
        help="keep the conversations in this Redis (an empty database: FLUSHDB first), as "
        "replicas do, not in the process",
    )
    args = ap.parse_args()
    CountingBot.clock = staticmethod(time.thread_time if args.cpu else time.perf_counter)
    settings = Settings(
        knowledge_dir=ROOT / "knowledge", rate_limit={"enabled": False}, redis_url=args.redis
    )
    bot = CountingBot.from_settings(settings)
    report(play(ChatService(bot, settings), conversations(), args.rounds))


def play(chat: ChatService, convs: list[list[str]], rounds: int) -> dict[str, list[Took]]:
    """Each turn of `convs` timed through `chat`, `rounds` times after one untimed round
    (which warms the word caches: corrections, splits), the per-text caches emptied before
    each turn. Each follow-up's text is then sent again, as the first message of a
    conversation of its own, through the same layer: the same text asked alone."""
    snap = chat.bot.store.current
    rows: dict[str, list[Took]] = {"question": [], "follow-up": [], "alone": []}
    for n in range(rounds + 1):
        timed_round = n > 0
        for i, turns in enumerate(convs):
            for k, text in enumerate(turns):
                forget_texts(snap)
                message = Incoming(ASKER, f"bench-{n}-{i}", text, addressed=True)
                took = timed(lambda m=message: chat.answer(m))
                if timed_round:
                    rows["question" if k == 0 else "follow-up"].append(took)
                if k:
                    forget_texts(snap)
                    alone = Incoming(ASKER, f"bench-{n}-{i}-{k}-alone", text, addressed=True)
                    took = timed(lambda m=alone: chat.answer(m))
                    if timed_round:
                        rows["alone"].append(took)
    return rows


def report(rows: dict[str, list[Took]]) -> None:
    """The percentiles per kind of turn, the ratios, and the follow-ups by resolver calls,
    each with its mean time in resolver calls and in the conversation layer's own work."""
    labels = {
        "question": "first question, in a conversation",
        "follow-up": "follow-up, in its conversation",
        "alone": "the same follow-up, asked alone",
    }
    print(
        f"{'turn':<36}{'turns':>7}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}{'mean ms':>9}"
        f"{'calls/turn':>11}{'resolver µs':>12}{'layer µs':>9}"
    )
    for key, label in labels.items():
        ms = sorted(t for t, _, _ in rows[key])
        print(
            f"{label:<36}{len(ms):>7}{percentile(ms, 0.5):>8.2f}{percentile(ms, 0.9):>8.2f}"
            f"{percentile(ms, 0.99):>8.2f}{statistics.mean(ms):>9.2f}"
            f"{statistics.mean(c for _, c, _ in rows[key]):>11.2f}{split(rows[key])}"
        )
    follow_up = [t for t, _, _ in rows["follow-up"]]
    for name, key in (("a question's", "question"), ("the same text's alone", "alone")):
        print(f"a follow-up's cost relative to {name + ':':<23}{ratios(follow_up, rows[key])}")
    head = f"{'share':>7}{'p50 ms':>8}{'p90 ms':>8}{'mean ms':>9}{'resolver µs':>12}{'layer µs':>9}"
    print(f"\n{'follow-ups by resolver calls':<36}{head}")
    by_calls: dict[int, list[Took]] = {}
    for took in rows["follow-up"]:
        by_calls.setdefault(min(took[1], 3), []).append(took)
    for calls, kept in sorted(by_calls.items()):
        ms = sorted(t for t, _, _ in kept)
        share = len(ms) / len(rows["follow-up"])
        print(
            f"{'3 or more' if calls == 3 else calls:<36}{share:>7.0%}{percentile(ms, 0.5):>8.2f}"
            f"{percentile(ms, 0.9):>8.2f}{statistics.mean(ms):>9.2f}{split(kept)}"
        )


def ratios(follow_up: list[float], other: list[Took]) -> str:
    """The follow-ups' percentiles and mean over those of `other` turns."""
    mine, theirs = sorted(follow_up), sorted(t for t, _, _ in other)
    shares = "  ".join(
        f"{name} ×{percentile(mine, q) / percentile(theirs, q):.2f}"
        for name, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99))
    )
    return f"{shares}  mean ×{statistics.mean(mine) / statistics.mean(theirs):.3f}"


def split(kept: list[Took]) -> str:
    """Mean µs a turn in resolver calls and in the rest (the conversation layer), as columns."""
    resolving = statistics.mean(r for _, _, r in kept) * 1000
    total = statistics.mean(t for t, _, _ in kept) * 1000
    return f"{resolving:>12.0f}{total - resolving:>9.0f}"


if __name__ == "__main__":
    main()
