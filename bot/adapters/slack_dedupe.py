"""Seen-before memory for Slack deliveries: one reply per event, even when Slack retries.

A tiny async interface over the bot's shared state (Redis when several replicas
share the load: `SET key 1 NX PX ttl`), or in this process. The Slack listeners
claim after the ack, so a slow store never delays one.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from bot.state import SharedState


class SeenStore(Protocol):
    """Remembers keys for a while; `claim` is true only the first time."""

    async def claim(self, key: str) -> bool:
        """Record `key`; true if it was not seen within the TTL."""
        ...


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
