"""``hisguard scan credentials``: local trees with --path, or the inventory's hosts over SSH."""

from __future__ import annotations

import click

from hisguard.scanners.cli_options import ScanSession, scan_command
from hisguard.scanners.credentials.rules import load_rules
from hisguard.scanners.credentials.scanner import CredentialsOptions, CredentialsScanner, run_local
from hisguard.scanners.findings import Run


@scan_command("credentials")
@click.option(
    "--path",
    "paths",
    multiple=True,
    type=click.Path(exists=True, file_okay=True),
    help="Scan this local tree (a copied disk, a mounted share) instead of hosts; repeatable.",
)
@click.option("--host-label", default="localhost", show_default=True, help="Host name for --path findings.")
@click.option(
    "--rules",
    "rules_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Extra rules file (a HIS vendor's key names); repeatable.",
)
@click.option("--web-root", "web_roots", multiple=True, help="Extra web root for --path scans; repeatable.")
@click.option("--jobs", type=click.IntRange(1, 64), help="Worker processes for --path (default: cores).")
@click.option("--max-file-mb", type=click.IntRange(1, 65536), help="Skip files larger than this.")
@click.option("--time-budget", type=click.FloatRange(1), help="Seconds per host for remote scans.")
@click.option("--trust-on-first-use", is_flag=True, help="Record unknown SSH host keys (never changed ones).")
def credentials_command(
    session: ScanSession,
    paths: tuple[str, ...],
    host_label: str,
    rules_files: tuple[str, ...],
    web_roots: tuple[str, ...],
    jobs: int | None,
    max_file_mb: int | None,
    time_budget: float | None,
    trust_on_first_use: bool,
) -> list[Run]:
    """Find BHXH portal credentials and patient-data exports (checks C01-C13, D01-D03)."""
    request = session.request
    if not paths:
        options = CredentialsOptions(rules_files, time_budget, max_file_mb, trust_on_first_use)
        return session.scan(CredentialsScanner(), options)
    register = None
    if request.inventory_paths:
        if not request.facility:
            raise click.UsageError("--path with -i needs --facility (whose register to compare with)")
        register = session.inventory().facility(request.facility)
    run = run_local(
        paths,
        load_rules(rules_files),
        facility_code=request.facility or "",
        host_label=host_label,
        web_roots=web_roots,
        facility=register,
        jobs=jobs,
        max_bytes=(max_file_mb or 256) * 1024 * 1024,
    )
    return [run]
