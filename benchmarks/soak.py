"""Soak run: `qabot run` (a real subprocess) against the Slack and Discord fakes, mixed traffic.

For `--minutes` (default 30) it sends, at `--rate` messages a second, a varied
mix of questions (benchmarks/loadgen.py) as Slack mentions (some retried by
"Slack" with the same event_id), Slack DMs and Discord mentions, from many
users, and a share (`--followups`, default 0.15) of follow-ups without a mention
(the follow-up turns of eval/conversations/): in the Slack thread of a recent
answer, or as a Discord reply to one. Then it checks that every message, DMs
and follow-ups included, got exactly one reply (each DM comes in a channel of its
own, so its reply is known by its channel), that the process logged no errors,
and reports the resident memory (RSS) of `qabot run`, sampled every 10 s, with
its least-squares slope over the run after the first minute (start-up and caches
filling) and over its second half (growth that levels off shows there as a lower
slope), in MB per 30 minutes. With `--tracemalloc` the bot runs under
tracemalloc (benchmarks/traced_run.py, a snapshot a minute) and the report adds
the traced heap each minute and what grew most from minute 2 to the end (its RSS
figures then include tracemalloc's own bookkeeping: take RSS from a run without it).
With `--malloc` (no tracemalloc) it adds, each minute, the threads, glibc's own
totals (bytes in use and free inside the heap arenas, and in mmapped blocks) and
Python's small-object allocator's (its arenas, and the objects in them): RSS that
grows while the bytes in use do not is memory an allocator keeps, not a leak;
`--trim` then hands that back each minute (`malloc_trim(0)`) and reports the RSS after.

    .venv/bin/python benchmarks/soak.py [--minutes 30] [--rate 20] [--tracemalloc|--malloc|--trim]
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
import tracemalloc
from pathlib import Path

import aiohttp
import yaml

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
# A follow-up goes to an answer this recent (seconds): well inside the short TTLs a soak
# is run with, so that every one is still a conversation qabot is in.
FOLLOW_UP_WITHIN_S = (2.0, 30.0)
TRACE_FROM_S = 120  # tracemalloc growth is measured from this snapshot on


def follow_up_texts() -> list[str]:
    """The follow-up turns (all but the first) of the blind-written conversations."""
    texts = []
    for path in sorted((ROOT / "eval" / "conversations").glob("*.yaml")):
        for conv in yaml.safe_load(path.read_text(encoding="utf-8")):
            texts.extend(turn["q"] for turn in conv["turns"][1:])
    return texts


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


def slack_mismatches(api: FakeSlackApi, expected: collections.Counter[tuple[str, str]]) -> int:
    """Slack threads and DM channels whose posts are not one per message sent there (a
    mention and its follow-ups in its thread, a DM in its own channel)."""
    posted = collections.Counter((p["channel"], p.get("thread_ts") or "") for p in api.posts())
    return sum(posted[key] != count for key, count in (expected | posted).items())


def recent(sent: list[tuple[float, object]], now: float) -> list[object]:
    """What was sent within FOLLOW_UP_WITHIN_S of `now` (`sent` is in time order)."""
    low, high = now - FOLLOW_UP_WITHIN_S[1], now - FOLLOW_UP_WITHIN_S[0]
    return [item for at, item in sent[-2000:] if low <= at <= high]


def heap_report(snapshots: Path) -> list[tuple[str, str]]:
    """Rows: the traced heap each minute, and the lines that grew most after warm-up."""
    files = sorted(snapshots.glob("*.snap"))
    if not files:
        return [("tracemalloc", "no snapshots")]
    totals = []
    for f in files:
        snap = tracemalloc.Snapshot.load(str(f))
        totals.append(f"{int(f.stem) // 60}:{sum(t.size for t in snap.traces) / 2**20:.1f}")
    base = next((f for f in files if int(f.stem) >= TRACE_FROM_S), files[0])
    first = tracemalloc.Snapshot.load(str(base))
    last = tracemalloc.Snapshot.load(str(files[-1]))
    rows = [("traced heap each minute (min:MB)", " ".join(totals))]
    growth = last.compare_to(first, "traceback")[:8]
    for n, stat in enumerate(growth, 1):
        frames = reversed(stat.traceback)  # where it was allocated first, then its callers
        where = " < ".join(f"{Path(fr.filename).name}:{fr.lineno}" for fr in frames)
        rows.append(
            (
                f"heap growth #{n}, min {int(base.stem) // 60}→{int(files[-1].stem) // 60}",
                f"{stat.size_diff / 1024:+.0f} KiB ({stat.count_diff:+d} blocks) {where}",
            )
        )
    return rows


def malloc_report(watched: Path) -> list[tuple[str, str]]:
    """Rows: each minute's threads, allocator totals and (with --trim) RSS after a trim."""
    path = watched / "malloc.jsonl"
    if not path.exists():
        return [("malloc", "no samples")]
    lines = [json.loads(ln) for ln in path.read_text().splitlines()]

    def each(field: str) -> str:
        return " ".join(f"{ln['s'] / 60:g}:{ln[field]:g}" for ln in lines if field in ln)

    rows = [
        ("threads each minute (min:n)", each("threads")),
        ("malloc in use each minute (min:MB)", each("in_use_mb")),
        ("malloc free, kept in arenas (min:MB)", each("free_mb")),
        ("malloc mmapped blocks (min:MB)", each("mmapped_mb")),
        ("Python allocator's arenas (min:MB)", each("py_arenas_mb")),
        ("Python small objects in them (min:MB)", each("py_objects_mb")),
    ]
    if any("rss_after_trim_mb" in ln for ln in lines):
        rows.append(("RSS after malloc_trim (min:MB)", each("rss_after_trim_mb")))
        trimmed = [(ln["s"], ln["rss_after_trim_mb"]) for ln in lines if ln["s"] >= WARM_UP_S]
        slope = slope_per_30_min(trimmed)
        rows.append(("its slope after the first minute (MB / 30 min)", f"{slope:+.2f}"))
    return rows


def slack_event(
    n: int, question: str, dm: bool, thread: tuple[str, str] | None = None
) -> tuple[str, str, str, str]:
    """(event_id, ts, channel, body) of a mention, a DM, or a message without a mention in
    the thread (channel, root ts) of an earlier mention."""
    ts = f"{1_700_000_000 + n // 1_000_000}.{n % 1_000_000:06d}"
    plain = dm or thread is not None
    event: dict[str, object] = {
        "type": "message" if plain else "app_mention",
        "user": f"U{n % 500:05d}",
        "text": question if plain else f"<@{BOT_USER_ID}> {question}",
        "ts": ts,
        "channel": f"D{n:09d}" if dm else f"C{n % 20:05d}",  # a DM: a channel of its own
        "event_ts": ts,
    }
    if dm:
        event["channel_type"] = "im"
    if thread is not None:
        event["channel"], event["thread_ts"] = thread
        event["channel_type"] = "channel"
    body = {"type": "event_callback", "team_id": TEAM_ID, "api_app_id": "A0SOAK",
            "event_id": f"EvS{n:09d}", "event_time": int(time.time()), "event": event}  # fmt: skip
    return f"EvS{n:09d}", ts, str(event["channel"]), json.dumps(body)


async def start_bot(
    api: FakeSlackApi, fake: FakeDiscord, tmp: Path, port: int, *, watch: str | None = None
):
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
    if watch is not None:  # from inside: "heap" (tracemalloc), "malloc", "trim"
        env["QABOT_TRACE_HEAP"] = "1" if watch == "heap" else "0"
        env["QABOT_TRACE_TRIM"] = "1" if watch == "trim" else "0"
    runner = ["benchmarks.traced_run", str(tmp / "snapshots")] if watch else ["bot.cli"]
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", *runner, "run", env=env, cwd=str(ROOT), stdout=log, stderr=log
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


async def soak(minutes: float, rate: float, follow_ups: float, watch: str | None) -> int:
    rng = random.Random(7)
    follow_up_text = follow_up_texts()
    api = FakeSlackApi()
    fake = FakeDiscord()
    await api.__aenter__()
    await fake.start()
    tmp = Path(tempfile.mkdtemp(prefix="qabot-soak-"))
    port = free_port()
    proc = await start_bot(api, fake, tmp, port, watch=watch)
    url = f"http://127.0.0.1:{port}/slack/events"
    await asyncio.sleep(2)  # let start-up allocations settle before the first reading
    rss_start = rss_mb(proc.pid)
    slack_expected: collections.Counter[tuple[str, str]] = collections.Counter()
    slack_roots: list[tuple[float, object]] = []  # (sent at, (channel, ts)) of mentions
    discord_sent: list[int] = []
    discord_roots: list[tuple[float, object]] = []  # (sent at, message id) of mentions
    slack_follow_ups = discord_follow_ups = 0
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

        def send(body: str, retry: int | None = None) -> None:
            task = asyncio.create_task(send_slack(body, retry))
            pending.add(task)
            task.add_done_callback(pending.discard)

        def slack_follow_up(text: str, now: float) -> bool:
            answered = {(p["channel"], p.get("thread_ts")) for p in api.posts()[-4000:]}
            roots = [r for r in recent(slack_roots, now) if r in answered]
            if not roots:
                return False
            channel, root = rng.choice(roots)
            body = slack_event(n, text, dm=False, thread=(channel, root))[3]
            slack_expected[(channel, root)] += 1
            send(body)
            return True

        async def discord_follow_up(text: str, now: float) -> bool:
            answers = [fake.replies_to(m) for m in recent(discord_roots, now)]  # type: ignore[arg-type]
            answers = [a for a in answers if a]
            if not answers:
                return False
            answer_id = int(rng.choice(answers)[0].response["id"])
            author = 200000000000000000 + n % 500
            discord_sent.append(await fake.message(text, reply_to=answer_id, author=author))
            return True

        start = time.monotonic()
        while time.monotonic() < end:
            now = time.monotonic()
            slack = rng.random() < 0.5
            follow_up = rng.random() < follow_ups
            if follow_up and slack and slack_follow_up(rng.choice(follow_up_text), now):
                slack_follow_ups += 1
            elif (
                follow_up and not slack and await discord_follow_up(rng.choice(follow_up_text), now)
            ):
                discord_follow_ups += 1
            elif slack:
                dm = rng.random() < 0.2
                _, ts, channel, body = slack_event(n, rng.choice(QUESTIONS), dm)
                slack_expected[(channel, "" if dm else ts)] += 1
                if not dm:
                    slack_roots.append((now, (channel, ts)))
                send(body)
                if rng.random() < 0.05:  # Slack retries this delivery
                    retries += 1
                    send(body, retry=1)
            else:
                author = 200000000000000000 + n % 500
                mid = await fake.message(
                    f"<@{BOT_ID}> {rng.choice(QUESTIONS)}", mentions=(BOT_ID,), author=author
                )
                discord_sent.append(mid)
                discord_roots.append((now, mid))
            n += 1
            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
        await asyncio.gather(*pending)

    def slack_done() -> bool:
        return len(api.posts()) >= slack_expected.total()

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

    answered_slack = len(api.posts())
    wrong_slack = slack_mismatches(api, slack_expected)
    discord_counts = [len(fake.replies_to(m)) for m in discord_sent]
    notices = sum("Easy there" in json.dumps(p) for p in api.posts()) + sum(
        "Easy there" in json.dumps(fake.replies_to(m)[0].json) for m in discord_sent
    )
    slope = slope_per_30_min([(t, m) for t, m in samples if t >= WARM_UP_S])
    # Growth that levels off (caches and stores filling, free lists settling) shows as
    # a late slope well below the whole run's.
    late = slope_per_30_min([(t, m) for t, m in samples if t >= minutes * 30])
    log_text = (tmp / "qabot.log").read_text(errors="replace")
    error_lines = [ln for ln in log_text.splitlines() if '"level": "ERROR"' in ln]
    slack_sent = slack_expected.total()
    rows = [
        ("minutes", f"{minutes:g}"),
        ("messages sent", f"{n} ({slack_sent} Slack incl. DMs, {len(discord_sent)} Discord)"),
        (
            "of them follow-ups without a mention",
            f"{slack_follow_ups + discord_follow_ups} ({slack_follow_ups} in Slack threads, "
            f"{discord_follow_ups} Discord replies)",
        ),
        ("Slack retries sent (same event_id)", str(retries)),
        ("Slack replies / messages", f"{answered_slack} / {slack_sent}"),
        ("Slack threads and DMs not answered once per message", str(wrong_slack)),
        ("Discord replies: min..max per message", f"{min(discord_counts)}..{max(discord_counts)}"),
        ("rate-limit notices (expected 0 at this mix)", str(notices)),
        ("HTTP errors", str(errors)),
        ("ERROR log lines", str(len(error_lines))),
        ("RSS start → end (MB)", f"{rss_start:.1f} → {rss_end:.1f}"),
        (f"RSS samples every {SAMPLE_EVERY_S:g} s", str(len(samples))),
        ("RSS each minute (min:MB)", " ".join(f"{t / 60:.0f}:{r:.0f}" for t, r in samples[::6])),
        ("RSS slope after the first minute (MB / 30 min)", f"{slope:+.2f}"),
        ("RSS slope over the second half (MB / 30 min)", f"{late:+.2f}"),
        ("exit code after SIGTERM", str(code)),
        *(heap_report(tmp / "snapshots") if watch == "heap" else []),
        *(malloc_report(tmp / "snapshots") if watch else []),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    ok = (
        answered_slack == slack_sent
        and wrong_slack == 0
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
    ap.add_argument("--rate", type=float, default=20.0, help="messages a second (both platforms)")
    ap.add_argument("--followups", type=float, default=0.15, help="share of follow-ups")
    watch = ap.add_mutually_exclusive_group()
    watch.add_argument("--tracemalloc", action="store_true", help="where the Python heap grows")
    watch.add_argument("--malloc", action="store_true", help="the allocator's totals each minute")
    watch.add_argument("--trim", action="store_true", help="--malloc, and malloc_trim each minute")
    args = ap.parse_args()
    modes = {"heap": args.tracemalloc, "malloc": args.malloc, "trim": args.trim}
    watching = next((mode for mode, on in modes.items() if on), None)
    sys.exit(asyncio.run(soak(args.minutes, args.rate, args.followups, watching)))


if __name__ == "__main__":
    main()
