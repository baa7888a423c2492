"""Admin fixtures: a writable knowledge copy with its own bot, log and helpers for bounded waits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.service import QABot
from bot.settings import Settings

RECRUITING = "hkpc.recruiting"


def admin_settings(kb: Path, log: Path, **overrides: Any) -> Settings:
    """Settings over a knowledge copy, logging unanswered questions to `log`."""
    values: dict[str, Any] = {
        "knowledge_dir": kb,
        "default_lang": "en",
        "unanswered": {"path": log},
        "SLACK_BOT_TOKEN": None,
        "SLACK_SIGNING_SECRET": None,
        "SLACK_APP_TOKEN": None,
        "DISCORD_TOKEN": None,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "unanswered.jsonl"


@pytest.fixture
def kb_bot(kb_copy: Path, log_path: Path) -> QABot:
    """A bot over a writable copy of the shipped knowledge."""
    return QABot.from_settings(admin_settings(kb_copy, log_path))


async def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> float:
    """Poll `predicate` until true (bounded); the seconds it took."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.01)
    return time.monotonic() - start


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Ten aliases a level, eight levels: 474 bytes, 741 million characters written out.
ALIASES = "l0: &l0 [a, b, c, d, e, f, g, h, i, j]\n" + "".join(
    f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]\n" for n in range(1, 9)
)
