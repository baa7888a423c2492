"""A hung server: it accepts TCP connections and reads what they send, and never answers.

The shape of a Redis that is up but stuck (a long command, a full disk, a frozen VM):
connections succeed, commands go out, replies never come.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HungServer:
    """Counts what it is sent; `waiting` is how many clients still wait for an answer."""

    def __init__(self) -> None:
        self.received = 0  # bytes, over all connections
        self.connections = 0  # accepted, over its life
        self._waiting: set[asyncio.StreamWriter] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self._closed = False
        self.port = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def waiting(self) -> int:
        """Open connections that have sent a command and got nothing back."""
        return len(self._waiting)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._closed:  # accepted as close() ran: hang up on it too, not leave it waiting
            writer.close()
            return
        self.connections += 1
        self._writers.add(writer)
        try:
            while data := await reader.read(65536):
                self.received += len(data)
                self._waiting.add(writer)
        except ConnectionError:
            pass
        finally:  # the client gave up (closed the connection), or we are closing
            self._waiting.discard(writer)
            self._writers.discard(writer)

    async def close(self) -> None:
        """Stop listening and hang up on every client (they see the connection drop)."""
        self._closed = True
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        if self._server is not None:
            await self._server.wait_closed()


@asynccontextmanager
async def hung_server() -> AsyncIterator[HungServer]:
    server = HungServer()
    await server.start()
    try:
        yield server
    finally:
        await server.close()
