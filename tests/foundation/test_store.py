"""The findings store: round trip, first/last seen, concurrent writers, file modes."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from hisguard.scanners.errors import StoreError
from hisguard.scanners.findings import ScanError, utcnow
from hisguard.scanners.store import SCHEMA_VERSION, Store

from .factories import make_finding, make_run

SECRET = "Canary-Pw-8842!"


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'h.db'}")
    error = ScanError(scanner="config", target="ws-02", message="timed out", facility="75901")
    run = make_run(
        (make_finding(), make_finding(check_id="H02.1", resource="sshd:PermitRootLogin")), errors=(error,)
    )
    store.save_run(run)
    loaded = store.load_run(run.id)
    assert loaded.id == run.id and loaded.facility == "75901"
    assert sorted(loaded.findings, key=lambda f: f.check_id) == sorted(run.findings, key=lambda f: f.check_id)
    assert loaded.errors == (error,)
    assert loaded.finished_at == run.finished_at.replace(microsecond=run.finished_at.microsecond)
    assert store.schema_version() == SCHEMA_VERSION
    assert [r.id for r in store.runs("75901")] == [run.id]


def test_first_and_last_seen_across_two_runs(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'h.db'}")
    t1 = utcnow() - timedelta(days=7)
    t2 = utcnow()
    kept, fixed = make_finding(), make_finding(check_id="C02", resource="/root/.bash_history")
    new = make_finding(check_id="C05", resource="/opt/his/web.config")
    first, second = make_run((kept, fixed), when=t1), make_run((kept, new), when=t2)
    store.save_run(first)
    store.save_run(second)
    tracked = store.tracked("75901")
    assert tracked[kept.fingerprint].first_seen == t1 and tracked[kept.fingerprint].last_seen == t2
    assert tracked[kept.fingerprint].first_run == first.id and tracked[kept.fingerprint].last_run == second.id
    assert tracked[fixed.fingerprint].last_seen == t1
    assert tracked[new.fingerprint].first_seen == t2
    assert [r.id for r in store.runs("75901")] == [second.id, first.id]


def test_saving_the_same_run_twice_changes_nothing(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'h.db'}")
    run = make_run((make_finding(),))
    store.save_run(run)
    store.save_run(run)
    assert len(store.runs()) == 1 and len(store.load_run(run.id).findings) == 1


def test_store_file_mode_is_0600(tmp_path: Path, hisguard_home: Path) -> None:
    store = Store()  # the default store in the data directory
    store.save_run(make_run((make_finding(),)))
    path = hisguard_home / "hisguard.db"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_no_secret_reaches_the_store(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    store = Store(f"sqlite:///{path}")
    store.save_run(make_run((make_finding(secret=SECRET),)))
    store.close()
    rows = sqlite3.connect(path).iterdump()
    dump = "\n".join(rows)
    assert "Ca" in dump  # the two-character prefix is allowed
    assert SECRET not in dump and SECRET[:5] not in dump


def _writer(url: str, count: int) -> None:
    store = Store(url)
    for index in range(count):
        store.save_run(make_run((make_finding(resource=f"/opt/his/{os.getpid()}-{index}.json"),)))


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(url, 10)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    store = Store(url)
    assert len(store.runs()) == 40
    assert len(store.tracked("75901")) == 40


def test_bad_store_urls_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        Store("not a url")
    with pytest.raises(StoreError, match="no database driver"):
        Store("nosuchdb://x/y")
    with pytest.raises(StoreError, match="cannot open the store"):
        blocker = tmp_path / "a-file"
        blocker.write_text("x")
        Store(f"sqlite:///{blocker / 'sub' / 'h.db'}")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    Store(f"sqlite:///{path}").close()
    connection = sqlite3.connect(path)
    connection.execute("UPDATE hisguard_schema SET version = 99")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="newer than this hisguard"):
        Store(f"sqlite:///{path}")
