"""Signals to a real `qabot slack` process: a SIGHUP while it starts is a reload, not its end."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.answer import ReloadResult
from bot.held_sighup import HeldSighup
from bot.service import QABot
from bot.settings import PROJECT_ROOT
from bot.watcher import install_sighup
from tests.discord.harness import poll
from tests.ops.test_credentials import SECRETS
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


# `qabot ARGS` (without the project's .env) that sends itself a SIGHUP as it first imports
# bot.service, the core every serving command loads before it serves: the hold must come
# before that import, which takes a third of a second idle and seconds on a busy machine.
QABOT_HUP_AT_THE_CORE = """
import importlib.abc, os, signal, sys
from bot.settings import Settings
Settings.model_config["env_file"] = None

class HupAtTheCore(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "bot.service":
            sys.meta_path.remove(self)
            print("SIGHUP sent", flush=True)
            os.kill(os.getpid(), signal.SIGHUP)
        return None

sys.meta_path.insert(0, HupAtTheCore())
from bot.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX only")
@pytest.mark.parametrize("command", ["slack", "discord", "run"])
def test_a_sighup_while_qabot_imports_its_core_does_not_end_a_serving_command(
    command: str, tmp_path: Path
) -> None:
    """The hold was installed from bot.watcher, whose import loads bot.service (and all the
    core) first: a SIGHUP in that third of a second ended `qabot slack` (Python's default),
    where README promises the hold from the serving commands' first line on. No platform
    has credentials here, so the command ends as it should then: exit 2, naming them."""
    env = {k: v for k, v in os.environ.items() if k not in SECRETS}
    proc = subprocess.run(
        [sys.executable, "-c", QABOT_HUP_AT_THE_CORE, "--kb", str(KNOWLEDGE), command],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(PROJECT_ROOT)},
        timeout=60,
    )
    assert proc.stdout == "SIGHUP sent\n"
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "_TOKEN" in proc.stderr and "Traceback" not in proc.stderr


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


def _held_reloads(
    qabot: QABot, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[str], threading.Event, threading.Event]:
    """The bot's reloads recorded by trigger and held until `release` is set: the calls,
    an event set once the first runs, and the release."""
    calls: list[str] = []
    first_running, release = threading.Event(), threading.Event()
    reload = qabot.reload

    def held(trigger: str = "manual") -> ReloadResult:
        calls.append(trigger)
        first_running.set()
        release.wait()
        return reload(trigger)

    monkeypatch.setattr(qabot, "reload", held)
    return calls, first_running, release


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX only")
async def test_sighups_while_a_reload_runs_are_one_more_reload(
    qabot: QABot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Each SIGHUP was a reload of its own, queued behind the running one on a thread of
    the loop's default executor: 30 at once were 30 reloads in a row, and Discord's answers
    (on those threads too) waited behind them all (2.4 s at the shipped size)."""
    calls, first_running, release = _held_reloads(qabot, monkeypatch)
    caplog.set_level(logging.DEBUG, logger="bot.watcher")

    def handled() -> int:
        return sum(r.getMessage().startswith("SIGHUP") for r in caplog.records)

    uninstall = install_sighup(qabot)
    try:
        os.kill(os.getpid(), signal.SIGHUP)
        await poll(first_running.is_set)
        for _ in range(30):
            os.kill(os.getpid(), signal.SIGHUP)
        await poll(lambda: handled() == 31)  # each SIGHUP reached the handler
        release.set()
        while reloads := [t for t in asyncio.all_tasks() if "areload" in repr(t.get_coro())]:
            await asyncio.gather(*reloads)
    finally:
        release.set()
        uninstall()
    assert calls == ["sighup", "sighup"]  # the one running, and one for the files since


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX only")
async def test_no_reload_follows_the_running_one_once_serving_ends(
    qabot: QABot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls, first_running, release = _held_reloads(qabot, monkeypatch)
    caplog.set_level(logging.DEBUG, logger="bot.watcher")
    uninstall = install_sighup(qabot)
    try:
        os.kill(os.getpid(), signal.SIGHUP)
        await poll(first_running.is_set)
        os.kill(os.getpid(), signal.SIGHUP)
        await poll(lambda: any("one more follows" in r.getMessage() for r in caplog.records))
    finally:
        uninstall()  # serving ends while the reload runs
        release.set()
    while reloads := [t for t in asyncio.all_tasks() if "areload" in repr(t.get_coro())]:
        await asyncio.gather(*reloads)
    assert calls == ["sighup"]
