"""State that several replicas must share: seen-event keys, rate-limit buckets, log lines.

In one process by default; in Redis when `QABOT_REDIS_URL` is set, so that a
Slack retry landing on another replica is still recognised, and a user's
rate limit holds across replicas. Calls are synchronous and short; async
callers run them in a thread when the store is remote.

A remote store fails open: a call that errs or takes longer than
`redis_timeout_s` gets the answer of an empty store (not seen, a token left,
nothing stored), and the store is left alone for `RETRY_S` before it is tried
again; the outage and the recovery are logged once each. Answering never
waits on a store that is down.
"""

from __future__ import annotations

import logging
import math
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
Bucket = tuple[str, float, float]  # key, capacity (burst), refill per second
RETRY_S = 5.0  # how long a store that failed is left alone before the next try

# Token buckets in one round trip: refill each by elapsed time, take one from each when
# each has one (none from any otherwise: a question the channel's bucket refuses costs its
# asker nothing). A bucket expires once full again; one that never refills (rate 0) is
# kept, as in MemoryState. ARGV: capacity and rate of each key in turn.
# Timed by Redis's own clock: one clock for every replica. Each replica's wall clock
# differed by its skew, and a bucket last counted by a replica ahead was refilled by that
# skew at each question the other one took (two replicas 10 s apart, round-robin: a user
# answered 100 times out of 100 within a burst of 10); a clock set back stopped refills.
_TAKE_TOKEN = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local counted, ok = {}, 1
for i, key in ipairs(KEYS) do
  local capacity, rate = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  -- a key of another type (not written here) is a full bucket, not an error (the store "down")
  if redis.call('TYPE', key).ok ~= 'hash' then redis.call('DEL', key) end
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(state[1])
  -- a count no qabot writes (below 0, not a number: another writer's) is a full bucket too
  if not tokens or tokens ~= tokens or tokens < 0 then tokens = capacity end
  local at = tonumber(state[2]) or now
  counted[i] = math.min(capacity, tokens + math.max(0, now - at) * rate)
  if counted[i] < 1 then ok = 0 end
end
for i, key in ipairs(KEYS) do
  local capacity, rate = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  redis.call('HSET', key, 'tokens', counted[i] - ok, 'at', now)
  if rate > 0 then redis.call('EXPIRE', key, math.ceil(capacity / rate) + 1) end
end
return ok
"""

# Append a line to a capped list in one round trip. A key of another type there (not
# written here) is no stream of ours: replaced, not an error (the store "down"); 1 if it was.
_APPEND = """
local key, line, keep = KEYS[1], ARGV[1], tonumber(ARGV[2])
local kind, replaced = redis.call('TYPE', key).ok, 0
if kind ~= 'list' and kind ~= 'none' then redis.call('DEL', key); replaced = 1 end
redis.call('RPUSH', key, line)
redis.call('LTRIM', key, -keep, -1)
return replaced
"""


# MemoryState drops expired claims and values every this many writes, read or not.
SWEEP_EVERY = 1000
# What the values of MemoryState may hold in all: conversations (≤ a few KB each) and the
# answer memory (≈ 0.5 KB each); at the cap the oldest written give way.
MAX_VALUE_BYTES = 32 * 1024 * 1024
_ENTRY_BYTES = 200  # a value's bookkeeping beyond its strings: dict slot, tuple, expiry


class StateUnavailable(Exception):
    """A read that an empty answer would misreport: the store is down."""


class ScriptsRefused(Exception):
    """Redis refused to run qabot's Lua scripts (EVALSHA or SCRIPT LOAD disabled, renamed
    or not allowed to qabot's user): the token bucket and the capped lists cannot work
    there, but the server is up; claims and values go on."""


class SharedState(Protocol):
    """The small store interface; `remote` says whether calls leave the process."""

    remote: bool

    def claim(self, key: str, ttl_s: float) -> bool:
        """Record `key` for `ttl_s`; true only if it was not already recorded."""
        ...

    def take_tokens(self, buckets: Sequence[Bucket]) -> bool:
        """Take one token from each bucket (key, capacity, refill a second) when each has
        one; false, and none taken from any, when one is empty."""
        ...

    def take_token(self, key: str, capacity: float, refill_per_s: float) -> bool:
        """Take one token from bucket `key`; false when it is empty."""
        ...

    def append(self, stream: str, line: str, max_lines: int) -> None:
        """Append a line to a bounded list (the newest `max_lines` are kept)."""
        ...

    def lines(self, stream: str) -> list[str]: ...

    def put(self, key: str, value: str, ttl_s: float) -> None:
        """Store `value` under `key` until `ttl_s` seconds from now (a conversation)."""
        ...

    def get(self, key: str) -> str | None:
        """The value under `key`, or None when there is none or it has expired."""
        ...


class MemoryState:
    """In-process state: bounded (keys per kind, bytes of values), thread-safe, expiring."""

    remote = False

    def __init__(
        self,
        *,
        max_keys: int = 100_000,
        max_value_bytes: int = MAX_VALUE_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._clock = clock
        self._max = max_keys
        self._max_value_bytes = max_value_bytes
        self._lock = threading.Lock()
        self._claims: OrderedDict[str, float] = OrderedDict()
        # key → (tokens, when counted, when full again)
        self._buckets: OrderedDict[str, tuple[float, float, float]] = OrderedDict()
        self._streams: dict[str, list[str]] = {}
        self._values: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._value_bytes = 0
        self._puts = 0
        self._claimed = 0

    def usage(self) -> dict[str, int]:
        """How much is held: claims, buckets, values, and the values' bytes (approximate)."""
        with self._lock:
            return {
                "claims": len(self._claims),
                "buckets": len(self._buckets),
                "values": len(self._values),
                "value_bytes": self._value_bytes,
            }

    def claim(self, key: str, ttl_s: float) -> bool:
        now = self._clock()
        with self._lock:
            expires = self._claims.get(key)
            if expires is not None and expires > now:
                return False
            self._claims[key] = now + ttl_s
            self._claims.move_to_end(key)
            # Oldest claims first: those of one TTL expire in this order. Keys claimed
            # once (event ids) go when they expire, not only at the cap; those behind a
            # claim of a longer TTL (a vote, a day) at the next sweep.
            while self._claims and next(iter(self._claims.values())) <= now:
                self._claims.popitem(last=False)
            self._claimed += 1
            if self._claimed % SWEEP_EVERY == 0:
                for old in [k for k, expires in self._claims.items() if expires <= now]:
                    del self._claims[old]
            while len(self._claims) > self._max:
                self._claims.popitem(last=False)
            return True

    def take_token(self, key: str, capacity: float, refill_per_s: float) -> bool:
        return self.take_tokens(((key, capacity, refill_per_s),))

    def take_tokens(self, buckets: Sequence[Bucket]) -> bool:
        now = self._clock()
        with self._lock:
            counted = []
            for key, capacity, refill_per_s in buckets:
                tokens, at, _ = self._buckets.get(key, (capacity, now, now))
                counted.append(min(capacity, tokens + max(0.0, now - at) * refill_per_s))
            ok = all(tokens >= 1 for tokens in counted)
            for (key, capacity, refill_per_s), tokens in zip(buckets, counted, strict=True):
                left = tokens - ok
                full = now + (capacity - left) / refill_per_s if refill_per_s > 0 else math.inf
                self._buckets[key] = (left, now, full)
                self._buckets.move_to_end(key)
            # A bucket full again is no bucket (as Redis expires it): least recently used
            # first, so that the bucket of each DM's channel goes once it has refilled.
            while self._buckets and next(iter(self._buckets.values()))[2] <= now:
                self._buckets.popitem(last=False)
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
            return ok

    def append(self, stream: str, line: str, max_lines: int) -> None:
        with self._lock:
            lines = self._streams.setdefault(stream, [])
            lines.append(line)
            del lines[:-max_lines]

    def lines(self, stream: str) -> list[str]:
        with self._lock:
            return list(self._streams.get(stream, ()))

    def put(self, key: str, value: str, ttl_s: float) -> None:
        now = self._clock()
        with self._lock:
            self._drop(key)
            self._values[key] = (value, now + ttl_s)
            self._value_bytes += _entry_bytes(key, value)
            self._puts += 1
            if self._puts % SWEEP_EVERY == 0:  # values of several TTLs: no order to stop at
                for old in [k for k, (_, expires) in self._values.items() if expires <= now]:
                    self._drop(old)
            while len(self._values) > self._max or self._value_bytes > self._max_value_bytes:
                self._drop(next(iter(self._values)))

    def get(self, key: str) -> str | None:
        with self._lock:
            item = self._values.get(key)
            if item is None:
                return None
            if item[1] <= self._clock():
                self._drop(key)
                return None
            return item[0]

    def _drop(self, key: str) -> None:
        item = self._values.pop(key, None)
        if item is not None:
            self._value_bytes -= _entry_bytes(key, item[0])


def _entry_bytes(key: str, value: str) -> int:
    return sys.getsizeof(key) + sys.getsizeof(value) + _ENTRY_BYTES


class RedisState:
    """The same contract on Redis: SET NX EX, a Lua token bucket, capped lists."""

    remote = True

    def __init__(self, url: str, *, timeout_s: float = 0.5, prefix: str = "qabot:") -> None:
        import redis  # only when configured: keeps start-up lean
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # Once, at once, when a pooled connection turns out closed (a restarted Redis); not
        # after a timeout, which would make one call wait `timeout_s` twice.
        stale = Retry(NoBackoff(), 1, supported_errors=(redis.exceptions.ConnectionError,))
        # Half an emoji (a lone surrogate: JSON's escape of one, from another writer of the
        # shared state) in a key or value is stored as its own bytes, not an encoding error
        # that took the store "down" for everyone; read back, those bytes are U+FFFD (`_text`).
        self._redis = redis.Redis.from_url(
            url,
            socket_timeout=timeout_s,
            socket_connect_timeout=timeout_s,
            retry=stale,
            encoding_errors="surrogatepass",
        )
        self._prefix = prefix
        self._take = self._redis.register_script(_TAKE_TOKEN)
        self._append = self._redis.register_script(_APPEND)

    def claim(self, key: str, ttl_s: float) -> bool:
        px = max(1, int(ttl_s * 1000))
        return bool(self._redis.set(self._prefix + "claim:" + key, 1, nx=True, px=px))

    def take_token(self, key: str, capacity: float, refill_per_s: float) -> bool:
        return self.take_tokens(((key, capacity, refill_per_s),))

    def take_tokens(self, buckets: Sequence[Bucket]) -> bool:
        keys = [self._prefix + "bucket:" + key for key, _, _ in buckets]
        args = [number for _, capacity, rate in buckets for number in (capacity, rate)]
        return bool(self._run(self._take, keys, args))

    def append(self, stream: str, line: str, max_lines: int) -> None:
        if self._run(self._append, [self._prefix + "stream:" + stream], [line, max_lines]):
            log.warning("shared state: the %s stream's key held another type; replaced", stream)

    @staticmethod
    def _run(script: Callable[..., Any], keys: list[str], args: list[Any]) -> Any:
        """`script` run; raises ScriptsRefused when Redis will not run Lua scripts."""
        from redis.exceptions import ResponseError

        try:
            return script(keys=keys, args=args)
        except ResponseError as e:
            if _refuses_scripts(e):
                raise ScriptsRefused(str(e)) from e
            raise

    def lines(self, stream: str) -> list[str]:
        from redis.exceptions import ResponseError

        try:
            raw = self._redis.lrange(self._prefix + "stream:" + stream, 0, -1)
        except ResponseError as e:
            if _of_another_type(e):  # no stream of ours: the next append replaces it
                return []
            raise
        return [_text(x) for x in raw]

    def put(self, key: str, value: str, ttl_s: float) -> None:
        self._redis.set(self._prefix + "value:" + key, value, px=max(1, int(ttl_s * 1000)))

    def get(self, key: str) -> str | None:
        from redis.exceptions import ResponseError

        try:
            raw = self._redis.get(self._prefix + "value:" + key)
        except ResponseError as e:
            if _of_another_type(e):  # no value of ours
                return None
            raise
        return None if raw is None else _text(raw)


def _refuses_scripts(error: Exception) -> bool:
    """Whether Redis refused the command that runs or loads a script: not allowed to the
    user (ACL: NOPERM), renamed away or unknown (`rename-command EVALSHA ""`, a proxy
    without scripting)."""
    text = str(error).lower()
    refused = ("no permissions", "noperm", "unknown command", "not allowed", "disabled")
    return any(word in text for word in ("eval", "script")) and any(r in text for r in refused)


def _of_another_type(error: Exception) -> bool:
    """Whether Redis refused a command for the key's type (a key qabot did not write)."""
    return str(error).startswith("WRONGTYPE")


def _text(raw: bytes | str) -> str:
    """A stored value as text; bytes that are no UTF-8 (a corrupted value, another writer's)
    read as what they are, not as the store down: the readers refuse what they cannot read."""
    return raw.decode(errors="replace") if isinstance(raw, bytes) else raw


class FailOpenState:
    """A remote store that, while it fails, answers as an empty store would.

    Not seen (a duplicate reply beats none), a token left (nobody is refused for
    our outage), nothing appended or kept. One line is logged when the store goes
    down and one when it is back.
    """

    def __init__(
        self,
        store: SharedState,
        *,
        retry_s: float = RETRY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self.remote = store.remote
        self._retry_s = retry_s
        self._clock = clock
        self._lock = threading.Lock()
        self._down = False
        self._next_try = 0.0
        self._scripts_refused = False

    def claim(self, key: str, ttl_s: float) -> bool:
        return self._call(self._store.claim, True, key, ttl_s)

    def take_token(self, key: str, capacity: float, refill_per_s: float) -> bool:
        return self.take_tokens(((key, capacity, refill_per_s),))

    def take_tokens(self, buckets: Sequence[Bucket]) -> bool:
        return self._call(self._store.take_tokens, True, buckets)

    def append(self, stream: str, line: str, max_lines: int) -> None:
        self._call(self._store.append, None, stream, line, max_lines)

    def lines(self, stream: str) -> list[str]:
        """The stream's lines; raises StateUnavailable while the store is down: read by an
        admin (triage), an empty list would say that nothing was logged."""
        found = self._call(self._store.lines, None, stream)
        if found is None:
            raise StateUnavailable("the shared state is unavailable")
        return found

    def put(self, key: str, value: str, ttl_s: float) -> None:
        self._call(self._store.put, None, key, value, ttl_s)

    def get(self, key: str) -> str | None:
        return self._call(self._store.get, None, key)

    def _call(self, method: Callable[..., T], fallback: T, *args: Any) -> T:
        with self._lock:
            if self._down:
                now = self._clock()
                if now < self._next_try:
                    return fallback
                self._next_try = now + self._retry_s  # this caller tries; others fall back
        try:
            result = method(*args)
        except ScriptsRefused as e:  # the server is up: only what needs scripts goes without
            self._came_back()
            self._refused_scripts(e)
            return fallback
        except Exception as e:
            self._went_down(e)
            return fallback
        self._came_back()
        return result

    def _refused_scripts(self, error: ScriptsRefused) -> None:
        with self._lock:
            told, self._scripts_refused = self._scripts_refused, True
        if not told:
            log.warning(
                "shared state: Redis refuses to run qabot's Lua scripts (%s); qabot needs "
                "EVALSHA, EVAL and SCRIPT LOAD (the ACL category @scripting) for its user. "
                "Until then questions go without the shared rate limit and the unanswered "
                "log is not kept there; dedupe and conversations go on",
                error,
            )

    def _went_down(self, error: Exception) -> None:
        with self._lock:
            was_down, self._down = self._down, True
            self._next_try = self._clock() + self._retry_s
        if not was_down:
            log.warning(
                "shared state unavailable (%s: %s); answering goes on without it (no dedupe "
                "of Slack retries, no shared rate limits, conversations or unanswered log), "
                "trying again every %gs",
                type(error).__name__,
                error,
                self._retry_s,
            )

    def _came_back(self) -> None:
        with self._lock:
            was_down, self._down = self._down, False
        if was_down:
            log.info("shared state is back")


def open_state(redis_url: str | None, *, timeout_s: float = 0.5) -> SharedState:
    """Redis (failing open, each call bounded by `timeout_s`) when a URL is configured,
    else in-process."""
    if not redis_url:
        return MemoryState()
    return FailOpenState(RedisState(redis_url, timeout_s=timeout_s))
