"""A local fake of Slack's Web API and response_url endpoints that records every call.

Runs an aiohttp server on an ephemeral 127.0.0.1 port. `base_url` is what
SLACK_API_URL points at. Each call is recorded with its method and decoded
payload (JSON or form); failures can be queued per method: an HTTP status
(429 with Retry-After, 500, ...), a body that is not JSON, or one of an odd shape.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0TEST"
RESPONSE_URL_SECRET = "rUsEcReT0fThIsReSpOnSeUrL"


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str  # Web API method, or "response_url" for a respond() post
    payload: dict[str, Any]
    status: int  # what the fake answered
    ok: bool = True  # false when the fake answered an error or a body that is not JSON
    path: str = ""
    at: float = field(default_factory=time.perf_counter)  # when it came in


@dataclass
class _Failure:
    status: int
    retry_after: str | None = None
    garbage: bool = False
    error: str | None = None
    hang_up: bool = False
    body: dict[str, Any] | None = None  # answered as given


@dataclass
class FakeSlackApi:
    """The fake server; use as `async with FakeSlackApi() as api:`."""

    calls: list[Call] = field(default_factory=list)
    _failures: dict[str, deque[_Failure]] = field(default_factory=lambda: defaultdict(deque))
    _holds: dict[str, deque[asyncio.Event]] = field(default_factory=lambda: defaultdict(deque))
    _runner: web.AppRunner | None = None
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    port: int = 0
    locales: dict[str, str] = field(default_factory=dict)  # user → users.info locale

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "cmd") -> str:
        """A response_url as Slack makes them: its last part is the secret that lets anyone
        holding the URL post into the channel for 30 minutes."""
        return f"http://127.0.0.1:{self.port}/respond/{name}/{RESPONSE_URL_SECRET}"

    async def __aenter__(self) -> FakeSlackApi:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{name}/{secret}", self._respond)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------ failure injection

    def fail_next(
        self,
        method: str,
        n: int = 1,
        *,
        status: int,
        retry_after: str | None = None,
        error: str | None = None,
    ) -> None:
        """Answer the next `n` calls of `method` with `status`, Retry-After and `error`."""
        for _ in range(n):
            self._failures[method].append(_Failure(status, retry_after, error=error))

    def hang_up_next(self, method: str, n: int = 1) -> None:
        """Close the connection of the next `n` calls of `method` without an answer."""
        for _ in range(n):
            self._failures[method].append(_Failure(0, hang_up=True))

    def garbage_next(self, method: str, n: int = 1) -> None:
        """Answer the next `n` calls of `method` with 200 and a body that is not JSON."""
        for _ in range(n):
            self._failures[method].append(_Failure(200, garbage=True))

    def hold_next(self, method: str) -> asyncio.Event:
        """Hold the answer to the next call of `method` until the returned event is set (a
        Slack slow to answer); the call is recorded when it comes in."""
        release = asyncio.Event()
        self._holds[method].append(release)
        return release

    def reply_next(self, method: str, body: dict[str, Any]) -> None:
        """Answer the next call of `method` with 200 and `body` as given (a shape Slack's
        documentation does not promise, too)."""
        self._failures[method].append(_Failure(200, body=body))

    # ------------------------------------------------------------ queries

    def of(self, method: str, *, delivered: bool = True) -> list[Call]:
        """Calls of `method` (only those answered 200 with JSON, unless `delivered` is false)."""
        return [c for c in self.calls if c.method == method and (c.ok or not delivered)]

    def posts(self) -> list[dict[str, Any]]:
        """Payloads of delivered chat.postMessage calls."""
        return [c.payload for c in self.of("chat.postMessage")]

    def responses(self) -> list[dict[str, Any]]:
        """Payloads posted to response_url."""
        return [c.payload for c in self.of("response_url")]

    async def wait_for(
        self, predicate: Callable[[FakeSlackApi], bool], *, timeout: float = 5.0
    ) -> None:
        """Poll until `predicate(self)` holds; fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not predicate(self):
            if time.monotonic() > deadline:
                methods = [c.method for c in self.calls]
                raise AssertionError(f"timed out after {timeout}s; calls so far: {methods}")
            await asyncio.sleep(0.005)

    # ------------------------------------------------------------ handlers

    async def _payload(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        return {**request.query, **(await request.post())}  # GET methods send a query

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        payload = await self._payload(request)
        queue = self._failures.get(method)
        if queue:
            failure = queue.popleft()
            self.calls.append(Call(method, payload, failure.status, ok=False))
            if failure.hang_up:
                return _hang_up(request)
            if failure.garbage:
                return web.Response(status=200, text="<html>not json", content_type="text/html")
            if failure.body is not None:
                return web.json_response(failure.body)
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
            default = "ratelimited" if failure.status == 429 else "fatal_error"
            body = {"ok": False, "error": failure.error or default}
            return web.json_response(body, status=failure.status, headers=headers)
        self.calls.append(Call(method, payload, 200, ok=True))
        holds = self._holds.get(method)
        if holds:
            await holds.popleft().wait()
        return web.json_response(self._ok(method, payload))

    def _ok(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://qabot-test.example/",
                "team": "qabot test",
                "user": "qabot",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if method == "users.info":
            user = str(payload.get("user"))
            found = {"id": user}
            if str(payload.get("include_locale")).lower() in ("1", "true"):  # only when asked
                found["locale"] = self.locales.get(user, "en-US")
            return {"ok": True, "user": found}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": payload.get("channel"), "ts": ts, "message": payload}
        return {"ok": True}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: say hello, then record the client's acks until it hangs up."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {}})
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.socket_acks.append(json.loads(msg.data))
        self.sockets.remove(ws)
        return ws

    async def push_event(
        self, body: dict[str, Any], envelope_id: str, kind: str = "events_api"
    ) -> None:
        """Send an envelope to every connected Socket Mode client: an Events API one, or
        `kind` "interactive" (a click) or "slash_commands"."""
        envelope = {
            "envelope_id": envelope_id,
            "payload": body,
            "type": kind,
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await self.send_frame(json.dumps(envelope))

    async def send_frame(self, text: str) -> None:
        """Send one WebSocket text frame as it is to every connected Socket Mode client."""
        for ws in list(self.sockets):
            await ws.send_str(text)

    async def _respond(self, request: web.Request) -> web.Response:
        payload = await self._payload(request)
        queue = self._failures.get("response_url")
        if queue:  # Slack answers a spent or expired response_url in plain text
            failure = queue.popleft()
            self.calls.append(Call("response_url", payload, failure.status, ok=False))
            if failure.hang_up:
                return _hang_up(request)
            return web.Response(status=failure.status, text=failure.error or "fatal_error")
        self.calls.append(Call("response_url", payload, 200, ok=True, path=request.path))
        return web.Response(text="ok")


def _hang_up(request: web.Request) -> web.Response:
    """Drop the connection: the client sees it closed before any answer."""
    assert request.transport is not None
    request.transport.close()
    return web.Response()


def sent_text(payload: dict[str, Any]) -> str:
    """Every string of a message payload (text and all blocks), for "contains" checks."""
    return json.dumps(payload, ensure_ascii=False)
