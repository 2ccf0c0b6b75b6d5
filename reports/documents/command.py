"""``hisguard documents``: the báo cáo kết quả rà soát and the biên bản rà soát tài khoản of one
facility, as .docx and .pdf, from the store's scans and the inventory's facility details.

Writes ``bao-cao-ra-soat-CODE.{docx,pdf}`` and ``bien-ban-ra-soat-tai-khoan-CODE.{docx,pdf}``
(mode 0640, written whole) and prints their paths. Bad input is one line and exit 2.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from jinja2 import TemplateError

from hisguard.reports.cli import _out_dir, write_report
from hisguard.reports.documents.details import blank_details, document_details
from hisguard.reports.documents.minutes import build_account_minutes
from hisguard.reports.documents.model import AdminDocument
from hisguard.reports.documents.pdf import render_pdf
from hisguard.reports.documents.review import build_review_report
from hisguard.reports.documents.word import render_docx
from hisguard.reports.i18n import LANGS
from hisguard.scanners.cli_options import facility_code, inventory_options, store_option, vault_ids
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.inventory import Facility, load_inventory
from hisguard.scanners.vietnam_time import today_in_vietnam

REVIEW_STEM = "bao-cao-ra-soat-{code}"
MINUTES_STEM = "bien-ban-ra-soat-tai-khoan-{code}"


def _templates(value: str | None) -> Path | None:
    if value is None:
        return None
    path = Path(value)
    if not path.is_dir():
        raise HisguardError(f"--templates {value}: not a directory")
    return path.resolve()


def _write(out: Path, stem: str, doc: AdminDocument, templates: Path | None) -> None:
    for suffix, render in ((".docx", render_docx), (".pdf", render_pdf)):
        path = out / f"{stem}{suffix}"
        try:
            data = render(doc, templates)
        except (OSError, UnicodeDecodeError) as exc:
            raise HisguardError(f"cannot read the templates in {templates}: {type(exc).__name__}") from None
        except TemplateError as exc:  # a facility's own template that Jinja refuses
            raise HisguardError(f"--templates: the template does not render ({type(exc).__name__})") from None
        try:
            write_report(path, data)
        except OSError as exc:
            raise HisguardError(f"cannot write {path}: {exc.strerror}") from None
        click.echo(str(path))


@click.command("documents")
@store_option
@inventory_options
@click.option(
    "--facility", callback=facility_code, help="5-digit facility code (default: the only one in the store)."
)
@click.option("--lang", type=click.Choice(LANGS), default="vi", show_default=True, help="Document language.")
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(file_okay=False),
    help="Directory with the facility's own document.html.j2 / document.css / document.docx.",
)
@click.option(
    "--date",
    "issued",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date printed on the documents (default: left blank for the clerk).",
)
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Directory to write to.")
def documents(
    store_url: str | None,
    inventory_paths: tuple[str, ...],
    vault_password_file: str | None,
    facility: str | None,
    lang: str,
    templates_dir: str | None,
    issued: datetime | None,
    out: str,
) -> int:
    """Write the báo cáo kết quả rà soát and the biên bản rà soát tài khoản (.docx and .pdf)."""
    from hisguard.reports.sources import StoreSource
    from hisguard.scanners.store import Store

    templates = _templates(templates_dir)
    inventory = load_inventory(inventory_paths, vault_password_file, vault_ids()) if inventory_paths else None
    store = Store(store_url, read_only=True)
    try:
        source = StoreSource(store, trend_length=2)
        known = source.facilities()
        if facility is None:
            if len(known) != 1:
                listed = ", ".join(known) or "none"
                raise HisguardError(
                    f"the store holds {len(known)} facilities ({listed}): give --facility CODE"
                )
            facility = known[0]
        history = source.history(facility)
        if history is None:
            raise HisguardError(f"no scan of facility {facility} in the store")
        entry: Facility | None = inventory.facility(facility) if inventory else None
        details = document_details(entry) if entry else blank_details(facility)
        day = issued.date() if issued else None
        today = today_in_vietnam()
        review = build_review_report(history, details, entry, lang, today, day)
        minutes = build_account_minutes(history, details, entry, lang, today, day)
    finally:
        store.close()
    out_dir = _out_dir(out)
    _write(out_dir, REVIEW_STEM.format(code=facility), review, templates)
    _write(out_dir, MINUTES_STEM.format(code=facility), minutes, templates)
    return 0
