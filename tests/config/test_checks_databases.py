"""H03: databases listening everywhere, password-less rules, default passwords."""

from __future__ import annotations

from tests.config.fakes import run_check, statuses

PG_ALL = 'tcp LISTEN 0 244 0.0.0.0:5432 0.0.0.0:* users:(("postgres",pid=77,fd=6))\n'
PG_LOCAL = 'tcp LISTEN 0 244 127.0.0.1:5432 0.0.0.0:* users:(("postgres",pid=77,fd=6))\n'
SSH = 'tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=9,fd=3))\n'
NO_CONFIG = {"pg_hba": "", "mysql": "", "redis": "", "mongod": "", "listen": SSH}


def test_h03_1_database_on_all_interfaces() -> None:
    bad = run_check("H03.1", {"listen": SSH + PG_ALL})
    assert statuses(bad) == ["fail"]
    assert bad[0].resource == "tcp:0.0.0.0:5432" and "PostgreSQL" in bad[0].evidence
    ipv6_any = 'tcp LISTEN 0 80 [::]:3306 [::]:* users:(("mariadbd",pid=5,fd=20))\n'
    assert statuses(run_check("H03.1", {"listen": ipv6_any})) == ["fail"]
    assert statuses(run_check("H03.1", {"listen": SSH + PG_LOCAL})) == ["pass"]
    assert statuses(run_check("H03.1", {"listen": SSH})) == ["not_applicable"]


def test_h03_2_postgres_trust_rule() -> None:
    hba = (
        "/etc/postgresql/15/main/pg_hba.conf:90:local   all   postgres   peer\n"
        "/etc/postgresql/15/main/pg_hba.conf:98:host    his    his_app    198.18.0.10/32    trust\n"
    )
    bad = run_check("H03.2", {**NO_CONFIG, "pg_hba": hba})
    assert statuses(bad) == ["fail"]
    assert bad[0].resource == "/etc/postgresql/15/main/pg_hba.conf" and bad[0].line == 98
    assert "198.18.0.10/32 trust" in bad[0].evidence
    good = "/etc/postgresql/15/main/pg_hba.conf:98:host all all 10.0.0.0/8 scram-sha-256\n"
    assert statuses(run_check("H03.2", {**NO_CONFIG, "pg_hba": good})) == ["pass"]
    assert statuses(run_check("H03.2", NO_CONFIG)) == ["not_applicable"]


def test_h03_2_mysql_redis_mongo() -> None:
    mysql = "/etc/mysql/mariadb.conf.d/50-server.cnf:12:skip-grant-tables\n"
    assert statuses(run_check("H03.2", {**NO_CONFIG, "mysql": mysql})) == ["fail"]
    redis_exposed = 'tcp LISTEN 0 511 0.0.0.0:6379 0.0.0.0:* users:(("redis-server",pid=3,fd=6))\n'
    redis = "/etc/redis/redis.conf:protected-mode no\n"
    assert statuses(run_check("H03.2", {**NO_CONFIG, "redis": redis, "listen": redis_exposed})) == ["fail"]
    with_password = redis + "/etc/redis/redis.conf:requirepass set\n"
    assert statuses(run_check("H03.2", {**NO_CONFIG, "redis": with_password, "listen": redis_exposed})) == [
        "pass"
    ]
    mongo_open = "/etc/mongod.conf:3:  bindIpAll: true\n"
    assert statuses(run_check("H03.2", {**NO_CONFIG, "mongod": mongo_open})) == ["fail"]
    mongo_auth = mongo_open + "/etc/mongod.conf:9:  authorization: enabled\n"
    assert statuses(run_check("H03.2", {**NO_CONFIG, "mongod": mongo_auth})) == ["pass"]


def test_h03_3_default_password_roles() -> None:
    bad = run_check("H03.3", {"pg_default_pw": "postgresql:postgres\n"})
    assert statuses(bad) == ["fail"] and bad[0].resource == "account:postgresql:postgres"
    assert statuses(run_check("H03.3", {"pg_default_pw": ""})) == ["pass"]
    assert statuses(run_check("H03.3", {"pg_default_pw": "no-postgresql\n"})) == ["not_applicable"]
    assert statuses(run_check("H03.3", {"pg_default_pw": "postgresql-not-running\n"})) == ["not_applicable"]
    assert statuses(run_check("H03.3", {"pg_default_pw": (4, "")})) == ["error"]
