"""qabot run as a process of its own, as a shell or CI runs it."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.settings import PROJECT_ROOT

# `qabot` through the CLI's main, without the project's .env (a deployment's there would
# give the tests its tokens and its shared Redis: see tests/conftest.py).
QABOT = [
    sys.executable,
    "-c",
    "import sys; from bot.settings import Settings; Settings.model_config['env_file'] = None; "
    "from bot.cli import main; sys.exit(main(sys.argv[1:]))",
]
# qabot's stdout as a pipe or a file is block-buffered. With PYTHONUNBUFFERED (set in many
# containers, this machine's too) every print goes straight out: no flush is left for exit,
# and what qabot does about a flush that fails (a reader gone, a full disk) or about output
# it must flush line by line (batch answers) goes untested.
BUFFERED = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


def run_qabot(argv: list[str], stdin: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """qabot run to its end with `stdin`, in the project, its output captured as text."""
    return subprocess.run(
        [*QABOT, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=60,
    )
