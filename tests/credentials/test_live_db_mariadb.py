"""The live database check against a real MariaDB server (Debian's mariadb-server binaries), read
through its own client (``mysql``) over a transport, as on a HIS database host.

The server runs for this module only, from a fresh data directory, on 127.0.0.1 at a free port
with its socket in that directory, and is always stopped and removed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hisguard.scanners.credentials import live_db
from hisguard.scanners.credentials.report import HostResult
from hisguard.scanners.credentials.rules import default_rules
from hisguard.scanners.inventory import HostTarget, Secret
from hisguard.scanners.transport import LocalTransport

SERVER = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
INSTALL = shutil.which("mariadb-install-db")
CLIENT = shutil.which("mariadb")
DB_PASSWORD = "RoMaria!5521"
PORTAL_PASSWORD = "Kc8#pLm3v7"
START_TIMEOUT = 60.0

pytestmark = pytest.mark.mariadb


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MariaDB:
    def __init__(self, base: Path, port: int) -> None:
        self.base, self.port = base, port
        self.socket = base / "mysqld.sock"

    def sql(self, text: str) -> str:
        assert CLIENT
        done = subprocess.run(
            [CLIENT, "--no-defaults", "-S", str(self.socket), "-u", "root", "--batch"],
            input=text,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-300:]
        return done.stdout


@pytest.fixture(scope="module")
def mariadb() -> Iterator[MariaDB]:
    if not (INSTALL and CLIENT and Path(SERVER).is_file()):
        pytest.skip("MariaDB server binaries not found (apt-get install mariadb-server mariadb-client)")
    base = Path(tempfile.mkdtemp(prefix="hisguard-maria-"))
    user = ["--user=mysql"] if os.geteuid() == 0 else []
    if user:
        shutil.chown(base, "mysql", "mysql")
    data = base / "data"
    server: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(
            [
                INSTALL,
                "--no-defaults",
                f"--datadir={data}",
                "--auth-root-authentication-method=socket",
                "--skip-test-db",
                *user,
            ],
            capture_output=True,
            timeout=120,
            check=True,
        )
        port = _free_port()
        server = subprocess.Popen(
            [
                SERVER,
                "--no-defaults",
                f"--datadir={data}",
                f"--socket={base / 'mysqld.sock'}",
                f"--port={port}",
                "--bind-address=127.0.0.1",
                f"--pid-file={base / 'mysqld.pid'}",
                f"--log-error={base / 'error.log'}",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=16M",
                *user,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        db = MariaDB(base, port)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            ping = subprocess.run(
                ["mariadb-admin", "--no-defaults", "-S", str(db.socket), "-u", "root", "ping"],
                capture_output=True,
                timeout=30,
                check=False,
            )
            if ping.returncode == 0:
                break
            if server.poll() is not None or time.monotonic() > deadline:
                log = (
                    (base / "error.log").read_text(errors="replace")[-400:]
                    if (base / "error.log").exists()
                    else ""
                )
                pytest.fail(f"MariaDB did not start: {log}")
            time.sleep(0.2)
        yield db
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)


SCHEMA = f"""
CREATE DATABASE his CHARACTER SET utf8mb4;
USE his;
CREATE TABLE HT_ThamSo (Id INT PRIMARY KEY AUTO_INCREMENT, MaThamSo VARCHAR(100), GiaTri VARCHAR(500),
  MoTa VARCHAR(200));
INSERT INTO HT_ThamSo (MaThamSo, GiaTri, MoTa) VALUES
  ('USERNAME_BHXH', '75901_BV', 'Tài khoản cổng giám định BHYT'),
  ('MATKHAU_BHXH', '{PORTAL_PASSWORD}', 'Mật khẩu cổng giám định BHYT'),
  ('SMTP_PASSWORD', 'Smtp-Not-Portal-77', 'Mật khẩu thư điện tử');
CREATE TABLE company (MaCSKCB VARCHAR(5), UserNameBHXH VARCHAR(50), PasswordBHXH VARCHAR(100));
INSERT INTO company VALUES ('75901', '75901_BV', 'ab56b4d92b40713acc5af89985d4b786');
CREATE TABLE dm_thuoc (Id INT, TenThuoc VARCHAR(100));
INSERT INTO dm_thuoc VALUES (1, 'Paracetamol 500mg');
CREATE USER 'hisguard_ro'@'127.0.0.1' IDENTIFIED BY '{DB_PASSWORD}';
GRANT SELECT ON his.HT_ThamSo TO 'hisguard_ro'@'127.0.0.1';
GRANT SELECT ON his.company TO 'hisguard_ro'@'127.0.0.1';
"""


def _host(port: int, password: str) -> HostTarget:
    account = {
        "engine": "mariadb",
        "database": "his",
        "user": "hisguard_ro",
        "password": Secret(password),
        "host": "127.0.0.1",
        "port": port,
    }
    return HostTarget(
        name="his-db-02",
        facility="75901",
        address="198.18.0.12",
        port=22,
        user=None,
        key_file=None,
        groups=("db_servers",),
        allowed_tcp_ports=(22,),
        variables={"hisguard_his_db": account},
    )


def test_real_mariadb_through_the_mysql_client(mariadb: MariaDB) -> None:
    mariadb.sql(SCHEMA)
    result = HostResult(host="his-db-02")
    with LocalTransport("his-db-02") as transport:
        live_db.check(transport, _host(mariadb.port, DB_PASSWORD), default_rules(), result)
    assert result.errors == []
    secrets = {(o.path, o.line, o.secret_kind) for o in result.observations if o.kind == "secret"}
    assert secrets == {
        ("mysql://his-db-02/his/his.HT_ThamSo", 3, "password"),
        ("mysql://his-db-02/his/his.company", 2, "password_hash"),
    }
    assert result.stats["db_tables"] == 2  # dm_thuoc is not readable by the account


def test_wrong_password_is_one_error_in_our_words(mariadb: MariaDB) -> None:
    result = HostResult(host="his-db-02")
    with LocalTransport("his-db-02") as transport:
        live_db.check(transport, _host(mariadb.port, "not-the-password"), default_rules(), result)
    assert result.errors == [
        "mysql://his-db-02/his: mysql database his as hisguard_ro: the password was refused"
    ]
