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
            Manage Server); counts for admin rights only when the config opts in.
    """

    platform: ChatPlatform
    user: str
    roles: tuple[str, ...] = ()
    manages_server: bool = False
