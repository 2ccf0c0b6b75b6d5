"""``hisguard evidence collect`` and ``hisguard evidence verify``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from hisguard.reports.investigation.lookup import username_for
from hisguard.reports.investigation.targets import (
    account_findings,
    build_targets,
    fingerprint_findings,
)
from hisguard.scanners.cli_options import facility_code, inventory_options
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.evidence.collect import collect
from hisguard.scanners.evidence.pack import verify_pack
from hisguard.scanners.inventory import Inventory, load_inventory
from hisguard.scanners.terminal import terminal_safe


@click.group("evidence")
def evidence() -> None:
    """Keep the evidence of a leak before anything is repaired."""


def _known_secrets(inventory: Inventory) -> list[str]:
    secrets = []
    for facility in inventory.facilities.values():
        secrets += [a.password.reveal() for a in facility.portal_accounts if a.password is not None]
        secrets += [h.become_password.reveal() for h in facility.hosts if h.become_password is not None]
    return secrets


@evidence.command("collect")
@click.option("--account", help="Portal account: register name, username or keyed fingerprint.")
@click.option("--finding", "fingerprints", multiple=True, help="A finding's fingerprint; repeatable.")
@click.option("--facility", callback=facility_code, help="5-digit facility code (a register name needs it).")
@click.option("--store", "store_url", envvar="HISGUARD_STORE", help="SQLAlchemy URL of the findings store.")
@inventory_options
@click.option("--out", required=True, type=click.Path(file_okay=False), help="New directory for the pack.")
def collect_command(
    account: str | None,
    fingerprints: tuple[str, ...],
    facility: str | None,
    store_url: str | None,
    inventory_paths: tuple[str, ...],
    vault_password_file: str | None,
    out: str,
) -> None:
    """Copy, read-only, what the hosts hold about an account or findings, hashed and signed."""
    if bool(account) == bool(fingerprints):
        raise click.UsageError("give --account NAME or --finding FP (one of them)")
    if not inventory_paths:
        raise click.UsageError("-i INVENTORY is needed to reach the hosts")
    inventory = load_inventory(inventory_paths, vault_password_file)
    from hisguard.scanners.store import Store

    store = Store(store_url, read_only=True)
    subject: dict[str, Any]
    try:
        if account:
            username = username_for(account, inventory, facility)
            seen = account_findings(store, username, inventory, facility)
            subject = {"account": account.strip()[:80], "username": username[:80]}
        else:
            seen = fingerprint_findings(store, fingerprints, facility)
            subject = {"findings": sorted({fp.strip()[:80] for fp in fingerprints})}
    finally:
        store.close()
    if not seen:
        raise HisguardError("the store holds no finding for that account or fingerprint: nothing to collect")
    targets = build_targets(seen, inventory)
    done = collect(targets, Path(out), subject=subject, known_secrets=_known_secrets(inventory))
    click.echo(f"evidence pack {done.pack_id}: {done.items} items in {terminal_safe(str(done.root))}")
    for host, marker in sorted(done.markers.items()):
        click.echo(f"  marker on {terminal_safe(host)}: {marker}")
    for error in done.errors:
        click.echo(f"hisguard: warning: {terminal_safe(error)}", err=True)
    if done.errors:
        raise click.exceptions.Exit(2)


@evidence.command("verify")
@click.argument("pack", type=click.Path(file_okay=False))
def verify_command(pack: str) -> None:
    """Recheck every item's SHA-256 and the manifest's signature."""
    result = verify_pack(Path(pack))
    for problem in result.problems:
        click.echo(f"FAIL {terminal_safe(problem)}")
    if not result.ok:
        click.echo(f"evidence pack {terminal_safe(result.pack_id)}: {len(result.problems)} problem(s)")
        raise click.exceptions.Exit(1)
    click.echo(
        f"evidence pack {terminal_safe(result.pack_id)}: {result.items} items, "
        "every hash and the signature verify"
    )
