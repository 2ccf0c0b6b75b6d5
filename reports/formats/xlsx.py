"""``xlsx``: the CSV's tables as an Excel workbook people can filter and sort.

One sheet, a bold frozen header row, an autofilter over every column and widths fitted to the
content (capped). Written by openpyxl; a cell that would start a formula is kept as text (the
same apostrophe rule as the CSV), so evidence from a scanned host never runs in Excel.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from hisguard.reports.formats.csvrows import Table, _cell, account_table, facility_table, rollup_table
from hisguard.reports.i18n import Translator
from hisguard.reports.model import AccountReport, FacilityReport, RollupReport

MAX_WIDTH = 60


def _workbook(table: Table, title: str) -> bytes:
    header, rows = table
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]  # Excel's limit on sheet names
    sheet.append([_cell(h) for h in header])
    for row in rows:
        # Numbers stay numbers (sortable); everything else is text.
        sheet.append([v if isinstance(v, int) and not isinstance(v, bool) else _cell(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(1, len(header)))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
    for index, name in enumerate(header, start=1):
        longest = max([len(str(name)), *(len(str(row[index - 1] or "")) for row in rows[:500])])
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, longest + 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def facility(report: FacilityReport, lang: str) -> bytes:
    return _workbook(facility_table(report, lang), Translator(lang).gettext("Findings"))


def rollup(report: RollupReport, lang: str) -> bytes:
    return _workbook(rollup_table(report, lang), Translator(lang).gettext("Facilities"))


def account(report: AccountReport, lang: str) -> bytes:
    return _workbook(account_table(report, lang), Translator(lang).gettext("Places"))
