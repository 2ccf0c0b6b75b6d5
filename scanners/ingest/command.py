"""The ``hisguard ingest`` command."""

from __future__ import annotations

from pathlib import Path

import click

from hisguard.scanners.cli_options import store_option
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.ingest.documents import DocumentError, LoadedRun, load_document
from hisguard.scanners.ingest.writer import ingest_runs
from hisguard.scanners.output import EXIT_OK
from hisguard.scanners.store import Store
from hisguard.scanners.terminal import terminal_safe

HELD_BYTES = 256 * 1024 * 1024  # documents' bytes whose runs wait in memory for writing


@click.command("ingest")
@click.argument("documents", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@store_option
def ingest(documents: tuple[Path, ...], store_url: str | None) -> int:
    """Load scan result documents (--format json output) into a store; a run already there is kept."""
    # Every file is checked before anything is written. Its runs are kept for writing while the
    # files read so far stay under HELD_BYTES; later ones are read again when their turn comes,
    # so memory stays bounded however many documents one ingest is given.
    held: list[list[LoadedRun] | None] = []
    problems: list[str] = []
    total = 0
    for path in documents:
        try:
            runs = load_document(path)
        except DocumentError as exc:
            problems.append(str(exc))
            held.append(None)
            continue
        total += path.stat().st_size
        held.append(runs if total <= HELD_BYTES else None)
    if problems:
        # Nothing is written when any file is bad: fix it and run the same command again.
        for line in problems[:-1]:
            click.echo(f"hisguard: error: {terminal_safe(line)}", err=True)
        raise HisguardError(problems[-1] + ("; nothing was ingested" if len(documents) > 1 else ""))
    store = Store(store_url)
    try:
        for index, (path, kept) in enumerate(zip(documents, held, strict=True)):
            try:
                loaded = kept if kept is not None else load_document(path)
            except DocumentError as exc:  # changed since it was checked
                raise HisguardError(f"{exc}; the {index} documents before it were ingested") from None
            for result in ingest_runs(store, loaded):
                run = result.loaded.run
                line = f"{result.loaded.path}: run {run.id} of facility {run.facility}: {result.summary}"
                click.echo(terminal_safe(line))
    finally:
        store.close()
    return EXIT_OK
