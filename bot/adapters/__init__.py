"""Platform adapters: translate platform events into calls on the core and render replies.

Every adapter keeps one small contract, the one `bot.runner` (the only lifecycle:
signals, exit status) drives: `serve` until cancelled, then `close`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from typing import Any, Protocol

# On a stop, the replies in flight get this long to finish before the connections close.
FINISH_S = 5.0


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


async def finish(tasks: set[asyncio.Task[Any]], timeout: float = FINISH_S) -> None:
    """Let `tasks` (replies in flight) finish, for at most `timeout`; cancel the rest."""
    pending = tasks - {asyncio.current_task()}
    if pending:
        _, late = await asyncio.wait(pending, timeout=timeout)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)


class InFlight:
    """The replies an adapter is working on, each in a task of its own (the platform
    library's), so that a stop can `finish` them before the connection closes under them."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()

    @contextlib.contextmanager
    def reply(self) -> Iterator[None]:
        """The current task works on a reply within this block."""
        task = asyncio.current_task()
        if task is None:
            yield
            return
        self.tasks.add(task)
        try:
            yield
        finally:
            self.tasks.discard(task)
