"""Shared fixtures: the shipped knowledge, settings built explicitly, one bot per session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from bot.service import QABot
from bot.settings import PROJECT_ROOT, Settings

KNOWLEDGE = PROJECT_ROOT / "knowledge"

# Questions the tests ask must not land in the project's var/unanswered.jsonl
# (subprocesses inherit this too); tests of the log pass their own path.
os.environ.setdefault(
    "QABOT_UNANSWERED__PATH",
    str(Path(tempfile.mkdtemp(prefix="qabot-tests-")) / "unanswered.jsonl"),
)
# Tests send many questions as one user; rate limits are tested on their own
# (tests/ops/test_rate_limits.py) with explicit settings.
os.environ.setdefault("QABOT_RATE_LIMIT__ENABLED", "false")


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(knowledge_dir=KNOWLEDGE, default_lang="en")


@pytest.fixture(scope="session")
def qabot(settings: Settings) -> QABot:
    return QABot.from_settings(settings)


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge directory."""
    import shutil

    dest = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, dest)
    return dest
