"""Missing credentials: every missing variable at once, where to get it, exit 2, no noise."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.adapters.slack import SlackAdapter
from bot.service import QABot
from bot.settings import PROJECT_ROOT, Settings
from tests.cli_process import QABOT

SECRETS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DISCORD_TOKEN")
CLOSED = "http://127.0.0.1:9"  # a platform started by mistake reaches nothing


def qabot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`qabot ARGS` in a fresh process, with no platform secrets but those in `env`."""
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS}
    clean["PYTHONPATH"] = str(PROJECT_ROOT)
    return subprocess.run(
        [*QABOT, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, **env},
        timeout=60,
    )


def assert_clean(stderr: str) -> None:
    for noise in ("Traceback", "Error:", "voice", "WARNING", "ERROR"):
        assert noise not in stderr, stderr


def test_slack_names_every_missing_variable_and_where_to_get_it(tmp_path: Path) -> None:
    proc = qabot("slack", cwd=tmp_path)
    assert proc.returncode == 2
    assert "SLACK_BOT_TOKEN" in proc.stderr and "OAuth & Permissions" in proc.stderr
    assert "SLACK_SIGNING_SECRET" in proc.stderr and "Signing Secret" in proc.stderr
    assert "SLACK_APP_TOKEN" in proc.stderr  # the Socket Mode alternative
    assert_clean(proc.stderr)


def test_slack_in_socket_mode_needs_only_the_bot_token(tmp_path: Path) -> None:
    proc = qabot("slack", cwd=tmp_path, SLACK_APP_TOKEN="xapp-test-not-real")
    assert proc.returncode == 2
    assert "SLACK_BOT_TOKEN" in proc.stderr
    assert "SLACK_SIGNING_SECRET" not in proc.stderr
    assert_clean(proc.stderr)


def test_discord_names_its_token_and_exits_2_without_voice_warnings(tmp_path: Path) -> None:
    proc = qabot("discord", cwd=tmp_path)
    assert proc.returncode == 2
    assert "DISCORD_TOKEN" in proc.stderr and "discord.com/developers" in proc.stderr
    assert_clean(proc.stderr)


def test_run_without_any_credentials_names_all_of_them(tmp_path: Path) -> None:
    proc = qabot("run", cwd=tmp_path)
    assert proc.returncode == 2
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN", "qabot chat"):
        assert name in proc.stderr
    assert_clean(proc.stderr)


@pytest.mark.parametrize(
    "partly",
    [{"SLACK_BOT_TOKEN": "xoxb-test-not-real"}, {"SLACK_SIGNING_SECRET": "not-a-real-secret"}],
)
def test_run_names_what_a_partly_configured_platform_lacks(
    tmp_path: Path, partly: dict[str, str]
) -> None:
    # With Discord's token and half of Slack's credentials (the signing secret forgotten,
    # or misspelt), `qabot run` served Discord alone and said nothing about Slack.
    proc = qabot("run", cwd=tmp_path, DISCORD_TOKEN="x", DISCORD_API_BASE=CLOSED, **partly)
    assert proc.returncode == 2
    missing = {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"} - set(partly)
    assert all(name in proc.stderr for name in missing)
    assert "DISCORD_TOKEN" not in proc.stderr
    assert "qabot.run" not in proc.stderr  # no adapter was started
    assert_clean(proc.stderr)


def test_the_discord_client_does_not_warn_about_voice() -> None:
    code = (
        "import logging; logging.basicConfig(level=logging.INFO);"
        "from bot.adapters.discord import build_client;"
        "from bot.service import QABot; from bot.settings import Settings;"
        "s = Settings(DISCORD_TOKEN='x');"
        "build_client(QABot.from_settings(s), s)"
    )
    proc = subprocess.run(
        [sys.executable, "-W", "error::UserWarning", "-c", code],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "voice" not in proc.stderr


@pytest.mark.parametrize("platform", ["slack", "discord"])
def test_one_platform_missing_stops_before_any_adapter_starts(
    platform: str, tmp_path: Path
) -> None:
    other = {"DISCORD_TOKEN": "x"} if platform == "slack" else {"SLACK_BOT_TOKEN": "xoxb-x"}
    proc = qabot(platform, cwd=tmp_path, **other)
    assert proc.returncode == 2
    assert "qabot.run" not in proc.stderr  # no adapter was started


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch, qabot: QABot) -> None:
    # `SLACK_APP_TOKEN: ${SLACK_APP_TOKEN}` in a compose file sets it empty when the host
    # has none: qabot took that for Socket Mode with an empty token and never served
    # HTTP; an empty SLACK_API_URL or QABOT_KNOWLEDGE_DIR pointed nowhere.
    for name in ("SLACK_APP_TOKEN", "SLACK_API_URL", "DISCORD_API_BASE", "QABOT_KNOWLEDGE_DIR"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-not-real")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "test-signing-secret-not-real")
    settings = Settings()
    assert settings.slack_app_token is None
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.discord_api_base == "https://discord.com/api/v10"
    assert settings.knowledge_dir == PROJECT_ROOT / "knowledge"
    assert not SlackAdapter(QABot(settings, qabot.store), settings).socket_mode


@pytest.mark.parametrize(
    ("command", "variable", "other"),
    [
        ("slack", "SLACK_BOT_TOKEN", {"SLACK_SIGNING_SECRET": "not-a-real-secret"}),
        ("discord", "DISCORD_TOKEN", {}),
    ],
)
def test_a_token_with_a_line_break_in_it_is_named_and_exits_2(
    tmp_path: Path, command: str, variable: str, other: dict[str, str]
) -> None:
    # Two lines pasted as one value: aiohttp refuses the header ("Forbidden control
    # character … header injection") once connected, which stopped the platform with exit 1
    # and an ERROR naming no variable; Slack or Discord never saw the token to reject it.
    with socket.create_server(("127.0.0.1", 0)) as listening:  # connects; never answers
        url = f"http://127.0.0.1:{listening.getsockname()[1]}"
        env = {variable: "xoxb-test-not\nreal-token", **other}
        proc = qabot(
            command, cwd=tmp_path, SLACK_API_URL=url + "/api/", DISCORD_API_BASE=url, **env
        )
    assert proc.returncode == 2, proc.stderr
    assert variable in proc.stderr and "real-token" not in proc.stderr
    assert_clean(proc.stderr)
