"""Opening the store: read-only readers, foreign or broken files, unsupported URLs, a full disk.

Every problem is one ``StoreError`` line (the CLI prints it and exits 2), never a traceback.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from hisguard.scanners.errors import StoreError
from hisguard.scanners.store import Store
from tests.conftest import REPO
from tests.ingest.cli import run_cli
from tests.ingest.lab_runs import day, facility_run
from tests.waivers.inventory import write_inventory

HISGUARD = REPO / ".venv" / "bin" / "hisguard"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def journal_header(path: Path) -> tuple[int, int]:
    """The file format's write/read versions: (1, 1) rollback journal, (2, 2) WAL."""
    header = path.read_bytes()[:20]
    return header[18], header[19]


def test_read_only_open_changes_nothing_and_never_switches_to_wal(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    run = facility_run("75901", day(1))
    store = Store(f"sqlite:///{path}")
    store.save_run(run)
    store.close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=DELETE")  # as a copied or archived store may be
    db.close()
    before = digest(path)
    reader = Store(f"sqlite:///{path}", read_only=True)
    assert reader.load_run(run.id).findings and reader.runs("75901")[0].id == run.id
    with pytest.raises(StoreError, match="read-only"):
        reader.save_run(facility_run("75901", day(2)))
    reader.close()
    assert journal_header(path) == (1, 1) and digest(path) == before
    assert not (tmp_path / "h.db-wal").exists()


def test_read_only_open_of_a_missing_store_finds_nothing_and_creates_nothing(tmp_path: Path) -> None:
    reader = Store(f"sqlite:///{tmp_path / 'none' / 'h.db'}", read_only=True)
    assert reader.runs() == [] and reader.facilities() == [] and reader.tracked("75901") == {}
    assert not (tmp_path / "none").exists()


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("unshare") is None, reason="needs root and unshare")
def test_a_store_on_a_read_only_file_system_is_readable_by_report_and_history(tmp_path: Path) -> None:
    """A WAL store on a read-only mount (no -shm can be made beside it): report and history read it."""
    store_dir = tmp_path / "ro"
    store_dir.mkdir()
    path = store_dir / "h.db"
    store = Store(f"sqlite:///{path}")
    store.save_runs([facility_run("75901", day(1)), facility_run("75901", day(2))])
    store.close()
    assert journal_header(path) == (2, 2) and not (store_dir / "h.db-shm").exists()
    inv = write_inventory(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    base = f"-i {inv} --facility 75901 --store sqlite:///{path}"
    script = (
        f"mount --bind -o ro {store_dir} {store_dir} && "
        f"{HISGUARD} history {base} && {HISGUARD} report {base} --format json --out {out}"
    )
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HISGUARD_HOME": str(tmp_path / "home")},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Lịch sử quét" in done.stdout and list(out.iterdir())


def test_corrupt_and_foreign_sqlite_files_are_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    foreign = tmp_path / "foreign.db"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE patients (id INTEGER)")
    db.commit()
    db.close()
    before = digest(foreign)
    for path, message in ((corrupt, "cannot open the store"), (foreign, "not a hisguard store")):
        for read_only in (False, True):
            with pytest.raises(StoreError, match=message):
                Store(f"sqlite:///{path}", read_only=read_only)
    assert digest(foreign) == before  # no table of ours was added to someone else's database
    inv = write_inventory(tmp_path)
    for command in (
        ["history", "-i", str(inv), "--facility", "75901"],
        ["report", "--facility", "75901", "--out", str(tmp_path)],
    ):
        result = run_cli([*command, "--store", f"sqlite:///{corrupt}"], monkeypatch, capsys)
        assert result.status == 2 and len(result.err.strip().splitlines()) == 1, result.err
        assert "Traceback" not in result.err


@pytest.mark.parametrize("url", ["mysql://u@127.0.0.1/db", "mssql+pyodbc://x", "oracle://127.0.0.1/x"])
def test_unsupported_store_urls_are_one_line(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(StoreError, match="no database driver"):
        Store(url)
    result = run_cli(
        ["report", "--facility", "75901", "--store", url, "--out", str(tmp_path)], monkeypatch, capsys
    )
    assert result.status == 2 and "no database driver" in result.err and "Traceback" not in result.err


def test_a_full_disk_is_a_store_error_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    store = Store(f"sqlite:///{path}")
    first = facility_run("75901", day(1))
    store.save_run(first)
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    # SQLite's own "database or disk is full", as on a full file system: no room for more pages.
    store.engine.dispose()
    sa.event.listen(store.engine, "connect", lambda dbapi, _: dbapi.execute(f"PRAGMA max_page_count={pages}"))
    big = facility_run("75901", day(2))
    with pytest.raises(StoreError, match="store write failed: database or disk is full"):
        store.save_run(big)
    assert [r.id for r in store.runs()] == [first.id] and not store.has_run(big.id)


def test_a_schema_1_store_is_upgraded_and_its_first_failures_backfilled(tmp_path: Path) -> None:
    """A store written before schema 2 (no first-failure columns): the upgrade fills them from the
    stored findings, so history and reports of old stores see what they saw before."""
    from tests.foundation.test_store_batched import some_runs

    runs = some_runs()
    reference = Store(f"sqlite:///{tmp_path / 'new.db'}")
    reference.save_runs(runs)
    path = tmp_path / "old.db"
    store = Store(f"sqlite:///{path}")
    store.save_runs(runs)
    store.close()
    db = sqlite3.connect(path)
    for column in ("first_failed", "first_failed_run"):
        db.execute(f"ALTER TABLE tracked DROP COLUMN {column}")
    db.execute("UPDATE hisguard_schema SET version = 1")
    db.commit()
    db.close()
    reader = Store(f"sqlite:///{path}", read_only=True)  # a reader upgrades an old store once
    assert reader.schema_version() == 2
    for code in ("75901", "75902"):
        assert reader.tracked(code) == reference.tracked(code)
