"""``hisguard scan network``: options in, one Run per facility out.

Everything that can refuse the command (inventory, ports, scope, settings, risk table) runs before
the first nmap process starts.
"""

from __future__ import annotations

import sys

import click

from hisguard.scanners.cli_options import ScanSession, scan_command
from hisguard.scanners.findings import Run
from hisguard.scanners.network.driver import PythonNmapDriver
from hisguard.scanners.network.ports import default_ports, parse_port_spec
from hisguard.scanners.network.scanner import NetworkOptions, NetworkScanner, fingerprint_template, nmap_gate
from hisguard.scanners.scope import requested_scopes


@scan_command("network")
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
    "--nmap-path",
    default="nmap",
    show_default=True,
    envvar="HISGUARD_NMAP",
    show_envvar=True,
    help="The nmap program.",
)
@click.option("--dry-run", is_flag=True, help="Print the exact nmap commands and send nothing.")
def network_command(
    session: ScanSession,
    targets: tuple[str, ...],
    port_spec: str | None,
    max_nmap: int,
    nmap_path: str,
    dry_run: bool,
) -> list[Run] | int:
    """Find the services a facility exposes on its LAN and judge them (checks N01-N04).

    Targets are the facility's networks minus its exclusions; --target narrows them (and is
    refused outside them), --limit scans only the matching inventory hosts' addresses.
    """
    limit = session.request.limit
    if targets and limit:
        raise click.UsageError("use --target or --limit, not both")
    inventory = session.inventory()
    facilities = inventory.select(session.request.facility)
    ports = tuple(parse_port_spec(port_spec) if port_spec else default_ports())
    scopes = {s.facility: s for s in requested_scopes(facilities, targets)} if targets else None
    options = NetworkOptions(
        ports=ports, limited=bool(limit), scopes=scopes, nmap_path=nmap_path, gate=nmap_gate(max_nmap)
    )
    # Without --limit every facility's networks are swept, hosts or not.
    hosts = session.hosts() if limit else []
    scanner = NetworkScanner(lambda path: PythonNmapDriver(path))  # built only if a plan runs
    jobs = session.plan(scanner, options, hosts)
    if dry_run:
        for job in jobs:
            facility_plan = job.plan.work.sweep
            for nmap_job in facility_plan.jobs:
                click.echo(f"{job.plan.facility.code}: {nmap_job.command_line(nmap_path)}")
            if facility_plan.settings.version_detection == "needed" and facility_plan.jobs:
                click.echo(f"{job.plan.facility.code} then, {fingerprint_template(facility_plan, nmap_path)}")
        return 0
    if sys.stderr.isatty():
        for job in jobs:
            click.echo(
                f"hisguard: scanning {job.plan.facility.code}: {job.plan.work.sweep.scope.size} addresses, "
                f"{len(ports)} ports",
                err=True,
            )
    return session.run(jobs)
