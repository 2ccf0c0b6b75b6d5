"""Shared by the evidence lab tests: a store with the lab's credential findings, and a pack."""

from __future__ import annotations

import hashlib
from pathlib import Path

from click.testing import CliRunner, Result

from hisguard.lab import vault as lab_vault
from hisguard.scanners.cli import cli
from hisguard.scanners.credentials.scanner import run_facility
from hisguard.scanners.inventory import Inventory, load_inventory
from hisguard.scanners.store import Store
from tests.conftest import REPO

INVENTORY = REPO / "inventories/lab"
VAULT = REPO / "inventories/lab/vault-password.txt"
FACILITY = "75901"
HOST = "his-app-01"


def lab_inventory() -> Inventory:
    return load_inventory([INVENTORY], str(VAULT), lab_vault.vault_ids())


def scanned_store(tmp: Path) -> str:
    """A SQLite store holding one credential scan of his-app-01."""
    inventory = lab_inventory()
    facility = inventory.facility(FACILITY)
    run = run_facility(facility, [h for h in facility.hosts if h.name == HOST], [], budget=300)
    url = f"sqlite:///{tmp / 'store.db'}"
    store = Store(url)
    try:
        store.save_runs([run])
    finally:
        store.close()
    return url


def collect(store_url: str, out: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        [
            "evidence",
            "collect",
            *args,
            "--store",
            store_url,
            "-i",
            str(INVENTORY),
            *lab_vault.vault_options(),
            "--out",
            str(out),
        ],
    )


def secret_values(inventory: Inventory) -> list[str]:
    """Every vault secret of the lab inventory, and the MD5 forms the planted scripts use."""
    values = []
    for facility in inventory.facilities.values():
        for account in facility.portal_accounts:
            if account.password is not None:
                plain = account.password.reveal()
                md5 = hashlib.md5(plain.encode(), usedforsecurity=False).hexdigest()
                values += [plain, md5, md5.upper()]
        for host in facility.hosts:
            if host.become_password is not None:
                values.append(host.become_password.reveal())
    return [v for v in values if len(v) >= 6]
