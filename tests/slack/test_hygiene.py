"""Signatures, retries, bots, injection, Web API failures and crashes: one reply or none."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

import pytest

from bot.adapters.slack_client import retry_after_s
from bot.service import QABot
from tests.slack.bots import BrokenAdminCheck, EchoBot, FlakyBot
from tests.slack.fake_slack_api import BOT_ID, BOT_USER_ID, FakeSlackApi, sent_text
from tests.slack.harness import SlackHarness, StartSlack, sign

Predicate = Callable[[FakeSlackApi], bool]

QUESTION = "How many companies have difficulties recruiting?"


def posts(n: int) -> Predicate:
    """At least `n` messages delivered."""
    return lambda api: len(api.posts()) >= n


async def test_a_bad_signature_is_refused(slack: SlackHarness) -> None:
    body = json.dumps({"type": "event_callback", "event": slack.mention_event(QUESTION)})
    reply = await slack.post_raw(body, "application/json", signature="v0=" + "0" * 64)
    assert reply.status == 401
    await slack.settled()
    assert not slack.api.posts()


@pytest.mark.parametrize("off_s", [-6 * 60, 6 * 60], ids=["behind", "ahead"])
async def test_a_timestamp_more_than_five_minutes_off_is_refused(
    slack: SlackHarness, off_s: int
) -> None:
    # Off either way: a request stamped ahead would otherwise be replayable for longer.
    body = json.dumps({"type": "event_callback", "event": slack.mention_event(QUESTION)})
    when = int(time.time()) + off_s
    signature = sign(body, when)
    reply = await slack.post_raw(body, "application/json", timestamp=when, signature=signature)
    assert reply.status == 401
    await slack.settled()
    assert not slack.api.posts()


async def test_a_retried_event_gets_one_reply(slack: SlackHarness) -> None:
    event = slack.mention_event(QUESTION)
    first = await slack.event(event, event_id="Ev0RETRY01")
    again = await slack.event(event, event_id="Ev0RETRY01", retry_num=1)
    assert first.status == again.status == 200
    await slack.settled()
    assert len(slack.api.posts()) == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"bot_id": "B0OTHER"},
        {"subtype": "bot_message", "bot_id": "B0OTHER"},
        {"subtype": "message_changed"},
        {"subtype": "message_deleted"},
        {"subtype": "channel_join"},
        {"user": BOT_USER_ID, "bot_id": BOT_ID},
        {"user": BOT_USER_ID},
        {"channel_type": "channel", "channel": "C1"},
    ],
)
async def test_bots_edits_joins_and_itself_get_no_reply(
    slack: SlackHarness, extra: dict[str, str]
) -> None:
    event = {**slack.dm_event(QUESTION), **extra}
    reply = await slack.event(event)
    assert reply.status == 200
    await slack.settled()
    assert not slack.api.posts()


async def test_a_mention_by_another_bot_gets_no_reply(slack: SlackHarness) -> None:
    await slack.event({**slack.mention_event(QUESTION), "bot_id": "B0OTHER"})
    await slack.settled()
    assert not slack.api.posts()


INJECTION = "<!channel> <!here> <!everyone> <@U123> @everyone @here &lt;b&gt;bold&lt;/b&gt; &amp;"


@pytest.mark.parametrize("echo", [False, True])
async def test_injected_pings_are_never_echoed(
    start_slack: StartSlack, slack_bot: QABot, echo: bool
) -> None:
    bot = EchoBot(slack_bot.settings, slack_bot.store) if echo else slack_bot
    slack = await start_slack(bot=bot)
    await slack.event(slack.mention_event(INJECTION))
    await slack.command("/ask", INJECTION)
    await slack.command("/stat", INJECTION)
    await slack.api.wait_for(lambda api: len(api.posts()) + len(api.responses()) >= 3)
    for payload in [*slack.api.posts(), *slack.api.responses()]:
        out = sent_text(payload)
        for ping in (
            "<!channel>",
            "<!here>",
            "<!everyone>",
            "<@U123>",
            "<b>",
            "@everyone",
            "@here",
        ):
            assert ping not in out, (ping, out)
    if echo:
        echoed = slack.api.posts()[0]["blocks"][0]["text"]["text"]
        assert "&lt;b&gt;bold&lt;/b&gt; &amp;" in echoed
        assert "@\u200deveryone" in echoed


async def test_rate_limited_post_is_retried_and_delivered_once(slack: SlackHarness) -> None:
    slack.api.fail_next("chat.postMessage", status=429, retry_after="0")
    await slack.event(slack.mention_event(QUESTION))
    await slack.api.wait_for(posts(1), timeout=5)
    await slack.settled()
    attempts = slack.api.of("chat.postMessage", delivered=False)
    assert [c.status for c in attempts] == [429, 200]
    assert len(slack.api.posts()) == 1


async def test_a_retry_after_over_the_cap_drops_the_reply_with_one_log_line(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    slack.api.fail_next("chat.postMessage", status=429, retry_after="3600")
    await slack.event(slack.mention_event(QUESTION))
    await slack.settled(timeout=10)  # not parked for an hour
    assert [c.status for c in slack.api.of("chat.postMessage", delivered=False)] == [429]
    (line,) = [r for r in caplog.records if r.name.startswith(("qabot", "slack"))]
    assert "3600" in line.getMessage() and "dropped" in line.getMessage()
    assert line.levelno == logging.WARNING and not line.exc_info
    await slack.event(slack.mention_event(QUESTION))
    await slack.api.wait_for(posts(1))


async def test_rate_limits_that_add_up_past_the_cap_drop_the_reply(
    start_slack: StartSlack, caplog: pytest.LogCaptureFixture
) -> None:
    # Each wait was held against the cap alone: three 429s of 0.4 s each parked the reply
    # 1.2 s past a cap of 1 s (with the defaults, 3 × 30 s = 90 s instead of 30).
    slack = await start_slack(slack={"max_retry_after_s": 1.0})
    slack.api.fail_next("chat.postMessage", 3, status=429, retry_after="0.4")
    await slack.event(slack.mention_event(QUESTION))
    await slack.settled(timeout=10)
    assert [c.status for c in slack.api.of("chat.postMessage", delivered=False)] == [429] * 3
    (line,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "dropped" in line.getMessage() and not line.exc_info


async def test_a_retry_after_that_is_not_a_number_is_waited_briefly(slack: SlackHarness) -> None:
    slack.api.fail_next("chat.postMessage", status=429, retry_after="soon")
    await slack.event(slack.mention_event(QUESTION))
    await slack.api.wait_for(posts(1), timeout=10)
    assert [c.status for c in slack.api.of("chat.postMessage", delivered=False)] == [429, 200]


@pytest.mark.parametrize("value", ["-100", "-0.5", "nan", "inf", "soon", ""])
def test_a_retry_after_that_is_no_wait_counts_as_one_second(value: str) -> None:
    # A negative wait counted against the total cap would leave room for a longer one later
    # ("-100", then "120" under a 30 s cap: 120 s waited); none of these is a wait.
    assert retry_after_s({"Retry-After": value}) == 1.0


@pytest.mark.parametrize("name", ["Retry-After", "retry-after", "RETRY-AFTER"])
def test_a_retry_after_header_is_read_whatever_the_case_of_its_name(name: str) -> None:
    # HTTP header names have no case, and proxies send them lower-cased (HTTP/2, Envoy):
    # read as written only, Slack's "retry-after: 3600" counted as 1 s against the cap, and
    # the reply was tried again and again instead of dropped.
    assert retry_after_s({name: "3600"}) == 3600.0


# Every 5xx (README): slack_sdk's own handler retries only 500 and 503, not a proxy's 502/504.
@pytest.mark.parametrize("status", [502, 503, 504])
async def test_server_errors_are_retried_with_backoff(slack: SlackHarness, status: int) -> None:
    slack.api.fail_next("chat.postMessage", 2, status=status)
    await slack.event(slack.mention_event(QUESTION))
    await slack.api.wait_for(posts(1), timeout=10)
    await slack.settled()
    calls = slack.api.of("chat.postMessage", delivered=False)
    assert [c.status for c in calls] == [status, status, 200]


async def test_retries_are_bounded_then_logged(
    start_slack: StartSlack, caplog: pytest.LogCaptureFixture
) -> None:
    slack = await start_slack(slack={"api_retries": 1})
    slack.api.fail_next("chat.postMessage", 5, status=500)
    await slack.event(slack.mention_event(QUESTION))
    await slack.settled(timeout=10)
    assert len(slack.api.of("chat.postMessage", delivered=False)) == 2
    assert any(r.name == "qabot.slack" and r.levelno >= logging.ERROR for r in caplog.records)


async def test_a_crashing_core_is_logged_and_the_next_question_answered(
    start_slack: StartSlack, slack_bot: QABot, caplog: pytest.LogCaptureFixture
) -> None:
    slack = await start_slack(bot=FlakyBot(slack_bot.settings, slack_bot.store))
    await slack.event(slack.mention_event(QUESTION))
    await slack.api.wait_for(posts(1))
    assert "went wrong" in slack.api.posts()[0]["text"]
    assert any("core exploded" in str(r.exc_info) for r in caplog.records if r.exc_info)
    await slack.event(slack.mention_event(QUESTION))
    await slack.api.wait_for(posts(2))
    assert "49" in slack.api.posts()[1]["text"]


async def test_a_garbled_web_api_reply_is_logged_and_the_app_carries_on(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    slack.api.garbage_next("chat.postMessage")
    await slack.event(slack.mention_event(QUESTION))
    await slack.settled()
    assert not slack.api.posts()
    (line,) = [r for r in caplog.records if r.name == "qabot.slack" and r.levelno >= 30]
    assert "reply lost" in line.getMessage() and not line.exc_info  # one line, no traceback
    await slack.event(slack.mention_event(QUESTION))
    await slack.api.wait_for(posts(1))
    assert "49" in slack.api.posts()[0]["text"]


async def test_a_listener_exception_goes_to_the_error_handler_and_the_app_carries_on(
    start_slack: StartSlack, slack_bot: QABot, caplog: pytest.LogCaptureFixture
) -> None:
    slack = await start_slack(bot=BrokenAdminCheck(slack_bot.settings, slack_bot.store))
    reply = await slack.command("/kb", "status", user="UADMIN")
    assert reply.status == 500
    assert any("slack listener failed" in r.getMessage() for r in caplog.records)
    await slack.command("/stat", "recruiting")
    await slack.api.wait_for(lambda api: len(api.responses()) >= 1)
    assert "49 %" in slack.api.responses()[0]["text"]
