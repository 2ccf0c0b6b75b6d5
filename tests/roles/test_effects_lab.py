"""The catalogs' "fixes" claims, proven on the lab: scan, harden.yml, scan again.

Every catalog entry says what its role does to its finding (``effect``: fixes, mitigates,
manual) and the reports claim "Xử lý" only for "fixes". Here the four Linux hosts of facility
75901 are reset, scanned (``scan all``), hardened with harden.yml (the same extra variables as
tests/roles/test_harden_lab.py: the plaintext copies listed, the database port opened to the HIS
server) and scanned again. Every finding of the first scan on a host harden.yml manages, whose
entry says "fixes" and whose control area ran there, must be gone from the second.

Run it under the lab lock:
    flock /tmp/hisguard-lab.lock .venv/bin/pytest -m lab tests/roles/test_effects_lab.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from hisguard.lab import runner
from hisguard.reports.harden_plays import groups_for, harden_manages
from hisguard.scanners.catalog import ids, roles
from hisguard.scanners.inventory import load_inventory
from tests.lab_fixture import LabInfo
from tests.roles.ansible_run import HARDEN, INVENTORY, REPO, VAULT_PASSWORD_FILE, PlaybookRun, run_playbook
from tests.roles.test_harden_lab import EXTRA_VARS, FACILITY, HOSTS, LIMIT

pytestmark = pytest.mark.lab

HISGUARD = str(Path(sys.executable).parent / "hisguard")
# No consumer service is installed here (test_harden_lab plants one): the store needs none.
HARDEN_VARS = {k: v for k, v in EXTRA_VARS.items() if k != "credential_store_services"}


@dataclass
class Rescanned:
    before: list[dict[str, Any]]
    after: list[dict[str, Any]]
    harden: PlaybookRun
    host_vars: dict[str, dict[str, Any]]
    groups: dict[str, tuple[str, ...]]


def _scan(keep: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        [
            HISGUARD,
            "scan",
            "all",
            "-i",
            str(INVENTORY),
            "--vault-password-file",
            str(VAULT_PASSWORD_FILE),
            "--facility",
            FACILITY,
            "--limit",
            LIMIT,
            "--format",
            "json",
            "--no-store",
        ],
        capture_output=True,
        text=True,
        timeout=1200,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    # HISGUARD_EFFECTS_KEEP=DIR keeps both scan documents (for a report of the lab facility).
    kept = os.environ.get("HISGUARD_EFFECTS_KEEP")
    if kept:
        Path(kept, f"{keep}.json").write_text(done.stdout, encoding="utf-8")
    findings: list[dict[str, Any]] = json.loads(done.stdout)["findings"]
    return findings


def _host_vars(host: str) -> dict[str, Any]:
    """The inventory's variables of ``host`` (group_vars included), as Ansible resolves them."""
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-inventory"),
            "-i",
            str(INVENTORY),
            "--vault-password-file",
            str(VAULT_PASSWORD_FILE),
            "--host",
            host,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    variables: dict[str, Any] = json.loads(done.stdout)
    return variables


def _role_defaults(role: str) -> dict[str, Any]:
    path = REPO / "roles" / role / "defaults" / "main.yml"
    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return loaded or {}


def area_ran(role: str, tags: tuple[str, ...], host_vars: dict[str, Any], groups: tuple[str, ...]) -> bool:
    """harden.yml applies ``role`` to the host and every one of the areas ``tags`` is switched on."""
    if not harden_manages(groups) or not set(groups) & set(groups_for(role, tags)):
        return False
    defaults = _role_defaults(role)
    toggles = roles()[role]
    for tag in tags:
        variable = toggles[tag]
        value = HARDEN_VARS.get(variable, host_vars.get(variable, defaults.get(variable, True)))
        if not value:
            return False
    return True


@pytest.fixture(scope="module")
def rescanned(lab: LabInfo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rescanned]:
    booted = {h.name for h in lab.hosts}
    missing = [h for h in HOSTS if h not in booted]
    if missing:
        pytest.skip(f"lab hosts not booted: {', '.join(missing)}")
    workdir = tmp_path_factory.mktemp("effects")
    runner.reset_hosts(list(HOSTS))
    lab.close()
    try:
        before = _scan("before")
        harden = run_playbook(HARDEN, workdir, limit=LIMIT, extra_vars=HARDEN_VARS, timeout=1500)
        print(f"\n[effects] harden.yml: {harden.seconds:.1f} s, rc={harden.returncode}, recap={harden.recap}")
        after = _scan("after")
        facility = load_inventory([str(INVENTORY)], str(VAULT_PASSWORD_FILE)).facility(FACILITY)
        groups = {h.name: h.groups for h in facility.hosts if h.name in HOSTS}
        yield Rescanned(before, after, harden, {h: _host_vars(h) for h in HOSTS}, groups)
    finally:
        lab.close()
        runner.reset_hosts(list(HOSTS))


def _claimed_fixed(rescanned: Rescanned) -> list[dict[str, Any]]:
    catalog = ids.entries()
    claimed = []
    for finding in rescanned.before:
        meta = catalog.get(finding["check_id"])
        if finding["status"] != "fail" or meta is None or meta.remediation.effect != "fixes":
            continue
        role = meta.remediation.role
        assert role is not None  # the validator's rule: "fixes" has a role
        host_vars = rescanned.host_vars.get(finding["host"])
        if host_vars is not None and area_ran(
            role, meta.remediation.tags, host_vars, rescanned.groups[finding["host"]]
        ):
            claimed.append(finding)
    return claimed


def test_harden_succeeds(rescanned: Rescanned) -> None:
    assert rescanned.harden.returncode == 0, rescanned.harden.tail()
    for host in HOSTS:
        assert rescanned.harden.count(host, "failed") == 0, rescanned.harden.tail()


def test_every_finding_an_entry_says_its_role_fixes_is_gone_after_harden(rescanned: Rescanned) -> None:
    claimed = _claimed_fixed(rescanned)
    # The lab plants weaknesses of every role: a handful of claims is not a proof.
    assert len({f["check_id"] for f in claimed}) >= 15, sorted({f["check_id"] for f in claimed})
    still_failing = {f["fingerprint"] for f in rescanned.after if f["status"] == "fail"}
    left = sorted(
        f"{f['check_id']} {f['host']} {f['resource']}" for f in claimed if f["fingerprint"] in still_failing
    )
    assert left == []
    mitigated = [
        f
        for f in rescanned.before
        if f["status"] == "fail"
        and (meta := ids.entries().get(f["check_id"])) is not None
        and meta.remediation.effect == "mitigates"
    ]
    remaining = sum(1 for f in mitigated if f["fingerprint"] in still_failing)
    print(
        f"\n[effects] fixes claimed {len(claimed)}, all gone; mitigations {len(mitigated)}, "
        f"{remaining} still reported"
    )
