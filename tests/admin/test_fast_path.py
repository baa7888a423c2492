"""`qabot ask` stays fast: none of the admin machinery is imported on its path."""

from __future__ import annotations

import subprocess
import sys

ADMIN_MODULES = ("bot.kb_edit", "bot.lint", "bot.triage", "bot.ingest", "bot.runner", "bot.watcher")


def test_ask_imports_no_watcher_and_no_admin_tools() -> None:
    code = (
        "import sys; from bot.cli import main; main(['ask', 'hpc']); "
        f"bad = [m for m in sys.modules if m.split('.')[0] in ('watchfiles', 'anyio') "
        f"or m in {ADMIN_MODULES!r}]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
