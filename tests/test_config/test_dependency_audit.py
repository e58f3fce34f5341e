"""`make audit` reads pip-audit's verdict right: a vulnerability fails CI; no answer from
the vulnerability service is said plainly and does not pass itself off as a clean audit."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts/audit_dependencies.py"


@pytest.fixture
def audit(monkeypatch):
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def run_with(stdout, stderr=""):
        def fake_run(command, **kwargs):
            assert "--require-hashes" in command
            return subprocess.CompletedProcess(
                command, 1 if "vulns" in stdout else 0, stdout, stderr
            )

        monkeypatch.setattr(module.subprocess, "run", fake_run)
        return module.main("requirements.lock")

    return run_with


def report(*packages):
    return json.dumps({"dependencies": list(packages), "fixes": []})


def test_a_known_vulnerability_fails(audit, capsys):
    code = audit(
        report(
            {"name": "django", "version": "5.2.0", "vulns": [
                {"id": "PYSEC-2026-1", "fix_versions": ["5.2.19"], "description": "SQL"}]},
            {"name": "celery", "version": "5.7.0", "vulns": []},
        )
    )  # fmt: skip
    assert code == 1
    assert "VULNERABLE django 5.2.0: PYSEC-2026-1 (5.2.19)" in capsys.readouterr().out


def test_a_clean_audit_passes_and_says_how_much_it_covered(audit, capsys):
    code = audit(
        report(
            {"name": "django", "version": "5.2.19", "vulns": []},
            {"name": "weasyprint", "version": "70.0", "skip_reason": "not found: weasyprint"},
        )
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "not audited: not found: weasyprint" in out
    assert "no known vulnerabilities in 1 of 2 packages" in out


def test_an_unreachable_service_is_said_plainly(audit, capsys):
    code = audit("", stderr="requests.exceptions.ConnectionError: osv.dev unreachable")
    out = capsys.readouterr().out
    assert code == 0
    assert "NOT AUDITED" in out and "osv.dev unreachable" in out


def test_a_service_that_knows_none_of_our_packages_is_not_a_clean_audit(audit, capsys):
    code = audit(report({"name": "django", "version": "5.2.19", "skip_reason": "not found"}))
    out = capsys.readouterr().out
    assert code == 0
    assert "NOT AUDITED" in out and "no known vulnerabilities" not in out
