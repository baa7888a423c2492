"""A shared store (Redis) that accepts connections and never answers: Slack is acked at
once, questions are answered, and the log says so once."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.service import QABot
from bot.settings import Settings
from bot.state import MemoryState
from bot.store import KnowledgeStore
from tests.discord.fake_discord import FakeDiscord
from tests.discord.harness import make_settings, serving
from tests.ops.hung_server import HungServer, hung_server
from tests.slack.fake_slack_api import FakeSlackApi
from tests.slack.harness import Reply, SlackHarness, StartSlack, slack_settings

QUESTION = "How many companies have difficulties recruiting?"


@pytest.fixture
async def hung() -> AsyncIterator[HungServer]:
    async with hung_server() as server:
        yield server


def bot_on(store: KnowledgeStore, settings: Settings) -> QABot:
    """A bot whose shared state is the configured (hung) Redis, rate limits on."""
    return QABot(settings, store)


async def until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll until `predicate()` holds (a bounded wait, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met"
        await asyncio.sleep(0.005)


async def test_slack_is_acked_while_the_store_is_hung(
    start_slack: StartSlack, fake_api: FakeSlackApi, slack_store: KnowledgeStore, hung: HungServer
) -> None:
    # The store's own timeout is far longer than the test: any store call made before
    # the ack would hold the ack until the hung server is closed.
    settings = slack_settings(fake_api, redis_url=hung.url, redis_timeout_s=120)
    slack = await start_slack(bot=bot_on(slack_store, settings))
    mention = await slack.event(slack.mention_event(QUESTION))
    dm = await slack.event(slack.dm_event(QUESTION))
    assert mention.status == dm.status == 200
    # Acked, and the store calls did go out: they still wait for the hung server.
    await until(lambda: hung.waiting >= 1)
    await hung.close()  # the store fails now; the questions are answered without it
    await slack.api.wait_for(lambda api: len(api.posts()) >= 2, timeout=10)


def _thread_started() -> dict[str, Any]:
    """An `assistant_thread_started` event (the side panel opened)."""
    thread = {"user_id": "U1", "channel_id": "D9", "thread_ts": "1710000500.000100"}
    return {"type": "assistant_thread_started", "assistant_thread": thread, "event_ts": "1.2"}


def _reaction() -> dict[str, Any]:
    """A 👎 on a message of the bot's."""
    item = {"type": "message", "channel": "C1", "ts": "1700000000.000001"}
    return {"type": "reaction_added", "user": "U2", "reaction": "-1", "item": item}


# Every other kind of request whose work reaches the shared state (dedupe, rate limit,
# feedback): the mention and the DM are the test above.
REQUESTS: dict[str, Callable[[SlackHarness], Awaitable[Reply]]] = {
    "reaction": lambda slack: slack.event(_reaction()),
    "/ask": lambda slack: slack.command("/ask", QUESTION),
    "/stat": lambda slack: slack.command("/stat", "HPC"),
    "click": lambda slack: slack.click(f"hkpc.recruiting|en|{QUESTION}"),
    "assistant greeting": lambda slack: slack.event(_thread_started()),
}


@pytest.mark.parametrize("kind", REQUESTS)
async def test_every_kind_of_slack_request_is_acked_while_the_store_is_hung(
    kind: str,
    start_slack: StartSlack,
    fake_api: FakeSlackApi,
    slack_store: KnowledgeStore,
    hung: HungServer,
) -> None:
    # Moving a reaction's, /stat's, a click's or the greeting's work before the ack passed
    # every test: only mentions and DMs were sent to a hung store. The store waits 120 s
    # for an answer; an ack held by a store call times out here.
    settings = slack_settings(
        fake_api, redis_url=hung.url, redis_timeout_s=120, rate_limit={"enabled": True}
    )
    slack = await start_slack(bot=bot_on(slack_store, settings))
    reply = await asyncio.wait_for(REQUESTS[kind](slack), timeout=30)
    assert reply.status == 200
    await until(lambda: hung.waiting >= 1)  # acked, and the work did go to the store
    await hung.close()
    await slack.settled(timeout=10)


async def test_a_discord_command_is_deferred_while_the_store_is_hung(
    fake: FakeDiscord, slack_store: KnowledgeStore, hung: HungServer, tmp_path: Path
) -> None:
    # Discord wants a first response within 3 s; a command whose work waits on the store
    # is deferred meanwhile. With the deferral after 30 s every test passed (the one
    # deferral test sets the delay itself).
    base = make_settings(fake, tmp_path)
    limits = base.rate_limit.model_copy(update={"enabled": True})
    update = {"redis_url": hung.url, "redis_timeout_s": 120, "rate_limit": limits}
    settings = base.model_copy(update=update)
    async with serving(bot_on(slack_store, settings), settings):
        question = [{"name": "question", "type": 3, "value": QUESTION}]
        iid, token = await fake.interaction("ask", question)
        await until(lambda: hung.waiting >= 1)
        callback = rf"/interactions/{iid}/[^/]+/callback"
        (deferred,) = await fake.wait_call("POST", callback, timeout=20)
        assert deferred.json == {"type": 5}
        assert hung.waiting >= 1  # the store call still waits
        await hung.close()  # the store fails now; the answer follows without it
        (followup,) = await fake.wait_call("POST", rf"/webhooks/\d+/{token}", timeout=10)
    assert "49" in followup.json["embeds"][0]["description"]


async def test_answers_go_on_while_the_store_is_hung_and_the_log_says_so_once(
    start_slack: StartSlack,
    fake_api: FakeSlackApi,
    slack_store: KnowledgeStore,
    hung: HungServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = slack_settings(
        fake_api, redis_url=hung.url, redis_timeout_s=0.1, rate_limit={"enabled": True}
    )
    slack = await start_slack(bot=bot_on(slack_store, settings))
    caplog.set_level(logging.INFO)
    for n in range(3):
        await slack.event(slack.mention_event(QUESTION))
        await slack.event(slack.dm_event("What is the best pizza in Naples?"))  # logged
        await slack.api.wait_for(lambda api, n=n: len(api.posts()) >= 2 * n + 2, timeout=10)
    await slack.settled()
    assert len([p for p in slack.api.posts() if "49" in p["text"]]) == 3
    said = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(said) == 1, [r.getMessage() for r in said]
    assert "shared state" in said[0].getMessage() and not said[0].exc_info


class GatedState(MemoryState):
    """A shared store whose conversation reads each wait until `n` of them are in at once
    (a slow store: each call takes as long as the others' arrival)."""

    remote = True

    def __init__(self, n: int) -> None:
        super().__init__()
        self.gate = threading.Barrier(n, timeout=10)

    def get(self, key: str) -> str | None:
        if key.startswith("conversation:"):
            self.gate.wait()
        return super().get(key)


async def test_a_slow_store_delays_each_message_not_all_of_them_in_turn(
    start_slack: StartSlack, slack_bot: QABot, caplog: pytest.LogCaptureFixture
) -> None:
    # Slack ran every store call of every message on one thread: with a store answering
    # in 100 ms, ten mentions took 2.2 s and at 0.4 s a call Slack answered about one
    # message a second in all. Here two messages' reads must be in the store at once.
    caplog.set_level(logging.WARNING)
    bot = QABot(slack_bot.settings, slack_bot.store, state=GatedState(2))
    slack = await start_slack(bot=bot)
    for channel in ("C1", "C2"):
        await slack.event(slack.mention_event(QUESTION, channel=channel))
    await slack.api.wait_for(lambda api: len(api.posts()) == 2, timeout=20)
    assert all("49" in p["text"] for p in slack.api.posts())
    assert not [r.getMessage() for r in caplog.records], "a read gave up waiting"
