"""Slack's AI-app surface through bolt's Assistant: a greeting with suggested prompts from the
key facts in the user's language, a status while answering, each assistant thread one
conversation; DM threads in workspaces without the feature keep working."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.ratelimit import RateLimitSettings
from bot.service import QABot
from bot.settings import Settings
from bot.store import KnowledgeStore
from tests.conftest import KNOWLEDGE
from tests.slack.fake_slack_api import TEAM_ID
from tests.slack.harness import SlackHarness, StartSlack

THREAD = "1710000500.000100"


def thread_started(user: str = "UDE", channel: str = "D9") -> dict[str, Any]:
    """An `assistant_thread_started` event as Slack documents it."""
    return {
        "type": "assistant_thread_started",
        "assistant_thread": {
            "user_id": user,
            "context": {"channel_id": "C1", "team_id": TEAM_ID, "enterprise_id": None},
            "channel_id": channel,
            "thread_ts": THREAD,
        },
        "event_ts": "1710000500.000200",
    }


def in_thread(slack: SlackHarness, text: str, channel: str = "D9") -> dict[str, Any]:
    return slack.message_event(text, channel=channel, channel_type="im", thread_ts=THREAD)


async def test_a_new_assistant_thread_is_greeted_with_prompts_in_the_users_language(
    slack: SlackHarness,
) -> None:
    slack.api.locales["UDE"] = "de-DE"
    assert (await slack.event(thread_started())).status == 200
    await slack.api.wait_for(lambda api: bool(api.of("assistant.threads.setSuggestedPrompts")))
    (greeting,) = slack.api.posts()
    assert greeting["channel"] == "D9" and greeting["thread_ts"] == THREAD
    assert "Artikel" in greeting["text"]
    (call,) = slack.api.of("assistant.threads.setSuggestedPrompts")
    prompts = call.payload["prompts"]
    prompts = json.loads(prompts) if isinstance(prompts, str) else prompts
    assert 1 <= len(prompts) <= 4
    assert any("Unternehmen" in p["title"] for p in prompts)
    # a prompt sent back is answered with a figure
    await slack.event(in_thread(slack, prompts[0]["message"]))
    await slack.api.wait_for(lambda api: len(api.posts()) >= 2)
    assert any(ch.isdigit() for ch in slack.api.posts()[1]["text"])


async def test_a_retried_thread_start_is_greeted_once(slack: SlackHarness) -> None:
    # Slack retries an event it did not see acknowledged; the greeting and its prompts
    # were posted again for each retry.
    await slack.event(thread_started(), event_id="EvASSIST1")
    await slack.api.wait_for(lambda api: bool(api.of("assistant.threads.setSuggestedPrompts")))
    await slack.event(thread_started(), event_id="EvASSIST1", retry_num=1)
    await slack.settled()
    assert len(slack.api.posts()) == 1
    assert len(slack.api.of("assistant.threads.setSuggestedPrompts")) == 1


async def test_an_assistant_thread_is_one_conversation_with_a_status_while_answering(
    slack: SlackHarness,
) -> None:
    await slack.event(in_thread(slack, "Wie groß ist das AI Subsidy Scheme?"))
    await slack.api.wait_for(lambda api: len(api.posts()) >= 1)
    await slack.event(in_thread(slack, "und RAISe+?"))
    await slack.api.wait_for(lambda api: len(api.posts()) >= 2)
    assert "HK$10" in slack.api.posts()[1]["text"]
    assert {p["thread_ts"] for p in slack.api.posts()} == {THREAD}
    methods = [c.method for c in slack.api.calls if c.method != "auth.test"]
    assert methods[:2] == ["assistant.threads.setStatus", "chat.postMessage"]
    status = slack.api.of("assistant.threads.setStatus")[0].payload
    assert status["channel_id"] == "D9" and status["thread_ts"] == THREAD and status["status"]


async def test_without_the_assistant_feature_a_dm_thread_is_still_answered(
    start_slack: StartSlack,
) -> None:
    slack = await start_slack()
    slack.api.fail_next("assistant.threads.setStatus", status=200, error="not_allowed")
    await slack.event(in_thread(slack, "Wann wurde SenseTime gegründet?"))
    await slack.api.wait_for(lambda api: len(api.posts()) >= 1)
    assert "2014" in slack.api.posts()[0]["text"]


async def test_a_changed_channel_context_is_acknowledged_and_changes_nothing(
    slack: SlackHarness,
) -> None:
    event = {**thread_started(), "type": "assistant_thread_context_changed"}
    assert (await slack.event(event)).status == 200
    await slack.settled()
    assert [c.method for c in slack.api.calls if c.method != "auth.test"] == []


@pytest.mark.parametrize(
    "odd",
    [5, {**thread_started()["assistant_thread"], "channel_id": []}, {"thread_ts": {}}],
    ids=["a number", "channel_id a list", "thread_ts an object"],
)
async def test_a_signed_assistant_event_of_odd_shape_is_refused_and_logged_once(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, odd: object
) -> None:
    # It was greeted: a Web API call with channel '' and thread_ts {}, or an ERROR traceback.
    caplog.set_level(logging.INFO, logger="qabot.slack")
    assert (await slack.event({**thread_started(), "assistant_thread": odd})).status == 400
    await slack.settled()
    assert [c.method for c in slack.api.calls if c.method != "auth.test"] == []
    (record,) = [r for r in caplog.records if r.name == "qabot.slack"]
    assert record.levelno == logging.WARNING and not record.exc_info


@pytest.mark.parametrize(
    "odd",
    ["x", 5, [1], {"channel_id": 5, "thread_ts": THREAD}],
    ids=["text", "a number", "a list", "channel_id a number"],
)
async def test_a_message_in_a_dm_thread_with_an_odd_assistant_thread_is_refused_once(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, odd: object
) -> None:
    # bolt's assistant middleware reads `assistant_thread` of a message in a DM thread as
    # well: "x", 5 or [1] there was a 500 and an ERROR traceback (AttributeError: .get).
    caplog.set_level(logging.INFO, logger="slack_bolt")
    caplog.set_level(logging.INFO, logger="qabot.slack")
    event = {**in_thread(slack, "Wann wurde SenseTime gegründet?"), "assistant_thread": odd}
    assert (await slack.event(event)).status == 400
    await slack.settled()
    assert [c.method for c in slack.api.calls if c.method != "auth.test"] == []
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    (record,) = [r for r in caplog.records if r.name == "qabot.slack"]
    assert record.levelno == logging.WARNING and "assistant_thread" in record.getMessage()


async def test_the_greetings_prompts_are_not_counted_as_questions(slack: SlackHarness) -> None:
    # Each greeting asked the core for its suggested prompts through QABot.ask: the Slack
    # server's /metrics counted four questions (platform "cli") nobody had asked.
    await slack.event(thread_started())
    await slack.api.wait_for(lambda api: bool(api.of("assistant.threads.setSuggestedPrompts")))
    async with slack.session.get(f"{slack.url}/metrics") as resp:
        metrics = await resp.text()
    assert [line for line in metrics.splitlines() if line.startswith("qabot_questions_total")] == []


def one_question_each(store: KnowledgeStore) -> QABot:
    """A bot whose rate limit lets each user one post, then (for a long while) none."""
    limits = RateLimitSettings(enabled=True, user_burst=1, user_per_s=0.0001)
    return QABot(Settings(knowledge_dir=KNOWLEDGE, rate_limit=limits), store)


async def test_a_message_over_the_rate_limit_costs_no_status_call(
    start_slack: StartSlack, slack_store: KnowledgeStore
) -> None:
    # Over the limit a message gets silence (the notice once a minute). Its status "qabot
    # is looking it up…" had been set and stayed until Slack's two-minute timeout; then it
    # was set and cleared: two Web API calls for each message of a flood. Now the status is
    # set only for a message within the limit, so none is left behind and none is spent.
    slack = await start_slack(bot=one_question_each(slack_store))
    for _ in range(4):  # an answer, the notice, then silence
        await slack.event(in_thread(slack, "Wann wurde SenseTime gegründet?"))
        await slack.settled()
    assert len(slack.api.posts()) == 2
    calls = [c.method for c in slack.api.calls if c.method != "auth.test"]
    assert calls == ["assistant.threads.setStatus", "chat.postMessage", "chat.postMessage"]
    assert slack.api.of("assistant.threads.setStatus")[0].payload["status"]


async def test_greetings_spend_the_users_rate_limit_tokens(
    start_slack: StartSlack, slack_store: KnowledgeStore
) -> None:
    # Every post qabot makes for someone spends a token (answers, clicks, /stat, Discord's
    # pointer to /ask); a new assistant thread's greeting did not: each one opened was a
    # post, a users.info call and a look-up of the key figures, however many were opened.
    slack = await start_slack(bot=one_question_each(slack_store))
    for n in range(3):
        await slack.event(thread_started(), event_id=f"EvGREET{n}")
        await slack.settled()
    assert len(slack.api.posts()) == 1
    assert len(slack.api.of("assistant.threads.setSuggestedPrompts")) == 1


@pytest.mark.parametrize(
    "user", ["UDE", ["UDE"], None, 5], ids=["text", "a list", "null", "a number"]
)
async def test_a_users_info_user_that_is_no_object_is_an_unknown_user(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, user: object
) -> None:
    # Only Slack (or a proxy before it) answers so: the greeting was lost to an ERROR with a
    # traceback (AttributeError: 'str' object has no attribute 'get').
    caplog.set_level(logging.INFO)
    slack.api.reply_next("users.info", {"ok": True, "user": user})
    await slack.event(thread_started())
    await slack.api.wait_for(lambda api: bool(api.of("assistant.threads.setSuggestedPrompts")))
    (greeting,) = slack.api.posts()
    assert "article" in greeting["text"]  # in the default language
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    (line,) = [r.getMessage() for r in caplog.records if "users.info" in r.getMessage()]
    assert len(line) < 200


@pytest.mark.parametrize("method", ["assistant.threads.setStatus", "users.info"])
async def test_a_call_that_cannot_reach_slack_costs_neither_answer_nor_greeting(
    start_slack: StartSlack, caplog: pytest.LogCaptureFixture, method: str
) -> None:
    # The status call caught Slack's refusals only: one that never got an answer (the
    # connection dropped or timed out, after the client's retries) raised out of the
    # answer's task, and the answer it was set for was never posted (an ERROR traceback);
    # users.info unanswered lost the greeting the same way.
    caplog.set_level(logging.INFO)
    slack = await start_slack(slack={"api_retries": 0})
    slack.api.hang_up_next(method, 5)
    if method == "users.info":
        await slack.event(thread_started())
        await slack.api.wait_for(lambda api: bool(api.of("assistant.threads.setSuggestedPrompts")))
        assert "article" in slack.api.posts()[0]["text"]  # in the default language
    else:
        await slack.event(in_thread(slack, "Wann wurde SenseTime gegründet?"))
        await slack.api.wait_for(lambda api: len(api.posts()) >= 1)
        assert "2014" in slack.api.posts()[0]["text"]
    await slack.settled()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    (line,) = [r for r in caplog.records if "Disconnected" in r.getMessage()]
    assert line.levelno == logging.WARNING and "\n" not in line.getMessage()


@pytest.mark.parametrize("fail", ["hang up", "500", "refused"])
async def test_prompts_slack_does_not_take_leave_the_greeting_with_one_line(
    start_slack: StartSlack, caplog: pytest.LogCaptureFixture, fail: str
) -> None:
    # The greeting was posted, then the prompts' failure was an ERROR with a traceback (and
    # counted in qabot_errors_total) as if the greeting had been lost.
    caplog.set_level(logging.INFO)
    slack = await start_slack(slack={"api_retries": 0})
    method = "assistant.threads.setSuggestedPrompts"
    if fail == "hang up":
        slack.api.hang_up_next(method)
    else:
        status = 500 if fail == "500" else 200
        slack.api.fail_next(method, status=status, error="invalid_arguments")
    await slack.event(thread_started())
    await slack.api.wait_for(lambda api: bool(api.of(method, delivered=False)))
    await slack.settled()
    assert len(slack.api.posts()) == 1
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    (line,) = [r for r in caplog.records if "no assistant prompts" in r.getMessage()]
    assert line.levelno == logging.WARNING


async def test_a_status_slack_is_slow_to_answer_holds_the_answer_a_moment_only(
    slack: SlackHarness,
) -> None:
    # The answer waited for its status call whatever it took: as long as the client's
    # timeout and retries, some 40 s, for a call that only decorates the thread.
    release = slack.api.hold_next("assistant.threads.setStatus")
    await slack.event(in_thread(slack, "Wann wurde SenseTime gegründet?"))
    await slack.api.wait_for(lambda api: len(api.posts()) >= 1)  # while the status is held
    assert "2014" in slack.api.posts()[0]["text"]
    release.set()
    # landed after the answer: taken away again
    await slack.api.wait_for(lambda api: len(api.of("assistant.threads.setStatus")) == 2)
    looking, cleared = (c.payload["status"] for c in slack.api.of("assistant.threads.setStatus"))
    assert looking and cleared == ""
    await slack.settled()
