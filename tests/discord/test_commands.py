"""Slash commands through discord.py: /stat with autocomplete, /ask, /kb for admins only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import discord
import pytest

from bot.adapters.discord_commands import AttachTargets
from bot.answer import Group
from bot.service import QABot
from tests.discord.fake_discord import (
    ADMIN_ID,
    ADMIN_ROLE_ID,
    GUILD_ID,
    USER_ID,
    Call,
    FakeDiscord,
)
from tests.discord.harness import make_settings, serving

Live = tuple[FakeDiscord, discord.Client]
CALLBACK = r"/interactions/{iid}/[^/]+/callback"
FOLLOWUP = r"/webhooks/\d+/{token}"


def option(name: str, value: str, *, focused: bool = False) -> dict[str, Any]:
    opt: dict[str, Any] = {"name": name, "type": 3, "value": value}
    if focused:
        opt["focused"] = True
    return opt


async def callback(fake: FakeDiscord, iid: int) -> dict[str, Any]:
    (call,) = await fake.wait_call("POST", CALLBACK.format(iid=iid))
    return call.json


async def test_stat_without_topic_is_the_table_of_key_statistics(live: Live) -> None:
    fake, _ = live
    iid, _ = await fake.interaction("stat")
    body = await callback(fake, iid)
    assert body["type"] == 4  # CHANNEL_MESSAGE_WITH_SOURCE
    (embed,) = body["data"]["embeds"]
    assert embed["title"] == "Key statistics of the article"
    assert len(embed["fields"]) == 18
    recruiting = next(f for f in embed["fields"] if "recruit" in f["name"])
    assert "**49 %**" in recruiting["value"] and "§9" in recruiting["value"]
    assert body["data"]["allowed_mentions"]["parse"] == []


async def test_stat_without_topic_follows_a_german_locale(live: Live) -> None:
    fake, _ = live
    iid, _ = await fake.interaction("stat", locale="de")
    body = await callback(fake, iid)
    assert body["data"]["embeds"][0]["title"] == "Die wichtigsten Zahlen des Artikels"


@pytest.mark.parametrize(
    ("topic", "figure", "lang_word"),
    [("rekrutierung", "49 %", "Stand"), ("hkpc.recruiting", "49 %", None), ("hpc", "%", None)],
)
async def test_stat_with_topic(live: Live, topic: str, figure: str, lang_word: str | None) -> None:
    fake, _ = live
    iid, _ = await fake.interaction("stat", [option("topic", topic)])
    (embed,) = (await callback(fake, iid))["data"]["embeds"]
    assert 1 <= len(embed["fields"]) <= 3
    assert figure in embed["fields"][0]["value"]
    if lang_word:
        assert lang_word in embed["fields"][0]["value"]


async def test_stat_with_unknown_topic_names_close_topics(live: Live) -> None:
    fake, _ = live
    iid, _ = await fake.interaction("stat", [option("topic", "qqqxxzz")])
    (embed,) = (await callback(fake, iid))["data"]["embeds"]
    assert "qqqxxzz" in embed["description"]


@pytest.mark.parametrize(
    ("partial", "expected"),
    [("rekrut", "hkpc.recruiting"), ("recruit", "hkpc.recruiting"), ("hpc", "hkpc.hpc_support")],
)
async def test_autocomplete_topic(live: Live, partial: str, expected: str) -> None:
    fake, _ = live
    iid, _ = await fake.interaction("stat", [option("topic", partial, focused=True)], kind=4)
    body = await callback(fake, iid)
    # answered at once: autocomplete has no deferred form (a time limit here failed under load)
    assert body["type"] == 8  # APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
    choices = body["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert choices[0]["value"] == expected
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)


async def test_an_autocomplete_that_fails_offers_nothing_in_one_error(
    live: Live, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # qabot answers an autocomplete itself (within the rate-limit cap): a failure of its own
    # is logged once, and Discord gets no choices rather than no answer.
    fake, client = live

    def broken(partial: str, *, limit: int = 25) -> list[tuple[str, str]]:
        raise RuntimeError("core failure")

    monkeypatch.setattr(client.bot, "topic_choices", broken)  # type: ignore[attr-defined]
    iid, _ = await fake.interaction("stat", [option("topic", "hpc", focused=True)], kind=4)
    assert await callback(fake, iid) == {"type": 8, "data": {"choices": []}}
    (failure,) = [r for r in caplog.records if r.exc_info]
    assert "autocomplete" in failure.getMessage()


async def test_a_topic_picked_from_autocomplete_shows_that_statistic_alone(live: Live) -> None:
    # A pick sends the fact's id; a fuzzy lookup of the id showed 1 or 2 other statistics
    # beside it for 12 of the 18 (recruiting came with AI adoption and cloud computing).
    fake, _ = live
    iid, _ = await fake.interaction("stat", [option("topic", "", focused=True)], kind=4)
    choices = (await callback(fake, iid))["data"]["choices"]
    assert len(choices) == 18
    for choice in choices:
        iid, _ = await fake.interaction("stat", [option("topic", choice["value"])])
        (embed,) = (await callback(fake, iid))["data"]["embeds"]
        (field,) = embed["fields"]
        assert field["name"] in choice["name"].split(" / "), (field["name"], choice["name"])


async def test_ask(live: Live) -> None:
    fake, _ = live
    iid, _ = await fake.interaction("ask", [option("question", "Who is the CFO of SenseTime?")])
    body = await callback(fake, iid)
    assert body["type"] == 4
    (embed,) = body["data"]["embeds"]
    assert "Wang Zheng" in embed["description"]
    assert embed["fields"][0]["name"].startswith("[1] Source §")


@pytest.mark.parametrize("blank", ["   ", "\u200b\u200d"], ids=["blanks", "zero-width"])
async def test_ask_without_a_question_gets_the_help_privately(live: Live, blank: str) -> None:
    # As on Slack: the help is for the asker alone. It went to the whole channel.
    fake, _ = live
    iid, _ = await fake.interaction("ask", [option("question", blank)])
    body = await callback(fake, iid)
    assert body["data"]["flags"] == 64  # ephemeral
    assert "/ask" in str(body["data"])
    # a question is still answered for everyone
    iid, _ = await fake.interaction("ask", [option("question", "Who is the CFO of SenseTime?")])
    assert not (await callback(fake, iid))["data"].get("flags")


async def test_kb_is_refused_ephemerally_to_others(live: Live) -> None:
    fake, _ = live
    iid, _ = await fake.interaction("kb", [option("action", "reload")], who=USER_ID)
    body = await callback(fake, iid)
    assert body["type"] == 4
    assert body["data"]["flags"] == 64  # ephemeral
    assert "admin" in body["data"]["content"].lower()
    assert not fake.find("POST", r"/webhooks/.*")


async def test_kb_status_for_a_configured_admin(live: Live) -> None:
    fake, _ = live
    iid, _ = await fake.interaction("kb", [option("action", "status")], who=ADMIN_ID)
    body = await callback(fake, iid)
    assert body["data"]["flags"] == 64
    (embed,) = body["data"]["embeds"]
    assert any(f["name"] == "intents / facts / variants" for f in embed["fields"])


async def follow_up(fake: FakeDiscord, token: str) -> Call:
    (call,) = await fake.wait_call("POST", FOLLOWUP.format(token=token))
    return call


MANAGE_GUILD = 1 << 5


async def test_manage_server_alone_is_no_admin_by_default(live: Live) -> None:
    fake, _ = live
    iid, _ = await fake.interaction("kb", [option("action", "status")], perms=MANAGE_GUILD)
    body = await callback(fake, iid)
    assert body["data"]["flags"] == 64
    assert "admin" in body["data"]["content"].lower()
    assert "embeds" not in body["data"] or not body["data"]["embeds"]


@pytest.mark.parametrize(("servers", "admin"), [([GUILD_ID], True), ([GUILD_ID + 1], False)])
async def test_manage_server_makes_an_admin_only_in_the_servers_the_config_names(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path, servers: list[int], admin: bool
) -> None:
    """The opt-in was one switch for every server the bot is in: whoever managed any of
    them (with a public bot, anyone who invited it to their own) was qabot's admin."""
    settings = make_settings(fake, tmp_path)
    settings.admins.discord_manage_server = servers
    async with serving(QABot(settings, discord_core.store), settings):
        iid, _ = await fake.interaction("kb", [option("action", "status")], perms=MANAGE_GUILD)
        data = (await callback(fake, iid))["data"]
    if admin:
        (embed,) = data["embeds"]
        assert any(f["name"] == "intents / facts / variants" for f in embed["fields"])
    else:
        assert "admin" in data["content"].lower() and not data.get("embeds")


async def test_the_everyone_role_named_as_an_admin_role_makes_nobody_an_admin(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path
) -> None:
    """@everyone's role id is the server's id: a server id put under `discord_role_ids` (the
    key next to `discord_manage_server`, which takes server ids) made every member of that
    server an admin, since discord.py lists @everyone among every member's roles."""
    settings = make_settings(fake, tmp_path)
    settings.admins.discord_role_ids = [GUILD_ID]
    async with serving(QABot(settings, discord_core.store), settings):
        iid, _ = await fake.interaction("kb", [option("action", "status")])
        data = (await callback(fake, iid))["data"]
    assert "admin" in data["content"].lower() and not data.get("embeds")


async def test_kb_reload_defers_then_follows_up(live: Live) -> None:
    fake, _ = live
    iid, token = await fake.interaction("kb", [option("action", "reload")], roles=(ADMIN_ROLE_ID,))
    deferred = await callback(fake, iid)
    assert deferred == {"type": 5, "data": {"flags": 64}}  # thinking, ephemeral
    followup = (await follow_up(fake, token)).json
    assert followup["flags"] & 64
    assert "reloaded" in followup["embeds"][0]["description"]


def test_the_attach_targets_held_are_bounded(discord_core: QABot) -> None:
    # Each /kb unanswered listing adds its groups; the oldest are forgotten past `size`.
    targets = AttachTargets(discord_core, size=2)
    groups = [Group(f"{n:x}", f"q{n}", "en", 1, (f"q{n}",), "hkpc.study", 0.5) for n in range(3)]
    targets.remember(groups)
    assert list(targets._held) == ["1", "2"]
