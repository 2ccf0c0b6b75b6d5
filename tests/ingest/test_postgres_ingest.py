"""Ingesting into a real PostgreSQL central store: concurrent processes lose and duplicate nothing."""

from __future__ import annotations

import os
import random
import subprocess
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from hisguard.scanners.errors import StoreError
from hisguard.scanners.findings import Run
from hisguard.scanners.output import render_json
from hisguard.scanners.store import Store
from tests.conftest import REPO
from tests.ingest.lab_runs import PROBLEMS, day, facility_run
from tests.ingest.test_ingest import by_fingerprint
from tests.postgres_fixture import PostgresServer

pytestmark = pytest.mark.postgres

HISGUARD = REPO / ".venv" / "bin" / "hisguard"
C01, C02, H02_ROOT, H02_PASSWORD, H09, N01 = range(len(PROBLEMS))


def week_of_scans() -> list[Run]:
    """Six daily scans of each lab facility; problems come, go and come back."""
    runs = []
    for n in range(1, 7):
        runs.append(
            facility_run(
                "75901",
                day(n),
                {
                    "his-app-01": (C01, N01) if n % 2 else (C01,),  # the DB port flaps
                    "his-db-01": (H02_ROOT, H09) if n < 4 else (H09,),  # root login fixed on day 4
                    "ws-01": (H02_PASSWORD,) if n > 2 else (),  # new on day 3
                    "ws-02": (C02, H02_ROOT),
                },
                errors=("ws-02",) if n == 5 else (),
            )
        )
        runs.append(facility_run("75902", day(n), {"his-app-02": (C01, H02_ROOT, H09), "scan-02": (H09,)}))
    # ws-02 could not be scanned on day 5: it has no findings that day.
    return [
        replace(r, findings=tuple(f for f in r.findings if f.host not in {e.target for e in r.errors}))
        for r in runs
    ]


def write_documents(directory: Path, runs: list[Run]) -> list[Path]:
    """Per-facility documents as the scan hosts write them, and merged ones as `--all` would."""
    paths = []
    by_day: dict[datetime, list[Run]] = {}
    for run in runs:
        by_day.setdefault(run.finished_at, []).append(run)
    for n, (_, group) in enumerate(sorted(by_day.items())):
        if n % 2:
            path = directory / f"merged-{n}.json"
            path.write_text(render_json(group), encoding="utf-8")
            paths.append(path)
        else:
            for run in group:
                path = directory / f"{run.facility}-{n}.json"
                path.write_text(render_json([run]), encoding="utf-8")
                paths.append(path)
    return paths


def ingest_processes(
    paths_per_process: list[list[Path]], url: str, home: Path
) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "HISGUARD_HOME": str(home)}
    procs = [
        subprocess.Popen(
            [str(HISGUARD), "ingest", *map(str, paths), "--store", url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for paths in paths_per_process
    ]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def expected_tracking(runs: list[Run]) -> dict[tuple[str, str], tuple[datetime, datetime, str, str]]:
    """(facility, fingerprint) -> first seen, last seen, first run, last run, from the runs themselves."""
    seen: dict[tuple[str, str], list[Run]] = {}
    for run in runs:
        for finding in run.findings:
            seen.setdefault((run.facility, finding.fingerprint), []).append(run)
    result = {}
    for key, where in seen.items():
        first = min(where, key=lambda r: r.finished_at)
        last = max(where, key=lambda r: r.finished_at)
        result[key] = (first.finished_at, last.finished_at, first.id, last.id)
    return result


def test_concurrent_ingests_lose_and_duplicate_nothing(
    postgres_url: str, tmp_path: Path, hisguard_home: Path
) -> None:
    runs = week_of_scans()
    paths = write_documents(tmp_path, runs)
    rng = random.Random(20261122)
    # Five processes, each ingesting every file in its own order: every run is raced several times.
    orders = [rng.sample(paths, len(paths)) for _ in range(5)]
    results = ingest_processes(orders, postgres_url, hisguard_home)
    for result in results:
        assert result.returncode == 0, result.stderr
    outcomes = Counter(line.split(": ")[-1].split(" (")[0] for r in results for line in r.stdout.splitlines())
    assert outcomes["ingested"] == len(runs)  # each run written by exactly one process
    assert outcomes["already in the store"] == 5 * len(runs) - len(runs)

    store = Store(postgres_url)
    try:
        assert sorted(r.id for r in store.runs()) == sorted(r.id for r in runs)
        for run in runs:
            loaded = store.load_run(run.id)
            assert Counter(f.fingerprint for f in loaded.findings) == Counter(
                f.fingerprint for f in run.findings
            )
            assert sorted(loaded.findings, key=by_fingerprint) == sorted(run.findings, key=by_fingerprint)
            assert loaded.errors == run.errors
        expected = expected_tracking(runs)
        for facility in ("75901", "75902"):
            tracked = store.tracked(facility)
            assert set(tracked) == {fp for (fac, fp) in expected if fac == facility}
            for fp, problem in tracked.items():
                assert (
                    problem.first_seen,
                    problem.last_seen,
                    problem.first_run,
                    problem.last_run,
                ) == expected[facility, fp]
        with store.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT count(*) FROM findings")).scalar_one()
        assert rows == sum(len(r.findings) for r in runs)
    finally:
        store.close()


def test_first_and_last_seen_do_not_depend_on_ingest_order(postgres_url: str) -> None:
    runs = [r for r in week_of_scans() if r.facility == "75901"]
    store = Store(postgres_url)
    try:
        for run in reversed(runs):  # newest first: the worst order
            store.save_run(run)
        tracked = store.tracked("75901")
        for (facility, fp), (first, last, first_run, last_run) in expected_tracking(runs).items():
            assert facility == "75901"
            problem = tracked[fp]
            assert (problem.first_seen, problem.last_seen, problem.first_run, problem.last_run) == (
                first,
                last,
                first_run,
                last_run,
            )
        # his-db-01's root login: days 1-3 only.
        root = next(f for f in runs[0].findings if f.host == "his-db-01" and f.check_id == "H02.1")
        assert (tracked[root.fingerprint].first_seen, tracked[root.fingerprint].last_seen) == (day(1), day(3))
    finally:
        store.close()


def _waiting_on_a_lock(server: PostgresServer, database: str) -> bool:
    answer = server.psql(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND datname = current_database()",
        database,
    )
    return int(answer or 0) > 0


def test_the_same_run_ingested_at_the_same_moment_is_already_ingested(
    postgres_server: PostgresServer, postgres_url: str, tmp_path: Path, hisguard_home: Path
) -> None:
    """Force the race: our writer holds its transaction open until the ingest process is blocked
    on the run's primary key; the ingest must then report the run as already there, exit 0."""
    run = facility_run("75902", day(1))
    path = tmp_path / "75902.json"
    path.write_text(render_json([run]), encoding="utf-8")
    writer = Store(postgres_url)
    release = threading.Event()
    failures: list[BaseException] = []

    def hold_commit(conn: Any) -> None:
        release.wait(60)

    sa.event.listen(writer.engine, "commit", hold_commit)

    def write() -> None:
        try:
            writer.save_run(run)
        except StoreError as exc:
            failures.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    env = {**os.environ, "HISGUARD_HOME": str(hisguard_home)}
    proc = subprocess.Popen(
        [str(HISGUARD), "ingest", str(path), "--store", postgres_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    database = postgres_url.rsplit("/", 1)[1]
    try:
        deadline = time.monotonic() + 60
        while not _waiting_on_a_lock(postgres_server, database):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the ingest never blocked on the run being written"
            time.sleep(0.1)
    finally:
        release.set()
        thread.join(60)
    out, err = proc.communicate(timeout=120)
    assert not failures
    assert proc.returncode == 0, err
    assert out == f"{path}: run {run.id} of facility 75902: already in the store (12 findings, 0 errors)\n"
    loaded = writer.load_run(run.id)
    assert Counter(f.fingerprint for f in loaded.findings) == Counter(f.fingerprint for f in run.findings)
    writer.close()


def test_a_run_the_database_refuses_is_not_half_written(postgres_url: str) -> None:
    run = facility_run("75901", day(1))
    # PostgreSQL refuses NUL in text: the failure comes after the run row was inserted.
    broken = replace(run, findings=(*run.findings[:-1], replace(run.findings[-1], resource="/opt/his/\x00x")))
    store = Store(postgres_url)
    try:
        with pytest.raises(StoreError, match="store write failed"):
            store.save_run(broken)
        assert not store.has_run(run.id) and store.tracked("75901") == {}
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM findings")).scalar_one() == 0
    finally:
        store.close()


def test_postgres_takes_every_document_the_reader_accepts_at_its_limits(postgres_url: str) -> None:
    """The same limits as SQLite: every field at the reader's widest fits PostgreSQL's columns,
    and what PostgreSQL could never store (NUL) the reader refuses first."""
    from hisguard.scanners import scan_document
    from tests.foundation.test_scan_document_fuzz import widest_document

    [run] = scan_document.parse(widest_document()).runs
    store = Store(postgres_url)
    try:
        assert store.save_runs([run])[0].written
        stored = {f.fingerprint: f for f in store.load_run(run.id).findings}
        assert stored[run.findings[0].fingerprint] == run.findings[0]
        with_nul = widest_document()
        with_nul["findings"][0]["resource"] = "/opt/\x00"
        with pytest.raises(scan_document.DocumentError, match="NUL"):
            scan_document.parse(with_nul)
    finally:
        store.close()


def test_a_reader_of_postgres_creates_nothing_and_cannot_write(postgres_url: str) -> None:
    from hisguard.scanners.store import Store as _Store

    empty = _Store(postgres_url, read_only=True)  # nothing stored yet: reads find nothing
    assert empty.runs() == [] and empty.facilities() == []
    empty.close()
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == []  # the reader created no table
    engine.dispose()
    run = facility_run("75901", day(1))
    writer = _Store(postgres_url)
    writer.save_run(run)
    writer.close()
    reader = _Store(postgres_url, read_only=True)
    try:
        assert reader.load_run(run.id).findings
        with pytest.raises(StoreError, match="read-only"):
            reader.save_run(facility_run("75901", day(2)))
    finally:
        reader.close()
