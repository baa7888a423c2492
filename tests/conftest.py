"""Shared fixtures: the shipped knowledge, settings built explicitly, one bot per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.service import QABot
from bot.settings import PROJECT_ROOT, Settings

KNOWLEDGE = PROJECT_ROOT / "knowledge"
# The .env the code reads, before the session's settings below take it away: the test that
# a working directory's .env is not read must check the code's choice, not this fixture's.
CODE_ENV_FILE = Settings.model_config["env_file"]

# The Slack and Discord fakes and harnesses, as plugins: their fixtures serve
# tests/slack and tests/discord, and the admin and ops tests that drive both.
pytest_plugins = ["tests.slack.harness", "tests.discord.harness"]


@pytest.fixture(scope="session", autouse=True)
def _test_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Settings every test (and every subprocess it starts) reads from the environment.

    Questions the tests ask must not land in the project's var/unanswered.jsonl;
    tests of the log pass their own path. Tests send many questions as one user;
    rate limits are tested on their own (tests/ops/test_rate_limits.py) with
    explicit settings. A value the caller set already is kept. The shared state is
    never the caller's: not a Redis named in the project's .env (a deployment's, whose
    tokens and admins no test wants either) nor one exported in the shell; tests of
    Redis start their own. Subprocesses skip the .env too (tests.cli_process.QABOT).
    """
    defaults = {
        "QABOT_UNANSWERED__PATH": str(tmp_path_factory.mktemp("var") / "unanswered.jsonl"),
        "QABOT_RATE_LIMIT__ENABLED": "false",
    }
    with pytest.MonkeyPatch.context() as mp:
        for name, value in defaults.items():
            if name not in os.environ:
                mp.setenv(name, value)
        mp.delenv("QABOT_REDIS_URL", raising=False)
        mp.setitem(Settings.model_config, "env_file", None)
        yield


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
