"""A fake Discord for tests: gateway (websocket, JSON, zlib-stream) and REST on 127.0.0.1.

It speaks enough of Discord's protocol for the real discord.py client: HELLO,
IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME → replay + RESUMED, and the
REST routes the client calls. Every REST call is recorded with its method,
path, query and JSON body; tests wait on them with bounded waits.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.discord.payloads import (  # noqa: F401  (re-exported for the tests)
    ADMIN_ID,
    ADMIN_ROLE_ID,
    APP_ID,
    BOT_ID,
    BOT_ROLE_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    OTHER_BOT_ID,
    THREAD_ID,
    TOKEN,
    USER_ID,
    assert_within_limits,
    command_out,
    guild_payload,
    interaction_create,
    member,
    message_create,
    message_out,
    thread_payload,
    user,
)

API_PREFIX = "/api/v10"
NO_ANSWER = -1  # `failing`: a request Discord takes and never answers
_MESSAGES = re.compile(r"/channels/\d+/messages")


@dataclass
class Call:
    """One REST request the client made."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    at: float = field(default_factory=time.perf_counter)
    response: Any = None  # what the fake answered (a posted message: its id)


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py parses a body as JSON only for exactly "application/json" (no charset),
    # and takes a 429 without `Via` for a Cloudflare ban rather than a rate limit.
    headers = {"Content-Type": "application/json", "Via": "1.1 google"}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=headers)


# One counter for every fake of the process: the session's core keeps what it saw of a
# message id (answer memory, the claim that one process answers it), as Discord's ids are
# never given twice.
_IDS = itertools.count(950000000000000000)


class FakeDiscord:
    """Gateway + REST on an ephemeral loopback port; see the module docstring."""

    def __init__(self, *, compress_replies: bool = True) -> None:
        self.calls: list[Call] = []
        # the bot's posted messages by the message they reply to, indexed as they come in:
        # waiting on replies must not scan every call on each new one (the bot's event loop
        # runs this fake too, so a scan per call would be measured as the bot's time)
        self._replies: dict[int, list[Call]] = defaultdict(list)
        self._originals: dict[str, dict[str, Any]] = {}  # interaction token → its response
        self.received: list[dict[str, Any]] = []  # gateway payloads from the client
        self.connections: list[dict[str, str]] = []  # query string of each websocket connect
        self.commands: dict[str | None, list[dict[str, Any]]] = {}
        self.compress_replies = compress_replies
        self.closes: list[int | None] = []  # close code of each finished gateway connection
        self.fail_once: set[str] = set()  # REST paths that answer 403 once
        self.forbidden: set[str] = set()  # REST paths that answer 403 every time
        # REST paths (regular expressions) whose next calls fail, one per entry: an HTTP
        # status (5xx) to answer, 0 to drop the connection before any answer, or NO_ANSWER
        # to never answer (held until the fake stops)
        self.failing: dict[str, list[int]] = {}
        self.failed: list[tuple[int, Call]] = []  # (status, call) of those: not in `calls`
        # REST paths (regular expressions) of things deleted: each call answers 404 with
        # Discord's code for what is gone (10003 Unknown Channel: a thread deleted)
        self.gone: dict[str, int] = {}
        self._stopping = asyncio.Event()
        # a close code to answer IDENTIFY with (4014: the intents asked for are not enabled)
        self.refuse_identify: int | None = None
        # REST paths (regular expressions) whose next calls answer 429, each asking for the
        # next of the waits listed (seconds)
        self.rate_limited: dict[str, list[float]] = {}
        # how many of the next gateway connections are refused (503, no websocket)
        self.refuse_gateway = 0
        # binary frames the next gateway connection gets before its HELLO (then cleared)
        self.before_hello: list[bytes] = []
        self._ids = _IDS  # snowflakes: unique across the fakes of a run, as Discord's are
        self._changed = asyncio.Condition()
        self._ws: web.WebSocketResponse | None = None
        self._zlib: Any = None
        self._history: list[dict[str, Any]] = []  # every dispatched event, for RESUME replay
        self._seq = 0
        self.session_id = "fake-session-1"
        self._runner: web.AppRunner | None = None
        self._accepting = asyncio.Event()
        self._accepting.set()
        self.port = 0

    # -- lifecycle -----------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        """Serve on `port` (0: any free one; a given one plays a Discord that comes back)."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        self._stopping.set()  # NO_ANSWER requests end
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> int:
        return next(self._ids)

    # -- waiting -------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, predicate: Any, timeout: float = 5.0) -> Any:
        """Wait (bounded) until `predicate()` is truthy; return its value."""

        async def loop() -> Any:
            async with self._changed:
                while not (value := predicate()):
                    await self._changed.wait()
                return value

        return await asyncio.wait_for(loop(), timeout)

    def find(self, method: str, pattern: str) -> list[Call]:
        rx = re.compile(pattern)
        return [c for c in self.calls if c.method == method and rx.fullmatch(c.path)]

    async def wait_call(
        self, method: str, pattern: str, count: int = 1, timeout: float = 5.0
    ) -> list[Call]:
        """Wait until at least `count` calls match; return all that match."""
        return await self.wait_until(
            lambda: len(self.find(method, pattern)) >= count and self.find(method, pattern), timeout
        )

    def replies_to(self, message_id: int) -> list[Call]:
        """Messages the bot posted as a reply to `message_id`."""
        return list(self._replies.get(message_id, ()))

    def replied(self) -> set[int]:
        """The ids of the messages the bot has replied to."""
        return set(self._replies)

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        if call.method == "POST" and _MESSAGES.fullmatch(call.path) and call.json:
            replied_to = (call.json.get("message_reference") or {}).get("message_id")
            if replied_to is not None:
                self._replies[replied_to].append(call)

    async def wait_reply(self, message_id: int, timeout: float = 5.0) -> Call:
        """The bot's reply to `message_id`, once it has been posted (bounded wait)."""
        calls = await self.wait_until(lambda: self.replies_to(message_id), timeout)
        return calls[0]

    async def barrier(self) -> None:
        """Round-trip one DM question, twice: anything dispatched before has been handled."""
        for _ in range(2):
            await self.wait_reply(await self.message("hpc", dm=True))

    def ops(self, op: int) -> list[dict[str, Any]]:
        return [p for p in self.received if p.get("op") == op]

    # -- gateway -------------------------------------------------------------------

    async def _send(self, payload: dict[str, Any]) -> None:
        await self.send_frame(json.dumps(payload))

    async def send_frame(self, data: str) -> None:
        """Send one gateway frame as given: one discord.py may be unable to read, too."""
        ws = self._ws
        if ws is None or ws.closed:
            return
        if self._zlib is not None:
            await ws.send_bytes(
                self._zlib.compress(data.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
            )
        else:
            await ws.send_str(data)

    async def send_binary(self, data: bytes) -> None:
        """Send one binary gateway frame as given, whatever the connection's compression."""
        if self._ws is not None and not self._ws.closed:
            await self._ws.send_bytes(data)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH; kept for replay, so an event sent while disconnected is resumed."""
        self._seq += 1
        payload = {"op": 0, "t": event, "s": self._seq, "d": data}
        self._history.append(payload)
        await self._send(payload)

    async def drop(self, code: int = 4000, *, hold: bool = False) -> None:
        """Close the gateway connection from the server side (4000 = resumable).

        With `hold`, new connections wait (before HELLO) until `release()`, so
        that events dispatched meanwhile can only arrive by RESUME replay.
        """
        if hold:
            self._accepting.clear()
        ws, self._ws = self._ws, None
        if ws is not None:
            await ws.close(code=code, message=b"fake drop")
        await self._notify()

    async def invalidate_session(self) -> None:
        """Op 9 with d=false: the session cannot be resumed; the client must IDENTIFY anew."""
        await self._send({"op": 9, "d": False, "s": None, "t": None})

    def release(self) -> None:
        self._accepting.set()

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        if self.refuse_gateway:
            self.refuse_gateway -= 1
            self.connections.append(dict(request.query))
            await self._notify()
            return web.Response(status=503)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await self._accepting.wait()
        self.connections.append(dict(request.query))
        self._ws = ws
        compress = request.query.get("compress")
        if compress not in (None, "zlib-stream"):
            await ws.close(code=4000, message=b"unsupported compression")
            return ws
        self._zlib = zlib.compressobj() if compress and self.compress_replies else None
        frames, self.before_hello = self.before_hello, []
        for frame in frames:
            await ws.send_bytes(frame)
        await self._send({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        await self._notify()
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            self.received.append(payload)
            await self._on_client_payload(payload)
            await self._notify()
        if self._ws is ws:
            self._ws = None
        self.closes.append(ws.close_code)
        await self._notify()
        return ws

    async def _on_client_payload(self, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == 1:
            await self._send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2 and self.refuse_identify is not None:
            await self.drop(self.refuse_identify)
        elif op == 2:
            await self._identify(data)
        elif op == 6:
            if data.get("session_id") != self.session_id:
                await self._send({"op": 9, "d": False, "s": None, "t": None})
                return
            for event in self._history:
                if event["s"] > (data.get("seq") or 0):
                    await self._send(event)
            await self.dispatch("RESUMED", {})

    async def _identify(self, data: dict[str, Any]) -> None:
        self._history.clear()
        self._seq = 0
        ready = {
            "v": 10,
            "user": user(BOT_ID, "qabot", bot=True),
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
            "session_id": self.session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
            "private_channels": [],
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        await self.dispatch("READY", ready)
        await self.dispatch("GUILD_CREATE", guild_payload())

    # -- events a test sends -------------------------------------------------------

    async def message(
        self,
        content: str,
        *,
        author: int = USER_ID,
        bot: bool = False,
        dm: bool = False,
        mentions: tuple[int, ...] = (),
        mention_everyone: bool = False,
        reply_to: int | None = None,
        channel: int | None = None,
        forward_of: int | None = None,
        role_mentions: tuple[int, ...] = (),
        webhook_id: int | None = None,
    ) -> int:
        """Dispatch MESSAGE_CREATE (a reply to `reply_to` or a forward of `forward_of`, in
        `channel`, mentioning `role_mentions`, posted by webhook `webhook_id`); returns its id."""
        mid = self.next_id()
        data = message_create(
            mid,
            content,
            author=author,
            bot=bot,
            dm=dm,
            mentions=mentions,
            mention_everyone=mention_everyone,
            reply_to=reply_to,
            channel=channel,
            forward_of=forward_of,
            role_mentions=role_mentions,
            webhook_id=webhook_id,
        )
        await self.dispatch("MESSAGE_CREATE", data)
        return mid

    async def thread(self, thread_id: int) -> None:
        """Dispatch THREAD_CREATE: someone started a thread (on message `thread_id`)."""
        data = {**thread_payload(thread_id), "newly_created": True}
        await self.dispatch("THREAD_CREATE", data)

    async def interaction(
        self,
        name: str,
        options: list[dict[str, Any]] | None = None,
        *,
        kind: int = 2,
        who: int = USER_ID,
        roles: tuple[int, ...] = (),
        perms: int = 0,
        locale: str = "en-US",
        guild_command: bool = False,
    ) -> tuple[int, str]:
        """Dispatch INTERACTION_CREATE (2 = command, 4 = autocomplete); returns (id, token)."""
        iid = self.next_id()
        token = f"itoken-{iid}"
        command = {"id": str(self.next_id()), "name": name, "type": 1, "options": options or []}
        if guild_command:
            command["guild_id"] = str(GUILD_ID)
        who_data = member(who, f"user{who % 1000}", roles=roles, perms=perms)
        data = interaction_create(
            iid, token, command, kind=kind, member_data=who_data, locale=locale
        )
        await self.dispatch("INTERACTION_CREATE", data)
        return iid, token

    async def component(
        self,
        custom_id: str,
        message: dict[str, Any],
        *,
        who: int = USER_ID,
        roles: tuple[int, ...] = (),
        perms: int = 0,
        locale: str = "en-US",
    ) -> tuple[int, str]:
        """Dispatch a button click (INTERACTION_CREATE type 3) on `message`; returns (id, token).

        `message` is the body the bot sent (content, embeds, components, flags), as
        recorded in `calls`; the click carries it back the way Discord does.
        """
        iid = self.next_id()
        token = f"itoken-{iid}"
        who_data = member(who, f"user{who % 1000}", roles=roles, perms=perms)
        data = interaction_create(
            iid,
            token,
            {"custom_id": custom_id, "component_type": 2},
            kind=3,
            member_data=who_data,
            locale=locale,
        )
        data["message"] = {
            **message_out(self.next_id(), str(CHANNEL_ID), message),
            "components": message.get("components") or [],
        }
        await self.dispatch("INTERACTION_CREATE", data)
        return iid, token

    # -- REST ----------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body = await request.json() if request.can_read_body else None
        call = Call(request.method, path, dict(request.query), body)
        failures = next((w for p, w in self.failing.items() if w and re.fullmatch(p, path)), None)
        if failures:  # never counted as delivered (nor as a reply tried: `replies_to`)
            status = failures.pop(0)
            self.failed.append((status, call))
            await self._notify()
            if status == NO_ANSWER:  # Discord took the request and never answered
                await self._stopping.wait()
            if status in (0, NO_ANSWER):  # the connection dropped: no answer at all
                if request.transport is not None:  # (the client may have hung up first)
                    request.transport.close()
                return web.Response()
            return _json({"message": f"{status}: fake outage", "code": 0}, status=status)
        gone = next((code for p, code in self.gone.items() if re.fullmatch(p, path)), None)
        if gone is not None:
            self.failed.append((404, call))
            await self._notify()
            return _json({"message": "Unknown Channel", "code": gone}, status=404)
        self._record(call)
        if path in self.fail_once or path in self.forbidden:
            self.fail_once.discard(path)
            await self._notify()
            return _json({"message": "Missing Permissions", "code": 50013}, status=403)
        limited_path = next(
            (p for p, w in self.rate_limited.items() if w and re.fullmatch(p, path)), None
        )
        if limited_path is not None:
            wait = self.rate_limited[limited_path].pop(0)
            await self._notify()
            limited = {"message": "You are being rate limited.", "retry_after": wait}
            return _json(limited | {"global": False}, status=429)
        call.response = self._route(request.method, path, body)
        await self._notify()
        if call.response is None:
            return _json({"message": "404: Not Found", "code": 0}, status=404)
        return _json(call.response)

    def _route(self, method: str, path: str, body: Any) -> Any:
        if (method, path) == ("GET", "/gateway/bot"):
            limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
            return {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}
        if (method, path) == ("GET", "/gateway"):
            return {"url": self.gateway_url}
        if (method, path) == ("GET", "/users/@me"):
            return user(BOT_ID, "qabot", bot=True)
        if (method, path) == ("GET", "/oauth2/applications/@me"):
            return {
                "id": str(APP_ID),
                "name": "qabot",
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": user(ADMIN_ID, "owner"),
                "verify_key": "0" * 64,
                "flags": 0,
                "interactions_endpoint_url": None,
            }
        if m := re.fullmatch(r"/applications/\d+(?:/guilds/(\d+))?/commands", path):
            guild = m.group(1)
            if method == "PUT":
                self.commands[guild] = [command_out(self.next_id(), c, guild) for c in body]
            return self.commands.get(guild, [])
        if m := re.fullmatch(r"/channels/(\d+)/messages", path):
            return message_out(self.next_id(), m.group(1), body) if method == "POST" else []
        if m := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path):
            out = self._callback(m.group(1), body)
            if "resource" in out:
                self._originals[m.group(2)] = out["resource"]["message"]
            return out
        if m := re.fullmatch(r"/webhooks/\d+/([^/]+)(/messages/@original)?", path):
            # the first follow-up of a deferred response is the original response
            if method == "GET" and m.group(2):
                return self._originals.get(m.group(1)) or message_out(
                    self.next_id(), str(CHANNEL_ID), {}
                )
            message = message_out(self.next_id(), str(CHANNEL_ID), body or {})
            self._originals.setdefault(m.group(1), message)
            return message
        return None

    def _callback(self, iid: str, body: dict[str, Any]) -> dict[str, Any]:
        kind = body["type"]
        data = body.get("data") or {}
        flags = data.get("flags", 0)
        out: dict[str, Any] = {
            "interaction": {
                "id": iid,
                "type": 2,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(flags & 64),
            }
        }
        if kind == 4:
            message = message_out(self.next_id(), str(CHANNEL_ID), data)
            out["interaction"]["response_message_id"] = message["id"]
            out["resource"] = {"type": 4, "message": message}
        return out
