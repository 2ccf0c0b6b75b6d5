"""The province roll-up: every facility's score, critical and high counts and trend, worst first."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from hisguard.reports.model import FacilityReport, RollupReport, RollupRow
from hisguard.reports.naming import facility_stem
from hisguard.scanners import __version__
from hisguard.scanners.findings import utcnow


def rollup_row(report: FacilityReport) -> RollupRow:
    """What the roll-up keeps of a facility report (so the report itself can be dropped)."""
    return RollupRow(
        facility=report.facility,
        score=report.score,
        counts=report.counts,
        trend=tuple(point.score for point in report.trend),
        finished_at=report.scan.finished_at,
        unscanned=len(report.scan.errors),
        href=facility_stem(report.facility.code),
    )


def worst_first(row: RollupRow) -> tuple[int, int, int, int, str]:
    """Lowest score first; then most critical, most high, most open findings; then code."""
    return (row.score, -row.counts.critical, -row.counts.high, -row.counts.total, row.facility.code)


def build_rollup(rows: Iterable[RollupRow], now: datetime | None = None) -> RollupReport:
    return RollupReport(
        rows=tuple(sorted(rows, key=worst_first)), generated_at=now or utcnow(), version=__version__
    )
