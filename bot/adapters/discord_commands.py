"""Discord app commands: /stat (with autocomplete), /ask and /kb, and their sync policy.

Each handler is a translator: interaction → one call into the core (in a worker
thread, so the gateway heartbeat never waits on it) → rendered embeds. Sync
happens once per start and only when the commands' JSON payload changed; the
hash of the last synced payload is kept in `settings.discord.command_hash_file`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from typing import Literal, TypeVar

import discord
from discord import app_commands

from bot.answer import Answer
from bot.render.discord import (
    DiscordReply,
    answer_replies,
    choices,
    notice,
    reload_replies,
    stat_replies,
    status_replies,
    unanswered_replies,
)
from bot.service import QABot
from bot.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

# Discord wants a first response within 3 s; past this, defer and answer in a follow-up.
DEFER_AFTER_S = 1.0


def locale_lang(interaction: discord.Interaction) -> str | None:
    """'de' or 'en' from the user's Discord locale, None when it is neither."""
    code = str(interaction.locale.value if interaction.locale else "")
    return code[:2] if code[:2] in ("de", "en") else None


def to_embeds(reply: DiscordReply) -> list[discord.Embed]:
    return [discord.Embed.from_dict(e) for e in reply.embeds]


async def send_interaction(
    interaction: discord.Interaction, replies: Sequence[DiscordReply], *, ephemeral: bool = False
) -> None:
    """The first reply as the interaction response (or its follow-up if deferred), then the rest."""
    for reply in replies:
        kwargs = {"embeds": to_embeds(reply), "ephemeral": ephemeral}
        if reply.content is not None:
            kwargs["content"] = reply.content
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)


async def respond(
    interaction: discord.Interaction,
    work: Callable[[], T],
    render: Callable[[T], list[DiscordReply]],
    *,
    ephemeral: bool = False,
) -> None:
    """Run `work` off the event loop; defer if it is slow; send what `render` makes of it."""
    task = asyncio.ensure_future(asyncio.to_thread(work))
    done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER_S)
    if not done and not interaction.response.is_done():
        await interaction.response.defer(thinking=True, ephemeral=ephemeral)
    await send_interaction(interaction, render(await task), ephemeral=ephemeral)


def is_admin(bot: QABot, interaction: discord.Interaction) -> bool:
    """Configured user or role, or Manage Server in this guild; checked on every /kb call."""
    user = interaction.user
    roles = [role.id for role in getattr(user, "roles", ())]
    manage = interaction.guild is not None and interaction.permissions.manage_guild
    return bot.is_admin("discord", user.id, roles, has_manage_guild=manage)


def register_commands(tree: app_commands.CommandTree, bot: QABot) -> None:
    """Add /stat, /ask and /kb to `tree` as global commands."""

    @tree.command(name="stat", description="Key statistics of the article, or the one for a topic")
    @app_commands.describe(topic="A topic, e.g. recruiting, HPC, SenseTime (German or English)")
    async def stat(interaction: discord.Interaction, topic: str | None = None) -> None:
        lang = None if topic else locale_lang(interaction)
        await respond(interaction, lambda: bot.stat(topic, lang=lang), stat_replies)

    @stat.autocomplete("topic")
    async def stat_topic(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        pairs = choices(bot.topic_choices(current, limit=25))
        return [app_commands.Choice(name=name, value=value) for name, value in pairs]

    @tree.command(name="ask", description="Ask a question about the article (German or English)")
    @app_commands.describe(question="Your question")
    async def ask(interaction: discord.Interaction, question: str) -> None:
        def work() -> Answer:
            channel = str(interaction.channel_id) if interaction.channel_id else None
            user = str(interaction.user.id)
            return bot.ask(question, platform="discord", user=user, channel=channel)

        await respond(interaction, work, answer_replies)

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
            await interaction.response.defer(thinking=True, ephemeral=True)
            await respond(
                interaction,
                lambda: bot.reload("discord /kb reload"),
                lambda r: reload_replies(r, lang),
                ephemeral=True,
            )
        elif action == "unanswered":
            await respond(
                interaction,
                bot.unanswered_groups,
                lambda g: unanswered_replies(g, lang),
                ephemeral=True,
            )
        else:
            await respond(
                interaction, bot.status, lambda s: status_replies(s, lang), ephemeral=True
            )

    @tree.error
    async def on_app_command_error(
        interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        log.error(
            "app command %s failed",
            interaction.command and interaction.command.name,
            exc_info=error,
        )
        try:
            reply = notice("error", locale_lang(interaction))
            await send_interaction(interaction, [reply], ephemeral=True)
        except discord.HTTPException:
            log.warning("could not tell the user about the failed command")


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
    try:
        if hash_file.read_text().strip() == digest:
            log.info("app commands unchanged since the last sync; not syncing")
            return False
    except OSError:
        pass
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
        hash_file.parent.mkdir(parents=True, exist_ok=True)
        hash_file.write_text(digest + "\n")
    except OSError:
        log.warning("could not write %s; the commands will be synced again next start", hash_file)
    log.info("app commands synced to %s", guild_ids or "all guilds (global)")
    return True
