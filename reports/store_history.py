"""A facility's scans as the store holds them, read only as far as a report or the history needs.

Run headers (times, scanners, hosts) are read for every run: grouping runs into scans needs
them and they are small. Findings are read for the scans shown (in full) and for the trend
(fingerprints only); what older scans knew ("failed before", "failing since") comes from the
store's tracked problems. So the cost does not grow with the number of older scans.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from hisguard.reports.scans import FacilityHistory, Scan, Snapshot, group_runs
from hisguard.reports.score import WEIGHTS
from hisguard.scanners.findings import Run, Status
from hisguard.scanners.store import Store, TrackedProblem


class StoredScans:
    """The scans of one facility, oldest first; full scans and snapshots are read once each."""

    def __init__(self, store: Store, facility: str) -> None:
        self.store = store
        self.facility = facility
        self.groups: list[tuple[Run, ...]] = group_runs(store.runs(facility))
        self._scan_of = {run.id: index for index, group in enumerate(self.groups) for run in group}
        self._full: dict[int, Scan] = {}
        self._snaps: dict[int, Snapshot] = {}
        self._tracked: dict[str, TrackedProblem | None] = {}

    def __len__(self) -> int:
        return len(self.groups)

    def finished_at(self, index: int) -> datetime:
        return max(run.finished_at for run in self.groups[index])

    def scans(self, indexes: Sequence[int]) -> list[Scan]:
        """Full scans (findings and errors), read together in one pass."""
        wanted = [i for i in dict.fromkeys(indexes) if i not in self._full]
        if wanted:
            loaded = {
                run.id: run for run in self.store.load_runs([r.id for i in wanted for r in self.groups[i]])
            }
            for i in wanted:
                self._full[i] = Scan(tuple(loaded[run.id] for run in self.groups[i]))
        return [self._full[i] for i in indexes]

    def snapshots(self, indexes: Sequence[int]) -> list[Snapshot]:
        """Scans as failing fingerprints only (from full scans already read, else one query)."""
        wanted = [i for i in dict.fromkeys(indexes) if i not in self._snaps]
        from_store = [i for i in wanted if i not in self._full]
        run_ids = [run.id for i in from_store for run in self.groups[i]]
        failing = self.store.failing(run_ids)
        passed = self.store.passed_weights(run_ids, WEIGHTS)
        for i in wanted:
            if i in self._full:
                self._snaps[i] = Snapshot.of(self._full[i])
                continue
            group = self.groups[i]
            merged = {fp: item for run in group for fp, item in failing[run.id].items()}
            self._snaps[i] = Snapshot(
                finished_at=self.finished_at(i),
                scanners=tuple(dict.fromkeys(s for run in group for s in run.scanners)),
                failing=merged,
                passed_weight=sum(passed[run.id] for run in group),
            )
        return [self._snaps[i] for i in indexes]

    def tracked(self, fingerprints: Iterable[str]) -> dict[str, TrackedProblem]:
        """The store's tracked problems for these fingerprints (each asked of the store once)."""
        wanted = set(fingerprints)
        missing = wanted - self._tracked.keys()
        if missing:
            found = self.store.tracked(self.facility, missing)
            self._tracked.update({fp: found.get(fp) for fp in missing})
        return {fp: problem for fp in wanted if (problem := self._tracked[fp]) is not None}

    def history(self, index: int = -1, earlier: int = 0) -> FacilityHistory:
        """The history as seen from scan ``index``, with up to ``earlier`` older snapshots."""
        index = index % len(self.groups)
        previous_index = index - 1
        self.scans([index, previous_index] if previous_index >= 0 else [index])
        current = self._full[index]
        previous = self._full[previous_index] if previous_index >= 0 else None
        start = max(0, previous_index - max(earlier, 0))
        snaps = tuple(self.snapshots(list(range(start, max(previous_index, 0)))))
        failing_now = {f.fingerprint for f in current.findings if f.status == Status.FAIL}
        before: set[str] = set()
        first_failed: dict[str, datetime] = {}
        for fp, problem in self.tracked(failing_now).items():
            first_scan = self._scan_of.get(problem.first_failed_run or "")
            if first_scan is None or first_scan > index:
                continue  # failing since a scan after this one: not known from here
            first_failed[fp] = self.finished_at(first_scan)
            if first_scan < previous_index:
                before.add(fp)
        return FacilityHistory(
            facility=self.facility,
            current=current,
            previous=previous,
            earlier=snaps,
            failed_before_previous=frozenset(before),
            first_failed=first_failed,
        )
