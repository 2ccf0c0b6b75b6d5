"""The configuration scanner against the fleet lab (real Debian hosts booted with systemd-nspawn).

Read-only: the scanner changes nothing on the hosts. Run with the lab lock held:
``flock /tmp/hisguard-lab.lock .venv/bin/pytest -m lab tests/config``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from hisguard.lab import vault as lab_vault
from hisguard.scanners.config.catalog import catalog
from hisguard.scanners.config.scanner import ConfigOptions, scan_fleet
from hisguard.scanners.findings import Finding, Run, Severity, Status
from hisguard.scanners.inventory import HostTarget, Inventory, load_inventory
from tests.conftest import REPO
from tests.lab_fixture import LabInfo

pytestmark = pytest.mark.lab

INVENTORY = REPO / "inventories" / "lab"
VAULT_PASSWORD = INVENTORY / "vault-password.txt"
UNUSED_ADDRESS = "198.18.0.250"  # on the lab bridge, answered by nobody


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return load_inventory([str(INVENTORY)], str(VAULT_PASSWORD), lab_vault.vault_ids())


@pytest.fixture(scope="module")
def targets(lab: LabInfo, inventory: Inventory) -> list[HostTarget]:
    """The inventory hosts the lab has booted."""
    # Windows-shaped hosts are judged by the Windows scanner (tests/windows).
    booted = {h.name for h in lab.hosts if h.platform != "windows"}
    chosen = [t for t in inventory.hosts() if t.name in booted]
    assert chosen, "the lab booted no inventory host"
    return chosen


@pytest.fixture(scope="module")
def fleet_scan(targets: list[HostTarget]) -> list[Run]:
    return scan_fleet(targets, catalog(), ConfigOptions(workers=8))


def findings(runs: list[Run]) -> list[Finding]:
    return [f for run in runs for f in run.findings]


def test_every_booted_host_is_scanned_without_errors(
    fleet_scan: list[Run], targets: list[HostTarget]
) -> None:
    assert sorted(h for run in fleet_scan for h in run.hosts) == sorted(t.name for t in targets)
    assert [e.message for run in fleet_scan for e in run.errors] == []
    assert [(f.host, f.check_id, f.evidence) for f in findings(fleet_scan) if f.status == Status.ERROR] == []


def test_every_planted_configuration_weakness_is_found(
    lab: LabInfo, fleet_scan: list[Run], targets: list[HostTarget]
) -> None:
    failed = {(f.host, f.check_id.split(".")[0]) for f in findings(fleet_scan) if f.status == Status.FAIL}
    missed = []
    checked = 0
    for target in targets:
        for planted in lab.fleet.planted_on(lab.host(target.name)):
            families = [c for c in planted.check_ids if c.startswith("H")]
            if not families:
                continue  # credential, data and network weaknesses belong to the other scanners
            checked += 1
            if not any((target.name, family) in failed for family in families):
                missed.append(f"{target.name}: {planted.id} ({', '.join(families)})")
    assert checked > 0
    assert missed == []


def test_the_planted_weaknesses_are_found_by_the_right_checks(fleet_scan: list[Run]) -> None:
    failed = {(f.host, f.check_id) for f in findings(fleet_scan) if f.status == Status.FAIL}
    expected = {
        ("his-app-01", "H02.1"),  # PermitRootLogin yes
        ("his-app-01", "H02.2"),  # PasswordAuthentication yes
        ("his-app-01", "H10.1"),  # no ruleset, nftables disabled
        ("his-app-01", "H10.2"),
        ("his-app-01", "H12.1"),  # Unattended-Upgrade "0"
        ("his-app-01", "H12.2"),  # hisguard-lab-agent security update pending
        ("his-db-01", "H03.1"),  # listen_addresses = '*'
        ("his-db-01", "H03.2"),  # trust rule for his_app
        ("his-db-01", "H03.3"),  # postgres / postgres
        ("ws-01", "H06.1"),  # khach with an empty password
        ("ws-01", "H06.3"),  # NOPASSWD for nhanvien
        ("ws-01", "H01.1"),  # TigerVNC installed
        ("ws-01", "H01.2"),  # Xvnc on 5900
        ("ws-02", "H12.2"),
    }
    booted_hosts = {f.host for f in findings(fleet_scan)}
    assert {e for e in expected if e[0] in booted_hosts} <= failed


def test_the_clean_workstation_raises_no_high_or_critical_finding_beyond_its_planted_ones(
    lab: LabInfo, fleet_scan: list[Run]
) -> None:
    host = lab.host("ws-02")
    assert host.clean
    planted = {c for p in lab.fleet.planted_on(host) for c in p.check_ids}
    loud = [
        (f.check_id, f.evidence)
        for f in findings(fleet_scan)
        if f.host == "ws-02"
        and f.status == Status.FAIL
        and f.severity.at_least(Severity.HIGH)
        and f.check_id.split(".")[0] not in planted
    ]
    assert loud == []


def test_containers_make_auditd_not_applicable_but_rules_are_still_judged(fleet_scan: list[Run]) -> None:
    by_check = {(f.host, f.check_id): f for f in findings(fleet_scan)}
    auditd = by_check[("ws-02", "H08.1")]
    assert auditd.status == Status.NOT_APPLICABLE and "container" in auditd.evidence
    assert by_check[("ws-02", "H08.2")].status in (Status.PASS, Status.FAIL)


def wrong_key_line(address: str) -> str:
    public = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH)
    return f"{address} {public.decode()}\n"


def test_a_changed_host_key_is_refused(targets: list[HostTarget], tmp_path: Path) -> None:
    ws = next(t for t in targets if t.name == "ws-02")
    known = tmp_path / "known_hosts"
    known.write_text(wrong_key_line(ws.address))
    (run,) = scan_fleet([replace(ws, known_hosts_file=str(known))], catalog())
    assert run.hosts == () and run.findings == ()
    (error,) = run.errors
    assert error.target == "ws-02" and "host key CHANGED" in error.message
    # Trusting on first use never accepts a changed key.
    (run,) = scan_fleet(
        [replace(ws, known_hosts_file=str(known))], catalog(), ConfigOptions(trust_on_first_use=True)
    )
    assert "host key CHANGED" in run.errors[0].message
    assert known.read_text().count("\n") == 1  # nothing recorded beside the old key


def test_an_unknown_host_key_is_refused_unless_trusted_on_first_use(
    targets: list[HostTarget], tmp_path: Path
) -> None:
    ws = replace(next(t for t in targets if t.name == "ws-02"), known_hosts_file=str(tmp_path / "kh"))
    (run,) = scan_fleet([ws], catalog())
    assert "host key unknown" in run.errors[0].message and not (tmp_path / "kh").exists()
    (run,) = scan_fleet([ws], catalog(), ConfigOptions(trust_on_first_use=True))
    assert run.hosts == ("ws-02",) and run.errors == ()
    assert (tmp_path / "kh").read_text().startswith(ws.address + " ")


def test_a_stopped_host_is_an_error_entry_while_the_others_are_scanned(targets: list[HostTarget]) -> None:
    ghost = replace(targets[0], name="ws-99", address=UNUSED_ADDRESS)
    runs = scan_fleet([ghost, *targets], catalog(), ConfigOptions(connect_timeout=3))
    errors = [e for run in runs for e in run.errors]
    assert [e.target for e in errors] == ["ws-99"]
    assert errors[0].message.startswith(f"ws-99 ({UNUSED_ADDRESS}:22): ")
    assert sorted(h for run in runs for h in run.hosts) == sorted(t.name for t in targets)


def hisguard(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("hisguard")), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


BASE = ("scan", "config", "-i", str(INVENTORY), *lab_vault.vault_options(), "--no-store")


def test_cli_exit_status_and_json_document(lab: LabInfo, inventory: Inventory) -> None:
    done = hisguard(*BASE, "--facility", "75901", "--format", "json")
    assert done.returncode == 1, done.stderr  # the lab has high findings
    doc = json.loads(done.stdout)
    assert set(doc) == {"hisguard", "schema_version", "run", "findings", "errors"}
    assert doc["run"]["scanners"] == ["config"] and doc["run"]["facility"] == "75901"
    assert doc["errors"] == []
    first = doc["findings"][0]
    assert set(first) >= {
        "check_id",
        "status",
        "severity",
        "host",
        "resource",
        "title",
        "evidence",
        "fingerprint",
    }
    assert {f["scanner"] for f in doc["findings"]} == {"config"}
    assert {"pass", "fail"} <= {f["status"] for f in doc["findings"]}
    # ws-02's SSH is hardened: nothing at or above high in H02, medium and low remain.
    assert hisguard(*BASE, "--limit", "ws-02", "--check", "H02").returncode == 0
    assert hisguard(*BASE, "--limit", "ws-02", "--check", "H02", "--fail-on", "low").returncode == 1


def test_cli_every_host_unreachable_exits_2(tmp_path: Path) -> None:
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        "all:\n  children:\n    facility_75901:\n"
        '      vars: {facility_name: "Bệnh viện Ma", facility_networks: ["198.18.0.0/24"]}\n'
        f"      hosts:\n        ws-99: {{ansible_host: {UNUSED_ADDRESS}, ansible_user: hisadmin}}\n"
    )
    done = hisguard("scan", "config", "-i", str(inventory), "--no-store", "--format", "json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["errors"][0]["target"] == "ws-99"


def test_no_secret_reaches_the_output(lab: LabInfo, inventory: Inventory) -> None:
    done = hisguard(*BASE, "--facility", "75901", "--format", "json")
    secrets = {
        u.password for h in lab.hosts for p in lab.fleet.planted_on(h) for u in p.steps.users if u.password
    }
    secrets |= {u.password for h in lab.hosts for u in h.setup.users if u.password}
    for target in inventory.hosts("75901"):
        if target.become_password is not None:
            secrets.add(target.become_password.reveal())
    for account in inventory.facility("75901").portal_accounts:
        if account.password is not None:
            secrets.add(account.password.reveal())
    assert secrets
    leaked = [s for s in secrets if s and (s in done.stdout or s in done.stderr)]
    assert leaked == []
    assert "$y$" not in done.stdout and "SCRAM-SHA-256$" not in done.stdout  # no password hash either
