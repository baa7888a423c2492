"""A reply Discord never took (its REST API answered 5xx after the retries, or the
connection dropped): one bounded line naming the cause, counted as an error, never a
traceback; the next question is answered."""

from __future__ import annotations

import logging
from pathlib import Path

import discord
import pytest

from bot.adapters import discord_client
from bot.service import QABot
from bot.settings import Settings
from tests.discord.fake_discord import BOT_ID, CHANNEL_ID, NO_ANSWER, FakeDiscord
from tests.discord.harness import make_settings, poll, serving

Live = tuple[FakeDiscord, discord.Client]

MAX_LINE = 200
QUESTION = {"name": "question", "type": 3, "value": "hpc"}


@pytest.mark.parametrize("how", ["503", "hang up"])
async def test_an_answer_discord_never_took_is_one_line(
    live: Live, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    fake: FakeDiscord = live[0]
    monkeypatch.setattr(discord_client, "SEND_RETRY_DELAY_S", 0.0)
    caplog.set_level(logging.INFO)
    status = 0 if how == "hang up" else int(how)
    # every try of the one reply: the first and qabot's retries (discord.py retries a drop)
    fake.failing[f"/channels/{CHANNEL_ID}/messages"] = [status] * 8
    lost = await fake.message(f"<@{BOT_ID}> hpc", mentions=(BOT_ID,))
    await poll(lambda: any(r.levelno >= logging.ERROR for r in caplog.records), timeout=30)
    fake.failing.clear()
    answered = await fake.message(f"<@{BOT_ID}> hpc", mentions=(BOT_ID,))
    assert (await fake.wait_reply(answered)).json["embeds"]
    assert not [c for c in fake.replies_to(lost) if c.response]
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [r for r in lines if r.exc_info or r.exc_text], "a traceback was logged"
    (line,) = [r for r in lines if r.levelno >= logging.ERROR]
    message = line.getMessage()
    assert "reply lost" in message and "\n" not in message and len(message) < MAX_LINE


# 404: the interaction expired (Discord's "Unknown interaction"); a 5xx takes discord.py's
# own retries first (some 25 s), then fails the same way.
@pytest.mark.parametrize("how", ["404", "hang up"])
async def test_a_command_reply_discord_never_took_is_one_line(
    live: Live, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    fake: FakeDiscord = live[0]
    caplog.set_level(logging.INFO)
    status = 0 if how == "hang up" else int(how)
    callback = r"/interactions/\d+/[^/]+/callback"
    fake.failing[callback] = [status] * 2  # the answer, and an apology after it
    await fake.interaction("ask", [QUESTION])
    await poll(lambda: any(r.levelno >= logging.ERROR for r in caplog.records), timeout=30)
    fake.failing.clear()
    iid, _ = await fake.interaction("ask", [QUESTION])
    (call,) = await fake.wait_call("POST", rf"/interactions/{iid}/[^/]+/callback")
    assert call.json["data"]["embeds"]
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [r for r in lines if r.exc_info or r.exc_text], "a traceback was logged"
    (line,) = [r for r in lines if r.levelno >= logging.ERROR]
    message = line.getMessage()
    assert message.startswith("discord /ask: ") and message.endswith("; reply lost")
    assert "\n" not in message and len(message) < MAX_LINE


@pytest.mark.parametrize("where", ["message", "command"])
async def test_a_reply_to_a_deleted_thread_is_one_warning_as_on_slack(
    live: Live, caplog: pytest.LogCaptureFixture, where: str
) -> None:
    # A thread deleted while qabot answered in it: Discord answers 404 "Unknown Channel"
    # (code 10003). That was an ERROR line, while Slack's channel_not_found for the same loss
    # is a WARNING: the reply is lost for a reason outside qabot. Now one WARNING, counted.
    fake: FakeDiscord = live[0]
    core: QABot = live[1].bot  # type: ignore[attr-defined]
    core.enable_metrics()
    caplog.set_level(logging.INFO)
    if where == "message":
        fake.gone[f"/channels/{CHANNEL_ID}/messages"] = 10003
        await fake.message(f"<@{BOT_ID}> hpc", mentions=(BOT_ID,))
    else:
        fake.gone[r"/interactions/\d+/[^/]+/callback"] = 10003
        await fake.interaction("ask", [QUESTION])
    await poll(lambda: any(r.levelno >= logging.WARNING for r in caplog.records), timeout=30)
    fake.gone.clear()
    answered = await fake.message(f"<@{BOT_ID}> hpc", mentions=(BOT_ID,))
    assert (await fake.wait_reply(answered)).json["embeds"]
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [r for r in lines if r.exc_info or r.exc_text], "a traceback was logged"
    (line,) = lines
    message = line.getMessage()
    assert line.levelno == logging.WARNING, message
    assert "HTTP 404 (code 10003); reply lost" in message and len(message) < MAX_LINE
    assert core.metrics.registry.get_sample_value("qabot_errors_total", {"where": "discord"}) == 1


def _capped(fake: FakeDiscord, tmp_path: Path) -> Settings:
    """Settings whose cap on a reply's wait is 0.3 s (below the 30 s floor validation keeps)."""
    settings = make_settings(fake, tmp_path)
    settings.discord.max_retry_after_s = 0.3
    return settings


# The cap on a reply's wait (`[discord] max_retry_after_s`, 30 s) was logged as "(rate-limited)"
# whatever held the reply: a request Discord took and never answered said so too.
@pytest.mark.parametrize("where", ["message", "command"])
async def test_a_reply_discord_never_answers_is_one_line_naming_that(
    fake: FakeDiscord,
    discord_core: QABot,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    where: str,
) -> None:
    caplog.set_level(logging.INFO)
    async with serving(discord_core, _capped(fake, tmp_path)):
        if where == "message":
            fake.failing[f"/channels/{CHANNEL_ID}/messages"] = [NO_ANSWER]
            await fake.message(f"<@{BOT_ID}> hpc", mentions=(BOT_ID,))
        else:
            fake.failing[r"/interactions/\d+/[^/]+/callback"] = [NO_ANSWER]
            await fake.interaction("ask", [QUESTION])
        await poll(lambda: any(r.levelno >= logging.ERROR for r in caplog.records), timeout=30)
        answered = await fake.message(f"<@{BOT_ID}> hpc", mentions=(BOT_ID,))
        assert (await fake.wait_reply(answered)).json["embeds"]
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [r for r in lines if r.exc_info or r.exc_text], "a traceback was logged"
    (line,) = [r for r in lines if r.levelno >= logging.ERROR]
    message = line.getMessage()
    assert "Discord did not answer within 0.3s; reply lost" in message, message
    assert "rate-limited" not in message and "\n" not in message and len(message) < MAX_LINE
