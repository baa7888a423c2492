"""Slack adapter under load: signed app_mention events on loopback, 1/10/50 concurrent senders.

Starts the equivalent of `qabot slack --port N` in a subprocess (the real
`bot.adapters.slack.main`) against a local fake Web API, then, per level,
sends EVENTS signed events with a varied mix of questions (benchmarks/loadgen.py:
the frozen blind questions, with typos, function words only, a few quick ones)
and prints: acks/s, p50/p99 ack latency, p50/p99 reply latency (from sending
the event to its chat.postMessage reaching the fake: replies go out after the
ack), errors, and replies per event (every event must get exactly one).

    .venv/bin/python benchmarks/bench_slack.py [--events 1000] [--levels 1,10,50]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import signal
import statistics
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.loadgen import free_port, slack_headers, varied_questions  # noqa: E402
from tests.slack.fake_slack_api import BOT_USER_ID, TEAM_ID, FakeSlackApi  # noqa: E402

SECRET = "bench-signing-secret-not-real"
QUESTIONS = varied_questions()
TOKEN = "xoxb-bench-not-a-real-token"
SERVER = """
import logging, sys
from bot.runner import run_all
from bot.service import QABot
from bot.settings import Settings
logging.basicConfig(level=logging.WARNING)
settings = Settings(knowledge_dir=sys.argv[2])
bot = QABot.from_settings(settings)
sys.exit(run_all(bot, only=["slack"], slack_port=int(sys.argv[1]), watch=False))
"""


def _event(level: int, n: int) -> tuple[str, str]:
    ts = f"{1_700_000_000 + level}.{n:06d}"
    body = {
        "type": "event_callback",
        "team_id": TEAM_ID,
        "api_app_id": "A0BENCH",
        "event_id": f"EvB{level:03d}{n:07d}",
        "event_time": int(time.time()),
        "event": {
            "type": "app_mention",
            "user": f"U{level:03d}{n:07d}",  # one user per event: no per-user rate limit
            "text": f"<@{BOT_USER_ID}> {QUESTIONS[n % len(QUESTIONS)]}",
            "ts": ts,
            "channel": f"CBENCH{level}",
            "event_ts": ts,
        },
    }
    return ts, json.dumps(body)


async def _start_server(api: FakeSlackApi, port: int) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api.base_url,
        # All events of a level share one channel: measure the adapter, not the limiter.
        "QABOT_RATE_LIMIT__ENABLED": "false",
    }
    env.pop("SLACK_APP_TOKEN", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SERVER, str(port), str(ROOT / "knowledge"), env=env, cwd=str(ROOT)
    )
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200:
                        return proc
            except aiohttp.ClientConnectionError:
                pass
            if proc.returncode is not None:
                break
            await asyncio.sleep(0.05)
    proc.kill()
    raise SystemExit("qabot slack did not become healthy")


async def _level(api: FakeSlackApi, url: str, level: int, events: int) -> dict[str, object]:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(events))
    sent: dict[str, float] = {}  # ts of each event → when it was sent
    connector = aiohttp.TCPConnector(limit=level)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def sender() -> None:
            nonlocal errors
            for n in counter:
                ts, body = _event(level, n)
                start = sent[ts] = time.perf_counter()
                try:
                    async with session.post(
                        url, data=body, headers=slack_headers(body, SECRET)
                    ) as resp:
                        await resp.read()
                        if resp.status != 200:
                            errors += 1
                except aiohttp.ClientError:
                    errors += 1
                latencies.append(time.perf_counter() - start)

        start = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(level)))
        elapsed = time.perf_counter() - start

    channel = f"CBENCH{level}"
    await api.wait_for(
        lambda a: sum(p["channel"] == channel for p in a.posts()) >= events, timeout=120
    )
    drained = time.perf_counter() - start
    await asyncio.sleep(0.5)  # a grace period to catch any duplicate reply arriving late
    posted = [c for c in api.of("chat.postMessage") if c.payload["channel"] == channel]
    replies = collections.Counter(c.payload["thread_ts"] for c in posted)
    per_event = [replies.get(ts, 0) for ts in sent]
    first_reply: dict[str, float] = {}
    for c in posted:
        first_reply.setdefault(c.payload["thread_ts"], c.at)
    waits = sorted(first_reply[ts] - t for ts, t in sent.items() if ts in first_reply)
    latencies.sort()
    return {
        "senders": level,
        "events": events,
        "acks/s": events / elapsed,
        "ack p50 ms": statistics.median(latencies) * 1000,
        "ack p99 ms": _p99(latencies) * 1000,
        "reply p50 ms": statistics.median(waits) * 1000,
        "reply p99 ms": _p99(waits) * 1000,
        "errors": errors,
        "replies/event": f"{min(per_event)}..{max(per_event)}",
        "replies/s": events / drained,
    }


def _p99(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _table(rows: list[dict[str, object]]) -> str:
    heads = list(rows[0])
    cells = [[f"{r[h]:.1f}" if isinstance(r[h], float) else str(r[h]) for h in heads] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    line = " | ".join(h.rjust(w) for h, w in zip(heads, widths, strict=True))
    out = [line, "-+-".join("-" * w for w in widths)]
    out += [" | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(out)


async def run(events: int, levels: list[int]) -> None:
    async with FakeSlackApi() as api:
        port = free_port()
        proc = await _start_server(api, port)
        try:
            url = f"http://127.0.0.1:{port}/slack/events"
            await _level(api, url, 1, 20)  # warm-up (auth.test, first core calls)
            rows = [await _level(api, url, level, events) for level in levels]
        finally:
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), 30)
    print(_table(rows))
    print(f"\nserver exit code after SIGTERM: {code}")
    if any(r["replies/event"] != "1..1" or r["errors"] for r in rows):
        raise SystemExit("FAIL: every event must get exactly one reply and no errors")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000, help="events per level (≤ 2000)")
    parser.add_argument("--levels", default="1,10,50", help="concurrent senders per level")
    args = parser.parse_args()
    events = max(1, min(args.events, 2000))
    asyncio.run(run(events, [int(x) for x in args.levels.split(",")]))


if __name__ == "__main__":
    main()
