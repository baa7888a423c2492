"""The one lifecycle of the chat platforms: `qabot run`, `qabot slack`, `qabot discord`.

Every platform with any of its credentials set (or the one asked for) runs in one process
and one event loop, each adapter under its small contract (`bot.adapters`:
serve until cancelled, close); signals are handled here and nowhere else.

Slack and Discord share one QABot, hence one knowledge store: a reload (file
watcher, `/kb reload` on either platform, SIGHUP) changes the answers on both at
once. A platform that fails is logged and the others carry on; one that lost its
network (the platform out of reach: a connection refused, a name not resolved, a
timeout, Discord's 5xx) is started again, with backoff, until it serves. The process
ends on SIGTERM/SIGINT (exit 0) or when no platform is left (exit 1; 2 when every
failure was a rejected credential). Before any platform starts, missing
credentials are reported all at once, with where to get each, and the exit is
2: with none at all, too — a server process should not fall back to an
interactive console; `qabot chat` is the console.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from bot.adapters import Adapter, serve_until_cancelled
from bot.credentials import PLATFORMS, platforms_to_run, report
from bot.service import QABot
from bot.settings import Settings
from bot.watcher import install_sighup, watch_knowledge

log = logging.getLogger("qabot.run")

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
# A platform out of reach is tried again after 1 s, 2 s, 4 s … at most this long.
RESTART_MAX_S = 60.0
# Failures of the network, not of the configuration: worth another try. By name, as for
# config errors, so that the runner imports no platform library (aiohttp's ClientError
# covers refused connections and DNS; slack_sdk and discord.py raise these).
_TRANSIENT_ERRORS = frozenset(
    {"ClientError", "ConnectionError", "TimeoutError", "DiscordServerError", "GatewayNotFound"}
)
NO_PLATFORM = (
    "`qabot run` starts every platform whose credentials are set; "
    "`qabot chat` runs the console without any."
)


def _adapters(
    bot: QABot, settings: Settings, names: list[str], options: dict[str, Any]
) -> dict[str, Callable[[], Adapter]]:
    """How to build each platform's adapter; each is built inside its own task."""
    makers: dict[str, Callable[[], Adapter]] = {}
    if "slack" in names:
        from bot.adapters.slack import SlackAdapter

        port, host = options.get("slack_port"), options.get("host")  # None: from settings
        makers["slack"] = functools.partial(SlackAdapter, bot, settings, port=port, host=host)
    if "discord" in names:
        from bot.adapters.discord import DiscordAdapter, build_client

        def discord_adapter() -> Adapter:
            client = build_client(bot, settings, **options.get("discord_client", {}))
            return DiscordAdapter(bot, settings, client=client)

        makers["discord"] = discord_adapter
    return makers


def _describe(exc: BaseException | None) -> str:
    name = type(exc).__name__
    if exc is None:
        return "without error"
    if name == "LoginFailure":
        return "the token was rejected (DISCORD_TOKEN)"
    if name == "PrivilegedIntentsRequired":
        return (
            "the Message Content intent is not enabled for this application; enable it in the "
            "developer portal or set [discord] message_content_intent = false"
        )
    return f"{name}: {exc}"


def _is_config_error(exc: BaseException) -> bool:
    name = type(exc).__name__
    return name in ("SlackConfigError", "LoginFailure", "PrivilegedIntentsRequired")


def _is_transient(exc: BaseException) -> bool:
    return any(cls.__name__ in _TRANSIENT_ERRORS for cls in type(exc).__mro__)


async def _serve_platform(name: str, make: Callable[[], Adapter], ready: asyncio.Event) -> None:
    """Serve one platform until cancelled; start it again (a new adapter, with backoff)
    whenever it stops because its platform was out of reach. Any other end is final."""
    wait = 1.0
    while True:
        try:
            await serve_until_cancelled(make, ready)
            return
        except Exception as exc:
            if not _is_transient(exc):
                raise
            if ready.is_set():  # it served before it stopped: a new outage
                wait = 1.0
            ready.clear()
            log.warning(
                "qabot run: %s stopped: %s; starting it again in %gs", name, _describe(exc), wait
            )
        await asyncio.sleep(wait)
        wait = min(wait * 2, RESTART_MAX_S)


async def serve_all(
    bot: QABot,
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    **options: Any,
) -> int:
    """Serve every configured platform plus the knowledge watcher until `stop`; the exit status.

    Options: `only` (platforms to run whatever the credentials say: `qabot slack`,
    `qabot discord`), `slack_port`, `host` (Slack's HTTP server), `discord_client`
    (keyword arguments for the discord.py client), `watch` (override `[admin] watch`).
    """
    names = options.get("only") or platforms_to_run(settings)
    problem = report(settings, names or PLATFORMS)
    if problem is not None:
        print(problem if names else f"{problem}\n{NO_PLATFORM}", file=sys.stderr)
        return EXIT_CONFIG
    stop = stop or asyncio.Event()
    makers = _adapters(bot, settings, names, options)
    events = {name: asyncio.Event() for name in makers}
    tasks = {
        asyncio.create_task(_serve_platform(name, make, events[name]), name=name): name
        for name, make in makers.items()
    }
    helpers = []
    if options.get("watch", settings.admin.watch):
        watcher = asyncio.create_task(watch_knowledge(bot, stop=asyncio.Event()))
        watcher.add_done_callback(_watcher_ended)
        helpers.append(watcher)
    if ready is not None:
        waits = [_ready_or_done(events[name], task) for task, name in tasks.items()]
        helpers.append(asyncio.create_task(_all_ready(waits, ready)))
    uninstall = install_sighup(bot)
    log.info("qabot run: %s", ", ".join(names))
    failures: list[BaseException] = []
    stopping = asyncio.create_task(stop.wait())
    try:
        pending = set(tasks)
        while pending:
            done, pending = await asyncio.wait(
                pending | {stopping}, return_when=asyncio.FIRST_COMPLETED
            )
            if stopping in done:
                return EXIT_OK
            for task in done:
                pending.discard(task)
                exc = task.exception() if not task.cancelled() else None
                log.error("qabot run: %s stopped: %s", tasks[task], _describe(exc))
                if exc is not None:
                    failures.append(exc)
            pending.discard(stopping)
        all_config = failures and all(_is_config_error(e) for e in failures)
        return EXIT_CONFIG if all_config else EXIT_FAILED
    finally:
        uninstall()
        for task in [*tasks, *helpers, stopping]:
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.gather(*tasks, *helpers, stopping, return_exceptions=True)
        log.info("qabot run: stopped")


def _watcher_ended(task: asyncio.Task[None]) -> None:
    """The watcher ends only when serving does; an error that ends it earlier is logged
    (nobody awaits the task until shutdown, so it would end in silence)."""
    if not task.cancelled() and task.exception() is not None:
        log.error(
            "qabot run: the knowledge watcher stopped (live reload is off until a restart; "
            "/kb reload and SIGHUP still work)",
            exc_info=task.exception(),
        )


async def _ready_or_done(event: asyncio.Event, task: asyncio.Task[None]) -> None:
    waiter = asyncio.create_task(event.wait())
    try:
        await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()


async def _all_ready(waits: list[Coroutine[Any, Any, None]], ready: asyncio.Event) -> None:
    """Set `ready` once every platform is ready or has stopped (a failed one is logged)."""
    await asyncio.gather(*waits)
    ready.set()


async def serve_until_signal(bot: QABot, **options: Any) -> int:
    """`serve_all` until SIGTERM or SIGINT (the only signal handling of the platforms)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        return await serve_all(bot, bot.settings, stop=stop, **options)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


def run_all(bot: QABot, **options: Any) -> int:
    """`qabot run` (or one platform, `only=[...]`): serve until SIGTERM or Ctrl-C."""
    return asyncio.run(serve_until_signal(bot, **options))
