"""``hisguard history -i INV --facility CODE``: the facility's scans and what changed between them."""

from __future__ import annotations

import click

from hisguard.reports.history.render import render_json, render_table
from hisguard.reports.history.timeline import stored_timeline
from hisguard.scanners.cli_options import inventory_options, open_inventory
from hisguard.scanners.output import EXIT_OK
from hisguard.scanners.store import Store


@click.command("history")
@inventory_options
@click.option("--facility", required=True, help="5-digit BHYT facility code.")
@click.option(
    "--store",
    "store_url",
    envvar="HISGUARD_STORE",
    help="SQLAlchemy URL of the findings store (default: SQLite in the data directory).",
)
@click.option(
    "--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True, help="Table language."
)
@click.option("--last", type=click.IntRange(min=1), default=10, show_default=True, help="Scans to show.")
def history(
    inventory_paths: tuple[str, ...],
    vault_password_file: str | None,
    facility: str,
    store_url: str | None,
    output_format: str,
    lang: str,
    last: int,
) -> int:
    """Show a facility's scans, newest first: new, fixed, still open and regressed findings."""
    fac = open_inventory(inventory_paths, vault_password_file).facility(facility)
    store = Store(store_url, read_only=True)
    try:
        # Only the scans shown are read: what older ones knew comes from the tracked problems.
        entries = stored_timeline(store, fac.code, last)
    finally:
        store.close()
    if output_format == "json":
        click.echo(render_json(fac, entries), nl=False)
    else:
        click.echo(render_table(fac, entries, lang), nl=False)
    return EXIT_OK
