"""Where `qabot slack` listens: loopback unless configured, /metrics optionally apart."""

from __future__ import annotations

import socket
import urllib.parse
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings
from tests.slack.harness import SlackHarness, StartSlack, free_port


def accepts(host: str, port: int) -> bool:
    """Whether a TCP connection to host:port is accepted (all of 127/8 is this machine)."""
    try:
        with socket.create_connection((host, port), timeout=5):
            return True
    except ConnectionRefusedError:
        return False


def port_of(slack: SlackHarness) -> int:
    return int(urllib.parse.urlsplit(slack.url).port or 0)


async def status(slack: SlackHarness, url: str) -> int:
    async with slack.session.get(url) as resp:
        await resp.read()
        return resp.status


async def test_it_listens_on_loopback_only_by_default(start_slack: StartSlack) -> None:
    slack = await start_slack()
    port = port_of(slack)
    assert accepts("127.0.0.1", port)
    assert not accepts("127.0.0.2", port)  # not on every address of the machine


async def test_the_address_is_configurable(start_slack: StartSlack) -> None:
    slack = await start_slack(slack={"host": "127.0.0.2"})
    port = port_of(slack)
    assert accepts("127.0.0.2", port) and not accepts("127.0.0.1", port)
    assert await status(slack, f"{slack.url}/healthz") == 200


def test_the_address_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QABOT_SLACK__HOST", "0.0.0.0")  # a container: the published port
    monkeypatch.setenv("QABOT_SLACK__METRICS_PORT", "9102")
    settings = Settings()
    assert settings.slack.host == "0.0.0.0" and settings.slack.metrics_port == 9102


@pytest.mark.parametrize("key", ["host", "metrics_host"])
def test_an_empty_address_is_an_error_not_every_interface(
    key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # aiohttp binds "" on every interface, IPv4 and IPv6: `host = ""` in the config file
    # (where an empty QABOT_SLACK__HOST counts as unset) served Slack's port and /metrics
    # to every network the machine is on, the log saying "HTTP mode on :3000".
    config = tmp_path / "qabot.toml"
    config.write_text(f'[slack]\n{key} = ""\n', encoding="utf-8")
    assert main(["--config", str(config), "stat"]) == 2
    assert f"slack.{key}" in capsys.readouterr().err


async def test_metrics_can_have_their_own_address(start_slack: StartSlack) -> None:
    metrics_port = free_port()
    slack = await start_slack(slack={"metrics_port": metrics_port})
    assert await status(slack, f"{slack.url}/metrics") == 404  # not beside /slack/events
    assert await status(slack, f"{slack.url}/healthz") == 200
    metrics = f"http://127.0.0.1:{metrics_port}/metrics"
    async with slack.session.get(metrics) as resp:
        assert resp.status == 200 and "qabot_questions_total" in await resp.text()
    assert not accepts("127.0.0.2", metrics_port)  # loopback by default too


async def test_metrics_listen_on_their_own_host(start_slack: StartSlack) -> None:
    # `[slack] metrics_host` apart from `host`: the events public (a container's 0.0.0.0),
    # the metrics not; no test told them apart (both were 127.0.0.1).
    metrics_port = free_port()
    slack_cfg = {"host": "127.0.0.2", "metrics_host": "127.0.0.3", "metrics_port": metrics_port}
    await start_slack(slack=slack_cfg)
    assert accepts("127.0.0.3", metrics_port)
    assert not accepts("127.0.0.2", metrics_port)
