"""Platform adapters: translate platform events into calls on the core and render replies.

Every adapter keeps one small contract, the one `bot.runner` (the only lifecycle:
signals, exit status) drives: `serve` until cancelled, then `close`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol


class Adapter(Protocol):
    """A chat platform as the runner drives it."""

    async def serve(self, ready: asyncio.Event) -> None:
        """Connect and answer until cancelled; set `ready` once answering. Raises when the
        platform cannot go on (credentials missing or rejected, the port taken...)."""
        ...

    async def close(self) -> None:
        """Let replies in flight finish (bounded), then let go of every connection."""
        ...


async def serve_until_cancelled(make: Callable[[], Adapter], ready: asyncio.Event) -> None:
    """Build an adapter, serve it until cancelled or failed, and close it either way.

    Building happens here, inside the caller's task, so that a misconfigured
    platform fails its own task and not the runner.
    """
    adapter = make()
    try:
        await adapter.serve(ready)
    finally:
        await adapter.close()
