"""Follow-ups in Slack threads: where qabot answered, replies need no mention; elsewhere silence."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.service import QABot
from bot.settings import Settings
from bot.state import MemoryState
from tests.slack.fake_slack_api import BOT_ID, BOT_USER_ID
from tests.slack.harness import KNOWLEDGE, SlackHarness, StartSlack
from tests.stalling import StallingBot


def thread_message(
    slack: SlackHarness, text: str, *, thread_ts: str | None, **where: str
) -> dict[str, Any]:
    """A message in a channel (in the thread `thread_ts`), without a mention."""
    return slack.message_event(text, thread_ts=thread_ts, **where)


async def ask_in_thread(slack: SlackHarness, event: dict[str, Any], posts: int) -> dict[str, Any]:
    """Deliver `event`; the reply, which must be post number `posts`."""
    assert (await slack.event(event)).status == 200
    await slack.api.wait_for(lambda api: len(api.posts()) >= posts)
    return slack.api.posts()[posts - 1]


async def test_replies_in_a_thread_qabot_answered_in_are_follow_ups(slack: SlackHarness) -> None:
    first = slack.mention_event("Wie groß ist das AI Subsidy Scheme?")
    root = first["ts"]
    assert "HK$3" in (await ask_in_thread(slack, first, 1))["text"]
    elliptical = await ask_in_thread(slack, thread_message(slack, "und RAISe+?", thread_ts=root), 2)
    assert "HK$10" in elliptical["text"] and elliptical["thread_ts"] == root
    source = await ask_in_thread(slack, thread_message(slack, "Quelle?", thread_ts=root), 3)
    assert "RAISe+ Scheme" in source["text"] and "§16" in str(source["blocks"])
    english = await ask_in_thread(
        slack, thread_message(slack, "in English please", thread_ts=root), 4
    )
    assert "HK$10" in english["text"] and "billion" in english["text"]
    assert {p["thread_ts"] for p in slack.api.posts()} == {root}


async def test_a_private_channel_thread_works_the_same(slack: SlackHarness) -> None:
    first = slack.mention_event("Who is the CFO of SenseTime?", channel="G1")
    await ask_in_thread(slack, first, 1)
    event = thread_message(
        slack, "and when was the company founded?", thread_ts=first["ts"], channel="G1",
        channel_type="group",
    )  # fmt: skip
    assert "2014" in (await ask_in_thread(slack, event, 2))["text"]


async def test_silence_in_threads_qabot_was_not_part_of(slack: SlackHarness) -> None:
    await slack.event(thread_message(slack, "Quelle?", thread_ts="1709999999.000001"))
    await slack.event(thread_message(slack, "How many companies use AI?", thread_ts=None))
    # qabot's thread in another channel does not make the same ts a conversation here
    first = slack.mention_event("Who is the CFO of SenseTime?", channel="C1")
    await ask_in_thread(slack, first, 1)
    await slack.event(thread_message(slack, "Quelle?", thread_ts=first["ts"], channel="C2"))
    await slack.settled()
    assert len(slack.api.posts()) == 1


async def test_no_reply_to_bots_in_a_thread_qabot_answered_in(slack: SlackHarness) -> None:
    first = slack.mention_event("Who is the CFO of SenseTime?")
    await ask_in_thread(slack, first, 1)
    own = {**thread_message(slack, "Wang Zheng …", thread_ts=first["ts"]), "bot_id": BOT_ID}
    own["user"] = BOT_USER_ID
    other = {**thread_message(slack, "Quelle?", thread_ts=first["ts"]), "bot_id": "BOTHER"}
    await slack.event(own)
    await slack.event(other)
    await slack.settled()
    assert len(slack.api.posts()) == 1


async def test_a_mention_in_a_thread_is_answered_once(slack: SlackHarness) -> None:
    """app_mention and message.channels both carry it: one reply."""
    first = slack.mention_event("Who is the CFO of SenseTime?")
    await ask_in_thread(slack, first, 1)
    mention = slack.mention_event("When was SenseTime founded?", thread_ts=first["ts"])
    as_message = {**mention, "type": "message", "channel_type": "channel"}
    await slack.event(mention)
    await slack.event(as_message)
    await slack.api.wait_for(lambda api: len(api.posts()) >= 2)
    await slack.settled()
    assert len(slack.api.posts()) == 2


async def test_require_mention_turns_thread_follow_ups_off(start_slack: StartSlack) -> None:
    slack = await start_slack(slack={"require_mention": True})
    first = slack.mention_event("Who is the CFO of SenseTime?")
    await ask_in_thread(slack, first, 1)
    await slack.event(thread_message(slack, "Quelle?", thread_ts=first["ts"]))
    await slack.settled()
    assert len(slack.api.posts()) == 1
    again = slack.mention_event("Quelle?", thread_ts=first["ts"])
    assert "Wang Zheng" in (await ask_in_thread(slack, again, 2))["text"]


async def test_a_dm_is_one_conversation(slack: SlackHarness) -> None:
    await ask_in_thread(slack, slack.dm_event("Wie groß ist das AI Subsidy Scheme?"), 1)
    source = await ask_in_thread(slack, slack.dm_event("Quelle?"), 2)
    assert "§16" in source["text"] and "thread_ts" not in source
    other_dm = await ask_in_thread(slack, slack.dm_event("Quelle?", channel="D2"), 3)
    assert "Wozu?" in other_dm["text"]  # another DM knows nothing of the first


async def test_a_follow_up_after_a_restart_is_understood(
    start_slack: StartSlack, slack_bot: QABot
) -> None:
    """The context and the thread qabot joined live in the shared state, not the adapter."""
    state = MemoryState()
    settings = Settings(knowledge_dir=KNOWLEDGE, default_lang="en")
    before = await start_slack(bot=QABot(settings, slack_bot.store, state=state))
    first = before.mention_event("Wie groß ist das AI Subsidy Scheme?")
    await ask_in_thread(before, first, 1)
    after = await start_slack(bot=QABot(settings, slack_bot.store, state=state))
    after._ids = before._ids  # Slack's ts and event ids go on, they do not start again
    follow_up = thread_message(after, "und RAISe+?", thread_ts=first["ts"])
    reply = await ask_in_thread(after, follow_up, 2)
    assert "HK$10" in reply["text"]


class CountingState(MemoryState):
    """The in-process state, counting the claims (the store calls made before the ack)."""

    claims = 0

    def claim(self, key: str, ttl_s: float) -> bool:
        self.claims += 1
        return super().claim(key, ttl_s)


async def test_channel_messages_outside_threads_cost_the_shared_state_nothing(
    start_slack: StartSlack, slack_bot: QABot
) -> None:
    """message.channels delivers every message of a channel; those at the top are dropped
    before any store call."""
    state = CountingState()
    slack = await start_slack(bot=QABot(slack_bot.settings, slack_bot.store, state=state))
    for n in range(5):
        await slack.event(thread_message(slack, f"lunch at {n}?", thread_ts=None))
    await slack.settled()
    assert state.claims == 0 and not slack.api.posts()


async def test_turns_of_one_conversation_are_answered_in_order(
    start_slack: StartSlack, slack_bot: QABot
) -> None:
    # The core runs on several threads: a follow-up sent while the question before it was
    # still being answered (a slow store) overtook it, and "Quelle?" got "about what?".
    bot = StallingBot(slack_bot.settings, slack_bot.store)
    slack = await start_slack(bot=bot)
    await slack.event(slack.dm_event("slow: Wie groß ist das AI Subsidy Scheme?"))
    await asyncio.to_thread(bot.stalled.wait, 10)
    await slack.event(slack.dm_event("Quelle?"))
    with pytest.raises(AssertionError):  # bounded: nothing may be posted meanwhile
        await slack.api.wait_for(lambda api: bool(api.posts()), timeout=0.5)
    bot.go_on.set()
    await slack.api.wait_for(lambda api: len(api.posts()) == 2)
    question, source = slack.api.posts()
    assert "HK$3" in question["text"] and "§16" in str(source["blocks"])
    # other conversations are not held up meanwhile (see tests/ops/test_hung_store.py)


@pytest.mark.parametrize("addressee", ["<@U21>", "<!subteam^S0614TZR7|@design>"])
async def test_a_message_to_someone_else_in_qabots_thread_gets_silence(
    slack: SlackHarness, addressee: str
) -> None:
    # Once qabot had answered in a thread, a message there that mentions another person
    # or a user group (and not qabot) got "Sorry, the article doesn't say." as if asked.
    first = slack.mention_event("Who is the CFO of SenseTime?")
    await ask_in_thread(slack, first, 1)
    text = f"{addressee} can you send me the deck?"
    to_someone = thread_message(slack, text, thread_ts=first["ts"])
    await slack.event(to_someone)
    source = await ask_in_thread(slack, thread_message(slack, "Quelle?", thread_ts=first["ts"]), 2)
    assert "§3" in str(source["blocks"])  # the next follow-up is still understood
    await slack.settled()
    assert len(slack.api.posts()) == 2
