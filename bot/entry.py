"""The `qabot` console command's entry point: all that runs before Ctrl-C meets a handler.

pip's console script imports this module, then calls `main`; bot.cli, and all it imports,
loads inside the handler, so a Ctrl-C as qabot starts ends it as one later does (exit 130,
no traceback). Only Python's own start-up (its site module) comes before, out of reach.
"""

from __future__ import annotations

import sys

# As a shell reports a process ended by the signal: 128 + SIGINT, 128 + SIGPIPE.
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


def main() -> int:
    """`bot.cli.main`, with a Ctrl-C while it loads ended as one while it runs."""
    try:
        from bot.cli import main as run
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    return run()
