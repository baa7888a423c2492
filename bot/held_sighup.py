"""SIGHUP held, not fatal, while a serving command starts: a module of its own, importing
nothing of qabot's, so that the CLI installs it before the core loads (a third of a second
idle, seconds on a busy machine) rather than after."""

from __future__ import annotations

import signal
from types import FrameType


class HeldSighup:
    """The SIGHUP handler of a serving process until its event loop's (`install_sighup`)
    takes over, and again after it lets go: a SIGHUP is remembered, not fatal.

    Python's default action for SIGHUP ends the process, and the loop's handler comes only
    once the knowledge has loaded (seconds at scale): a `systemctl reload` right after
    `start` stopped qabot. `install_sighup` reloads once for a SIGHUP held meanwhile (the
    files may have changed after they were read); one during shutdown is moot.
    """

    def __init__(self) -> None:
        self.pending = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.pending = True  # no logging here: a handler may interrupt a log call

    @classmethod
    def install(cls) -> None:
        """Hold SIGHUP from now on (the CLI, first thing, for the serving commands)."""
        signal.signal(signal.SIGHUP, cls())
