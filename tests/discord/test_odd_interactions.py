"""Interactions that do not match qabot's commands: what Discord sends for a command left from
another version of qabot on the same application (renamed, removed, its options changed).
Each is refused in one line, the user told the command is out of date, and the bot goes on."""

from __future__ import annotations

import logging
from typing import Any

import discord
import pytest

from tests.discord.fake_discord import ADMIN_ID, USER_ID, FakeDiscord
from tests.discord.payloads import interaction_create, member

COMMAND, AUTOCOMPLETE = 2, 4
CALLBACK = r"/interactions/{iid}/[^/]+/callback"


def text(name: str, value: object, *, focused: bool = False) -> dict[str, Any]:
    """A string option as Discord sends it (its value as given)."""
    option: dict[str, Any] = {"name": name, "type": 3, "value": value}
    return option | {"focused": True} if focused else option


def command(name: str, options: object, **more: object) -> dict[str, Any]:
    """The `data` of an interaction for command `name`: its options as given, and `more`."""
    return {"name": name, "type": 1, "options": options, **more}


NUMBER, USER = 10, 6
# (kind, command data, who)
STALE = {
    "a command qabot does not have": (COMMAND, command("zap", []), USER_ID),
    "a required option missing": (COMMAND, command("ask", []), USER_ID),
    "an option qabot does not have": (COMMAND, command("stat", [text("zzz", "a")]), USER_ID),
    "an action that is not a choice": (
        COMMAND,
        command("kb", [text("action", "delete")]),
        ADMIN_ID,
    ),
    "a number for a text": (
        COMMAND,
        command("stat", [{"name": "topic", "type": 4, "value": 5}]),
        USER_ID,
    ),
    "a list for a text": (COMMAND, command("ask", [text("question", ["a"])]), USER_ID),
    "autocomplete for an option without it": (
        AUTOCOMPLETE,
        command("ask", [text("question", "r", focused=True)]),
        USER_ID,
    ),
    "autocomplete with nothing focused": (
        AUTOCOMPLETE,
        command("stat", [text("topic", "r")]),
        USER_ID,
    ),
    "autocomplete of a number": (
        AUTOCOMPLETE,
        command("stat", [text("topic", 5, focused=True)]),
        USER_ID,
    ),
    # Shapes discord.py cannot read (only a Discord bug sends one): the check itself, or
    # discord.py after it, raised outside the error handler: "Task exception was never
    # retrieved" with a traceback, and no reply at all.
    "options that are no list": (COMMAND, command("stat", {"topic": "a"}), USER_ID),
    "options null": (COMMAND, command("ask", None), USER_ID),
    "an option that is no object": (COMMAND, command("ask", ["question"]), USER_ID),
    "autocomplete of an option that is no object": (
        AUTOCOMPLETE,
        command("stat", [5]),
        USER_ID,
    ),
    "a number option given as text": (
        COMMAND,
        command("stat", [{"name": "topic", "type": NUMBER, "value": "abc"}]),
        USER_ID,
    ),
    "a user option given as text": (
        COMMAND,
        command("stat", [{"name": "topic", "type": USER, "value": "abc"}]),
        USER_ID,
    ),
    "a command name of many lines": (
        COMMAND,
        command("zap\n2026-11-30 06:00:00,000 INFO forged" + "z" * 500, []),
        USER_ID,
    ),
    "an option whose name is no text": (
        COMMAND,
        command("stat", [{"name": ["topic"], "type": 3, "value": "a"}]),
        USER_ID,
    ),
    "autocomplete of an option whose name is no text": (
        AUTOCOMPLETE,
        command("stat", [{"name": {"topic": 1}, "type": 3, "value": "a", "focused": True}]),
        USER_ID,
    ),
    "resolved objects qabot's commands never take": (
        COMMAND,
        command("stat", [], resolved={"users": {"1": "x"}}),
        USER_ID,
    ),
}


@pytest.mark.parametrize("case", STALE.values(), ids=STALE)
async def test_an_interaction_that_does_not_match_the_commands_is_refused_in_one_line(
    live: tuple[FakeDiscord, discord.Client],
    caplog: pytest.LogCaptureFixture,
    case: tuple[int, dict[str, Any], int],
) -> None:
    fake, _ = live
    kind, data_of_command, who = case
    caplog.set_level(logging.INFO)
    iid = fake.next_id()
    data = interaction_create(
        iid,
        f"itoken-{iid}",
        {"id": str(fake.next_id()), **data_of_command},
        kind=kind,
        member_data=member(who, "m"),
        locale="en-US",
    )
    await fake.dispatch("INTERACTION_CREATE", data)
    (call,) = await fake.wait_call("POST", CALLBACK.format(iid=iid))
    if kind == AUTOCOMPLETE:
        assert call.json == {"type": 8, "data": {"choices": []}}  # no options to offer
    else:
        assert "out of date" in call.json["data"]["content"]
        assert call.json["data"]["flags"] & 64  # to the user alone
    good, _ = await fake.interaction("stat")  # the bot goes on
    await fake.wait_call("POST", CALLBACK.format(iid=good))
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    (line,) = [r.getMessage() for r in caplog.records if "match" in r.getMessage()]
    assert str(who) not in line  # no user id (log_user_ids is off)
    assert "\n" not in line and len(line) < 400


async def test_an_out_of_date_notice_discord_refuses_is_one_warning(
    live: tuple[FakeDiscord, discord.Client], caplog: pytest.LogCaptureFixture
) -> None:
    # The notice to the user can fail too (the interaction expired, Discord's 4xx): one
    # warning. Its catch narrowed, every Discord test passed: the failure went on into
    # discord.py's tree, an ERROR with a traceback for a command any member can type.
    fake, _ = live
    caplog.set_level(logging.INFO)
    iid = fake.next_id() + 1  # the id `interaction` gives the next one
    fake.forbidden.add(f"/interactions/{iid}/itoken-{iid}/callback")  # 403
    assert (await fake.interaction("zap"))[0] == iid
    await fake.wait_call("POST", CALLBACK.format(iid=iid))
    good, _ = await fake.interaction("stat")  # the bot goes on
    await fake.wait_call("POST", CALLBACK.format(iid=good))
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert [r for r in caplog.records if "could not tell the user" in r.getMessage()]


# Gateway events discord.py cannot read: a member without its roles, permissions that are no
# number. Discord's payload changes have done this to discord.py bots (Rapptz/discord.py
# #2429 and #4081: a reaction's emoji without "animated").
UNREADABLE_MEMBERS = {
    "no roles": {"roles": None},
    "permissions not a number": {"permissions": "x"},
    "joined_at a long word": {"joined_at": "x" * 5000},  # the date parser repeats it in full
}


@pytest.mark.parametrize("change", UNREADABLE_MEMBERS.values(), ids=UNREADABLE_MEMBERS)
async def test_a_gateway_event_discord_py_cannot_read_is_dropped_in_one_line(
    live: tuple[FakeDiscord, discord.Client],
    caplog: pytest.LogCaptureFixture,
    change: dict[str, Any],
) -> None:
    # Its parser's KeyError or ValueError left discord.py's connection loop: the Discord
    # platform stopped for good (`qabot discord` exited 1), for one event.
    fake, _ = live
    caplog.set_level(logging.INFO)
    who = {k: v for k, v in member(USER_ID, "m").items() if k not in change}
    who.update({k: v for k, v in change.items() if v is not None})
    command = {"id": "1", "name": "stat", "type": 1, "options": []}
    event = interaction_create(1, "itoken-1", command, kind=COMMAND, member_data=who, locale="en")
    await fake.dispatch("INTERACTION_CREATE", event)
    good, _ = await fake.interaction("stat")  # the same connection goes on
    await fake.wait_call("POST", CALLBACK.format(iid=good))
    assert len(fake.ops(2)) == 1  # no new session (Discord allows 1,000 a day)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    (line,) = [r.getMessage() for r in caplog.records if "unreadable" in r.getMessage()]
    assert "INTERACTION_CREATE" in line and len(line) < 400
