"""``hisguard scan all``: options, a live progress display, and the stored merged runs."""

from __future__ import annotations

import functools
import sys
import threading

import click
from rich.console import Console
from rich.live import Live
from rich.table import Table

from hisguard.scanners.cli_options import (
    finish_scan,
    inventory_options,
    open_inventory,
    output_options,
    target_options,
)
from hisguard.scanners.findings import Run
from hisguard.scanners.scan_all import SCANNERS, ScanAllOptions, scan_facility


class ProgressBoard:
    """One line per facility and scanner, redrawn as scanners start and finish (stderr only)."""

    def __init__(self, console: Console) -> None:
        self._rows: dict[tuple[str, str], tuple[str, str]] = {}
        self._lock = threading.Lock()
        self._live = Live(self._table(), console=console, refresh_per_second=4, transient=False)

    def __enter__(self) -> ProgressBoard:
        self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._live.__exit__(None, None, None)

    def facility(self, code: str) -> None:
        with self._lock:
            for name in SCANNERS:
                self._rows[(code, name)] = ("waiting", "")
            self._live.update(self._table())

    def event(self, code: str, scanner: str, event: str, detail: str) -> None:
        state = {"start": "running…", "done": "done", "failed": "FAILED"}[event]
        with self._lock:
            self._rows[(code, scanner)] = (state, detail)
            self._live.update(self._table())

    def _table(self) -> Table:
        table = Table(title="hisguard scan all", show_edge=False)
        for column in ("facility", "scanner", "state", "detail"):
            table.add_column(column)
        for (code, scanner), (state, detail) in self._rows.items():
            table.add_row(code, scanner, state, detail)
        return table


@click.command("all")
@inventory_options
@target_options
@click.option("--trust-on-first-use", is_flag=True, help="Record unknown SSH host keys (never changed ones).")
@click.option(
    "--workers", type=click.IntRange(1, 256), default=16, show_default=True, help="SSH hosts at once."
)
@click.option(
    "--max-nmap", type=click.IntRange(1, 16), default=2, show_default=True, help="nmap processes at once."
)
@output_options
def scan_all_command(
    inventory_paths: tuple[str, ...],
    vault_password_file: str | None,
    facility: str | None,
    limit: str | None,
    trust_on_first_use: bool,
    workers: int,
    max_nmap: int,
    output_format: str,
    store_url: str | None,
    no_store: bool,
    fail_on: str,
    lang: str,
) -> int:
    """Credentials, configuration and network scans of each facility, stored as one run each."""
    inventory = open_inventory(inventory_paths, vault_password_file)
    facilities = [f for f in inventory.select(facility) if inventory.hosts(f.code, None)]
    if limit:
        inventory.hosts(facility, limit)  # refuses a pattern that matches nothing, before any scan
    options = ScanAllOptions(trust_on_first_use=trust_on_first_use, workers=workers, max_nmap=max_nmap)
    console = Console(stderr=True)
    runs: list[Run] = []
    if sys.stderr.isatty():
        with ProgressBoard(console) as board:
            for fac in facilities:
                board.facility(fac.code)
                runs.append(
                    scan_facility(
                        inventory,
                        fac,
                        limit,
                        options,
                        functools.partial(board.event, fac.code),
                    )
                )
    else:
        runs = [scan_facility(inventory, fac, limit, options) for fac in facilities]
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
