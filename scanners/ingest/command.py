"""The ``hisguard ingest`` command."""

from __future__ import annotations

from pathlib import Path

import click

from hisguard.scanners.errors import HisguardError
from hisguard.scanners.ingest.documents import DocumentError, LoadedRun, load_document
from hisguard.scanners.ingest.writer import ingest_runs
from hisguard.scanners.output import EXIT_OK
from hisguard.scanners.store import Store
from hisguard.scanners.terminal import terminal_safe


@click.command("ingest")
@click.argument("documents", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--store",
    "store_url",
    envvar="HISGUARD_STORE",
    help="SQLAlchemy URL of the store to load into (default: SQLite in the data directory).",
)
def ingest(documents: tuple[Path, ...], store_url: str | None) -> int:
    """Load scan result documents (--format json output) into a store; a run already there is kept."""
    loaded: list[LoadedRun] = []
    problems: list[str] = []
    for path in documents:
        try:
            loaded += load_document(path)
        except DocumentError as exc:
            problems.append(str(exc))
    if problems:
        # Nothing is written when any file is bad: fix it and run the same command again.
        for line in problems[:-1]:
            click.echo(f"hisguard: error: {terminal_safe(line)}", err=True)
        raise HisguardError(problems[-1] + ("; nothing was ingested" if len(documents) > 1 else ""))
    store = Store(store_url)
    try:
        results = ingest_runs(store, loaded)
    finally:
        store.close()
    for result in results:
        run = result.loaded.run
        line = f"{result.loaded.path}: run {run.id} of facility {run.facility}: {result.summary}"
        click.echo(terminal_safe(line))
    return EXIT_OK
