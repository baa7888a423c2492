"""qabot run as a process of its own, as a shell or CI runs it."""

from __future__ import annotations

import os
import sys

QABOT = [sys.executable, "-m", "bot.cli"]
# qabot's stdout as a pipe or a file is block-buffered. With PYTHONUNBUFFERED (set in many
# containers, this machine's too) every print goes straight out: no flush is left for exit,
# and what qabot does about a flush that fails (a reader gone, a full disk) or about output
# it must flush line by line (batch answers) goes untested.
BUFFERED = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
