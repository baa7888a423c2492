"""Who asks: the platform-neutral facts an adapter gives the core about a person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ChatPlatform = Literal["slack", "discord"]


@dataclass(frozen=True)
class Asker:
    """A person on a chat platform, as far as the core's policies need to know them.

    Attributes:
        platform: Where they asked.
        user: Their id on that platform, as text.
        roles: Ids of the roles they hold (Discord), as text.
        manages_server: Whether the platform grants them server management (Discord's
            Manage Server) in `server`; counts for admin rights only in the servers the
            config names.
        server: The id of the server they asked in (Discord), as text; None in a DM.
    """

    platform: ChatPlatform
    user: str
    roles: tuple[str, ...] = ()
    manages_server: bool = False
    server: str | None = None
