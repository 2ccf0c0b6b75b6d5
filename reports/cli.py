"""``hisguard report``: read scans, build the report model, render the formats, write the files.

The only module of ``reports`` that touches the file system or the terminal. Files are written
whole (a temporary file renamed into place) with mode 0640: reports name hosts, paths and
accounts, which is for the facility's team, not for every account on the machine.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import click

from hisguard.reports.account import build_account_report
from hisguard.reports.build import DEFAULT_TREND_LENGTH, build_facility_report
from hisguard.reports.context import account_query, facility_info, register_entries
from hisguard.reports.formats import Format, Output, parse_formats
from hisguard.reports.harden_plays import harden_manages
from hisguard.reports.i18n import LANGS
from hisguard.reports.investigation.lookup import username_for
from hisguard.reports.model import RollupRow
from hisguard.reports.naming import ROLLUP_STEM, account_stem, facility_stem
from hisguard.reports.rollup import build_rollup, rollup_row
from hisguard.reports.sources import DocumentSource, Source, StoreSource
from hisguard.scanners.cli_options import inventory_options, store_option, vault_ids
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.inventory import Inventory, load_inventory

FILE_MODE = 0o640
DIR_MODE = 0o750


def write_report(path: Path, data: Output) -> None:
    """Write ``data`` to ``path`` atomically with mode 0640, whatever the umask."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _out_dir(out: str) -> Path:
    path = Path(out)
    try:
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise HisguardError(f"--out {out}: cannot create the directory ({exc.strerror})") from None
    if not os.access(path, os.W_OK):
        raise HisguardError(f"--out {out}: the directory is not writable")
    return path


def _emit(out: Path, fmt: Format, stem: str, data: Output) -> None:
    path = out / fmt.file_name(stem)
    try:
        write_report(path, data)
    except OSError as exc:
        raise HisguardError(f"cannot write {path}: {exc.strerror}") from None
    click.echo(str(path))


def _facility_codes(source: Source, facility: str | None, everything: bool, where: str) -> list[str]:
    known = source.facilities()
    if facility:
        return [facility]
    if not known:
        raise HisguardError(f"no scan in {where}")
    if everything or len(known) == 1:
        return known
    raise HisguardError(
        f"{where} holds {len(known)} facilities ({', '.join(known)}): give --facility CODE or --all"
    )


def _managed(inventory: Inventory | None, code: str) -> dict[str, tuple[str, ...]] | None:
    """The facility's hosts some harden.yml play runs on, and their groups, when the inventory
    is given."""
    facility = inventory.facilities.get(code) if inventory else None
    if facility is None:
        return None
    return {h.name: tuple(h.groups) for h in facility.hosts if harden_manages(h.groups)}


def _facility_reports(
    source: Source,
    codes: Sequence[str],
    inventory: Inventory | None,
    inventory_paths: Sequence[str],
    formats: Sequence[Format],
    lang: str,
    trend_length: int,
    out: Path,
    where: str,
) -> list[RollupRow]:
    rows = []
    for code in codes:
        history = source.history(code)
        if history is None:
            raise HisguardError(f"no scan of facility {code} in {where}")
        info = facility_info(code, inventory, source.names(code))
        report = build_facility_report(
            history,
            info,
            inventory=inventory_paths,
            trend_length=trend_length,
            managed=_managed(inventory, code),
        )
        for fmt in formats:
            _emit(out, fmt, facility_stem(code), fmt.facility(report, lang))
        rows.append(rollup_row(report))  # the roll-up keeps this much; the report can go
    return rows


def _with_options(fmt: Format, csv_delimiter: str | None) -> Format:
    """The CSV format with the chosen separator; other formats as they are."""
    if fmt.name != "csv" or csv_delimiter is None:
        return fmt
    return replace(fmt, options=(("delimiter", "\t" if csv_delimiter == "tab" else csv_delimiter),))


def _account_report(
    source: Source,
    username: str,
    facility: str | None,
    inventory: Inventory | None,
    formats: Sequence[Format],
    lang: str,
    out: Path,
) -> None:
    # The account as the user named it: register name (egw-his), username or keyed fingerprint.
    username = username_for(username, inventory, facility)
    register = register_entries(username, inventory) if inventory else None
    sightings = source.sightings(account_query(username, register), facility)
    codes = sorted({s.facility for s in sightings})
    report = build_account_report(
        username,
        sightings,
        latest_runs={code: source.latest_runs(code) for code in codes},
        latest_time={code: t for code in codes if (t := source.latest_time(code)) is not None},
        info=lambda code: facility_info(code, inventory, source.names(code)),
        register=register,
    )
    for fmt in formats:
        if "account" in fmt.kinds:
            _emit(out, fmt, account_stem(username), fmt.account(report, lang))
        else:
            click.echo(f"hisguard: note: the {fmt.name} format has no account report", err=True)


@click.command("report")
@store_option
@click.option(
    "--from",
    "from_paths",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A scan JSON document (scan ... --format json) instead of the store; repeatable.",
)
@click.option("--facility", help="5-digit facility code (default: the only facility there is).")
@click.option("--all", "everything", is_flag=True, help="Every facility, plus the province roll-up.")
@click.option(
    "--account",
    "username",
    help="Incident report for this portal account instead: register name, username or keyed fingerprint.",
)
@click.option(
    "--format",
    "format_names",
    default="html",
    show_default=True,
    help="Comma-separated: html, pdf, md, json, csv, xlsx, sarif, ansible.",
)
@click.option(
    "--csv-delimiter",
    type=click.Choice([";", ",", "tab"]),
    help='CSV column separator (default: ";" in Vietnamese, as Excel with Vietnamese regional '
    'settings expects, "," in English).',
)
@click.option("--lang", type=click.Choice(LANGS), default="vi", show_default=True, help="Report language.")
@click.option(
    "--history",
    "trend_length",
    type=click.IntRange(2, 104),
    default=DEFAULT_TREND_LENGTH,
    show_default=True,
    help="How many scans the trend shows.",
)
@inventory_options
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="Directory to write to.")
def report_command(
    store_url: str | None,
    from_paths: tuple[str, ...],
    facility: str | None,
    everything: bool,
    username: str | None,
    format_names: str,
    csv_delimiter: str | None,
    lang: str,
    trend_length: int,
    inventory_paths: tuple[str, ...],
    vault_password_file: str | None,
    out: str,
) -> int:
    """Write facility reports (or a roll-up, or an account's incident report) from stored scans."""
    if store_url and from_paths:
        raise click.UsageError("give --store or --from, not both")
    if facility and everything:
        raise click.UsageError("give --facility or --all, not both")
    if username is not None and not username.strip():
        raise click.UsageError("--account needs a username")
    try:
        formats = [_with_options(fmt, csv_delimiter) for fmt in parse_formats(format_names)]
    except ValueError as exc:
        raise click.UsageError(f"--format: {exc}") from None
    inventory = load_inventory(inventory_paths, vault_password_file, vault_ids()) if inventory_paths else None
    out_dir = _out_dir(out)

    store = None
    if from_paths:
        source: Source = DocumentSource.load(from_paths)
        where = "the --from documents"
    else:
        from hisguard.scanners.store import Store

        store = Store(store_url, read_only=True)  # a report only reads
        source = StoreSource(store, trend_length)
        where = "the store"
    try:
        if username:
            _account_report(source, username.strip(), facility, inventory, formats, lang, out_dir)
            return 0
        codes = _facility_codes(source, facility, everything, where)
        facility_formats = [fmt for fmt in formats if "facility" in fmt.kinds]
        rows = _facility_reports(
            source, codes, inventory, inventory_paths, facility_formats, lang, trend_length, out_dir, where
        )
        if everything:
            rollup = build_rollup(rows)
            for fmt in formats:
                if "rollup" in fmt.kinds:
                    _emit(out_dir, fmt, ROLLUP_STEM, fmt.rollup(rollup, lang))
    finally:
        if store is not None:
            store.close()
    return 0
