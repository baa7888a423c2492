"""Slack adapter: the bolt app, served over HTTP or Socket Mode (the runner drives it).

HTTP mode: an aiohttp server with `POST /slack/events` (events, commands and
interactivity, signature-checked by bolt), `GET /healthz` and `GET /metrics`. Socket Mode when
`SLACK_APP_TOKEN` is set. The listeners live in `slack_handlers`.
"""

from __future__ import annotations

import asyncio
import functools
import logging

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters import serve_until_cancelled
from bot.adapters.slack_handlers import SlackListeners
from bot.errors import QabotError
from bot.service import QABot
from bot.settings import Settings

log = logging.getLogger("qabot.slack")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
_FATAL_AUTH_ERRORS = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked"})


class SlackConfigError(QabotError):
    """Slack cannot start: a token or the signing secret is missing or rejected."""


class _AnyServerErrorRetryHandler(AsyncServerErrorRetryHandler):
    """Retries every 5xx (slack_sdk's own handler retries only 500 and 503)."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and 500 <= response.status_code < 600


def make_client(settings: Settings) -> AsyncWebClient:
    """Web API client: base URL from SLACK_API_URL; 429, 5xx and timeouts retried, bounded."""
    if settings.slack_bot_token is None:
        raise SlackConfigError("SLACK_BOT_TOKEN is not set (the xoxb- bot token)")
    retries = max(0, settings.slack.api_retries)
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.25)
    handlers: list[AsyncRetryHandler] = [
        AsyncRateLimitErrorRetryHandler(max_retry_count=retries),  # sleeps Retry-After
        _AnyServerErrorRetryHandler(max_retry_count=retries, interval_calculator=backoff),
        AsyncConnectionErrorRetryHandler(
            max_retry_count=retries,
            interval_calculator=backoff,
            error_types=[aiohttp.ServerConnectionError, aiohttp.ClientOSError, TimeoutError],
        ),
    ]
    base_url = (
        settings.slack_api_url
        if settings.slack_api_url.endswith("/")
        else f"{settings.slack_api_url}/"
    )
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=base_url,
        timeout=settings.slack.api_timeout_s,  # type: ignore[arg-type]  # float is fine
        retry_handlers=handlers,
    )


# The JSON types Slack documents for the fields bolt and our listeners read. bolt
# parses the body and reads its context from it before it checks the signature, and
# trusts these types: "[1]", "event": 5 or "channel": [] would otherwise be a 500.
_OPTIONAL = (dict, str, type(None))
_TOP_LEVEL: dict[str, tuple[type, ...]] = {
    **dict.fromkeys(("type", "token", "team_id", "api_app_id", "event_id"), (str,)),
    **dict.fromkeys(("command", "text", "user_id", "channel_id", "response_url"), (str,)),
    **dict.fromkeys(("event", "container", "message", "view"), (dict,)),
    **dict.fromkeys(("enterprise", "team", "channel"), _OPTIONAL),
    "user": (dict, str),
    "authorizations": (list,),
    "actions": (list,),
}
_MESSAGE_EVENT = dict.fromkeys(
    ("type", "user", "text", "ts", "thread_ts", "event_ts", "channel", "channel_type"),
    (str,),
) | dict.fromkeys(("subtype", "bot_id", "team", "user_team"), (str, type(None)))


def malformed(body: object) -> str | None:
    """Why a parsed request body does not have Slack's shape, or None if it does."""
    if not isinstance(body, dict):
        return f"a {type(body).__name__}, not an object"
    problem = _wrong_types(body, _TOP_LEVEL, "")
    if problem is None and any(not isinstance(a, dict) for a in body.get("authorizations", [])):
        problem = "authorizations: not a list of objects"
    if problem is None and any(not isinstance(a, dict) for a in body.get("actions", [])):
        problem = "actions: not a list of objects"
    event = body.get("event")
    if problem is None and event is not None and event.get("type") in ("app_mention", "message"):
        problem = _wrong_types(event, _MESSAGE_EVENT, "event.")
    return problem


def _wrong_types(obj: dict[str, object], types: dict[str, tuple[type, ...]], at: str) -> str | None:
    for key, allowed in types.items():
        if key in obj and not isinstance(obj[key], allowed):
            return f"{at}{key}: {type(obj[key]).__name__}"
    return None


def _drop_token_skipped(record: logging.LogRecord) -> bool:
    # bolt also reads SLACK_BOT_TOKEN from the environment and then warns that our
    # client (which holds that very token) wins; the warning would only confuse.
    return record.getMessage() != warning_client_prioritized_and_token_skipped()


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
        host: str = "0.0.0.0",
    ) -> None:
        self.settings = settings
        self.port, self.host = port, host
        self.socket_mode = settings.slack_app_token is not None
        secret = settings.slack_signing_secret
        if secret is None and not self.socket_mode:
            raise SlackConfigError("SLACK_SIGNING_SECRET is not set (needed in HTTP mode)")
        self.listeners = SlackListeners(bot, settings)
        self.bot = bot
        bot.enable_metrics()
        bolt_log = logging.getLogger("slack_bolt.AsyncApp")
        bolt_log.addFilter(_drop_token_skipped)
        try:
            self.app = AsyncApp(
                client=make_client(settings),
                signing_secret=secret.get_secret_value() if secret else "",
                request_verification_enabled=secret is not None,
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
        self._site: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None

    def web_app(self, *, events: bool = True) -> web.Application:
        """`POST /slack/events` (unless `events` is false), `GET /healthz`, `GET /metrics`."""
        web_app = web.Application()
        if events:
            web_app.router.add_post(EVENTS_PATH, self._events)
        web_app.router.add_get(HEALTH_PATH, self._health)
        web_app.router.add_get(METRICS_PATH, self._metrics)
        return web_app

    async def _metrics(self, request: web.Request) -> web.Response:
        body, content_type = self.bot.metrics.render()
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def _events(self, request: web.Request) -> web.Response:
        try:
            bolt_request = await to_bolt_request(request)
            problem = malformed(bolt_request.body)
        except (UnicodeDecodeError, LookupError, ValueError, TypeError, AttributeError) as e:
            problem = f"{type(e).__name__}: {e}"
        if problem is None:
            try:
                return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))
            except Exception as e:  # bolt's own error path failed on an odd body
                problem = f"{type(e).__name__}: {e}"
                log.warning("slack: bolt failed on a request", exc_info=True)
        log.warning("slack: malformed request refused (%s)", problem)
        return web.json_response({"error": "malformed request"}, status=400)

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

    async def serve(self, ready: asyncio.Event) -> None:
        """Serve until cancelled (see the class docstring)."""
        if not self.socket_mode:
            port = self.settings.slack.port if self.port is None else self.port
            self._site = await _start_site(self.web_app(), self.host, port)
            await self.start()
            log.info("slack: HTTP mode on %s:%s%s", self.host, port, EVENTS_PATH)
        else:
            if self.port is not None:
                self._site = await _start_site(self.web_app(events=False), self.host, self.port)
            await self.start()
            app_token = self.settings.slack_app_token.get_secret_value()  # type: ignore[union-attr]
            self._socket = AsyncSocketModeHandler(self.app, app_token)
            await self._socket.connect_async()
            log.info("slack: Socket Mode connected")
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
        if self._site is not None:
            await self._site.cleanup()
            self._site = None
        log.info("slack: stopped")


def build_app(bot: QABot, settings: Settings) -> AsyncApp:
    """The slack-bolt app with every qabot listener registered."""
    return SlackAdapter(bot, settings).app


async def _start_site(web_app: web.Application, host: str, port: int) -> web.AppRunner:
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
    host: str = "0.0.0.0",
    ready: asyncio.Event | None = None,
) -> None:
    """Serve Slack until cancelled, then close (what the runner does for each platform)."""
    adapter = functools.partial(SlackAdapter, bot, settings, port=port, host=host)
    await serve_until_cancelled(adapter, ready or asyncio.Event())


__all__ = ["SlackAdapter", "SlackConfigError", "build_app", "serve"]
