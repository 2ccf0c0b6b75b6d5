"""The scheduled-scan script and the playbooks, without the lab: exit codes, files kept, syntax."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import jinja2
import pytest

from tests.conftest import REPO

ROLE = REPO / "roles" / "scan_schedule"


def render_script(tmp_path: Path, scan: str, report: str) -> Path:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["quote"] = shlex.quote  # Ansible's filter of the same name
    template = env.from_string((ROLE / "templates" / "hisguard-scheduled-scan.sh.j2").read_text())
    text = template.render(
        ansible_managed="Ansible managed",
        scan_schedule_facility="75902",
        scan_schedule_runs_dir=str(tmp_path / "runs"),
        scan_schedule_reports_dir=str(tmp_path / "reports"),
        scan_schedule_scan_command=scan,
        scan_schedule_report_command=report,
    )
    (tmp_path / "runs").mkdir()
    (tmp_path / "reports").mkdir()
    script = tmp_path / "hisguard-scheduled-scan"
    script.write_text(text)
    script.chmod(0o755)
    return script


def test_a_scan_with_findings_is_kept_and_reported(tmp_path: Path) -> None:
    report = f"touch {tmp_path}/reports/made"
    script = render_script(tmp_path, """sh -c 'echo "{\\"run\\": 1}"; exit 1'""", report)
    done = subprocess.run([str(script)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    [kept] = (tmp_path / "runs").glob("run-*.json")
    assert kept.read_text() == '{"run": 1}\n'
    assert os.readlink(tmp_path / "runs" / "latest.json") == kept.name
    assert (tmp_path / "reports" / "made").exists()
    assert "(exit 1)" in done.stdout


def test_a_failed_scan_keeps_nothing_and_fails_the_service(tmp_path: Path) -> None:
    report = f"touch {tmp_path}/reports/made"
    script = render_script(tmp_path, "sh -c 'echo partial; exit 2'", report)
    done = subprocess.run([str(script)], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert list((tmp_path / "runs").iterdir()) == []
    assert not (tmp_path / "reports" / "made").exists()
    assert "the scan failed (exit 2); no report made" in done.stderr


def test_a_failed_report_fails_the_service(tmp_path: Path) -> None:
    script = render_script(tmp_path, "echo '{}'", "false")
    assert subprocess.run([str(script)], capture_output=True, check=False).returncode == 1


@pytest.mark.parametrize("playbook", ["schedule-scans.yml", "scan.yml"])
def test_playbooks_pass_the_syntax_check(playbook: str) -> None:
    done = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "ansible-playbook"),
            "--syntax-check",
            "-i",
            str(REPO / "inventories" / "lab"),
            str(REPO / "playbooks" / playbook),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "ANSIBLE_NOCOLOR": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
