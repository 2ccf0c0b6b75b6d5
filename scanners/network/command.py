"""``hisguard scan network``: options in, one Run per facility out, through ``finish_scan``.

Everything that can refuse the command (inventory, ports, scope, settings, risk table) runs before
the first nmap process starts.
"""

from __future__ import annotations

import sys

import click

from hisguard.scanners.cli_options import (
    finish_scan,
    inventory_options,
    open_inventory,
    output_options,
    target_options,
)
from hisguard.scanners.network.driver import PythonNmapDriver, running_as_root
from hisguard.scanners.network.ports import default_ports, parse_port_spec
from hisguard.scanners.network.risks import risk_table
from hisguard.scanners.network.runner import plan_facility, scan_all
from hisguard.scanners.network.scope import facility_scope, host_scopes, requested_scopes


@click.command("network")
@inventory_options
@target_options
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="CIDR",
    help="Scan only this address or CIDR (repeatable). It must lie inside the facility's networks "
    "and overlap none of its excluded ranges, or the command is refused.",
)
@click.option(
    "--ports", "port_spec", metavar="SPEC", help="TCP ports instead of the curated set, e.g. 22,80,5900-5903."
)
@click.option(
    "--max-nmap",
    type=click.IntRange(1, 32),
    default=2,
    show_default=True,
    help="Most nmap processes at once (facilities are scanned in parallel).",
)
@click.option(
    "--nmap-path", default="nmap", show_default=True, envvar="HISGUARD_NMAP", help="The nmap program."
)
@click.option("--dry-run", is_flag=True, help="Print the exact nmap commands and send nothing.")
@output_options
def network_command(
    inventory_paths: tuple[str, ...],
    vault_password_file: str | None,
    facility: str | None,
    limit: str | None,
    targets: tuple[str, ...],
    port_spec: str | None,
    max_nmap: int,
    nmap_path: str,
    dry_run: bool,
    output_format: str,
    store_url: str | None,
    no_store: bool,
    fail_on: str,
    lang: str,
) -> int:
    """Find the services a facility exposes on its LAN and judge them (checks N01-N04).

    Targets are the facility's networks minus its exclusions; --target narrows them (and is
    refused outside them), --limit scans only the matching inventory hosts' addresses.
    """
    if targets and limit:
        raise click.UsageError("use --target or --limit, not both")
    inv = open_inventory(inventory_paths, vault_password_file)
    facilities = inv.select(facility)
    ports = parse_port_spec(port_spec) if port_spec else default_ports()
    table = risk_table()
    if targets:
        scopes = requested_scopes(facilities, targets)
    elif limit:
        scopes = host_scopes(facilities, inv.hosts(facility, limit))
    else:
        scopes = [facility_scope(f) for f in facilities]
    by_code = {f.code: f for f in facilities}
    privileged = running_as_root()
    plans = [plan_facility(by_code[scope.facility], scope, ports, privileged) for scope in scopes]
    if dry_run:
        for plan in plans:
            for job in plan.jobs:
                click.echo(f"{plan.facility.code}: {job.command_line(nmap_path)}")
        return 0
    if sys.stderr.isatty():
        for plan in plans:
            click.echo(
                f"hisguard: scanning {plan.facility.code}: {plan.scope.size} addresses, {len(ports)} ports",
                err=True,
            )
    runs = scan_all(plans, PythonNmapDriver(nmap_path), table, max_nmap)
    return finish_scan(
        runs,
        output_format=output_format,
        store_url=store_url,
        no_store=no_store,
        fail_on=fail_on,
        lang=lang,
        inventory=inv,
        inventory_paths=inventory_paths,
    )
