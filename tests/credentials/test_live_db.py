"""The live HIS database check: the account's validation, what goes on the wire, and a real
PostgreSQL server read through its own client (psql) over a transport."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hisguard.scanners.credentials import live_db
from hisguard.scanners.credentials.report import HostResult
from hisguard.scanners.credentials.rules import default_rules
from hisguard.scanners.credentials.scanner import findings_for
from hisguard.scanners.errors import InventoryError
from hisguard.scanners.inventory import HostTarget, Secret
from hisguard.scanners.transport import CommandResult, LocalTransport
from tests.postgres_fixture import PostgresServer

DB_PASSWORD = "RoDbPass!4417"
PORTAL_PASSWORD = "Gd7@kLq9w2"


def _host(db: Any) -> HostTarget:
    return HostTarget(
        name="his-db-01",
        facility="75901",
        address="198.18.0.11",
        port=22,
        user="hisadmin",
        key_file=None,
        groups=("db_servers",),
        allowed_tcp_ports=(22,),
        variables={"hisguard_his_db": db} if db is not None else {},
    )


GOOD = {"engine": "postgresql", "database": "his", "user": "hisguard_ro", "password": Secret(DB_PASSWORD)}


def test_account_is_validated() -> None:
    assert live_db.account_of(_host(None)) is None
    account = live_db.account_of(_host(GOOD))
    assert account is not None and (account.port, account.host) == (5432, "127.0.0.1")
    assert DB_PASSWORD not in repr(account)
    mysql = live_db.account_of(_host({**GOOD, "engine": "MariaDB", "port": "3307"}))
    assert mysql is not None and (mysql.dbms, mysql.port) == ("mysql", 3307)
    bad = [
        ({**GOOD, "engine": "oracle"}, "engine must be postgresql or mysql"),
        ({**GOOD, "database": "his; drop"}, "database must be a plain name"),
        ({**GOOD, "user": None}, "user must be a plain name"),
        ({**GOOD, "port": 70000}, "port must be between 1 and 65535"),
        ({**GOOD, "port": "x"}, "port must be a number"),
        ({**GOOD, "passwd": "x"}, "unknown key 'passwd'"),
        ({**GOOD, "password": Secret("a\nb")}, "password must be one line"),
        ("postgresql://x", "must be a mapping"),
    ]
    for value, message in bad:
        with pytest.raises(InventoryError, match=message) as caught:
            live_db.account_of(_host(value))
        assert DB_PASSWORD not in str(caught.value)


class _Recorder:
    """A transport that answers like psql would and keeps what it was given."""

    name = "his-db-01"

    def __init__(self, answers: list[CommandResult]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, bytes]] = []

    def run(
        self, command: str, *, sudo: bool = False, timeout: float = 60.0, stdin: bytes | None = None
    ) -> Any:
        self.calls.append((command, stdin or b""))
        return self.answers.pop(0)

    def close(self) -> None:
        pass


def _catalog(*tables: tuple[str, str, list[str]]) -> bytes:
    return (json.dumps([{"schema": s, "table": t, "columns": c} for s, t, c in tables]) + "\n").encode()


def test_password_goes_on_stdin_and_rows_are_judged_like_a_dump() -> None:
    rows = (
        "@@hisguard-table 0\n"
        f"1\tMATKHAU_BHXH\t{PORTAL_PASSWORD}\tMật khẩu cổng giám định\n"
        "2\tTEN_BENH_VIEN\tBệnh viện Lab\t\\N\n"
        "@@hisguard-table 1\n"
        f"1\tadmin\tsmtp-{PORTAL_PASSWORD}\n"
    )
    transport = _Recorder(
        [
            CommandResult(
                0,
                _catalog(
                    ("dbo", "HT_ThamSo", ["id", "MaThamSo", "GiaTri", "MoTa"]),
                    ("public", "cau_hinh_email", ["id", "smtp_user", "smtp_password"]),
                ),
                b"",
            ),
            CommandResult(0, rows.encode(), b""),
        ]
    )
    result = HostResult(host="his-db-01")
    live_db.check(transport, _host(GOOD), default_rules(), result)  # type: ignore[arg-type]
    for command, stdin in transport.calls:
        assert DB_PASSWORD not in command and stdin.split(b"\n", 1)[0] == DB_PASSWORD.encode()
        assert "psql" in command and "-U hisguard_ro -d his" in command
    assert (
        'COPY ("id", "MaThamSo", "GiaTri", "MoTa") FROM "dbo"."HT_ThamSo"'
        not in transport.calls[1][1].decode()
    )
    assert (
        'SELECT "id", "MaThamSo", "GiaTri", "MoTa" FROM "dbo"."HT_ThamSo" LIMIT 500'
        in transport.calls[1][1].decode()
    )
    secrets = [o for o in result.observations if o.kind == "secret"]
    assert {(o.path, o.line) for o in secrets} == {("postgresql://his-db-01/his/dbo.HT_ThamSo", 2)}
    findings = findings_for([result], default_rules(), "75901")
    assert {(f.check_id, f.resource) for f in findings} >= {
        ("C01", "postgresql://his-db-01/his/dbo.HT_ThamSo")
    }
    assert PORTAL_PASSWORD not in json.dumps(
        [f.evidence for f in findings] + [str(f.details) for f in findings]
    )


def test_client_failures_are_errors_in_our_words() -> None:
    leak = f'psql: error: FATAL: password authentication failed for user "hisguard_ro" {DB_PASSWORD}\n'
    transport = _Recorder([CommandResult(2, b"", leak.encode())])
    result = HostResult(host="his-db-01")
    live_db.check(transport, _host(GOOD), default_rules(), result)  # type: ignore[arg-type]
    assert result.errors == [
        "postgresql://his-db-01/his: postgresql database his as hisguard_ro: the password was refused"
    ]
    missing = _Recorder([CommandResult(127, b"", b"sh: 1: exec: mysql: not found\n")])
    result = HostResult(host="his-db-01")
    live_db.check(missing, _host({**GOOD, "engine": "mysql"}), default_rules(), result)  # type: ignore[arg-type]
    assert result.errors == ["mysql://his-db-01/his: the database client mysql is not installed on the host"]


def test_mysql_output_is_read_the_same_way() -> None:
    rows = f"@@hisguard-table 0\n75901\t75901_BV\t{PORTAL_PASSWORD}\n"
    transport = _Recorder(
        [
            CommandResult(0, _catalog(("his", "company", ["MaCSKCB", "UserNameBHXH", "PasswordBHXH"])), b""),
            CommandResult(0, rows.encode(), b""),
        ]
    )
    result = HostResult(host="his-db-01")
    account = {**GOOD, "engine": "mysql"}
    live_db.check(transport, _host(account), default_rules(), result)  # type: ignore[arg-type]
    command, stdin = transport.calls[1]
    assert command.startswith("IFS= read -r MYSQL_PWD; export MYSQL_PWD; exec mysql --batch")
    assert (
        "SELECT `MaCSKCB`, `UserNameBHXH`, `PasswordBHXH` FROM `his`.`company` LIMIT 500;" in stdin.decode()
    )
    secrets = [o for o in result.observations if o.kind == "secret"]
    assert {(o.path, o.username) for o in secrets} == {("mysql://his-db-01/his/his.company", "75901_BV")}


SCHEMA = f"""
CREATE TABLE ht_thamso (id serial PRIMARY KEY, ma_tham_so text, gia_tri text, mo_ta text);
INSERT INTO ht_thamso (ma_tham_so, gia_tri, mo_ta) VALUES
  ('USERNAME_BHXH', '75901_BV', 'Tài khoản cổng giám định BHYT'),
  ('MATKHAU_BHXH', '{PORTAL_PASSWORD}', 'Mật khẩu cổng giám định BHYT'),
  ('TEN_CSKCB', 'Bệnh viện Lab', NULL);
CREATE TABLE cau_hinh_email (id int, smtp_user text, smtp_password text);
INSERT INTO cau_hinh_email VALUES (1, 'noreply', 'Smtp-Only-Not-Portal1');
CREATE TABLE nhan_vien_bhxh (id int, ho_ten text, api_bhxh_password text);
INSERT INTO nhan_vien_bhxh VALUES (1, 'Nguyễn Thị Hoa', 'Hidden-From-Ro-User9');
CREATE TABLE dm_thuoc (id int, ten text, gia numeric);
CREATE ROLE hisguard_ro LOGIN PASSWORD '{DB_PASSWORD}';
GRANT SELECT ON ht_thamso, cau_hinh_email, dm_thuoc TO hisguard_ro;
"""


@pytest.mark.postgres
def test_real_postgresql_through_psql(postgres_server: PostgresServer, postgres_url: str) -> None:
    database = postgres_url.rsplit("/", 1)[1]
    postgres_server.psql("DROP ROLE IF EXISTS hisguard_ro")
    postgres_server.psql(SCHEMA, database)
    try:
        account = {
            **GOOD,
            "database": database,
            "host": "127.0.0.1",
            "port": postgres_server.port,
        }
        result = HostResult(host="his-db-01")
        with LocalTransport("his-db-01") as transport:
            live_db.check(transport, _host(account), default_rules(), result)
        where = f"postgresql://his-db-01/{database}/public.ht_thamso"
        secrets = [o for o in result.observations if o.kind == "secret"]
        assert {(o.path, o.line, o.secret_kind) for o in secrets} == {(where, 3, "password")}
        # nhan_vien_bhxh is not readable by the account: it is not listed, so nothing fails.
        assert result.errors == [] and result.stats["db_tables"] == 2
        findings = findings_for([result], default_rules(), "75901")
        assert ("C01", where) in {(f.check_id, f.resource) for f in findings}
        assert PORTAL_PASSWORD not in json.dumps([f.evidence for f in findings])
    finally:
        postgres_server.psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        postgres_server.psql("DROP ROLE IF EXISTS hisguard_ro")


def test_example_inventory_declares_a_valid_account() -> None:
    from hisguard.scanners.inventory import load_inventory
    from tests.conftest import REPO

    example = REPO / "inventories/example"
    inventory = load_inventory([example], str(example / "vault-password.example.txt"))
    db_hosts = [h for h in inventory.hosts() if "db_servers" in h.groups]
    assert db_hosts
    for host in db_hosts:
        account = live_db.account_of(host)
        assert account is not None and account.user == "hisguard_ro" and account.password is not None


def test_bad_account_stops_the_scan_with_one_line(tmp_path: Any) -> None:
    import subprocess
    import sys

    from tests.credentials.helpers import write

    inv = tmp_path / "inv"
    write(inv, "hosts.yml", "all:\n  children:\n    facility_75901:\n      hosts:\n        db-01:\n")
    write(inv, "host_vars/db-01.yml", "ansible_host: 198.18.0.250\nhisguard_his_db: {engine: oracle}\n")
    write(inv, "group_vars/facility_75901.yml", 'facility_name: "BV"\nfacility_networks: ["198.18.0.0/24"]\n')
    done = subprocess.run(
        [sys.executable, "-m", "hisguard", "scan", "credentials", "-i", str(inv), "--no-store"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "hisguard: error: host db-01: hisguard_his_db.engine must be postgresql or mysql (mariadb)"
    ]


@pytest.mark.postgres
def test_lab_settings_script_gives_the_lab_account_its_finding(postgres_server: PostgresServer) -> None:
    """The SQL the lab plants on his-db-01 (rendered with the lab's values), applied as its
    first-boot script does, read back with the lab inventory's read-only account."""
    from hisguard.lab import plant, vault
    from hisguard.lab.paths import PROFILES_DIR
    from hisguard.lab.profile import load_fleet

    fleet = load_fleet()
    host = fleet.host("his-db-01")
    values = plant.context(fleet, host)
    script = plant.render((PROFILES_DIR / "files/his-db-01/portal-settings.sql").read_text(), values)
    user, password = vault.his_db_account()
    postgres_server.psql("DROP DATABASE IF EXISTS his WITH (FORCE)")
    postgres_server.psql(f"DROP ROLE IF EXISTS {user}")
    postgres_server.psql(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'his_app')"
        " THEN CREATE ROLE his_app LOGIN; END IF; END $$"
    )
    postgres_server.psql("CREATE DATABASE his OWNER his_app")
    try:
        postgres_server.psql(script, "his")
        account = {
            "engine": "postgresql",
            "database": "his",
            "user": user,
            "password": Secret(password),
            "port": postgres_server.port,
        }
        result = HostResult(host="his-db-01")
        with LocalTransport("his-db-01") as transport:
            live_db.check(transport, _host(account), default_rules(), result)
        findings = findings_for([result], default_rules(), "75901")
        wanted = "postgresql://his-db-01/his/public.ht_thamso"
        assert {"C01", "C03"} <= {f.check_id for f in findings if f.resource == wanted}
        text = json.dumps([f.to_dict() for f in findings], ensure_ascii=False, default=str)
        assert vault.portal_account("75901").password not in text and password not in text
    finally:
        postgres_server.psql("DROP DATABASE IF EXISTS his WITH (FORCE)")
        postgres_server.psql(f"DROP ROLE IF EXISTS {user}")
