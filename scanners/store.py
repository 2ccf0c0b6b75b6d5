"""The findings store: scan runs, their findings and errors, and when each problem was first seen.

SQLite by default (a file with mode 0600 in the data directory), PostgreSQL for a province's
central store. Only redacted evidence and keyed fingerprints are written; the schema carries a
version and is migrated forward on open. This module is the only one that knows the tables:
everything the scanners, the history and the reports need from the store is a method here.

Writes are batched (one statement per table per run) and each run is one short transaction, so
a long ingest never holds SQLite's write lock for long and a scan beside it only waits.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from hisguard.scanners.errors import HisguardError, StoreError
from hisguard.scanners.findings import Finding, Run, ScanError, Severity, Status
from hisguard.scanners.keys import data_dir, ensure_private_dir
from hisguard.scanners.scan_document.fast_json import finding_json

SCHEMA_VERSION = 2
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
BUSY_TIMEOUT_S = 30  # how long a writer waits for another writer's transaction
CHUNK = 5000  # rows per IN (...) list: below every database's parameter limit
# After this long holding the SQLite write lock across transactions, a writer pauses so that a
# waiting writer (SQLite's busy handler polls every 100 ms at most) gets its turn.
FAIR_SHARE_S = 1.0
YIELD_S = 0.15

metadata = sa.MetaData()

schema_info = sa.Table(
    "hisguard_schema",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("facility", sa.String(16), nullable=False, index=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("scanners", sa.Text, nullable=False),
    sa.Column("hosts", sa.Text, nullable=False),
)

findings = sa.Table(
    "findings",
    metadata,
    sa.Column("run_id", sa.String(64), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("fingerprint", sa.String(64), primary_key=True),
    sa.Column("check_id", sa.String(32), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("facility", sa.String(16), nullable=False),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("resource", sa.Text, nullable=False),
    sa.Column("document", sa.Text, nullable=False),
)

scan_errors = sa.Table(
    "scan_errors",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(64), sa.ForeignKey("runs.id", ondelete="CASCADE"), index=True),
    sa.Column("scanner", sa.String(32), nullable=False),
    sa.Column("facility", sa.String(16), nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
)

# One row per problem per facility: its identity across runs. ``first_failed_run`` is the
# earliest run (by start, then id) in which it failed: enough to tell "seen failing before" and
# "failing since" without reading any older run.
tracked = sa.Table(
    "tracked",
    metadata,
    sa.Column("facility", sa.String(16), primary_key=True),
    sa.Column("fingerprint", sa.String(64), primary_key=True),
    sa.Column("check_id", sa.String(32), nullable=False),
    sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
    sa.Column("first_run", sa.String(64), nullable=False),
    sa.Column("last_run", sa.String(64), nullable=False),
    sa.Column("first_failed", sa.DateTime(timezone=True), nullable=True),
    sa.Column("first_failed_run", sa.String(64), nullable=True),
)

OUR_TABLES = frozenset(table.name for table in metadata.sorted_tables)


@dataclass(frozen=True)
class TrackedProblem:
    facility: str
    fingerprint: str
    check_id: str
    first_seen: datetime
    last_seen: datetime
    first_run: str
    last_run: str
    first_failed: datetime | None = None  # start of the earliest run in which it failed
    first_failed_run: str | None = None


@dataclass(frozen=True)
class Saved:
    """What :meth:`Store.save_runs` did with one run."""

    run_id: str
    written: bool  # False: the store already had a run with this id, and nothing changed
    findings: int  # distinct fingerprints stored
    duplicates: int  # findings sharing a fingerprint with another of the run (kept once)


Failing = dict[str, tuple[str, Severity]]  # fingerprint -> (check id, severity) of failing findings


def default_url() -> str:
    return f"sqlite:///{data_dir() / 'hisguard.db'}"


class Store:
    """Runs and findings in a SQL database, behind one small interface.

    ``read_only`` opens without creating or migrating anything and without switching the
    journal mode: ``report`` and ``history`` can read a store file they may not write.
    """

    def __init__(self, url: str | None = None, *, read_only: bool = False) -> None:
        self.url = url or default_url()
        self.read_only = read_only
        try:
            parsed = sa.make_url(self.url)
        except sa.exc.ArgumentError:
            raise StoreError(f"--store {_shown(self.url)!r} is not a database URL") from None
        backend = parsed.get_backend_name()
        if backend not in SUPPORTED_BACKENDS:
            raise StoreError(f"--store: no database driver for {backend!r} (use sqlite or postgresql)")
        self._is_sqlite = backend == "sqlite"
        self._where = _shown(parsed.render_as_string())
        try:
            self.engine: Engine = self._engine(parsed)
        except (sa.exc.NoSuchModuleError, ImportError):
            raise StoreError(f"--store: no database driver for {backend!r}") from None
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot open the store {self._where}: {_reason(exc)}") from None
        try:
            if read_only:
                self._check_readable()
            else:
                self._migrate()
        except HisguardError:
            self.engine.dispose()
            raise
        except (sa.exc.SQLAlchemyError, ImportError) as exc:
            self.engine.dispose()
            reason = _reason(exc) if isinstance(exc, sa.exc.SQLAlchemyError) else "no database driver"
            raise StoreError(f"cannot open the store {self._where}: {reason}") from None

    def _engine(self, parsed: sa.URL) -> Engine:
        if not self._is_sqlite:
            # A reader's sessions are read-only on the server too.
            options = {"options": "-c default_transaction_read_only=on"} if self.read_only else {}
            return sa.create_engine(parsed, pool_pre_ping=True, connect_args=options)
        database = parsed.database or ""
        in_memory = not database or database == ":memory:"
        if self.read_only and not in_memory:
            path = Path(database)
            if not path.exists():
                return _empty_engine()  # nothing stored yet: reading it finds nothing
            if not path.is_file():
                raise StoreError(f"the store {path} is not a regular file")
            parsed = parsed.set(database=f"file:{path.resolve()}?mode=ro", query={"uri": "true"})
        elif not in_memory:
            _prepare_sqlite_file(Path(database))
        engine = sa.create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
        sa.event.listen(engine, "connect", _sqlite_connect(self.read_only))
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine

    def _check_readable(self) -> None:
        try:
            self._schema_check()
        except sa.exc.OperationalError as exc:
            if not self._is_sqlite or (
                "readonly" not in str(exc.orig) and "unable to open" not in str(exc.orig)
            ):
                raise
            # A WAL store whose -shm file we cannot create: read it as a file nobody changes.
            self.engine.dispose()
            url = self.engine.url
            database = str(url.database).replace("?mode=ro", "?mode=ro&immutable=1")
            self.engine = sa.create_engine(
                url.set(database=database), connect_args={"timeout": BUSY_TIMEOUT_S}
            )
            sa.event.listen(self.engine, "connect", _sqlite_connect(True))
            sa.event.listen(self.engine, "begin", _sqlite_begin)
            self._schema_check()

    def _schema_check(self) -> None:
        with self.engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
            if schema_info.name not in names:
                if self._foreign(names):
                    raise StoreError(f"{self._where} is a database but not a hisguard store")
                empty = True
            else:
                empty = False
                version = conn.execute(sa.select(schema_info.c.version)).scalar()
        if empty:
            self.engine.dispose()
            self.engine = _empty_engine()
            return
        _check_version(version)
        if version is not None and version < SCHEMA_VERSION:
            # A store written by an older hisguard: upgrade it once (a write), then read as asked.
            self.engine.dispose()
            Store(self.url).close()
            self.engine = self._engine(sa.make_url(self.url))

    def _foreign(self, names: set[str]) -> bool:
        """Another program's database: never add our tables to it.

        A SQLite file is ours alone; a PostgreSQL database may hold other schemas' tables, but
        not tables with our names that we did not create.
        """
        return bool(names) if self._is_sqlite else bool(names & OUR_TABLES)

    def _migrate(self) -> None:
        # Several scanners may open a fresh store at the same moment: creating the tables races,
        # so a loser waits a little and tries again (PostgreSQL serialises on an advisory lock).
        for attempt in range(6):
            try:
                self._migrate_once()
                return
            except (sa.exc.OperationalError, sa.exc.IntegrityError, sa.exc.ProgrammingError):
                if attempt == 5:
                    raise
                time.sleep(0.05 * (attempt + 1))

    def _migrate_once(self) -> None:
        with self.engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
            version = (
                conn.execute(sa.select(schema_info.c.version)).scalar() if schema_info.name in names else None
            )
            conn.rollback()
        if schema_info.name not in names and self._foreign(names):
            raise StoreError(f"{self._where} is a database but not a hisguard store")
        _check_version(version)
        if self._is_sqlite:
            # WAL lets readers work while a scan writes; it stays set in the file. Only a writer
            # of a store known to be ours switches it (never a reader, never someone's database).
            raw = self.engine.raw_connection()  # outside any transaction, as SQLite requires
            try:
                raw.cursor().execute("PRAGMA journal_mode=WAL")
            finally:
                raw.close()
        if version == SCHEMA_VERSION:
            return  # the common case: nothing to write, no write lock taken
        with self._write() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7411898)"))
            metadata.create_all(conn, checkfirst=True)
            version = conn.execute(sa.select(schema_info.c.version)).scalar()
            if version is None:
                # Two writers may create a fresh store at once: the insert is idempotent on id=1.
                stmt = _insert(conn, schema_info).values(id=1, version=SCHEMA_VERSION)
                conn.execute(stmt.on_conflict_do_nothing(index_elements=["id"]))
                return
            _check_version(version)
            if version < 2:
                _migrate_to_2(conn)
            conn.execute(schema_info.update().values(version=SCHEMA_VERSION))

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction (BEGIN IMMEDIATE on SQLite: it waits for the lock up front)."""
        if self.read_only:
            raise StoreError("the store was opened read-only")
        with self.engine.connect() as conn:
            conn = conn.execution_options(hisguard_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot read the store {self._where}: {_reason(exc)}") from None

    # --- writing ----------------------------------------------------------------------------

    def save_run(self, run: Run) -> bool:
        """Write one run; False, writing nothing, when the store already has a run with this id."""
        return self.save_runs([run])[0].written

    def save_runs(self, to_save: Iterable[Run]) -> list[Saved]:
        """Write runs with their findings and errors, each in its own short transaction.

        A run is all or nothing; a run id already in the store (saved before, or by another
        writer at the same moment) is left unchanged and reported as not written.
        """
        result = []
        held = 0.0
        for run in to_save:
            if held > FAIR_SHARE_S and self._is_sqlite:
                time.sleep(YIELD_S)  # let a scan waiting for the lock write its run
                held = 0.0
            started = time.monotonic()
            result.append(self._save_one(run))
            held += time.monotonic() - started
        return result

    def _save_one(self, run: Run) -> Saved:
        unique = {f.fingerprint: f for f in run.findings}
        duplicates = len(run.findings) - len(unique)
        try:
            with self._write() as conn:
                if conn.execute(sa.select(runs.c.id).where(runs.c.id == run.id)).first():
                    return Saved(run.id, False, 0, 0)  # ingesting the same run twice changes nothing
                _write_run(conn, run, unique)
        except sa.exc.IntegrityError:
            # Another writer committed the same run id between our check and our insert: its
            # primary key refused ours and our transaction rolled back whole. Nothing lost.
            if self.has_run(run.id):
                return Saved(run.id, False, 0, 0)
            raise StoreError(f"store write failed for run {run.id}: a constraint refused it") from None
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"store write failed: {_reason(exc)}") from None
        return Saved(run.id, True, len(unique), duplicates)

    # --- reading ----------------------------------------------------------------------------

    def has_run(self, run_id: str) -> bool:
        with self._read() as conn:
            return conn.execute(sa.select(runs.c.id).where(runs.c.id == run_id)).first() is not None

    def runs(self, facility: str | None = None, limit: int | None = None) -> list[Run]:
        """Runs, newest first, without their findings (see :meth:`load_run`)."""
        query = sa.select(runs).order_by(runs.c.finished_at.desc(), runs.c.id)
        if facility:
            query = query.where(runs.c.facility == facility)
        if limit:
            query = query.limit(limit)
        with self._read() as conn:
            return [_run_from_row(row._mapping) for row in conn.execute(query)]

    def load_run(self, run_id: str) -> Run:
        [run] = self.load_runs([run_id])
        return run

    def load_runs(self, run_ids: Sequence[str]) -> list[Run]:
        """Runs with their findings and errors, in the order asked."""
        if not run_ids:
            return []
        found: dict[str, list[Finding]] = {run_id: [] for run_id in run_ids}
        errs: dict[str, list[ScanError]] = {run_id: [] for run_id in run_ids}
        rows: dict[str, Any] = {}
        with self._read() as conn:
            for part in _chunks(list(found)):
                for row in conn.execute(sa.select(runs).where(runs.c.id.in_(part))):
                    rows[row.id] = row._mapping
                query = sa.select(findings.c.run_id, findings.c.document).where(findings.c.run_id.in_(part))
                for run_id, doc in conn.execute(query):
                    found[run_id].append(_finding_from_document(doc, run_id))
                query = (
                    sa.select(scan_errors).where(scan_errors.c.run_id.in_(part)).order_by(scan_errors.c.id)
                )
                for r in conn.execute(query):
                    errs[r.run_id].append(
                        ScanError(scanner=r.scanner, target=r.target, message=r.message, facility=r.facility)
                    )
        missing = [run_id for run_id in run_ids if run_id not in rows]
        if missing:
            raise StoreError(f"no run {missing[0]} in the store")
        return [_run_from_row(rows[i], tuple(found[i]), tuple(errs[i])) for i in run_ids]

    def failing(self, run_ids: Sequence[str]) -> dict[str, Failing]:
        """Per run, its failing findings as fingerprints only: one query, no document parsed."""
        result: dict[str, Failing] = {run_id: {} for run_id in run_ids}
        with self._read() as conn:
            for part in _chunks(list(result)):
                query = sa.select(
                    findings.c.run_id, findings.c.fingerprint, findings.c.check_id, findings.c.severity
                ).where(findings.c.run_id.in_(part), findings.c.status == Status.FAIL.value)
                for run_id, fp, check_id, severity in conn.execute(query):
                    result[run_id][fp] = (check_id, _severity(severity))
        return result

    def passed_weights(self, run_ids: Sequence[str], weights: Mapping[Severity, int]) -> dict[str, int]:
        """Per run, the summed ``weights`` of its passing and waived results (the report's score)."""
        result = dict.fromkeys(run_ids, 0)
        passed = (Status.PASS.value, Status.WAIVED.value)
        with self._read() as conn:
            for part in _chunks(list(result)):
                query = (
                    sa.select(findings.c.run_id, findings.c.severity, sa.func.count())
                    .where(findings.c.run_id.in_(part), findings.c.status.in_(passed))
                    .group_by(findings.c.run_id, findings.c.severity)
                )
                for run_id, severity, count in conn.execute(query):
                    result[run_id] += weights[_severity(severity)] * int(count)
        return result

    def tracked(self, facility: str, fingerprints: Iterable[str] | None = None) -> dict[str, TrackedProblem]:
        """The facility's problems (or only those with the given fingerprints), by fingerprint."""
        base = sa.select(tracked).where(tracked.c.facility == facility)
        queries = (
            [base]
            if fingerprints is None
            else [base.where(tracked.c.fingerprint.in_(part)) for part in _chunks(sorted(set(fingerprints)))]
        )
        result = {}
        with self._read() as conn:
            for query in queries:
                for row in conn.execute(query):
                    result[row.fingerprint] = TrackedProblem(
                        **{k: _aware(v) for k, v in row._mapping.items()}
                    )
        return result

    def findings_containing(
        self, terms: Iterable[str], statuses: Iterable[Status], facility: str | None = None
    ) -> list[tuple[Run, Finding]]:
        """Findings with one of ``statuses`` whose document contains one of ``terms`` (any case).

        A cheap filter (for example findings naming an account): callers still judge each one.
        With no term every finding of those statuses is returned.
        """
        run_of = {run.id: run for run in self.runs(facility)}
        query = sa.select(findings.c.run_id, findings.c.document).where(
            findings.c.status.in_([s.value for s in statuses])
        )
        if facility:
            query = query.where(findings.c.facility == facility)
        wanted = sorted(set(terms))
        if wanted:
            query = query.where(
                sa.or_(*(findings.c.document.ilike(f"%{_like_escape(t)}%", escape="\\") for t in wanted))
            )
        result = []
        with self._read() as conn:
            for run_id, doc in conn.execute(query):
                run = run_of.get(run_id)
                if run is not None:
                    result.append((run, _finding_from_document(doc, run_id)))
        return result

    def facilities(self) -> list[str]:
        with self._read() as conn:
            return sorted(conn.execute(sa.select(runs.c.facility).distinct()).scalars())

    def schema_version(self) -> int:
        with self._read() as conn:
            return int(conn.execute(sa.select(schema_info.c.version)).scalar_one())

    def close(self) -> None:
        self.engine.dispose()


# --- SQLite connection set-up ------------------------------------------------------------------


def _empty_engine() -> Engine:
    """A read-only view of a store nothing was written to yet: empty tables in memory."""
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    with engine.begin() as conn:
        metadata.create_all(conn)
        conn.execute(schema_info.insert().values(id=1, version=SCHEMA_VERSION))
    return engine


def _sqlite_connect(read_only: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below): pysqlite's own would begin writes too late.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not read_only:
            # With WAL this never corrupts the store; a power cut may lose the last commit only.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return on_connect


def _sqlite_begin(conn: Connection) -> None:
    # A write transaction takes the write lock when it begins (waiting up to the busy timeout):
    # a deferred one that reads first fails at once with "database is locked" when another
    # writer committed in between, whatever the timeout.
    immediate = conn.get_execution_options().get("hisguard_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _prepare_sqlite_file(path: Path) -> None:
    """Create the SQLite file ourselves with mode 0600 before SQLAlchemy opens it."""
    try:
        if not path.parent.exists():
            ensure_private_dir(path.parent)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except HisguardError as exc:
        raise StoreError(f"cannot open the store {path}: {exc}") from None
    except OSError as exc:
        raise StoreError(f"cannot open the store {path}: {exc.strerror}") from None
    os.close(fd)


# --- writing -------------------------------------------------------------------------------------


def _write_run(conn: Connection, run: Run, unique: Mapping[str, Finding]) -> None:
    """The run's rows, one batched statement per table (SQLAlchemy's per-row parameter handling
    would cost more than the database: the rows are handed to the driver as they are)."""
    started, finished = _utc(run.started_at), _utc(run.finished_at)
    conn.execute(
        runs.insert(),
        {
            "id": run.id,
            "facility": run.facility,
            "started_at": started,
            "finished_at": finished,
            "scanners": json.dumps(list(run.scanners)),
            "hosts": json.dumps(list(run.hosts)),
        },
    )
    if run.errors:
        conn.execute(scan_errors.insert(), [{"run_id": run.id, **e.to_dict()} for e in run.errors])
    if not unique:
        return
    # Fingerprint order: B-tree inserts in key order are cheapest, and concurrent writers lock
    # tracked rows in one order, so never deadlock.
    ordered = sorted(unique.values(), key=lambda f: f.fingerprint)
    run_id = run.id
    # Generated as they are written: on PostgreSQL the server parses and indexes the COPY stream
    # while this process still makes the rest (its JSON is most of our time), on its own core.
    finding_rows = (
        (
            run_id,
            f.fingerprint,
            f.check_id,
            f.status.value,
            f.severity.value,
            f.facility,
            f.host,
            f.resource,
            finding_json(f),
        )
        for f in ordered
    )
    start, finish = _db_time(conn, started), _db_time(conn, finished)
    fail = Status.FAIL
    tracked_rows = (
        (
            f.facility or run.facility,
            f.fingerprint,
            f.check_id,
            finish,
            finish,
            run_id,
            run_id,
            start if f.status is fail else None,
            run_id if f.status is fail else None,
        )
        for f in ordered
    )
    if conn.dialect.name == "postgresql":
        _copy_rows_postgres(conn, finding_rows, tracked_rows)
    else:
        _execute_many(conn, findings.insert(), FINDING_COLUMNS, finding_rows)
        _execute_many(conn, _track(conn), TRACKED_COLUMNS, tracked_rows)


FINDING_COLUMNS = (
    "run_id",
    "fingerprint",
    "check_id",
    "status",
    "severity",
    "facility",
    "host",
    "resource",
    "document",
)
TRACKED_COLUMNS = tuple(column.name for column in tracked.columns)


def _execute_many(
    conn: Connection, stmt: Any, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """One executemany of ``stmt`` with rows given in ``columns`` order, straight to the driver."""
    compiled = stmt.compile(dialect=conn.dialect, column_keys=list(columns))
    order = [columns.index(name) for name in compiled.positiontup or ()]
    if compiled.positional and order != list(range(len(columns))):
        rows = [tuple(row[i] for i in order) for row in rows]
    elif not compiled.positional:
        rows = [dict(zip(columns, row, strict=True)) for row in rows]  # type: ignore[misc]
    else:
        rows = list(rows)  # SQLAlchemy's driver call takes a list
    conn.exec_driver_sql(compiled.string, rows)


def _copy_rows_postgres(
    conn: Connection, finding_rows: Iterable[tuple[Any, ...]], tracked_rows: Iterable[tuple[Any, ...]]
) -> None:
    """PostgreSQL: COPY the findings in, and the sightings into a temporary table upserted at once."""
    raw: Any = conn.connection.dbapi_connection
    names = ", ".join(FINDING_COLUMNS)
    try:
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY findings ({names}) FROM STDIN") as copy:
                for row in finding_rows:
                    copy.write_row(row)
            cursor.execute("CREATE TEMPORARY TABLE tracked_incoming (LIKE tracked) ON COMMIT DROP")
            with cursor.copy(f"COPY tracked_incoming ({', '.join(TRACKED_COLUMNS)}) FROM STDIN") as copy:
                for row in tracked_rows:
                    copy.write_row(row)
    except conn.dialect.loaded_dbapi.Error as exc:
        # The driver's own error (not wrapped by SQLAlchemy here): the transaction rolls back.
        lines = str(exc).strip().splitlines()
        raise StoreError(f"store write failed: {lines[0][:300] if lines else type(exc).__name__}") from None
    incoming = sa.table("tracked_incoming", *(sa.column(name) for name in TRACKED_COLUMNS))
    source = sa.select(*(incoming.c[name] for name in TRACKED_COLUMNS)).order_by(incoming.c.fingerprint)
    conn.execute(_track(conn, source))
    conn.exec_driver_sql("DROP TABLE tracked_incoming")


def _db_time(conn: Connection, value: datetime) -> Any:
    """A UTC time as the dialect stores it (SQLite: SQLAlchemy's text form, as a plain insert would)."""
    process = sa.DateTime(timezone=True).dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return process(value) if process else value


def _insert(conn: Connection, table: sa.Table) -> Any:
    """An INSERT of the connection's dialect, which knows ON CONFLICT."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def _track(conn: Connection, source: Any = None) -> Any:
    """Record sightings: first seen (and first failed) only move earlier, last seen only later.

    Runs may arrive in any order (ingests from several scan hosts, a late file): the result is
    the same as if they had been saved oldest first.
    """
    stmt = _insert(conn, tracked)
    if source is not None:
        stmt = stmt.from_select(list(TRACKED_COLUMNS), source)
    new, old = stmt.excluded, tracked.c
    earlier = new.first_seen < old.first_seen
    later = new.last_seen > old.last_seen
    failed_earlier = sa.and_(
        new.first_failed.is_not(None),
        sa.or_(
            old.first_failed.is_(None),
            new.first_failed < old.first_failed,
            sa.and_(new.first_failed == old.first_failed, new.first_failed_run < old.first_failed_run),
        ),
    )
    return stmt.on_conflict_do_update(
        index_elements=["facility", "fingerprint"],
        set_={
            "first_seen": sa.case((earlier, new.first_seen), else_=old.first_seen),
            "first_run": sa.case((earlier, new.first_run), else_=old.first_run),
            "last_seen": sa.case((later, new.last_seen), else_=old.last_seen),
            "last_run": sa.case((later, new.last_run), else_=old.last_run),
            "first_failed": sa.case((failed_earlier, new.first_failed), else_=old.first_failed),
            "first_failed_run": sa.case((failed_earlier, new.first_failed_run), else_=old.first_failed_run),
        },
    )


def _migrate_to_2(conn: Connection) -> None:
    """Schema 2: tracked problems remember the earliest run in which they failed."""
    for column in ("first_failed", "first_failed_run"):
        kind = "VARCHAR(64)" if column.endswith("_run") else _datetime_type(conn)
        conn.execute(sa.text(f"ALTER TABLE tracked ADD COLUMN {column} {kind}"))
    conn.execute(
        sa.text(
            "UPDATE tracked SET first_failed_run = ("
            " SELECT f.run_id FROM findings f JOIN runs r ON r.id = f.run_id"
            " WHERE f.fingerprint = tracked.fingerprint AND r.facility = tracked.facility"
            " AND f.status = 'fail' ORDER BY r.started_at, r.id LIMIT 1)"
        )
    )
    conn.execute(
        sa.text(
            "UPDATE tracked SET first_failed ="
            " (SELECT started_at FROM runs WHERE runs.id = tracked.first_failed_run)"
        )
    )


def _datetime_type(conn: Connection) -> str:
    return "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"


# --- reading -------------------------------------------------------------------------------------


def _check_version(version: int | None) -> None:
    if version is not None and version > SCHEMA_VERSION:
        raise StoreError(
            f"the store has schema version {version}, newer than this hisguard ({SCHEMA_VERSION})"
        )


def _finding_from_document(doc: str, run_id: str) -> Finding:
    try:
        return Finding.from_dict(json.loads(doc))
    except (ValueError, TypeError, KeyError, AttributeError):
        raise StoreError(f"a stored finding of run {run_id} is malformed") from None


def _severity(value: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise StoreError("a stored finding has an unknown severity") from None


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _utc(value: datetime) -> datetime:
    # SQLite keeps times without their offset: everything the store gets is UTC.
    return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _aware(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)  # SQLite returns naive datetimes; they were stored as UTC
    return value


def _run_from_row(row: Any, found: tuple[Finding, ...] = (), errs: tuple[ScanError, ...] = ()) -> Run:
    return Run(
        id=row["id"],
        facility=row["facility"],
        started_at=_aware(row["started_at"]),
        finished_at=_aware(row["finished_at"]),
        scanners=tuple(json.loads(row["scanners"])),
        hosts=tuple(json.loads(row["hosts"])),
        findings=found,
        errors=errs,
    )


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _shown(url: str) -> str:
    """A URL fit for a message: one line, no password, bounded."""
    try:
        text = sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        text = url
    text = text.encode("unicode_escape", "backslashreplace").decode("ascii")
    return text if len(text) <= 200 else text[:200] + "..."


def _reason(exc: sa.exc.SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__
