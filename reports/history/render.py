"""The history as a JSON document or a terminal table (strings only; the CLI prints them)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from io import StringIO
from typing import Any

from rich.console import Console
from rich.table import Table

from hisguard.reports.history.timeline import Item, ScanChanges
from hisguard.reports.i18n import Translator
from hisguard.reports.model import FacilityInfo
from hisguard.scanners import __version__
from hisguard.scanners.terminal import cell
from hisguard.scanners.vietnam_time import VIETNAM

LISTED = 15  # per change list in the table; the JSON has them all

LABELS = {
    "vi": {
        "title": "Lịch sử quét",
        "scan": "Lần quét (giờ VN)",
        "scanners": "Trình quét",
        "hosts": "Máy quét được",
        "errors": "Lỗi",
        "open": "Phát hiện cần xử lý",
        "new": "Mới",
        "regressed": "Tái diễn",
        "still_open": "Vẫn còn",
        "fixed": "Đã khắc phục",
        "not_rechecked": "Chưa quét lại",
        "waived": "Được miễn trừ",
        "first": "lần đầu thấy",
        "more": "và {n} phát hiện khác (xem --format json)",
        "none": "Chưa có lần quét nào của cơ sở {code} trong kho dữ liệu.",
        "baseline": "lần đầu",
    },
    "en": {
        "title": "Scan history",
        "scan": "Scan (Vietnam time)",
        "scanners": "Scanners",
        "hosts": "Hosts scanned",
        "errors": "Errors",
        "open": "Open",
        "new": "New",
        "regressed": "Regressed",
        "still_open": "Still open",
        "fixed": "Fixed",
        "not_rechecked": "Not rechecked",
        "waived": "Waived",
        "first": "first seen",
        "more": "and {n} more (see --format json)",
        "none": "No scan of facility {code} in the store yet.",
        "baseline": "first",
    },
}


def local_time(value: datetime | None) -> str:
    return value.astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M") if value else "-"


def history_document(facility: FacilityInfo, entries: Sequence[ScanChanges]) -> dict[str, Any]:
    return {
        "hisguard": __version__,
        "facility": {"code": facility.code, "name": facility.name, "province": facility.province},
        "scans": [_scan_doc(entry) for entry in entries],
    }


def render_json(facility: FacilityInfo, entries: Sequence[ScanChanges]) -> str:
    return json.dumps(history_document(facility, entries), ensure_ascii=False, indent=2) + "\n"


def _scan_doc(entry: ScanChanges) -> dict[str, Any]:
    scan, changes = entry.scan, entry.changes
    return {
        "run_ids": list(scan.run_ids),
        "started_at": scan.started_at.isoformat(),
        "finished_at": scan.finished_at.isoformat(),
        "scanners": list(scan.scanners),
        "hosts": list(scan.hosts),
        "errors": [e.to_dict() for e in scan.errors],
        "compared": changes.compared,
        "previous_at": changes.previous_at.isoformat() if changes.previous_at else None,
        "counts": {
            "open": entry.open,
            "waived": entry.waived,
            "new": changes.new,
            "regressed": changes.regressed,
            "still_open": changes.still_open,
            "fixed": changes.fixed,
            "not_rechecked": changes.not_rechecked,
            "waived_since_previous": changes.waived,
        },
        "new": [_item_doc(i) for i in entry.new],
        "regressed": [_item_doc(i) for i in entry.regressed],
        "still_open": [_item_doc(i) for i in entry.still_open],
        "fixed": [_item_doc(i) for i in entry.fixed],
    }


def _item_doc(item: Item) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "check_id": item.check_id,
        "severity": item.severity.value,
        "host": item.host,
        "location": item.location,
        "title": item.title.to_dict(),
    }
    if item.fingerprint is not None:
        doc["fingerprint"] = item.fingerprint
        doc["first_seen"] = item.first_seen.isoformat() if item.first_seen else None
    return doc


def render_table(facility: FacilityInfo, entries: Sequence[ScanChanges], lang: str, width: int = 80) -> str:
    """The table at ``width`` columns (the terminal's: the CLI passes it)."""
    text = LABELS["en" if lang == "en" else "vi"]
    buffer = StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    if not entries:
        console.print(cell(text["none"].format(code=facility.code)))
        return buffer.getvalue()
    heading = " · ".join(filter(None, (text["title"], facility.code, facility.name)))
    table = Table(title=cell(heading))
    for key in (
        "scan",
        "scanners",
        "hosts",
        "errors",
        "open",
        "new",
        "regressed",
        "still_open",
        "fixed",
        "not_rechecked",
        "waived",
    ):
        label = key in ("scan", "scanners")
        table.add_column(text[key], justify="left" if label else "right", no_wrap=key == "scan")
    for entry in entries:
        changes = entry.changes
        compared = changes.compared
        table.add_row(
            local_time(entry.scan.finished_at),
            cell(", ".join(entry.scan.scanners)),
            str(len(entry.scan.hosts)),
            str(len(entry.scan.errors)),
            str(entry.open),
            str(changes.new) if compared else text["baseline"],
            str(changes.regressed) if compared else "-",
            str(changes.still_open) if compared else "-",
            str(changes.fixed) if compared else "-",
            str(changes.not_rechecked) if compared else "-",
            str(entry.waived),
        )
    console.print(table)
    for entry in entries:
        if not entry.changes.compared:
            continue
        lists = (("new", entry.new), ("regressed", entry.regressed), ("fixed", entry.fixed))
        if not any(items for _, items in lists):
            continue
        console.print(f"\n{local_time(entry.scan.finished_at)}", markup=False)
        for key, items in lists:
            for item in items[:LISTED]:
                line = _item_line(item, text, lang)
                console.print(cell(f"  {text[key]}: {line}"), soft_wrap=True)  # scanned values
            if len(items) > LISTED:
                more = text["more"].format(n=len(items) - LISTED)
                console.print(f"  {text[key]}: {more}", markup=False)
    return buffer.getvalue()


def _item_line(item: Item, text: dict[str, str], lang: str) -> str:
    severity = Translator(lang).severity(item.severity)
    line = f"[{severity}] {item.check_id} {item.host} {item.location} · {item.title.get(lang)}"
    if item.first_seen is not None:
        line += f" ({text['first']} {local_time(item.first_seen)})"
    return line
