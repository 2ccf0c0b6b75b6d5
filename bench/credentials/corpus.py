# ruff: noqa: E501  (sample file contents and log lines are kept whole on one line)
"""A realistic corpus of a facility's files with invented portal credentials, decoys and filler.

Deterministic for a seed and :data:`VERSION` (the bench keeps one corpus per version: a generator
change never reuses a stale tree). Writes ``truth.jsonl`` next to the tree: one line per positive, with
``path`` (relative), ``line`` (1-based; 0 for a binary store counted as a whole) and ``kind``
(password, password_hash, token, session). Every secret is invented here.

    python bench/credentials/corpus.py --out /tmp/corpus --size-mb 200 --seed 7
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import random
import sqlite3
import string
from collections.abc import Callable
from pathlib import Path

VERSION = 2  # bump when the generated corpus changes
Lines = list[str]
Truth = list[tuple[int, str]]  # (line index 0-based, kind)

HOSTS = ["egw.baohiemxahoi.gov.vn", "gdbhyt.baohiemxahoi.gov.vn", "daotaoegw.baohiemxahoi.gov.vn"]
EGW_CALLS = [
    "NhanLichSuKCB2018",
    "KQNhanLichSuKCB2019",
    "KQNhanLichSuKCB595",
    "KQNhanLichSuKCB2024",
    "Lskcb2025",
    "nhanHoSoKCBChiTiet",
    "guiHoSoGiamDinh4210",
]
QD130 = ["guiHoSoXmlQD130", "guiHoSoXmlQD4750", "guiHoSoXmlQD3176"]
WORDS = [
    "benh",
    "nhan",
    "kham",
    "chua",
    "tiep",
    "don",
    "vien",
    "phi",
    "thuoc",
    "vat",
    "tu",
    "dich",
    "vu",
    "ky",
    "thuat",
    "khoa",
    "phong",
    "giuong",
    "noi",
    "tru",
    "ngoai",
    "tru",
    "request",
    "response",
    "server",
    "client",
    "status",
    "error",
    "warning",
    "info",
    "debug",
    "cache",
    "queue",
    "worker",
    "job",
    "export",
    "import",
    "report",
    "user",
    "session",
    "config",
    "value",
    "item",
    "order",
    "invoice",
    "payment",
    "service",
    "module",
    "handler",
]


class Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def code(self) -> str:
        return f"{self.r.randint(1, 96):02d}{self.r.randint(0, 999):03d}"

    def user(self, code: str | None = None) -> str:
        return f"{code or self.code()}_BV"

    def password(self) -> str:
        alphabet = string.ascii_letters + string.digits + "@#!_"
        return "".join(self.r.choice(alphabet) for _ in range(self.r.randint(6, 12)))

    def md5(self, upper: bool | None = None) -> str:
        digest = hashlib.md5(self.password().encode()).hexdigest()
        if upper is None:
            upper = self.r.random() < 0.5
        return digest.upper() if upper else digest

    def secret(self) -> tuple[str, str]:
        if self.r.random() < 0.5:
            return self.password(), "password"
        return self.md5(), "password_hash"

    def token(self) -> str:
        def part(n: int) -> str:
            return "".join(self.r.choice(string.ascii_letters + string.digits + "-_") for _ in range(n))

        return "eyJhbGciOiJIUzI1NiJ9." + part(self.r.randint(40, 90)) + "." + part(43)

    def hexid(self, n: int = 32) -> str:
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    def uuid(self) -> str:
        h = self.hexid(32)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def words(self, n: int) -> str:
        return " ".join(self.r.choice(WORDS) for _ in range(n))

    def weak(self, code: str) -> str:
        return self.r.choice([code, f"{code}@", f"Bv{code}", f"bv{code}@", "123456", "Abc@123", "bhxh@123"])


# --- positives ------------------------------------------------------------------------------------
# Each returns (relative path, lines, truth, encoding). Decoy lines are mixed in so that context,
# not the key shape, decides.


def web_config(g: Gen) -> tuple[str, Lines, Truth, str]:
    code = g.code()
    secret, kind = g.secret()
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<configuration>",
        "  <connectionStrings>",
        f'    <add name="HIS" connectionString="Data Source=db01;Initial Catalog=HIS_BHYT;User ID=sa;Password={g.password()}" />',
        "  </connectionStrings>",
        "  <appSettings>",
        f'    <add key="UrlBHXH" value="https://{g.r.choice(HOSTS)}" />',
        f'    <add key="UsernameBHXH" value="{g.user(code)}" />',
        f'    <add key="PasswordBHXH" value="{secret}" />',
        f'    <add key="SmtpPassword" value="{g.password()}" />',
        '    <add key="PasswordBHXHLabel" value="Mật khẩu cổng BHXH" />',
        "  </appSettings>",
        "</configuration>",
    ]
    enc = g.r.choice(["utf-8", "utf-8-sig", "utf-16-le-bom", "utf-16-be-bom"])
    name = g.r.choice(["web.config", "HisClient.exe.config", "App.config"])
    return f"inetpub/{code}/{name}", lines, [(8, kind)], enc


def settings_config(g: Gen) -> tuple[str, Lines, Truth, str]:
    secret = g.password()
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<configuration>",
        "  <userSettings>",
        "    <HIS.Properties.Settings>",
        '      <setting name="UserLoginBHYT" serializeAs="String">',
        f"        <value>{g.user()}</value>",
        "      </setting>",
        '      <setting name="PassWordBHYT" serializeAs="String">',
        f"        <value>{secret}</value>",
        "      </setting>",
        '      <setting name="ServerHIS" serializeAs="String">',
        "        <value>10.0.0.5</value>",
        "      </setting>",
        "    </HIS.Properties.Settings>",
        "  </userSettings>",
        "</configuration>",
    ]
    return (
        f"Users/ketoan/AppData/Local/HIS/user{g.r.randint(1, 999)}.config",
        lines,
        [(8, "password")],
        "utf-8",
    )


def appsettings(g: Gen) -> tuple[str, Lines, Truth, str]:
    secret, kind = g.secret()
    section = g.r.choice(["BHXH", "Bhxh", "GiamDinhBHYT", "CongBHXH"])
    lines = [
        "{",
        '  "Logging": { "LogLevel": { "Default": "Information" } },',
        '  "ConnectionStrings": {',
        f'    "Default": "Host=db;Database=his;Username=his;Password={g.password()}"',
        "  },",
        '  "Database": {',
        '    "User": "his",',
        f'    "Password": "{g.password()}"',
        "  },",
        '  "Integrations": {',
        f'    "{section}": {{',
        f'      "BaseUrl": "https://{g.r.choice(HOSTS)}",',
        f'      "Username": "{g.user()}",',
        f'      "Password": "{secret}",',
        '      "TimeoutSeconds": 30',
        "    }",
        "  }",
        "}",
    ]
    return f"opt/his{g.r.randint(1, 99)}/appsettings.json", lines, [(13, kind)], "utf-8"


def env_file(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = [
        f"APP_NAME=his-{g.r.randint(1, 99)}",
        f"DB_PASSWORD={g.password()}",
        "",
        f"BHXH_EGW_USERNAME={g.user()}",
        f"BHXH_EGW_PASSWORD={g.password()}",
        f"VITE_BHXH_USERNAME={g.user()}",
        f'VITE_BHXH_PASSWORD="{g.md5()}"',
        f"REDIS_PASSWORD={g.password()}",
    ]
    return f"srv/app{g.r.randint(1, 999)}/.env", lines, [(4, "password"), (6, "password_hash")], "utf-8"


def python_settings(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = [
        "import os",
        "",
        f"DATABASE_PASSWORD = os.environ.get('DB_PASS', '{g.password()}')",
        f"USERNAME_THONG_TUYEN_BHYT = '{g.user()}'",
        f"PASSWORD_THONG_TUYEN_BHYT = '{g.password()}'",
        "BHYT = {",
        f"    'username': '{g.user()}',",
        f"    'password': '{g.md5()}',",
        "}",
        "SMTP_PASSWORD = os.environ['SMTP_PASSWORD']",
    ]
    return (
        f"opt/thongtuyen{g.r.randint(1, 999)}/settings.py",
        lines,
        [(4, "password"), (7, "password_hash")],
        "utf-8",
    )


def yaml_conf(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = [
        "server:",
        "  port: 8080",
        "database:",
        "  user: his",
        f"  password: {g.password()}",
        "bhxh:",
        f"  url: https://{g.r.choice(HOSTS)}/api/token/take",
        f"  username: {g.user()}",
        f'  password: "{g.password()}"',
        "  timeout: 30",
    ]
    return f"etc/his-gateway{g.r.randint(1, 999)}/config.yml", lines, [(8, "password")], "utf-8"


def ini_conf(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = [
        "[database]",
        "host=127.0.0.1",
        f"password={g.password()}",
        "",
        "[BHYT]",
        f"TaiKhoan={g.user()}",
        f"MatKhau={g.password()}",
        "",
        "[smtp]",
        f"password={g.password()}",
    ]
    return f"Program Files/HIS{g.r.randint(1, 999)}/his.ini", lines, [(6, "password")], "utf-8-sig"


def properties(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = [
        "# HIS gateway",
        "spring.datasource.username=his",
        f"spring.datasource.password={g.password()}",
        f"bhyt.username={g.user()}",
        f"bhyt.password={g.md5()}",
        f"HIS.CHECK_HEIN_CARD.BHXH.LOGIN.USER_PASS={g.user()}:{g.password()}",
    ]
    return (
        f"opt/tomcat/conf/his{g.r.randint(1, 999)}.properties",
        lines,
        [(4, "password_hash"), (5, "password")],
        "utf-8",
    )


def csharp(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = [
        "namespace His.Bhyt",
        "{",
        "    public static class CongBhxh",
        "    {",
        f'        public const string UserNameBHXH = "{g.user()}";',
        f'        public const string PasswordBHXH = "{g.password()}";',
        '        public static string Pw => Environment.GetEnvironmentVariable("BHXH_PASSWORD");',
        f'        private const string DbPassword = "{g.password()}";',
        "    }",
        "}",
    ]
    return f"src/His{g.r.randint(1, 999)}/CongBhxh.cs", lines, [(5, "password")], "utf-8"


def vb(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = [
        "Module GiamDinh",
        f'    Public Const TaiKhoanBHXH As String = "{g.user()}"',
        f'    Public Const MatKhauBHXH As String = "{g.password()}"',
        '    Dim MatKhauDb As String = ConfigurationManager.AppSettings("DbPass")',
        "End Module",
    ]
    return f"src/vb{g.r.randint(1, 999)}/GiamDinh.vb", lines, [(2, "password")], "utf-8"


def php(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = [
        "<?php",
        "return [",
        "    'db' => ['password' => getenv('DB_PASS')],",
        "    'bhxh' => [",
        f"        'username' => '{g.user()}',",
        f"        'password' => '{g.md5()}',",
        "    ],",
        "];",
        f"define('BHXH_PASSWORD', '{g.password()}');",
    ]
    return (
        f"var/www/html/his{g.r.randint(1, 999)}/config.php",
        lines,
        [(5, "password_hash"), (8, "password")],
        "utf-8",
    )


def bundle(g: Gen) -> tuple[str, Lines, Truth, str]:
    before = "".join(f"function a{i}(e){{return e+{i}}};" for i in range(g.r.randint(2000, 9000)))
    env = (
        f'const Qe={{BASE_URL:"/",MODE:"production",VITE_API:"https://{g.r.choice(HOSTS)}",'
        f'VITE_BHXH_USERNAME:"{g.user()}",VITE_BHXH_PASSWORD:"{g.password()}",DEV:!1,PROD:!0}};'
    )
    after = "".join(f"var b{i}=function(t){{return t*{i}}};" for i in range(g.r.randint(1000, 6000)))
    lines = ["/*! app bundle */", before + env + after]
    return f"var/www/his{g.r.randint(1, 999)}/assets/index-{g.hexid(8)}.js", lines, [(1, "password")], "utf-8"


def sql_dump(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = [
        "-- MySQL dump",
        "CREATE TABLE `dm_congty` (",
        "  `id` int NOT NULL,",
        "  `ten` varchar(255),",
        "  `UserNameBHXH` varchar(50),",
        "  `PasswordBHXH` varchar(100),",
        "  `MatKhauLienThongTTCSKCB` varchar(100),",
        "  `PasswordDaoTao` varchar(100),",
        "  PRIMARY KEY (`id`)",
        ");",
    ]
    truth: Truth = []
    rows = []
    for i in range(g.r.randint(1, 3)):
        rows.append(f"({i + 1},'Benh vien {i}','{g.user()}','{g.md5()}','{g.password()}','{g.password()}')")
    lines.append("INSERT INTO `dm_congty` VALUES " + ",".join(rows) + ";")
    truth.append((len(lines) - 1, "password"))
    lines += [
        "",
        "CREATE TABLE `nguoi_dung` (`id` int, `ten_dang_nhap` varchar(50), `mat_khau` varchar(64));",
        f"INSERT INTO `nguoi_dung` VALUES (1,'admin','{g.md5()}'),(2,'ketoan','{g.md5()}');",
        "INSERT INTO his_config (config_key, config_value) VALUES "
        f"('HIS.CHECK_HEIN_CARD.BHXH.LOGIN.USER_PASS', '{g.user()}:{g.password()}');",
    ]
    truth.append((len(lines) - 1, "password"))
    lines += ["COPY public.nhan_vien (id, ho_ten, api_bhxh_username, api_bhxh_password) FROM stdin;"]
    for i in range(g.r.randint(2, 6)):
        if g.r.random() < 0.3:
            lines.append(f"{i + 1}\tNguyen Van {i}\t\\N\t\\N")
        else:
            lines.append(f"{i + 1}\tNguyen Van {i}\t{g.user()}\t{g.md5()}")
            truth.append((len(lines) - 1, "password_hash"))
    lines.append("\\.")
    return f"var/backups/his_{g.r.randint(1, 999)}.sql", lines, truth, "utf-8"


def egw_log(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines: Lines = []
    truth: Truth = []
    for i in range(g.r.randint(200, 2000)):
        ip = f"10.{g.r.randint(0, 9)}.{g.r.randint(0, 255)}.{g.r.randint(1, 254)}"
        roll = g.r.random()
        if roll < 0.04:
            call = g.r.choice(EGW_CALLS)
            lines.append(
                f'{ip} - - [12/Mar/2025:08:{i % 60:02d}:00 +0700] "GET https://egw.baohiemxahoi.gov.vn/api/egw/{call}'
                f'?token={g.token()}&id_token={g.token()}&username={g.user()}&password={g.md5()} HTTP/1.1" 200 512'
            )
            truth.append((len(lines) - 1, "token"))
        elif roll < 0.06:
            call = g.r.choice(QD130)
            lines.append(
                f"2025-03-12 08:{i % 60:02d}:01 INFO POST /api/qd130/{call} accessToken={g.token()} "
                f"tokenId={g.uuid()} passwordHash={g.md5(True)}"
            )
            truth.append((len(lines) - 1, "token"))
        elif roll < 0.08:
            lines.append(
                f'{ip} - - [12/Mar/2025:08:{i % 60:02d}:00 +0700] "GET /api/egw/NhanLichSuKCB2018'
                '?token=***&id_token=***&username=***&password=*** HTTP/1.1" 200 88'
            )
        elif roll < 0.10:
            lines.append(
                f'{ip} - - [12/Mar/2025] "GET https://egw.baohiemxahoi.gov.vn/static/app.js HTTP/1.1" 200 '
                f'etag="{g.hexid()}" request_id={g.uuid()}'
            )
        else:
            lines.append(
                f'{ip} - - [12/Mar/2025:08:{i % 60:02d}:00 +0700] "GET /his/api/{g.r.choice(WORDS)}?id='
                f'{g.r.randint(1, 99999)}&page={g.r.randint(1, 9)} HTTP/1.1" 200 {g.r.randint(100, 9999)}'
            )
    return f"var/log/nginx/access{g.r.randint(1, 999)}.log", lines, truth, "utf-8"


def history(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = [
        "ls -la",
        "cd /opt/his",
        "systemctl restart his",
        f"curl -s -X POST https://egw.baohiemxahoi.gov.vn/api/token/take -H 'Content-Type: application/json' "
        f'-d \'{{"username":"{g.user()}","password":"{g.md5()}"}}\'',
        "tail -f /var/log/his/app.log",
        f"mysql -u root -p{g.password()} his",
        "export BHXH_PASSWORD=${BHXH_PASSWORD}",
    ]
    user = g.r.choice(["root", "home/hisadmin", "home/ketoan"])
    return f"{user}/.bash_history", lines, [(3, "password_hash")], "utf-8"


def powershell(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = [
        "Get-Service his*",
        "$body = @{ username = '" + g.user() + "'; password = '" + g.md5() + "' } | ConvertTo-Json",
        "Invoke-RestMethod -Method Post -Uri https://egw.baohiemxahoi.gov.vn/api/token/take -Body $body",
        "$p = Read-Host -AsSecureString 'Mat khau BHXH'",
    ]
    return (
        f"Users/u{g.r.randint(1, 99)}/AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine/ConsoleHost_history.txt",
        lines,
        [(1, "password_hash")],
        g.r.choice(["utf-8", "utf-16-le-bom"]),
    )


def storage_state(g: Gen) -> tuple[str, Lines, Truth, str]:
    value = g.hexid(64).upper()
    doc = {
        "cookies": [
            {
                "name": ".ASPXAUTH",
                "value": value,
                "domain": "gdbhyt.baohiemxahoi.gov.vn",
                "path": "/",
                "expires": -1,
                "httpOnly": True,
                "secure": True,
                "sameSite": "Lax",
            }
        ],
        "origins": [
            {
                "origin": "https://gdbhyt.baohiemxahoi.gov.vn",
                "localStorage": [{"name": "lang", "value": "vi"}],
            }
        ],
    }
    lines = json.dumps(doc, indent=2).splitlines()
    idx = next(i for i, text in enumerate(lines) if value in text)
    return f"home/tool{g.r.randint(1, 99)}/tra-cuu/storage_state.json", lines, [(idx, "session")], "utf-8"


def cookie_jar(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = [
        "# Netscape HTTP Cookie File",
        "",
        f".example.org\tTRUE\t/\tFALSE\t0\tsid\t{g.hexid(24)}",
        f"#HttpOnly_gdbhyt.baohiemxahoi.gov.vn\tFALSE\t/\tTRUE\t0\tASP.NET_SessionId\t{g.hexid(24)}",
    ]
    return f"home/tool{g.r.randint(1, 99)}/cookies.txt", lines, [(3, "session")], "utf-8"


def token_cache(g: Gen) -> tuple[str, Lines, Truth, str]:
    doc = {
        "maKetQua": "200",
        "APIKey": {
            "access_token": g.token(),
            "id_token": g.token(),
            "token_type": "Bearer",
            "username": g.user(),
            "expires_in": "2025-03-12T10:00:00",
        },
    }
    text = json.dumps(doc, indent=g.r.choice([None, 2]))
    lines = text.splitlines()
    truth = [(i, "token") for i, t in enumerate(lines) if "access_token" in t or "id_token" in t]
    return f"opt/his/cache/token{g.r.randint(1, 999)}.json", lines, sorted(set(truth)), "utf-8"


def xml_element(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = [
        '<?xml version="1.0"?>',
        "<CauHinh>",
        "  <CSDL>",
        f"    <MatKhau>{g.password()}</MatKhau>",
        "  </CSDL>",
        "  <BHXH>",
        f"    <TenDangNhap>{g.user()}</TenDangNhap>",
        f"    <MatKhau>{g.password()}</MatKhau>",
        "  </BHXH>",
        "</CauHinh>",
    ]
    return f"opt/his{g.r.randint(1, 999)}/CauHinh.xml", lines, [(7, "password")], "utf-8"


def weak_js(g: Gen) -> tuple[str, Lines, Truth, str]:
    code = g.code()
    lines = [
        "module.exports = {",
        "  bhxh: {",
        f"    username: '{code}_BV',",
        f"    password: '{g.weak(code)}',",
        "    passwordFromEnv: process.env.BHXH_PASSWORD,",
        "  },",
        "};",
    ]
    return f"srv/node{g.r.randint(1, 999)}/config/bhxh.config.js", lines, [(3, "password")], "utf-8"


# --- more forms from docs bhxh-portal.md (generator version 2) --------------------------------------


def env_export(g: Gen) -> tuple[str, Lines, Truth, str]:
    q = g.r.choice(["'", '"'])
    lines = [
        "# sourced by /etc/systemd/system/his-sync.service",
        f"export DB_PASSWORD={q}{g.password()}{q}",
        f"export BHXH_EGW_USERNAME={q}{g.user()}{q}",
        f"export BHXH_EGW_PASSWORD={q}{g.password()}{q}",
        "export BHXH_EGW_URL=https://egw.baohiemxahoi.gov.vn",
        "export BHXH_TOKEN=${BHXH_TOKEN:-}",
    ]
    return f"opt/his-sync{g.r.randint(1, 999)}/.env.production", lines, [(3, "password")], "utf-8"


def yaml_nested(g: Gen) -> tuple[str, Lines, Truth, str]:
    section = g.r.choice(["bhyt", "bhxh", "giamdinh"])
    secret, kind = g.secret()
    lines = [
        "his:",
        "  datasource:",
        "    url: jdbc:postgresql://db:5432/his",
        "    username: his",
        f"    password: {g.password()}",
        "  integrations:",
        "    mail:",
        f"      password: {g.password()}",
        f"    {section}:",
        "      endpoint:",
        f"        base: https://{g.r.choice(HOSTS)}",
        "        timeout: 30",
        "      credentials:",
        f"        username: {g.user()}",
        f"        password: '{secret}'",
        "      retry: 3",
    ]
    return f"srv/his-api{g.r.randint(1, 999)}/config/application.yml", lines, [(14, kind)], "utf-8"


def appsettings_production(g: Gen) -> tuple[str, Lines, Truth, str]:
    doc = {
        "Serilog": {"MinimumLevel": "Warning"},
        "ConnectionStrings": {"His": f"Server=db;Database=HIS;User Id=sa;Password={g.password()};"},
        "Smtp": {"User": "his@benhvien.vn", "Password": g.password()},
        "GiamDinh": {
            "Url": f"https://{g.r.choice(HOSTS)}",
            "BHXH": {"UserName": g.user(), "PassWord": g.md5(), "MaCSKCB": g.code()},
        },
    }
    lines = json.dumps(doc, indent=2, ensure_ascii=False).splitlines()
    idx = next(i for i, t in enumerate(lines) if '"PassWord"' in t)
    enc = g.r.choice(["utf-8", "utf-8-sig"])
    return (
        f"inetpub/his{g.r.randint(1, 999)}/appsettings.Production.json",
        lines,
        [(idx, "password_hash")],
        enc,
    )


def ps_convertto(g: Gen) -> tuple[str, Lines, Truth, str]:
    q = g.r.choice(["'", '"'])
    lines = [
        "Set-Location C:\\HIS",
        "$uri = 'https://egw.baohiemxahoi.gov.vn/api/token/take'",
        f"$r = Invoke-RestMethod -Uri $uri -Method Post -Body (@{{username={q}{g.user()}{q};password={q}{g.md5()}{q}}} | ConvertTo-Json) -ContentType 'application/json'",
        "$r.APIKey.access_token | Out-File token.txt",
    ]
    return (
        f"Users/ketoan{g.r.randint(1, 99)}/AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine/ConsoleHost_history.txt",
        lines,
        [(2, "password_hash")],
        g.r.choice(["utf-8", "utf-16-le-bom"]),
    )


def curl_script(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = [
        "#!/bin/sh",
        "# gửi hồ sơ QĐ 130 mỗi giờ",
        f"curl -s -u {g.user()}:{g.password()} https://gdbhyt.baohiemxahoi.gov.vn/api/ping",
        "TOKEN=$(cat /var/lib/his/token)",
        f"curl -s -X POST https://egw.baohiemxahoi.gov.vn/api/qd130/{g.r.choice(QD130)} -H \"accessToken: $TOKEN\" -H 'passwordHash: {g.md5()}' -d @/var/lib/his/out.xml",
        'curl -s -u "$BHXH_USER:$BHXH_PASS" https://egw.baohiemxahoi.gov.vn/api/ping',
    ]
    return (
        f"etc/cron.hourly/his-qd130-{g.r.randint(1, 999)}",
        lines,
        [(2, "password"), (4, "password_hash")],
        "utf-8",
    )


def iis_log(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = [
        "#Software: Microsoft Internet Information Services 10.0",
        "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status",
    ]
    truth: Truth = []
    for i in range(g.r.randint(100, 800)):
        roll = g.r.random()
        t = f"2025-03-12 08:{i % 60:02d}:{i % 59:02d} 10.0.0.5"
        if roll < 0.05:
            lines.append(
                f"{t} GET /api/egw/{g.r.choice(EGW_CALLS)} token={g.token()}&id_token={g.token()}&username={g.user()}&password={g.md5()} 443 - 10.0.0.9 HIS/1.0 200"
            )
            truth.append((len(lines) - 1, "token"))
        elif roll < 0.08:
            lines.append(
                f"{t} GET /api/egw/{g.r.choice(EGW_CALLS)} token=-&username=-&password=- 443 - 10.0.0.9 HIS/1.0 401"
            )
        elif roll < 0.10:
            lines.append(
                f"{t} GET /bhyt/static/app.{g.hexid(8)}.js v={g.hexid()} 443 - 10.0.0.9 Mozilla/5.0 304"
            )
        else:
            lines.append(
                f"{t} GET /his/{g.r.choice(WORDS)}.aspx id={g.r.randint(1, 9999)} 443 - 10.0.0.9 Mozilla/5.0 200"
            )
    return (
        f"inetpub/logs/LogFiles/W3SVC{g.r.randint(1, 9)}/u_ex{g.r.randint(100000, 999999)}.log",
        lines,
        truth,
        "utf-8",
    )


def config_table_exports(g: Gen) -> tuple[str, Lines, Truth, str]:
    """pg_dump COPY of a configuration table, or a CSV/TSV export of it."""
    code = g.code()
    key = "HIS.CHECK_HEIN_CARD.BHXH.LOGIN.USER_PASS"
    form = g.r.choice(["copy", "csv", "tsv"])
    if form == "copy":
        lines = [
            "CREATE TABLE public.his_config (",
            "    id integer NOT NULL,",
            "    config_key character varying(200),",
            "    config_value text",
            ");",
            "",
            "COPY public.his_config (id, config_key, config_value) FROM stdin;",
            "1\tHIS.UI.THEME\tdark",
            f"2\t{key}\t{code}_BV:{g.password()}",
            f"3\tHIS.EXPORT.FOLDER\tD:\\XML\\{g.hexid(6)}",
            "\\.",
        ]
        return f"var/backups/pg/his_config_{g.r.randint(1, 999)}.sql", lines, [(8, "password")], "utf-8"
    sep = "," if form == "csv" else "\t"
    lines = [
        sep.join(["ID", "CONFIG_KEY", "CONFIG_VALUE", "NOTE"]),
        sep.join(["1", "HIS.UI.THEME", "dark", ""]),
        sep.join(["2", key, f"{code}_BV:{g.password()}", "tai khoan gui ho so"]),
        sep.join(["3", "HIS.CHECK_HEIN_CARD.TIMEOUT", "30", ""]),
    ]
    return (
        f"Users/admin/Downloads/his_config_{g.r.randint(1, 999)}.{form}",
        lines,
        [(2, "password")],
        "utf-8-sig",
    )


def company_csv(g: Gen) -> tuple[str, Lines, Truth, str]:
    lines = ["ID;TEN_CSKCB;UserNameBHXH;PasswordBHXH;MatKhauLienThongTTCSKCB"]
    truth: Truth = []
    for i in range(g.r.randint(2, 5)):
        if g.r.random() < 0.3:
            lines.append(f"{i + 1};Phong kham {i};;;")
        else:
            lines.append(f"{i + 1};Benh vien {i};{g.user()};{g.md5()};{g.password()}")
            truth.append((len(lines) - 1, "password"))
    return f"Users/ketoan/Desktop/dm_congty_{g.r.randint(1, 999)}.csv", lines, truth, "utf-8-sig"


def systemd_unit(g: Gen) -> tuple[str, Lines, Truth, str]:
    q = g.r.choice(['"', ""])
    lines = [
        "[Unit]",
        "Description=HIS gateway to BHXH",
        "[Service]",
        "Environment=JAVA_OPTS=-Xmx512m",
        f"Environment={q}BHXH_EGW_USERNAME={g.user()}{q}",
        f"Environment={q}BHXH_EGW_PASSWORD={g.password()}{q}",
        "Environment=BHXH_EGW_TOKEN_FILE=/run/his/token",
        "ExecStart=/opt/his/bin/gateway",
    ]
    return f"etc/systemd/system/his-gateway{g.r.randint(1, 999)}.service", lines, [(5, "password")], "utf-8"


def code_consts(g: Gen) -> tuple[str, Lines, Truth, str]:
    form = g.r.choice(["cs", "vb", "js", "py"])
    if form == "cs":
        lines = [
            "namespace His.GiamDinh {",
            "  internal class CauHinh {",
            f'    private const string UserLoginBHYT = "{g.user()}";',
            f'    const string PassWordBHYT = "{g.password()}";',
            '    private static readonly string DbPass = ConfigurationManager.AppSettings["DbPass"];',
            "  }",
            "}",
        ]
        return f"src/HisGiamDinh{g.r.randint(1, 999)}/CauHinh.cs", lines, [(3, "password")], "utf-8-sig"
    if form == "vb":
        lines = [
            "Public Class frmGuiHoSo",
            f'    Dim TaiKhoanBHXH As String = "{g.user()}"',
            f'    Dim MatKhauBHXH As String = "{g.password()}"',
            '    Dim MatKhauSQL As String = ConfigurationManager.AppSettings("SqlPass")',
            "End Class",
        ]
        return f"src/GuiHoSo{g.r.randint(1, 999)}/frmGuiHoSo.vb", lines, [(2, "password")], "utf-8"
    if form == "js":
        lines = [
            "const axios = require('axios');",
            "const EGW = 'https://egw.baohiemxahoi.gov.vn';",
            f"const bhxhUser = '{g.user()}';",
            f'const bhxhPassword = "{g.md5()}";',
            "const dbPassword = process.env.DB_PASSWORD;",
            "module.exports = () => axios.post(`${EGW}/api/token/take`, { username: bhxhUser, password: bhxhPassword });",
        ]
        return f"srv/egw-client{g.r.randint(1, 999)}/index.js", lines, [(3, "password_hash")], "utf-8"
    lines = [
        "# cấu hình thông tuyến",
        f'USERNAME_THONG_TUYEN_BHYT = "{g.user()}"',
        f'PASSWORD_THONG_TUYEN_BHYT = "{g.password()}"',
        'EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")',
    ]
    return (
        f"srv/his-django{g.r.randint(1, 999)}/his/settings/production.py",
        lines,
        [(2, "password")],
        "utf-8",
    )


def md5_in_code(g: Gen) -> tuple[str, Lines, Truth, str]:
    """The API wants the MD5 of the password: code that computes it from the literal."""
    form = g.r.choice(["py", "php", "cs"])
    if form == "py":
        lines = [
            "import hashlib, os, requests",
            "URL = 'https://egw.baohiemxahoi.gov.vn/api/token/take'",
            f"BODY = {{'username': '{g.user()}', 'password': hashlib.md5('{g.password()}'.encode()).hexdigest().upper()}}",
            "DB_PASSWORD_MD5 = hashlib.md5(os.environ['DB_PASSWORD'].encode()).hexdigest()",
            "r = requests.post(URL, json=BODY, timeout=30)",
        ]
        return (
            f"home/it{g.r.randint(1, 99)}/tools/lay_token_{g.r.randint(1, 999)}.py",
            lines,
            [(2, "password")],
            "utf-8",
        )
    if form == "php":
        lines = [
            "<?php",
            "$url = 'https://egw.baohiemxahoi.gov.vn/api/token/take';",
            f"$body = json_encode(['username' => '{g.user()}', 'password' => md5('{g.password()}')]);",
            "$checksum = md5_file('/var/lib/his/out.xml');",
        ]
        return f"var/www/html/bhyt{g.r.randint(1, 999)}/token.php", lines, [(2, "password")], "utf-8"
    lines = [
        "public static class TokenBhxh {",
        '    const string Url = "https://egw.baohiemxahoi.gov.vn/api/token/take";',
        f'    static readonly object Body = new {{ username = "{g.user()}", password = GetMD5("{g.password()}") }};',
        "    static string Hash(string s) => GetMD5(s);",
        "}",
    ]
    return f"src/HisApi{g.r.randint(1, 999)}/TokenBhxh.cs", lines, [(2, "password")], "utf-8-sig"


POSITIVES: list[Callable[[Gen], tuple[str, Lines, Truth, str]]] = [
    web_config,
    settings_config,
    appsettings,
    env_file,
    python_settings,
    yaml_conf,
    ini_conf,
    properties,
    csharp,
    vb,
    php,
    bundle,
    sql_dump,
    egw_log,
    history,
    powershell,
    storage_state,
    cookie_jar,
    token_cache,
    xml_element,
    weak_js,
    env_export,
    yaml_nested,
    appsettings_production,
    ps_convertto,
    curl_script,
    iis_log,
    config_table_exports,
    company_csv,
    systemd_unit,
    code_consts,
    md5_in_code,
]


# --- decoys (no positive line) --------------------------------------------------------------------


def decoys(g: Gen) -> tuple[str, Lines]:
    kind = g.r.randrange(10 + len(MORE_DECOYS))
    n = g.r.randint(1, 999)
    if kind >= 10:
        return MORE_DECOYS[kind - 10](g, n)
    if kind == 0:
        return f"opt/his{n}/appsettings.Production.json", [
            "{",
            '  "BHXH": {',
            '    "Username": "${BHXH_USERNAME}",',
            '    "Password": "${BHXH_PASSWORD}",',
            '    "Token": "<mat-khau>",',
            '    "ApiKey": "changeme",',
            '    "Secret": "",',
            '    "PasswordHash": "****"',
            "  }",
            "}",
        ]
    if kind == 1:
        return f"srv/app{n}/bhxh_client.py", [
            "import os",
            "BHXH_USERNAME = os.environ['BHXH_USERNAME']",
            "BHXH_PASSWORD = os.getenv('BHXH_PASSWORD')",
            "password = settings.BHXH_PASSWORD",
            "token = response.json()['APIKey']['access_token']",
        ]
    if kind == 2:
        return f"srv/web{n}/src/api/bhxh.ts", [
            "export const bhxh = {",
            "  username: import.meta.env.VITE_BHXH_USERNAME,",
            "  password: process.env.VITE_BHXH_PASSWORD,",
            "};",
            'const pw = Environment.GetEnvironmentVariable("BHXH_PASSWORD");',
        ]
    if kind == 3:
        return f"etc/ansible/group_vars/his{n}.yml", [
            'bhxh_username: "{{ vault_bhxh_username }}"',
            'bhxh_password: "{{ vault_bhxh_password }}"',
            "bhxh_egw_password: !vault |",
            "  $ANSIBLE_VAULT;1.1;AES256",
            f"  {g.hexid(64)}",
            f"  {g.hexid(64)}",
        ]
    if kind == 4:
        return f"var/lib/dpkg/info/his-bhxh-tools{n}.md5sums", [
            f"{g.hexid()}  usr/share/his-bhxh/{g.r.choice(WORDS)}{i}.py" for i in range(40)
        ]
    if kind == 5:
        return f"var/log/his/egw{n}.log", [
            f"2025-03-12 INFO egw.baohiemxahoi.gov.vn response etag={g.hexid()} requestId={g.uuid()} "
            f"maHoSo={g.hexid(24)} checksum={g.hexid()} password=****"
            for _ in range(50)
        ]
    if kind == 6:
        return f"srv/web{n}/i18n/vi.json", [
            "{",
            '  "lblUsernameBHXH": "Tên đăng nhập cổng BHXH",',
            '  "lblPasswordBHXH": "Mật khẩu BHXH",',
            '  "PasswordBHXHRequired": "Vui lòng nhập mật khẩu",',
            '  "PasswordBHXHMinLength": 8,',
            '  "PasswordBHXHExpiresAt": "2025-12-31"',
            "}",
        ]
    if kind == 7:
        return f"etc/his{n}/mail.ini", [
            "[smtp]",
            "host=mail.benhvien.vn",
            "user=his@benhvien.vn",
            f"password={g.password()}",
            "",
            "[mysql]",
            f"password={g.password()}",
            "# reports are sent to BHXH every month",
        ]
    if kind == 8:
        return f"usr/share/doc/his{n}/README.md", [
            "# Cài đặt",
            "Đặt biến môi trường `BHXH_EGW_PASSWORD=<mat-khau>` trước khi chạy.",
            "BHXH_EGW_USERNAME=your_username",
            "BHXH_EGW_PASSWORD=your_password_here",
            'curl -X POST https://egw.baohiemxahoi.gov.vn/api/token/take -d \'{"username":"$USER","password":"$PASS"}\'',
        ]
    return f"opt/objects{n}/index.json", [
        json.dumps({"_id": g.hexid(24), "md5": g.hexid(), "uuid": g.uuid(), "bhxhSyncedAt": "2025-01-01"})
        for _ in range(20)
    ]


def _package_lock(g: Gen, n: int) -> tuple[str, Lines]:
    lines = ["{", '  "name": "his-web",', '  "lockfileVersion": 3,', '  "packages": {']
    for name in ("bhxh-egw-client", "axios", "bhyt-card-reader", "lodash"):
        digest = base64.b64encode(hashlib.sha512(g.hexid().encode()).digest()).decode()
        lines += [
            f'    "node_modules/{name}": {{',
            '      "version": "1.2.3",',
            f'      "resolved": "https://registry.npmjs.org/{name}/-/{name}-1.2.3.tgz",',
            f'      "integrity": "sha512-{digest}"',
            "    },",
        ]
    lines += ['    "": {"name": "his-web"}', "  }", "}"]
    return f"srv/his-web{n}/package-lock.json", lines


def _git_objects(g: Gen, n: int) -> tuple[str, Lines]:
    lines = []
    old = "0" * 40
    for msg in ("update bhxh password handling", "egw: read token from env", "fix bhyt card check"):
        new = g.hexid(40)
        lines.append(f"{old} {new} Dev <dev@benhvien.vn> 1710000000 +0700\tcommit: {msg}")
        old = new
    return f"srv/his{n}/.git/logs/HEAD", lines


def _compose_templates(g: Gen, n: int) -> tuple[str, Lines]:
    return f"srv/stack{n}/docker-compose.yml", [
        "services:",
        "  gateway:",
        "    image: his/gateway:2.1",
        "    environment:",
        "      BHXH_EGW_USERNAME: ${BHXH_EGW_USERNAME}",
        "      BHXH_EGW_PASSWORD: ${BHXH_PASSWORD:?missing}",
        "      password: ${BHXH_PASSWORD}",
        "      BHXH_TOKEN_FILE: /run/secrets/bhxh_token",
        "    secrets: [bhxh_token]",
    ]


def _code_reads(g: Gen, n: int) -> tuple[str, Lines]:
    return f"src/his{n}/GiamDinhClient.cs", [
        "public class GiamDinhClient {",
        '  const string BaseUrl = "https://egw.baohiemxahoi.gov.vn";',
        '  string PassWordBHYT = ConfigurationManager.AppSettings["PassWordBHYT"];',
        '  string UserLoginBHYT = Environment.GetEnvironmentVariable("BHXH_USER");',
        "  // define('BHXH_PASSWORD', getenv('BHXH_PASSWORD'));",
        "  string passwordHash = Md5(PassWordBHYT).ToUpper();",
        "}",
    ]


def _shell_reads(g: Gen, n: int) -> tuple[str, Lines]:
    return f"home/ops{n}/.bash_history", [
        'read -s BHXH_PASS; curl -u "75901_BV:$BHXH_PASS" https://egw.baohiemxahoi.gov.vn/api/token/take',
        'curl -H "passwordHash: $(cat /run/secrets/bhxh_md5)" https://egw.baohiemxahoi.gov.vn/api/qd130/guiHoSoXmlQD130',
        f"md5sum bhxh-client-2.3.zip  # {g.hexid()}",
        "export BHXH_EGW_PASSWORD=changeme",
    ]


def _csv_header_only(g: Gen, n: int) -> tuple[str, Lines]:
    return f"Users/ketoan/Documents/mau_nhap_{n}.csv", [
        "ID,TEN_CSKCB,UserNameBHXH,PasswordBHXH,GhiChu",
        ",,<ten-dang-nhap>,<mat-khau>,nhap theo mau",
    ]


def _generic_no_portal(g: Gen, n: int) -> tuple[str, Lines]:
    return f"opt/lis{n}/appsettings.json", [
        "{",
        f'  "ConnectionStrings": {{ "Lis": "Server=db;User Id=lis;Password={g.password()}" }},',
        f'  "Smtp": {{ "Host": "mail.benhvien.vn", "User": "lis", "Password": "{g.password()}" }},',
        f'  "Admin": {{ "Username": "admin", "Password": "{g.password()}" }},',
        f'  "Build": {{ "Commit": "{g.hexid(40)}", "Md5": "{g.hexid()}", "Id": "{g.uuid()}" }}',
        "}",
    ]


def _docs_and_forms(g: Gen, n: int) -> tuple[str, Lines]:
    return f"srv/portal-docs{n}/openapi.yml", [
        "# https://egw.baohiemxahoi.gov.vn/api/token/take",
        "paths:",
        "  /api/token/take:",
        "    post:",
        "      requestBody:",
        "        content:",
        "          application/json:",
        "            example:",
        "              username: string",
        "              password: string",
        '      x-login-form: <input name="password" value="" placeholder="Mật khẩu BHXH">',
    ]


def _db_url_under_portal_key(g: Gen, n: int) -> tuple[str, Lines]:
    return f"opt/bhxh-sync{n}/.env", [
        f"BHXH_DB_URL=postgres://his:{g.password()}@db:5432/his",
        "BHXH_EGW_URL=https://egw.baohiemxahoi.gov.vn",
        "BHXH_EGW_PASSWORD_FILE=/run/secrets/bhxh",
        f"BHXH_SYNC_CRON_MD5={g.hexid()}",
    ]


MORE_DECOYS: list[Callable[[Gen, int], tuple[str, Lines]]] = [
    _docs_and_forms,
    _db_url_under_portal_key,
    _package_lock,
    _git_objects,
    _compose_templates,
    _code_reads,
    _shell_reads,
    _csv_header_only,
    _generic_no_portal,
]


# --- filler ---------------------------------------------------------------------------------------


def filler(g: Gen, target: int) -> tuple[str, str]:
    kind = g.r.randrange(6)
    n = g.r.randint(1, 10**6)
    chunks: list[str] = []
    size = 0
    while size < target:
        if kind == 0:
            text = (
                f'10.0.{g.r.randint(0, 255)}.{g.r.randint(1, 254)} - - [12/Mar/2025:09:00:00 +0700] "GET /his/'
                f'{g.r.choice(WORDS)}/{g.r.randint(1, 9999)}?page={g.r.randint(1, 50)} HTTP/1.1" 200 {g.r.randint(99, 99999)} "-" "Mozilla/5.0"\n'
            )
        elif kind == 1:
            text = (
                f"2025-03-12 09:{g.r.randint(0, 59):02d}:{g.r.randint(0, 59):02d} {g.r.choice(['INFO', 'DEBUG', 'WARN'])} "
                f"[{g.r.choice(WORDS)}] {g.words(g.r.randint(5, 15))} id={g.r.randint(1, 10**6)}\n"
            )
        elif kind == 2:
            text = (
                f"def {g.r.choice(WORDS)}_{g.r.randint(1, 999)}(self, value):\n    result = self.{g.r.choice(WORDS)}(value)\n"
                f"    # {g.words(8)}\n    return result\n\n"
            )
        elif kind == 3:
            text = (
                f"INSERT INTO `{g.r.choice(WORDS)}` VALUES ({g.r.randint(1, 10**6)},'{g.words(3)}',"
                f"'{g.hexid(8)}',{g.r.random():.4f},'2025-03-12 09:00:00');\n"
            )
        elif kind == 4:
            text = (
                json.dumps(
                    {
                        "id": g.r.randint(1, 10**6),
                        "name": g.words(3),
                        "status": g.r.choice(WORDS),
                        "value": g.r.random(),
                        "tags": [g.r.choice(WORDS) for _ in range(3)],
                    }
                )
                + "\n"
            )
        else:
            text = f"{g.hexid()}  usr/share/doc/{g.r.choice(WORDS)}/{g.r.choice(WORDS)}{g.r.randint(1, 999)}.gz\n"
        chunks.append(text)
        size += len(text)
    suffix = [".log", ".log", ".py", ".sql", ".jsonl", ".md5sums"][kind]
    folder = ["var/log/his", "var/log/app", "opt/his/lib", "var/backups", "srv/data", "var/lib/dpkg/info"][
        kind
    ]
    return f"{folder}/f{n}{suffix}", "".join(chunks)


# --- writing --------------------------------------------------------------------------------------


def _encode(lines: Lines, encoding: str) -> bytes:
    crlf = encoding.startswith("utf-16") or encoding == "utf-8-sig"
    text = ("\r\n" if crlf else "\n").join(lines) + ("\r\n" if crlf else "\n")
    if encoding == "utf-16-le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode("utf-8")


def _login_data(path: Path, g: Gen) -> None:
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE logins (origin_url TEXT, username_value TEXT, password_value BLOB, signon_realm TEXT)"
    )
    conn.execute(
        "INSERT INTO logins VALUES (?,?,?,?)",
        (
            "https://gdbhyt.baohiemxahoi.gov.vn/",
            g.user(),
            bytes(g.r.randrange(256) for _ in range(32)),
            "https://gdbhyt.baohiemxahoi.gov.vn/",
        ),
    )
    conn.commit()
    conn.close()


def generate(out: Path, size_mb: int = 200, seed: int = 7, positives_per_form: int = 8) -> dict[str, int]:
    g = Gen(seed)
    out.mkdir(parents=True, exist_ok=True)
    truth_rows: list[dict[str, object]] = []
    written = 0
    used: set[str] = set()

    def place(rel: str) -> Path:
        while rel in used:
            rel = rel.replace("/", f"/x{g.r.randint(0, 9)}", 1)
        used.add(rel)
        path = out / "tree" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    for _ in range(positives_per_form):
        for form in POSITIVES:
            rel, lines, truth, encoding = form(g)
            path = place(rel)
            data = _encode(lines, encoding)
            path.write_bytes(data)
            written += len(data)
            for index, kind in truth:
                truth_rows.append(
                    {"path": str(path.relative_to(out / "tree")), "line": index + 1, "kind": kind}
                )
        rel_store = f"Users/u{g.r.randint(1, 999)}/AppData/Local/Google/Chrome/User Data/Default/Login Data"
        store = place(rel_store)
        _login_data(store, g)
        truth_rows.append({"path": str(store.relative_to(out / "tree")), "line": 0, "kind": "session"})
    for _ in range(positives_per_form * 12):
        rel, lines = decoys(g)
        path = place(rel)
        data = _encode(lines, "utf-8")
        path.write_bytes(data)
        written += len(data)
    target = size_mb * 1024 * 1024
    while written < target:
        size = int(min(target - written, g.r.choice([2_000, 8_000, 30_000, 120_000, 600_000, 4_000_000])))
        rel, text = filler(g, max(size, 200))
        path = place(rel)
        data = text.encode("utf-8")
        path.write_bytes(data)
        written += len(data)
    (out / "truth.jsonl").write_text("".join(json.dumps(row) + "\n" for row in truth_rows), encoding="utf-8")
    (out / "done").write_text(
        json.dumps({"size_mb": size_mb, "seed": seed, "bytes": written}), encoding="utf-8"
    )
    return {"bytes": written, "positives": len(truth_rows), "files": len(used)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(generate(args.out, args.size_mb, args.seed)))


if __name__ == "__main__":
    main()
