"""Socket Mode gets the checks HTTP mode applies: an odd-shaped delivery is acked, logged in
one line and dropped, and the bot goes on answering."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from bot.service import QABot
from tests.slack.fake_slack_api import TEAM_ID, FakeSlackApi
from tests.slack.harness import ADMIN, SlackHarness, slack_settings
from tests.slack.test_refusals import ODD_EVENTS, ODD_SHAPES, odd_event, traces

APP_TOKEN = "xapp-test-not-a-real-token"
Push = Callable[[dict[str, Any], str], Awaitable[None]]


@pytest.fixture
async def socket_slack(fake_api: FakeSlackApi, slack_bot: QABot) -> AsyncIterator[Push]:
    """qabot in Socket Mode against the fake; `await push(payload, kind)` sends one
    envelope and waits for its ack."""
    from bot.adapters.slack import serve

    ready = asyncio.Event()
    settings = slack_settings(fake_api, SLACK_APP_TOKEN=APP_TOKEN)
    task = asyncio.create_task(serve(slack_bot, settings, ready=ready))
    envelopes = itertools.count(1)

    async def push(payload: dict[str, Any], kind: str) -> None:
        envelope_id = f"env-{next(envelopes)}"
        await fake_api.push_event(payload, envelope_id, kind)
        acked = lambda api: any(a["envelope_id"] == envelope_id for a in api.socket_acks)  # noqa: E731
        await fake_api.wait_for(acked)

    try:
        await asyncio.wait_for(ready.wait(), 10)
        await fake_api.wait_for(lambda api: bool(api.sockets))
        yield push
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def click(api: FakeSlackApi, action_id: str = "qabot_suggest_0") -> dict[str, Any]:
    """A documented click on a "did you mean" button (the HTTP harness's payload)."""
    builder = SlackHarness(api, url="", session=None)  # type: ignore[arg-type]  # no requests
    return builder.click_payload("hkpc.recruiting|en", action_id=action_id)


async def answers_a_good_click(push: Push, api: FakeSlackApi) -> None:
    await push(click(api), "interactive")
    await api.wait_for(lambda api: any("49" in p["text"] for p in api.posts()))


@pytest.mark.parametrize("shape", ODD_SHAPES)
async def test_clicks_of_odd_shape_are_acked_and_logged_once(
    socket_slack: Push, fake_api: FakeSlackApi, caplog: pytest.LogCaptureFixture, shape: str
) -> None:
    payload = click(fake_api)
    ODD_SHAPES[shape](payload)
    caplog.set_level(logging.INFO)
    await socket_slack(payload, "interactive")
    refusals = [r for r in caplog.records if r.name == "qabot.slack"]
    await answers_a_good_click(socket_slack, fake_api)
    assert not traces(caplog)
    assert len(refusals) == 1


@pytest.mark.parametrize("shape", ODD_EVENTS)
async def test_events_of_odd_shape_are_acked_and_refused(
    socket_slack: Push, fake_api: FakeSlackApi, caplog: pytest.LogCaptureFixture, shape: str
) -> None:
    caplog.set_level(logging.INFO)
    await socket_slack(odd_event(shape), "events_api")
    await answers_a_good_click(socket_slack, fake_api)
    assert not traces(caplog)
    assert not fake_api.of("assistant.threads.setSuggestedPrompts")  # the odd one did nothing
    assert [r.getMessage() for r in caplog.records if "malformed" in r.getMessage()]


async def test_a_command_without_a_response_url_is_acked_and_refused(
    socket_slack: Push, fake_api: FakeSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    command = {"command": "/kb", "text": "status", "user_id": ADMIN, "channel_id": "C1"}
    caplog.set_level(logging.INFO)
    await socket_slack({**command, "team_id": TEAM_ID}, "slash_commands")
    await answers_a_good_click(socket_slack, fake_api)
    assert not traces(caplog)
    assert len([r for r in caplog.records if "malformed" in r.getMessage()]) == 1


@pytest.mark.parametrize("payload", [["a"], "a string", 5, None])
async def test_a_payload_that_is_not_an_object_is_acked_and_refused(
    socket_slack: Push, fake_api: FakeSlackApi, caplog: pytest.LogCaptureFixture, payload: object
) -> None:
    # bolt reads it as an empty body, answers 404 and does not ack: Slack sends it again.
    caplog.set_level(logging.INFO)
    await socket_slack(payload, "events_api")  # type: ignore[arg-type]  # the odd shape
    await answers_a_good_click(socket_slack, fake_api)
    assert not traces(caplog)
    assert len([r for r in caplog.records if "malformed" in r.getMessage()]) == 1


# slack_sdk parses a frame that starts with "{" before any listener of ours runs.
@pytest.mark.parametrize(
    "frame", ["{not json", '{"a": ' + "[" * 100_000, '{"envelope_id": ' + "1" * 5000 + "}"]
)
async def test_a_frame_that_is_not_json_is_one_line_and_the_bot_answers_on(
    socket_slack: Push, fake_api: FakeSlackApi, caplog: pytest.LogCaptureFixture, frame: str
) -> None:
    caplog.set_level(logging.INFO)
    await fake_api.send_frame(frame)
    await answers_a_good_click(socket_slack, fake_api)
    assert not traces(caplog)
    refusals = [r.getMessage() for r in caplog.records if "not JSON" in r.getMessage()]
    assert len(refusals) == 1
    assert len(refusals[0]) < 200
