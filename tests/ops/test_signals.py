"""Signals to a real `qabot slack` process: a SIGHUP while it starts is a reload, not its end."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest

from bot.service import QABot
from bot.settings import PROJECT_ROOT
from bot.watcher import HeldSighup, install_sighup
from tests.discord.harness import poll
from tests.slack.fake_slack_api import FakeSlackApi
from tests.slack.harness import BOT_TOKEN, KNOWLEDGE, SIGNING_SECRET, free_port, wait_healthy

# `qabot ARGS` through the CLI's main, without the project's .env; the knowledge load at
# start-up (seconds at scale) waits for a line on stdin, so the test can signal inside it.
QABOT_LOADING_ON_CUE = """
import sys
from bot.service import QABot
from bot.settings import Settings
Settings.model_config["env_file"] = None
from bot.cli import main

load = QABot.from_settings.__func__

def load_on_cue(cls, settings):
    print("loading", flush=True)
    sys.stdin.readline()
    return load(cls, settings)

QABot.from_settings = classmethod(load_on_cue)
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX only")
async def test_a_sighup_during_start_up_is_one_reload_once_serving(
    fake_api: FakeSlackApi,
) -> None:
    """`systemctl reload` right after `start` ended qabot (Python's default for SIGHUP)
    while the knowledge loaded; now the reload it asks for happens once qabot serves."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_api.base_url,
        "QABOT_ADMIN__WATCH": "false",
    }
    for name in ("SLACK_APP_TOKEN", "DISCORD_TOKEN"):
        env.pop(name, None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", QABOT_LOADING_ON_CUE, "--kb", str(KNOWLEDGE), "slack",
        "--port", str(port),
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    log: list[str] = []
    reading = asyncio.create_task(read_lines(proc.stderr, log))
    try:
        assert await asyncio.wait_for(proc.stdout.readline(), 30) == b"loading\n"
        proc.send_signal(signal.SIGHUP)  # twice while loading: one reload will do
        proc.send_signal(signal.SIGHUP)
        proc.stdin.write(b"go\n")
        await proc.stdin.drain()
        await wait_healthy(proc, port, timeout=30)
        await poll(lambda: any("knowledge (sighup)" in line for line in log), timeout=30)
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 15)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    await reading
    text = "".join(log)
    assert proc.returncode == 0, text
    assert text.count("SIGHUP during start-up: reloading the knowledge") == 1, text
    assert text.count("knowledge (sighup)") == 1, text
    assert "Traceback" not in text


async def read_lines(stream: asyncio.StreamReader, into: list[str]) -> None:
    while line := await stream.readline():
        into.append(line.decode())


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX only")
async def test_after_serving_sighup_is_held_again_not_fatal(qabot: QABot) -> None:
    """The loop's handler, removed at shutdown, would leave Python's default (the end of
    the process while it finishes its replies); the held one comes back instead."""
    before = signal.getsignal(signal.SIGHUP)
    try:
        HeldSighup.install()
        held = signal.getsignal(signal.SIGHUP)
        uninstall = install_sighup(qabot)
        assert signal.getsignal(signal.SIGHUP) is not held  # the loop's, while serving
        uninstall()
        assert signal.getsignal(signal.SIGHUP) is held
    finally:
        signal.signal(signal.SIGHUP, before)
