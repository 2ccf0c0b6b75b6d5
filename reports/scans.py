"""Scans: the runs of one facility taken together, and the history a report compares against.

``hisguard scan all`` stores one run with the three scanners; the separate scan commands store
one run each. A report compares like with like, so runs are first grouped into *scans*: going
from oldest to newest, a run joins the scan before it when it uses none of that scan's scanners
and started within :data:`SCAN_WINDOW` of it; otherwise it starts a new scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hisguard.reports.score import PASSED, score_of, weight
from hisguard.scanners.findings import Finding, Run, ScanError, Severity, Status

SCAN_WINDOW = timedelta(hours=12)


@dataclass(frozen=True)
class Scan:
    """One scan of a facility: one or more runs, oldest first."""

    runs: tuple[Run, ...]

    @property
    def facility(self) -> str:
        return self.runs[0].facility

    @property
    def run_ids(self) -> tuple[str, ...]:
        return tuple(run.id for run in self.runs)

    @property
    def started_at(self) -> datetime:
        return min(run.started_at for run in self.runs)

    @property
    def finished_at(self) -> datetime:
        return max(run.finished_at for run in self.runs)

    @property
    def scanners(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for run in self.runs for s in run.scanners))

    @property
    def hosts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h for run in self.runs for h in run.hosts))

    @property
    def errors(self) -> tuple[ScanError, ...]:
        return tuple(e for run in self.runs for e in run.errors)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for run in self.runs for f in run.findings)


@dataclass(frozen=True)
class Snapshot:
    """What a scan found open, and nothing else: enough for trends and for "seen before"."""

    finished_at: datetime
    scanners: tuple[str, ...]
    failing: Mapping[str, tuple[str, Severity]] = field(default_factory=dict)  # fp -> (check, sev)
    passed_weight: int = 0  # the severity weight of its passing (and waived) results, for the score

    @classmethod
    def of(cls, scan: Scan) -> Snapshot:
        return cls(
            finished_at=scan.finished_at,
            scanners=scan.scanners,
            failing={
                f.fingerprint: (f.check_id, f.severity) for f in scan.findings if f.status == Status.FAIL
            },
            passed_weight=weight(f.severity for f in scan.findings if f.status in PASSED),
        )

    @property
    def score(self) -> int:
        return score_of(self.passed_weight, weight(sev for _, sev in self.failing.values()))


@dataclass(frozen=True)
class FacilityHistory:
    """The current scan in full, the previous one in full (for the diff), older ones in short.

    A document source gives every older scan in ``earlier``. The store gives only the ones the
    trend shows, and says what the others knew through the two last fields, so that reading a
    facility's history costs the same whatever the number of its older scans.
    """

    facility: str
    current: Scan
    previous: Scan | None = None
    earlier: tuple[Snapshot, ...] = ()  # before ``previous``, oldest first
    # Failing now and failing in some scan before ``previous`` (whether or not in ``earlier``).
    failed_before_previous: frozenset[str] = frozenset()
    # Failing now: when the earliest scan in which it failed finished (whether or not in ``earlier``).
    first_failed: Mapping[str, datetime] = field(default_factory=dict)


def group_runs(runs: Iterable[Run]) -> list[tuple[Run, ...]]:
    """Runs of one facility grouped into scans, oldest first (see the module docstring)."""
    groups: list[list[Run]] = []
    scanners: set[str] = set()
    for run in sorted(runs, key=lambda r: (r.started_at, r.finished_at, r.id)):
        current = groups[-1] if groups else None
        if (
            current is not None
            and not scanners.intersection(run.scanners)
            and run.started_at - current[0].started_at <= SCAN_WINDOW
        ):
            current.append(run)
            scanners.update(run.scanners)
        else:
            groups.append([run])
            scanners = set(run.scanners)
    return [tuple(group) for group in groups]


def history_from_scans(scans: Sequence[Scan]) -> FacilityHistory:
    """A history from full scans, oldest first (the ``--from`` documents' case)."""
    if not scans:
        raise ValueError("a history needs at least one scan")
    current = scans[-1]
    previous = scans[-2] if len(scans) > 1 else None
    earlier = tuple(Snapshot.of(scan) for scan in scans[:-2])
    return FacilityHistory(current.facility, current, previous, earlier)
