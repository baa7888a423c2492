"""Slack fixtures: the fake Web API, the real adapter served on loopback, signed requests."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import socket
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from bot.adapters.slack import serve
from bot.service import QABot
from bot.settings import PROJECT_ROOT, Settings
from bot.store import KnowledgeStore
from tests.slack.fake_slack_api import BOT_USER_ID, TEAM_ID, FakeSlackApi

KNOWLEDGE = PROJECT_ROOT / "knowledge"
SIGNING_SECRET = "test-signing-secret-not-real"
BOT_TOKEN = "xoxb-test-not-a-real-token"
ADMIN = "UADMIN"


def slack_settings(api: FakeSlackApi, **overrides: Any) -> Settings:
    """Settings for a test: fake tokens, the fake API's URL, UADMIN as the only admin."""
    values: dict[str, Any] = {
        "knowledge_dir": KNOWLEDGE,
        "default_lang": "en",
        "admins": {"slack_user_ids": [ADMIN]},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": None,
        "SLACK_API_URL": api.base_url,
    }
    values.update(overrides)
    return Settings(**values)


def sign(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    """Slack's v0 request signature."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_healthy(proc: asyncio.subprocess.Process, port: int, timeout: float = 20) -> None:
    """Until a `qabot slack` process's /healthz says 200; fails if it ends first (bounded)."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            assert proc.returncode is None, f"qabot ended with {proc.returncode}"
            assert time.monotonic() < deadline, "qabot slack did not become healthy"
            await asyncio.sleep(0.05)


@dataclass(frozen=True)
class Reply:
    """Our HTTP response to one request from "Slack"."""

    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class SlackHarness:
    """Plays Slack: sends signed, documented-shape requests to the adapter under test."""

    api: FakeSlackApi
    url: str
    session: aiohttp.ClientSession
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    async def settled(self, timeout: float = 5.0) -> None:
        """Wait until the adapter has no reply in flight (polls /healthz, bounded)."""
        deadline = time.monotonic() + timeout
        while True:
            async with self.session.get(f"{self.url}/healthz") as resp:
                if (await resp.json())["in_flight"] == 0:
                    return
            if time.monotonic() > deadline:
                raise AssertionError(f"replies still in flight after {timeout}s")
            await asyncio.sleep(0.005)

    def next_ts(self) -> str:
        return f"1710000000.{next(self._ids):06d}"

    async def post_raw(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        ts = int(time.time()) if timestamp is None else timestamp
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature if signature is not None else sign(body, ts),
            **(headers or {}),
        }
        async with self.session.post(
            f"{self.url}/slack/events", data=body.encode(), headers=all_headers
        ) as resp:
            return Reply(resp.status, await resp.text())

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> Reply:
        body = {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": "A0TEST",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post_raw(json.dumps(body), "application/json", headers=headers)

    def mention_event(
        self, text: str, *, channel: str = "C1", user: str = "U1", thread_ts: str | None = None
    ) -> dict[str, Any]:
        ts = self.next_ts()
        event = {
            "type": "app_mention",
            "user": user,
            "text": f"<@{BOT_USER_ID}> {text}",
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return event

    def dm_event(self, text: str, *, channel: str = "D1", user: str = "U1") -> dict[str, Any]:
        return self.message_event(text, channel=channel, user=user, channel_type="im")

    def message_event(
        self,
        text: str,
        *,
        channel: str = "C1",
        user: str = "U1",
        channel_type: str = "channel",
        thread_ts: str | None = None,
    ) -> dict[str, Any]:
        """A `message.im` / `message.channels` / `message.groups` event."""
        ts = self.next_ts()
        event = {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": channel_type,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return event

    async def command(
        self, command: str, text: str = "", *, user: str = "U1", channel: str = "C1", url: str = ""
    ) -> Reply:
        """A signed slash command; `url` is its response_url (by default one of the fake's)."""
        form = {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "qabot-test",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0TEST",
            "response_url": url or self.api.response_url(command.strip("/")),
            "trigger_id": "1.2.3",
        }
        body = urllib.parse.urlencode(form)
        return await self.post_raw(body, "application/x-www-form-urlencoded")

    def click_payload(
        self,
        value: str,
        *,
        channel: str = "C1",
        message_ts: str = "1710000000.999999",
        thread_ts: str | None = None,
        user: str = "U1",
        action_id: str = "qabot_suggest_0",
    ) -> dict[str, Any]:
        """A documented `block_actions` payload: one button with `value` clicked."""
        container: dict[str, Any] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
        }
        message: dict[str, Any] = {"type": "message", "ts": message_ts, "bot_id": "BBOT"}
        if thread_ts:
            container["thread_ts"] = thread_ts
            message["thread_ts"] = thread_ts
        return {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "A0TEST",
            "token": "legacy-verification-token",
            "container": container,
            "trigger_id": "1.2.3",
            "team": {"id": TEAM_ID, "domain": "qabot-test"},
            "channel": {"id": channel, "name": "general"},
            "message": message,
            "response_url": self.api.response_url("action"),
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "suggest",
                    "text": {"type": "plain_text", "text": "a suggestion"},
                    "value": value,
                    "type": "button",
                    "action_ts": "1710000001.000000",
                }
            ],
        }

    async def post_payload(self, payload: dict[str, Any]) -> Reply:
        """Post an interactivity payload as Slack does: a signed form with one `payload` field."""
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return await self.post_raw(body, "application/x-www-form-urlencoded")

    async def click(self, value: str, **options: Any) -> Reply:
        """A click on a button with `value` (options: see `click_payload`)."""
        return await self.post_payload(self.click_payload(value, **options))


def _slack_settings() -> Settings:
    return Settings(knowledge_dir=KNOWLEDGE, default_lang="en", admins={"slack_user_ids": [ADMIN]})


@pytest.fixture(scope="session")
def slack_store() -> KnowledgeStore:
    """The shipped knowledge, loaded once."""
    return KnowledgeStore.open(KNOWLEDGE, _slack_settings())


@pytest.fixture
def slack_bot(slack_store: KnowledgeStore) -> QABot:
    """The real core with UADMIN as Slack admin; fresh shared state (seen events) per test."""
    return QABot(_slack_settings(), slack_store)


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi() as api:
        yield api


StartSlack = Callable[..., Awaitable[SlackHarness]]


@pytest.fixture
async def start_slack(fake_api: FakeSlackApi, slack_bot: QABot) -> AsyncIterator[StartSlack]:
    """Start `serve()` on a loopback port; `await start_slack(bot=..., **settings_overrides)`."""
    tasks: list[asyncio.Task[None]] = []
    sessions: list[aiohttp.ClientSession] = []

    async def start(bot: QABot | None = None, **overrides: Any) -> SlackHarness:
        settings = slack_settings(fake_api, **overrides)
        port = free_port()
        ready = asyncio.Event()
        # The address comes from the settings: `[slack] host`, loopback by default.
        task = asyncio.create_task(serve(bot or slack_bot, settings, port=port, ready=ready))
        tasks.append(task)
        waiter = asyncio.create_task(ready.wait())
        await asyncio.wait({task, waiter}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if not ready.is_set():
            waiter.cancel()
            raise AssertionError(f"serve() did not become ready: {task}")
        session = aiohttp.ClientSession()
        sessions.append(session)
        return SlackHarness(fake_api, f"http://{settings.slack.host}:{port}", session)

    yield start
    for session in sessions:
        await session.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


@pytest.fixture
async def slack(start_slack: StartSlack) -> SlackHarness:
    """The adapter with default settings, ready."""
    return await start_slack()
