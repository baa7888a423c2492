"""The qabot Discord client: intents, messages into conversations, command sync, error logging.

A message becomes an `Incoming` for the conversation layer (`bot.chat`), which decides
whether qabot speaks. The conversation id is this adapter's translation of Discord's
facts: a reply to one of qabot's answers continues that answer's conversation (ping on
or off), and so does a thread started on one of them; any other thread is one
conversation; a DM channel is one; any other mention starts its own.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import zlib
from collections.abc import Callable, Sequence
from typing import Any, Literal

import aiohttp
import discord
from discord.gateway import ReconnectWebSocket

from bot.adapters import InFlight
from bot.adapters.discord_commands import (
    CheckedCommandTree,
    lost_level,
    lost_reason,
    register_commands,
    sent_within,
    sync_commands,
    to_embeds,
)
from bot.adapters.discord_refusals import RefusalLog
from bot.answer import Answer
from bot.asker import Asker
from bot.chat import ChatService, Incoming
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
# How long a message answered is remembered: Discord gives no delivery id, and two
# processes connected for one shard (a rolling deploy's old and new, a shard given twice)
# both receive its MESSAGE_CREATE; with a shared Redis only the first claim answers.
ANSWERED_TTL_S = 600.0
# 👍/👎 on an answer are feedback (`ChatService.vote`).
VOTES: dict[str, Literal["up", "down"]] = {"👍": "up", "👎": "down"}
_EMOJI_MODIFIERS = dict.fromkeys([0xFE0F, *range(0x1F3FB, 0x1F400)])  # variation, skin tones
# What discord.py's gateway parsers raise on an event of a shape they do not expect (a key
# missing, a number that is none). Raised, it leaves discord.py's connection loop, which
# stops; a new session each time instead would spend Discord's 1,000 a day.
_UNREADABLE_EVENT_ERRORS = (LookupError, ValueError, TypeError, AttributeError)
_PROBLEM_MAX = 200  # characters of the parser's complaint the log line repeats
# What discord.py's gateway raises on a frame it cannot read, before any event parser: JSON
# nested past the parser's depth (RecursionError), no JSON (JSONDecodeError, a ValueError),
# or a frame of another shape (not an object, a field missing or of another type).
_UNREADABLE_FRAME_ERRORS = (RecursionError, *_UNREADABLE_EVENT_ERRORS)


def intents_for(settings: Settings) -> discord.Intents:
    """Guilds, messages and reactions (guild, DM), and message content if granted (privileged)."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.guild_reactions = True
    intents.dm_reactions = True
    intents.message_content = settings.discord.message_content_intent
    return intents


def strip_mention(content: str, user_id: int, role_id: int | None = None) -> str:
    """The question without the bot's own mention (`<@id>`, `<@!id>`, or `<@&role>` of the
    role Discord gives the bot)."""
    own = rf"<@!?{user_id}>" + (rf"|<@&{role_id}>" if role_id is not None else "")
    return " ".join(re.sub(own, " ", content).split())


def own_role(message: discord.Message) -> discord.Role | None:
    """The role Discord gives the bot in the message's server ("@qabot" in the client may
    pick it instead of the bot), or None."""
    return message.guild.self_role if message.guild is not None else None


class QAClientMixin:
    """What the plain and the sharded qabot client share; composed with a discord.py client."""

    def __init__(self, bot: QABot, settings: Settings, **options: Any) -> None:
        super().__init__(**options)  # type: ignore[call-arg]
        parsers = self._connection.parsers  # type: ignore[attr-defined]  # no public hook
        for event, parse in parsers.items():
            parsers[event] = _dropping_what_it_cannot_read(event, parse)
        state = self._connection  # type: ignore[attr-defined]
        state._update_references = _dropping_frames_it_cannot_read(self, state._update_references)
        self.bot = bot
        self.settings = settings
        self.ready_signal: asyncio.Event | None = None
        self.tree = CheckedCommandTree(self)  # type: ignore[arg-type]
        self.chat = ChatService(bot, settings)
        register_commands(self.tree, bot, self.chat)
        self.refusals = RefusalLog()
        self.in_flight = InFlight()  # a stop lets these replies finish

    async def setup_hook(self) -> None:
        """Once per login, never per reconnect: sync the app commands if they changed."""
        await sync_commands(self.tree, self.settings, self.application_id)  # type: ignore[attr-defined]

    async def close(self) -> None:
        """discord.py's close, with its wait for READY's guilds ended first. That wait runs in
        a task of its own that close leaves running: it then dispatched into the closed client
        (its loop gone), leaving a coroutine never awaited and a task exception never
        retrieved whenever a stop or restart came within `guild_ready_timeout` of READY."""
        state = self._connection  # type: ignore[attr-defined]
        waits = [state._ready_task, *getattr(state, "_ready_tasks", {}).values()]  # per shard
        for task in waits:
            if task is not None:
                task.cancel()  # discord.py's wait ends quietly on a cancel
        await super().close()  # type: ignore[misc]

    async def on_ready(self) -> None:
        log.info("discord: connected as %s (%s)", self.user, self.user and self.user.id)  # type: ignore[attr-defined]
        if self.ready_signal is not None:
            self.ready_signal.set()

    async def on_message(self, message: discord.Message) -> None:
        """Answer what the conversation layer wants answered: mentions, DMs, replies to
        qabot's answers, and messages in threads qabot answered in."""
        me = self.user  # type: ignore[attr-defined]
        if me is None or message.type not in _ANSWERED_TYPES:
            return
        role = own_role(message)
        mentioned = any(u.id == me.id for u in message.mentions) or (
            role is not None and role in message.role_mentions
        )
        in_thread = isinstance(message.channel, discord.Thread)
        if message.author.bot or (
            message.guild is not None and not (mentioned or in_thread or replied_to(message))
        ):
            # A bot (qabot's own replies too), or a message that starts nothing qabot is
            # part of: the conversation layer would say no; spare the shared state a look.
            return
        with self.in_flight.reply():
            await self._reply(message, me.id, mentioned=mentioned)

    async def _reply(self, message: discord.Message, my_id: int, *, mentioned: bool) -> None:
        incoming = await asyncio.to_thread(self._incoming, message, my_id, mentioned=mentioned)
        if incoming is None:
            return
        async with self.chat.turns.of(incoming.conversation):  # in order (bot.chat.Turns)
            answer: Answer | None = None
            try:
                answer = await self._answer(incoming)
                if answer and not await asyncio.to_thread(
                    self.chat.worth_posting, incoming, answer
                ):
                    return
                replies = (
                    answer_replies(answer) if answer else [notice("ask_pointer", _lang(message))]
                )
            except Exception:
                log.exception("answering message %s failed", message.id)
                replies = [notice("error", None)]
            cap = self.settings.discord.max_retry_after_s
            sending = self._send(message, replies, incoming.conversation, answer)
            try:
                await sent_within(cap, sending, "message")
            except discord.Forbidden as error:  # no permission to post, embed or reply there
                self.refusals.refused(message.channel, error)
            except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
                # Discord's side failed after the retries (a 5xx) or could not be reached (the
                # connection dropped): one line, as a refusal is. It was an ERROR with a
                # traceback from on_error.
                log.log(lost_level(error), "discord message: %s; reply lost", lost_reason(error))
                self.bot.metrics.error("discord")

    def _incoming(
        self, message: discord.Message, my_id: int, *, mentioned: bool
    ) -> Incoming | None:
        """The message as the conversation layer reads it, or None when qabot stays silent.
        Blocking (the shared state): call it in a worker thread."""
        ref, role = replied_to(message), own_role(message)
        replied = self.chat.posted("discord", str(ref)) if ref else None
        if replied is not None:
            conversation = replied.conversation
        elif isinstance(message.channel, discord.Thread):
            # A thread started on a message has its id: on one of qabot's answers, it
            # goes on with that answer's conversation.
            started_on = self.chat.posted("discord", str(message.channel.id))
            conversation = started_on.conversation if started_on else f"thread:{message.channel.id}"
        elif message.guild is None:
            conversation = f"dm:{message.channel.id}"
        else:
            conversation = f"message:{message.id}"
        incoming = Incoming(
            Asker("discord", str(message.author.id)),
            conversation,
            # `content: null` (Discord sends ""; discord.py keeps what it got) is an empty message
            strip_mention(message.content or "", my_id, role.id if role else None),
            channel=str(message.channel.id),
            from_bot=message.author.bot or message.webhook_id is not None,
            addressed=mentioned or message.guild is None or replied is not None,
            # it mentions people, or replies to a message that is not one of qabot's answers
            to_others=bool(message.mentions or message.role_mentions or (ref and not replied)),
            reply_to=str(ref) if replied is not None else None,
        )
        if not self.chat.wants(incoming):
            return None
        if not self.bot.state.claim(f"discord:message:{message.id}", ANSWERED_TTL_S):
            log.info("discord: message %s answered by another process; ignored", message.id)
            return None
        return incoming

    async def _answer(self, incoming: Incoming) -> Answer | None:
        """The core's answer, or None for the pointer to /ask: Discord may hand us an empty
        message without the privileged content intent. The pointer is a post like an answer:
        it spends the asker's tokens (over them: the rate-limit notice)."""
        if not incoming.text and not self.settings.discord.message_content_intent:
            asker = incoming.asker
            return await asyncio.to_thread(
                self.bot.over_limit, "", asker.platform, asker.user, incoming.channel
            )
        return await asyncio.to_thread(self.chat.answer, incoming)

    async def _send(
        self,
        message: discord.Message,
        replies: Sequence[DiscordReply],
        conversation: str,
        answer: Answer | None,
    ) -> None:
        """The first message replies to the question (no ping); any further ones follow it."""
        reference = message.to_reference(fail_if_not_exists=False)
        for i, reply in enumerate(replies):
            sent = await _send_retrying(
                message.channel,
                content=reply.content,
                embeds=to_embeds(reply),
                reference=reference if i == 0 else None,
                mention_author=False,
            )
            await asyncio.to_thread(self.chat.sent, "discord", conversation, str(sent.id), answer)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        """👍/👎 by a person on one of our answers: logged for triage; anything else is ignored."""
        vote = VOTES.get((payload.emoji.name or "").translate(_EMOJI_MODIFIERS))
        me = self.user  # type: ignore[attr-defined]
        if vote is None or me is None or payload.message_author_id not in (None, me.id):
            return
        reactor = payload.member or self.get_user(payload.user_id)  # type: ignore[attr-defined]
        from_bot = payload.user_id == me.id or (reactor is not None and reactor.bot)
        asker = Asker("discord", str(payload.user_id))
        ref = str(payload.message_id)
        await asyncio.to_thread(self.chat.vote, vote, asker, ref, from_bot=from_bot)

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        """Log and carry on: one failing handler never stops the bot."""
        error = sys.exc_info()[1]
        if isinstance(error, discord.RateLimited):
            # Discord asked for a longer wait than we hold a reply for: one line, no trace.
            log.warning(
                "discord %s: rate-limited, retry_after %gs; reply dropped",
                *(event_method, error.retry_after),
            )
        else:
            log.exception("discord: error in %s", event_method)
        self.bot.metrics.error("discord")


Parser = Callable[[Any], None]


def _dropping_what_it_cannot_read(event: str, parse: Parser) -> Parser:
    """discord.py's parser of `event`, dropping an event it cannot read with one line (Discord's
    payload changes have ended discord.py bots: Rapptz/discord.py #2429, #4081)."""

    def parse_or_drop(data: Any) -> None:
        try:
            parse(data)
        except _UNREADABLE_EVENT_ERRORS as exc:
            problem = f"{type(exc).__name__}: {exc}"[:_PROBLEM_MAX]
            log.warning("discord: an unreadable %s event dropped (%s)", event, problem)

    return parse_or_drop


def _dropping_frames_it_cannot_read(
    client: discord.Client, update_references: Callable[[Any], None]
) -> Callable[[Any], None]:
    """discord.py's hook for each gateway websocket `client` opens (`_update_references`,
    called before the first frame is read; no public one), giving the websocket a frame reader
    that drops a frame it cannot read with one line (and connects again past a broken zlib
    stream). Raised, the error left discord.py's connection loop: the Discord platform
    stopped, for one frame."""

    def update(ws: Any) -> None:
        receive = ws.received_message

        async def received_or_dropped(msg: Any, /) -> None:
            try:
                await receive(msg)
            except _UNREADABLE_FRAME_ERRORS as exc:
                log.warning(
                    "discord: a gateway frame discord.py cannot read was dropped (%s)",
                    type(exc).__name__,
                )
            except zlib.error:
                # Each frame of the zlib stream goes on from the one before, so nothing more
                # of this connection reads: resume on a new one, as on Discord's RECONNECT;
                # before this connection has a session (its HELLO, READY), identify on one.
                resume = ws.session_id is not None
                again = "resuming" if resume else "identifying"
                log.warning("discord: a gateway frame of no zlib stream was dropped; %s", again)
                await ws.close(code=4000)
                if client.ws is None and not isinstance(client, discord.AutoShardedClient):
                    # The plain client's very first connection: discord.py's loop reads what
                    # to connect with next from `client.ws`, which it sets once connected.
                    client.ws = ws
                raise ReconnectWebSocket(ws.shard_id, resume=resume) from None

        ws.received_message = received_or_dropped  # as discord.py sets its debug readers
        update_references(ws)

    return update


def replied_to(message: discord.Message) -> int | None:
    """The id of the message `message` replies to; None for a forward (its reference points
    at the forwarded message, which it does not answer) or no reference."""
    ref = message.reference
    if ref is None or ref.type != discord.MessageReferenceType.reply:
        return None
    return ref.message_id


def _lang(message: discord.Message) -> str | None:
    return str(message.guild.preferred_locale.value)[:2] if message.guild else None


async def _send_retrying(channel: discord.abc.Messageable, **kwargs: Any) -> discord.Message:
    """`channel.send`, retried on the 5xx statuses discord.py does not retry itself."""
    for attempt in range(SEND_RETRIES):
        try:
            return await channel.send(**kwargs)
        except discord.DiscordServerError as exc:
            if exc.status in _RETRIED_BY_DISCORD_PY:
                raise
            log.warning("discord: send failed with %s; retrying", exc.status)
            await asyncio.sleep(SEND_RETRY_DELAY_S * 2**attempt)
    return await channel.send(**kwargs)


class QAClient(QAClientMixin, discord.Client):
    """One gateway connection."""


class QAShardedClient(QAClientMixin, discord.AutoShardedClient):
    """Several shards in one process, when the config asks for it."""
