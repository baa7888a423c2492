"""Start-up, Socket Mode, configuration errors and a clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

import aiohttp
import pytest
from aiohttp import web

from bot.adapters.slack import SlackAdapter, SlackConfigError, build_app, serve
from bot.service import QABot
from tests.slack.fake_slack_api import BOT_USER_ID, TEAM_ID, FakeSlackApi
from tests.slack.harness import (
    BOT_TOKEN,
    KNOWLEDGE,
    SIGNING_SECRET,
    SlackHarness,
    free_port,
    slack_settings,
    wait_healthy,
)

APP_TOKEN = "xapp-test-not-a-real-token"


def test_http_mode_needs_the_signing_secret(fake_api: FakeSlackApi, slack_bot: QABot) -> None:
    settings = slack_settings(fake_api, SLACK_SIGNING_SECRET=None)
    with pytest.raises(SlackConfigError, match="SLACK_SIGNING_SECRET"):
        build_app(slack_bot, settings)


def test_socket_mode_needs_no_signing_secret(fake_api: FakeSlackApi, slack_bot: QABot) -> None:
    settings = slack_settings(fake_api, SLACK_SIGNING_SECRET=None, SLACK_APP_TOKEN=APP_TOKEN)
    adapter = SlackAdapter(slack_bot, settings)
    assert adapter.socket_mode
    assert adapter.app.client.base_url == fake_api.base_url


async def test_healthz_says_starting_until_the_adapter_is_ready(
    fake_api: FakeSlackApi, slack_bot: QABot
) -> None:
    # README: "GET /healthz answers 200 once the bot is ready (503 before)"; a load balancer
    # must not send Slack's requests to a replica still signing in.
    adapter = SlackAdapter(slack_bot, slack_settings(fake_api))
    runner = web.AppRunner(adapter.web_app())
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                assert resp.status == 503 and (await resp.json())["status"] == "starting"
            adapter.ready = True  # what serve() sets once signed in and listening
            async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                assert resp.status == 200 and (await resp.json())["status"] == "ok"
    finally:
        await runner.cleanup()


# Every answer of auth.test that says the token will never work (the rest are carried on
# from: Slack's own trouble): one left out passed every other test, and qabot served with a
# token that could post nothing.
@pytest.mark.parametrize(
    "error",
    ["invalid_auth", "not_authed", "account_inactive", "token_revoked", "not_allowed_token_type"],
)
async def test_a_rejected_bot_token_stops_start_up(
    fake_api: FakeSlackApi, slack_bot: QABot, error: str
) -> None:
    fake_api.fail_next("auth.test", status=200, error=error)
    with pytest.raises(SlackConfigError, match=f"SLACK_BOT_TOKEN: {error}"):
        # bounded: a token taken for good would serve until cancelled
        serving = serve(slack_bot, slack_settings(fake_api), port=free_port(), host="127.0.0.1")
        await asyncio.wait_for(serving, 10)


@pytest.mark.parametrize("error", ["invalid_auth", "token_revoked", "not_allowed_token_type"])
async def test_a_rejected_app_token_stops_start_up_in_one_line(
    fake_api: FakeSlackApi, slack_bot: QABot, caplog: pytest.LogCaptureFixture, error: str
) -> None:
    # slack_sdk's Socket Mode client retried a rejected app token for ever (an ERROR with a
    # traceback every 10 s), never ready, never ending: the README's exit 2 never came.
    fake_api.fail_next("apps.connections.open", 100, status=200, error=error)
    settings = slack_settings(fake_api, SLACK_APP_TOKEN=APP_TOKEN)
    with pytest.raises(SlackConfigError, match=f"SLACK_APP_TOKEN: {error}"):
        await asyncio.wait_for(serve(slack_bot, settings), 10)
    assert len(fake_api.of("apps.connections.open", delivered=False)) == 1
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_socket_mode_connects_after_slack_failed_to_open_it(
    fake_api: FakeSlackApi, slack_bot: QABot
) -> None:
    # Not the token's fault (Slack's 5xx, every retry of it): slack_sdk tries again.
    fake_api.fail_next("apps.connections.open", 4, status=500)
    ready = asyncio.Event()
    settings = slack_settings(fake_api, SLACK_APP_TOKEN=APP_TOKEN)
    task = asyncio.create_task(serve(slack_bot, settings, ready=ready))
    try:
        await asyncio.wait_for(ready.wait(), 20)
        await fake_api.wait_for(lambda api: bool(api.sockets))
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_socket_mode_answers_a_mention_and_acks_the_envelope(
    fake_api: FakeSlackApi, slack_bot: QABot
) -> None:
    settings = slack_settings(fake_api, SLACK_APP_TOKEN=APP_TOKEN)
    ready = asyncio.Event()
    task = asyncio.create_task(serve(slack_bot, settings, ready=ready))
    try:
        await asyncio.wait_for(ready.wait(), 10)
        await fake_api.wait_for(lambda api: bool(api.sockets))
        event = {
            "type": "app_mention",
            "user": "U1",
            "text": f"<@{BOT_USER_ID}> When was SenseTime founded?",
            "ts": "1710000000.000001",
            "channel": "C1",
        }
        body = {"type": "event_callback", "team_id": TEAM_ID, "event": event, "event_id": "EvS1"}
        await fake_api.push_event(body, "env-1")
        await fake_api.push_event(body, "env-2")  # a redelivery: acked, not answered twice
        await fake_api.wait_for(lambda api: len(api.posts()) >= 1)
        await fake_api.wait_for(lambda api: len(api.socket_acks) >= 2)
        (post,) = fake_api.posts()
        assert "2014" in post["text"] and post["thread_ts"] == event["ts"]
        assert {a["envelope_id"] for a in fake_api.socket_acks} == {"env-1", "env-2"}
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert not fake_api.sockets  # closed on the way out


SCRIPT = """
import logging, sys
from bot.runner import run_all
from bot.service import QABot
from bot.settings import Settings
Settings.model_config["env_file"] = None
logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
settings = Settings(knowledge_dir=sys.argv[2], default_lang="en")
bot = QABot.from_settings(settings)
sys.exit(run_all(bot, only=["slack"], slack_port=int(sys.argv[1]), watch=False))
"""


async def test_main_stops_cleanly_on_sigterm(fake_api: FakeSlackApi) -> None:
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_api.base_url,
    }
    env.pop("SLACK_APP_TOKEN", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SCRIPT, str(port), str(KNOWLEDGE),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await wait_healthy(proc, port)
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 15)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, stderr.decode()
    assert "slack: stopped" in stderr.decode()
    assert "Traceback" not in stderr.decode()


async def test_no_request_waits_for_auth_test_once_start_up_has_checked_the_token(
    slack: SlackHarness,
) -> None:
    # bolt called auth.test again on the first request, before the ack, and on every
    # request while that failed: with the Web API down, each event went unanswered (and
    # a hung API would have held each ack for api_timeout_s, 10 s, past Slack's 3 s).
    slack.api.fail_next("auth.test", 5, status=500)
    await slack.event(slack.mention_event("When was SenseTime founded?"))
    await slack.api.wait_for(lambda api: len(api.posts()) >= 1)
    assert "2014" in slack.api.posts()[0]["text"]
    assert [c.method for c in slack.api.calls].count("auth.test") == 1  # at start-up
