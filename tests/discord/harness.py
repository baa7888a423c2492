"""Fixtures: a fake Discord on a loopback port, the real core, the adapter serving against both."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import discord
import pytest

from bot.adapters.discord import build_client, serve
from bot.service import QABot
from bot.settings import PROJECT_ROOT, Settings
from tests.discord.fake_discord import ADMIN_ID, ADMIN_ROLE_ID, TOKEN, FakeDiscord

ADMINS = {"discord_user_ids": [ADMIN_ID], "discord_role_ids": [ADMIN_ROLE_ID]}


async def poll(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until `predicate()` holds, for what the fake is not notified of (log lines)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.005)


def make_settings(fake: FakeDiscord, tmp_path: Path, **discord_options: object) -> Settings:
    """Settings pointing at `fake`, with a per-test command hash file."""
    return Settings(
        knowledge_dir=PROJECT_ROOT / "knowledge",
        admins=ADMINS,
        discord={"command_hash_file": tmp_path / "commands.hash", **discord_options},
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_BASE=fake.api_base,
        DISCORD_GATEWAY_URL=fake.gateway_url,
    )


@pytest.fixture(scope="session")
def discord_core() -> QABot:
    """The real core over the shipped knowledge, loaded once."""
    return QABot.from_settings(Settings(knowledge_dir=PROJECT_ROOT / "knowledge", admins=ADMINS))


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


@contextlib.asynccontextmanager
async def serving(
    bot: QABot, settings: Settings, *, ready_timeout: float = 10
) -> AsyncIterator[discord.Client]:
    """Run the adapter's `serve` against the fake until the block ends; bounded start-up."""
    client = build_client(bot, settings, guild_ready_timeout=0.01)
    ready = asyncio.Event()
    task = asyncio.create_task(serve(bot, settings, ready=ready, client=client))
    try:
        await asyncio.wait_for(ready.wait(), ready_timeout)
        yield client
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)


@pytest.fixture
async def live(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path
) -> AsyncIterator[tuple[FakeDiscord, discord.Client]]:
    """The adapter connected to the fake and READY; fresh shared state (conversations)."""
    bot = QABot(discord_core.settings, discord_core.store)
    async with serving(bot, make_settings(fake, tmp_path)) as client:
        yield fake, client
