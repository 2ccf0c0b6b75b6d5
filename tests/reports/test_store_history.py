"""History and reports read from the store only what they show, and agree with a full read.

A facility with many scans: problems open, get fixed, come back. The store-backed history
(``stored_timeline``) and report source (``StoreSource``) must give exactly what reading every
run in full gives, while reading in full only the scans they show and as snapshots only the
scans the trend shows, however many older scans the store holds.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from hisguard.reports.diff import compare, snapshots, trend
from hisguard.reports.history.timeline import ScanChanges, stored_timeline, timeline
from hisguard.reports.sources import DocumentSource, StoreSource
from hisguard.scanners.findings import Run
from hisguard.scanners.store import Store
from tests.ingest.lab_runs import PROBLEMS, day, facility_run

C01, C02, H02_ROOT, H02_PASSWORD, H09, N01 = range(len(PROBLEMS))
SCANS = 30


def scans() -> list[Run]:
    """Daily scans where each problem has its own rhythm, so new, regressed and fixed all occur."""
    runs = []
    for n in range(SCANS):
        problems = {
            "his-app-01": tuple(p for p in (C01, N01, H09) if (n // (p + 1)) % 2 == 0),
            "his-db-01": (H02_ROOT,) if n in (2, 3, 25, 27) else (),  # fixed for long, then back
            "ws-01": (H02_PASSWORD,) if n % 5 == 0 else (),
            "ws-02": (C02,),
        }
        run = facility_run("75901", day(n), problems, errors=("ws-02",) if n == 27 else ())
        lost = {e.target for e in run.errors}
        runs.append(replace(run, findings=tuple(f for f in run.findings if f.host not in lost)))
    return runs


def shape(entries: list[ScanChanges]) -> list[tuple[Any, ...]]:
    """What the history shows of each scan (the order of findings inside a scan aside)."""
    return [
        (e.scan.run_ids, e.changes, e.open, e.waived, e.new, e.regressed, e.still_open, e.fixed)
        for e in entries
    ]


class Reads:
    """Records which runs a store was asked for, in full and as snapshots."""

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full: set[str] = set()
        self.snapshots: set[str] = set()
        load_runs, failing = store.load_runs, store.failing

        def recording_load(run_ids: Any) -> Any:
            self.full.update(run_ids)
            return load_runs(run_ids)

        def recording_failing(run_ids: Any) -> Any:
            self.snapshots.update(run_ids)
            return failing(run_ids)

        monkeypatch.setattr(store, "load_runs", recording_load)
        monkeypatch.setattr(store, "failing", recording_failing)


@pytest.fixture
def stored(tmp_path: Path) -> tuple[Store, list[Run]]:
    runs = scans()
    store = Store(f"sqlite:///{tmp_path / 'h.db'}")
    store.save_runs(reversed(runs))  # arrival order does not matter
    return store, runs


def test_stored_history_is_the_full_history_reading_only_the_scans_shown(
    stored: tuple[Store, list[Run]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, runs = stored
    everything = timeline([store.load_run(r.id) for r in store.runs("75901")], store.tracked("75901"))
    reads = Reads(store, monkeypatch)
    shown = stored_timeline(store, "75901", last=5)
    assert shape(shown) == shape(everything[:5])
    assert sum(len(e.regressed) for e in shown) > 0 and sum(len(e.fixed) for e in shown) > 0
    # The five scans shown and the one before the oldest of them; nothing older, not even in short.
    assert reads.full == {r.id for r in runs[-6:]}
    assert reads.snapshots <= reads.full


@pytest.mark.parametrize("trend_length", [2, 8])
def test_store_source_gives_the_report_a_full_read_would(
    stored: tuple[Store, list[Run]], monkeypatch: pytest.MonkeyPatch, trend_length: int
) -> None:
    store, runs = stored
    full = DocumentSource([store.load_run(r.id) for r in store.runs("75901")]).history("75901")
    reads = Reads(store, monkeypatch)
    from_store = StoreSource(store, trend_length).history("75901")
    assert full is not None and from_store is not None
    a, b = compare(full), compare(from_store)
    assert (a.changes, a.change_of, a.first_failed) == (b.changes, b.change_of, b.first_failed)
    assert trend(snapshots(full), trend_length) == trend(snapshots(from_store), trend_length)
    assert reads.full == {runs[-1].id, runs[-2].id}
    assert reads.snapshots == {r.id for r in runs[-trend_length:-2]}


def test_regressed_and_first_failed_come_from_beyond_the_trend(
    stored: tuple[Store, list[Run]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """his-db-01's root login failed on days 2-3 only, 22 scans before it came back on day 25."""
    store, runs = stored
    entries = stored_timeline(store, "75901", last=SCANS)
    day25 = next(e for e in entries if e.scan.run_ids == (runs[25].id,))
    [back] = [i for i in day25.regressed if i.host == "his-db-01"]
    assert back.first_seen == runs[2].finished_at
    history = StoreSource(store, 3).history("75901")
    assert history is not None and len(history.earlier) == 1  # the trend needs one older scan only
