"""The shared-state contract, in process and on a real Redis."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import select
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator

import pytest
import redis

from bot.asker import Asker
from bot.chat import ChatService, Incoming
from bot.ratelimit import RateLimiter, RateLimitSettings
from bot.service import QABot
from bot.state import (
    SWEEP_EVERY,
    FailOpenState,
    MemoryState,
    RedisState,
    SharedState,
    open_state,
)
from tests.ops.hung_server import hung_server
from tests.ops.redis_server import redis_server


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture(params=["memory", "redis"])
def state(request: pytest.FixtureRequest) -> SharedState:
    if request.param == "memory":
        return MemoryState()
    url = request.getfixturevalue("redis_url")
    return RedisState(url, prefix=f"test-{request.node.name}:")


def test_claim_is_true_once(state: SharedState) -> None:
    assert state.claim("event:Ev1", 60) is True
    assert state.claim("event:Ev1", 60) is False
    assert state.claim("event:Ev2", 60) is True


def test_bucket_allows_a_burst_then_refuses(state: SharedState) -> None:
    results = [state.take_token("user:slack:U1", 3, 0.001) for _ in range(5)]
    assert results == [True, True, True, False, False]


def test_a_bucket_without_refill_allows_its_burst_only(state: SharedState) -> None:
    # `[rate_limit] user_per_s = 0`: a burst and no more. Redis refused the script's
    # EXPIRE of capacity / 0 (inf), so every question took the whole store "down".
    results = [state.take_token("user:slack:U1", 2, 0.0) for _ in range(4)]
    assert results == [True, True, False, False]


def test_replicas_whose_clocks_differ_share_one_bucket(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each replica timed the bucket by its own wall clock: a bucket last counted by the
    # replica 10 s ahead was refilled by those 10 s whenever the other one took a question,
    # so a user whose questions a load balancer sent to both in turn was never limited
    # (100 answered of 100, burst 10). A clock set back did the same. Redis's clock is one.
    real, skew = time.time, 0.0
    monkeypatch.setattr(time, "time", lambda: real() + skew)
    replicas = [RedisState(redis_url, prefix="test-skew:") for _ in range(2)]
    answered = 0
    for n in range(40):
        skew = 10.0 * (n % 2)  # the second replica's clock is 10 s ahead
        answered += replicas[n % 2].take_token("user:slack:U1", 10, 0.5)
    assert answered <= 11  # the burst, and what 0.5 a second brings back meanwhile


@pytest.mark.parametrize("key", ["user_burst", "user_per_s", "channel_burst", "channel_per_s"])
def test_a_negative_rate_or_burst_is_refused(key: str) -> None:
    # A negative refill drained the in-process buckets and expired Redis's at once (no limit).
    with pytest.raises(ValueError, match=key):
        RateLimitSettings(**{key: -1})


def test_streams_keep_the_newest_lines(state: SharedState) -> None:
    for n in range(5):
        state.append("unanswered", f"line {n}", max_lines=3)
    assert state.lines("unanswered") == ["line 2", "line 3", "line 4"]


def test_two_processes_share_claims_through_redis(redis_url: str) -> None:
    first, second = RedisState(redis_url, prefix="shared:"), RedisState(redis_url, prefix="shared:")
    assert first.claim("event:Ev9", 60) is True
    assert second.claim("event:Ev9", 60) is False


def test_a_value_of_another_shape_is_no_outage(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A value qabot cannot read (bytes that are no UTF-8, a key of another type: a corrupted
    value, another version's) reads as what it is, not as the store down: that took dedupe,
    the shared rate limits and every conversation away for everyone for 5 s at each read."""
    prefix = "odd-shapes:"
    raw = redis.Redis.from_url(redis_url)
    raw.set(prefix + "value:conversation:slack:bytes", b"\xff\xfe{")
    raw.rpush(prefix + "value:conversation:slack:list", "x")
    raw.rpush(prefix + "stream:unanswered", b"\xff{")
    state = FailOpenState(RedisState(redis_url, prefix=prefix))
    assert state.get("conversation:slack:bytes") == "\ufffd\ufffd{"  # no context (from_json)
    assert state.get("conversation:slack:list") is None
    assert state.lines("unanswered") == ["\ufffd{"]  # a line skipped by the reader
    raw.set(prefix + "bucket:slack:user:U1", "x")  # a bucket of another type: a full one
    assert state.take_token("slack:user:U1", 1, 0) is True
    assert state.take_token("slack:user:U1", 1, 0) is False
    assert state.claim("event:Ev1", 60) is True and state.claim("event:Ev1", 60) is False
    assert not [r for r in caplog.records if "unavailable" in r.getMessage()]


@pytest.mark.parametrize("tokens", ["-inf", "-1e308", "-5", "nan", "abc"])
def test_a_bucket_holding_a_count_qabot_never_writes_is_a_full_one(
    redis_url: str, tokens: str
) -> None:
    """A bucket hash whose count no qabot writes (below 0, not a number: another writer's, a
    corrupted value) is a full bucket, as a key of another type is: `-inf` refused its user
    every question, for as long as they kept asking within the bucket's expiry."""
    prefix = f"odd-count-{tokens}:"
    raw = redis.Redis.from_url(redis_url)
    raw.hset(prefix + "bucket:slack:user:U1", mapping={"tokens": tokens, "at": time.time()})
    state = RedisState(redis_url, prefix=prefix)
    assert [state.take_token("slack:user:U1", 2, 0) for _ in range(3)] == [True, True, False]


def test_a_stream_key_of_another_type_is_no_stream_and_no_outage(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A key of another type where the unanswered stream goes (corrupted, another version's,
    a hand-made one) is an empty stream, replaced at the next append, in one line: RPUSH and
    LRANGE raised WRONGTYPE, and the store went "down" for 5 s for every caller at each
    unanswered question (a Slack retry answered twice) and triage could not be read."""
    prefix = "odd-stream:"
    raw = redis.Redis.from_url(redis_url)
    raw.set(prefix + "stream:unanswered", "x")
    state = FailOpenState(RedisState(redis_url, prefix=prefix))
    assert state.lines("unanswered") == []
    state.append("unanswered", "line 1", max_lines=3)
    assert state.claim("event:Ev1", 60) is True and state.claim("event:Ev1", 60) is False
    assert state.lines("unanswered") == ["line 1"]
    state.append("unanswered", "line 2", max_lines=3)
    assert state.lines("unanswered") == ["line 1", "line 2"]
    assert not [r for r in caplog.records if "unavailable" in r.getMessage()]
    (line,) = [r for r in caplog.records if r.name == "bot.state"]
    assert "unanswered" in line.getMessage() and not line.exc_info


def test_half_an_emoji_in_a_key_or_value_is_no_outage(
    redis_url: str, qabot: QABot, caplog: pytest.LogCaptureFixture
) -> None:
    """An answer-memory entry another writer left with half an emoji (a lone surrogate, as
    JSON's escape of one reads) in its conversation made keys redis-py could not encode: at
    each reply to that answer the store went "down" for 5 s for everyone (no dedupe, no
    shared limits). Any key or value qabot passes is stored, none is an outage."""
    prefix = "half-emoji:"
    raw = redis.Redis.from_url(redis_url)
    entry = '{"conversation": "c\\ud83d", "intent": null, "question": "q", "lang": "en"}'
    raw.set(prefix + "value:answer:discord:42", entry)
    state = FailOpenState(RedisState(redis_url, prefix=prefix))
    chat = ChatService(QABot(qabot.settings, qabot.store, state=state), qabot.settings)
    posted = chat.posted("discord", "42")
    assert posted is not None
    reply = Incoming(Asker("discord", "U1"), posted.conversation, "hpc", addressed=True)
    assert chat.wants(reply)
    answer = chat.answer(reply)
    chat.sent("discord", posted.conversation, "43", answer)
    assert chat.posted("discord", "43") is not None
    assert chat.wants(Incoming(Asker("discord", "U1"), posted.conversation, "Quelle?"))
    assert chat.vote("up", Asker("discord", "U\udcff"), "43") is True
    assert chat.vote("up", Asker("discord", "U\udcff"), "\udcff") is False  # no answer there
    assert state.claim("event:Ev1", 60) is True and state.claim("event:Ev1", 60) is False
    assert not [r for r in caplog.records if "unavailable" in r.getMessage()]


def test_connecting_to_redis_is_bounded_by_the_store_timeout_too() -> None:
    # A host that drops the connection attempt (a firewall, a host gone) hangs the connect,
    # not a command; redis-py's own connect timeout is 5 s (twice, with the one retry), and
    # every message in flight would wait that out before the store is left out.
    state = RedisState("redis://127.0.0.1:6399/0", timeout_s=0.25)
    kwargs = state._redis.connection_pool.connection_kwargs
    assert kwargs.get("socket_connect_timeout") == kwargs.get("socket_timeout") == 0.25


async def test_a_call_to_a_hung_redis_waits_one_timeout() -> None:
    # README: each Redis call is bounded by redis_timeout_s. The one retry (for a pooled
    # connection gone stale) was taken after a timeout too: a second connection and a
    # second wait, each call to a hung Redis held twice as long as configured.
    async with hung_server() as hung:
        state = RedisState(hung.url, timeout_s=0.2)
        with pytest.raises(redis.exceptions.TimeoutError):
            await asyncio.to_thread(state.claim, "k", 60)
        assert hung.connections == 1


async def test_a_hung_redis_is_left_out_for_five_seconds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # README: a Redis that hangs is left out for 5 s at a time. The store qabot opens
    # (open_state) had that from a default no test used (the retry tests give their own):
    # with it at 0, every call in the window waited out a timeout on the hung server.
    caplog.set_level(logging.WARNING, logger="bot.state")
    async with hung_server() as hung:
        state = open_state(hung.url, timeout_s=0.2)
        found = [await asyncio.to_thread(state.claim, f"k{n}", 60) for n in range(4)]
        assert found == [True] * 4  # "not seen": answering goes on without it
        assert hung.connections == 1  # asked once, then left out
    (line,) = [r.getMessage() for r in caplog.records if r.name == "bot.state"]
    assert line.endswith("trying again every 5s")


def test_a_pooled_connection_the_server_closed_is_replaced_at_once(redis_url: str) -> None:
    # A restarted Redis (or its idle timeout) closes the connections qabot keeps pooled:
    # the next call gets a new connection, and succeeds. (redis-py's pool finds a closed
    # idle connection as it hands it out; the retry is the next test's.)
    state = RedisState(redis_url, prefix="stale:")
    assert state.claim("first", 60) is True
    admin = redis.Redis.from_url(redis_url)
    admin.client_kill_filter(_type="normal", skipme=True)
    assert state.claim("second", 60) is True


@contextlib.contextmanager
def closing_proxy(redis_url: str, marker: bytes) -> Iterator[str]:
    """A TCP proxy to `redis_url` whose first connection is closed, unanswered, by the first
    command holding `marker`: a Redis restarting between a connection's check-out and its
    reply. Later connections are passed through."""
    parts = urllib.parse.urlsplit(redis_url)
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def pipe(client: socket.socket, first: bool) -> None:
        upstream = socket.create_connection((parts.hostname, parts.port))
        with client, upstream:
            while True:
                ready, _, _ = select.select([client, upstream], [], [], 10)
                if not ready:
                    return
                for sock in ready:
                    data = sock.recv(65536)
                    if not data or (first and sock is client and marker in data):
                        return
                    (upstream if sock is client else client).sendall(data)

    def serve() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            accepted.append(client)
            threading.Thread(target=pipe, args=(client, len(accepted) == 1), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        listener.close()


def test_a_connection_closed_as_it_is_used_is_tried_again_once(redis_url: str) -> None:
    # Closed after the pool handed it out, before the reply (the check at check-out saw an
    # open connection): the call is tried again, once, on a new connection. With no retry
    # the call failed and took the shared state "down" for everyone for 5 s.
    with closing_proxy(redis_url, b"second") as url:
        state = RedisState(url, prefix="closed-in-use:")
        assert state.claim("first", 60) is True
        assert state.claim("second", 60) is True


def test_memory_claims_expire_and_buckets_refill() -> None:
    clock = FakeClock()
    state = MemoryState(clock=clock)
    assert state.claim("k", 10)
    clock.now += 11
    assert state.claim("k", 10)
    assert [state.take_token("b", 1, 1.0) for _ in range(2)] == [True, False]
    clock.now += 1.0
    assert state.take_token("b", 1, 1.0)


def test_memory_state_is_bounded() -> None:
    state = MemoryState(max_keys=10)
    for n in range(100):
        state.claim(f"k{n}", 60)
        state.put(f"v{n}", "x", 60)
        # A bucket goes once it has refilled; a flood of new askers within that time
        # (the user bucket's 20 s) is held to the cap all the same.
        state.take_token(f"user:U{n}", capacity=10, refill_per_s=0.5)
    assert state.usage()["claims"] == 10
    assert state.usage()["values"] == 10
    assert state.usage()["buckets"] == 10


def test_memory_values_never_take_more_than_their_byte_cap() -> None:
    """Conversations and answers kept for hours: the bytes they hold are capped, the
    oldest written give way."""
    state = MemoryState(max_value_bytes=100_000)
    for n in range(2_000):
        state.put(f"conversation:slack:C{n}", "ä" * 300, 3600)
        assert state.usage()["value_bytes"] <= 100_000
    assert state.get("conversation:slack:C1999") == "ä" * 300
    assert state.get("conversation:slack:C0") is None
    assert 50 < state.usage()["values"] < 2_000


def test_expired_claims_leave_the_memory_unasked() -> None:
    """Seen-event keys are claimed once each: they must go when they expire, not only
    when the same key comes again."""
    clock = FakeClock()
    state = MemoryState(clock=clock)
    for n in range(500):
        state.claim(f"slack:event:Ev{n}", 600)
    clock.now += 601
    state.claim("slack:event:Ev-new", 600)
    assert state.usage()["claims"] == 1


def test_expired_claims_leave_the_memory_behind_a_longer_one_too() -> None:
    """Claims of several TTLs (a vote is remembered for a day, a seen event for ten
    minutes): one long claim ahead of them must not keep the expired ones in memory."""
    clock = FakeClock()
    state = MemoryState(clock=clock)
    state.claim("vote:slack:U1:C1:1.0:up", 86_400)
    for n in range(3 * SWEEP_EVERY):
        state.claim(f"slack:event:Ev{n}", 600)
        clock.now += 1
    assert state.usage()["claims"] <= SWEEP_EVERY + 600


def test_rate_limiter_per_user_and_per_channel() -> None:
    limiter = RateLimiter(
        MemoryState(),
        RateLimitSettings(user_burst=2, user_per_s=0.0001, channel_burst=3, channel_per_s=0.0001),
    )
    assert [limiter.allow("slack", "U1", "C1") for _ in range(3)] == [True, True, False]
    # another user in the same channel: the channel has one token left
    assert [limiter.allow("slack", "U2", "C1") for _ in range(2)] == [True, False]
    # a user on another platform has a bucket of its own
    assert limiter.allow("discord", "U1", "C9")


def test_a_question_one_bucket_refuses_spends_neither(state: SharedState) -> None:
    # The user's token was taken before the channel's bucket was asked: in a busy channel
    # every refused question still spent its asker's bucket, so a quiet user refused there
    # was refused in their DM too.
    limiter = RateLimiter(
        state, RateLimitSettings(user_burst=3, user_per_s=0, channel_burst=3, channel_per_s=0)
    )
    assert [limiter.allow("slack", "U1", "C1") for _ in range(3)] == [True] * 3  # C1 empty
    assert [limiter.allow("slack", "U2", "C1") for _ in range(5)] == [False] * 5
    assert [limiter.allow("slack", "U2", "D2") for _ in range(2)] == [True, True]
    assert not limiter.allow("slack", "U1", "D2")  # U1's own bucket is empty ...
    assert limiter.allow("slack", "U3", "D2")  # ... and that cost D2's last token nothing


def test_the_unanswered_log_goes_to_redis_when_shared(redis_url: str, tmp_path) -> None:
    from bot.settings import UnansweredSettings
    from bot.unanswered import UnansweredLog

    cfg = UnansweredSettings(path=tmp_path / "local.jsonl")
    replica_a = UnansweredLog(cfg, RedisState(redis_url, prefix="unanswered-test:"))
    replica_b = UnansweredLog(cfg, RedisState(redis_url, prefix="unanswered-test:"))
    assert replica_a.write({"kind": "abstain", "platform": "slack", "question": "Wetter?"})
    assert replica_b.write({"kind": "abstain", "platform": "discord", "question": "Regen?"})
    questions = [r["question"] for r in replica_a.records()]
    assert questions == ["Wetter?", "Regen?"]
    assert not (tmp_path / "local.jsonl").exists()  # nothing written to a local file


class FlakyStore(MemoryState):
    """An in-process store that can be switched off; counts the calls that reach it."""

    remote = True

    def __init__(self) -> None:
        super().__init__()
        self.up = True
        self.calls = 0

    def claim(self, key: str, ttl_s: float) -> bool:
        self.calls += 1
        if not self.up:
            raise ConnectionError("store down")
        return super().claim(key, ttl_s)


def test_a_failing_store_fails_open_and_is_left_alone_for_a_while(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.state")
    clock, inner = FakeClock(), FlakyStore()
    state = FailOpenState(inner, retry_s=5.0, clock=clock)
    assert state.claim("k", 60) is True and state.claim("k", 60) is False
    inner.up = False
    assert [state.claim("k", 60) for _ in range(3)] == [True, True, True]  # "not seen"
    assert inner.calls == 3  # two while up, one that failed; then not asked again
    clock.now += 5.0
    assert state.claim("k", 60) is True and inner.calls == 4  # tried again: still down
    inner.up = True
    clock.now += 5.0
    assert state.claim("k", 60) is False  # back, and it remembers
    messages = [r.getMessage() for r in caplog.records if r.name == "bot.state"]
    assert len(messages) == 2
    assert "unavailable (ConnectionError: store down)" in messages[0]
    assert messages[1] == "shared state is back"


class HangingStore(FlakyStore):
    """A store that hangs while down (accepts, never answers): each call waits, then fails."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def claim(self, key: str, ttl_s: float) -> bool:
        self.calls += 1
        if self.up:
            return super(FlakyStore, self).claim(key, ttl_s)
        self.entered.set()
        self.release.wait(10)  # a hung server: the call ends with its timeout
        raise TimeoutError("store hangs")


def test_only_one_caller_tries_a_store_that_is_down_again() -> None:
    # README: a Redis that hangs is left out for 5 s at a time. When the 5 s are up, one
    # call tries it; the others go on without it meanwhile. Every message in flight then
    # waited out a timeout of its own, and no test looked.
    clock, inner = FakeClock(), HangingStore()
    state = FailOpenState(inner, retry_s=5.0, clock=clock)
    inner.up = False
    inner.release.set()
    assert state.claim("k", 60) is True  # fails: down, left out for 5 s
    inner.release.clear()
    clock.now += 5.0
    trying = threading.Thread(target=state.claim, args=("k", 60))
    trying.start()
    assert inner.entered.wait(10)  # that caller hangs in the store …
    assert state.claim("other", 60) is True and inner.calls == 2  # … the next does not wait
    inner.release.set()
    trying.join(10)


def test_expired_values_leave_memory_though_nobody_reads_them() -> None:
    """Conversations nobody continues must not sit in memory until the key cap."""
    clock = FakeClock()
    state = MemoryState(clock=clock)
    for n in range(5000):
        state.put(f"conversation:{n}", "x" * 100, 60)
    state.put("answer:kept", "y", 3600)
    clock.now += 61
    for n in range(SWEEP_EVERY):
        state.put(f"conversation:new{n}", "x", 60)
    assert len(state._values) <= SWEEP_EVERY + 1
    assert state.get("answer:kept") == "y"


def test_full_buckets_leave_the_memory() -> None:
    """Every DM comes in a channel of its own: the bucket of a channel nobody writes in any
    more must not stay until the key cap (a bucket refilled to full is no bucket)."""
    clock = FakeClock()
    state = MemoryState(clock=clock)
    for n in range(500):
        assert state.take_token(f"channel:slack:D{n}", 60, 5.0)  # full again after 12 s
    clock.now += 13
    assert state.take_token("channel:slack:D-new", 60, 5.0)
    assert state.usage()["buckets"] == 1


def test_a_bucket_still_refilling_is_kept() -> None:
    clock = FakeClock()
    state = MemoryState(clock=clock)
    assert [state.take_token("user:slack:U1", 2, 0.5) for _ in range(3)] == [True, True, False]
    clock.now += 3.9  # 1.95 tokens back: not full yet, so not forgotten
    state.take_token("user:slack:U2", 2, 0.5)
    assert state.take_token("user:slack:U1", 2, 0.5)
    assert not state.take_token("user:slack:U1", 2, 0.5)


def test_a_bucket_that_never_refills_is_kept() -> None:
    clock = FakeClock()
    state = MemoryState(clock=clock)
    assert [state.take_token("channel:slack:C1", 1, 0.0) for _ in range(2)] == [True, False]
    clock.now += 3600
    assert not state.take_token("channel:slack:C1", 1, 0.0)


def _closed_port_url() -> str:
    import socket

    with socket.socket() as sock:  # bound, never listening: a refused connection
        sock.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{sock.getsockname()[1]}/0"


def test_a_shared_unanswered_log_that_cannot_be_read_is_said_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The fail-open store answers a read as an empty store while Redis is down: triage
    # said "nothing unanswered" (exit 0), and /kb unanswered "every logged question is
    # answered now", a claim about a log nobody could read.
    from bot.cli import main
    from bot.render import discord, slack
    from bot.service import QABot
    from bot.settings import Settings

    url = _closed_port_url()
    bot = QABot.from_settings(Settings.load(None, redis_url=url))
    assert bot.unanswered_groups() is None
    for rendered in (
        str(slack.render_unanswered(None, "en")),
        str(discord.unanswered_replies(None, "en")),
    ):
        assert "cannot be read" in rendered and "Nothing unanswered" not in rendered
    monkeypatch.setenv("QABOT_REDIS_URL", url)
    assert main(["kb", "unanswered"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "the shared unanswered log cannot be read" in err


def test_a_batch_run_goes_on_from_no_other_runs_conversation(
    redis_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The batch's ids were keys of the shared state as given: with QABOT_REDIS_URL set (as
    # for the bot, in .env), a run's "1" went on from the last run's "1" (and from another
    # user's at the same time): "Quelle?" opening a conversation got the source of an
    # answer this run never gave, and an eval run twice scored differently.
    import io
    import json
    import sys

    from bot.cli import main

    monkeypatch.setenv("QABOT_REDIS_URL", redis_url)
    replies = []
    for text in ("Wie groß ist RAISe+?", "Quelle?"):
        line = json.dumps({"conversation": "1", "text": text})
        monkeypatch.setattr(sys, "stdin", io.StringIO(line + "\n"))
        assert main(["ask", "--json", "-"]) == 0
        replies.append(json.loads(capsys.readouterr().out))
    assert replies[0]["answered"] and replies[0]["conversation"] == "1"
    assert not replies[1]["answered"] and replies[1]["citations"] == []
    assert replies[1]["conversation"] == "1"


def test_a_redis_that_refuses_lua_scripts_is_named_once_and_not_an_outage(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Some managed Redis offerings disable scripting (or an ACL leaves it out): every
    # rate-limit check failed, took the whole shared state "down" for 5 s (dedupe and
    # conversations too), and the log said only that the store was unavailable.
    admin = redis.Redis.from_url(redis_url)
    admin.acl_setuser(
        "noscripts", enabled=True, nopass=True, keys=["*"], commands=["+@all", "-@scripting"]
    )
    url = redis_url.replace("redis://", "redis://noscripts@")
    caplog.set_level(logging.INFO, logger="bot.state")
    state = FailOpenState(RedisState(url, prefix="noscripts:"), retry_s=5.0)
    for n in range(3):
        assert state.take_token("user:U1", 1, 0.0) is True  # as with the store down
        state.append("unanswered", "line", 10)
        assert state.claim(f"event:{n}", 60) is True and state.claim(f"event:{n}", 60) is False
        state.put("conversation:c", "ctx", 60)
        assert state.get("conversation:c") == "ctx"
    (record,) = [r for r in caplog.records if r.name == "bot.state"]
    assert record.levelno == logging.WARNING
    said = record.getMessage()
    assert "Lua" in said and "EVALSHA" in said and "no permissions" in said


@pytest.mark.parametrize(
    "said",
    [
        "unknown command 'evalsha', with args beginning with: 'abc' '1'",  # rename-command
        "this user has no permissions to run the 'evalsha' command",  # ACL
        "this user has no permissions to run the 'script|load' command",
    ],
)
def test_what_counts_as_scripts_refused(said: str) -> None:
    from redis.exceptions import ResponseError

    from bot.state import _refuses_scripts

    assert _refuses_scripts(ResponseError(said))
    assert not _refuses_scripts(ResponseError("WRONGTYPE Operation against a key"))
    assert not _refuses_scripts(ResponseError("ERR Error running script: attempt to compare"))
