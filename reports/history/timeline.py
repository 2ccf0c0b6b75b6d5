"""Every scan of a facility with its changes against the scan before it (pure: runs in, rows out)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from hisguard.reports.diff import compare
from hisguard.reports.model import Change, Changes
from hisguard.reports.scans import FacilityHistory, Scan, Snapshot, group_runs
from hisguard.reports.store_history import StoredScans
from hisguard.scanners.findings import Finding, Run, Severity, Status, Text
from hisguard.scanners.store import Store, TrackedProblem


@dataclass(frozen=True)
class Item:
    """One finding in a change list; ``fingerprint`` is None for fixed ones (the report's form)."""

    check_id: str
    severity: Severity
    host: str
    location: str
    title: Text
    fingerprint: str | None = None
    first_seen: datetime | None = None


@dataclass(frozen=True)
class ScanChanges:
    scan: Scan
    changes: Changes
    open: int  # failing now
    waived: int  # waived now
    new: tuple[Item, ...]
    regressed: tuple[Item, ...]
    still_open: tuple[Item, ...]
    fixed: tuple[Item, ...]


def timeline(runs: Sequence[Run], tracked: Mapping[str, TrackedProblem]) -> list[ScanChanges]:
    """Every scan of the given runs, newest first; ``runs`` need their findings."""
    scans = [Scan(group) for group in group_runs(runs)]
    snaps = [Snapshot.of(scan) for scan in scans]
    histories = [
        FacilityHistory(
            facility=scan.facility,
            current=scan,
            previous=scans[index - 1] if index else None,
            earlier=tuple(snaps[: max(index - 1, 0)]),
        )
        for index, scan in enumerate(scans)
    ]
    return changes_of(histories, tracked)


def stored_timeline(store: Store, facility: str, last: int) -> list[ScanChanges]:
    """The facility's ``last`` scans from the store, newest first: reads those scans only."""
    scans = StoredScans(store, facility)
    shown = range(max(0, len(scans) - last), len(scans))
    # One read of the scans shown (and the one before them), one of their tracked problems.
    loaded = scans.scans([i for i in range(max(0, shown.start - 1), shown.stop)])
    failing = (f.fingerprint for scan in loaded for f in scan.findings if f.status == Status.FAIL)
    tracked = scans.tracked(failing)
    return changes_of([scans.history(index) for index in shown], tracked)


def changes_of(
    histories: Sequence[FacilityHistory], tracked: Mapping[str, TrackedProblem]
) -> list[ScanChanges]:
    """Each history's scan with its changes against the one before, newest first."""
    result = []
    for history in histories:
        scan = history.current
        comparison = compare(history)
        lists: dict[Change, list[Item]] = {change: [] for change in Change}
        for finding in scan.findings:
            change = comparison.change_of.get(finding.fingerprint)
            if change is not None and finding.status == Status.FAIL:
                known = tracked.get(finding.fingerprint)
                first = known.first_seen if known else comparison.first_failed.get(finding.fingerprint)
                lists[change].append(_item(finding, first))
        result.append(
            ScanChanges(
                scan=scan,
                changes=comparison.changes,
                open=sum(1 for f in scan.findings if f.status == Status.FAIL),
                waived=sum(1 for f in scan.findings if f.status == Status.WAIVED),
                new=_sorted(lists[Change.NEW]),
                regressed=_sorted(lists[Change.REGRESSED]),
                still_open=_sorted(lists[Change.STILL_OPEN]),
                fixed=tuple(
                    Item(f.check_id, f.severity, f.host, f.location, f.title)
                    for f in comparison.changes.fixed_items
                ),
            )
        )
    result.reverse()
    return result


def _item(finding: Finding, first_seen: datetime | None) -> Item:
    location = f"{finding.resource}:{finding.line}" if finding.line else finding.resource
    return Item(
        check_id=finding.check_id,
        severity=finding.severity,
        host=finding.host,
        location=location,
        title=finding.title,
        fingerprint=finding.fingerprint,
        first_seen=first_seen,
    )


def _sorted(items: list[Item]) -> tuple[Item, ...]:
    return tuple(sorted(items, key=lambda i: (-i.severity.rank, i.check_id, i.host, i.location)))
