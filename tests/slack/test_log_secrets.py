"""What the Slack side logs of a retried call: never a response_url or a URL's credentials.

A response_url lets anyone who holds it post into the channel for 30 minutes; slack_sdk
logged it (and any Web API URL) at INFO whenever it retried a call.
"""

from __future__ import annotations

import logging

import pytest

from tests.slack.fake_slack_api import RESPONSE_URL_SECRET
from tests.slack.harness import SlackHarness


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every record at INFO or above (what qabot emits by default), tracebacks included."""
    lines = []
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            lines.append(record.getMessage())
            if record.exc_info:
                lines.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(lines)


async def test_a_retried_response_url_post_is_not_logged_with_its_url(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG - 1)  # whatever reaches the root, not only qabot's own
    logging.getLogger().setLevel(logging.INFO)  # qabot's default level
    slack.api.hang_up_next("response_url")  # slack_sdk retries a dropped connection
    await slack.command("/ask", "When was SenseTime founded?")
    await slack.api.wait_for(lambda api: bool(api.responses()))
    await slack.settled()
    assert len(slack.api.of("response_url", delivered=False)) == 2  # the retry went out
    assert RESPONSE_URL_SECRET not in logged(caplog)
    assert "/respond/" not in logged(caplog)
    # one line naming the call, not slack_sdk's traceback of the dropped connection
    (retry,) = [r for r in caplog.records if "retried" in r.getMessage()]
    assert retry.getMessage().startswith("slack: POST response_url retried")
    assert not retry.exc_info and not retry.exc_text


async def test_a_retried_web_api_call_is_not_logged_with_its_url(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    # SLACK_API_URL may name a gateway that takes a key in its path; the URL stays out.
    caplog.set_level(logging.DEBUG - 1)
    logging.getLogger().setLevel(logging.INFO)
    slack.api.fail_next("chat.postMessage", status=503)
    slack.api.fail_next("chat.postMessage", status=429, retry_after="0")
    await slack.event(slack.mention_event("When was SenseTime founded?"))
    await slack.api.wait_for(lambda api: bool(api.posts()))
    await slack.settled()
    assert len(slack.api.of("chat.postMessage", delivered=False)) == 3  # retried twice
    assert slack.api.base_url not in logged(caplog)
