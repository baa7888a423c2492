"""👍/👎 on qabot's Discord answers land in the unanswered log; other reactions do not."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.service import QABot
from bot.settings import PROJECT_ROOT, Settings
from tests.discord.fake_discord import (
    BOT_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    OTHER_BOT_ID,
    USER_ID,
    FakeDiscord,
    member,
    user,
)
from tests.discord.harness import ADMINS, make_settings, serving

RECRUITING = "How many companies have difficulties recruiting?"

Live = tuple[FakeDiscord, discord.Client, QABot]


@pytest.fixture
async def voting(fake: FakeDiscord, discord_core: QABot, tmp_path: Path) -> AsyncIterator[Live]:
    """The adapter over the real core, logging to its own file (user ids kept)."""
    settings = Settings(
        knowledge_dir=PROJECT_ROOT / "knowledge",
        admins=ADMINS,
        unanswered={"path": tmp_path / "unanswered.jsonl", "log_user_ids": True},
    )
    bot = QABot(settings, discord_core.store)
    async with serving(bot, make_settings(fake, tmp_path)) as client:
        yield fake, client, bot


async def poll(predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Wait (bounded) until `predicate()` is truthy; return its value."""
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.005)
    return value


def votes(bot: QABot) -> list[dict[str, Any]]:
    return [r for r in bot.unanswered.records() if r["kind"] in ("up", "down")]


async def answered(fake: FakeDiscord, client: discord.Client, *, dm: bool = False) -> int:
    """Ask; the id of the bot's reply, once the adapter has noted what it carried."""
    mentions = () if dm else (BOT_ID,)
    prefix = "" if dm else f"<@{BOT_ID}> "
    call = await fake.wait_reply(await fake.message(prefix + RECRUITING, dm=dm, mentions=mentions))
    reply_id = int(call.response["id"])
    await poll(lambda: client.chat.posted("discord", str(reply_id)))  # type: ignore[attr-defined]
    return reply_id


async def react(
    fake: FakeDiscord,
    message_id: int,
    emoji: str,
    *,
    who: int = USER_ID,
    bot: bool = False,
    dm: bool = False,
    author: int | None = BOT_ID,
) -> None:
    """Dispatch MESSAGE_REACTION_ADD as Discord documents it."""
    data: dict[str, Any] = {
        "user_id": str(who),
        "channel_id": str(DM_CHANNEL_ID if dm else CHANNEL_ID),
        "message_id": str(message_id),
        "emoji": {"id": None, "name": emoji},
        "burst": False,
        "type": 0,
    }
    if not dm:
        data["guild_id"] = str(GUILD_ID)
        data["member"] = {**member(who, f"user{who % 1000}"), "user": user(who, "x", bot=bot)}
    if author is not None:
        data["message_author_id"] = str(author)
    await fake.dispatch("MESSAGE_REACTION_ADD", data)


@pytest.mark.parametrize(("emoji", "kind"), [("👍", "up"), ("👎", "down"), ("👍🏽", "up")])
async def test_a_thumb_on_an_answer_is_logged_with_its_intent_and_question(
    voting: Live, emoji: str, kind: str
) -> None:
    fake, client, bot = voting
    reply_id = await answered(fake, client)
    await react(fake, reply_id, emoji)
    (record,) = await poll(lambda: votes(bot))
    assert record["kind"] == kind
    assert record["platform"] == "discord"
    assert record["guess"] == "hkpc.recruiting"
    assert record["question"] == RECRUITING
    assert record["lang"] == "en"
    assert record["user"] == str(USER_ID)


async def test_a_thumb_in_a_dm_is_logged(voting: Live) -> None:
    fake, client, bot = voting
    reply_id = await answered(fake, client, dm=True)
    await react(fake, reply_id, "👎", dm=True, author=None)
    (record,) = await poll(lambda: votes(bot))
    assert record["kind"] == "down" and record["guess"] == "hkpc.recruiting"


async def test_reactions_that_are_not_votes_on_our_answers_are_ignored(voting: Live) -> None:
    fake, client, bot = voting
    reply_id = await answered(fake, client)
    await react(fake, reply_id, "🎉")  # not a thumb
    await react(fake, fake.next_id(), "👍", author=USER_ID)  # someone else's message
    await react(fake, fake.next_id(), "👍")  # a message we do not know
    await react(fake, reply_id, "👍", who=OTHER_BOT_ID, bot=True)  # another bot
    await react(fake, reply_id, "👍", who=BOT_ID, bot=True)  # the bot itself
    # Events are handled in order: once the last (a real vote) is logged, the rest were seen.
    await react(fake, reply_id, "👎")
    (record,) = await poll(lambda: votes(bot))
    await fake.barrier()
    assert votes(bot) == [record]
    assert record["kind"] == "down"
