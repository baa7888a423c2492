"""Discord faults the gateway tests leave out: an invalidated session, REST 5xx on replies
(the fake's `failing`, as tests/discord/test_lost_replies.py uses it)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import discord.http
import pytest

from bot.adapters import discord_client
from bot.service import QABot
from tests.discord.fake_discord import BOT_ID, CHANNEL_ID, FakeDiscord
from tests.discord.harness import make_settings, poll, serving

Live = tuple[FakeDiscord, discord.Client]
MESSAGES = rf"/channels/{CHANNEL_ID}/messages"


class _QuickAsyncio:
    """`asyncio` as discord.http sees it, with its 5xx back-off (1 s, 3 s, 5 s, 7 s) cut short."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: Any = None) -> Any:
        return await asyncio.sleep(min(delay, 0.01), result)


@pytest.fixture
async def live(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[FakeDiscord, discord.Client]]:
    monkeypatch.setattr(discord.http, "asyncio", _QuickAsyncio())
    monkeypatch.setattr(discord_client, "SEND_RETRY_DELAY_S", 0.01)
    async with serving(discord_core, make_settings(fake, tmp_path)) as client:
        yield fake, client


async def quick_identify(shard_id: int | None, *, initial: bool = False) -> None:
    await asyncio.sleep(0)


async def mention(fake: FakeDiscord, text: str = "hpc") -> int:
    return await fake.message(f"<@{BOT_ID}> {text}", mentions=(BOT_ID,))


def discord_errors(core: QABot) -> float:
    """`qabot_errors_total{where="discord"}` of `core`'s metrics, 0 before any."""
    value = core.metrics.registry.get_sample_value("qabot_errors_total", {"where": "discord"})
    return value or 0.0


def failed_statuses(fake: FakeDiscord, path: str) -> list[int]:
    return [status for status, call in fake.failed if call.path == path]


async def test_an_invalidated_session_identifies_again_and_answers(
    live: tuple[FakeDiscord, discord.Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, client = live
    # discord.py waits 5 s before any IDENTIFY but the first (Discord's identify rate
    # limit), in this hook; a test need not.
    monkeypatch.setattr(client, "before_identify_hook", quick_identify)
    await fake.invalidate_session()
    await fake.wait_until(lambda: len(fake.ops(2)) == 2)  # a second IDENTIFY
    assert not fake.ops(6)  # not a RESUME: the session was invalid
    assert len(fake.connections) == 2
    mid = await fake.message("Wann wurde SenseTime gegründet?", dm=True)
    call = await fake.wait_reply(mid)
    assert "2014" in call.json["embeds"][0]["description"]
    await fake.barrier()
    assert len(fake.replies_to(mid)) == 1


@pytest.mark.parametrize("statuses", [(500,), (502, 500), (503,), (503, 502)])
async def test_a_reply_refused_with_5xx_is_retried_and_lands_once(
    live: tuple[FakeDiscord, discord.Client], statuses: tuple[int, ...]
) -> None:
    fake, _ = live
    fake.failing[MESSAGES] = list(statuses)
    mid = await mention(fake)
    assert (await fake.wait_reply(mid)).json["embeds"]
    await fake.barrier()
    assert len(fake.replies_to(mid)) == 1
    assert failed_statuses(fake, MESSAGES) == list(statuses)


@pytest.mark.parametrize(
    ("status", "tries"),
    [(500, 5), (503, discord_client.SEND_RETRIES + 1)],  # discord.py's 5 tries; ours
)
async def test_persistent_5xx_is_logged_and_the_next_mention_answered(
    live: tuple[FakeDiscord, discord.Client],
    discord_core: QABot,
    caplog: pytest.LogCaptureFixture,
    status: int,
    tries: int,
) -> None:
    fake, _ = live
    caplog.set_level(logging.ERROR)
    discord_core.enable_metrics()  # as `qabot run` with Slack has them
    before = discord_errors(discord_core)  # the core is the session's: earlier tests count
    fake.failing[MESSAGES] = [status] * 20
    lost = await mention(fake)
    await poll(lambda: "reply lost" in caplog.text)
    # counted too, once per lost reply (README: `qabot_errors_total{where}`; not counting,
    # or counting twice, passed every test)
    await poll(lambda: discord_errors(discord_core) > before)
    assert failed_statuses(fake, MESSAGES) == [status] * tries  # retried, and bounded
    # one line naming the status, no traceback
    assert f"Discord answered HTTP {status}" in caplog.text
    assert not [r for r in caplog.records if r.exc_info]
    fake.failing.clear()  # Discord is back
    answered = await mention(fake)
    assert (await fake.wait_reply(answered)).json["embeds"]
    await fake.barrier()
    assert not fake.replies_to(lost)
    assert len(failed_statuses(fake, MESSAGES)) == tries  # the lost reply is not sent later
    assert discord_errors(discord_core) == before + 1
