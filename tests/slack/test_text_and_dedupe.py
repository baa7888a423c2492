"""Slack markup → question text, and the seen-before store behind retry dedupe."""

from __future__ import annotations

import pytest

from bot.adapters.slack_dedupe import StateSeenStore
from bot.adapters.slack_handlers import SlackListeners
from bot.adapters.slack_text import question_text
from bot.service import QABot
from bot.state import MemoryState


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<@UBOT> how many firms?", "how many firms?"),
        ("<@UBOT|qabot>   hi  ", "hi"),
        ("<@UBOT>", ""),
        ("ask <@U123> and <!channel>", "ask @U123 and @channel"),
        ("<!subteam^S1|@devs> ping", "@devs ping"),
        ("see <#C1|general> <https://x.example|the link>", "see #general the link"),
        ("a &lt;b&gt; &amp;amp; c", "a <b> &amp; c"),
        # "&lt;" typed as such is "&amp;lt;": undone once, not twice (`&amp;` last)
        ("x &amp;lt;b&amp;gt; y", "x &lt;b&gt; y"),
    ],
)
def test_question_text(raw: str, expected: str) -> None:
    assert question_text(raw, "UBOT") == expected


async def test_seen_store_claims_once_within_the_ttl() -> None:
    # The store the bot runs (StateSeenStore over the shared state); the tests here were
    # of MemorySeenStore, which nothing in the bot used.
    now = [0.0]
    seen = StateSeenStore(MemoryState(clock=lambda: now[0]), ttl_s=10)
    assert await seen.claim("Ev1")
    assert not await seen.claim("Ev1")
    now[0] = 9.9
    assert not await seen.claim("Ev1")
    now[0] = 10.1
    assert await seen.claim("Ev1")


async def test_the_listeners_remember_deliveries_for_dedupe_ttl_s(qabot: QABot) -> None:
    # README: the memory of seen events lasts `[slack] dedupe_ttl_s`; a fixed 600 s passed
    # every test (the harness runs with the default).
    now = [0.0]
    slack = qabot.settings.slack.model_copy(update={"dedupe_ttl_s": 30.0})
    configured = qabot.settings.model_copy(update={"slack": slack})
    bot = QABot(configured, qabot.store, state=MemoryState(clock=lambda: now[0]))
    listeners = SlackListeners(bot, configured)
    assert await listeners.seen.claim("event:Ev1")
    now[0] = 29.0
    assert not await listeners.seen.claim("event:Ev1")  # a retry within the memory
    now[0] = 31.0
    assert await listeners.seen.claim("event:Ev1")
