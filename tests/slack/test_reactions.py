"""👍/👎 on qabot's Slack answers land in the unanswered log; other reactions do not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.service import QABot
from bot.settings import Settings
from bot.store import KnowledgeStore
from tests.slack.fake_slack_api import BOT_USER_ID
from tests.slack.harness import KNOWLEDGE, SlackHarness, StartSlack

RECRUITING = "How many companies have difficulties recruiting?"


@pytest.fixture
def logging_bot(slack_store: KnowledgeStore, tmp_path: Path) -> QABot:
    """The real core, logging to its own file (user ids kept, to check who voted)."""
    settings = Settings(
        knowledge_dir=KNOWLEDGE,
        default_lang="en",
        unanswered={"path": tmp_path / "unanswered.jsonl", "log_user_ids": True},
    )
    return QABot(settings, slack_store)


def votes(bot: QABot) -> list[dict[str, Any]]:
    return [r for r in bot.unanswered.records() if r["kind"] in ("up", "down")]


def reaction(
    name: str, *, ts: str, channel: str = "C1", user: str = "U2", item_user: str = BOT_USER_ID
) -> dict[str, Any]:
    """A `reaction_added` event as Slack documents it."""
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": name,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": "1710000100.000001",
    }


async def answered(slack: SlackHarness, question: str = RECRUITING) -> str:
    """Ask by mention; the ts of the bot's reply (the fake numbers its posts 1, 2, ...)."""
    await slack.event(slack.mention_event(question))
    await slack.api.wait_for(lambda api: len(api.posts()) >= 1)
    return f"1700000000.{len(slack.api.posts()):06d}"


async def vote(slack: SlackHarness, event: dict[str, Any], **kwargs: Any) -> None:
    reply = await slack.event(event, **kwargs)
    assert reply.status == 200
    await slack.settled()


@pytest.mark.parametrize(("name", "kind"), [("+1", "up"), ("thumbsdown", "down")])
async def test_a_thumb_on_an_answer_is_logged_with_its_intent_and_question(
    start_slack: StartSlack, logging_bot: QABot, name: str, kind: str
) -> None:
    slack = await start_slack(bot=logging_bot)
    ts = await answered(slack)
    await vote(slack, reaction(name, ts=ts))
    (record,) = votes(logging_bot)
    assert record["kind"] == kind
    assert record["platform"] == "slack"
    assert record["guess"] == "hkpc.recruiting"
    assert record["question"] == RECRUITING
    assert record["lang"] == "en"
    assert record["user"] == "U2"


async def test_skin_tones_and_other_spellings_count(
    start_slack: StartSlack, logging_bot: QABot
) -> None:
    slack = await start_slack(bot=logging_bot)
    ts = await answered(slack)
    await vote(slack, reaction("thumbsup::skin-tone-3", ts=ts))
    await vote(slack, reaction("-1", ts=ts))
    assert [r["kind"] for r in votes(logging_bot)] == ["up", "down"]


async def test_a_thumb_on_a_clicked_suggestions_answer_is_logged(
    start_slack: StartSlack, logging_bot: QABot
) -> None:
    slack = await start_slack(bot=logging_bot)
    await slack.click("hkpc.recruiting|en", channel="C1")
    await slack.api.wait_for(lambda api: len(api.posts()) >= 1)
    await slack.settled()
    await vote(slack, reaction("+1", ts="1700000000.000001"))
    (record,) = votes(logging_bot)
    assert record["kind"] == "up" and record["guess"] == "hkpc.recruiting"


async def test_reactions_that_are_not_votes_on_our_answers_are_ignored(
    start_slack: StartSlack, logging_bot: QABot
) -> None:
    slack = await start_slack(bot=logging_bot)
    ts = await answered(slack)
    await vote(slack, reaction("tada", ts=ts))  # not a thumb
    await vote(slack, reaction("+1", ts="1709999999.000001", item_user="U3"))  # not ours
    await vote(slack, reaction("+1", ts=ts, channel="C9"))  # same ts, other channel
    await vote(slack, reaction("+1", ts=ts, user=BOT_USER_ID))  # the bot itself
    await vote(slack, {**reaction("+1", ts=ts), "bot_id": "BOTHER"})  # another bot
    file_item = {**reaction("+1", ts=ts), "item": {"type": "file", "file": "F1"}}
    await vote(slack, file_item)
    # no user (the check removed, every test passed: a vote by "None" was logged)
    await vote(slack, {k: v for k, v in reaction("+1", ts=ts).items() if k != "user"})
    assert votes(logging_bot) == []


async def test_a_retried_delivery_is_counted_once(
    start_slack: StartSlack, logging_bot: QABot
) -> None:
    slack = await start_slack(bot=logging_bot)
    ts = await answered(slack)
    event = reaction("+1", ts=ts)
    await vote(slack, event, event_id="EvVOTE1")
    await vote(slack, event, event_id="EvVOTE1", retry_num=1)
    assert len(votes(logging_bot)) == 1


async def test_a_vote_after_a_restart_is_logged(
    start_slack: StartSlack, logging_bot: QABot
) -> None:
    """Which message carried which answer lives in the shared state, not in the adapter."""
    before = await start_slack(bot=logging_bot)
    ts = await answered(before)
    after = await start_slack(
        bot=QABot(logging_bot.settings, logging_bot.store, state=logging_bot.state)
    )
    after._ids = before._ids  # Slack's event ids go on, they do not start again
    await vote(after, reaction("+1", ts=ts))
    (record,) = votes(logging_bot)
    assert record["guess"] == "hkpc.recruiting" and record["question"] == RECRUITING


async def test_one_person_casts_one_vote_per_answer_however_often_they_react(
    start_slack: StartSlack, logging_bot: QABot
) -> None:
    # Each time a person took their 👎 off and put it on again (a new reaction_added), it
    # was one more vote: 30 by one person, and as many lines in the log and in triage.
    slack = await start_slack(bot=logging_bot)
    ts = await answered(slack)
    for _ in range(5):
        await vote(slack, reaction("-1", ts=ts, user="U2"))
    await vote(slack, reaction("+1", ts=ts, user="U2"))  # changing one's mind is a vote
    await vote(slack, reaction("-1", ts=ts, user="U3"))  # so is someone else's
    assert [(v["kind"], v["user"]) for v in votes(logging_bot)] == [
        ("down", "U2"),
        ("up", "U2"),
        ("down", "U3"),
    ]
