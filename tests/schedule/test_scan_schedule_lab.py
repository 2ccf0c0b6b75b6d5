"""Scheduled scans, proven on the lab: facility 75902's scan host (scan-02) gets hisguard offline,
runs its scan from the systemd service, keeps the findings and reports; scan.yml brings them home.

The tests run in order on one host and share what the earlier ones installed; scan-02 is reset
(fresh root from the image) when the module ends. Timings are printed (run pytest with -s), never
asserted: timing goals live in bench/.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hisguard.lab import runner, vault
from hisguard.lab.ssh import Session
from hisguard.scanners.store import Store
from tests.conftest import REPO
from tests.lab_fixture import LabInfo

pytestmark = pytest.mark.lab

SCAN_HOST = "scan-02"
FACILITY = "75902"
INVENTORY = REPO / "inventories" / "lab"
VAULT_PASSWORD_FILE = INVENTORY / "vault-password.txt"
BIN = REPO / ".venv" / "bin"
TIMINGS: dict[str, float] = {}


def _undeclared_requirements() -> list[str]:
    """reports/ imports babel, which pyproject.toml did not declare yet (reported): install it beside."""
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    return [] if any(d.lower().startswith("babel") for d in declared) else ["babel"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A work folder with a snapshot of the source: the tree may change while the tests run."""
    work = tmp_path_factory.mktemp("schedule")
    source = work / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("scanners", "reports", "lab"):
        shutil.copytree(REPO / package, source / package, ignore=ignore)
    # hisguard/ holds the links that give the folders their installed names (hisguard.scanners...).
    shutil.copytree(REPO / "hisguard", source / "hisguard", symlinks=True, ignore=ignore)
    for name in ("pyproject.toml", "constraints.txt", "README.md"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, source / name)
    return work


@pytest.fixture(scope="module")
def scan_host(lab: LabInfo) -> Iterator[Session]:
    """scan-02 and his-app-02 running (facility 75902 booted if it was not); scan-02 reset at the end."""
    status = {h["name"]: h for h in runner.status()["hosts"]}
    if not all(status[name]["running"] and status[name]["ssh"] for name in (SCAN_HOST, "his-app-02")):
        runner.up([FACILITY])
    try:
        yield lab.ssh(SCAN_HOST)
    finally:
        for what, value in TIMINGS.items():
            print(f"\nscan_schedule timing: {what}: {value:.1f}")
        lab.close()
        runner.reset_hosts([SCAN_HOST])


def playbook(name: str, workdir: Path, *args: str, extra: dict[str, Any] | None = None) -> tuple[str, float]:
    variables = {
        "scan_schedule_source_dir": str(workdir / "source"),
        "scan_schedule_wheelhouse_dir": str(workdir / "wheelhouse"),
        "scan_schedule_extra_packages": _undeclared_requirements(),
    }
    variables.update(extra or {})
    command = [
        str(BIN / "ansible-playbook"),
        "-i",
        str(INVENTORY),
        str(REPO / "playbooks" / name),
        "--limit",
        SCAN_HOST,
        "-e",
        json.dumps(variables),
        *args,
    ]
    env = {
        **os.environ,
        "ANSIBLE_VAULT_PASSWORD_FILE": str(VAULT_PASSWORD_FILE),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "PATH": f"{BIN}:{os.environ['PATH']}",
    }
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800, check=False)
    seconds = time.monotonic() - start
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    return done.stdout, seconds


def recap(output: str) -> dict[str, int]:
    line = next(line for line in output.splitlines() if line.startswith(SCAN_HOST) and "ok=" in line)
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line)}


def sudo(session: Session, command: str, timeout: float = 600.0) -> str:
    result = session.run(command, sudo=True, timeout=timeout)
    assert result.status == 0, f"{command}: {result.stderr.strip()[-2000:]}"
    return result.stdout


def test_check_mode_on_a_fresh_host_changes_nothing(scan_host: Session, workdir: Path) -> None:
    output, TIMINGS["check mode, fresh host"] = playbook("schedule-scans.yml", workdir, "--check")
    assert recap(output)["failed"] == 0
    assert (
        scan_host.run("test -e /opt/hisguard || test -e /etc/systemd/system/hisguard-scan.timer").status == 1
    )


def test_python_makes_a_venv_without_debian_python3_venv(scan_host: Session) -> None:
    """What the role relies on: a venv without ensurepip (python3-venv), pip comes from the wheels."""
    bare = scan_host.run(
        "python3 -m venv --without-pip /tmp/venv-probe; rc=$?; rm -rf /tmp/venv-probe; exit $rc"
    )
    assert bare.status == 0, bare.stderr


def test_schedule_installs_offline_and_is_idempotent(scan_host: Session, workdir: Path) -> None:
    # The lab hosts have no route out: whatever installs must come from the wheelhouse.
    assert scan_host.run("ip route get 1.1.1.1").status != 0
    output, TIMINGS["first run (build, copy, install)"] = playbook("schedule-scans.yml", workdir)
    assert recap(output)["changed"] > 0
    output, TIMINGS["second run"] = playbook("schedule-scans.yml", workdir)
    assert recap(output)["changed"] == 0, output[-3000:]
    output, TIMINGS["check mode, installed host"] = playbook("schedule-scans.yml", workdir, "--check")
    assert recap(output)["changed"] == 0, output[-3000:]
    wheels = list((workdir / "wheelhouse").glob("*.whl"))
    TIMINGS["wheelhouse MiB"] = sum(w.stat().st_size for w in wheels) / 2**20
    TIMINGS["wheels"] = len(wheels)
    version = sudo(scan_host, "/opt/hisguard/venv/bin/hisguard --version")
    assert version.startswith("hisguard, version")


def test_files_have_tight_modes(scan_host: Session) -> None:
    expected = {
        "/var/lib/hisguard": "hisguard hisguard 700",
        "/var/lib/hisguard/reports": "hisguard hisguard 750",
        "/var/lib/hisguard/runs": "hisguard hisguard 750",
        "/etc/hisguard": "root hisguard 750",
        "/etc/hisguard/ssh": "hisguard hisguard 700",
        "/etc/hisguard/ssh/id_scan": "hisguard hisguard 400",
        "/etc/hisguard/vault-password": "hisguard hisguard 400",
        "/etc/hisguard/vault-75902": "hisguard hisguard 400",
        "/etc/hisguard/inventory/hosts.yml": "root hisguard 640",
    }
    paths = " ".join(shlex.quote(p) for p in expected)
    lines = sudo(scan_host, f"stat -c '%n %U %G %a' {paths}").splitlines()
    assert {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in lines} == expected
    # The lab keeps its vault password file inside the inventory: it must not have been copied.
    assert scan_host.run("test -e /etc/hisguard/inventory/vault-password.txt", sudo=True).status == 1
    # One vault per facility: scan-02 holds 75902's and never 75901's.
    assert scan_host.run("test -e /etc/hisguard/vault-75901", sudo=True).status == 1
    assert scan_host.run("test -e /etc/hisguard/inventory/vault-75901.txt", sudo=True).status == 1
    assert "nologin" in sudo(scan_host, "getent passwd hisguard")


def test_timer_is_scheduled_in_vietnam_time(scan_host: Session) -> None:
    assert sudo(scan_host, "systemctl is-enabled hisguard-scan.timer").strip() == "enabled"
    assert sudo(scan_host, "systemctl is-active hisguard-scan.timer").strip() == "active"
    shown = sudo(scan_host, "systemctl show hisguard-scan.timer -p TimersCalendar -p RandomizedDelayUSec")
    assert "01:30:00 Asia/Ho_Chi_Minh" in shown and "RandomizedDelayUSec=30min" in shown
    assert sudo(
        scan_host, "systemd-analyze verify /etc/systemd/system/hisguard-scan.service; echo rc=$?"
    ).endswith("rc=0\n")


def test_the_service_scans_and_leaves_findings_and_reports(scan_host: Session) -> None:
    start = time.monotonic()
    started = scan_host.run("systemctl start hisguard-scan.service", sudo=True, timeout=1200)
    if started.status != 0:
        # The service's own words say why (a scan's output holds no secret: asserted below).
        log = scan_host.run("journalctl -u hisguard-scan.service --no-pager -o cat -n 40", sudo=True)
        pytest.fail(f"hisguard-scan.service failed:\n{log.stdout[-3000:]}")
    TIMINGS["scheduled scan (service)"] = time.monotonic() - start
    doc = json.loads(sudo(scan_host, "cat /var/lib/hisguard/runs/latest.json"))
    assert doc["run"]["facility"] == FACILITY
    failing = [f for f in doc["findings"] if f["status"] == "fail"]
    assert any(f["host"] == "his-app-02" and f["resource"] == "/opt/his/appsettings.json" for f in failing), (
        failing
    )
    reports = sudo(scan_host, "find /var/lib/hisguard/reports -type f -printf '%f %m\\n'").split()
    assert reports, "no report written"
    history = json.loads(
        sudo(
            scan_host,
            "runuser -u hisguard -- env HISGUARD_HOME=/var/lib/hisguard"
            " /opt/hisguard/venv/bin/hisguard history"
            " -i /etc/hisguard/inventory -i /etc/hisguard/scan-host.yml"
            " --vault-password-file /etc/hisguard/vault-password"
            " --vault-id 75902@/etc/hisguard/vault-75902 --facility 75902"
            " --store sqlite:////var/lib/hisguard/hisguard.db --format json",
        )
    )
    assert [s["run_ids"] for s in history["scans"]] == [[doc["run"]["id"]]]
    journal = sudo(scan_host, "journalctl -u hisguard-scan.service --no-pager -o cat")
    assert "saved as /var/lib/hisguard/runs/run-" in journal
    # Its own facility's vault opened: no notice of a value it could not decrypt.
    assert "no vault secret given opens" not in journal, journal[-2000:]
    # No secret anywhere the scan wrote: the portal password planted on his-app-02, the sudo password.
    written = sudo(scan_host, "find /var/lib/hisguard/runs /var/lib/hisguard/reports -type f -exec cat {} +")
    written += journal
    for secret in (vault.portal_account(FACILITY).password, vault.admin_password()):
        assert secret not in written


def test_scan_playbook_fetches_and_ingests_into_the_central_store(scan_host: Session, workdir: Path) -> None:
    central = f"sqlite:///{workdir / 'central.db'}"
    fetched = workdir / "fetched"
    output, TIMINGS["scan.yml (scan, fetch, ingest)"] = playbook(
        "scan.yml", workdir, extra={"scan_central_store": central, "scan_fetch_dir": str(fetched)}
    )
    assert recap(output)["failed"] == 0
    [document] = list((fetched / FACILITY).glob("run-*.json"))
    doc = json.loads(document.read_text(encoding="utf-8"))
    store = Store(central)
    try:
        loaded = store.load_run(doc["run"]["id"])
        assert loaded.facility == FACILITY
        assert sorted(f.fingerprint for f in loaded.findings) == sorted(
            f["fingerprint"] for f in doc["findings"]
        )
    finally:
        store.close()
    assert f"run {doc['run']['id']} of facility {FACILITY}: ingested" in output
