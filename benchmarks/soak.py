"""Soak run: `qabot run` (a real subprocess) against the Slack and Discord fakes, mixed traffic.

For `--minutes` (default 30) it sends, at `--rate` questions a second, a varied
mix of questions (benchmarks/loadgen.py) as Slack mentions (some retried by
"Slack" with the same event_id), Slack DMs and Discord mentions, from many
users; then checks that every message, DMs included, got exactly one reply
(each DM comes in a channel of its own, so its reply is known by its channel),
that the process logged no errors, and reports the resident memory (RSS) of
`qabot run`, sampled every 10 s, with its least-squares slope over the run
after the first minute (start-up and caches filling), in MB per 30 minutes.

    .venv/bin/python benchmarks/soak.py [--minutes 30] [--rate 20]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.loadgen import free_port, slack_headers, varied_questions  # noqa: E402
from tests.discord.fake_discord import BOT_ID, TOKEN, FakeDiscord  # noqa: E402
from tests.slack.fake_slack_api import BOT_USER_ID, TEAM_ID, FakeSlackApi  # noqa: E402

SECRET = "soak-signing-secret-not-real"
QUESTIONS = varied_questions()
SAMPLE_EVERY_S = 10.0
WARM_UP_S = 60.0  # memory before this is start-up and caches filling, not a trend
SLACK_TOKEN = "xoxb-soak-not-a-real-token"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def slope_per_30_min(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) samples, in MB per 30 minutes (nan: too few)."""
    if len(samples) < 2:
        return float("nan")
    mean_t = sum(t for t, _ in samples) / len(samples)
    mean_m = sum(m for _, m in samples) / len(samples)
    var = sum((t - mean_t) ** 2 for t, _ in samples)
    if var == 0:
        return float("nan")
    cov = sum((t - mean_t) * (m - mean_m) for t, m in samples)
    return cov / var * 1800


def replies_per_message(
    api: FakeSlackApi, slack_sent: dict[str, tuple[str, bool]]
) -> dict[str, int]:
    """How many posts answered each Slack message (by ts): a mention in its thread, a DM in
    its own channel."""
    threads = collections.Counter(
        (p["channel"], p.get("thread_ts")) for p in api.posts() if p.get("thread_ts")
    )
    dms = collections.Counter(p["channel"] for p in api.posts() if not p.get("thread_ts"))
    return {
        ts: dms[channel] if dm else threads[(channel, ts)]
        for ts, (channel, dm) in slack_sent.items()
    }


def slack_event(n: int, question: str, dm: bool) -> tuple[str, str, str, str]:
    """(event_id, ts, channel, body) of a mention or a DM."""
    ts = f"{1_700_000_000 + n // 1_000_000}.{n % 1_000_000:06d}"
    event: dict[str, object] = {
        "type": "message" if dm else "app_mention",
        "user": f"U{n % 500:05d}",
        "text": question if dm else f"<@{BOT_USER_ID}> {question}",
        "ts": ts,
        "channel": f"D{n:09d}" if dm else f"C{n % 20:05d}",  # a DM: a channel of its own
        "event_ts": ts,
    }
    if dm:
        event["channel_type"] = "im"
    body = {"type": "event_callback", "team_id": TEAM_ID, "api_app_id": "A0SOAK",
            "event_id": f"EvS{n:09d}", "event_time": int(time.time()), "event": event}  # fmt: skip
    return f"EvS{n:09d}", ts, str(event["channel"]), json.dumps(body)


async def start_bot(api: FakeSlackApi, fake: FakeDiscord, tmp: Path, port: int):
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": SLACK_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api.base_url,
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "QABOT_SLACK__PORT": str(port),
        "QABOT_DISCORD__COMMAND_HASH_FILE": str(tmp / "commands.hash"),
        "QABOT_UNANSWERED__PATH": str(tmp / "unanswered.jsonl"),
        "QABOT_LOG_JSON": "true",
        # The fake gateway sends every Discord message in one channel; a real server
        # spreads them. Give that one channel the room of a busy company channel.
        "QABOT_RATE_LIMIT__CHANNEL_PER_S": "20",
        "QABOT_RATE_LIMIT__CHANNEL_BURST": "200",
    }
    env.pop("SLACK_APP_TOKEN", None)
    log = (tmp / "qabot.log").open("wb")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", env=env, cwd=str(ROOT), stdout=log, stderr=log
    )
    deadline = time.monotonic() + 60
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200 and fake.ops(2):  # Slack healthy, Discord identified
                        return proc
            except aiohttp.ClientConnectionError:
                pass
            if proc.returncode is not None:
                break
            await asyncio.sleep(0.1)
    proc.kill()
    raise SystemExit(f"qabot run did not start; see {tmp / 'qabot.log'}")


async def soak(minutes: float, rate: float) -> int:
    rng = random.Random(7)
    api = FakeSlackApi()
    fake = FakeDiscord()
    await api.__aenter__()
    await fake.start()
    tmp = Path(tempfile.mkdtemp(prefix="qabot-soak-"))
    port = free_port()
    proc = await start_bot(api, fake, tmp, port)
    url = f"http://127.0.0.1:{port}/slack/events"
    await asyncio.sleep(2)  # let start-up allocations settle before the first reading
    rss_start = rss_mb(proc.pid)
    slack_sent: dict[str, tuple[str, bool]] = {}  # ts → (channel, is a DM)
    discord_sent: list[int] = []
    errors = retries = 0
    end = time.monotonic() + minutes * 60
    n = 0
    samples: list[tuple[float, float]] = []

    async def sample_memory() -> None:
        begin = time.monotonic()
        while True:
            samples.append((time.monotonic() - begin, rss_mb(proc.pid)))
            await asyncio.sleep(SAMPLE_EVERY_S)

    sampler = asyncio.create_task(sample_memory())
    async with aiohttp.ClientSession() as session:

        async def send_slack(body: str, retry: int | None = None) -> None:
            nonlocal errors
            headers = slack_headers(body, SECRET)
            if retry:
                headers["X-Slack-Retry-Num"] = str(retry)
            try:
                async with session.post(url, data=body, headers=headers) as resp:
                    errors += resp.status != 200
            except aiohttp.ClientError:
                errors += 1

        pending: set[asyncio.Task[None]] = set()
        start = time.monotonic()
        while time.monotonic() < end:
            question = rng.choice(QUESTIONS)
            if rng.random() < 0.5:
                dm = rng.random() < 0.2
                _, ts, channel, body = slack_event(n, question, dm)
                slack_sent[ts] = (channel, dm)
                task = asyncio.create_task(send_slack(body))
                if rng.random() < 0.05:  # Slack retries this delivery
                    retries += 1
                    task2 = asyncio.create_task(send_slack(body, retry=1))
                    pending.add(task2)
                    task2.add_done_callback(pending.discard)
                pending.add(task)
                task.add_done_callback(pending.discard)
            else:
                author = 200000000000000000 + n % 500
                mid = await fake.message(f"<@{BOT_ID}> {question}", mentions=(BOT_ID,),
                                         author=author)  # fmt: skip
                discord_sent.append(mid)
            n += 1
            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
        await asyncio.gather(*pending)

    def slack_done() -> bool:
        return len(api.posts()) >= len(slack_sent)

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (
        slack_done() and all(fake.replies_to(m) for m in discord_sent)
    ):
        await asyncio.sleep(0.5)
    await asyncio.sleep(2)  # any late duplicate shows up now
    sampler.cancel()
    rss_end = rss_mb(proc.pid)
    proc.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(proc.wait(), 30)
    await fake.stop()
    await api.__aexit__(None, None, None)

    # Every Slack message gets one post: a mention in its thread, a DM in its own channel.
    slack_counts = list(replies_per_message(api, slack_sent).values())
    answered_slack = len(api.posts())
    discord_counts = [len(fake.replies_to(m)) for m in discord_sent]
    notices = sum("Easy there" in json.dumps(p) for p in api.posts()) + sum(
        "Easy there" in json.dumps(fake.replies_to(m)[0].json) for m in discord_sent
    )
    slope = slope_per_30_min([(t, m) for t, m in samples if t >= WARM_UP_S])
    log_text = (tmp / "qabot.log").read_text(errors="replace")
    error_lines = [ln for ln in log_text.splitlines() if '"level": "ERROR"' in ln]
    rows = [
        ("minutes", f"{minutes:g}"),
        ("questions sent", f"{n} ({len(slack_sent)} Slack incl. DMs, {len(discord_sent)} Discord)"),
        ("Slack retries sent (same event_id)", str(retries)),
        ("Slack replies / events", f"{answered_slack} / {len(slack_sent)}"),
        ("Slack replies: min..max per message", f"{min(slack_counts)}..{max(slack_counts)}"),
        ("Discord replies: min..max per message", f"{min(discord_counts)}..{max(discord_counts)}"),
        ("rate-limit notices (expected 0 at this mix)", str(notices)),
        ("HTTP errors", str(errors)),
        ("ERROR log lines", str(len(error_lines))),
        ("RSS start → end (MB)", f"{rss_start:.1f} → {rss_end:.1f}"),
        (f"RSS samples every {SAMPLE_EVERY_S:g} s", str(len(samples))),
        ("RSS each minute (min:MB)", " ".join(f"{t / 60:.0f}:{r:.0f}" for t, r in samples[::6])),
        ("RSS slope after the first minute (MB / 30 min)", f"{slope:+.2f}"),
        ("exit code after SIGTERM", str(code)),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    ok = (
        answered_slack == len(slack_sent)
        and all(c == 1 for c in slack_counts)
        and all(c == 1 for c in discord_counts)
        and errors == 0
        and not error_lines
        and code == 0
    )
    print("PASS" if ok else f"FAIL (log: {tmp / 'qabot.log'})")
    return 0 if ok else 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--rate", type=float, default=20.0, help="questions a second (both platforms)")
    args = ap.parse_args()
    sys.exit(asyncio.run(soak(args.minutes, args.rate)))


if __name__ == "__main__":
    main()
