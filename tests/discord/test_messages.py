"""Mentions and DMs through discord.py: cited replies that never ping; what to ignore."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import discord
import pytest

from bot.messages import msg
from bot.ratelimit import RateLimitSettings
from bot.service import QABot
from tests.discord.fake_discord import (
    ADMIN_ID,
    ADMIN_ROLE_ID,
    BOT_ID,
    BOT_ROLE_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    OTHER_BOT_ID,
    USER_ID,
    FakeDiscord,
)
from tests.discord.harness import make_settings, serving
from tests.discord.payloads import message_create
from tests.slack.bots import EchoBot

RECRUITING_DE = "Wie viele Firmen haben Probleme bei der Rekrutierung?"

Live = tuple[FakeDiscord, discord.Client]


async def test_mention_gets_a_cited_reply_that_cannot_ping(live: Live) -> None:
    fake, _ = live
    mid = await fake.message(f"<@{BOT_ID}> {RECRUITING_DE}", mentions=(BOT_ID,))
    call = await fake.wait_reply(mid)
    assert call.path == f"/channels/{CHANNEL_ID}/messages"
    assert call.json["message_reference"]["message_id"] == mid
    assert call.json["allowed_mentions"] == {"parse": [], "replied_user": False}
    (embed,) = call.json["embeds"]
    assert "49 %" in embed["description"]
    citation = embed["fields"][0]
    assert citation["name"].startswith("[1] Quelle §")  # paragraph
    assert "Stand 2023-11" in citation["name"]  # as-of date
    assert "49 % der befragten Unternehmen" in citation["value"]  # the quoted sentence


async def test_nickname_mention_is_stripped_and_answered_in_english(live: Live) -> None:
    fake, _ = live
    mid = await fake.message(
        f"<@!{BOT_ID}> how many firms struggle to recruit?", mentions=(BOT_ID,)
    )
    embed = (await fake.wait_reply(mid)).json["embeds"][0]
    assert "49" in embed["description"]
    assert embed["fields"][0]["name"].startswith("[1] Source §")


async def test_every_form_of_the_bots_mention_is_taken_off_the_question(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path
) -> None:
    # The resolver answers "hpc" with the mention left in too: the question as the core
    # gets it (EchoBot shows it back) says whether it was stripped.
    bot = EchoBot(discord_core.settings, discord_core.store)
    async with serving(bot, make_settings(fake, tmp_path)):
        for mention in (f"<@{BOT_ID}>", f"<@!{BOT_ID}>"):
            mid = await fake.message(f"{mention} hpc {mention}", mentions=(BOT_ID,))
            (embed,) = (await fake.wait_reply(mid)).json["embeds"]
            assert embed["description"] == "You asked: hpc", mention
        # The role Discord gives the bot ("@qabot" may pick it): its mention is the bot's.
        role = f"<@&{BOT_ROLE_ID}>"
        mid = await fake.message(f"{role} hpc {role}", role_mentions=(BOT_ROLE_ID,))
        (embed,) = (await fake.wait_reply(mid)).json["embeds"]
        assert embed["description"] == "You asked: hpc"


async def test_a_mention_of_the_bots_own_role_is_a_mention(live: Live) -> None:
    # Discord gives a bot a role of its name, and "@qabot" in the client can pick that role:
    # the message came without the bot among its mentions and got silence.
    fake, _ = live
    mid = await fake.message(f"<@&{BOT_ROLE_ID}> {RECRUITING_DE}", role_mentions=(BOT_ROLE_ID,))
    assert "49 %" in (await fake.wait_reply(mid)).json["embeds"][0]["description"]
    other = await fake.message(f"<@&{ADMIN_ROLE_ID}> hpc", role_mentions=(ADMIN_ROLE_ID,))
    await fake.barrier()
    assert not fake.replies_to(other)


async def test_dm_is_answered_as_a_reply(live: Live) -> None:
    fake, _ = live
    mid = await fake.message("Wann wurde SenseTime gegründet?", dm=True)
    call = await fake.wait_reply(mid)
    assert call.path == f"/channels/{DM_CHANNEL_ID}/messages"
    assert "2014" in call.json["embeds"][0]["description"]


async def test_bots_itself_and_unmentioned_messages_are_ignored(live: Live) -> None:
    fake, _ = live
    ignored = [
        await fake.message(f"<@{BOT_ID}> hpc", author=OTHER_BOT_ID, bot=True, mentions=(BOT_ID,)),
        await fake.message("hpc", author=BOT_ID, bot=True, dm=True),
        await fake.message("Wie viele Firmen haben Probleme bei der Rekrutierung?"),
        await fake.message(f"<@{USER_ID}> hpc?", mentions=(USER_ID,)),
        await fake.message("@everyone hpc?", mention_everyone=True),
        # a webhook's post: its author is the webhook, which Discord need not mark a bot
        await fake.message(
            f"<@{BOT_ID}> hpc",
            author=OTHER_BOT_ID + 1,
            mentions=(BOT_ID,),
            webhook_id=OTHER_BOT_ID + 1,
        ),
    ]
    await fake.barrier()
    assert all(fake.replies_to(mid) == [] for mid in ignored)


async def test_a_mention_without_content_is_an_empty_message(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    """`content: null` (Discord sends a string, "" without the content intent; discord.py
    keeps what it got): the empty mention's reply, not an ERROR with a traceback and
    silence (strip_mention's TypeError on None)."""
    fake, _ = live
    mid = fake.next_id()
    data = message_create(
        mid, "", author=USER_ID, bot=False, dm=False, mentions=(BOT_ID,), mention_everyone=False
    )
    await fake.dispatch("MESSAGE_CREATE", data | {"content": None})
    reply = (await fake.wait_reply(mid)).json
    empty = await fake.message(f"<@{BOT_ID}>", mentions=(BOT_ID,))
    assert reply["content"] == (await fake.wait_reply(empty)).json["content"]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_everyone_in_a_question_pings_nobody(live: Live) -> None:
    fake, _ = live
    text = f"<@{BOT_ID}> @everyone @here <@{USER_ID}> <@&1> was ist SenseTime?"
    mid = await fake.message(text, mentions=(BOT_ID, USER_ID), mention_everyone=True)
    call = await fake.wait_reply(mid)
    assert call.json["allowed_mentions"]["parse"] == []
    assert call.json["allowed_mentions"]["replied_user"] is False
    assert "users" not in call.json["allowed_mentions"]
    assert "roles" not in call.json["allowed_mentions"]


async def test_without_message_content_intent(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path
) -> None:
    settings = make_settings(fake, tmp_path, message_content_intent=False)
    async with serving(discord_core, settings):
        identify = fake.ops(2)[0]["d"]
        assert not identify["intents"] & (1 << 15)  # MESSAGE_CONTENT not requested
        # Discord leaves the content of such a mention empty: the bot points to /ask.
        empty = await fake.message(f"<@{BOT_ID}>", mentions=(BOT_ID,))
        pointer = (await fake.wait_reply(empty)).json
        assert "/ask" in pointer["content"] and not pointer["embeds"]
        assert len(pointer["content"]) <= 2000
        # Discord still sends the content of a message that mentions the bot: answer it.
        asked = await fake.message(f"<@{BOT_ID}> hpc", mentions=(BOT_ID,))
        assert (await fake.wait_reply(asked)).json["embeds"]


async def test_without_the_content_intent_pointers_spend_the_rate_limit(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path
) -> None:
    """A pointer to /ask is a post like an answer: it spends the asker's tokens, and past
    them the asker gets the notice once, then silence (40 empty mentions got 40 pointers)."""
    limits = RateLimitSettings(enabled=True, user_burst=3, user_per_s=0)
    bot = QABot(discord_core.settings.model_copy(update={"rate_limit": limits}), discord_core.store)
    settings = make_settings(fake, tmp_path, message_content_intent=False)
    async with serving(bot, settings):
        flood = [
            await fake.message(f"<@{BOT_ID}>", mentions=(BOT_ID,), author=ADMIN_ID)
            for _ in range(8)
        ]
        await fake.wait_until(lambda: sum(len(fake.replies_to(mid)) for mid in flood) >= 4)
        await fake.barrier()  # another asker (in a DM) is still answered
        posted = [call.json for mid in flood for call in fake.replies_to(mid)]
    pointers = [reply for reply in posted if "/ask" in (reply["content"] or "")]
    notices = [reply for reply in posted if reply not in pointers]
    assert len(pointers) == 3
    assert len(notices) == 1
    notice_text = msg("rate_limited", bot.store.current.settings.default_lang)
    assert notice_text in json.dumps(notices[0], ensure_ascii=False)


async def test_a_message_delivered_twice_is_answered_once(live: Live) -> None:
    # Discord gives no delivery id: two processes connected for one shard (a rolling
    # deploy's old and new one, a shard given to two by mistake) both receive a
    # MESSAGE_CREATE, and both answered it though they share a Redis. The same message id
    # twice through one shared state is what the second process sees (two clients cannot
    # share one process: discord.py's REST base is a class attribute).
    fake, _ = live
    mid = fake.next_id()
    data = message_create(
        mid,
        f"<@{BOT_ID}> {RECRUITING_DE}",
        author=USER_ID,
        bot=False,
        dm=False,
        mentions=(BOT_ID,),
        mention_everyone=False,
    )
    await fake.dispatch("MESSAGE_CREATE", data)
    await fake.dispatch("MESSAGE_CREATE", data)
    await fake.wait_reply(mid)
    await fake.barrier()
    assert len(fake.replies_to(mid)) == 1
