"""Malformed but correctly signed requests to /slack/events: never a 5xx, never a crash.

Hypothesis drives synchronous tests, so the real adapter (`serve()`) and the fake
Web API run on an event loop in a background thread for the whole module; the
tests post to it over loopback with `http.client`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import http.client
import itertools
import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.slack import serve
from bot.service import QABot
from bot.settings import Settings
from tests.slack.fake_slack_api import BOT_USER_ID, TEAM_ID, FakeSlackApi
from tests.slack.harness import (
    ADMIN,
    KNOWLEDGE,
    SIGNING_SECRET,
    free_port,
    slack_settings,
)

QUESTION = "How many companies have difficulties recruiting?"
CONTENT_TYPES = ("application/json", "application/x-www-form-urlencoded", "text/plain", "")
# Loggers whose ERROR records mean an exception escaped the adapter (aiohttp's
# "Error handling request") or bolt itself failed outside a listener.
ESCAPED = ("aiohttp.server", "aiohttp.web", "slack_bolt")
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Records(logging.Handler):
    """Every ERROR record, from any thread."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass(repr=False)
class Server:
    """The adapter and the fake Web API, running on their own loop in a thread."""

    loop: asyncio.AbstractEventLoop
    api: FakeSlackApi
    port: int
    log: Records
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return f"Server(port={self.port})"

    def post(self, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> int:
        """POST `body` with a valid Slack signature over exactly these bytes; the status."""
        ts = str(int(time.time()))
        base = b"v0:" + ts.encode() + b":" + body
        digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
        all_headers = {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": f"v0={digest}",
            **({"Content-Type": content_type} if content_type else {}),
            **(headers or {}),
        }
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("POST", "/slack/events", body=body, headers=all_headers)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def in_flight(self) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", "/healthz")
            return int(json.loads(conn.getresponse().read())["in_flight"])
        finally:
            conn.close()

    def wait(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Poll until `predicate()` holds (bounded)."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met within {timeout}s")
            time.sleep(0.005)

    def settle(self) -> None:
        self.wait(lambda: self.in_flight() == 0)

    def next_id(self) -> int:
        return next(self._ids)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="slack-under-test", daemon=True)
    thread.start()
    api = FakeSlackApi()
    asyncio.run_coroutine_threadsafe(api.__aenter__(), loop).result(10)
    bot = QABot.from_settings(
        Settings(knowledge_dir=KNOWLEDGE, default_lang="en", admins={"slack_user_ids": [ADMIN]})
    )
    port = free_port()
    ready = asyncio.Event()

    async def start() -> asyncio.Task[None]:
        task = asyncio.create_task(
            serve(bot, slack_settings(api), port=port, host="127.0.0.1", ready=ready)
        )
        await asyncio.wait_for(ready.wait(), 10)
        return task

    task = asyncio.run_coroutine_threadsafe(start(), loop).result(15)
    records = Records()
    logging.getLogger().addHandler(records)
    try:
        yield Server(loop, api, port, records)
    finally:
        logging.getLogger().removeHandler(records)

        async def stop() -> None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await api.__aexit__(None, None, None)

        asyncio.run_coroutine_threadsafe(stop(), loop).result(15)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def check(server: Server, status: int) -> None:
    """Answered 2xx or 4xx, and nothing escaped into aiohttp's or bolt's error log."""
    escaped = [r for r in server.log.records if r.name.startswith(ESCAPED)]
    assert not escaped, "\n".join(logging.Formatter().format(r) for r in escaped)
    assert 200 <= status < 500, status


# -- strategies --------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)
wrong = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.lists(json_values, max_size=3),
    st.dictionaries(st.text(max_size=5), json_values, max_size=3),
    st.text(max_size=30),
)
EVENT_KEYS = ("type", "user", "text", "ts", "channel", "event_ts", "thread_ts", "channel_type")
ENVELOPE_KEYS = ("type", "event", "event_id", "team_id", "api_app_id", "authorizations")


def envelope(n: int, event_type: str) -> dict[str, Any]:
    ts = f"1710000000.{n:06d}"
    event = {
        "type": event_type,
        "user": "U1",
        "text": f"<@{BOT_USER_ID}> {QUESTION}",
        "ts": ts,
        "channel": "D1" if event_type == "message" else "C1",
        "event_ts": ts,
        "channel_type": "im" if event_type == "message" else "channel",
    }
    return {
        "token": "legacy",
        "team_id": TEAM_ID,
        "api_app_id": "A0TEST",
        "event": event,
        "type": "event_callback",
        "event_id": f"EvPROP{n:08d}",
        "event_time": 1710000000,
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }


@st.composite
def mangled_events(draw: st.DrawFn, n: int) -> dict[str, Any]:
    """A real event envelope with keys dropped or given values of the wrong type."""
    body = envelope(n, draw(st.sampled_from(["app_mention", "message"])))
    for key in draw(st.lists(st.sampled_from(EVENT_KEYS), max_size=4, unique=True)):
        if draw(st.booleans()):
            body["event"].pop(key, None)
        else:
            body["event"][key] = draw(wrong)
    for key in draw(st.lists(st.sampled_from(ENVELOPE_KEYS), max_size=2, unique=True)):
        if draw(st.booleans()):
            body.pop(key, None)
        else:
            body[key] = draw(wrong)
    return body


def form(fields: dict[str, str]) -> bytes:
    return urllib.parse.urlencode(fields).encode()


# -- tests -------------------------------------------------------------------------


@SETTINGS
@given(body=st.binary(max_size=300), content_type=st.sampled_from(CONTENT_TYPES))
def test_random_bytes(server: Server, body: bytes, content_type: str) -> None:
    check(server, server.post(body, content_type))


@SETTINGS
@given(text=st.text(max_size=200), content_type=st.sampled_from(CONTENT_TYPES[:2]))
def test_text_that_is_not_json_or_a_form(server: Server, text: str, content_type: str) -> None:
    check(server, server.post(text.encode(), content_type))


@SETTINGS
@given(value=json_values)
def test_any_json_document(server: Server, value: Any) -> None:
    check(server, server.post(json.dumps(value).encode(), "application/json"))


@SETTINGS
@given(fields=st.dictionaries(st.text(max_size=12), st.text(max_size=30), max_size=6))
def test_forms_without_payload_or_command(server: Server, fields: dict[str, str]) -> None:
    fields.pop("payload", None)
    fields.pop("command", None)
    check(server, server.post(form(fields), "application/x-www-form-urlencoded"))


@SETTINGS
@given(payload=st.text(max_size=100) | json_values.map(json.dumps))
def test_interactivity_payload_that_is_not_an_action(server: Server, payload: str) -> None:
    check(server, server.post(form({"payload": payload}), "application/x-www-form-urlencoded"))


@SETTINGS
@given(
    command=st.sampled_from(["/ask", "/stat", "/kb", "/nope", "", "ask"]),
    fields=st.dictionaries(
        st.sampled_from(["text", "user_id", "channel_id", "response_url", "team_id"]),
        st.text(max_size=30),
    ),
)
def test_commands_with_fields_missing_or_odd(
    server: Server, command: str, fields: dict[str, str]
) -> None:
    check(
        server,
        server.post(
            form({"command": command, **fields}),
            "application/json"[:0] or "application/x-www-form-urlencoded",
        ),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_events_with_fields_missing_or_of_the_wrong_type(
    server: Server, data: st.DataObject
) -> None:
    body = data.draw(mangled_events(server.next_id()))
    check(server, server.post(json.dumps(body).encode(), "application/json"))


def test_still_serving_afterwards(server: Server) -> None:
    """Runs last in this module: after all of the above, a mention gets exactly one reply."""
    server.settle()
    before = len(server.api.posts())
    n = server.next_id() + 10_000
    status = server.post(json.dumps(envelope(n, "app_mention")).encode(), "application/json")
    assert status == 200
    server.wait(lambda: len(server.api.posts()) > before)
    server.settle()
    posts = server.api.posts()[before:]
    assert len(posts) == 1 and "49" in posts[0]["text"]
    check(server, 200)
