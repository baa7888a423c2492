"""CI's dependency audit claims only the audit that happened (.ci/audit.py over pip-audit)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

AUDIT = PROJECT_ROOT / ".ci" / "audit.py"
SKIPPED = "Dependency not found on PyPI and could not be audited: {name} (1.0)"


def run_audit(
    tmp_path: Path, report: str, *, exit_code: int = 0, **env: str
) -> subprocess.CompletedProcess[str]:
    """`.ci/audit.py` over a stand-in pip-audit that prints `report` and exits `exit_code`."""
    stub = tmp_path / "pip_audit_stub.py"
    stub.write_text(
        "import sys\n"
        f"sys.stdout.write({report!r})\n"
        "sys.stderr.write('No known vulnerabilities found\\n')\n"
        f"sys.exit({exit_code})\n",
        encoding="utf-8",
    )
    return subprocess.run(
        [sys.executable, str(AUDIT), sys.executable, str(stub)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )


def report(*deps: dict[str, object]) -> str:
    return json.dumps({"dependencies": list(deps), "fixes": []})


def skipped(name: str) -> dict[str, object]:
    return {"name": name, "skip_reason": SKIPPED.format(name=name)}


def audited(name: str, *vulns: dict[str, object]) -> dict[str, object]:
    return {"name": name, "version": "1.0", "vulns": list(vulns)}


def test_ci_runs_pip_audit_through_the_honest_report() -> None:
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line for line in ci.splitlines() if "pip-audit" in line and not line.startswith("#")]
    assert lines and all(".ci/audit.py" in line for line in lines), lines


def test_nothing_audited_is_a_visible_skip_not_a_clean_bill(tmp_path: Path) -> None:
    proc = run_audit(tmp_path, report(skipped("aiohttp"), skipped("redis")))
    assert proc.returncode == 0  # the advisory service out of reach must not fail CI
    assert "SKIPPED" in proc.stdout and "none of the 2 packages" in proc.stdout
    assert "No known vulnerabilities" not in proc.stdout + proc.stderr


def test_nothing_audited_fails_when_an_audit_is_required(tmp_path: Path) -> None:
    proc = run_audit(tmp_path, report(skipped("aiohttp")), QABOT_REQUIRE_AUDIT="1")
    assert proc.returncode == 1
    assert "SKIPPED" in proc.stdout and "FAILED" in proc.stdout


def test_no_report_at_all_is_a_skip_too(tmp_path: Path) -> None:
    proc = run_audit(tmp_path, "", exit_code=1)
    assert proc.returncode == 0
    assert "SKIPPED" in proc.stdout and "no report" in proc.stdout


def test_a_partial_audit_says_how_much_and_what_not(tmp_path: Path) -> None:
    proc = run_audit(tmp_path, report(audited("aiohttp"), skipped("redis")))
    assert proc.returncode == 0
    assert "1 of 2 packages audited" in proc.stdout and "not audited: redis" in proc.stdout


@pytest.mark.parametrize("require", ["0", "1"])
def test_a_known_vulnerability_fails(tmp_path: Path, require: str) -> None:
    vuln = {"id": "PYSEC-2024-1", "fix_versions": ["3.9.4"], "description": "…"}
    proc = run_audit(
        tmp_path,
        report(audited("aiohttp", vuln), skipped("redis")),
        exit_code=1,
        QABOT_REQUIRE_AUDIT=require,
    )
    assert proc.returncode == 1
    assert "aiohttp 1.0: PYSEC-2024-1 (fixed in 3.9.4)" in proc.stdout


# Reports pip-audit never writes, of a shape .ci/audit.py does not read: each was a traceback,
# or counted as "no packages listed" (a skip); neither says plainly that nothing was checked.
ODD_REPORTS = {
    "dependencies null": '{"dependencies": null, "fixes": []}',
    "dependencies an object": '{"dependencies": {"aiohttp": {"vulns": []}}, "fixes": []}',
    "dependencies text": '{"dependencies": "aiohttp", "fixes": []}',
    "no dependencies key": '{"fixes": []}',
    "not an object": "[]",
    "a dependency that is no object": '{"dependencies": ["aiohttp"], "fixes": []}',
    "a dependency without a name": report({"version": "1.0", "vulns": []}),
    "vulns an object": report({"name": "aiohttp", "vulns": {"id": "PYSEC-2024-1"}}),
    "a vuln without an id": report(audited("aiohttp", {"fix_versions": []})),
}


@pytest.mark.parametrize("require", ["0", "1"])
@pytest.mark.parametrize("odd", ODD_REPORTS.values(), ids=ODD_REPORTS)
def test_a_report_of_another_shape_fails_in_one_clear_line(
    tmp_path: Path, odd: str, require: str
) -> None:
    proc = run_audit(tmp_path, odd, QABOT_REQUIRE_AUDIT=require)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr, proc.stderr
    (line,) = [line for line in proc.stdout.splitlines() if "FAILED" in line]
    assert "report" in line and "No vulnerability check" in line
    assert "No known vulnerabilities" not in proc.stdout
