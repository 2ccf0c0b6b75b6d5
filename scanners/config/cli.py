"""``hisguard scan config``: the configuration check catalog over SSH, hosts in parallel."""

from __future__ import annotations

import click

from hisguard.scanners.cli_options import (
    finish_scan,
    inventory_options,
    open_inventory,
    output_options,
    target_options,
)
from hisguard.scanners.config.catalog import catalog, select
from hisguard.scanners.config.scanner import DEFAULT_WORKERS, ScanOptions, scan_fleet


@click.command("config")
@inventory_options
@target_options
@click.option("--all", "all_groups", is_flag=True, help="Run every check on every host, whatever its groups.")
@click.option(
    "--check",
    "check_ids",
    multiple=True,
    help="Only this check (H02.1) or family (H02); repeatable.",
)
@click.option(
    "--trust-on-first-use",
    is_flag=True,
    help="Record the host key of a host not yet in known_hosts (a changed key is still refused).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    default=DEFAULT_WORKERS,
    show_default=True,
    help="Hosts scanned at the same time.",
)
@output_options
def config_command(
    inventory_paths: tuple[str, ...],
    vault_password_file: str | None,
    facility: str | None,
    limit: str | None,
    all_groups: bool,
    check_ids: tuple[str, ...],
    trust_on_first_use: bool,
    workers: int,
    output_format: str,
    store_url: str | None,
    no_store: bool,
    fail_on: str,
    lang: str,
) -> int:
    """Log in to each host and judge its configuration (SSH, accounts, logging, firewall, patches...).

    Read-only: one SSH connection and one batched command per host. A host that cannot be
    scanned is an error entry; the others are still scanned.
    """
    inventory = open_inventory(inventory_paths, vault_password_file)
    targets = inventory.hosts(facility, limit)
    checks = select(catalog(), check_ids=check_ids or None)
    options = ScanOptions(ignore_groups=all_groups, trust_on_first_use=trust_on_first_use, workers=workers)
    runs = scan_fleet(targets, checks, options)
    return finish_scan(
        runs,
        output_format=output_format,
        store_url=store_url,
        no_store=no_store,
        fail_on=fail_on,
        lang=lang,
        inventory=inventory,
        inventory_paths=inventory_paths,
    )
