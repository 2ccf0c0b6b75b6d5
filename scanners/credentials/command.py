"""``hisguard scan credentials``: local trees with --path, or the inventory's hosts over SSH."""

from __future__ import annotations

import click

from hisguard.scanners.cli_options import (
    finish_scan,
    inventory_options,
    open_inventory,
    output_options,
    target_options,
)
from hisguard.scanners.credentials.rules import load_rules
from hisguard.scanners.credentials.scan import run_facility, run_local
from hisguard.scanners.findings import Run


@click.command("credentials")
@inventory_options
@target_options
@output_options
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
    inventory_paths: tuple[str, ...],
    vault_password_file: str | None,
    facility: str | None,
    limit: str | None,
    output_format: str,
    store_url: str | None,
    no_store: bool,
    fail_on: str,
    lang: str,
    paths: tuple[str, ...],
    host_label: str,
    rules_files: tuple[str, ...],
    web_roots: tuple[str, ...],
    jobs: int | None,
    max_file_mb: int | None,
    time_budget: float | None,
    trust_on_first_use: bool,
) -> int:
    """Find BHXH portal credentials and patient-data exports (checks C01-C13, D01-D03)."""
    runs: list[Run] = []
    inv = None
    if paths:
        register = None
        if inventory_paths:
            inv = open_inventory(inventory_paths, vault_password_file)
            if not facility:
                raise click.UsageError("--path with -i needs --facility (whose register to compare with)")
            register = inv.facility(facility)
        rules = load_rules(rules_files)
        max_bytes = (max_file_mb or 256) * 1024 * 1024
        runs.append(
            run_local(
                paths,
                rules,
                facility_code=facility or "",
                host_label=host_label,
                web_roots=web_roots,
                facility=register,
                jobs=jobs,
                max_bytes=max_bytes,
            )
        )
    else:
        inv = open_inventory(inventory_paths, vault_password_file)
        hosts = inv.hosts(facility, limit)
        for fac in inv.select(facility):
            selected = [h for h in hosts if h.facility == fac.code]
            if not selected:
                continue
            runs.append(
                run_facility(
                    fac,
                    selected,
                    rules_files,
                    budget=time_budget,
                    max_mb=max_file_mb,
                    trust_on_first_use=trust_on_first_use,
                )
            )
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
