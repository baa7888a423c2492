"""The test suite itself: importing its fixtures changes nothing in the process."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings


def test_importing_the_conftests_leaves_the_environment_alone() -> None:
    code = (
        "import os; before = dict(os.environ);"
        "import tests.conftest, tests.admin.conftest, tests.slack.harness,"
        " tests.discord.harness, tests.ops.conftest;"
        "changed = sorted(set(os.environ.items()) ^ set(before.items()));"
        "assert not changed, changed"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("QABOT_")}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr


def test_questions_asked_in_tests_are_logged_outside_the_project(tmp_path: Path) -> None:
    # Set by a session fixture, so subprocesses inherit it too.
    log = Path(os.environ["QABOT_UNANSWERED__PATH"])
    assert PROJECT_ROOT not in log.parents
    assert os.environ["QABOT_RATE_LIMIT__ENABLED"] == "false"


def test_no_conftest_imports_another_conftest() -> None:
    # Fixtures imported from another conftest are registered twice and hide where a
    # fixture comes from; fixtures several directories share live in plugin modules
    # that tests/conftest.py names in `pytest_plugins`.
    offenders = []
    for path in sorted(PROJECT_ROOT.glob("tests/**/conftest.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(name.split(".")[-1] == "conftest" for name in names):
                offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert not offenders, offenders


def test_tests_read_neither_the_projects_env_file_nor_a_callers_shared_store() -> None:
    # A checkout with a .env for replicas (QABOT_REDIS_URL, as a deployment has it), or that
    # variable exported in the shell: the suite wrote its dedupe claims, conversations and
    # unanswered questions into that Redis, the running bots' shared state, and tests failed
    # on what earlier runs had left there.
    assert Settings.model_config.get("env_file") is None
    assert "QABOT_REDIS_URL" not in os.environ
    assert Settings().redis_url is None
