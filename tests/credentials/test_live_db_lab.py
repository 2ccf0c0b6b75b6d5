"""On the fleet lab: the live-database check reads his-db-01's PostgreSQL settings table with the
read-only account of the lab inventory and finds the planted portal login (C01, C03)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hisguard.lab import vault
from hisguard.scanners.credentials.scanner import run_facility
from hisguard.scanners.inventory import load_inventory
from tests.conftest import REPO

RESOURCE = "postgresql://his-db-01/his/public.ht_thamso"


@pytest.mark.lab
def test_live_database_settings_table_is_found(lab: Any) -> None:
    planted = [p.id for p in lab.fleet.planted_on(lab.host("his-db-01"))]
    assert "live-db-portal-credentials" in planted
    inv = load_inventory(
        [REPO / "inventories/lab"], str(REPO / "inventories/lab/vault-password.txt"), vault.vault_ids()
    )
    facility = inv.facility("75901")
    run = run_facility(facility, [facility.host("his-db-01")], [], budget=300)
    assert [e.message for e in run.errors if "postgresql://" in e.message] == []
    found = {f.check_id: f for f in run.findings if f.resource == RESOURCE}
    assert {"C01", "C03"} <= set(found), sorted(f"{f.check_id} {f.resource}" for f in run.findings)
    assert found["C01"].details.get("key", "").upper() == "MATKHAU_BHXH"
    # Nothing of the portal password nor of the database account's password leaves the check.
    document = json.dumps([f.to_dict() for f in run.findings], ensure_ascii=False, default=str)
    document += json.dumps([e.message for e in run.errors])
    secrets = [vault.portal_account("75901").password, vault.his_db_account()[1]]
    assert all(secret not in document for secret in secrets)
