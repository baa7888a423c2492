"""Slack adapter: the bolt app, served over HTTP or Socket Mode (the runner drives it).

HTTP mode: an aiohttp server on `[slack] host:port` with `POST /slack/events` (events,
commands and interactivity; signature and shape checked by `slack_requests` before bolt
sees them), `GET /healthz` and `GET /metrics` (or /metrics on an address of its own).
Socket Mode when `SLACK_APP_TOKEN` is set (its deliveries' shape checked the same way).
The listeners live in `slack_handlers`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import send_async_response
from slack_bolt.adapter.socket_mode.internals import build_headers
from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.middleware.authorization.async_single_team_authorization import (
    AsyncSingleTeamAuthorization,
)
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.adapters import serve_until_cancelled
from bot.adapters.slack_client import SlackConfigError, make_client
from bot.adapters.slack_handlers import SlackListeners
from bot.adapters.slack_requests import (
    MALFORMED,
    SignatureCheck,
    bolt_request,
    dispatch,
    socket_mode_request,
)
from bot.service import QABot
from bot.settings import Settings, SlackSettings

log = logging.getLogger("qabot.slack")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
# What Slack answers a token it will never take (not_allowed_token_type: a bot token given
# as the app token, or the other way round).
_FATAL_AUTH_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "not_allowed_token_type"}
)


def _drop_token_skipped(record: logging.LogRecord) -> bool:
    # bolt also reads SLACK_BOT_TOKEN from the environment and then warns that our
    # client (which holds that very token) wins; the warning would only confuse.
    return record.getMessage() != warning_client_prioritized_and_token_skipped()


def _bad_http_in_one_line(record: logging.LogRecord) -> bool:
    # aiohttp answers a request it cannot parse with 400 and logs it at ERROR with a
    # traceback; anyone can send one, so it becomes one warning naming the error's class
    # (its text may quote the request). A client that leaves before its body (or the
    # 100 Continue) is through is logged the same way: one line, and no error of ours.
    error = record.exc_info[1] if record.exc_info else None
    if isinstance(error, BadHttpMessage):
        refused = f"refused with 400 ({type(error).__name__})"
        _one_line(record, f"{record.getMessage()}: {refused}", logging.WARNING)
    elif isinstance(error, ConnectionResetError):
        went_away = f"the client went away ({type(error).__name__})"
        _one_line(record, f"{record.getMessage()}: {went_away}", logging.INFO)
    return True


def _unparsed_frame_in_one_line(record: logging.LogRecord) -> bool:
    # slack_sdk parses a Socket Mode frame that starts with "{" before any listener of
    # ours, and logs one that is not JSON at ERROR with a traceback. A frame without an
    # envelope needs no ack; one line says it was dropped.
    error = record.exc_info[1] if record.exc_info else None
    if record.getMessage().startswith("Failed to process a message") and isinstance(
        error, ValueError | RecursionError
    ):
        dropped = f"slack: Socket Mode frame dropped, not JSON ({type(error).__name__})"
        _one_line(record, dropped, logging.WARNING)
    return True


def _one_line(record: logging.LogRecord, message: str, level: int) -> None:
    record.msg = message
    record.args, record.exc_info, record.exc_text = None, None, None
    record.levelno, record.levelname = level, logging.getLevelName(level)


def _drop_unhandled_request(record: logging.LogRecord) -> bool:
    # bolt's warning quotes the payload's type and ids in full and adds a code sample;
    # `_events` logs one fixed line instead.
    return not record.getMessage().startswith("Unhandled request")


class SlackAdapter:
    """A bolt app wired to the core, plus what serving it needs (session, health, shutdown).

    The adapter contract (`bot.adapters.Adapter`): `serve` Socket Mode if SLACK_APP_TOKEN
    is set, else HTTP on `port` (in Socket Mode an HTTP server for health only when
    `port` is given); `close`.
    """

    def __init__(
        self,
        bot: QABot,
        settings: Settings,
        *,
        port: int | None = None,
        host: str | None = None,
    ) -> None:
        self.settings = settings
        self.port = port
        self.host = settings.slack.host if host is None else host
        self.socket_mode = settings.slack_app_token is not None
        secret = settings.slack_signing_secret
        if secret is None and not self.socket_mode:
            raise SlackConfigError("SLACK_SIGNING_SECRET is not set (needed in HTTP mode)")
        self.signatures = SignatureCheck(secret.get_secret_value()) if secret else None
        self.listeners = SlackListeners(bot, settings)
        self.bot = bot
        bot.enable_metrics()
        bolt_log = logging.getLogger("slack_bolt.AsyncApp")
        bolt_log.addFilter(_drop_token_skipped)
        bolt_log.addFilter(_drop_unhandled_request)
        try:
            self.app = AsyncApp(
                client=make_client(settings),
                # `_events` checks the signature on the raw bytes before anything parses
                # them; bolt's own check parses first and logs refused bodies in full.
                request_verification_enabled=False,
                # Listeners only ack and start a task, so bolt may answer Slack after them.
                process_before_response=True,
                # bolt configures a logger of this name: "qabot" would reset the level
                # of our own "qabot.*" loggers to whatever the root's was at this moment.
                name="qabot-bolt",
            )
        finally:
            bolt_log.removeFilter(_drop_token_skipped)
        self.listeners.register(self.app)
        self.ready = False
        self._session: aiohttp.ClientSession | None = None
        self._sites: list[web.AppRunner] = []
        self._socket: AsyncSocketModeHandler | None = None

    def web_app(self, *, events: bool = True, metrics: bool = True) -> web.Application:
        """`POST /slack/events` (unless `events` is false), `GET /healthz`, and `GET /metrics`
        (unless `metrics` is false)."""
        web_app = web.Application()
        if events:
            web_app.router.add_post(EVENTS_PATH, self._events)
        web_app.router.add_get(HEALTH_PATH, self._health)
        if metrics:
            web_app.router.add_get(METRICS_PATH, self._metrics)
        return web_app

    def metrics_app(self) -> web.Application:
        """`GET /metrics` alone, for an address of its own (`[slack] metrics_port`)."""
        web_app = web.Application()
        web_app.router.add_get(METRICS_PATH, self._metrics)
        return web_app

    async def _metrics(self, request: web.Request) -> web.Response:
        body, content_type = self.bot.metrics.render()
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def _events(self, request: web.Request) -> web.Response:
        try:
            body = await request.read()
        except web.RequestPayloadError:  # a `Content-Encoding` the body does not decode as
            log.warning(
                "slack: request refused, its body does not decode (from %s)", request.remote
            )
            # The stream is broken: end it, or aiohttp drains it after the reply, fails the
            # same way and logs that with a traceback; and close the connection.
            request.content.feed_eof()
            refused = web.json_response({"error": "malformed request"}, status=400)
            refused.force_close()
            return refused
        refusal = self._refusal(request, body)
        if refusal is not None:
            log.warning(
                "slack: request refused, %s (%d bytes from %s)", refusal, len(body), request.remote
            )
            return web.json_response({"error": "invalid request"}, status=401)

        def make() -> AsyncBoltRequest:  # decoding (charset) and parsing fail inside dispatch
            text = body.decode(request.charset or "utf-8")
            return bolt_request(text, request.query_string, request.headers)

        return await to_aiohttp_response(await dispatch(self.app, make))

    def _refusal(self, request: web.Request, body: bytes) -> str | None:
        if self.signatures is None:  # Socket Mode: Slack does not post to us
            return "no signing secret"
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        return self.signatures.refusal(body, timestamp, request.headers.get("X-Slack-Signature"))

    async def _health(self, request: web.Request) -> web.Response:
        in_flight = self.listeners.in_flight
        if self.ready:
            return web.json_response({"status": "ok", "in_flight": in_flight})
        return web.json_response({"status": "starting", "in_flight": in_flight}, status=503)

    async def start(self) -> None:
        """Share one HTTP session for the Web API and check the bot token once."""
        # slack_sdk applies its own `timeout` only to sessions it creates itself; a
        # shared session must carry it, or a stalled call hangs for aiohttp's 5 minutes.
        timeout = aiohttp.ClientTimeout(total=self.settings.slack.api_timeout_s)
        self._session = aiohttp.ClientSession(timeout=timeout)
        self.app.client.session = self._session  # per-request clients copy this session
        try:
            auth = await self.app.client.auth_test()
        except SlackApiError as e:
            error = e.response.get("error")
            if error in _FATAL_AUTH_ERRORS:
                raise SlackConfigError(f"Slack rejected SLACK_BOT_TOKEN: {error}") from e
            log.warning("slack: auth.test failed (%s); carrying on", error)
        except (aiohttp.ClientError, TimeoutError) as e:
            log.warning("slack: Web API not reachable yet (%s); carrying on", e)
        else:
            log.info("slack: signed in as %s in team %s", auth.get("user_id"), auth.get("team"))
            self._authorized(auth)

    def _authorized(self, auth: AsyncSlackResponse) -> None:
        """Give bolt the token check made at start-up. Else bolt makes its own on the first
        request, before the ack, and again on each request while the Web API fails: a hung
        API would hold every ack for `api_timeout_s`, a failing one drop every event."""
        for middleware in self.app._async_middleware_list:  # bolt offers no public hook
            if isinstance(middleware, AsyncSingleTeamAuthorization):
                middleware.auth_test_result = auth

    async def _open_socket_url(self, client: SocketModeClient) -> None:
        """Get the WebSocket URL the client connects to, checking the app token: slack_sdk
        would retry a rejected one for ever (an ERROR with a traceback every 10 s). Any
        other refusal (Slack's 5xx) is left to slack_sdk, which tries again."""
        try:
            opened = await client.web_client.apps_connections_open(app_token=client.app_token)
        except SlackApiError as e:
            error = e.response.get("error")
            if error in _FATAL_AUTH_ERRORS:
                raise SlackConfigError(f"Slack rejected SLACK_APP_TOKEN: {error}") from e
            return
        client.wss_uri = opened["url"]

    async def serve(self, ready: asyncio.Event) -> None:
        """Serve until cancelled (see the class docstring)."""
        port = self.port
        if port is None and not self.socket_mode:
            port = self.settings.slack.port
        self._sites = await _start_sites(self, self.settings.slack, self.host, port)
        await self.start()
        if self.socket_mode:
            app_token = self.settings.slack_app_token.get_secret_value()  # type: ignore[union-attr]
            self._socket = CheckedSocketModeHandler(self.app, app_token)
            await self._open_socket_url(self._socket.client)
            await self._socket.connect_async()
            log.info("slack: Socket Mode connected")
        else:
            log.info("slack: HTTP mode on %s:%s%s", self.host, port, EVENTS_PATH)
        self.ready = True
        ready.set()
        await asyncio.Future()  # until cancelled

    async def close(self) -> None:
        """Finish or cancel in-flight replies, then close the socket, session and server."""
        self.ready = False
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        await self.listeners.drain()
        if self._session is not None:
            await self._session.close()
            self._session = None
        for site in self._sites:
            await site.cleanup()
        self._sites = []
        log.info("slack: stopped")


class CheckedSocketModeHandler(AsyncSocketModeHandler):
    """Socket Mode deliveries through the checks HTTP requests get (`dispatch`). One refused
    for its shape is acknowledged all the same: Slack would only send it again."""

    def __init__(self, app: AsyncApp, app_token: str) -> None:
        super().__init__(app, app_token)
        self.client.message_listeners.append(_refuse_a_payload_that_is_no_object)
        self.client.logger.addFilter(_unparsed_frame_in_one_line)

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        start = time.time()
        make = functools.partial(socket_mode_request, req.payload, build_headers(req))
        response = await dispatch(self.app, make)
        if response.status == MALFORMED:
            await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
        else:
            await send_async_response(client, req, response, start)


async def _refuse_a_payload_that_is_no_object(
    client: SocketModeClient, envelope: dict[str, Any], raw: str | None
) -> None:
    """An envelope whose payload is not an object: acknowledged, one line, dropped. slack_sdk
    reads such a payload before our handler sees it: a list, number or null raises (an ERROR
    with a traceback, no ack), a string becomes `{"text": …}` (bolt's 404, no ack)."""
    payload = envelope.get("payload")
    if "payload" not in envelope or isinstance(payload, dict):
        return
    del envelope["payload"]  # so slack_sdk builds no request of it (it runs after us)
    log.warning("slack: malformed request refused (a %s payload)", type(payload).__name__)
    envelope_id = envelope.get("envelope_id")
    if isinstance(envelope_id, str):
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=envelope_id))


def build_app(bot: QABot, settings: Settings) -> AsyncApp:
    """The slack-bolt app with every qabot listener registered."""
    return SlackAdapter(bot, settings).app


async def _start_site(web_app: web.Application, host: str, port: int) -> web.AppRunner:
    logging.getLogger("aiohttp.server").addFilter(_bad_http_in_one_line)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


async def serve(
    bot: QABot,
    settings: Settings,
    *,
    port: int | None = None,
    host: str | None = None,
    ready: asyncio.Event | None = None,
) -> None:
    """Serve Slack until cancelled, then close (what the runner does for each platform)."""
    adapter = functools.partial(SlackAdapter, bot, settings, port=port, host=host)
    await serve_until_cancelled(adapter, ready or asyncio.Event())


async def _start_sites(
    adapter: SlackAdapter, cfg: SlackSettings, host: str, port: int | None
) -> list[web.AppRunner]:
    """The HTTP servers: events and health on `host:port` (none without a port), and
    /metrics beside them or, with `[slack] metrics_port`, on an address of its own."""
    runners: list[web.AppRunner] = []
    try:
        if cfg.metrics_port is not None:
            metrics = adapter.metrics_app()
            runners.append(await _start_site(metrics, cfg.metrics_host, cfg.metrics_port))
            log.info("slack: metrics on %s:%s%s", cfg.metrics_host, cfg.metrics_port, METRICS_PATH)
        if port is not None:
            web_app = adapter.web_app(
                events=not adapter.socket_mode, metrics=cfg.metrics_port is None
            )
            runners.append(await _start_site(web_app, host, port))
    except BaseException:
        for runner in runners:
            await runner.cleanup()
        raise
    return runners


__all__ = ["SlackAdapter", "SlackConfigError", "build_app", "serve"]
