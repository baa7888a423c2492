"""CI's dependency audit: pip-audit, reporting only what it actually audited.

pip-audit says "No known vulnerabilities found" and exits 0 even when it could
audit none of the packages (every one "could not be audited": the advisory
service is out of reach, as on a machine that reaches only a package mirror).
This reads its JSON report instead and says what happened:

- a known vulnerability → listed, exit 1;
- packages audited, none vulnerable → how many, and which were not audited, exit 0;
- nothing audited (or no report at all) → a visible SKIPPED note and exit 0, or
  exit 1 when QABOT_REQUIRE_AUDIT=1 (where the advisory service is reachable);
- a report of another shape than read here (pip-audit changed) → FAILED, exit 1:
  what it says cannot be told, so no check is claimed and none is skipped quietly.

Usage: python .ci/audit.py PIP_AUDIT_COMMAND...
"""

from __future__ import annotations

import json
import os
import subprocess
import sys


def audit(command: list[str], *, required: bool) -> int:
    """Run `command --format json` and report; the exit status for CI."""
    proc = subprocess.run([*command, "--format", "json"], capture_output=True, text=True)
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        why = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        return _skipped(f"pip-audit gave no report ({why})", required=required)
    try:
        dependencies = _dependencies(report)
    except OddReport as exc:
        print(
            f"audit: FAILED — pip-audit's report is not of the shape read here ({exc}). "
            "No vulnerability check can be claimed."
        )
        return 1
    vulnerable = [d for d in dependencies if d.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(map(str, vuln.get("fix_versions") or [])) or "no fix yet"
            name = f"{dep['name']} {dep.get('version', '?')}"
            print(f"audit: {name}: {vuln['id']} (fixed in {fixes})")
    if vulnerable:
        print(f"audit: FAILED — {len(vulnerable)} package(s) with known vulnerabilities")
        return 1
    audited = [d["name"] for d in dependencies if "skip_reason" not in d]
    skipped = [d for d in dependencies if "skip_reason" in d]
    if not audited:
        reason = skipped[0]["skip_reason"] if skipped else "no packages listed"
        return _skipped(
            f"none of the {len(dependencies)} packages could be audited (e.g. {reason})",
            required=required,
        )
    note = f"; {len(skipped)} not audited: " + ", ".join(d["name"] for d in skipped)
    print(
        f"audit: {len(audited)} of {len(dependencies)} packages audited, "
        f"no known vulnerabilities" + (note if skipped else "")
    )
    return 0


class OddReport(Exception):
    """pip-audit's JSON report is not of the shape `audit` reads."""


def _dependencies(report: object) -> list[dict]:
    """The report's dependencies, each checked to be of the shape `audit` reads."""
    if not isinstance(report, dict):
        raise OddReport("not a JSON object")
    dependencies = report.get("dependencies")
    if not isinstance(dependencies, list):
        raise OddReport(f"dependencies: {json.dumps(dependencies)[:40]}, not a list")
    for dep in dependencies:
        if not (isinstance(dep, dict) and isinstance(dep.get("name"), str)):
            raise OddReport("a dependency without a name")
        vulns = dep.get("vulns", [])
        if not (isinstance(vulns, list) and all(_is_vuln(v) for v in vulns)):
            raise OddReport(f"{dep['name'][:60]}: vulnerabilities without an id")
    return dependencies


def _is_vuln(vuln: object) -> bool:
    return (
        isinstance(vuln, dict)
        and isinstance(vuln.get("id"), str)
        and isinstance(vuln.get("fix_versions", []), list)
    )


def _skipped(why: str, *, required: bool) -> int:
    print(f"audit: SKIPPED — {why}. No vulnerability check happened.")
    if required:
        print("audit: FAILED — QABOT_REQUIRE_AUDIT=1 requires an audit")
        return 1
    print("audit: (set QABOT_REQUIRE_AUDIT=1 where the advisory service is reachable)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(audit(sys.argv[1:], required=os.environ.get("QABOT_REQUIRE_AUDIT") == "1"))
