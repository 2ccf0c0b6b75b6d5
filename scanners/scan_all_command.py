"""``hisguard scan all``: options, a live progress display, and the stored merged runs."""

from __future__ import annotations

import functools
import sys
import threading

import click
from rich.console import Console
from rich.live import Live
from rich.table import Table

from hisguard.scanners.cli_options import ScanSession, scan_command
from hisguard.scanners.findings import Run
from hisguard.scanners.interface import CommonOptions
from hisguard.scanners.scan_all import plan_everything, scan_everything
from hisguard.scanners.terminal import cell


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

    def facility(self, code: str, scanners: list[str]) -> None:
        with self._lock:
            for name in scanners:
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
            table.add_row(code, scanner, state, cell(detail))  # a host's error text
        return table


@scan_command("all")
@click.option("--trust-on-first-use", is_flag=True, help="Record unknown SSH host keys (never changed ones).")
@click.option(
    "--workers", type=click.IntRange(1, 256), default=16, show_default=True, help="SSH hosts at once."
)
@click.option(
    "--max-nmap", type=click.IntRange(1, 16), default=2, show_default=True, help="nmap processes at once."
)
def scan_all_command(
    session: ScanSession, trust_on_first_use: bool, workers: int, max_nmap: int
) -> list[Run]:
    """Every scanner (credentials, configuration, network) on each facility, stored as one run each."""
    request = session.request
    common = CommonOptions(
        trust_on_first_use=trust_on_first_use,
        workers=workers,
        max_nmap=max_nmap,
        limited=request.limit is not None,
    )
    planned = plan_everything(session.inventory(), request.facility, request.limit, common)
    if not sys.stderr.isatty():
        return [scan_everything(fac, jobs) for fac, jobs in planned]
    runs: list[Run] = []
    with ProgressBoard(Console(stderr=True)) as board:
        for fac, jobs in planned:
            board.facility(fac.code, [job.scanner.name for job in jobs])
            runs.append(scan_everything(fac, jobs, functools.partial(board.event, fac.code)))
    return runs
