"""Connecting, command sync policy, sharding, and surviving a dropped gateway."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import stat
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import discord
import pytest
from discord.gateway import DiscordWebSocket

from bot.adapters.discord import build_client, serve
from bot.service import QABot
from tests.discord.fake_discord import APP_ID, BOT_ID, GUILD_ID, TOKEN, USER_ID, FakeDiscord
from tests.discord.harness import make_settings, serving

Live = tuple[FakeDiscord, discord.Client]
GLOBAL_COMMANDS = rf"/applications/{APP_ID}/commands"
GUILD_COMMANDS = rf"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"


async def test_ready_and_the_command_registration_payload(live: Live) -> None:
    fake, client = live
    assert client.user is not None and client.user.id == BOT_ID
    assert [c.path for c in fake.calls[:2]] == ["/users/@me", "/oauth2/applications/@me"]
    (identify,) = fake.ops(2)
    assert identify["d"]["token"] == TOKEN
    intents = discord.Intents._from_value(identify["d"]["intents"])
    assert intents.guilds and intents.guild_messages and intents.dm_messages
    assert intents.message_content and not intents.members and not intents.presences
    assert intents.guild_reactions and intents.dm_reactions  # 👍/👎 on answers
    assert fake.connections[0]["compress"] == "zlib-stream"  # the fake speaks zlib-stream

    (sync,) = fake.find("PUT", GLOBAL_COMMANDS)
    commands = {c["name"]: c for c in sync.json}
    assert set(commands) == {"stat", "ask", "kb"}
    (topic,) = commands["stat"]["options"]
    assert topic == {**topic, "name": "topic", "type": 3, "required": False, "autocomplete": True}
    (question,) = commands["ask"]["options"]
    assert question["name"] == "question" and question["required"] is True
    (action,) = commands["kb"]["options"]
    assert [c["value"] for c in action["choices"]] == ["reload", "status", "unanswered"]
    assert commands["kb"]["default_member_permissions"] == 1 << 5  # Manage Server
    assert not fake.find("PUT", GUILD_COMMANDS)


async def test_sync_only_when_the_commands_change(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path
) -> None:
    settings = make_settings(fake, tmp_path, guild_ids=[GUILD_ID])
    async with serving(discord_core, settings):
        (sync,) = await fake.wait_call("PUT", GUILD_COMMANDS)  # guild: instant
        assert {c["name"] for c in sync.json} == {"stat", "ask", "kb"}
        assert not fake.find("PUT", GLOBAL_COMMANDS)
        await fake.drop()  # a reconnect must not sync again
        await fake.wait_until(lambda: fake.ops(6))
    async with serving(discord_core, settings):  # a restart with the same commands: no sync
        pass
    assert len(fake.find("PUT", GUILD_COMMANDS)) == 1
    settings.discord.command_hash_file.write_text("stale\n")  # as if the commands had changed
    async with serving(discord_core, settings):
        pass
    assert len(fake.find("PUT", GUILD_COMMANDS)) == 2


def _not_utf8(path: Path) -> None:
    path.write_bytes(b"\xff\xfe\x00\x9c garbage \xe9t\xe9\n")


def _a_fifo(path: Path) -> None:
    os.mkfifo(path)  # opened for reading or writing, it would block the start for ever


@pytest.mark.parametrize("hostile", [_not_utf8, _a_fifo], ids=["not utf-8", "fifo"])
async def test_a_hash_file_that_does_not_read_is_no_hash(
    fake: FakeDiscord,
    discord_core: QABot,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    hostile: Callable[[Path], None],
) -> None:
    # The hash file was read with read_text() catching only OSError: bytes that are not
    # UTF-8 raised UnicodeDecodeError and stopped the Discord start. No hash: sync again.
    settings = make_settings(fake, tmp_path, guild_ids=[GUILD_ID])
    hash_file = settings.discord.command_hash_file
    hostile(hash_file)
    async with serving(discord_core, settings):
        await fake.wait_call("PUT", GUILD_COMMANDS)
    (line,) = [r for r in caplog.records if str(hash_file) in r.getMessage()]
    assert "synced again" in line.getMessage()
    assert len(hash_file.read_text().strip()) == 64  # the hash of this sync, in its place
    async with serving(discord_core, settings):  # and the next start trusts it
        pass
    assert len(fake.find("PUT", GUILD_COMMANDS)) == 1


async def test_the_hash_is_written_past_a_fifo_at_its_old_temporary_name(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The hash was written through a fixed sibling `….new` with a plain open: a FIFO there
    blocked the start for ever (here a reader holds it open, so the old code wrote the hash
    into the pipe and renamed the FIFO into the hash file's place). Now it is written to a
    regular file made afresh: the FIFO is left alone, the hash file is a regular file."""
    settings = make_settings(fake, tmp_path, guild_ids=[GUILD_ID])
    hash_file = settings.discord.command_hash_file
    fifo = hash_file.with_name(hash_file.name + ".new")
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        async with serving(discord_core, settings):
            await fake.wait_call("PUT", GUILD_COMMANDS)
        assert os.read(reader, 100) == b""  # nothing was written into the pipe
    finally:
        os.close(reader)
    assert stat.S_ISREG(hash_file.lstat().st_mode) and stat.S_ISFIFO(fifo.lstat().st_mode)
    assert len(hash_file.read_text().strip()) == 64
    assert sorted(p.name for p in hash_file.parent.glob(hash_file.name + "*")) == [
        hash_file.name,
        fifo.name,
    ]  # no temporary file left behind
    assert not [r for r in caplog.records if hash_file.name in r.getMessage()]


async def test_guild_synced_commands_are_answered(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path
) -> None:
    settings = make_settings(fake, tmp_path, guild_ids=[GUILD_ID])
    async with serving(discord_core, settings):
        iid, _ = await fake.interaction("stat", guild_command=True)
        (call,) = await fake.wait_call("POST", rf"/interactions/{iid}/[^/]+/callback")
        assert call.json["data"]["embeds"][0]["fields"]


async def test_dropped_gateway_resumes_and_replays_the_missed_question(live: Live) -> None:
    fake, _ = live
    await fake.drop(4000, hold=True)  # resumable close; hold the reconnect
    mid = await fake.message("Wann wurde SenseTime gegründet?", dm=True)  # sent while away
    fake.release()
    call = await fake.wait_reply(mid)
    assert "2014" in call.json["embeds"][0]["description"]
    (resume,) = fake.ops(6)
    assert resume["d"]["session_id"] == fake.session_id and resume["d"]["seq"] >= 2
    assert len(fake.ops(2)) == 1  # resumed, not identified again
    assert len(fake.connections) == 2
    await fake.barrier()
    assert len(fake.replies_to(mid)) == 1  # answered exactly once


async def test_sharded_client(fake: FakeDiscord, discord_core: QABot, tmp_path: Path) -> None:
    settings = make_settings(fake, tmp_path, sharded=True)
    async with serving(discord_core, settings) as client:
        assert isinstance(client, discord.AutoShardedClient)
        assert fake.find("GET", "/gateway/bot")
        assert fake.ops(2)[0]["d"]["shard"] == [0, 1]
        mid = await fake.message(f"<@{BOT_ID}> hpc", mentions=(BOT_ID,))
        assert (await fake.wait_reply(mid)).json["embeds"]


async def test_the_configured_shards_are_the_ones_identified(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path
) -> None:
    # README (Scaling out): to spread shards over processes give each one `shard_count` and
    # its own `shard_ids`. Ignored, every process ran the shards Discord recommends.
    settings = make_settings(fake, tmp_path, sharded=True, shard_count=3, shard_ids=[2])
    async with serving(discord_core, settings) as client:
        assert isinstance(client, discord.AutoShardedClient)
        assert [identify["d"]["shard"] for identify in fake.ops(2)] == [[2, 3]]
        assert not fake.find("GET", "/gateway/bot")  # the count configured, not asked for


# Frames discord.py's gateway cannot read, before any event parser: its RecursionError,
# JSONDecodeError, or the AttributeError/TypeError of a frame of another shape left its
# connection loop and the Discord platform stopped for good.
UNREADABLE_FRAMES = {
    "nested past the parser": '{"op": 0, "t": "MESSAGE_CREATE", "s": 99, "d": {"x": '
    + "[" * 100_000,
    "not json": '{"op": 0, "t": "MESSAGE_CREATE", "s": 99, "d": ',
    "not an object": "[1]",
    "null": "null",
    "an event name of another type": '{"op": 0, "t": ["MESSAGE_CREATE"], "s": 99, "d": {}}',
    "a hello without data": '{"op": 10, "d": null}',
    "a resumed without data": '{"op": 0, "t": "RESUMED", "s": 99, "d": null}',
}


def assert_dropped_in_one_line(fake: FakeDiscord, caplog: pytest.LogCaptureFixture) -> None:
    """One bounded warning, no error, and no new session (Discord allows 1,000 a day)."""
    assert len(fake.ops(2)) == 1
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    (line,) = [r.getMessage() for r in caplog.records if "gateway frame" in r.getMessage()]
    assert len(line) < 200


@pytest.mark.parametrize("frame", UNREADABLE_FRAMES.values(), ids=UNREADABLE_FRAMES)
@pytest.mark.parametrize("sharded", [False, True], ids=["plain", "sharded"])
async def test_a_gateway_frame_discord_py_cannot_read_is_dropped_in_one_line(
    fake: FakeDiscord,
    discord_core: QABot,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    frame: str,
    sharded: bool,
) -> None:
    caplog.set_level(logging.INFO)
    async with serving(discord_core, make_settings(fake, tmp_path, sharded=sharded)):
        await fake.send_frame(frame)
        mid = await fake.message(f"<@{BOT_ID}> hpc", mentions=(BOT_ID,), author=USER_ID)
        assert (await fake.wait_reply(mid)).json["embeds"]  # the same connection goes on
    assert_dropped_in_one_line(fake, caplog)


# Binary frames that are no part of the connection's zlib stream: zlib.error left discord.py's
# connection loop, and the Discord platform stopped for good. The stream cannot be read past
# such a frame (each frame goes on from the one before), so the connection is resumed.
SYNC_FLUSH = b"\x00\x00\xff\xff"  # how every frame of a zlib stream ends
UNREADABLE_BINARY_FRAMES = {
    "no zlib stream": b"not zlib at all" + SYNC_FLUSH,
    "a stream of its own": zlib.compress(b'{"op": 11}') + SYNC_FLUSH,
    "cut short, then the next frame": b"\x78",
}


@pytest.mark.parametrize("frame", UNREADABLE_BINARY_FRAMES.values(), ids=UNREADABLE_BINARY_FRAMES)
@pytest.mark.parametrize("sharded", [False, True], ids=["plain", "sharded"])
async def test_a_binary_frame_that_is_no_zlib_stream_is_dropped_and_the_session_resumed(
    fake: FakeDiscord,
    discord_core: QABot,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    frame: bytes,
    sharded: bool,
) -> None:
    caplog.set_level(logging.INFO)
    async with serving(discord_core, make_settings(fake, tmp_path, sharded=sharded)):
        await fake.send_binary(frame)
        await fake.send_frame(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
        await fake.wait_until(lambda: fake.ops(6))  # resumed
        mid = await fake.message(f"<@{BOT_ID}> hpc", mentions=(BOT_ID,), author=USER_ID)
        assert (await fake.wait_reply(mid)).json["embeds"]
    assert_dropped_in_one_line(fake, caplog)


async def test_a_first_frame_of_no_zlib_stream_starts_the_first_session_afresh(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The very first frame of the plain client's very first connection broken: with no
    connection before it, discord.py's connection loop failed (AttributeError on its
    websocket's `sequence`) and the Discord platform stopped. A new connection identifies."""
    caplog.set_level(logging.INFO)
    fake.before_hello = [UNREADABLE_BINARY_FRAMES["no zlib stream"]]
    async with serving(discord_core, make_settings(fake, tmp_path)):
        mid = await fake.message(f"<@{BOT_ID}> hpc", mentions=(BOT_ID,), author=USER_ID)
        assert (await fake.wait_reply(mid)).json["embeds"]
    assert len(fake.connections) == 2 and not fake.ops(6)  # no resume: there was no session
    assert_dropped_in_one_line(fake, caplog)


async def test_a_first_frame_of_no_zlib_stream_is_a_shard_connected_again(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The sharded client's first connection of a shard broken at its first frame: discord.py
    itself connects the shard again (its `launch_shard`: an ERROR line, 5 s, then its 5 s
    between IDENTIFYs), and the bot serves."""
    fake.before_hello = [UNREADABLE_BINARY_FRAMES["no zlib stream"]]
    settings = make_settings(fake, tmp_path, sharded=True)
    async with serving(discord_core, settings, ready_timeout=30):
        mid = await fake.message(f"<@{BOT_ID}> hpc", mentions=(BOT_ID,), author=USER_ID)
        assert (await fake.wait_reply(mid)).json["embeds"]
    assert len(fake.connections) == 2 and len(fake.ops(2)) == 1
    assert caplog.text.count("a gateway frame of no zlib stream was dropped") == 1


async def test_a_stop_as_the_gateway_connects_ends_discord(
    fake: FakeDiscord, discord_core: QABot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # discord.py opens the gateway (at start and at every reconnect) under asyncio.wait_for,
    # which on Python 3.11 drops a cancel that lands as the connection completes (CPython
    # gh-86296): the client went on polling the gateway and `qabot run` never ended.
    settings = make_settings(fake, tmp_path)
    client = build_client(discord_core, settings, guild_ready_timeout=0.01)
    serving_task = asyncio.create_task(serve(discord_core, settings, client=client))
    open_gateway = DiscordWebSocket.from_client

    async def opened_as_stopped(*args: Any, **kwargs: Any) -> DiscordWebSocket:
        socket = await open_gateway(*args, **kwargs)
        serving_task.cancel()  # the stop lands in the very step the connection completes
        return socket

    monkeypatch.setattr(DiscordWebSocket, "from_client", opened_as_stopped)
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(serving_task, 10)
    assert client.is_closed()
    await fake.wait_until(lambda: fake.closes)  # and its gateway connection is closed
    assert len(fake.connections) == 1


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("sharded", [False, True], ids=["plain", "sharded"])
async def test_a_stop_while_ready_waits_for_the_guilds_leaves_nothing_behind(
    fake: FakeDiscord,
    discord_core: QABot,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    sharded: bool,
) -> None:
    # After READY discord.py waits `guild_ready_timeout` for the guilds in a task of its
    # own that close() left running: it then dispatched into the closed client (its loop
    # gone), so a platform restarted or stopped in that window left "coroutine
    # 'Client._run_event' was never awaited" and "Task exception was never retrieved".
    settings = make_settings(fake, tmp_path, sharded=sharded)
    client = build_client(discord_core, settings, guild_ready_timeout=0.5)
    serving_task = asyncio.create_task(serve(discord_core, settings, client=client))
    await fake.wait_until(lambda: fake.ops(2))  # identified: READY and the guild follow
    await fake.wait_until(lambda: getattr(client._connection, "_ready_task", None) is not None)
    waiting = client._connection._ready_task  # discord.py's wait for the guilds
    serving_task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(serving_task, 10)
    await fake.wait_until(waiting.done)
    await asyncio.sleep(0)  # and whatever it dispatched has run
    gc.collect()
    assert not [r for r in caplog.records if r.name == "asyncio"], caplog.text
