#!/usr/bin/env python3
"""Check the locked dependencies for published vulnerabilities with pip-audit.

Fails when pip-audit finds a vulnerability. When its vulnerability service cannot be
reached, or answers for none of our packages (a registry mirror that serves packages but
not their advisories), it says so plainly and does not fail: no audit is not a clean audit,
and the output never pretends otherwise.

Usage: scripts/audit_dependencies.py [requirements.lock]
"""

import json
import subprocess
import sys
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


def main(lock="requirements.lock"):
    command = [
        str(VENV_BIN / "pip-audit"),
        "--requirement", lock,
        "--require-hashes",
        "--disable-pip",  # the lock is complete and hashed: nothing to resolve
        "--progress-spinner", "off",
        "--format", "json",
        "--timeout", "20",
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 (our own fixed command)  # nosec B603
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        last = (run.stderr.strip().splitlines() or ["no output"])[-1]
        print("pip-audit: NOT AUDITED. The vulnerability service could not be reached:")
        print(f"  {last}")
        return 0

    packages = report["dependencies"]
    skipped = [p for p in packages if p.get("skip_reason")]
    vulnerable = [p for p in packages if p.get("vulns")]
    audited = len(packages) - len(skipped)
    for package in vulnerable:
        for vuln in package["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
            print(f"VULNERABLE {package['name']} {package['version']}: {vuln['id']} ({fixed})")
    if vulnerable:
        print(
            f"pip-audit: {len(vulnerable)} of {len(packages)} packages have known vulnerabilities."
        )
        return 1
    if audited == 0:
        print(
            f"pip-audit: NOT AUDITED. The vulnerability service answered for none of the "
            f"{len(packages)} locked packages ({skipped[0]['skip_reason'] if skipped else ''}). "
            "This machine's package index does not serve advisories; run `make audit` where "
            "pypi.org or osv.dev is reachable."
        )
        return 0
    for package in skipped:
        print(f"not audited: {package['skip_reason']}")
    print(f"pip-audit: no known vulnerabilities in {audited} of {len(packages)} packages.")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
