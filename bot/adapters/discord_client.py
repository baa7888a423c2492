"""The qabot Discord client: intents, mentions and DMs, command sync on setup, error logging."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord_commands import register_commands, sync_commands, to_embeds
from bot.render.discord import DiscordReply, answer_replies, notice
from bot.service import QABot
from bot.settings import Settings

log = logging.getLogger(__name__)

_ANSWERED_TYPES = (discord.MessageType.default, discord.MessageType.reply)
# discord.py retries 500, 502, 504 and 524 itself (5 tries); any other 5xx (503) it
# raises at once, and the reply would be lost. Those we retry, a few times.
_RETRIED_BY_DISCORD_PY = frozenset({500, 502, 504, 524})
SEND_RETRIES = 2
SEND_RETRY_DELAY_S = 1.0


def intents_for(settings: Settings) -> discord.Intents:
    """Guilds, guild messages, DMs, and message content if the portal grants it (privileged)."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = settings.discord.message_content_intent
    return intents


def strip_mention(content: str, user_id: int) -> str:
    """The question without the bot's own mention (`<@id>` or `<@!id>`)."""
    return " ".join(re.sub(rf"<@!?{user_id}>", " ", content).split())


class QAClientMixin:
    """What the plain and the sharded qabot client share; composed with a discord.py client."""

    def __init__(self, bot: QABot, settings: Settings, **options: Any) -> None:
        super().__init__(**options)  # type: ignore[call-arg]
        self.bot = bot
        self.settings = settings
        self.ready_signal: asyncio.Event | None = None
        self.tree: app_commands.CommandTree = app_commands.CommandTree(self)  # type: ignore[arg-type]
        register_commands(self.tree, bot)

    async def setup_hook(self) -> None:
        """Once per login, never per reconnect: sync the app commands if they changed."""
        await sync_commands(self.tree, self.settings, self.application_id)  # type: ignore[attr-defined]

    async def on_ready(self) -> None:
        log.info("discord: connected as %s (%s)", self.user, self.user and self.user.id)  # type: ignore[attr-defined]
        if self.ready_signal is not None:
            self.ready_signal.set()

    async def on_message(self, message: discord.Message) -> None:
        """Answer a mention in a guild channel or any DM; ignore bots, webhooks and the rest."""
        me = self.user  # type: ignore[attr-defined]
        if message.author.bot or message.webhook_id is not None or me is None:
            return
        if message.type not in _ANSWERED_TYPES:
            return
        if message.guild is not None and not any(u.id == me.id for u in message.mentions):
            return
        try:
            replies = await self._replies_for(message, me.id)
        except Exception:
            log.exception("answering message %s failed", message.id)
            replies = [notice("error", None)]
        await self._send(message, replies)

    async def _replies_for(self, message: discord.Message, my_id: int) -> list[DiscordReply]:
        question = strip_mention(message.content, my_id)
        if not question and not self.settings.discord.message_content_intent:
            # Without the privileged intent Discord may hand us an empty message: point to /ask.
            lang = str(message.guild.preferred_locale.value)[:2] if message.guild else None
            return [notice("ask_pointer", lang)]
        answer = await asyncio.to_thread(
            self.bot.ask,
            question,
            platform="discord",
            user=str(message.author.id),
            channel=str(message.channel.id),
        )
        return answer_replies(answer)

    async def _send(self, message: discord.Message, replies: Sequence[DiscordReply]) -> None:
        """The first message replies to the question (no ping); any further ones follow it."""
        reference = message.to_reference(fail_if_not_exists=False)
        for i, reply in enumerate(replies):
            await _send_retrying(
                message.channel,
                content=reply.content,
                embeds=to_embeds(reply),
                reference=reference if i == 0 else None,
                mention_author=False,
            )

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        """Log and carry on: one failing handler never stops the bot."""
        log.exception("discord: error in %s", event_method)
        self.bot.metrics.error("discord")


async def _send_retrying(channel: discord.abc.Messageable, **kwargs: Any) -> None:
    """`channel.send`, retried on the 5xx statuses discord.py does not retry itself."""
    for attempt in range(SEND_RETRIES + 1):
        try:
            await channel.send(**kwargs)
            return
        except discord.DiscordServerError as exc:
            if exc.status in _RETRIED_BY_DISCORD_PY or attempt == SEND_RETRIES:
                raise
            log.warning("discord: send failed with %s; retrying", exc.status)
            await asyncio.sleep(SEND_RETRY_DELAY_S * 2**attempt)


class QAClient(QAClientMixin, discord.Client):
    """One gateway connection."""


class QAShardedClient(QAClientMixin, discord.AutoShardedClient):
    """Several shards in one process, when the config asks for it."""
