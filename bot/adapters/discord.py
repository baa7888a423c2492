"""Discord adapter: build the client, serve it (the runner drives it), the invite URL.

The runner serves `DiscordAdapter` (``qabot discord``, ``qabot run``); the CLI
calls `print_invite_url` (``qabot discord --invite-url``). Endpoints come from settings:
`DISCORD_API_BASE` becomes `discord.http.Route.BASE` (REST, webhooks and
interaction callbacks) and `DISCORD_GATEWAY_URL` becomes
`DiscordWebSocket.DEFAULT_GATEWAY`; discord.py 2.7's plain client connects
there directly, and the sharded client is given its shard count first so that
it does too instead of the URL /gateway/bot names.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import functools
import logging
import sys
from typing import Any
from urllib.parse import urlencode

import discord
import yarl
from discord.gateway import DiscordWebSocket

from bot.adapters import finish, serve_until_cancelled
from bot.adapters.discord_client import QAClient, QAShardedClient, intents_for
from bot.adapters.discord_commands import request_trace
from bot.service import QABot
from bot.settings import Settings

log = logging.getLogger(__name__)

# Minimal permissions: Send Messages (1 << 11), Embed Links (1 << 14),
# Read Message History (1 << 16).
INVITE_PERMISSIONS = (1 << 11) | (1 << 14) | (1 << 16)
INVITE_SCOPES = "bot applications.commands"


def build_client(bot: QABot, settings: Settings, **options: Any) -> discord.Client:
    """The qabot client: sharded when the config says so; nothing it sends can ping.

    `options` go to the discord.py client unchanged (tests pass a short
    `guild_ready_timeout`).
    """
    # qabot has no voice: discord.py's one-time "PyNaCl / davey is not installed,
    # voice will NOT be supported" warnings at client creation say nothing to act on.
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    kwargs: dict[str, Any] = {
        "intents": intents_for(settings),
        "allowed_mentions": discord.AllowedMentions.none(),
        # discord.py sleeps out any 429 however long (an hour parks the reply and its
        # channel's every later one); past this it raises RateLimited instead.
        "max_ratelimit_timeout": settings.discord.max_retry_after_s,
        # tells a reply held past that cap by Discord's silence from one held by a rate limit
        "http_trace": request_trace(),
        **options,
    }
    if settings.discord.sharded:
        kwargs.setdefault("shard_count", settings.discord.shard_count)
        kwargs.setdefault("shard_ids", settings.discord.shard_ids)
        return QAShardedClient(bot, settings, **kwargs)
    return QAClient(bot, settings, **kwargs)


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at the configured REST base and gateway (process-wide class attributes)."""
    discord.http.Route.BASE = settings.discord_api_base.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


class DiscordAdapter:
    """The Discord client under the adapter contract (`bot.adapters.Adapter`)."""

    def __init__(
        self, bot: QABot, settings: Settings, *, client: discord.Client | None = None
    ) -> None:
        if settings.discord_token is None:
            raise ValueError("DISCORD_TOKEN is not set")
        self.settings = settings
        self.client = client or build_client(bot, settings)

    async def serve(self, ready: asyncio.Event) -> None:
        """Log in, sync commands if needed, and run (reconnecting) until cancelled; `ready`
        is set once the gateway is READY (and again after a fresh reconnect)."""
        configure_endpoints(self.settings)
        client = self.client
        client.ready_signal = ready  # type: ignore[attr-defined]
        await client.login(self.settings.discord_token.get_secret_value())  # type: ignore[union-attr]
        if isinstance(client, discord.AutoShardedClient) and client.shard_count is None:
            # Otherwise discord.py would connect to the URL /gateway/bot names, not ours.
            client.shard_count, _, _ = await client.http.get_bot_gateway()
        # In a task of its own, ended by closing the client: discord.py opens the gateway (at
        # start and at every reconnect) under asyncio.wait_for, which on Python 3.11 drops a
        # cancel that lands as the connection completes (CPython gh-86296); the client then
        # went on polling the gateway and a stop never ended it.
        connection = asyncio.create_task(_connected(client), name="discord gateway")
        try:
            await asyncio.shield(connection)
        except asyncio.CancelledError:
            connection.cancel()
            await self._finish_replies()
            await client.close()  # ends `connect` even where it missed the cancel
            await asyncio.wait({connection})
            raise

    async def close(self) -> None:
        """Let the replies in flight finish (bounded), then close the gateway connection
        and the HTTP session."""
        await self._finish_replies()
        await self.client.close()
        log.info("discord: closed")

    async def _finish_replies(self) -> None:
        """The replies being worked on (messages, commands, clicks) get `FINISH_S` to finish
        before the HTTP session closes under them."""
        in_flight = getattr(self.client, "in_flight", None)
        if in_flight is not None:
            await finish(set(in_flight.tasks))


async def _connected(client: discord.Client) -> None:
    """discord.py's connection loop (reconnecting). One failure of the plain client's very
    first gateway connection (refused, timed out, closed) ended it with an AttributeError:
    the loop reads what to connect with next from `client.ws`, None until a connection is
    made (discord.py #10520). Raised as the ConnectionError it is, the runner starts
    Discord again."""
    try:
        await client.connect(reconnect=True)
    except AttributeError as exc:
        if client.ws is not None or isinstance(client, discord.AutoShardedClient):
            raise
        raise ConnectionError("discord: the first gateway connection failed") from exc


async def serve(
    bot: QABot,
    settings: Settings,
    *,
    ready: asyncio.Event | None = None,
    client: discord.Client | None = None,
) -> None:
    """Serve Discord until cancelled, then close (what the runner does for each platform).

    Args:
        bot: The core.
        settings: Token, endpoints and the [discord] section.
        ready: Set once the gateway is READY (and again after a fresh reconnect).
        client: A client from `build_client`; built here when omitted.
    """
    adapter = functools.partial(DiscordAdapter, bot, settings, client=client)
    await serve_until_cancelled(adapter, ready or asyncio.Event())


def application_id_from_token(token: str) -> int:
    """The bot's user id, encoded (base64) in the token's first segment.

    For every application created since 2016 this equals the application id the
    invite URL needs. Raises ValueError for a token of another shape.
    """
    head = token.strip().split(".", 1)[0]
    try:
        return int(base64.b64decode(head + "=" * (-len(head) % 4), validate=True).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("DISCORD_TOKEN does not look like a bot token") from None


def invite_url(application_id: int) -> str:
    """The URL a server admin opens to add the bot with its commands and minimal permissions."""
    query = urlencode(
        {
            "client_id": application_id,
            "scope": INVITE_SCOPES,
            "permissions": INVITE_PERMISSIONS,
        }
    )
    return f"https://discord.com/oauth2/authorize?{query}"


def print_invite_url(settings: Settings) -> int:
    """`qabot discord --invite-url`: print the invite URL for the token's application."""
    if settings.discord_token is None:
        print(
            "DISCORD_TOKEN is not set; the invite URL needs the application id in it.",
            file=sys.stderr,
        )
        return 2
    try:
        app_id = application_id_from_token(settings.discord_token.get_secret_value())
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(invite_url(app_id))
    return 0


__all__ = [
    "DiscordAdapter",
    "application_id_from_token",
    "build_client",
    "configure_endpoints",
    "invite_url",
    "print_invite_url",
    "serve",
]
