"""Batched writing stores exactly what the row-at-a-time path stored, on SQLite and PostgreSQL.

The oracle below is the store's former algorithm written with plain sqlite3: one INSERT per
finding and one upsert per tracked problem, in the order the runs are given. The batched path
must leave every table row for row the same, whatever order the runs arrive in.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from hisguard.scanners.findings import Finding, Run, ScanError, Status
from hisguard.scanners.store import Store
from tests.ingest.lab_runs import PROBLEMS, day, facility_run

C01, C02, H02_ROOT, H02_PASSWORD, H09, N01 = range(len(PROBLEMS))


def some_runs() -> list[Run]:
    """Two facilities over five days: problems open, close, come back, pass, repeat in a run."""
    runs = []
    for n in range(1, 6):
        first = facility_run(
            "75901",
            day(n),
            {
                "his-app-01": (C01, N01) if n % 2 else (C01,),
                "his-db-01": (H02_ROOT, H09) if n < 4 else (H09,),
                "ws-01": (H02_PASSWORD,) if n > 2 else (),
            },
            errors=("ws-02",) if n == 3 else (),
        )
        # A passing check and a finding whose fingerprint repeats within the run.
        passed = replace(first.findings[0], status=Status.PASS, host="ws-02", fingerprint="a" * 64)
        runs.append(replace(first, findings=(*first.findings, passed, first.findings[-1])))
        runs.append(facility_run("75902", day(n), {"his-app-02": (C01, H02_ROOT), "scan-02": (H09,)}))
    return runs


def sa_time(value: datetime) -> str:
    """SQLAlchemy's text form of a UTC time in SQLite."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


EARLIER_FAILURE = """excluded.first_failed IS NOT NULL AND (tracked.first_failed IS NULL
  OR excluded.first_failed < tracked.first_failed
  OR (excluded.first_failed = tracked.first_failed
      AND excluded.first_failed_run < tracked.first_failed_run))"""
EARLIER = "excluded.first_seen < tracked.first_seen"
LATER = "excluded.last_seen > tracked.last_seen"
UPSERT = f"""
INSERT INTO tracked (facility, fingerprint, check_id, first_seen, last_seen, first_run, last_run,
                     first_failed, first_failed_run)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (facility, fingerprint) DO UPDATE SET
  first_seen = CASE WHEN {EARLIER} THEN excluded.first_seen ELSE tracked.first_seen END,
  first_run = CASE WHEN {EARLIER} THEN excluded.first_run ELSE tracked.first_run END,
  last_seen = CASE WHEN {LATER} THEN excluded.last_seen ELSE tracked.last_seen END,
  last_run = CASE WHEN {LATER} THEN excluded.last_run ELSE tracked.last_run END,
  first_failed = CASE WHEN {EARLIER_FAILURE} THEN excluded.first_failed ELSE tracked.first_failed END,
  first_failed_run = CASE WHEN {EARLIER_FAILURE} THEN excluded.first_failed_run
    ELSE tracked.first_failed_run END
"""


def write_row_by_row(path: Path, runs: list[Run]) -> None:
    """The oracle: the former one-statement-per-row path, in plain sqlite3."""
    Store(f"sqlite:///{path}").close()  # the schema
    db = sqlite3.connect(path)
    for run in runs:
        if db.execute("SELECT 1 FROM runs WHERE id = ?", (run.id,)).fetchone():
            continue
        db.execute(
            "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?)",
            (
                run.id,
                run.facility,
                sa_time(run.started_at),
                sa_time(run.finished_at),
                json.dumps(list(run.scanners)),
                json.dumps(list(run.hosts)),
            ),
        )
        unique: dict[str, Finding] = {f.fingerprint: f for f in run.findings}
        for f in unique.values():
            db.execute(
                "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run.id,
                    f.fingerprint,
                    f.check_id,
                    f.status.value,
                    f.severity.value,
                    f.facility,
                    f.host,
                    f.resource,
                    json.dumps(f.to_dict(), ensure_ascii=False),
                ),
            )
        for e in run.errors:
            db.execute(
                "INSERT INTO scan_errors (run_id, scanner, facility, target, message) VALUES (?, ?, ?, ?, ?)",
                (run.id, e.scanner, e.facility, e.target, e.message),
            )
        for f in sorted(unique.values(), key=lambda f: f.fingerprint):
            failed = f.status == Status.FAIL
            db.execute(
                UPSERT,
                (
                    f.facility or run.facility,
                    f.fingerprint,
                    f.check_id,
                    sa_time(run.finished_at),
                    sa_time(run.finished_at),
                    run.id,
                    run.id,
                    sa_time(run.started_at) if failed else None,
                    run.id if failed else None,
                ),
            )
        db.commit()
    db.close()


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, with times as aware UTC values (both databases alike)."""
    engine = sa.create_engine(url)
    keys = {
        "runs": "id",
        "findings": "run_id, fingerprint",
        "scan_errors": "run_id, target",
        "tracked": "facility, fingerprint",
    }
    result = {}
    with engine.connect() as conn:
        for table, order in keys.items():
            columns = "run_id, scanner, facility, target, message" if table == "scan_errors" else "*"
            rows = conn.execute(sa.text(f"SELECT {columns} FROM {table} ORDER BY {order}")).all()
            result[table] = [tuple(_normal(v) for v in row) for row in rows]
    engine.dispose()
    return result


def _normal(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 26 and value[4] == "-" and value[10] == " ":
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_batched_writing_stores_what_row_by_row_writing_stored(tmp_path: Path, seed: int) -> None:
    runs = some_runs()
    random.Random(seed).shuffle(runs)  # ingests arrive in any order
    runs.append(runs[0])  # and one twice
    write_row_by_row(tmp_path / "plain.db", runs)
    store = Store(f"sqlite:///{tmp_path / 'batched.db'}")
    saved = store.save_runs(runs)
    store.close()
    assert dump(f"sqlite:///{tmp_path / 'batched.db'}") == dump(f"sqlite:///{tmp_path / 'plain.db'}")
    assert [s.written for s in saved] == [True] * (len(runs) - 1) + [False]


def test_first_failure_is_the_earliest_failing_run_whatever_the_order(tmp_path: Path) -> None:
    runs = some_runs()
    oldest_first = Store(f"sqlite:///{tmp_path / 'a.db'}")
    oldest_first.save_runs(runs)
    shuffled = Store(f"sqlite:///{tmp_path / 'b.db'}")
    shuffled.save_runs(list(reversed(runs)))
    for code in ("75901", "75902"):
        a, b = oldest_first.tracked(code), shuffled.tracked(code)
        assert a == b
        for fp, problem in a.items():
            failing = [
                r for r in runs if any(f.fingerprint == fp and f.status == Status.FAIL for f in r.findings)
            ]
            if not failing:
                assert problem.first_failed_run is None  # only ever passed
                continue
            first = min(failing, key=lambda r: (r.started_at, r.id))
            assert (problem.first_failed_run, problem.first_failed) == (first.id, first.started_at)


def test_duplicates_and_existing_runs_are_counted_not_stored(tmp_path: Path) -> None:
    run = some_runs()[0]
    store = Store(f"sqlite:///{tmp_path / 'h.db'}")
    [saved] = store.save_runs([run])
    distinct = len({f.fingerprint for f in run.findings})
    assert (saved.written, saved.findings, saved.duplicates) == (True, distinct, len(run.findings) - distinct)
    assert saved.duplicates == 1
    [again] = store.save_runs([run])
    assert not again.written and len(store.load_run(run.id).findings) == distinct


def test_a_large_run_round_trips(tmp_path: Path) -> None:
    """More rows than one IN (...) list holds: reading back splits the queries."""
    base = facility_run("75901", day(1))
    many = tuple(
        replace(base.findings[i % 6], fingerprint=f"{i:064x}", resource=f"/f/{i}") for i in range(12_000)
    )
    run = replace(base, findings=many, errors=(ScanError("config", "ws-09", "timed out", "75901"),))
    store = Store(f"sqlite:///{tmp_path / 'h.db'}")
    store.save_run(run)
    loaded = store.load_run(run.id)
    assert sorted(loaded.findings, key=lambda f: f.fingerprint) == list(many)
    assert loaded.errors == run.errors
    assert len(store.failing([run.id])[run.id]) == sum(1 for f in many if f.status == Status.FAIL)
    assert len(store.tracked("75901", [f.fingerprint for f in many])) == 12_000


@pytest.mark.postgres
def test_postgres_stores_what_sqlite_stores(tmp_path: Path, postgres_url: str) -> None:
    runs = some_runs()
    random.Random(7).shuffle(runs)
    sqlite_url = f"sqlite:///{tmp_path / 'h.db'}"
    for url in (sqlite_url, postgres_url):
        store = Store(url)
        store.save_runs(runs)
        store.close()
    assert dump(postgres_url) == dump(sqlite_url)


def large_runs() -> list[Run]:
    """Two runs of 12,000 findings (more than any COPY buffer or IN list), statuses mixed, the
    second seeing half of the first's problems again, some of them fixed."""
    base = facility_run("75901", day(1))
    first = tuple(
        replace(
            base.findings[i % len(base.findings)],
            fingerprint=f"{i:064x}",
            resource=f"/f/{i}",
            status=Status.PASS if i % 5 == 0 else Status.FAIL,
        )
        for i in range(12_000)
    )
    later = facility_run("75901", day(2))
    second = tuple(
        replace(f, status=Status.PASS if i % 3 == 0 else f.status) for i, f in enumerate(first[6_000:])
    )
    return [replace(later, findings=second), replace(base, findings=first)]  # newest first


def test_a_large_batch_stores_what_row_by_row_writing_stored(tmp_path: Path) -> None:
    runs = large_runs()
    write_row_by_row(tmp_path / "plain.db", runs)
    store = Store(f"sqlite:///{tmp_path / 'batched.db'}")
    store.save_runs(runs)
    store.close()
    assert dump(f"sqlite:///{tmp_path / 'batched.db'}") == dump(f"sqlite:///{tmp_path / 'plain.db'}")


@pytest.mark.postgres
def test_postgres_streams_a_large_batch_as_row_by_row_writing_stored(
    tmp_path: Path, postgres_url: str
) -> None:
    runs = large_runs()
    write_row_by_row(tmp_path / "plain.db", runs)
    store = Store(postgres_url)
    store.save_runs(runs)
    store.close()
    assert dump(postgres_url) == dump(f"sqlite:///{tmp_path / 'plain.db'}")


def _failing_midway(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 5,000th finding's document cannot be made: rows are generated as they are written."""
    from hisguard.scanners import store as store_module

    made = {"n": 0}
    real = store_module.finding_json

    def finding_json(finding: Finding) -> str:
        made["n"] += 1
        if made["n"] == 5_000:
            raise RuntimeError("planted failure")
        return real(finding)

    monkeypatch.setattr(store_module, "finding_json", finding_json)


def _nothing_of(url: str, run: Run) -> None:
    store = Store(url, read_only=True)
    try:
        assert not store.has_run(run.id)
        assert store.tracked("75901") == {}
    finally:
        store.close()


def test_a_run_that_fails_midway_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    [_, run] = large_runs()
    url = f"sqlite:///{tmp_path / 'h.db'}"
    _failing_midway(monkeypatch)
    with pytest.raises(RuntimeError, match="planted failure"):
        Store(url).save_run(run)
    _nothing_of(url, run)


@pytest.mark.postgres
def test_postgres_run_that_fails_midway_leaves_nothing(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    [_, run] = large_runs()
    _failing_midway(monkeypatch)
    with pytest.raises(RuntimeError, match="planted failure"):
        Store(postgres_url).save_run(run)
    _nothing_of(postgres_url, run)
