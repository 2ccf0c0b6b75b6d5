"""CSV: one row per listed finding, for spreadsheets; headers and labels in the report language.

UTF-8 with a byte-order mark, because Excel (what most facilities open CSV with) reads
Vietnamese correctly only then. Separated by ";" in Vietnamese (Excel with Vietnamese regional
settings, whose decimal mark is ",", splits columns on ";") and "," in English, unless asked
otherwise. Cells that a spreadsheet would run as a formula are prefixed with an apostrophe:
evidence comes from files on scanned hosts and could start with "=".

The tables themselves (``*_table``) are shared with the xlsx format.
"""

from __future__ import annotations

import csv
import io

from hisguard.reports import facts
from hisguard.reports.build import reference
from hisguard.reports.i18n import Translator
from hisguard.reports.model import AccountPlace, AccountReport, Action, FacilityReport, RollupReport, Row

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DELIMITERS = {"vi": ";", "en": ","}
Table = tuple[list[str], list[list[object]]]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(table: Table, lang: str, delimiter: str | None) -> str:
    header, rows = table
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter or DELIMITERS.get(lang, ","), lineterminator="\r\n")
    writer.writerow([_cell(h) for h in header])
    writer.writerows([_cell(v) for v in row] for row in rows)
    return BOM + buffer.getvalue()


def _references(row: Row, tr: Translator) -> str:
    """The cited documents by name (not the catalog's keys), unverified ones marked."""
    marked = tr.gettext("to be verified")
    names = []
    for key in row.finding.references:
        ref = reference(key)
        names.append(tr.text(ref.document) + (f" ({marked})" if ref.to_be_verified else ""))
    return "; ".join(names)


def action_label(action: Action | None, tr: Translator) -> str:
    """``role firewall · tag firewall`` for a role's action, the manual label otherwise."""
    if action is None:
        return ""
    if action.role:
        return f"role {action.role} · tag {', '.join(action.tags)}" if action.tags else f"role {action.role}"
    return tr.gettext("Manual action")


def facility_table(report: FacilityReport, lang: str) -> Table:
    tr = Translator(lang)
    _ = tr.gettext
    header = [
        _("Facility code"),
        _("Facility"),
        _("Host"),
        _("Check"),
        _("Severity"),
        _("Status"),
        _("Change"),
        _("Title"),
        _("Location"),
        _("Line"),
        _("Evidence (redacted)"),
        _("Failing since"),
        _("Action"),
        _("Command"),
        _("Letters and regulations"),
        _("How to fix"),
        _("Waiver reason"),
        _("Approved by"),
        _("Ticket"),
        _("Expires"),
        _("Fingerprint"),
    ]
    actions: list[Action] = [*report.actions, *([report.manual] if report.manual else [])]
    listed: list[tuple[Row, Action | None]] = [
        (row, action) for action in actions for group in action.checks for row in group.rows
    ]
    listed += [(row, None) for row in (*report.waived, *report.check_errors)]
    info = report.facility

    def line(row: Row, action: Action | None) -> list[object]:
        f = row.finding
        waiver = row.waiver
        return [
            info.code,
            info.name,
            f.host,
            f.check_id,
            tr.severity(f.severity),
            tr.status(f.status),
            tr.change(row.change) if report.changes.compared and action is not None else "",
            tr.text(f.title),
            f.resource,
            f.line,
            facts.evidence(f, tr.lang),
            tr.format_date(row.first_failed),
            action_label(action, tr),
            action.command if action else "",
            _references(row, tr),
            tr.text(f.remediation.text) if f.remediation else "",
            waiver.reason if waiver else "",
            waiver.approver if waiver else "",
            waiver.ticket if waiver else "",
            tr.format_date(waiver.expires) if waiver else "",
            f.fingerprint,
        ]

    return header, [line(row, action) for row, action in listed]


def rollup_table(report: RollupReport, lang: str) -> Table:
    tr = Translator(lang)
    _ = tr.gettext
    header = [
        "#",
        _("Facility code"),
        _("Facility"),
        _("Province"),
        _("Score"),
        _("Critical"),
        _("High"),
        _("Open findings"),
        _("Trend"),
        _("Last scan"),
        _("Hosts not scanned"),
    ]
    return (
        header,
        [
            [
                index,
                row.facility.code,
                row.facility.name,
                row.facility.province,
                row.score,
                row.counts.critical,
                row.counts.high,
                row.counts.total,
                " ".join(str(s) for s in row.trend),
                tr.format_datetime(row.finished_at),
                row.unscanned,
            ]
            for index, row in enumerate(report.rows, start=1)
        ],
    )


def account_table(report: AccountReport, lang: str) -> Table:
    tr = Translator(lang)
    _ = tr.gettext
    header = [
        _("Facility code"),
        _("Host"),
        _("Check"),
        _("Location"),
        _("Kind"),
        _("Owner"),
        _("Mode"),
        _("Modified"),
        _("First seen"),
        _("Last seen"),
        _("Evidence (redacted)"),
        _("Allowed host?"),
        _("Still there?"),
    ]

    def yes_no(value: bool | None) -> str:
        return "" if value is None else (_("yes") if value else _("no"))

    def line(place: AccountPlace) -> list[object]:
        c = place.credential
        return [
            place.facility.code,
            place.finding.host,
            place.finding.check_id,
            place.location,
            c.kind if c else "",
            c.owner if c else "",
            c.mode if c else "",
            tr.format_datetime(c.mtime) if c else "",
            tr.format_datetime(place.first_seen),
            tr.format_datetime(place.last_seen),
            facts.evidence(place.finding, tr.lang),
            yes_no(place.allowed),
            yes_no(place.present),
        ]

    return header, [line(place) for place in (*report.places, *report.log_lines)]


def facility(report: FacilityReport, lang: str, delimiter: str | None = None) -> str:
    return _csv(facility_table(report, lang), lang, delimiter)


def rollup(report: RollupReport, lang: str, delimiter: str | None = None) -> str:
    return _csv(rollup_table(report, lang), lang, delimiter)


def account(report: AccountReport, lang: str, delimiter: str | None = None) -> str:
    return _csv(account_table(report, lang), lang, delimiter)
