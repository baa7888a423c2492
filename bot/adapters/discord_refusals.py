"""Replies Discord refuses for want of permission (403): one short warning per channel and
ten minutes, naming what qabot lacks there, never a traceback per message.

A server that took Send Messages or Embed Links from the bot in a busy channel would
otherwise flood the log with one error for every mention there.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable

import discord

log = logging.getLogger(__name__)

WARN_EVERY_S = 600.0  # one line per channel in this long
MAX_CHANNELS = 1_000  # channels whose last warning is remembered (oldest forgotten)
# What a reply needs: to see the channel, post, embed the answer, and reply to the message.
NEEDED = ("view_channel", "send_messages", "embed_links", "read_message_history")


def lacking(channel: discord.abc.Messageable) -> list[str]:
    """The permissions a reply needs that qabot lacks in `channel`, as Discord names them
    ("Embed Links"); none known for a DM or a channel outside the cache."""
    guild = getattr(channel, "guild", None)
    if guild is None or guild.me is None or not hasattr(channel, "permissions_for"):
        return []
    have = channel.permissions_for(guild.me)
    needed = NEEDED
    if isinstance(channel, discord.Thread):
        needed = (*NEEDED, "send_messages_in_threads")
    return [name.replace("_", " ").title() for name in needed if not getattr(have, name)]


class RefusalLog:
    """Logs refused replies, at most one line per channel every `every_s` seconds."""

    def __init__(
        self, every_s: float = WARN_EVERY_S, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.every_s = every_s
        self._clock = clock
        self._last: OrderedDict[int, tuple[float, int]] = OrderedDict()  # → (logged at, since)

    def refused(self, channel: discord.abc.Messageable, error: discord.Forbidden) -> None:
        """One reply refused in `channel`: a warning, unless one was logged there lately."""
        key, now = getattr(channel, "id", 0), self._clock()
        logged_at, since = self._last.get(key, (None, 0))
        if logged_at is not None and now - logged_at < self.every_s:
            self._last[key] = (logged_at, since + 1)
            return
        self._last[key] = (now, 0)
        self._last.move_to_end(key)
        while len(self._last) > MAX_CHANNELS:
            self._last.popitem(last=False)
        missing = lacking(channel)
        log.warning(
            "discord: reply refused in %s (%s): %s (code %s)%s%s; answering elsewhere goes on",
            getattr(channel, "name", None) or "a DM",
            key,
            error.text or "Forbidden",
            error.code,
            f"; qabot lacks {', '.join(missing)} there" if missing else "",
            f"; {since} more refused since the last line" if since else "",
        )
