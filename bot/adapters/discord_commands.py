"""Discord app commands: /stat (with autocomplete), /ask and /kb, and their sync policy.

Each handler is a translator: interaction → one call into the core (in a worker
thread, so the gateway heartbeat never waits on it) → rendered embeds. Sync
happens once per start and only when the commands' JSON payload changed; the
hash of the last synced payload is kept in `settings.discord.command_hash_file`.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import aiohttp
import discord
from discord import app_commands

from bot.adapters.discord_views import attach_item_class, buttons_view
from bot.answer import Answer, StatReply
from bot.asker import Asker
from bot.chat import ChatService
from bot.messages import is_help
from bot.render.discord import (
    Button,
    DiscordReply,
    answer_replies,
    attach_replies,
    choices,
    notice,
    reload_replies,
    stat_replies,
    status_replies,
    unanswered_replies,
)
from bot.render.echo import shown
from bot.service import QABot
from bot.settings import Settings
from bot.unanswered import LogUnavailable

if TYPE_CHECKING:
    from bot.answer import Group

log = logging.getLogger(__name__)

T = TypeVar("T")
MakeView = Callable[[Sequence[Button]], discord.ui.View]
# An option's autocomplete: the choices for what the user typed so far.
Completer = Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]

# Discord wants a first response within 3 s of sending the interaction; past this, defer
# and answer in a follow-up. The rest of the 3 s is for the interaction's way here and the
# deferral's way back (a slow network, a busy event loop).
DEFER_AFTER_S = 1.0


def locale_lang(interaction: discord.Interaction) -> str | None:
    """'de' or 'en' from the user's Discord locale, None when it is neither."""
    code = str(interaction.locale.value if interaction.locale else "")
    return code[:2] if code[:2] in ("de", "en") else None


def to_embeds(reply: DiscordReply) -> list[discord.Embed]:
    return [discord.Embed.from_dict(e) for e in reply.embeds]


async def send_interaction(
    interaction: discord.Interaction,
    replies: Sequence[DiscordReply],
    *,
    ephemeral: bool = False,
    make_view: MakeView | None = None,
) -> list[int | None] | None:
    """The first reply as the interaction response (or its follow-up if deferred), then the rest:
    the ids of the messages sent, as Discord's answers name them (None where one does not), or
    None when one was dropped.

    A reply's buttons become the components `make_view` makes of them.
    """
    sent: list[int | None] = []
    for reply in replies:
        kwargs = {"embeds": to_embeds(reply), "ephemeral": ephemeral}
        if reply.content is not None:
            kwargs["content"] = reply.content
        if reply.buttons and make_view is not None:
            kwargs["view"] = make_view(reply.buttons)
        if interaction.response.is_done():
            sending = interaction.followup.send(**kwargs, wait=True)
        else:
            sending = interaction.response.send_message(**kwargs)
        if not await within_cap(interaction, _message_id(sending, sent)):
            return None
    return sent


async def _message_id(sending: Awaitable[object], sent: list[int | None]) -> None:
    """Await `sending`; add the id of the message Discord's answer names to `sent` (the
    callback's with discord.py's with_response, a follow-up's with wait=True)."""
    result = await sending
    if isinstance(result, discord.InteractionCallbackResponse):
        sent.append(result.message_id)
    else:
        sent.append(result.id if isinstance(result, discord.Message) else None)


async def within_cap(interaction: discord.Interaction, sending: Awaitable[object]) -> bool:
    """Await `sending` (an interaction response or follow-up) for at most `[discord]
    max_retry_after_s`; past it the reply is dropped with one line (False). discord.py
    sends these through its webhook client, which sleeps out any 429 however long."""
    cap = interaction.client.settings.discord.max_retry_after_s  # type: ignore[attr-defined]
    # From the data, not `interaction.command`: discord.py would read the options for that.
    what = shown(str((interaction.data or {}).get("name") or "click"), limit=40)
    try:
        return await sent_within(cap, sending, what)
    except discord.Forbidden:
        raise
    except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
        # Discord failed it (a 5xx) or could not be reached: one line, as for a message's
        # reply. It was an ERROR with a traceback ("app command ask failed"), and the
        # apology sent after it failed the same way.
        log.log(lost_level(error), "discord /%s: %s; reply lost", what, lost_reason(error))
        interaction.client.bot.metrics.error("discord")  # type: ignore[attr-defined]
        return False


class NoAnswer(OSError):
    """Discord took a reply's request and did not answer it within the cap."""

    def __init__(self, cap: float) -> None:
        super().__init__(f"Discord did not answer within {cap:g}s")


# Discord's codes for a place deleted under a reply (10003 Unknown Channel: a thread or
# channel; 10008 Unknown Message): the reply is lost for a reason outside qabot, as with
# Slack's channel_not_found, so a WARNING like it. Any other loss stays an ERROR (an expired
# interaction, 10062, is qabot's own lateness).
GONE_CODES = frozenset({10003, 10008})


def lost_level(error: BaseException) -> int:
    """The log level of a lost reply: WARNING when what it went to was deleted, else ERROR."""
    gone = isinstance(error, discord.NotFound) and error.code in GONE_CODES
    return logging.WARNING if gone else logging.ERROR


def lost_reason(error: BaseException) -> str:
    """Why a reply was lost, in a few words: Discord's status and code, or the class of the
    connection's failure (never a URL, never Discord's text)."""
    if isinstance(error, discord.HTTPException):
        return f"Discord answered HTTP {error.status} (code {error.code})"
    if isinstance(error, NoAnswer):
        return str(error)
    return f"Discord out of reach ({type(error).__name__})"


class _Waiting:
    """What the reply being sent waits on: Discord's answer to a request (True) or
    discord.py's own waits between requests (False: a rate limit, a retry's back-off)."""

    on_discord = False


_WAITING: contextvars.ContextVar[_Waiting | None] = contextvars.ContextVar(
    "qabot_discord_waiting", default=None
)


async def _request_started(*_: object) -> None:
    if (waiting := _WAITING.get()) is not None:
        waiting.on_discord = True


async def _request_ended(*_: object) -> None:
    if (waiting := _WAITING.get()) is not None:
        waiting.on_discord = False


async def _request_failed(_session: object, _ctx: object, params: Any) -> None:
    if not isinstance(params.exception, asyncio.CancelledError):  # (the cap's own cancel)
        await _request_ended()


def request_trace() -> aiohttp.TraceConfig:
    """The trace discord.py's session runs every request through (in the sending task): it
    tells `sent_within` whether a reply held past the cap waited on Discord or on a rate
    limit."""
    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(_request_started)
    trace.on_request_end.append(_request_ended)
    trace.on_request_exception.append(_request_failed)
    return trace


class RateLimited(Exception):
    """discord.py held a request past the cap between its tries (a rate limit's wait)."""


async def answered_within(cap: float, request: Awaitable[T]) -> T:
    """Await `request` for at most `cap` seconds: its result, or NoAnswer when Discord had
    the request and never answered, RateLimited when discord.py held it (it waits out each
    429 on its own, up to its max_ratelimit_timeout, again and again)."""
    waiting = _Waiting()
    token = _WAITING.set(waiting)
    try:
        async with asyncio.timeout(cap) as limit:
            return await request
    except TimeoutError:
        if not limit.expired():  # aiohttp's own timeout: the connection's failure
            raise
        if waiting.on_discord:
            raise NoAnswer(cap) from None
        raise RateLimited from None
    finally:
        _WAITING.reset(token)


async def sent_within(cap: float, sending: Awaitable[object], what: str) -> bool:
    """Await `sending` for at most `cap` seconds; past it the reply is dropped (False) with
    one line when discord.py held it, or NoAnswer when Discord had the request and never
    answered (it was logged as rate-limited too)."""
    try:
        await answered_within(cap, sending)
    except RateLimited:
        log.warning("discord %s: reply not sent within %gs (rate-limited); dropped", what, cap)
        return False
    return True


async def respond(
    interaction: discord.Interaction,
    work: Callable[[], T],
    render: Callable[[T], list[DiscordReply]],
    *,
    ephemeral: bool = False,
    private: Callable[[T], bool] | None = None,
    make_view: MakeView | None = None,
) -> list[int | None] | None:
    """Run `work` off the event loop; defer if it is slow; send what `render` makes of it
    (to the user alone when `ephemeral`, or when `private` says so of a result that came
    before the deferral: a deferred reply keeps the deferral's visibility). A stop lets it
    finish (the client's `in_flight`). The ids of the messages sent (`send_interaction`),
    None when the reply was dropped."""
    with interaction.client.in_flight.reply():  # type: ignore[attr-defined]
        return await _respond(
            interaction, work, render, ephemeral=ephemeral, private=private, make_view=make_view
        )


async def _respond(
    interaction: discord.Interaction,
    work: Callable[[], T],
    render: Callable[[T], list[DiscordReply]],
    *,
    ephemeral: bool,
    private: Callable[[T], bool] | None,
    make_view: MakeView | None,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> list[int | None] | None:
    """`respond`'s work; `sleep` times the deferral (a test's own clock)."""
    task = asyncio.ensure_future(asyncio.to_thread(work))
    waiting = asyncio.ensure_future(sleep(DEFER_AFTER_S))
    try:
        await asyncio.wait({task, waiting}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()
    if not task.done() and not interaction.response.is_done():
        deferring = interaction.response.defer(thinking=True, ephemeral=ephemeral)
        if not await within_cap(interaction, deferring):
            # No reply can follow, but the work goes on (a reload completes) and a failure
            # of it is this command's, for the tree's error handler: never left unretrieved.
            await task
            return None
    result = await task
    if private is not None and not interaction.response.is_done():
        ephemeral = ephemeral or private(result)
    replies = render(result)
    return await send_interaction(interaction, replies, ephemeral=ephemeral, make_view=make_view)


async def _joined(
    interaction: discord.Interaction,
    chat: ChatService,
    conversation: str,
    message_id: int,
    answer: Answer,
) -> None:
    """Tell the conversation layer which message carried the /ask answer (replies to it
    follow up, 👍/👎 on it count); part of the reply, which a stop lets finish."""
    with interaction.client.in_flight.reply():  # type: ignore[attr-defined]
        await asyncio.to_thread(chat.sent, "discord", conversation, str(message_id), answer)


_TEXT = discord.AppCommandOptionType.string.value  # the type of every option qabot has


class CheckedCommandTree(app_commands.CommandTree):
    """The command tree, refusing an interaction its commands do not match before discord.py
    reads it: discord.py passes an option of another type on as it is (the core then fails
    on it), takes any value for a choice, logs a mismatched autocomplete itself, with a
    traceback and the user's id, and fails outside any error handler on options of a shape
    it cannot read. It answers an autocomplete itself, within the cap (`within_cap`):
    discord.py's own reply sleeps out any 429."""

    def __init__(self, client: discord.Client) -> None:
        super().__init__(client)
        self.completers: dict[tuple[str, str], Completer] = {}  # by (command, option)

    def autocomplete(self, command: app_commands.Command, option: str, complete: Completer) -> None:
        """`option` of `command` autocompletes (Discord is told so) with `complete`."""
        command.autocomplete(option)(complete)
        self.completers[command.name, option] = complete

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        kinds = (discord.InteractionType.application_command, discord.InteractionType.autocomplete)
        if interaction.type in kinds:
            problem = self._mismatch(interaction)
            if problem is not None:
                # Refused here, not raised: discord.py's error path reads the options too.
                await refuse_out_of_date(interaction, problem)
                return False
        if interaction.type is discord.InteractionType.autocomplete:
            await self._complete(interaction)
            return False  # answered
        return True

    async def _complete(self, interaction: discord.Interaction) -> None:
        """The focused option's choices (checked by `_mismatch`), sent within the cap."""
        data: dict[str, Any] = interaction.data  # type: ignore[assignment]
        (focused,) = [o for o in data["options"] if o.get("focused")]
        complete = self.completers[data["name"], focused["name"]]
        try:
            offered = await complete(interaction, focused["value"])
        except Exception:
            log.exception("discord: autocomplete of /%s failed", data["name"])
            offered = []
        await within_cap(interaction, interaction.response.autocomplete(offered))

    def _mismatch(self, interaction: discord.Interaction) -> str | None:
        """Why `interaction` does not match qabot's commands (every option of theirs is
        text, so none comes with resolved users, roles or channels), or None."""
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        command = self.get_command(str(data.get("name")))
        if not isinstance(command, app_commands.Command):
            return "no such command"
        params = {p.display_name: p for p in command.parameters}
        options = data.get("options", [])
        if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
            return "options that are no list of options"
        if "resolved" in data:
            return "resolved objects, which no option of its takes"
        for option in options:
            name = option.get("name")
            param = params.get(name) if isinstance(name, str) else None  # a list: unhashable
            value = option.get("value")
            if param is None or option.get("type") != _TEXT or not isinstance(value, str):
                return "an option it does not have, or not as text"
            if param.choices and value not in {choice.value for choice in param.choices}:
                return "a value that is not one of its choices"
        if interaction.type is discord.InteractionType.autocomplete:
            focused = [o["name"] for o in options if o.get("focused")]
            if len(focused) != 1 or (command.name, focused[0]) not in self.completers:
                return "no option to complete"
        return None  # a required option missing: discord.py's CommandSignatureMismatch


# What discord.py raises for an interaction that does not match the commands it holds, and
# what the log line says of it (discord.py's messages repeat the name, in full, and run long).
_STALE = {
    app_commands.CommandNotFound: "no such command",
    app_commands.CommandSignatureMismatch: "options that differ from its",
}


async def refuse_out_of_date(interaction: discord.Interaction, why: str) -> None:
    """One line, and the user told the command is out of date: Discord offered a command
    left from another version of qabot on this application (renamed, removed, options
    changed)."""
    name = shown(str((interaction.data or {}).get("name")), limit=40)
    log.warning(
        "discord: /%s refused, it does not match qabot's commands (%s); Discord offered "
        "a command of another version (reloading Discord shows the current ones)",
        *(name, why),
    )
    await tell_failure(interaction, notice("command_outdated", locale_lang(interaction)))


async def tell_failure(interaction: discord.Interaction, reply: DiscordReply) -> None:
    """`reply` to the user alone; an autocomplete gets no options to offer."""
    try:
        if interaction.type is discord.InteractionType.autocomplete:
            await within_cap(interaction, interaction.response.autocomplete([]))
        else:
            await send_interaction(interaction, [reply], ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about the failed command")


def _over_limit(reply: object) -> bool:
    return isinstance(reply, Answer) and reply.kind == "rate_limited"


def _for_the_asker_alone(reply: object) -> bool:
    """A rate-limit notice, or the help for an `/ask` with no question in it (blanks,
    zero-width characters): the asker's alone, as on Slack."""
    return _over_limit(reply) or (isinstance(reply, Answer) and is_help(reply))


def is_admin(bot: QABot, interaction: discord.Interaction) -> bool:
    """The core's admin check for the interaction's user; on every /kb call and click.
    @everyone is no role a member is given (discord.py lists it among every member's roles,
    its id the server's): named under `discord_role_ids`, it made every member an admin."""
    user = interaction.user
    roles = getattr(user, "roles", ())
    asker = Asker(
        "discord",
        str(user.id),
        roles=tuple(str(role.id) for role in roles if role.id != interaction.guild_id),
        manages_server=interaction.guild_id is not None and interaction.permissions.manage_guild,
        server=None if interaction.guild_id is None else str(interaction.guild_id),
    )
    return bot.is_admin(asker)


class AttachTargets:
    """What the attach buttons shown lately stand for: group key → (intent, question, lang).

    Bounded (the oldest listing is forgotten first). A key not held here (after a
    restart, say) is looked up again among the current unanswered groups.
    """

    def __init__(self, bot: QABot, size: int = 500) -> None:
        self.bot = bot
        self.size = size
        self._held: OrderedDict[str, tuple[str, str, str]] = OrderedDict()
        self._lock = threading.Lock()  # used from worker threads

    def remember(self, groups: Sequence[Group]) -> None:
        with self._lock:
            for g in groups:
                if g.intent:
                    self._held[g.key] = (g.intent, g.question, g.lang)
                    self._held.move_to_end(g.key)
            while len(self._held) > self.size:
                self._held.popitem(last=False)

    def find(self, key: str) -> tuple[str, str, str] | None:
        """The target of `key`, None when its group is no longer open; raises LogUnavailable
        when the log cannot be read now. Blocking (may regroup the log): call it in a
        worker thread."""
        with self._lock:
            target = self._held.get(key)
        if target is None:
            self.remember(self.bot.triage())
            with self._lock:
                target = self._held.get(key)
        return target


def register_attach(tree: app_commands.CommandTree, bot: QABot) -> tuple[AttachTargets, MakeView]:
    """The attach buttons' click handler, registered with the client; (targets, view maker)."""
    targets = AttachTargets(bot)

    async def on_click(interaction: discord.Interaction, key: str) -> None:
        lang = locale_lang(interaction)
        if not is_admin(bot, interaction):  # checked on every click, not only on /kb
            await send_interaction(interaction, [notice("not_admin", lang)], ephemeral=True)
            return

        def work() -> list[DiscordReply]:
            try:
                target = targets.find(key)
            except LogUnavailable:  # the store's outage is logged by the store, once
                return [notice("kb_unanswered_unavailable", lang)]
            if target is None:
                return [notice("kb_attach_gone", lang)]
            intent, question, qlang = target
            log.info("discord: %s attaches a question to %s", interaction.user.id, intent)
            result = bot.add_question(intent, question, qlang)
            return attach_replies(result, intent, question, qlang, lang)

        try:
            await respond(interaction, work, lambda replies: replies, ephemeral=True)
        except Exception:
            log.exception("discord: attaching %s failed", key)
            try:
                await send_interaction(interaction, [notice("error", lang)], ephemeral=True)
            except discord.HTTPException:
                log.warning("could not tell the admin about the failed attach")

    item_class = attach_item_class(on_click)
    tree.client.add_dynamic_items(item_class)
    return targets, lambda buttons: buttons_view(item_class, buttons)


def register_commands(tree: CheckedCommandTree, bot: QABot, chat: ChatService) -> None:
    """Add /stat, /ask and /kb to `tree` as global commands, and the /kb attach buttons."""
    attach_targets, attach_view = register_attach(tree, bot)

    @tree.command(name="stat", description="Key statistics of the article, or the one for a topic")
    @app_commands.describe(topic="A topic, e.g. recruiting, HPC, SenseTime (German or English)")
    async def stat(interaction: discord.Interaction, topic: str | None = None) -> None:
        lang = None if topic else locale_lang(interaction)

        def work() -> StatReply | Answer:
            channel = str(interaction.channel_id) if interaction.channel_id else None
            user = str(interaction.user.id)
            return bot.chat_stat(topic, lang=lang, platform="discord", user=user, channel=channel)

        def render(reply: StatReply | Answer) -> list[DiscordReply]:
            return answer_replies(reply) if isinstance(reply, Answer) else stat_replies(reply)

        # Over the rate limit: the notice, to the asker alone (as for /ask).
        await respond(interaction, work, render, private=_over_limit)

    async def stat_topic(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        pairs = choices(bot.topic_choices(current, limit=25))
        return [app_commands.Choice(name=name, value=value) for name, value in pairs]

    tree.autocomplete(stat, "topic", stat_topic)

    @tree.command(name="ask", description="Ask a question about the article (German or English)")
    @app_commands.describe(question="Your question")
    async def ask(interaction: discord.Interaction, question: str) -> None:
        # Its own conversation: a reply to the answer is a follow-up, as to a mention's.
        conversation = f"ask:{interaction.id}"
        answered: list[Answer] = []

        def work() -> Answer:
            channel = str(interaction.channel_id) if interaction.channel_id else None
            user = str(interaction.user.id)
            answer = chat.conversations.ask(
                conversation, question, platform="discord", user=user, channel=channel
            )
            answered.append(answer)
            return answer

        # A rate-limit notice and the help are for the asker alone.
        sent = await respond(interaction, work, answer_replies, private=_for_the_asker_alone)
        # The answer's message is the first sent, as Discord's answer to the send names it
        # (a lookup of it after the send was a request more, and one that could fail).
        if sent and sent[0] is not None and answered and not _over_limit(answered[0]):
            await _joined(interaction, chat, conversation, sent[0], answered[0])

    @tree.command(name="kb", description="Reload the knowledge, its status, unanswered questions")
    @app_commands.describe(
        action="reload: load the knowledge files again; status: what is loaded; "
        "unanswered: what people asked that the bot could not answer"
    )
    @app_commands.default_permissions(manage_guild=True)
    async def kb(
        interaction: discord.Interaction, action: Literal["reload", "status", "unanswered"]
    ) -> None:
        lang = locale_lang(interaction)
        if not is_admin(bot, interaction):
            await send_interaction(interaction, [notice("not_admin", lang)], ephemeral=True)
            return
        if action == "reload":
            # Reading and validating every knowledge file may take a while: defer first.
            deferring = interaction.response.defer(thinking=True, ephemeral=True)
            if not await within_cap(interaction, deferring):
                return
            await respond(
                interaction,
                lambda: bot.reload("discord /kb reload"),
                lambda r: reload_replies(r, lang),
                ephemeral=True,
            )
        elif action == "unanswered":

            def groups() -> list[Group] | None:
                found = bot.unanswered_groups()
                attach_targets.remember(found or [])
                return found

            await respond(
                interaction,
                groups,
                lambda g: unanswered_replies(
                    g,
                    lang,
                    bot.settings.pasted_knowledge_dir(),
                    logging=bot.settings.unanswered.enabled,
                ),
                ephemeral=True,
                make_view=attach_view,
            )
        else:
            await respond(
                interaction, bot.status, lambda s: status_replies(s, lang), ephemeral=True
            )

    @tree.error
    async def on_app_command_error(
        interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        why = _STALE.get(type(error))
        if why is not None:
            await refuse_out_of_date(interaction, why)
            return
        command = interaction.command and interaction.command.name
        log.error("app command %s failed", command, exc_info=error)
        await tell_failure(interaction, notice("error", locale_lang(interaction)))


_DIGEST_READ_BYTES = 256  # a digest is 64 hex digits; more is no hash of ours


def command_digest(
    tree: app_commands.CommandTree, application_id: int, guild_ids: Sequence[int]
) -> str:
    """Hash of what a sync would send: the application, the targets and the commands' JSON."""
    payload = [c.to_dict(tree) for c in tree.get_commands()]
    blob = json.dumps(
        {"application": application_id, "guilds": sorted(guild_ids), "commands": payload},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _last_synced_digest(hash_file: Path) -> str | None:
    """The digest the last sync wrote, or None when there is none to trust: no file, or one
    that does not read as a digest (not a regular file: a FIFO would block the start; not
    ASCII) — the commands are then synced again, as on a first start."""
    try:
        if not hash_file.exists():
            return None
        if not hash_file.is_file():
            raise ValueError("not a regular file")
        with hash_file.open("rb") as f:
            return f.read(_DIGEST_READ_BYTES).decode("ascii").strip()
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        log.warning(
            "%s does not read as a hash (%s); the commands are synced again", hash_file, exc
        )
        return None


def _write_hash(hash_file: Path, digest: str) -> None:
    """`digest` into `hash_file`, in place of whatever was there. Written to a file of a
    name of its own made afresh (O_EXCL: always a new regular file, never a link's target)
    and renamed: through a fixed sibling `….new`, a FIFO there blocked the start for ever
    (or took the hash, and was renamed into the hash file's place)."""
    hash_file.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"{hash_file.name}.", suffix=".new", dir=hash_file.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(digest + "\n")
        os.replace(name, hash_file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


async def sync_commands(
    tree: app_commands.CommandTree, settings: Settings, application_id: int
) -> bool:
    """Sync to the configured guilds (instant) or globally, only if the payload changed.

    Returns whether a sync was sent. A failed sync is logged, not raised: the bot
    still answers mentions and DMs, and the next start tries again.
    """
    guild_ids = settings.discord.guild_ids
    hash_file = settings.discord.command_hash_file
    digest = command_digest(tree, application_id, guild_ids)
    if _last_synced_digest(hash_file) == digest:
        log.info("app commands unchanged since the last sync; not syncing")
        return False
    try:
        if guild_ids:
            for gid in guild_ids:
                guild = discord.Object(id=gid)
                tree.copy_global_to(guild=guild)
                await tree.sync(guild=guild)
        else:
            await tree.sync()
    except discord.HTTPException:
        log.exception("syncing the app commands failed; will retry on the next start")
        return False
    try:
        _write_hash(hash_file, digest)
    except OSError as exc:
        log.warning(
            "could not write %s (%s); the commands will be synced again next start",
            hash_file,
            exc.strerror or type(exc).__name__,
        )
    log.info("app commands synced to %s", guild_ids or "all guilds (global)")
    return True
