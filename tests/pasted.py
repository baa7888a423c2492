"""What the real shell makes of a command line an admin copied from qabot and pasted."""

from __future__ import annotations

import subprocess
from pathlib import Path


def run_pasted(line: str, cwd: Path) -> list[str]:
    """The words `sh` hands to qabot for `line` (`printf` stands in for qabot), run in `cwd`
    so that a test can check that nothing the line holds was executed there."""
    assert line.startswith("qabot "), line
    run = subprocess.run(
        ["sh", "-c", "printf '%s\\n' " + line.removeprefix("qabot ")],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.splitlines()
