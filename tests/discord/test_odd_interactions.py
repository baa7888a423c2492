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


# (kind, command, options, who)
STALE = {
    "a command qabot does not have": (COMMAND, "zap", [], USER_ID),
    "a required option missing": (COMMAND, "ask", [], USER_ID),
    "an option qabot does not have": (COMMAND, "stat", [text("zzz", "a")], USER_ID),
    "an action that is not a choice": (COMMAND, "kb", [text("action", "delete")], ADMIN_ID),
    "a number for a text": (COMMAND, "stat", [{"name": "topic", "type": 4, "value": 5}], USER_ID),
    "a list for a text": (COMMAND, "ask", [text("question", ["a"])], USER_ID),
    "autocomplete for an option without it": (
        AUTOCOMPLETE,
        "ask",
        [text("question", "r", focused=True)],
        USER_ID,
    ),
    "autocomplete with nothing focused": (AUTOCOMPLETE, "stat", [text("topic", "r")], USER_ID),
    "autocomplete of a number": (AUTOCOMPLETE, "stat", [text("topic", 5, focused=True)], USER_ID),
}


@pytest.mark.parametrize("case", STALE.values(), ids=STALE)
async def test_an_interaction_that_does_not_match_the_commands_is_refused_in_one_line(
    live: tuple[FakeDiscord, discord.Client],
    caplog: pytest.LogCaptureFixture,
    case: tuple[int, str, list[dict[str, Any]], int],
) -> None:
    fake, _ = live
    kind, name, options, who = case
    caplog.set_level(logging.INFO)
    iid = fake.next_id()
    command = {"id": str(fake.next_id()), "name": name, "type": 1, "options": options}
    data = interaction_create(
        iid, f"itoken-{iid}", command, kind=kind, member_data=member(who, "m"), locale="en-US"
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


# Gateway events discord.py cannot read: a member without its roles, permissions that are no
# number. Discord's payload changes have done this to discord.py bots (Rapptz/discord.py
# #2429 and #4081: a reaction's emoji without "animated").
UNREADABLE_MEMBERS = {"no roles": {"roles": None}, "permissions not a number": {"permissions": "x"}}


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
    assert "INTERACTION_CREATE" in line
