"""``hisguard scan config``: the configuration check catalog over SSH, hosts in parallel."""

from __future__ import annotations

import click

from hisguard.scanners.cli_options import ScanSession, scan_command
from hisguard.scanners.config.scanner import DEFAULT_WORKERS, ConfigOptions, ConfigScanner
from hisguard.scanners.findings import Run


@scan_command("config")
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
    help="Hosts of a facility scanned at the same time.",
)
def config_command(
    session: ScanSession,
    all_groups: bool,
    check_ids: tuple[str, ...],
    trust_on_first_use: bool,
    workers: int,
) -> list[Run]:
    """Log in to each host and judge its configuration (SSH, accounts, logging, firewall, patches...).

    Read-only: one SSH connection and one batched command per host. A host that cannot be
    scanned is an error entry; the others are still scanned. A host outside its facility's
    networks (or in an excluded range) is refused before any connection.
    """
    options = ConfigOptions(
        ignore_groups=all_groups, trust_on_first_use=trust_on_first_use, workers=workers, check_ids=check_ids
    )
    return session.scan(ConfigScanner(), options)
