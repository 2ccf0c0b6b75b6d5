"""On the fleet lab: every planted credential and export is found with its ids; ws-02 is clean."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import pytest

from hisguard.lab import vault as lab_vault
from hisguard.scanners.credentials.rules import default_rules
from hisguard.scanners.credentials.scanner import run_facility
from hisguard.scanners.inventory import load_inventory
from tests.conftest import REPO

OURS = ("C", "D")


def _run(code: str) -> Any:
    inv = load_inventory(
        [REPO / "inventories/lab"], str(REPO / "inventories/lab/vault-password.txt"), lab_vault.vault_ids()
    )
    facility = inv.facility(code)
    return run_facility(facility, facility.hosts, [], budget=300)


@pytest.mark.lab
def test_planted_items_are_found_and_clean_host_is_quiet(lab: Any) -> None:
    assert default_rules()
    run = _run("75901")
    booted = {h.name for h in lab.hosts}
    assert not [e for e in run.errors if e.target in booted and "python3" in e.message]
    for host in lab.hosts:
        if host.facility != "75901" or host.platform == "windows":
            continue  # the Windows-shaped hosts are read over SMB (tests/windows)
        findings = [f for f in run.findings if f.host == host.name]
        if host.clean:
            assert [f for f in findings if f.check_id.startswith(OURS)] == [], host.name
            continue
        for planted in lab.fleet.planted_on(host):
            wanted = {c for c in planted.check_ids if c.startswith(OURS)}
            if not wanted or not planted.path:
                continue
            folder = str(PurePosixPath(planted.path).parent)
            # A document or an archive is reported by its members: path!member.
            got = {
                f.check_id
                for f in findings
                if f.resource in (planted.path, folder) or f.resource.startswith(planted.path + "!")
            }
            assert wanted <= got, (host.name, planted.id, sorted(wanted - got))
