"""`/kb unanswered` in chat: Slack and Discord list the groups with an attach button each."""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
import urllib.parse
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord_views import attach_item_class, buttons_view
from bot.answer import Group
from bot.kb_edit import EditResult, find_intent
from bot.render.discord import attach_replies, unanswered_replies
from bot.render.slack import render_unanswered
from bot.service import QABot
from bot.store import KnowledgeStore
from bot.unanswered import LogUnavailable
from tests.admin.conftest import admin_settings
from tests.discord.fake_discord import ADMIN_ID, ADMIN_ROLE_ID, USER_ID, FakeDiscord
from tests.discord.harness import ADMINS, make_settings, serving
from tests.slack.fake_slack_api import FakeSlackApi
from tests.slack.harness import ADMIN, TEAM_ID, SlackHarness, StartSlack

UNKNOWN = ["Who chairs the HKPC?", "who chairs the HKPC", "Who chairs HKPC?"]


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
    refusal = slack.api.responses()[1]
    assert "admin" in refusal["text"].lower() and refusal["response_type"] == "ephemeral"
    assert question not in find_intent(kb_copy, intent)[2]["questions"]["en"]

    assert await attach_click(slack, button["value"], user=ADMIN) == 200
    await slack.api.wait_for(n_responses(3))
    assert "added" in slack.api.responses()[2]["text"]
    assert question in find_intent(kb_copy, intent)[2]["questions"]["en"]
    assert bot.ask(question).intent == intent  # live at once
    assert bot.unanswered_groups() == []


async def test_kb_unanswered_says_when_nothing_is_logged_at_all(
    start_slack: StartSlack, fake: FakeDiscord, kb_copy: Path, tmp_path: Path
) -> None:
    """With the log off, "every logged question is answered now" was said of a log that
    keeps nothing; both platforms now say that logging is off."""
    off = {"path": tmp_path / "u.jsonl", "enabled": False}
    admins = {**ADMINS, "slack_user_ids": [ADMIN]}
    bot = seeded_bot(kb_copy, tmp_path / "u.jsonl", admins=admins, unanswered=off)
    slack = await start_slack(bot=bot)
    await slack.command("/kb", "unanswered", user=ADMIN)
    await slack.api.wait_for(n_responses(1))
    assert "unanswered log is off" in slack.api.responses()[0]["text"]
    async with serving(bot, make_settings(fake, tmp_path)):
        iid, token = await fake.interaction(
            "kb", [{"name": "action", "type": 3, "value": "unanswered"}], who=ADMIN_ID
        )
        reply = await discord_reply(fake, iid, token)
    assert "unanswered log is off" in json.dumps(reply)


async def test_slack_attach_refusal_is_a_private_reply_like_any_other_click(
    start_slack: StartSlack, kb_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A non-admin's attach click is refused to the clicker alone, after the ack and through
    the path of every click reply: a response_url that refuses the refusal is one warning
    (it went out inside the listener, and such a refusal left no trace)."""
    caplog.set_level(logging.INFO, logger="qabot.slack")
    bot = seeded_bot(kb_copy, tmp_path / "u.jsonl", admins={"slack_user_ids": [ADMIN]})
    slack = await start_slack(bot=bot)
    value = json.dumps({"q": UNKNOWN[0], "i": "hkpc.recruiting", "l": "en"})
    slack.api.fail_next("response_url", status=404, error="expired_url")
    assert await attach_click(slack, value, user="U1") == 200
    await slack.api.wait_for(lambda api: api.of("response_url", delivered=False))
    await slack.settled()
    (refusal,) = [call.payload for call in slack.api.of("response_url", delivered=False)]
    assert refusal["response_type"] == "ephemeral" and refusal["replace_original"] is False
    assert "admin" in refusal["text"].lower()
    (line,) = [r for r in caplog.records if "response_url" in r.getMessage()]
    assert "attach" in line.getMessage() and "expired_url" in line.getMessage()
    assert line.levelno == logging.WARNING and line.exc_info is None
    assert [r.getMessage() for r in caplog.records if "refused" in r.getMessage()] == [
        "slack: attach refused for - (not an admin)"  # as /kb's refusal: no id by default
    ]
    assert UNKNOWN[0] not in find_intent(kb_copy, "hkpc.recruiting")[2]["questions"]["en"]


async def test_slack_attach_with_the_knowledge_directory_gone_is_refused_with_the_reason(
    start_slack: StartSlack, kb_copy: Path, tmp_path: Path
) -> None:
    # The knowledge directory removed (or its mount gone) while the bot runs: the edit's
    # lock opened it and raised FileNotFoundError past the edit, so the admin's click got
    # no reply at all (an ERROR in the log). Refused as an unwritable directory is.
    bot = seeded_bot(kb_copy, tmp_path / "u.jsonl", admins={"slack_user_ids": [ADMIN]})
    slack = await start_slack(bot=bot)
    shutil.rmtree(kb_copy)
    value = json.dumps({"q": UNKNOWN[0], "i": "hkpc.recruiting", "l": "en"})
    assert await attach_click(slack, value, user=ADMIN) == 200
    await slack.api.wait_for(n_responses(1))
    (reply,) = slack.api.responses()
    assert reply["response_type"] == "ephemeral"
    assert f"{kb_copy.name}:0: cannot edit: No such file or directory" in reply["text"]
    assert bot.ask("Wann wurde SenseTime gegründet?").intent  # still answering from memory


def half_done_edit(kb: Path) -> None:
    """Another knowledge file broken beside the running bot (an admin's edit half done)."""
    facts = kb / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + "\n  - broken: [\n", encoding="utf-8")


async def test_slack_attach_says_so_when_the_reload_after_it_fails(
    start_slack: StartSlack, kb_copy: Path, tmp_path: Path
) -> None:
    # The edit checks its own file and is written; the reload of the whole directory then
    # fails on another file, and the bot answers from the knowledge it had. The reply said
    # only "added …", as if the question were live.
    bot = seeded_bot(kb_copy, tmp_path / "u.jsonl", admins={"slack_user_ids": [ADMIN]})
    slack = await start_slack(bot=bot)
    half_done_edit(kb_copy)
    value = json.dumps({"q": UNKNOWN[0], "i": "hkpc.recruiting", "l": "en"})
    assert await attach_click(slack, value, user=ADMIN) == 200
    await slack.api.wait_for(n_responses(1))
    (reply,) = slack.api.responses()
    assert "added" in reply["text"] and "reload failed" in reply["text"]
    assert "facts.yaml:" in reply["text"]  # the loader's problem, file:line
    assert UNKNOWN[0] in find_intent(kb_copy, "hkpc.recruiting")[2]["questions"]["en"]


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


async def test_a_slack_suggestion_click_counts_in_triage_for_the_question_it_answers(
    start_slack: StartSlack, tmp_path: Path
) -> None:
    from tests.conftest import KNOWLEDGE
    from tests.slack.bots import SuggestingBot

    settings = admin_settings(KNOWLEDGE, tmp_path / "u.jsonl")
    bot = SuggestingBot(settings, KnowledgeStore.open(KNOWLEDGE, settings))  # two suggestions
    slack = await start_slack(bot=bot)
    await slack.event(slack.mention_event(UNKNOWN[0]))
    await slack.api.wait_for(lambda api: len(api.posts()) >= 1)
    (actions,) = [b for b in slack.api.posts()[0]["blocks"] if b["type"] == "actions"]
    button = actions["elements"][1]  # not the first guess
    await slack.click(button["value"], action_id=button["action_id"], user="U7")
    await slack.api.wait_for(lambda api: len(api.posts()) >= 2)
    # what people clicked is the proposal for the question they clicked it on
    (group,) = bot.unanswered_groups()
    assert group.question == UNKNOWN[0]
    assert group.clicks == 1 and group.score == 1.0
    assert group.intent == button["value"].split("|")[0] == "computing.cloud"


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
    command = f"qabot kb add-question --kb {bot.settings.knowledge_dir} --lang en -- {group.intent}"
    assert command in field["value"]


async def discord_reply(fake: FakeDiscord, iid: int, token: str) -> dict[str, Any]:
    """The message the bot answered interaction `iid` with: the response, or its follow-up."""
    (call,) = await fake.wait_call("POST", rf"/interactions/{iid}/[^/]+/callback")
    if call.json["type"] == 4:
        return call.json["data"]
    assert call.json["type"] == 5 and call.json["data"]["flags"] == 64  # deferred, ephemeral
    (followup,) = await fake.wait_call("POST", rf"/webhooks/\d+/{re.escape(token)}")
    return followup.json


def buttons_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons of a message body, checked against Discord's component limits."""
    rows = data.get("components") or []
    assert len(rows) <= 5
    buttons = []
    for row in rows:
        assert row["type"] == 1 and 1 <= len(row["components"]) <= 5
        for button in row["components"]:
            assert button["type"] == 2
            assert len(button["custom_id"]) <= 100 and 1 <= len(button["label"]) <= 80
            buttons.append(button)
    return buttons


async def discord_listing(fake: FakeDiscord) -> dict[str, Any]:
    iid, token = await fake.interaction(
        "kb", [{"name": "action", "type": 3, "value": "unanswered"}], who=ADMIN_ID
    )
    return await discord_reply(fake, iid, token)


async def test_discord_kb_unanswered_has_an_attach_button_per_group(
    fake: FakeDiscord, kb_copy: Path, tmp_path: Path
) -> None:
    bot = seeded_bot(kb_copy, tmp_path / "u.jsonl", admins=ADMINS)
    async with serving(bot, make_settings(fake, tmp_path)):
        listing = await discord_listing(fake)
    (group,) = bot.unanswered_groups()
    (button,) = buttons_of(listing)
    assert button["custom_id"] == f"qabot_attach:{group.key}"
    assert group.intent in button["label"] and group.question in button["label"]
    assert listing["flags"] == 64


async def test_discord_attach_click_refused_for_non_admins_then_attached_for_admins(
    fake: FakeDiscord, kb_copy: Path, tmp_path: Path
) -> None:
    bot = seeded_bot(kb_copy, tmp_path / "u.jsonl", admins=ADMINS)
    (group,) = bot.unanswered_groups()
    intent, question = group.intent, group.question
    assert intent is not None
    before = find_intent(kb_copy, intent)[0].read_text(encoding="utf-8")
    async with serving(bot, make_settings(fake, tmp_path)):
        listing = await discord_listing(fake)
        (button,) = buttons_of(listing)

        iid, token = await fake.component(button["custom_id"], listing, who=USER_ID)
        refusal = await discord_reply(fake, iid, token)
        assert refusal["flags"] == 64 and "admin" in refusal["content"].lower()
        assert find_intent(kb_copy, intent)[0].read_text(encoding="utf-8") == before

        iid, token = await fake.component(button["custom_id"], listing, who=ADMIN_ID)
        done = await discord_reply(fake, iid, token)
    assert done["flags"] == 64 and done["content"].startswith("Attached")
    assert question in done["content"] and intent in done["content"]
    assert question in find_intent(kb_copy, intent)[2]["questions"][group.lang]
    assert bot.ask(question).intent == intent  # live at once
    assert bot.unanswered_groups() == []


async def test_discord_attach_says_so_when_the_reload_after_it_fails(
    fake: FakeDiscord, kb_copy: Path, tmp_path: Path
) -> None:
    # The reply said "the knowledge is reloaded" while the reload had failed on another file.
    async with serving(
        seeded_bot(kb_copy, tmp_path / "u.jsonl", admins=ADMINS), make_settings(fake, tmp_path)
    ):
        listing = await discord_listing(fake)
        half_done_edit(kb_copy)
        (button,) = buttons_of(listing)
        iid, token = await fake.component(button["custom_id"], listing, who=ADMIN_ID)
        done = await discord_reply(fake, iid, token)
    assert done["content"].startswith("Attached") and "HKPC" in done["content"]
    assert "is reloaded" not in done["content"]
    assert "reload failed" in done["content"] and "facts.yaml:" in done["content"]


async def test_discord_attach_click_by_role_after_a_restart(
    fake: FakeDiscord, kb_copy: Path, tmp_path: Path
) -> None:
    """A button of a listing shown before a restart still works (and admin roles count)."""
    bot = seeded_bot(kb_copy, tmp_path / "u.jsonl", admins=ADMINS)
    (group,) = bot.unanswered_groups()
    async with serving(bot, make_settings(fake, tmp_path)):
        listing = await discord_listing(fake)
    (button,) = buttons_of(listing)
    async with serving(bot, make_settings(fake, tmp_path)):  # a new client: nothing remembered
        iid, token = await fake.component(
            button["custom_id"], listing, who=USER_ID, roles=(ADMIN_ROLE_ID,)
        )
        done = await discord_reply(fake, iid, token)
        assert done["content"].startswith("Attached")
        again, token = await fake.component(button["custom_id"], listing, who=ADMIN_ID)
        twice = await discord_reply(fake, again, token)
    assert group.question in find_intent(kb_copy, group.intent or "")[2]["questions"]["en"]
    assert twice["content"].startswith("Nothing to do")


async def test_discord_attach_click_on_a_group_no_longer_open(
    fake: FakeDiscord, kb_copy: Path, tmp_path: Path
) -> None:
    bot = seeded_bot(kb_copy, tmp_path / "u.jsonl", admins=ADMINS)
    async with serving(bot, make_settings(fake, tmp_path)):
        listing = await discord_listing(fake)
    (button,) = buttons_of(listing)
    (group,) = bot.unanswered_groups()
    assert bot.add_question(group.intent or "", group.question, group.lang).changed
    async with serving(bot, make_settings(fake, tmp_path)):
        iid, token = await fake.component(button["custom_id"], listing, who=ADMIN_ID)
        gone = await discord_reply(fake, iid, token)
    assert gone["flags"] == 64 and "no longer open" in gone["content"]


async def test_discord_attach_click_while_the_log_cannot_be_read_says_so(
    fake: FakeDiscord, kb_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After a restart the button's group is looked up in the log again; with the log
    # unreadable (the shared state down) the admin was told the group was no longer open.
    bot = seeded_bot(kb_copy, tmp_path / "u.jsonl", admins=ADMINS)
    async with serving(bot, make_settings(fake, tmp_path)):
        listing = await discord_listing(fake)
    (button,) = buttons_of(listing)

    def unreadable(limit: int | None = None) -> list[Group]:
        raise LogUnavailable("the shared state is unavailable")

    monkeypatch.setattr(bot, "triage", unreadable)
    async with serving(bot, make_settings(fake, tmp_path)):  # a new client: nothing remembered
        iid, token = await fake.component(button["custom_id"], listing, who=ADMIN_ID)
        reply = await discord_reply(fake, iid, token)
    assert "cannot be read now" in reply["content"], reply["content"]
    assert "no longer open" not in reply["content"]


async def test_discord_unanswered_buttons_stay_within_the_limits() -> None:
    question = "Who chairs the " + "very " * 60 + "long HKPC?"
    groups = [
        Group(f"{n:010x}", f"{question} {n}", "en", 2, (question,), "hkpc.recruiting", 0.5)
        for n in range(40)
    ]
    *first, last = unanswered_replies(groups, "en")
    assert all(not r.buttons for r in first)
    assert len(last.buttons) == 25
    for button in last.buttons:
        assert len(button.custom_id) <= 100 and len(button.label) <= 80
        assert button.label.endswith("→ hkpc.recruiting")

    async def ignore(interaction: Any, key: str) -> None:
        pass

    view = buttons_view(attach_item_class(ignore), last.buttons)
    assert len(buttons_of({"components": view.to_components()})) == 25


def _many_groups(count: int) -> list[Group]:
    question = "Wie viele Firmen in Bezirk {0} nutzen KI, und warum nicht mehr? " * 5
    return [
        Group(f"{n:010x}", question.format(n), "de", count - n, (), "hkpc.ai_adoption", 0.5)
        for n in range(count)
    ]


def test_discord_unanswered_of_a_thousand_groups_is_one_listing_saying_what_is_left() -> None:
    """`admin.unanswered_groups` goes to 1,000: that was 125 follow-up messages to the admin
    (each waiting out the webhook's rate limit), the groups before the last 25 without a
    button. The groups a listing's buttons can attach, and the number left out."""
    replies = unanswered_replies(_many_groups(1000), "en")
    assert len(replies) <= 5, len(replies)
    fields = [f for r in replies for e in r.embeds for f in e.get("fields", ())]
    assert len(fields) == len(replies[-1].buttons) == 25
    text = json.dumps([r.embeds for r in replies], ensure_ascii=False)
    assert "… and 975 more: `qabot kb unanswered --limit 1000`" in text, text[:400]
    assert "more:" not in json.dumps([r.embeds for r in unanswered_replies(_many_groups(25), "en")])


def test_slack_unanswered_of_a_thousand_groups_says_what_is_left() -> None:
    """Slack showed the first 49 groups of 1,000 and said nothing of the rest."""
    payload = render_unanswered(_many_groups(1000), "de")
    assert len(payload["blocks"]) <= 50
    sections = [b for b in payload["blocks"] if b["type"] == "section"]
    rest = payload["blocks"][-1]
    assert rest["type"] == "context", rest
    more = f"… und {1000 - len(sections)} weitere: `qabot kb unanswered --limit 1000`"
    assert more in rest["elements"][0]["text"]
    assert more in payload["text"] or len(payload["text"]) >= 3000
    few = render_unanswered(_many_groups(10), "de")
    assert [b["type"] for b in few["blocks"]] == ["header"] + ["section"] * 10


def test_slack_unanswered_buttons_stay_within_the_limits() -> None:
    # A logged question of 480 umlauts is 2,880 characters of JSON ("\\u00e4" each), over
    # Block Kit's 2,000 for a button value: Slack would refuse the whole listing. With the
    # cap removed every test passed.
    long = "Wie viele Firmen " + "ä" * 480 + "?"
    groups = [
        Group(key, question, "de", 2, (question,), "hkpc.recruiting", 0.5)
        for key, question in (("a", long), ("b", "Wie viele Firmen?"))
    ]
    too_long, fits = [
        b for b in render_unanswered(groups, "en")["blocks"] if b["type"] == "section"
    ]
    assert "accessory" not in too_long  # no button: `qabot kb unanswered` still attaches it
    assert json.loads(fits["accessory"]["value"])["q"] == "Wie viele Firmen?"


def test_chat_unanswered_listings_mark_down_votes_with_the_answer_given() -> None:
    voted = Group("k", "Who is the CFO?", "en", 2, ("Who is the CFO?",), "x.cfo", 0.5, 0, 2)
    voted = replace(voted, voted_down=("sensetime.wang_zheng",))
    slack_text = render_unanswered([voted], "en")["blocks"][1]["text"]["text"]
    assert "👎 ×2 on the answer `sensetime.wang_zheng`" in slack_text
    (reply,) = unanswered_replies([voted], "de")
    (field,) = reply.embeds[0]["fields"]
    assert "👎 ×2 auf die Antwort `sensetime.wang_zheng`" in field["value"]


def test_discord_attach_reply_says_why_it_was_refused() -> None:
    result = EditResult(False, False, "refused: qa/x.yaml:3: duplicate question")
    (reply,) = attach_replies(result, "hkpc.recruiting", "Who?", "en", "de")
    assert reply.content == "Nicht angehängt: refused: qa/x.yaml:3: duplicate question"
