"""Seen-before memory for Slack deliveries: one reply per event, even when Slack retries.

A tiny async interface over the bot's shared state (Redis when several replicas
share the load: `SET key 1 NX PX ttl`), or an in-process cache. The Slack listeners
claim after the ack, so a slow store never delays one.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from bot.state import SharedState


class SeenStore(Protocol):
    """Remembers keys for a while; `claim` is true only the first time."""

    async def claim(self, key: str) -> bool:
        """Record `key`; true if it was not seen within the TTL."""
        ...


class MemorySeenStore:
    """Bounded TTL cache in this process (oldest keys evicted first)."""

    def __init__(
        self,
        *,
        ttl_s: float = 600.0,
        max_keys: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_s
        self._max = max_keys
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    async def claim(self, key: str) -> bool:
        now = self._clock()
        self._expire(now)
        if key in self._seen:
            return False
        self._seen[key] = now + self._ttl
        while len(self._seen) > self._max:
            self._seen.popitem(last=False)
        return True

    def _expire(self, now: float) -> None:
        # Insertion order equals expiry order (fixed TTL), so stop at the first live key.
        while self._seen:
            key, expires = next(iter(self._seen.items()))
            if expires > now:
                break
            del self._seen[key]


class StateSeenStore:
    """The seen-before memory in the bot's shared state (Redis when several replicas run)."""

    def __init__(self, state: SharedState, *, ttl_s: float = 600.0) -> None:
        self._state = state
        self._ttl = ttl_s

    async def claim(self, key: str) -> bool:
        # A remote store that is down says "not seen" (bot/state.py): a reply twice
        # beats none.
        if not self._state.remote:
            return self._state.claim("slack:" + key, self._ttl)
        return await asyncio.to_thread(self._state.claim, "slack:" + key, self._ttl)
