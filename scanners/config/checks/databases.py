"""H03: database servers reachable from every network, or accepting logins without a password.

Only configuration is read; the scanner never logs in to a database.
"""

from __future__ import annotations

from hisguard.scanners.config import parsers
from hisguard.scanners.config.model import Verdict, check, errored, failed, not_applicable, passed
from hisguard.scanners.config.snapshot import Facts

DB_PORTS = {
    5432: "PostgreSQL",
    3306: "MySQL/MariaDB",
    1433: "SQL Server",
    1521: "Oracle",
    27017: "MongoDB",
    6379: "Redis",
    9200: "Elasticsearch",
    5984: "CouchDB",
    11211: "Memcached",
}
DB_PROCESSES = {
    "postgres": "PostgreSQL",
    "mysqld": "MySQL",
    "mariadbd": "MariaDB",
    "mongod": "MongoDB",
    "redis-server": "Redis",
    "sqlservr": "SQL Server",
    "tnslsnr": "Oracle",
    "memcached": "Memcached",
}


def _database(socket: parsers.Socket) -> str | None:
    for process in socket.processes:
        if process in DB_PROCESSES:
            return DB_PROCESSES[process]
    return DB_PORTS.get(socket.port) if socket.proto == "tcp" else None


@check("H03.1", needs=("listen",), resource="database:listen")
def listening_everywhere(facts: Facts) -> list[Verdict]:
    databases = [(s, db) for s in facts.sockets() if s.proto == "tcp" and (db := _database(s))]
    if not databases:
        return [not_applicable("database:listen", "no database server listening")]
    outcomes = [
        failed(
            str(s),
            f"{db} listening on all interfaces ({s.address}:{s.port})",
            f"{db}:{s.port}",
            database=db,
            vi=f"{db} lắng nghe trên mọi giao diện mạng ({s.address}:{s.port})",
        )
        for s, db in databases
        if s.all_interfaces
    ]
    if outcomes:
        return outcomes
    where = ", ".join(sorted({f"{s.address}:{s.port}" for s, _ in databases}))
    return [passed("database:listen", f"databases listen only on {where}", where)]


@check("H03.2", needs=("pg_hba", "mysql", "redis", "mongod", "listen"), resource="database:auth")
def no_password_rules(facts: Facts) -> list[Verdict]:
    outcomes: list[Verdict] = []
    seen_config = False
    for path, line, content in parsers.grep_lines(facts.text("pg_hba")):
        seen_config = True
        fields = content.split()
        if "trust" in fields:
            rule = " ".join(fields)
            outcomes.append(
                failed(
                    path,
                    f"PostgreSQL rule without password: {rule}",
                    rule,
                    line=line,
                    vi=f"luật PostgreSQL không cần mật khẩu: {rule}",
                )
            )
    for path, line, content in parsers.grep_lines(facts.text("mysql")):
        seen_config = True
        if content.strip().replace("_", "-").startswith("skip-grant-tables"):
            outcomes.append(
                failed(
                    path,
                    "MySQL/MariaDB skip-grant-tables: no password checked",
                    path,
                    line=line,
                    vi="MySQL/MariaDB skip-grant-tables: không kiểm tra mật khẩu",
                )
            )
    outcomes.extend(_redis(facts))
    seen_config = seen_config or bool(facts.text("redis").strip())
    mongo = facts.text("mongod")
    if mongo.strip():
        seen_config = True
        outcomes.extend(_mongo(mongo))
    if outcomes:
        return outcomes
    if not seen_config:
        return [
            not_applicable("database:auth", "no PostgreSQL, MySQL/MariaDB, Redis or MongoDB configuration")
        ]
    return [passed("database:auth", "no rule lets a client in without a password")]


def _redis(facts: Facts) -> list[Verdict]:
    text = facts.text("redis")
    if not text.strip() or "requirepass set" in text:
        return []
    exposed = [s for s in facts.sockets() if s.port == 6379 and not s.loopback]
    if not exposed:
        return []
    path = text.split(":", 1)[0]
    return [
        failed(
            path,
            f"Redis without requirepass listening on {exposed[0].address}:6379",
            "redis-nopass",
            vi=f"Redis không đặt requirepass đang lắng nghe trên {exposed[0].address}:6379",
        )
    ]


def _mongo(text: str) -> list[Verdict]:
    values = {content.strip().split(":", 1)[0].strip(): content for _, _, content in parsers.grep_lines(text)}
    authorization = values.get("authorization", "")
    bind_all = "bindIpAll" in values and "true" in values["bindIpAll"].lower()
    bind = values.get("bindIp", "")
    local_only = (
        not bind_all
        and bind != ""
        and all(
            part.strip() in ("127.0.0.1", "::1", "localhost") for part in bind.split(":", 1)[-1].split(",")
        )
    )
    if "enabled" in authorization or local_only:
        return []
    return [
        failed(
            "/etc/mongod.conf",
            "MongoDB without authorization reachable from the network",
            "mongo-noauth",
            vi="MongoDB không bật xác thực, truy cập được từ mạng",
        )
    ]


@check("H03.3", needs=("pg_default_pw",), resource="database:default-password")
def default_passwords(facts: Facts) -> list[Verdict]:
    resource = "database:default-password"
    section = facts.section("pg_default_pw")
    if section.exit_status == 4:
        return [
            errored(
                resource,
                f"PostgreSQL did not answer on the host ({section.error or 'psql failed'})",
                vi=f"PostgreSQL không trả lời trên máy ({section.error or 'psql lỗi'})",
            )
        ]
    lines = [line.strip() for line in facts.text("pg_default_pw").splitlines() if line.strip()]
    if lines == ["no-postgresql"]:
        return [not_applicable(resource, "no PostgreSQL server")]
    if lines == ["postgresql-not-running"]:
        return [not_applicable(resource, "PostgreSQL is installed but not running")]
    if not lines:
        return [passed(resource, "no PostgreSQL login role accepts a common default password")]
    return [
        failed(
            f"account:{account}",
            f"{account} accepts a common default password (tested on the host)",
            account,
            vi=f"{account} chấp nhận một mật khẩu mặc định phổ biến (đã thử trên máy)",
        )
        for account in lines
    ]
