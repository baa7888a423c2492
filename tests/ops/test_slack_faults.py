"""Slack Web API faults the hygiene tests leave out: timeouts, 502, failure then recovery."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict, deque
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from tests.slack.fake_slack_api import Call, FakeSlackApi
from tests.slack.harness import SlackHarness, StartSlack

QUESTION = "How many companies have difficulties recruiting?"
TIMEOUT_S = 0.3  # the client's timeout in these tests
STALL_S = 5.0  # how long a stalled call hangs (cut short when the fake shuts down)
STALLED = 0  # the status recorded for a call that hung

# The Slack fixtures (tests/slack/harness.py) are used by name; `fake_api` is
# replaced by this module's own.


class StallingSlackApi(FakeSlackApi):
    """The fake Web API, plus calls that hang longer than the client waits."""

    def __init__(self) -> None:
        super().__init__()
        self._stalls: dict[str, deque[float]] = defaultdict(deque)
        self._closing = asyncio.Event()

    def stall_next(self, method: str, n: int = 1, *, seconds: float = STALL_S) -> None:
        """The next `n` calls of `method` hang for `seconds`, then answer ok too late.

        Recorded with status 0 and never counted as delivered: a client that waits
        it out would see success and not retry, so the tests below would fail.
        """
        self._stalls[method].extend([seconds] * n)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        queue = self._stalls.get(method)
        if not queue:
            return await super()._api(request)
        seconds = queue.popleft()
        self.calls.append(Call(method, await self._payload(request), STALLED, ok=False))
        # a bounded hang, ended early on shutdown so teardown does not wait for it
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)
        return web.json_response(self._ok(method, await self._payload(request)))

    async def __aexit__(self, *exc: object) -> None:
        self._closing.set()
        await super().__aexit__(*exc)


@pytest.fixture
async def fake_api() -> AsyncIterator[StallingSlackApi]:
    """Overrides the Slack fixtures' fake: `start_slack` picks this one up by name."""
    async with StallingSlackApi() as api:
        yield api


def attempts(slack: SlackHarness) -> list[int]:
    """Status of every chat.postMessage attempt, delivered or not."""
    return [c.status for c in slack.api.of("chat.postMessage", delivered=False)]


async def ask_and_expect_answer(slack: SlackHarness, *, before: int) -> None:
    """A mention gets exactly one new reply, with the recruiting figure in it."""
    await slack.event(slack.mention_event(QUESTION))
    await slack.api.wait_for(lambda api: len(api.posts()) >= before + 1, timeout=10)
    await slack.settled(timeout=10)
    assert len(slack.api.posts()) == before + 1
    assert "49" in slack.api.posts()[-1]["text"]


async def test_a_timed_out_post_is_retried_and_delivered_once(start_slack: StartSlack) -> None:
    slack = await start_slack(slack={"api_timeout_s": TIMEOUT_S})
    slack.api.stall_next("chat.postMessage")  # type: ignore[attr-defined]
    await ask_and_expect_answer(slack, before=0)
    assert attempts(slack) == [STALLED, 200]


async def test_a_502_is_retried_and_delivered_once(slack: SlackHarness) -> None:
    # slack_sdk's own server-error handler retries only 500 and 503.
    slack.api.fail_next("chat.postMessage", status=502)
    slack.api.fail_next("chat.postMessage", status=500)
    await ask_and_expect_answer(slack, before=0)
    assert attempts(slack) == [502, 500, 200]


async def test_persistent_timeouts_are_bounded_logged_and_the_next_question_answered(
    start_slack: StartSlack, caplog: pytest.LogCaptureFixture
) -> None:
    slack = await start_slack(slack={"api_timeout_s": TIMEOUT_S, "api_retries": 1})
    slack.api.stall_next("chat.postMessage", 2)  # type: ignore[attr-defined]
    await slack.event(slack.mention_event(QUESTION))
    await slack.settled(timeout=10)
    assert attempts(slack) == [STALLED, STALLED]  # one try, one retry, then given up
    assert not slack.api.posts()
    assert any(r.name == "qabot.slack" and r.levelno >= logging.ERROR for r in caplog.records)
    await ask_and_expect_answer(slack, before=0)


async def test_a_persistent_502_is_bounded_logged_and_the_next_question_answered(
    start_slack: StartSlack, caplog: pytest.LogCaptureFixture
) -> None:
    slack = await start_slack(slack={"api_retries": 1})
    slack.api.fail_next("chat.postMessage", 2, status=502)
    await slack.event(slack.mention_event(QUESTION))
    await slack.settled(timeout=10)
    assert attempts(slack) == [502, 502]
    assert not slack.api.posts()
    errors = [r for r in caplog.records if r.name == "qabot.slack" and r.levelno >= logging.ERROR]
    # logged with the cause, not swallowed: one line naming the status, no traceback
    assert errors and all("HTTP 502" in r.getMessage() and not r.exc_info for r in errors)
    # and counted (README: `qabot_errors_total{where}`; not counting passed every test)
    async with slack.session.get(f"{slack.url}/metrics") as resp:
        assert 'qabot_errors_total{where="slack"} 1.0' in await resp.text()
    await ask_and_expect_answer(slack, before=0)
