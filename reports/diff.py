"""What changed since the previous scan, and the trend over the last scans, by fingerprint.

- new: failing now, never failing in a known earlier scan;
- still open: failing now and in the previous scan;
- regressed: failing now, not in the previous scan, but failing in an earlier one;
- fixed: failing in the previous scan and now passing, not applicable, or absent although its
  host and its scanner were covered this time;
- not rechecked: failing before, but its host could not be scanned (or its scanner did not run)
  this time, so nothing is known: it is neither fixed nor open;
- waived: failing before, waived now.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from hisguard.reports.model import Change, Changes, FixedItem, SeverityCounts, TrendPoint
from hisguard.reports.scans import FacilityHistory, Snapshot
from hisguard.scanners.findings import Finding, Status


@dataclass(frozen=True)
class Comparison:
    changes: Changes
    change_of: dict[str, Change]  # fingerprint of each failing finding -> its change
    first_failed: dict[str, datetime]  # fingerprint -> earliest known scan where it failed


def compare(history: FacilityHistory, snaps: Sequence[Snapshot] | None = None) -> Comparison:
    """The diff against the previous scan; ``snaps`` are :func:`snapshots` when already built."""
    current = history.current
    failing = {f.fingerprint: f for f in current.findings if f.status == Status.FAIL}
    previous = history.previous
    before = {f.fingerprint: f for f in previous.findings if f.status == Status.FAIL} if previous else {}
    seen_earlier = {fp for snap in history.earlier for fp in snap.failing} | history.failed_before_previous

    change_of: dict[str, Change] = {}
    for fp in failing:
        if fp in before:
            change_of[fp] = Change.STILL_OPEN
        elif fp in seen_earlier:
            change_of[fp] = Change.REGRESSED
        else:
            change_of[fp] = Change.NEW

    status_now = {f.fingerprint: f.status for f in current.findings}
    unreachable = {e.target for e in current.errors}
    covered_hosts = set(current.hosts) - unreachable
    previous_hosts = set(previous.hosts) if previous else set()
    scanners_now = set(current.scanners)

    def covered(finding: Finding) -> bool:
        # A host the previous scan did not target (one the network scanner discovered) is
        # judged by its scanner alone: it never appears in the run's host list.
        if finding.host in unreachable:
            return False
        if finding.scanner and finding.scanner not in scanners_now:
            return False
        return finding.host in covered_hosts or finding.host not in previous_hosts

    fixed: list[Finding] = []
    not_rechecked = waived = 0
    for fp, finding in before.items():
        if fp in failing:
            continue
        status = status_now.get(fp)
        if status == Status.WAIVED:
            waived += 1
        elif status in (Status.PASS, Status.NOT_APPLICABLE) or (status is None and covered(finding)):
            fixed.append(finding)
        else:
            not_rechecked += 1

    fixed.sort(key=lambda f: (-f.severity.rank, f.check_id, f.host, f.resource))
    changes = Changes(
        compared=previous is not None,
        previous_at=previous.finished_at if previous else None,
        new=sum(1 for c in change_of.values() if c == Change.NEW),
        still_open=sum(1 for c in change_of.values() if c == Change.STILL_OPEN),
        regressed=sum(1 for c in change_of.values() if c == Change.REGRESSED),
        fixed=len(fixed),
        not_rechecked=not_rechecked,
        waived=waived,
        fixed_items=tuple(
            FixedItem(
                check_id=f.check_id,
                title=f.title,
                severity=f.severity,
                host=f.host,
                location=f"{f.resource}:{f.line}" if f.line else f.resource,
            )
            for f in fixed
        ),
    )
    first = _first_failed(snaps or snapshots(history), failing, history.first_failed)
    return Comparison(changes, change_of, first)


def _first_failed(
    snaps: Sequence[Snapshot], failing: dict[str, Finding], known: Mapping[str, datetime]
) -> dict[str, datetime]:
    first: dict[str, datetime] = {}
    for snap in snaps:
        for fp in snap.failing:
            if fp in failing and fp not in first:
                first[fp] = snap.finished_at
    for fp, when in known.items():  # scans older than the snapshots given
        if fp in failing and (fp not in first or when < first[fp]):
            first[fp] = when
    return first


def snapshots(history: FacilityHistory) -> list[Snapshot]:
    """Every known scan of the facility as a snapshot, oldest first."""
    snaps = list(history.earlier)
    if history.previous is not None:
        snaps.append(Snapshot.of(history.previous))
    snaps.append(Snapshot.of(history.current))
    return snaps


def trend(snaps: Sequence[Snapshot], length: int) -> tuple[TrendPoint, ...]:
    """The last ``length`` scans: score and open findings by severity, oldest first."""
    return tuple(
        TrendPoint(
            finished_at=snap.finished_at,
            score=snap.score,
            open=SeverityCounts.of(sev for _, sev in snap.failing.values()),
        )
        for snap in snaps[-length:]
    )
