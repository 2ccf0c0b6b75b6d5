"""The scan JSON document and the exit status every scan command shares."""

from __future__ import annotations

import json
import subprocess
import sys

from hisguard.scanners import __version__
from hisguard.scanners.findings import ScanError, Severity, Status
from hisguard.scanners.output import exit_status, render_json, render_table

from .factories import make_finding, make_run

REQUIRED = {
    "check_id",
    "status",
    "severity",
    "facility",
    "host",
    "resource",
    "line",
    "title",
    "evidence",
    "fingerprint",
    "remediation",
    "references",
}


def test_json_document_shape() -> None:
    error = ScanError(scanner="config", target="ws-02", message="connection refused", facility="75901")
    document = json.loads(render_json([make_run((make_finding(),), errors=(error,))]))
    assert set(document) == {"hisguard", "schema_version", "run", "findings", "errors"}
    assert document["hisguard"] == __version__
    assert {"id", "started_at", "finished_at", "scanners", "facility", "hosts"} <= set(document["run"])
    finding = document["findings"][0]
    assert set(finding) >= REQUIRED
    assert finding["remediation"]["role"] == "credential_store" and finding["title"]["vi"]
    assert document["errors"] == [error.to_dict()]


def test_exit_status_follows_fail_on() -> None:
    high = make_run((make_finding(severity=Severity.HIGH),))
    low = make_run((make_finding(severity=Severity.LOW),))
    passed = make_run((make_finding(severity=Severity.CRITICAL, status=Status.PASS),))
    assert exit_status([high], Severity.HIGH) == 1
    assert exit_status([low], Severity.HIGH) == 0
    assert exit_status([low], Severity.LOW) == 1
    assert exit_status([passed], Severity.INFO) == 0


def test_a_run_where_every_target_failed_is_status_2() -> None:
    failed = make_run((), errors=(ScanError(scanner="config", target="h", message="refused"),), hosts=())
    assert exit_status([failed], Severity.HIGH) == 2


def test_table_shows_findings_in_the_chosen_language() -> None:
    run = make_run((make_finding(),))
    assert "Lộ mật khẩu cổng giám định BHYT" in render_table([run], lang="vi")
    assert "Portal password exposed" in render_table([run], lang="en")


def test_version_and_usage_errors() -> None:
    version = subprocess.run([sys.executable, "-m", "hisguard", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and __version__ in version.stdout
    unknown = subprocess.run(
        [sys.executable, "-m", "hisguard", "no-such-command"], capture_output=True, text=True
    )
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "hisguard", "inventory", "show"], capture_output=True, text=True
    )
    assert missing.returncode == 2 and "inventory is required" in missing.stderr
