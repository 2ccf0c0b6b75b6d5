"""``hisguard history --facility CODE``: the facility's scans and what changed between them.

Only the store is read: no inventory or vault password is needed (``-i`` adds the facility's name
and province to the heading). The table fits the terminal's width.
"""

from __future__ import annotations

import shutil

import click

from hisguard.reports.history.render import render_json, render_table
from hisguard.reports.history.timeline import stored_timeline
from hisguard.reports.model import FacilityInfo
from hisguard.scanners.cli_options import inventory_options, store_option, vault_ids
from hisguard.scanners.inventory import load_inventory
from hisguard.scanners.output import EXIT_OK
from hisguard.scanners.store import Store


@click.command("history")
@inventory_options
@click.option("--facility", required=True, help="5-digit BHYT facility code.")
@store_option
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
    info = FacilityInfo(code=facility, name="", province="")
    if inventory_paths:
        known = load_inventory(inventory_paths, vault_password_file, vault_ids()).facility(facility)
        info = FacilityInfo(code=known.code, name=known.name, province=known.province)
    store = Store(store_url, read_only=True)
    try:
        # Only the scans shown are read: what older ones knew comes from the tracked problems.
        entries = stored_timeline(store, info.code, last)
    finally:
        store.close()
    if output_format == "json":
        click.echo(render_json(info, entries), nl=False)
    else:
        width = shutil.get_terminal_size(fallback=(100, 24)).columns
        click.echo(render_table(info, entries, lang, width=width), nl=False)
    return EXIT_OK
