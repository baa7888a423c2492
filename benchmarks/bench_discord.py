"""Burst benchmark of the Discord adapter: N mentions from the fake gateway, each answered once.

Runs the real discord.py client and the real core against tests/discord/fake_discord.py
on 127.0.0.1 and prints a table: replies, duplicates, time to the last reply,
and p50/p90/p99/max latency from dispatch to the recorded REST reply. The fake
shares the bot's event loop, so it indexes the replies as they come (a scan of
every recorded call on each one was the fake's cost, counted as the bot's).

    .venv/bin/python benchmarks/bench_discord.py [--n 200]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.loadgen import QUESTIONS  # noqa: E402
from bot.adapters.discord import build_client, serve  # noqa: E402
from bot.service import QABot  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.discord.fake_discord import BOT_ID, TOKEN, FakeDiscord  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def burst(n: int) -> dict[str, float]:
    fake = FakeDiscord()
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            knowledge_dir=ROOT / "knowledge",
            discord={"command_hash_file": Path(tmp) / "hash"},
            rate_limit={"enabled": False},  # one user, one channel: measure the adapter
            DISCORD_TOKEN=TOKEN,
            DISCORD_API_BASE=fake.api_base,
            DISCORD_GATEWAY_URL=fake.gateway_url,
        )
        bot = QABot.from_settings(settings)
        client = build_client(bot, settings, guild_ready_timeout=0.01)
        ready = asyncio.Event()
        task = asyncio.create_task(serve(bot, settings, ready=ready, client=client))
        await asyncio.wait_for(ready.wait(), 10)

        sent: dict[int, float] = {}
        start = time.perf_counter()
        for i in range(n):
            text = f"<@{BOT_ID}> {QUESTIONS[i % len(QUESTIONS)]}"
            mid = await fake.message(text, mentions=(BOT_ID,))
            sent[mid] = time.perf_counter()
        dispatched = time.perf_counter() - start
        await fake.wait_until(lambda: fake.replied() >= sent.keys(), timeout=120)
        await fake.barrier()  # let any duplicate show up before counting
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await fake.stop()

    replies = {m: fake.replies_to(m) for m in sent}
    latencies = [replies[m][0].at - t for m, t in sent.items()]
    last = max(calls[0].at for calls in replies.values())
    return {
        "mentions": n,
        "answered": sum(1 for c in replies.values() if c),
        "answered twice or more": sum(1 for c in replies.values() if len(c) > 1),
        "burst dispatched in (s)": dispatched,
        "time to last reply (s)": last - start,
        "replies per second": n / (last - start),
        "p50 per reply (ms)": statistics.median(latencies) * 1000,
        "p90 per reply (ms)": percentile(latencies, 0.90) * 1000,
        "p99 per reply (ms)": percentile(latencies, 0.99) * 1000,
        "max per reply (ms)": max(latencies) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="mentions in the burst")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(burst(args.n))
    width = max(len(k) for k in result)
    print(f"{'Discord burst':<{width}}  value")
    print(f"{'-' * width}  ------")
    for key, value in result.items():
        shown = f"{value:.3f}" if isinstance(value, float) and value < 10 else f"{value:.1f}"
        shown = str(value) if isinstance(value, int) else shown
        print(f"{key:<{width}}  {shown:>6}")


if __name__ == "__main__":
    main()
