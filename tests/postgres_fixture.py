"""A real PostgreSQL server for the session, from Debian's packaged binaries, on loopback only.

``postgres_server`` runs ``initdb`` into a fresh directory (owned by the ``postgres`` user when
the tests run as root: the server refuses to run as root), starts it on 127.0.0.1 at a free port
with its socket in that directory, and always stops it (``pg_ctl stop -m fast``) and removes the
directory, whatever the tests did. ``postgres_url`` gives each test an empty database of its own.
Tests that use them are marked ``@pytest.mark.postgres``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("HISGUARD_PG_BIN", "/usr/lib/postgresql/15/bin"))
SUPERUSER = "hisguard"
START_TIMEOUT = 60


@dataclass(frozen=True)
class PostgresServer:
    port: int
    socket_dir: Path
    log: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = _run(
            [
                str(PG_BIN / "psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.socket_dir),
                "-p",
                str(self.port),
                "-U",
                SUPERUSER,
                "-d",
                database,
                "-c",
                sql,
            ],
            as_owner=False,
        )
        return done.stdout.strip()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres() -> bool:
    return os.geteuid() == 0


def _run(cmd: list[str], *, as_owner: bool = True, check: bool = True) -> subprocess.CompletedProcess[str]:
    if as_owner and _as_postgres():
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=START_TIMEOUT + 30, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(
            f"{Path(cmd[0]).name} {' '.join(cmd[1:4])}... failed: {done.stderr.strip()[-500:]}"
        )
    return done


def _skip_reason() -> str | None:
    if not (PG_BIN / "initdb").is_file():
        return f"PostgreSQL server binaries not found in {PG_BIN} (apt-get install postgresql)"
    if _as_postgres() and shutil.which("runuser") is None:
        return "runuser (util-linux) is needed to run PostgreSQL as the postgres user"
    return None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    with running_server() as server:
        yield server


def available() -> str | None:
    """None when a server can be started here, else why not (benches print it and go on)."""
    return _skip_reason()


@contextmanager
def running_server() -> Iterator[PostgresServer]:
    """A started server, stopped and removed on leaving (also used by bench/store)."""
    # Not pytest's tmp dir: it is private to root, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="hisguard-pg-"))
    data, log = base / "data", base / "server.log"
    started = False
    try:
        if _as_postgres():
            shutil.chown(base, "postgres", "postgres")
        _run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        )
        # A port found free can be taken before the server binds it: try a few.
        for _attempt in range(3):
            port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
            )
            done = _run(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(log),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    str(START_TIMEOUT),
                    "start",
                ],
                check=False,
            )
            started = True  # even a failed start may leave a postmaster: always try to stop
            if done.returncode == 0:
                break
        else:
            tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {tail}")
        yield PostgresServer(port=port, socket_dir=base, log=log)
    finally:
        if started:
            _run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], check=False)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database for one test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    postgres_server.psql(f"CREATE DATABASE {name}")
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
