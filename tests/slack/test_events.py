"""Mentions and direct messages through the real bolt app, answered on the fake Web API."""

from __future__ import annotations

import json
import logging

import aiohttp
import pytest

from tests.slack.fake_slack_api import BOT_USER_ID, FakeSlackApi, sent_text
from tests.slack.harness import SlackHarness

RECRUITING = "How many companies have difficulties recruiting?"


def one_post(api: FakeSlackApi) -> bool:
    return len(api.posts()) >= 1


async def test_url_verification_echoes_the_challenge(slack: SlackHarness) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    body = json.dumps({"token": "t", "challenge": challenge, "type": "url_verification"})
    reply = await slack.post_raw(body, "application/json")
    assert reply.status == 200
    assert reply.json() == {"challenge": challenge}


async def test_health_is_ok_once_ready(slack: SlackHarness) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{slack.url}/healthz") as resp:
        assert resp.status == 200
        assert (await resp.json())["status"] == "ok"


async def test_mention_in_a_channel_is_answered_in_a_new_thread(slack: SlackHarness) -> None:
    event = slack.mention_event(RECRUITING)
    reply = await slack.event(event)
    assert reply.status == 200
    await slack.api.wait_for(one_post)
    (post,) = slack.api.posts()
    assert post["channel"] == "C1"
    assert post["thread_ts"] == event["ts"]
    assert "49" in post["text"]
    kinds = [b["type"] for b in post["blocks"]]
    assert kinds[:2] == ["section", "context"]
    assert "49" in post["blocks"][0]["text"]["text"]
    citation = post["blocks"][1]["elements"][0]["text"]
    assert "§" in citation and "“" in citation


async def test_mention_inside_a_thread_replies_to_the_threads_root(slack: SlackHarness) -> None:
    root = "1709999999.000001"
    event = slack.mention_event(RECRUITING, thread_ts=root)
    await slack.event(event)
    await slack.api.wait_for(one_post)
    (post,) = slack.api.posts()
    assert post["thread_ts"] == root != event["ts"]


async def test_empty_mention_gets_the_help(slack: SlackHarness) -> None:
    event = slack.mention_event("")
    event["text"] = f"<@{BOT_USER_ID}>"
    await slack.event(event)
    await slack.api.wait_for(one_post)
    (post,) = slack.api.posts()
    assert "/stat" in post["text"] and "thread" in post["text"]


async def test_direct_message_is_answered_in_the_conversation(slack: SlackHarness) -> None:
    event = slack.dm_event("Wie viele Unternehmen haben Probleme bei der Rekrutierung?")
    await slack.event(event)
    await slack.api.wait_for(one_post)
    (post,) = slack.api.posts()
    assert post["channel"] == "D1"
    assert "thread_ts" not in post
    assert "49" in post["text"]


async def test_bot_mention_is_stripped_from_the_question(slack: SlackHarness) -> None:
    # Left in, the mention would reach the core as a name the article does not know,
    # and the question would be declined: "The article gives nothing for “UBOT”".
    for n, mention in enumerate((f"<@{BOT_USER_ID}>", f"<@{BOT_USER_ID}|qabot>"), start=1):
        event = slack.mention_event("")
        event["text"] = f"{mention} Who is the CFO of SenseTime?"
        await slack.event(event)
        await slack.api.wait_for(lambda api, n=n: len(api.posts()) >= n)
        text = sent_text(slack.api.posts()[-1])
        assert "Wang Zheng" in text and BOT_USER_ID not in text, text


async def test_a_mention_in_a_dm_is_answered_once(slack: SlackHarness) -> None:
    # Slack may deliver one DM that mentions the bot as both message.im and app_mention.
    dm = slack.dm_event(f"<@{BOT_USER_ID}> {RECRUITING}")
    mention = dict(dm, type="app_mention")
    mention.pop("channel_type")
    await slack.event(mention)
    await slack.event(dm)
    await slack.settled()
    assert [p["channel"] for p in slack.api.posts()] == ["D1"]
    # answered as the DM it is (the mention listener leaves it to message.im; answered as a
    # mention, it went into a thread of its own, and "Quelle?" in the DM had nothing before it)
    assert not slack.api.posts()[0].get("thread_ts")
    await slack.event(slack.dm_event("Quelle?"))
    await slack.api.wait_for(lambda api: len(api.posts()) == 2)
    assert "§" in slack.api.posts()[1]["text"]


async def test_forty_thousand_characters_get_one_polite_reply(slack: SlackHarness) -> None:
    await slack.event(slack.mention_event("why " * 10_000))
    await slack.api.wait_for(one_post)
    (post,) = slack.api.posts()
    assert "too long" in post["text"]
    assert len(post["blocks"][0]["text"]["text"]) <= 3000


async def test_a_message_with_a_file_or_also_sent_to_the_channel_is_answered(
    slack: SlackHarness,
) -> None:
    # Slack marks a DM with a file attached `file_share`, and a thread reply also sent to
    # the channel `thread_broadcast`: new words of a person all the same (unlike an edit).
    with_file = {**slack.dm_event(RECRUITING), "subtype": "file_share", "files": [{"id": "F1"}]}
    await slack.event(with_file)
    await slack.api.wait_for(one_post)
    first = slack.mention_event("Wann wurde SenseTime gegründet?")
    await slack.event(first)
    await slack.api.wait_for(lambda api: len(api.posts()) == 2)
    broadcast = slack.message_event("Quelle?", thread_ts=first["ts"])
    await slack.event({**broadcast, "subtype": "thread_broadcast"})
    await slack.api.wait_for(lambda api: len(api.posts()) == 3)
    assert "49" in slack.api.posts()[0]["text"] and "§" in slack.api.posts()[2]["text"]


async def test_each_thread_of_a_dm_is_a_conversation_of_its_own(slack: SlackHarness) -> None:
    # An assistant thread (or any thread of a DM) keeps its own context: "Quelle?" in a
    # second thread has nothing before it there.
    await slack.event(
        slack.message_event(RECRUITING, channel="D1", channel_type="im", thread_ts="1.1")
    )
    await slack.api.wait_for(one_post)
    await slack.event(
        slack.message_event("Quelle?", channel="D1", channel_type="im", thread_ts="2.2")
    )
    await slack.api.wait_for(lambda api: len(api.posts()) == 2)
    assert "§" not in slack.api.posts()[1]["text"]  # "about what?", not the source


@pytest.mark.parametrize(
    ("word", "level"),
    [
        ("restricted_action", logging.WARNING),
        ("is_archived", logging.WARNING),
        ("token_revoked", logging.ERROR),
    ],
)
async def test_a_post_slack_refuses_is_one_line_naming_its_word(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, word: str, level: int
) -> None:
    # A channel where only admins may post: each mention's answer was an ERROR with a
    # traceback, quoting the call's URL (the SLACK_API_URL base); Discord's 403 is one line.
    caplog.set_level(logging.INFO)
    slack.api.fail_next("chat.postMessage", status=200, error=word)
    await slack.event(slack.mention_event("hpc"))
    await slack.api.wait_for(lambda api: bool(api.of("chat.postMessage", delivered=False)))
    await slack.settled()
    lines = [r for r in caplog.records if r.name == "qabot.slack" and r.levelno >= logging.WARNING]
    (line,) = lines
    assert line.levelno == level and not line.exc_info
    assert word in line.getMessage() and slack.api.base_url not in line.getMessage()
    async with slack.session.get(f"{slack.url}/metrics") as resp:  # still counted
        assert 'qabot_errors_total{where="slack"} 1.0' in await resp.text()
