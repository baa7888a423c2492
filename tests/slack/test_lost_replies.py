"""A reply Slack never took (its Web API answered 5xx, or no JSON, or the connection
dropped, after the client's retries): one bounded line naming the call and the cause,
counted as an error, never a traceback; the next question is answered."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.slack.harness import SlackHarness, StartSlack

QUESTION = "How many companies have difficulties recruiting?"
MAX_LINE = 200


def _fail(slack: SlackHarness, how: str, n: int) -> None:
    """The next `n` posts fail `how` (`n`: the first try and each retry of one reply)."""
    if how == "hang up":
        slack.api.hang_up_next("chat.postMessage", n)
    elif how == "no json":
        slack.api.garbage_next("chat.postMessage")  # a 200: not retried
    else:
        slack.api.fail_next("chat.postMessage", n, status=int(how))


async def _lose(slack: SlackHarness, how: str, n: int, event: dict[str, Any]) -> None:
    """Deliver `event` while the posts fail `how`; return once its reply is lost."""
    _fail(slack, how, n)
    await slack.event(event)
    await slack.api.wait_for(lambda api: bool(api.of("chat.postMessage", delivered=False)))
    await slack.settled(timeout=10)
    assert not slack.api.posts()


def _lost_line(caplog: pytest.LogCaptureFixture) -> logging.LogRecord:
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [r for r in lines if r.exc_info or r.exc_text], "a traceback was logged"
    (line,) = [r for r in lines if r.name == "qabot.slack"]
    message = line.getMessage()
    assert "reply lost" in message and "\n" not in message and len(message) < MAX_LINE
    return line


@pytest.mark.parametrize("how", ["500", "502", "hang up", "no json"])
async def test_an_answer_the_web_api_never_took_is_one_line(
    start_slack: StartSlack, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    caplog.set_level(logging.INFO)
    slack = await start_slack(slack={"api_retries": 1})
    await _lose(slack, how, 2, slack.mention_event(QUESTION))
    line = _lost_line(caplog)
    assert slack.api.base_url not in line.getMessage()
    async with slack.session.get(f"{slack.url}/metrics") as resp:  # still counted
        assert 'qabot_errors_total{where="slack"} 1.0' in await resp.text()
    await slack.event(slack.mention_event(QUESTION))
    await slack.api.wait_for(lambda api: bool(api.posts()))
    assert "49" in slack.api.posts()[0]["text"]


@pytest.mark.parametrize("how", ["500", "hang up"])
async def test_a_greeting_the_web_api_never_took_is_one_line(
    start_slack: StartSlack, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    caplog.set_level(logging.INFO)
    slack = await start_slack(slack={"api_retries": 0})
    thread = {"user_id": "U1", "channel_id": "D1", "thread_ts": "1.1"}
    await _lose(slack, how, 1, {"type": "assistant_thread_started", "assistant_thread": thread})
    assert "greeting" in _lost_line(caplog).getMessage()
