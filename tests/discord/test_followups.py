"""Follow-ups on Discord: a reply to one of qabot's answers (ping on or off) and messages in a
thread qabot answered in; silence on replies to other people and in other threads."""

from __future__ import annotations

import asyncio
from pathlib import Path

import discord
import pytest

from bot.service import QABot
from bot.state import MemoryState
from tests.discord.fake_discord import BOT_ID, NO_ANSWER, THREAD_ID, USER_ID, FakeDiscord
from tests.discord.harness import make_settings, poll, serving
from tests.discord.payloads import ADMIN_ROLE_ID, message_create
from tests.stalling import StallingBot

Live = tuple[FakeDiscord, discord.Client]
SUBSIDY = "Wie groß ist das AI Subsidy Scheme?"


def mention(text: str) -> str:
    return f"<@{BOT_ID}> {text}"


async def answer_to(fake: FakeDiscord, message_id: int) -> tuple[int, str]:
    """(id, text) of the bot's reply to `message_id`, once posted."""
    call = await fake.wait_reply(message_id)
    return int(call.response["id"]), str(call.json["embeds"][0]["description"])


async def test_replies_to_an_answer_are_follow_ups_with_or_without_a_ping(live: Live) -> None:
    fake, _ = live
    answer, text = await answer_to(fake, await fake.message(mention(SUBSIDY), mentions=(BOT_ID,)))
    assert "HK$3" in text
    # ping off: no mention at all
    answer, text = await answer_to(fake, await fake.message("und RAISe+?", reply_to=answer))
    assert "HK$10" in text
    # ping on: Discord lists the replied-to author among the mentions
    source = await fake.message("Quelle?", reply_to=answer, mentions=(BOT_ID,))
    answer, text = await answer_to(fake, source)
    assert "§16" in text
    english = await fake.message("in English please", reply_to=answer)
    assert "billion" in (await answer_to(fake, english))[1]


async def test_a_reply_to_an_earlier_answer_follows_up_on_that_answer(live: Live) -> None:
    # README: a reply to one of qabot's answers is "a follow-up to that answer". A reply to
    # the first answer of a chain that had gone on was read in the context of the chain's
    # last answer: "source?" on the CFO answer cited the AI Subsidy Scheme's §16.
    fake, _ = live
    cfo = await fake.message(mention("Who is the CFO of SenseTime?"), mentions=(BOT_ID,))
    first, text = await answer_to(fake, cfo)
    assert "Wang Zheng" in text
    subsidy = await fake.message("and how big is the AI Subsidy Scheme?", reply_to=first)
    second, text = await answer_to(fake, subsidy)
    assert "HK$3" in text
    on_first = await fake.message("source?", reply_to=first)
    reply = await fake.wait_reply(on_first)
    assert "§3" in str(reply.json["embeds"]) and "§16" not in str(reply.json["embeds"])
    # the chain goes on from there: a reply to the answer just given is about the CFO too
    more = await fake.message("auf Deutsch bitte", reply_to=int(reply.response["id"]))
    assert "Wang Zheng" in (await answer_to(fake, more))[1]
    # and the later answer keeps its own context
    on_second = await fake.message("source?", reply_to=second)
    assert "§16" in str((await fake.wait_reply(on_second)).json["embeds"])


async def test_silence_on_replies_to_other_peoples_messages(live: Live) -> None:
    fake, _ = live
    await answer_to(fake, await fake.message(mention(SUBSIDY), mentions=(BOT_ID,)))
    someone = await fake.message("RAISe+ sounds big", author=USER_ID + 5)
    quiet = await fake.message("Quelle?", reply_to=someone)
    unknown = await fake.message("und RAISe+?", reply_to=fake.next_id())
    await fake.barrier()
    assert not fake.replies_to(quiet) and not fake.replies_to(unknown)


async def test_a_thread_qabot_answered_in_is_one_conversation(live: Live) -> None:
    fake, _ = live
    first = await fake.message(mention(SUBSIDY), mentions=(BOT_ID,), channel=THREAD_ID)
    await answer_to(fake, first)
    follow_up = await fake.message("und RAISe+?", channel=THREAD_ID)
    assert "HK$10" in (await answer_to(fake, follow_up))[1]


async def test_silence_in_threads_and_channels_without_qabot(live: Live) -> None:
    fake, _ = live
    in_thread = await fake.message("Quelle?", channel=THREAD_ID)
    in_channel = await fake.message("Wie groß ist RAISe+?")
    await fake.barrier()
    assert not fake.replies_to(in_thread) and not fake.replies_to(in_channel)


async def test_bots_are_not_answered_in_a_reply_chain(live: Live) -> None:
    fake, _ = live
    answer, _ = await answer_to(fake, await fake.message(mention(SUBSIDY), mentions=(BOT_ID,)))
    other_bot = await fake.message("Quelle?", reply_to=answer, author=USER_ID + 7, bot=True)
    await fake.barrier()
    assert not fake.replies_to(other_bot)


async def test_a_reply_after_a_restart_is_understood(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path
) -> None:
    """Which message carried which answer, and the context, live in the shared state."""
    settings = make_settings(fake, tmp_path)
    state = MemoryState()
    async with serving(QABot(settings, discord_core.store, state=state), settings):
        answer, _ = await answer_to(fake, await fake.message(mention(SUBSIDY), mentions=(BOT_ID,)))
    async with serving(QABot(settings, discord_core.store, state=state), settings):
        follow_up = await fake.message("und RAISe+?", reply_to=answer)
        assert "HK$10" in (await answer_to(fake, follow_up))[1]


async def test_a_thread_started_on_an_answer_continues_its_conversation(live: Live) -> None:
    fake, _ = live
    answer, _ = await answer_to(fake, await fake.message(mention(SUBSIDY), mentions=(BOT_ID,)))
    await fake.thread(answer)  # "Create Thread" on qabot's answer: the thread has its id
    source = await fake.message("Quelle?", channel=answer)
    assert "§16" in (await answer_to(fake, source))[1]
    follow_up = await fake.message("und RAISe+?", channel=answer)
    assert "HK$10" in (await answer_to(fake, follow_up))[1]


async def test_without_the_content_intent_follow_ups_need_a_mention(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path
) -> None:
    """Discord strips the text of messages that do not mention the bot: a thread message
    gets silence, a ping-off reply to an answer the pointer to /ask."""
    settings = make_settings(fake, tmp_path, message_content_intent=False)
    async with serving(QABot(settings, discord_core.store), settings):
        first = await fake.message(mention(SUBSIDY), mentions=(BOT_ID,), channel=THREAD_ID)
        answer, _ = await answer_to(fake, first)
        stripped_in_thread = await fake.message("", channel=THREAD_ID)
        stripped_reply = await fake.message("", reply_to=answer, channel=THREAD_ID)
        pointer = await fake.wait_reply(stripped_reply)
        await fake.barrier()
        assert not fake.replies_to(stripped_in_thread)
        assert "/ask" in pointer.json["content"]
        pinged = await fake.message(mention("und RAISe+?"), reply_to=answer, mentions=(BOT_ID,))
        assert "HK$10" in (await answer_to(fake, pinged))[1]


async def test_a_forward_of_an_answer_gets_silence(live: Live) -> None:
    # A forward carries a reference to the answer too (type 1): qabot took it for a reply
    # and posted its help text in the channel the answer was forwarded to.
    fake, _ = live
    answer, _ = await answer_to(fake, await fake.message(mention(SUBSIDY), mentions=(BOT_ID,)))
    forward = await fake.message("", forward_of=answer)
    await fake.barrier()
    assert not fake.replies_to(forward)
    # a reply to the same answer is still a follow-up
    assert "HK$10" in (await answer_to(fake, await fake.message("und RAISe+?", reply_to=answer)))[1]


async def test_turns_of_one_conversation_are_answered_in_order(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path
) -> None:
    # Each message is answered in a worker thread: a DM sent while the one before it was
    # still being answered (a slow store) overtook it, and "Quelle?" got "about what?".
    bot = StallingBot(discord_core.settings, discord_core.store)
    async with serving(bot, make_settings(fake, tmp_path)):
        first = await fake.message("slow:" + SUBSIDY, dm=True)
        await asyncio.to_thread(bot.stalled.wait, 10)
        source = await fake.message("Quelle?", dm=True)
        with pytest.raises(TimeoutError):  # bounded: nothing may be posted meanwhile
            await fake.wait_until(lambda: fake.replies_to(source), timeout=0.5)
        bot.go_on.set()
        assert "HK$3" in (await answer_to(fake, first))[1]
        assert "§16" in (await answer_to(fake, source))[1]


@pytest.mark.parametrize("addressee", ["person", "role"])
async def test_a_message_to_someone_else_in_qabots_thread_gets_silence(
    live: Live, addressee: str
) -> None:
    fake, _ = live
    first = await fake.message(mention(SUBSIDY), mentions=(BOT_ID,), channel=THREAD_ID)
    await answer_to(fake, first)
    other = USER_ID + 7
    text = "kannst du mir die Folien schicken?"
    if addressee == "person":
        to_someone = await fake.message(f"<@{other}> {text}", mentions=(other,), channel=THREAD_ID)
    else:  # a role of people (not the bot's own)
        to_someone = await fake.message(
            f"<@&{ADMIN_ROLE_ID}> {text}", role_mentions=(ADMIN_ROLE_ID,), channel=THREAD_ID
        )
    follow_up = await fake.message("und RAISe+?", channel=THREAD_ID)
    assert "HK$10" in (await answer_to(fake, follow_up))[1]
    await fake.barrier()
    assert not fake.replies_to(to_someone)


async def test_a_reply_to_someone_else_in_qabots_thread_gets_silence(live: Live) -> None:
    # With the ping off a reply mentions nobody: it was answered as a follow-up to qabot.
    fake, _ = live
    first = await fake.message(mention(SUBSIDY), mentions=(BOT_ID,), channel=THREAD_ID)
    await answer_to(fake, first)
    theirs = await fake.message("Hat jemand die Folien?", channel=THREAD_ID, author=USER_ID + 7)
    await answer_to(fake, theirs)  # (unaddressed, in qabot's thread: a follow-up)
    reply = await fake.message("Ja, schicke ich dir", channel=THREAD_ID, reply_to=theirs)
    follow_up = await fake.message("und RAISe+?", channel=THREAD_ID)
    assert "HK$10" in (await answer_to(fake, follow_up))[1]
    await fake.barrier()
    assert not fake.replies_to(reply)


async def test_a_reply_to_an_ask_answer_is_a_follow_up(live: Live) -> None:
    # /ask answered outside any conversation: a reply to its answer got silence
    fake, client = live
    iid, _ = await fake.interaction("ask", [{"name": "question", "type": 3, "value": SUBSIDY}])
    (call,) = await fake.wait_call("POST", rf"/interactions/{iid}/[^/]+/callback")
    answer = int(call.response["resource"]["message"]["id"])
    await poll(lambda: not client.in_flight.tasks)  # the conversation layer has heard which
    source = await fake.message("Quelle?", reply_to=answer)
    assert "§16" in (await answer_to(fake, source))[1]


# Which message carried an /ask answer was looked up after the answer went out (GET
# …/messages/@original). A lookup Discord took and never answered, or held by an hour's
# rate limit, lost the follow-ups: a reply to the answer was a question of its own ("about
# what?"). Discord's answer to the send names the message: no lookup.
@pytest.mark.parametrize(
    ("sent", "lookup"),
    [("at once", "no answer"), ("at once", "rate-limited"), ("deferred", "no answer")],
)
async def test_a_reply_to_an_ask_answer_follows_up_with_no_lookup(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path, sent: str, lookup: str
) -> None:
    bot = StallingBot(discord_core.settings, discord_core.store)
    bot.go_on.set()  # slow past the deferral only: "slow:" waits DEFER_AFTER_S below
    settings = make_settings(fake, tmp_path)
    settings.discord.max_retry_after_s = 0.3  # a lookup's wait (below validation's floor)
    original = r"/webhooks/\d+/[^/]+/messages/@original"
    if lookup == "no answer":
        fake.failing[original] = [NO_ANSWER]
    else:
        fake.rate_limited[original] = [3600.0]
    question = SUBSIDY if sent == "at once" else "slow:" + SUBSIDY
    async with serving(bot, settings) as client:
        if sent == "deferred":
            bot.go_on.clear()
        iid, token = await fake.interaction(
            "ask", [{"name": "question", "type": 3, "value": question}]
        )
        if sent == "deferred":
            await fake.wait_call("POST", rf"/interactions/{iid}/[^/]+/callback")  # the deferral
            bot.go_on.set()
            (call,) = await fake.wait_call("POST", rf"/webhooks/\d+/{token}")
            answer = int(call.response["id"])
        else:
            (call,) = await fake.wait_call("POST", rf"/interactions/{iid}/[^/]+/callback")
            answer = int(call.response["resource"]["message"]["id"])
        await poll(lambda: not client.in_flight.tasks)  # the answer's message is known
        source = await fake.message("Quelle?", reply_to=answer)
        assert "§16" in (await answer_to(fake, source))[1]
    assert not fake.failed and not fake.find("GET", original)  # no request more


async def test_each_ask_answer_is_a_conversation_of_its_own(live: Live) -> None:
    # Named alike ("ask" for every /ask), every /ask answer was one conversation: a reply to
    # the first went on from whatever /ask was answered last, anyone's, anywhere.
    fake, client = live
    answers = []
    for question in (SUBSIDY, "Wann wurde SenseTime gegründet?"):
        iid, _ = await fake.interaction("ask", [{"name": "question", "type": 3, "value": question}])
        (call,) = await fake.wait_call("POST", rf"/interactions/{iid}/[^/]+/callback")
        answers.append(int(call.response["resource"]["message"]["id"]))
        await poll(lambda: not client.in_flight.tasks)
    english = await fake.message("und auf Englisch?", reply_to=answers[0])
    text = (await answer_to(fake, english))[1]
    assert "HK$3" in text and "2014" not in text, text


async def test_a_server_message_in_qabots_thread_gets_silence(live: Live) -> None:
    # Discord posts "… changed the thread name" in the thread, the new name its content:
    # no question, though in a thread qabot answered in (and the only server message with
    # text: a pin or someone added comes without).
    fake, _ = live
    first = await fake.message(mention(SUBSIDY), mentions=(BOT_ID,), channel=THREAD_ID)
    await answer_to(fake, first)
    renamed = message_create(
        fake.next_id(), "Fragen zu RAISe+", author=USER_ID, bot=False, dm=False, mentions=(),
        mention_everyone=False, channel=THREAD_ID,
    )  # fmt: skip
    await fake.dispatch("MESSAGE_CREATE", renamed | {"type": 4})  # CHANNEL_NAME_CHANGE
    follow_up = await fake.message("und RAISe+?", channel=THREAD_ID)
    assert "HK$10" in (await answer_to(fake, follow_up))[1]
    await fake.barrier()
    assert not fake.replies_to(int(renamed["id"]))
