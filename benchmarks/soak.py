"""Soak run: `qabot run` (a real subprocess) against the Slack and Discord fakes, mixed traffic.

For `--minutes` (default 10) it sends, at `--rate` questions a second, a mix of
Slack mentions (some retried by "Slack" with the same event_id, some DMs) and
Discord mentions, from many users, and follow-ups without a mention ("Quelle?",
"und RAISe+?") in Slack threads and as Discord replies to answers given
earlier; then checks that every question and follow-up got exactly one reply,
that the process logged no errors, and prints the resident memory (RSS) of
`qabot run`: at the start and the end, a sample every 10 s, and the slope of the
samples over the last `--slope-minutes` (least squares, MB a minute): near 0 once
the bounded stores are full, positive while something grows.

    .venv/bin/python benchmarks/soak.py [--minutes 10] [--rate 20] [--slope-minutes 5]
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

from benchmarks.loadgen import QUESTIONS, free_port, slack_headers  # noqa: E402
from tests.discord.fake_discord import BOT_ID, TOKEN, FakeDiscord  # noqa: E402
from tests.slack.fake_slack_api import BOT_USER_ID, TEAM_ID, FakeSlackApi  # noqa: E402

FOLLOW_UPS = ["Quelle?", "source?", "und RAISe+?", "auf Englisch bitte", "in German?", "mehr dazu"]
SECRET = "soak-signing-secret-not-real"
SLACK_TOKEN = "xoxb-soak-not-a-real-token"
SAMPLE_S = 10.0  # how often the memory of `qabot run` is read


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def slope_mb_per_min(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) samples, in MB a minute."""
    if len(samples) < 2:
        return float("nan")
    mean_t = sum(t for t, _ in samples) / len(samples)
    mean_m = sum(m for _, m in samples) / len(samples)
    spread = sum((t - mean_t) ** 2 for t, _ in samples)
    return 60 * sum((t - mean_t) * (m - mean_m) for t, m in samples) / spread


async def sample_rss(pid: int, start: float, samples: list[tuple[float, float]]) -> None:
    """Append (seconds since `start`, RSS MB) every SAMPLE_S until cancelled."""
    while True:
        samples.append((time.monotonic() - start, rss_mb(pid)))
        await asyncio.sleep(SAMPLE_S)


def slack_event(
    n: int, question: str, dm: bool, thread: tuple[str, str] | None = None
) -> tuple[str, str, str]:
    """(event_id, ts, body) of a mention, a DM, or a follow-up in `thread` (channel, ts)."""
    ts = f"{1_700_000_000 + n // 1_000_000}.{n % 1_000_000:06d}"
    event: dict[str, object] = {
        "type": "message" if dm or thread else "app_mention",
        "user": f"U{n % 500:05d}",
        "text": question if dm or thread else f"<@{BOT_USER_ID}> {question}",
        "ts": ts,
        "channel": f"D{n % 50:05d}" if dm else f"C{n % 20:05d}",
        "event_ts": ts,
    }
    if dm:
        event["channel_type"] = "im"
    if thread:
        event["channel"], event["thread_ts"] = thread
        event["channel_type"] = "channel"
    body = {"type": "event_callback", "team_id": TEAM_ID, "api_app_id": "A0SOAK",
            "event_id": f"EvS{n:09d}", "event_time": int(time.time()), "event": event}  # fmt: skip
    return f"EvS{n:09d}", ts, json.dumps(body)


def follow_up_target(
    rng: random.Random, api: FakeSlackApi, fake: FakeDiscord, discord_sent: list[int]
) -> tuple[str, str | int] | None:
    """Now and then (15 %) something answered lately to follow up on: a Slack thread
    ("slack", its ts) or a Discord answer ("discord", its message id)."""
    if rng.random() >= 0.15:
        return None
    if rng.random() < 0.5:
        answered = [p["thread_ts"] for p in api.posts()[-200:] if p.get("thread_ts")]
        return ("slack", rng.choice(answered)) if answered else None
    replies = fake.replies_to(rng.choice(discord_sent[-200:])) if discord_sent else []
    return ("discord", int(replies[0].response["id"])) if replies else None


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


async def soak(minutes: float, rate: float, slope_minutes: float) -> int:
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
    slack_sent: dict[str, str] = {}  # ts → event id
    slack_threads: dict[str, str] = {}  # ts of a mention → its channel
    follow_ups: collections.Counter[str] = collections.Counter()  # thread ts → follow-ups
    discord_sent: list[int] = []
    errors = retries = discord_follow_ups = 0
    end = time.monotonic() + minutes * 60
    n = 0
    samples: list[tuple[float, float]] = []
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
        sampler = asyncio.create_task(sample_rss(proc.pid, start, samples))
        while time.monotonic() < end:
            question = rng.choice(QUESTIONS)
            target = follow_up_target(rng, api, fake, discord_sent)
            if target is not None and target[0] == "slack":
                thread = str(target[1])
                follow_ups[thread] += 1
                where = (slack_threads[thread], thread)
                _, _, body = slack_event(n, rng.choice(FOLLOW_UPS), False, where)
                task = asyncio.create_task(send_slack(body))
                pending.add(task)
                task.add_done_callback(pending.discard)
            elif target is not None:
                mid = await fake.message(rng.choice(FOLLOW_UPS), reply_to=int(target[1]),
                                         author=200000000000000000 + n % 500)  # fmt: skip
                discord_sent.append(mid)
                discord_follow_ups += 1
            elif rng.random() < 0.5:
                dm = rng.random() < 0.2
                event_id, ts, body = slack_event(n, question, dm)
                slack_sent[ts] = event_id
                if not dm:
                    slack_threads[ts] = json.loads(body)["event"]["channel"]
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
        sampler.cancel()

    def slack_done() -> bool:
        return len(api.posts()) >= len(slack_sent) + sum(follow_ups.values())

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (
        slack_done() and all(fake.replies_to(m) for m in discord_sent)
    ):
        await asyncio.sleep(0.5)
    await asyncio.sleep(2)  # any late duplicate shows up now
    rss_end = rss_mb(proc.pid)
    proc.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(proc.wait(), 30)
    await fake.stop()
    await api.__aexit__(None, None, None)

    # Every Slack event gets one post: a mention and its follow-ups in its thread
    # (thread_ts = its ts), a DM without a thread; so the total catches a duplicate DM,
    # the per-thread count the rest.
    by_thread = collections.Counter(p.get("thread_ts") for p in api.posts())
    by_thread.pop(None, 0)
    slack_counts = [count - follow_ups[ts] for ts, count in by_thread.items()]
    answered_slack = len(api.posts())
    discord_counts = [len(fake.replies_to(m)) for m in discord_sent]
    notices = sum("Easy there" in json.dumps(p) for p in api.posts()) + sum(
        "Easy there" in json.dumps(fake.replies_to(m)[0].json) for m in discord_sent
    )
    log_text = (tmp / "qabot.log").read_text(errors="replace")
    error_lines = [ln for ln in log_text.splitlines() if '"level": "ERROR"' in ln]
    late = [(t, m) for t, m in samples if t >= samples[-1][0] - slope_minutes * 60]
    rows = [
        ("minutes", f"{minutes:g}"),
        ("questions sent", f"{n} ({len(slack_sent)} Slack incl. DMs, {len(discord_sent)} Discord)"),
        (
            "follow-ups without a mention: Slack threads, Discord replies",
            f"{sum(follow_ups.values())}, {discord_follow_ups}",
        ),
        ("Slack retries sent (same event_id)", str(retries)),
        ("Slack replies / events", f"{answered_slack} / {len(slack_sent)}"),
        ("Slack mentions answered more than once", str(sum(c > 1 for c in slack_counts))),
        ("Discord replies: min..max per message", f"{min(discord_counts)}..{max(discord_counts)}"),
        ("rate-limit notices (expected 0 at this mix)", str(notices)),
        ("HTTP errors", str(errors)),
        ("ERROR log lines", str(len(error_lines))),
        ("RSS start → end (MB)", f"{rss_start:.1f} → {rss_end:.1f}"),
        (
            "RSS samples (min:MB, each minute)",
            " ".join(f"{t / 60:.0f}:{r:.1f}" for t, r in samples[:: int(60 / SAMPLE_S)]),
        ),
        (
            f"RSS slope over all {len(samples)} samples (MB/min)",
            f"{slope_mb_per_min(samples):+.3f}",
        ),
        (
            f"RSS slope over the last {slope_minutes:g} min ({len(late)} samples, MB/min)",
            f"{slope_mb_per_min(late):+.3f}",
        ),
        ("exit code after SIGTERM", str(code)),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    ok = (
        answered_slack == len(slack_sent) + sum(follow_ups.values())
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
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--rate", type=float, default=20.0, help="questions a second (both platforms)")
    ap.add_argument("--slope-minutes", type=float, default=5.0, help="the RSS slope's window")
    args = ap.parse_args()
    sys.exit(asyncio.run(soak(args.minutes, args.rate, args.slope_minutes)))


if __name__ == "__main__":
    main()
