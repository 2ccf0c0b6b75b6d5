"""The hardening roles, proven on freshly reset lab hosts (facility 75901), Molecule-style:

check mode (no change, no failure) -> converge -> idempotence (changed=0) -> patch_now twice ->
verify: the configuration checks each role owns pass, the controller still logs in, a port not
allowed is filtered (nmap from the machine), a broken firewall variable is refused without touching
the running ruleset, and no secret appears in Ansible's output or log.

harden.yml runs once per step for all four hosts together (not once per role): the assertions are
then made per role and per host. The hosts are reset again when the module ends, so later test
modules find the planted weaknesses. Timings are printed (pytest -s), never asserted: the timing
goals live in bench/harden/.

Run it under the lab lock: flock /tmp/hisguard-lab.lock .venv/bin/pytest -m lab tests/roles
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets as secrets_module
import shlex
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hisguard.lab import runner
from hisguard.lab import vault as lab_vault
from hisguard.lab.ssh import Session
from hisguard.scanners.findings import Status
from hisguard.scanners.inventory import HostTarget, load_inventory
from tests.lab_fixture import LabInfo
from tests.roles.ansible_run import (
    HARDEN,
    INVENTORY,
    ROTATE,
    VAULT_PASSWORD_FILE,
    PlaybookRun,
    run_playbook,
)

pytestmark = pytest.mark.lab

FACILITY = "75901"
HOSTS = ("his-app-01", "his-db-01", "ws-01", "ws-02")
LIMIT = ",".join(HOSTS)
HIS_HOST = "his-app-01"
DB_HOST = "his-db-01"
PORTAL_ACCOUNT = "egw-his"
# The plaintext copies planted on his-app-01 (lab/profiles/facility-75901.yml), as a facility
# would list them in host_vars after a credentials scan.
PLAINTEXT_COPIES = [
    {"path": "/opt/his/appsettings.json", "account": PORTAL_ACCOUNT},
    {"path": "/opt/his/HisClient.exe.config", "account": PORTAL_ACCOUNT},
    {"path": "/etc/cron.daily/bhxh-sync", "account": PORTAL_ACCOUNT},
    {"path": "/root/.bash_history", "account": PORTAL_ACCOUNT},
    {"path": "/var/www/his/assets/index-Dk3f9XqA.js", "account": PORTAL_ACCOUNT},
    {"path": "/var/log/his/access.log", "account": PORTAL_ACCOUNT},
]
# A stand-in for the HIS service that uses the portal account: it reads the credential systemd
# decrypts for it and records only its length.
CONSUMER_UNIT = "his-portal-check.service"
CONSUMER = """[Unit]
Description=hisguard test: a service that reads the BHXH portal account from systemd credentials
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'wc -c < "$CREDENTIALS_DIRECTORY/egw-his" > /run/his-portal-check.len'
"""
EXTRA_VARS: dict[str, object] = {
    "credential_store_plaintext_copies": PLAINTEXT_COPIES,
    "credential_store_services": [{"unit": CONSUMER_UNIT, "accounts": ["egw-his"]}],
    # The planted copies are test data, not evidence: the evidence guard is overridden, with a
    # reason (tests/investigation covers the guard itself).
    "credential_store_evidence_override": "lab test: the planted copies are test data",
    # The database port only for the HIS server (remediation of H03): the machine must not reach it.
    "firewall_port_sources": {"5432": ["198.18.0.10/32"]},
}
# Roles applied to each host by harden.yml (workstation's remote_access area runs everywhere).
BASELINE_ROLES = ("ssh_hardening", "accounts", "audit_logging", "firewall", "patch_baseline", "workstation")
# Files and state a --check run must leave untouched.
WATCHED_TREES = (
    "/etc /usr/share/pam-configs /var/lib/hisguard /var/backups/hisguard /var/lib/systemd/credential.secret"
)
TIMINGS: dict[str, float] = {}


@dataclass
class Hardened:
    """What the module-scoped run produced, for the tests to judge."""

    workdir: Path
    targets: dict[str, HostTarget]
    # repr=False: pytest prints the repr of objects in a failed assertion; secrets never go there.
    secrets: list[str] = field(repr=False)
    rotated_accounts: list[dict[str, object]] = field(repr=False)
    runs: dict[str, PlaybookRun] = field(default_factory=dict)
    check_mode_changes: dict[str, list[str]] = field(default_factory=dict)
    ruleset_before_broken: dict[str, str] = field(default_factory=dict)
    consumer_before: str = ""
    consumer_after: str = ""
    stored_after_rotation: str = field(default="", repr=False)


def _secret_forms(value: str) -> list[str]:
    digest = hashlib.md5(value.encode()).hexdigest()
    return [value, digest, digest.upper()]


def _database_vault_values() -> list[str]:
    """The database passwords of the lab vault (role database), as Ansible decrypts them."""
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-inventory"),
            "-i",
            str(INVENTORY),
            *lab_vault.vault_options(),
            "--host",
            DB_HOST,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    variables = json.loads(done.stdout)
    values = [str(v) for k, v in variables.items() if k.startswith("vault_database_")]
    assert len(values) == 2
    return values


def _load_targets() -> tuple[dict[str, HostTarget], list[str], list[dict[str, object]]]:
    """The hosts, every secret to look for in Ansible's output, and the accounts with a NEW
    password (a random test value) for the rotation run."""
    inventory = load_inventory([str(INVENTORY)], str(VAULT_PASSWORD_FILE), lab_vault.vault_ids())
    facility = inventory.facility(FACILITY)
    targets = {h.name: h for h in facility.hosts if h.name in HOSTS}
    secrets: list[str] = []
    rotated: list[dict[str, object]] = []
    for account in facility.portal_accounts:
        if account.password is not None:
            secrets += _secret_forms(account.password.reveal())
        new_password = "Rot@" + secrets_module.token_urlsafe(9)
        secrets += _secret_forms(new_password)
        rotated.append(
            {
                "name": account.name,
                "username": account.username,
                "holder": account.holder,
                "purpose": account.purpose,
                "allowed_hosts": list(account.allowed_hosts),
                "password": new_password,
            }
        )
    for target in targets.values():
        if target.become_password is not None:
            secrets.append(target.become_password.reveal())
    secrets += _database_vault_values()
    return targets, sorted(set(secrets)), rotated


def _sudo(lab: LabInfo, host: str, command: str) -> str:
    result = lab.ssh(host).run(command, sudo=True)
    assert result.status == 0, f"{host}: `{command.split()[0]}` failed with status {result.status}"
    return result.stdout


def _snapshot(lab: LabInfo, host: str) -> dict[str, str]:
    """Path -> "mtime ctime" of everything under WATCHED_TREES, plus the nft ruleset's digest."""
    out = _sudo(
        lab,
        host,
        f"find {WATCHED_TREES} -xdev -printf '%p %T@ %C@\\n' 2>/dev/null; "
        'echo "nft-ruleset $(nft list ruleset 2>/dev/null | sha256sum | cut -c1-64)"',
    )
    snapshot = {}
    for line in out.splitlines():
        if line.startswith("nft-ruleset "):
            snapshot["nft-ruleset"] = line.split(" ", 1)[1]
        elif line:
            path, mtime, ctime = line.rsplit(" ", 2)
            snapshot[path] = f"{mtime} {ctime}"
    return snapshot


def _differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def _ruleset(lab: LabInfo, host: str) -> str:
    return _sudo(lab, host, "nft list ruleset")


def _timed(name: str, run: PlaybookRun) -> PlaybookRun:
    TIMINGS[name] = run.seconds
    # Each run's output is kept beside the Ansible log (HISGUARD_HARDEN_WORKDIR keeps them after the run).
    slug = "".join(c if c.isalnum() else "-" for c in name).strip("-")
    (run.workdir / f"{slug}.out").write_text(run.output)
    print(f"\n[harden] {name}: {run.seconds:.1f} s, rc={run.returncode}, recap={run.recap}")
    return run


@pytest.fixture(scope="module")
def hardened(lab: LabInfo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hardened]:
    booted = {h.name for h in lab.hosts}
    missing = [h for h in HOSTS if h not in booted]
    if missing:
        pytest.skip(f"lab hosts not booted: {', '.join(missing)}")
    chosen = os.environ.get("HISGUARD_HARDEN_WORKDIR")
    workdir = Path(chosen) if chosen else tmp_path_factory.mktemp("harden")
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "ansible.log").unlink(missing_ok=True)
    targets, secrets, rotated = _load_targets()
    state = Hardened(workdir, targets, secrets, rotated)
    start = time.monotonic()
    runner.reset_hosts(list(HOSTS))
    lab.close()  # the reset hosts have new sessions
    TIMINGS["reset before"] = time.monotonic() - start
    try:
        _sudo(
            lab,
            HIS_HOST,
            f"printf '%s' {shlex.quote(CONSUMER)} > /etc/systemd/system/{CONSUMER_UNIT}"
            " && systemctl daemon-reload",
        )
        before = {host: _snapshot(lab, host) for host in HOSTS}
        state.runs["check"] = _timed(
            "check mode (fresh)",
            run_playbook(HARDEN, workdir, limit=LIMIT, extra=["--check", "--diff"], extra_vars=EXTRA_VARS),
        )
        for host in HOSTS:
            state.check_mode_changes[host] = _differences(before[host], _snapshot(lab, host))
        state.runs["converge"] = _timed(
            "converge", run_playbook(HARDEN, workdir, limit=LIMIT, extra=["--diff"], extra_vars=EXTRA_VARS)
        )
        state.runs["idempotence"] = _timed(
            "idempotent re-run", run_playbook(HARDEN, workdir, limit=LIMIT, extra_vars=EXTRA_VARS)
        )
        state.runs["patch_now"] = _timed(
            "--tags patch_now",
            run_playbook(HARDEN, workdir, limit=LIMIT, extra=["--tags", "patch_now"], extra_vars=EXTRA_VARS),
        )
        state.runs["patch_now_again"] = _timed(
            "--tags patch_now again",
            run_playbook(HARDEN, workdir, limit=LIMIT, extra=["--tags", "patch_now"], extra_vars=EXTRA_VARS),
        )
        state.runs["rotate"] = _timed(
            "rotate-portal-credentials.yml (no change in the vault)",
            run_playbook(ROTATE, workdir, limit=HIS_HOST),
        )
        _sudo(lab, HIS_HOST, f"systemctl start {CONSUMER_UNIT}")
        state.consumer_before = _sudo(lab, HIS_HOST, "cat /run/his-portal-check.len").strip()
        rotated_vars = {"hisguard_portal_accounts": state.rotated_accounts}
        rotated_vars["credential_store_services"] = EXTRA_VARS["credential_store_services"]
        state.runs["rotate_new"] = _timed(
            "rotate-portal-credentials.yml (new vault value)",
            run_playbook(ROTATE, workdir, limit=HIS_HOST, extra_vars=rotated_vars),
        )
        state.runs["rotate_new_again"] = _timed(
            "rotate-portal-credentials.yml (same new value again)",
            run_playbook(ROTATE, workdir, limit=HIS_HOST, extra_vars=rotated_vars),
        )
        _sudo(lab, HIS_HOST, f"systemctl start {CONSUMER_UNIT}")
        state.consumer_after = _sudo(lab, HIS_HOST, "cat /run/his-portal-check.len").strip()
        state.stored_after_rotation = _sudo(
            lab,
            HIS_HOST,
            f"systemd-creds decrypt --name={PORTAL_ACCOUNT}"
            f" /etc/hisguard/portal-credentials/{PORTAL_ACCOUNT}.cred -",
        )
        # A deliberately broken firewall variable: a port out of range, and a bad CIDR.
        state.ruleset_before_broken = {h: _ruleset(lab, h) for h in (HIS_HOST, DB_HOST)}
        broken = dict(EXTRA_VARS, hisguard_allowed_tcp_ports=[22, 443, 70000])
        state.runs["broken_port"] = _timed(
            "broken port",
            run_playbook(HARDEN, workdir, limit=HIS_HOST, extra=["--tags", "firewall"], extra_vars=broken),
        )
        broken = dict(EXTRA_VARS, hisguard_management_networks=["198.18.0.300/32"])
        state.runs["broken_cidr"] = _timed(
            "broken CIDR",
            run_playbook(HARDEN, workdir, limit=DB_HOST, extra=["--tags", "firewall"], extra_vars=broken),
        )
        # Management networks that leave the controller out: refused before anything changes.
        broken = dict(EXTRA_VARS, hisguard_management_networks=["198.18.0.250/32"])
        state.runs["lockout"] = _timed(
            "controller outside the management networks",
            run_playbook(HARDEN, workdir, limit=DB_HOST, extra=["--tags", "firewall"], extra_vars=broken),
        )
        yield state
    finally:
        print("\n[harden] timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in TIMINGS.items()))
        lab.close()
        runner.reset_hosts(list(HOSTS))


def test_check_mode_on_fresh_hosts_changes_nothing_and_fails_nothing(hardened: Hardened) -> None:
    run = hardened.runs["check"]
    assert run.returncode == 0, run.tail()
    for host in HOSTS:
        assert run.count(host, "failed") == 0, run.tail()
        assert run.count(host, "unreachable") == 0, run.tail()
        assert hardened.check_mode_changes[host] == [], f"{host}: --check changed these"


def test_converge_succeeds(hardened: Hardened) -> None:
    run = hardened.runs["converge"]
    assert run.returncode == 0, run.tail()
    for host in HOSTS:
        assert run.count(host, "failed") == 0, run.tail()
        assert run.count(host, "changed") > 0


def test_second_run_changes_nothing(hardened: Hardened) -> None:
    run = hardened.runs["idempotence"]
    assert run.returncode == 0, run.tail()
    for host in HOSTS:
        assert run.count(host, "changed") == 0, f"{host}: changed {run.changed_tasks(host)}"


def test_converge_installs_the_pending_security_update_once(hardened: Hardened) -> None:
    # A patch baseline that patches: the first run installs the pending update (the lab's
    # update server serves one on purpose), later runs and --tags patch_now find nothing to do.
    converge = hardened.runs["converge"]
    first, again = hardened.runs["patch_now"], hardened.runs["patch_now_again"]
    assert first.returncode == 0, first.tail()
    for host in HOSTS:
        assert "patch_baseline : Install the pending security updates (unattended-upgrade)" in (
            converge.changed_tasks(host)
        )
        assert first.count(host, "changed") == 0, f"{host}: changed {first.changed_tasks(host)}"
        assert again.count(host, "changed") == 0, f"{host}: changed {again.changed_tasks(host)}"


def test_rotation_without_a_new_vault_value_changes_nothing(hardened: Hardened) -> None:
    run = hardened.runs["rotate"]
    assert run.returncode == 0, run.tail()
    assert run.count(HIS_HOST, "changed") == 0, run.changed_tasks(HIS_HOST)


def test_rotation_to_a_new_vault_value_updates_the_store_and_the_service(hardened: Hardened) -> None:
    run, again = hardened.runs["rotate_new"], hardened.runs["rotate_new_again"]
    assert run.returncode == 0, run.tail()
    changed = run.changed_tasks(HIS_HOST)
    assert "credential_store : Encrypt the accounts whose value changed (systemd-creds)" in changed
    assert "credential_store : Restart the services that use the accounts" in changed
    assert again.count(HIS_HOST, "changed") == 0, again.changed_tasks(HIS_HOST)
    new_password = str(hardened.rotated_accounts[0]["password"])
    # Compared into a bool first: pytest would print both sides of a failed comparison.
    rotated = hardened.stored_after_rotation == new_password
    assert rotated, "the store does not hold the rotated value"
    # The service read the credential through systemd (LoadCredentialEncrypted) before and after.
    assert int(hardened.consumer_after) == len(new_password.encode())
    assert int(hardened.consumer_before) > 0


@pytest.mark.parametrize("host", HOSTS)
def test_checks_owned_by_each_role_pass(hardened: Hardened, host: str) -> None:
    from hisguard.scanners.config import run_checks

    target = hardened.targets[host]
    roles = list(BASELINE_ROLES) + (["credential_store"] if "his_servers" in target.groups else [])
    roles += ["database"] if "db_servers" in target.groups else []
    failing = []
    for role in roles:
        for finding in run_checks(target, role=role):
            if finding.status in (Status.FAIL, Status.ERROR):
                failing.append(f"{role}: {finding.check_id} {finding.resource}: {finding.evidence}")
    assert failing == []


def test_controller_still_logs_in(hardened: Hardened, lab: LabInfo) -> None:
    for host in HOSTS:
        lab.close()
        with Session(lab.host(host).address) as session:
            assert session.run("id -un").stdout.strip() == "hisadmin"
            assert session.run("true", sudo=True).status == 0


def _nmap(address: str, ports: str) -> dict[int, str]:
    # Only lab addresses; a handful of ports with short retries (a dropping host is slow to scan).
    assert address.startswith("198.18.")
    done = subprocess.run(
        [
            "nmap",
            "-sT",
            "-Pn",
            "-n",
            "-p",
            ports,
            "--max-retries",
            "1",
            "--host-timeout",
            "60s",
            "-oX",
            "-",
            address,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    states = {}
    for port in ET.fromstring(done.stdout).iter("port"):
        state = port.find("state")
        states[int(port.get("portid", "0"))] = state.get("state", "") if state is not None else ""
    return states


def test_port_not_allowed_is_filtered(hardened: Hardened, lab: LabInfo) -> None:
    # his-app-01 serves 8080 (his-web) but its group allows 22 and 443 only.
    states = _nmap(lab.host(HIS_HOST).address, "22,443,8080")
    assert states == {22: "open", 443: "closed", 8080: "filtered"}
    # his-db-01: PostgreSQL 5432 is opened to the HIS server only, not to the machine.
    states = _nmap(lab.host(DB_HOST).address, "22,5432")
    assert states == {22: "open", 5432: "filtered"}
    # ws-01: the VNC server is gone and its port dropped.
    states = _nmap(lab.host("ws-01").address, "22,5900")
    assert states == {22: "open", 5900: "filtered"}


@pytest.mark.parametrize(
    ("run_name", "host", "reason"),
    [
        ("broken_port", HIS_HOST, "hisguard_allowed_tcp_ports: 70000"),
        ("broken_cidr", DB_HOST, "hisguard_management_networks: '198.18.0.300/32'"),
        ("lockout", DB_HOST, "not in\nhisguard_management_networks"),
    ],
)
def test_broken_firewall_variable_is_refused_without_touching_the_ruleset(
    hardened: Hardened, lab: LabInfo, run_name: str, host: str, reason: str
) -> None:
    run = hardened.runs[run_name]
    assert run.returncode != 0
    assert run.count(host, "failed") == 1
    assert run.count(host, "changed") == 0
    assert " ".join(reason.split()) in " ".join(run.output.split())
    assert _ruleset(lab, host) == hardened.ruleset_before_broken[host]


def test_credential_store_holds_the_account_and_no_plaintext_copy_remains(
    hardened: Hardened, lab: LabInfo
) -> None:
    listing = _sudo(
        lab,
        HIS_HOST,
        "stat -c '%n %U %G %a' /etc/hisguard/portal-credentials /etc/hisguard/portal-credentials/*",
    )
    lines = sorted(listing.split("\n")[:-1])
    assert lines[0] == "/etc/hisguard/portal-credentials root his 750"
    assert len(lines) == 2 and lines[1].endswith(" root his 440"), lines
    stored = lines[1].split()[0]
    # The store decrypts to the vault value (compared here, never printed).
    if stored.endswith(".cred"):
        value = _sudo(lab, HIS_HOST, f"systemd-creds decrypt --name={PORTAL_ACCOUNT} {stored} -")
    else:
        value = _sudo(lab, HIS_HOST, f"cat {stored}")
    # Booleans only: pytest would print both sides of a failed comparison of secrets.
    held = value in hardened.secrets
    assert held, "the store does not hold the vault's portal password"
    # Every listed copy: no password, no MD5 left; a reference instead; a root-only backup.
    for copy in PLAINTEXT_COPIES:
        raw = _sudo(lab, HIS_HOST, f"base64 -w0 {copy['path']}")
        data = base64.b64decode(raw)
        text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode()
        still_there = any(s in text for s in hardened.secrets)
        assert not still_there, f"a secret is still in {copy['path']}"
        assert "${file:/etc/hisguard/portal-credentials/" in text, copy["path"]
    backups = _sudo(
        lab,
        HIS_HOST,
        "stat -c '%a %U' /var/backups/hisguard/credential-store /var/backups/hisguard/credential-store/*",
    )
    modes = backups.split("\n")[:-1]
    assert modes[0] == "700 root"
    assert len(modes) == 1 + len(PLAINTEXT_COPIES) and all(m == "600 root" for m in modes[1:]), modes


def test_no_secret_in_ansible_output_or_log(hardened: Hardened) -> None:
    assert hardened.secrets, "no vault value decrypted: nothing to look for"
    log = (hardened.workdir / "ansible.log").read_text(errors="replace")
    assert len(log) > 1000
    for name, run in hardened.runs.items():
        leaked = [i for i, s in enumerate(hardened.secrets) if s in run.output]
        assert leaked == [], f"run {name}: vault value(s) #{leaked} in Ansible's output"
    leaked = [i for i, s in enumerate(hardened.secrets) if s in log]
    assert leaked == [], f"vault value(s) #{leaked} in Ansible's log"
