"""`/kb unanswered` in chat: Slack lists groups with an attach button each; Discord lists them."""

from __future__ import annotations

import json
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bot.kb_edit import find_intent
from bot.service import QABot
from tests.admin.conftest import admin_settings
from tests.discord.conftest import ADMINS, make_settings, serving
from tests.discord.fake_discord import ADMIN_ID, FakeDiscord
from tests.slack.conftest import ADMIN, TEAM_ID, SlackHarness, StartSlack
from tests.slack.fake_slack_api import FakeSlackApi

UNKNOWN = ["Who runs the HKPC?", "who runs the HKPC", "Who runs HKPC?"]


def seeded_bot(kb: Path, log: Path, **overrides: Any) -> QABot:
    bot = QABot.from_settings(admin_settings(kb, log, **overrides))
    for q in UNKNOWN:
        bot.ask(q, platform="slack")
    return bot


async def attach_click(slack: SlackHarness, value: str, user: str) -> int:
    """A click on an `/kb unanswered` button, as Slack's block_actions payload."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
        "api_app_id": "A0TEST",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": "1.2", "channel_id": "C1"},
        "trigger_id": "1.2.3",
        "team": {"id": TEAM_ID, "domain": "qabot-test"},
        "channel": {"id": "C1", "name": "general"},
        "response_url": slack.api.response_url("attach"),
        "actions": [
            {
                "action_id": "qabot_attach_0",
                "block_id": "b",
                "type": "button",
                "value": value,
                "action_ts": str(time.time()),
            }
        ],
    }
    body = urllib.parse.urlencode({"payload": json.dumps(payload)})
    reply = await slack.post_raw(body, "application/x-www-form-urlencoded")
    return reply.status


def n_responses(n: int):
    return lambda api: len(api.responses()) >= n


async def test_slack_kb_unanswered_lists_groups_and_a_click_attaches(
    start_slack: StartSlack, kb_copy: Path, tmp_path: Path
) -> None:
    bot = seeded_bot(kb_copy, tmp_path / "u.jsonl", admins={"slack_user_ids": [ADMIN]})
    slack = await start_slack(bot=bot)
    await slack.command("/kb", "unanswered", user=ADMIN)
    await slack.api.wait_for(n_responses(1))
    listing = slack.api.responses()[0]
    assert listing["response_type"] == "ephemeral"
    (group,) = [b for b in listing["blocks"] if b["type"] == "section"]
    button = group["accessory"]
    assert button["action_id"] == "qabot_attach_0"
    value = json.loads(button["value"])
    question, intent = value["q"], value["i"]
    assert "×3" in group["text"]["text"] and intent in group["text"]["text"]
    assert intent in button["text"]["text"]

    assert await attach_click(slack, button["value"], user="U1") == 200  # not an admin
    await slack.api.wait_for(n_responses(2))
    assert "admin" in slack.api.responses()[1]["text"].lower()
    assert question not in find_intent(kb_copy, intent)[2]["questions"]["en"]

    assert await attach_click(slack, button["value"], user=ADMIN) == 200
    await slack.api.wait_for(n_responses(3))
    assert "added" in slack.api.responses()[2]["text"]
    assert question in find_intent(kb_copy, intent)[2]["questions"]["en"]
    assert bot.ask(question).intent == intent  # live at once
    assert bot.unanswered_groups() == []


async def test_slack_suggestion_click_goes_through_the_core(
    start_slack: StartSlack, fake_api: FakeSlackApi, tmp_path: Path
) -> None:
    log = tmp_path / "u.jsonl"
    from tests.conftest import KNOWLEDGE

    bot = QABot.from_settings(admin_settings(KNOWLEDGE, log))
    slack = await start_slack(bot=bot)
    await slack.click("hkpc.recruiting|en", user="U7")
    await slack.api.wait_for(lambda api: len(api.posts()) >= 1)
    (rec,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert (
        rec["kind"] == "click" and rec["guess"] == "hkpc.recruiting" and rec["platform"] == "slack"
    )


async def test_discord_kb_unanswered_lists_groups(
    fake: FakeDiscord, kb_copy: Path, tmp_path: Path
) -> None:
    bot = seeded_bot(kb_copy, tmp_path / "u.jsonl", admins=ADMINS)
    settings = make_settings(fake, tmp_path)
    async with serving(bot, settings):
        iid, _ = await fake.interaction(
            "kb", [{"name": "action", "type": 3, "value": "unanswered"}], who=ADMIN_ID
        )
        (call,) = await fake.wait_call("POST", rf"/interactions/{iid}/[^/]+/callback")
    data = call.json["data"]
    assert data["flags"] == 64
    (embed,) = data["embeds"]
    (field,) = embed["fields"]
    (group,) = bot.unanswered_groups()
    assert field["name"].startswith("×3 ") and f"`{group.intent}`" in field["value"]
    assert f"qabot kb add-question {group.intent}" in field["value"]
