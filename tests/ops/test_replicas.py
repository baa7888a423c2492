"""Two `qabot slack` processes behind one Redis: a retry that lands on the other replica
gets no second reply; a follow-up that lands on the other replica is understood."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

from tests.cli_process import QABOT
from tests.ops.redis_server import redis_server
from tests.slack.fake_slack_api import BOT_USER_ID, TEAM_ID, FakeSlackApi
from tests.slack.harness import BOT_TOKEN, KNOWLEDGE, SIGNING_SECRET, free_port, sign


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


async def _replica(
    api: FakeSlackApi, redis: str, **env: str
) -> tuple[asyncio.subprocess.Process, int]:
    port = free_port()
    environ = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api.base_url,
        "QABOT_REDIS_URL": redis,
        "QABOT_ADMIN__WATCH": "false",
        **env,
    }
    environ.pop("SLACK_APP_TOKEN", None)
    proc = await asyncio.create_subprocess_exec(
        *QABOT, "slack", "--port", str(port), "--kb", str(KNOWLEDGE),
        env=environ, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200:
                        return proc, port
            except aiohttp.ClientConnectionError:
                pass
            assert proc.returncode is None, await proc.stderr.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "replica did not become healthy"
            await asyncio.sleep(0.05)  # polling a starting server


@pytest.fixture
async def replicas(redis_url: str) -> AsyncIterator[tuple[FakeSlackApi, list[int]]]:
    async with FakeSlackApi() as api:
        procs = [await _replica(api, redis_url) for _ in range(2)]
        try:
            yield api, [port for _, port in procs]
        finally:
            for proc, _ in procs:
                proc.send_signal(signal.SIGTERM)
            for proc, _ in procs:
                await asyncio.wait_for(proc.wait(), 15)


def _mention(event_id: str, ts: str, text: str, user: str = "UASKER") -> str:
    event = {"type": "app_mention", "text": f"<@{BOT_USER_ID}> {text}"}
    return _event_body(event_id, ts, event, user)


def _thread_reply(event_id: str, ts: str, thread_ts: str, text: str) -> str:
    """A reply in a thread without a mention (message.channels)."""
    event = {"type": "message", "text": text, "thread_ts": thread_ts, "channel_type": "channel"}
    return _event_body(event_id, ts, event, "UASKER")


def _event_body(event_id: str, ts: str, event: dict[str, str], user: str) -> str:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": TEAM_ID,
            "api_app_id": "A0TEST",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": {**event, "user": user, "ts": ts, "channel": "CREPLICA", "event_ts": ts},
        }
    )


async def _post(port: int, body: str, retry: int | None = None) -> int:
    now = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(now),
        "X-Slack-Signature": sign(body, now),
    }
    if retry is not None:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as resp,
    ):
        return resp.status


async def test_a_retry_on_the_other_replica_gets_no_second_reply(
    replicas: tuple[FakeSlackApi, list[int]],
) -> None:
    api, (first, second) = replicas
    body = _mention("EvREPLICA1", "1710000100.000100", "Wann wurde SenseTime gegründet?")
    assert await _post(first, body) == 200
    await api.wait_for(lambda a: len(a.posts()) >= 1, timeout=10)
    assert await _post(second, body, retry=1) == 200
    # a barrier: a new event on the second replica is answered after the retry was handled
    marker = _mention("EvREPLICA2", "1710000100.000200", "Who is the CFO of SenseTime?")
    assert await _post(second, marker) == 200
    await api.wait_for(lambda a: len(a.posts()) >= 2, timeout=10)
    threads = [p["thread_ts"] for p in api.posts()]
    assert sorted(threads) == ["1710000100.000100", "1710000100.000200"]
    assert "2014" in api.posts()[0]["text"]


async def test_a_follow_up_on_the_other_replica_is_understood(
    replicas: tuple[FakeSlackApi, list[int]],
) -> None:
    api, (first, second) = replicas
    root = "1710000200.000100"
    question = _mention("EvREPLICA3", root, "Wie groß ist das AI Subsidy Scheme?")
    assert await _post(first, question) == 200
    await api.wait_for(lambda a: len(a.posts()) >= 1, timeout=10)
    follow_up = _thread_reply("EvREPLICA4", "1710000200.000200", root, "und RAISe+?")
    assert await _post(second, follow_up) == 200
    await api.wait_for(lambda a: len(a.posts()) >= 2, timeout=10)
    reply = api.posts()[1]
    assert reply["thread_ts"] == root and "HK$10" in reply["text"]
