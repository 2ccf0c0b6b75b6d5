"""The findings store: scan runs, their findings and errors, and when each problem was first seen.

SQLite by default (a file with mode 0600 in the data directory), any SQLAlchemy URL otherwise
(PostgreSQL for a province's central store). Only redacted evidence and keyed fingerprints are
written; the schema carries a version and is migrated forward on open.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from hisguard.scanners.errors import HisguardError, StoreError
from hisguard.scanners.findings import Finding, Run, ScanError
from hisguard.scanners.keys import data_dir, ensure_private_dir

SCHEMA_VERSION = 1

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

# One row per problem per facility: its identity across runs.
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
)


@dataclass(frozen=True)
class TrackedProblem:
    facility: str
    fingerprint: str
    check_id: str
    first_seen: datetime
    last_seen: datetime
    first_run: str
    last_run: str


def default_url() -> str:
    return f"sqlite:///{data_dir() / 'hisguard.db'}"


def _prepare_sqlite_file(url: sa.URL) -> None:
    """Create the SQLite file ourselves with mode 0600 before SQLAlchemy opens it."""
    database = url.database
    if not database or database == ":memory:":
        return
    path = Path(database)
    try:
        if not path.parent.exists():
            ensure_private_dir(path.parent)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except HisguardError as exc:
        raise StoreError(f"cannot open the store {path}: {exc}") from None
    except OSError as exc:
        raise StoreError(f"cannot open the store {path}: {exc.strerror}") from None
    os.close(fd)


class Store:
    """Runs and findings in a SQL database, behind one small interface."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        try:
            parsed = sa.make_url(self.url)
        except sa.exc.ArgumentError:
            raise StoreError(f"--store {self.url!r} is not a database URL") from None
        self._is_sqlite = parsed.get_backend_name() == "sqlite"
        if self._is_sqlite:
            _prepare_sqlite_file(parsed)
        try:
            self.engine: Engine = sa.create_engine(
                parsed,
                connect_args={"timeout": 30} if self._is_sqlite else {},
                pool_pre_ping=not self._is_sqlite,
            )
            if self._is_sqlite:
                sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self._migrate()
        except sa.exc.NoSuchModuleError:
            raise StoreError(f"--store: no database driver for {parsed.get_backend_name()!r}") from None
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot open the store {parsed.render_as_string()}: {_reason(exc)}") from None

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
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7411898)"))
            metadata.create_all(conn, checkfirst=True)
            version = conn.execute(sa.select(schema_info.c.version)).scalar()
            if version is None:
                # Two writers may create a fresh store at once: the insert is idempotent on id=1.
                conn.execute(_upsert(conn, schema_info, {"id": 1, "version": SCHEMA_VERSION}, ["id"], []))
            elif version > SCHEMA_VERSION:
                raise StoreError(
                    f"the store has schema version {version}, newer than this hisguard ({SCHEMA_VERSION})"
                )
            # Future migrations go here, each raising version by one inside this transaction.

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"store write failed: {_reason(exc)}") from None

    def save_run(self, run: Run) -> bool:
        """Write a run with its findings and errors, and move first/last seen forward.

        Returns False, writing nothing, when the store already has a run with this id.
        """
        with self._begin() as conn:
            if conn.execute(sa.select(runs.c.id).where(runs.c.id == run.id)).first():
                return False  # ingesting the same run twice changes nothing
            conn.execute(
                runs.insert().values(
                    id=run.id,
                    facility=run.facility,
                    started_at=run.started_at,
                    finished_at=run.finished_at,
                    scanners=json.dumps(list(run.scanners)),
                    hosts=json.dumps(list(run.hosts)),
                )
            )
            unique = {f.fingerprint: f for f in run.findings}
            if unique:
                conn.execute(
                    findings.insert(),
                    [
                        {
                            "run_id": run.id,
                            "fingerprint": f.fingerprint,
                            "check_id": f.check_id,
                            "status": f.status.value,
                            "severity": f.severity.value,
                            "facility": f.facility,
                            "host": f.host,
                            "resource": f.resource,
                            "document": json.dumps(f.to_dict(), ensure_ascii=False),
                        }
                        for f in unique.values()
                    ],
                )
            if run.errors:
                conn.execute(
                    scan_errors.insert(),
                    [{"run_id": run.id, **e.to_dict()} for e in run.errors],
                )
            # Fingerprint order: concurrent writers lock tracked rows in one order, so never deadlock.
            for f in sorted(unique.values(), key=lambda f: f.fingerprint):
                facility = f.facility or run.facility
                conn.execute(
                    _track(
                        conn,
                        {
                            "facility": facility,
                            "fingerprint": f.fingerprint,
                            "check_id": f.check_id,
                            "first_seen": run.finished_at,
                            "last_seen": run.finished_at,
                            "first_run": run.id,
                            "last_run": run.id,
                        },
                    )
                )
        return True

    def has_run(self, run_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(runs.c.id).where(runs.c.id == run_id)).first() is not None

    def runs(self, facility: str | None = None, limit: int | None = None) -> list[Run]:
        """Runs, newest first, without their findings (see :meth:`load_run`)."""
        query = sa.select(runs).order_by(runs.c.finished_at.desc(), runs.c.id)
        if facility:
            query = query.where(runs.c.facility == facility)
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_run_from_row(row._mapping) for row in conn.execute(query)]

    def load_run(self, run_id: str) -> Run:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(runs).where(runs.c.id == run_id)).first()
            if row is None:
                raise StoreError(f"no run {run_id} in the store")
            docs = conn.execute(sa.select(findings.c.document).where(findings.c.run_id == run_id)).scalars()
            found = tuple(Finding.from_dict(json.loads(doc)) for doc in docs)
            errs = tuple(
                ScanError(scanner=r.scanner, target=r.target, message=r.message, facility=r.facility)
                for r in conn.execute(sa.select(scan_errors).where(scan_errors.c.run_id == run_id))
            )
        return _run_from_row(row._mapping, found, errs)

    def tracked(self, facility: str) -> dict[str, TrackedProblem]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(tracked).where(tracked.c.facility == facility))
            return {
                row.fingerprint: TrackedProblem(**{k: _aware(v) for k, v in row._mapping.items()})
                for row in rows
            }

    def facilities(self) -> list[str]:
        with self.engine.connect() as conn:
            return sorted(conn.execute(sa.select(runs.c.facility).distinct()).scalars())

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(schema_info.c.version)).scalar_one())

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while a scan writes; busy_timeout makes concurrent writers wait.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _insert(conn: Connection, table: sa.Table, values: dict[str, Any]) -> Any:
    """An INSERT of the connection's dialect, which knows ON CONFLICT."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).values(**values)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).values(**values)
    raise StoreError(f"the store does not support the {dialect} database")


def _track(conn: Connection, values: dict[str, Any]) -> Any:
    """Record a sighting: first seen only moves earlier and last seen only later.

    Runs may arrive in any order (ingests from several scan hosts, a late file): the result is
    the same as if they had been saved oldest first.
    """
    stmt = _insert(conn, tracked, values)
    new = stmt.excluded
    earlier = new.first_seen < tracked.c.first_seen
    later = new.last_seen > tracked.c.last_seen
    return stmt.on_conflict_do_update(
        index_elements=["facility", "fingerprint"],
        set_={
            "first_seen": sa.case((earlier, new.first_seen), else_=tracked.c.first_seen),
            "first_run": sa.case((earlier, new.first_run), else_=tracked.c.first_run),
            "last_seen": sa.case((later, new.last_seen), else_=tracked.c.last_seen),
            "last_run": sa.case((later, new.last_run), else_=tracked.c.last_run),
        },
    )


def _upsert(
    conn: Connection, table: sa.Table, values: dict[str, Any], keys: list[str], update: Sequence[str]
) -> Any:
    stmt = _insert(conn, table, values)
    if update:
        return stmt.on_conflict_do_update(
            index_elements=keys, set_={name: stmt.excluded[name] for name in update}
        )
    return stmt.on_conflict_do_nothing(index_elements=keys)


def _aware(value: Any) -> Any:
    from datetime import UTC

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


def _reason(exc: sa.exc.SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
