"""Live HIS databases: portal credentials in the configuration tables, read with a read-only account.

HIS software keeps the portal login in its own database (``HT_ThamSo``/``MaThamSo``/``GiaTri``
key/value tables, ``cau_hinh_bhxh`` with ``password_bhxh``, per-staff ``api_bhxh_password``).
With the read-only account the inventory gives (``hisguard_his_db``, password in the vault), the
database host's own client (``psql``, ``mysql``) runs over the scan's SSH session in two steps:

1. the catalog (``information_schema``) lists the tables whose table or column names look like
   settings or credentials (only what the account may read);
2. each such table's first rows come back (bounded), rendered as the COPY block of a dump
   (``COPY t (cols) FROM stdin;`` ... ``\\.``), and the credential judge reads them exactly as
   it reads a dump on disk: the same column and key/value rules, the same redaction.

The password travels on the command's stdin (first line, read by the shell into the client's
environment variable ``PGPASSWORD``/``MYSQL_PWD``), never on a command line; the client's error
text is never repeated (it may quote a value), only counted.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hisguard.scanners.credentials.judge import Judge
from hisguard.scanners.credentials.report import HostResult
from hisguard.scanners.credentials.rules import RuleSet
from hisguard.scanners.errors import InventoryError, TransportError
from hisguard.scanners.inventory import HostTarget, Secret

if TYPE_CHECKING:  # annotations only: the package loads paramiko, which a --path scan never needs
    from hisguard.scanners.transport import Transport

VARIABLE = "hisguard_his_db"
ENGINES = {"postgresql": 5432, "mysql": 3306}
ENGINE_ALIASES = {"postgres": "postgresql", "pg": "postgresql", "mariadb": "mysql"}
MARKER = "@@hisguard-table "
TIMEOUT = 120.0
NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,63}$")
HOST = re.compile(r"^[A-Za-z0-9_.:\-]{1,253}$")
# Words (in table or column names, lower-cased without separators) that make a table worth
# reading: settings tables and credential columns. The rules' own credential words are added.
TABLE_WORDS = (
    "thamso",
    "cauhinh",
    "config",
    "setting",
    "param",
    "giatri",
    "option",
    "property",
    "bhxh",
    "bhyt",
    "egw",
    "giamdinh",
    "lienthong",
    "congty",
    "company",
)
CREDENTIAL_KINDS = ("password", "password_hash", "userpass", "token", "username")


@dataclass(frozen=True)
class DatabaseAccount:
    """``hisguard_his_db`` of one host: how to reach its HIS database from the host itself."""

    dbms: str  # postgresql | mysql (the inventory calls it "engine")
    database: str
    user: str
    password: Secret | None = field(repr=False)
    host: str
    port: int
    max_tables: int = 40
    max_rows: int = 500
    max_columns: int = 40


def account_of(host: HostTarget) -> DatabaseAccount | None:
    """The host's database account, validated; None when the host declares none."""
    raw = host.var(VARIABLE)
    if raw is None:
        return None
    where = f"host {host.name}: {VARIABLE}"
    if not isinstance(raw, Mapping):
        raise InventoryError(f"{where} must be a mapping (engine, database, user, password)")
    unknown = sorted(
        set(raw) - {"engine", "database", "user", "password", "host", "port", "max_tables", "max_rows"}
    )
    if unknown:
        raise InventoryError(f"{where}: unknown key {unknown[0]!r}")
    engine = ENGINE_ALIASES.get(str(raw.get("engine", "")).lower(), str(raw.get("engine", "")).lower())
    if engine not in ENGINES:
        raise InventoryError(f"{where}.engine must be postgresql or mysql (mariadb)")
    database, user = raw.get("database"), raw.get("user")
    for key, value in (("database", database), ("user", user)):
        if not isinstance(value, str) or not NAME.match(value):
            raise InventoryError(f"{where}.{key} must be a plain name (letters, digits, _ . -)")
    password = raw.get("password")
    if isinstance(password, str):
        password = Secret(password)
    if password is not None and not isinstance(password, Secret):
        raise InventoryError(f"{where}.password must be a string (an ansible-vault value)")
    if (
        password is not None
        and password.available
        and ("\n" in password.reveal() or "\r" in password.reveal())
    ):
        raise InventoryError(f"{where}.password must be one line")
    address = str(raw.get("host", "127.0.0.1"))
    if not HOST.match(address):
        raise InventoryError(f"{where}.host must be a host name or an address")
    return DatabaseAccount(
        dbms=engine,
        database=str(database),
        user=str(user),
        password=password,
        host=address,
        port=_number(raw.get("port", ENGINES[engine]), f"{where}.port", 1, 65535),
        max_tables=_number(raw.get("max_tables", 40), f"{where}.max_tables", 1, 1000),
        max_rows=_number(raw.get("max_rows", 500), f"{where}.max_rows", 1, 100000),
    )


def _number(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InventoryError(f"{where} must be a number")
    try:
        number = int(value)
    except ValueError:
        raise InventoryError(f"{where} must be a number") from None
    if not low <= number <= high:
        raise InventoryError(f"{where} must be between {low} and {high}")
    return number


def validate(hosts: Sequence[HostTarget]) -> None:
    """Check every host's ``hisguard_his_db`` before a scan starts (a bad value stops the scan)."""
    for host in hosts:
        account_of(host)


# --- the client on the host ---------------------------------------------------------------------


def _client_command(account: DatabaseAccount) -> str:
    """The shell command that reads the password from stdin's first line and runs the client on
    the rest of stdin (the SQL). Names are quoted; no secret is on this line."""
    q = shlex.quote
    if account.dbms == "postgresql":
        client = (
            "exec psql -X -q -A -t -v ON_ERROR_STOP=0"
            f" -h {q(account.host)} -p {account.port} -U {q(account.user)} -d {q(account.database)} -f -"
        )
        return (
            "IFS= read -r PGPASSWORD; export PGPASSWORD PGCONNECT_TIMEOUT=10 PGCLIENTENCODING=UTF8"
            " PGAPPNAME=hisguard; " + client
        )
    client = (
        "exec mysql --batch --skip-column-names --force --connect-timeout=10 --default-character-set=utf8mb4"
        f" -h {q(account.host)} -P {account.port} -u {q(account.user)} {q(account.database)}"
    )
    return "IFS= read -r MYSQL_PWD; export MYSQL_PWD; " + client


def _run(transport: Transport, account: DatabaseAccount, sql: str) -> tuple[str, int]:
    """The client's output for ``sql`` and how many errors it reported."""
    password = account.password.reveal() if account.password is not None else ""
    stdin = password.encode("utf-8") + b"\n" + sql.encode("utf-8")
    answer = transport.run(_client_command(account), sudo=False, timeout=TIMEOUT, stdin=stdin)
    if answer.exit_status == 127:
        client = "psql" if account.dbms == "postgresql" else "mysql"
        raise TransportError(f"{transport.name}: the database client {client} is not installed on the host")
    errors = answer.stderr.decode("utf-8", "replace")
    if answer.exit_status != 0 and not answer.stdout.strip():
        raise TransportError(f"{transport.name}: {_login_failure(account, errors)}")
    count = sum(1 for line in errors.splitlines() if "ERROR" in line)
    return answer.stdout.decode("utf-8", "replace"), count


def _login_failure(account: DatabaseAccount, errors: str) -> str:
    """Why the client could not start, in words of our own (its text may hold a value)."""
    low = errors.lower()
    target = f"{account.dbms} database {account.database} as {account.user}"
    if "password authentication failed" in low or "access denied" in low:
        return f"{target}: the password was refused"
    if "does not exist" in low or "unknown database" in low:
        return f"{target}: the database or the user does not exist"
    if "could not connect" in low or "connection refused" in low or "can't connect" in low:
        return f"{target}: the server does not answer at {account.host}:{account.port}"
    return f"{target}: the client failed"


def _word_pattern(rules: RuleSet) -> str:
    words = set(TABLE_WORDS)
    for word, (family, kind) in rules.words.items():
        if family == "cred" and kind in CREDENTIAL_KINDS and len(word) >= 4:
            words.add(word)
    words.update(t for t in rules.portal_tokens if len(t) >= 3)
    return "|".join(sorted(re.escape(w) for w in words if re.fullmatch(r"[a-z0-9]+", w)))


def _catalog_sql(account: DatabaseAccount, rules: RuleSet) -> str:
    pattern = _word_pattern(rules)
    if account.dbms == "postgresql":
        return f"""
SELECT coalesce(json_agg(json_build_object('schema', s, 'table', t, 'columns', cols)), '[]')
FROM (
  SELECT c.table_schema AS s, c.table_name AS t,
         json_agg(c.column_name::text ORDER BY c.ordinal_position) AS cols
  FROM information_schema.columns c
  JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
  WHERE tb.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
  GROUP BY c.table_schema, c.table_name
  HAVING bool_or(regexp_replace(lower(c.column_name::text), '[^a-z0-9]', '', 'g') ~ '{pattern}')
      OR regexp_replace(lower(c.table_name::text), '[^a-z0-9]', '', 'g') ~ '{pattern}'
  ORDER BY 1, 2
  LIMIT {account.max_tables}
) found;
"""
    return f"""
SELECT COALESCE(JSON_ARRAYAGG(JSON_OBJECT('schema', s, 'table', t, 'columns', JSON_EXTRACT(cols, '$'))), '[]')
FROM (
  SELECT c.TABLE_SCHEMA AS s, c.TABLE_NAME AS t,
         CONCAT('[', GROUP_CONCAT(JSON_QUOTE(c.COLUMN_NAME) ORDER BY c.ORDINAL_POSITION), ']') AS cols
  FROM information_schema.COLUMNS c
  JOIN information_schema.TABLES tb ON tb.TABLE_SCHEMA = c.TABLE_SCHEMA AND tb.TABLE_NAME = c.TABLE_NAME
  WHERE tb.TABLE_TYPE = 'BASE TABLE' AND c.TABLE_SCHEMA = DATABASE()
  GROUP BY c.TABLE_SCHEMA, c.TABLE_NAME
  HAVING MAX(REGEXP_REPLACE(LOWER(c.COLUMN_NAME), '[^a-z0-9]', '') REGEXP '{pattern}') = 1
      OR REGEXP_REPLACE(LOWER(c.TABLE_NAME), '[^a-z0-9]', '') REGEXP '{pattern}'
  ORDER BY 1, 2
  LIMIT {account.max_tables}
) found;
"""


@dataclass(frozen=True)
class _Table:
    schema: str
    name: str
    columns: tuple[str, ...]


def _tables(output: str, account: DatabaseAccount) -> list[_Table]:
    for line in output.splitlines():
        line = line.strip()
        if not line.startswith("["):
            continue
        try:
            raw = json.loads(line)
        except ValueError:
            continue
        tables = []
        for item in raw if isinstance(raw, list) else []:
            if not isinstance(item, dict):
                continue
            columns = item.get("columns")
            if isinstance(columns, str):  # MySQL may hand back the JSON array as text
                try:
                    columns = json.loads(columns)
                except ValueError:
                    continue
            if not isinstance(columns, list) or not columns:
                continue
            tables.append(
                _Table(
                    str(item.get("schema", "")),
                    str(item.get("table", "")),
                    tuple(str(c) for c in columns[: account.max_columns]),
                )
            )
        return tables[: account.max_tables]
    return []


def _ident(name: str, engine: str) -> str:
    if engine == "postgresql":
        return '"' + name.replace('"', '""') + '"'
    return "`" + name.replace("`", "``") + "`"


def _rows_sql(tables: Sequence[_Table], account: DatabaseAccount) -> str:
    engine = account.dbms
    statements = []
    for index, table in enumerate(tables):
        columns = ", ".join(_ident(c, engine) for c in table.columns)
        source = f"{_ident(table.schema, engine)}.{_ident(table.name, engine)}"
        select = f"SELECT {columns} FROM {source} LIMIT {account.max_rows}"
        if engine == "postgresql":
            statements.append(f"\\echo '{MARKER}{index}'\nCOPY ({select}) TO STDOUT;")
        else:
            statements.append(f"SELECT '{MARKER}{index}';\n{select};")
    return "\n".join(statements) + "\n"


def _blocks(output: str, count: int) -> dict[int, list[str]]:
    """The rows each table gave, by table index (rows in COPY text form: tab-separated)."""
    blocks: dict[int, list[str]] = {}
    current: list[str] | None = None
    for line in output.split("\n"):
        if line.startswith(MARKER):
            tail = line[len(MARKER) :].strip()
            index = int(tail) if tail.isdigit() else -1
            current = blocks.setdefault(index, []) if 0 <= index < count else None
            continue
        if current is not None and line:
            current.append(line)
    return blocks


def _safe_name(name: str) -> str:
    return re.sub(r"\W", "_", name) or "_"


def resource(host: str, account: DatabaseAccount, table: _Table | None = None) -> str:
    base = f"{account.dbms}://{host}/{account.database}"
    return f"{base}/{table.schema}.{table.name}" if table else base


def dump_record(host: str, account: DatabaseAccount, table: _Table, rows: Sequence[str]) -> dict[str, Any]:
    """A table's rows as the COPY block of a dump: what the judge reads in a .sql file."""
    columns = ", ".join(_safe_name(c) for c in table.columns)
    lines = [f"COPY {_safe_name(table.schema)}.{_safe_name(table.name)} ({columns}) FROM stdin;"]
    lines.extend(row.replace("\r", "") for row in rows)
    lines.append("\\.")
    return {"t": "file", "path": resource(host, account, table), "regions": [[1, 0, lines, False]]}


def check(
    transport: Transport, host: HostTarget, rules: RuleSet, result: HostResult, judge: Judge | None = None
) -> None:
    """Read the host's HIS database (when it declares one) into ``result``; failures are errors."""
    account = account_of(host)
    if account is None:
        return
    judge = judge or Judge(rules)
    where = resource(host.name, account)
    try:
        output, _ = _run(transport, account, _catalog_sql(account, rules))
        tables = _tables(output, account)
        if not tables:
            return
        output, failed = _run(transport, account, _rows_sql(tables, account))
    except TransportError as exc:
        result.errors.append(f"{where}: {str(exc).split(': ', 1)[-1]}")
        return
    blocks = _blocks(output, len(tables))
    for index, table in enumerate(tables):
        record = dump_record(host.name, account, table, blocks.get(index, []))
        observations = judge.file(record)
        if observations:
            result.observations.extend(observations)
            result.files[str(record["path"])] = {}
    if failed:
        result.errors.append(
            f"{where}: {failed} of {len(tables)} tables could not be read (no SELECT right?)"
        )
    result.stats["db_tables"] = result.stats.get("db_tables", 0) + len(tables)
