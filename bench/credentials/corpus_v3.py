# ruff: noqa: E501  (sample file contents and log lines are kept whole on one line)
"""Corpus v3: the forms facilities really leave portal credentials in, from how HIS software, staff and
vendors keep them (shared/domain/bhxh-portal.md), each with realistic look-alikes.

Every file belongs to one *form* (``sql-ssms-kv``, ``log-web``, ``api-client``...); positives hold
secrets beside in-file decoys, decoy files hold none. Layouts, key names, syntax, encodings and
values are drawn from vocabularies per seed, so a seed the rules were never tuned on is a fair
test. Writes under ``out``:

- ``tree/``: the files;
- ``truth.jsonl``: one row per line holding a secret: ``path``, ``line`` (1-based; 0 for a file
  counted as a whole, such as a claim table), ``kind`` and ``form``;
- ``manifest.jsonl``: one row per file: ``path``, ``form``, ``role`` (positive, decoy, filler).

    python bench/credentials/corpus_v3.py --out /tmp/v3 --seed 11 [--per-form 6] [--filler-mb 20]

Every secret is invented here.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

VERSION = 4  # bump when the generated corpus changes

PORTAL_HOSTS = ["egw.baohiemxahoi.gov.vn", "gdbhyt.baohiemxahoi.gov.vn", "daotaoegw.baohiemxahoi.gov.vn"]
EGW_CALLS = [
    "/api/egw/NhanLichSuKCB2018",
    "/api/egw/KQNhanLichSuKCB2019",
    "/api/egw/KQNhanLichSuKCB595",
    "/api/egw/KQNhanLichSuKCB2024",
    "/api/egw/Lskcb2025",
    "/api/egw/nhanHoSoKCBChiTiet",
    "/api/egw/guiHoSoGiamDinh4210",
]
QD130 = ["/api/qd130/guiHoSoXmlQD130", "/api/qd130/guiHoSoXmlQD4750", "/api/qd130/guiHoSoXmlQD3176"]
# Facility kinds and the suffix of their portal username (bệnh viện, phòng khám, trạm y tế...).
SUFFIXES = ["_BV"] * 6 + ["_PK", "_TYT", "_TTYT", "_TC", "_YT"]
# How vendors name the portal inside key names.
QUALIFIERS = [
    "BHXH",
    "BHYT",
    "GiamDinh",
    "GDBHYT",
    "EGW",
    "ThongTuyen",
    "CongBHXH",
    "BaoHiem",
    "CongGiamDinh",
]
PASSWORD_WORDS = ["Password", "PassWord", "Pass", "Pwd", "MatKhau", "Passwd", "MK"]
USER_WORDS = ["Username", "UserName", "User", "TaiKhoan", "TenDangNhap", "Login", "Account"]
OTHER_SYSTEMS = ["SMTP", "Mail", "DB", "Sql", "LIS", "PACS", "FTP", "Ldap", "Zalo", "Sms", "Redis", "VPN"]
PLACEHOLDERS = [
    "changeme",
    "${BHXH_PASSWORD}",
    "<mat-khau>",
    "",
    "********",
    "your_password_here",
    "{{ vault_bhxh_password }}",
    "xxxxxx",
    "%BHXH_PASS%",
    "REPLACE_ME",
    "******",
    "<nhap mat khau>",
]
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
]


@dataclass
class Doc:
    rel: str
    form: str
    lines: list[str] = field(default_factory=list)
    truth: list[tuple[int, str]] = field(default_factory=list)  # (0-based line, kind)
    encoding: str = "utf-8"
    role: str = "positive"

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def secret(self, line: str, kind: str) -> None:
        self.truth.append((len(self.lines), kind))
        self.lines.append(line)


class Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def pick(self, items: list[str]) -> str:
        return self.r.choice(items)

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    # --- values ------------------------------------------------------------------------------

    def code(self) -> str:
        return f"{self.r.randint(1, 96):02d}{self.r.randint(0, 999):03d}"

    def user(self, code: str | None = None) -> str:
        if self.chance(0.12):
            return self.cccd()
        return (code or self.code()) + self.pick(SUFFIXES)

    def cccd(self) -> str:
        return f"0{self.r.randint(1, 96):02d}{self.r.randint(0, 3)}{self.r.randint(40, 99):02d}{self.r.randint(0, 999999):06d}"

    def password(self) -> str:
        style = self.r.randrange(4)
        if style == 0:  # built from the facility code, as staff do
            return (
                self.pick(["Bv", "bv", "BV", "Bhyt", "Kcb"])
                + self.code()
                + self.pick(["@", "#", "!", "@123", "."])
            )
        if style == 1:  # a word and digits
            return (
                self.pick(["Benhvien", "Yte", "Giamdinh", "Khoaduoc", "Tiepdon", "Hoang", "Minh"])
                + self.pick(["@", "#", "_", ""])
                + str(self.r.randint(10, 9999))
            )
        alphabet = string.ascii_letters + string.digits + "@#!$%^&*_-."
        while True:
            value = "".join(self.r.choice(alphabet) for _ in range(self.r.randint(6, 12)))
            if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
                return value

    def md5(self) -> str:
        digest = hashlib.md5(self.password().encode()).hexdigest()
        return digest.upper() if self.chance(0.5) else digest

    def secret(self) -> tuple[str, str]:
        return (self.md5(), "password_hash") if self.chance(0.45) else (self.password(), "password")

    def token(self) -> str:
        def part(n: int) -> str:
            return "".join(self.r.choice(string.ascii_letters + string.digits + "-_") for _ in range(n))

        header = self.pick(
            [
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
                "eyJhbGciOiJSUzI1NiJ9",
                "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzUxMiJ9",
            ]
        )
        return f"{header}.{part(self.r.randint(40, 120))}.{part(43)}"

    def hexid(self, n: int = 32) -> str:
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    def placeholder(self) -> str:
        return self.pick(PLACEHOLDERS)

    def ip(self) -> str:
        return f"10.{self.r.randint(0, 30)}.{self.r.randint(0, 255)}.{self.r.randint(2, 254)}"

    def words(self, n: int) -> str:
        return " ".join(self.pick(WORDS) for _ in range(n))

    def when(self) -> tuple[int, int, int, int, int]:
        return (
            self.r.randint(1, 28),
            self.r.randint(1, 12),
            self.r.randint(0, 23),
            self.r.randint(0, 59),
            self.r.randint(0, 59),
        )

    def folder(self, *choices: str) -> str:
        return self.pick(list(choices))

    # --- key names -----------------------------------------------------------------------------

    def key(self, kind: str, style: str | None = None, qualifier: str | None = None) -> str:
        """A portal credential key in one of the naming styles HIS code uses."""
        word = self.pick(PASSWORD_WORDS if kind == "password" else USER_WORDS)
        qual = qualifier if qualifier is not None else self.pick(QUALIFIERS)
        style = style or self.pick(["camel", "camel", "upper", "lower", "dotted", "kebab", "vn"])
        if style == "vn":
            word = "mat_khau" if kind == "password" else self.pick(["tai_khoan", "ten_dang_nhap"])
            return f"{word}_{qual.lower()}" if self.chance(0.7) else f"{qual.lower()}_{word}"
        first, second = (word, qual) if self.chance(0.6) else (qual, word)
        if style == "camel":
            return first + second
        if style == "upper":
            return f"{_snake(first)}_{_snake(second)}".upper()
        if style == "lower":
            return f"{_snake(first)}_{_snake(second)}"
        if style == "dotted":
            return f"{_snake(second if first == word else first)}.{_snake(word)}"
        return f"{_snake(first)}-{_snake(second)}".replace("_", "-")

    def generic(self, kind: str) -> str:
        if kind == "password":
            return self.pick(
                ["password", "Password", "pass", "pwd", "MatKhau", "matkhau", "mat_khau", "PassWord"]
            )
        return self.pick(["username", "UserName", "user", "TaiKhoan", "tendangnhap", "login", "account"])

    def other_key(self, kind: str) -> str:
        sys_name = self.pick(OTHER_SYSTEMS)
        word = self.pick(["Password", "Pass", "Pwd"] if kind == "password" else ["User", "Username"])
        return self.pick(
            [f"{sys_name}{word}", f"{sys_name.upper()}_{word.upper()}", f"{sys_name.lower()}_{word.lower()}"]
        )


def _snake(word: str) -> str:
    out = ""
    for i, ch in enumerate(word):
        if ch.isupper() and i and not word[i - 1].isupper():
            out += "_"
        out += ch.lower()
    return out


def _url(g: Gen, plain: bool = False) -> str:
    host = g.pick(PORTAL_HOSTS)
    return f"{'http' if plain else 'https'}://{host}"


# ==== SQL ==========================================================================================


def sql_ssms_kv(g: Gen) -> Doc:
    """A key/value parameter table scripted by SSMS ("Generate Scripts"), GO batches, often UTF-16."""
    table = g.pick(["HT_ThamSo", "SYS_CONFIG", "DM_ThamSo", "tblThamSoHeThong", "CauHinh", "HT_CauHinh"])
    name_col, value_col = g.pick(
        [
            ("MaThamSo", "GiaTri"),
            ("code", "value"),
            ("TenThamSo", "GiaTri"),
            ("Key", "Value"),
            ("ParamName", "ParamValue"),
            ("MaCauHinh", "GiaTri"),
        ]
    )
    extra = g.pick(["GhiChu", "MoTa", "description", "Note"])
    doc = Doc(
        f"{g.folder('Backup', 'Script', 'Users/admin/Documents/SQL Server Management Studio')}/{table}_{g.r.randint(1, 999)}.sql",
        "sql-ssms-kv",
    )
    doc.encoding = g.pick(["utf-16-le-bom", "utf-16-le-bom", "utf-8-sig", "utf-8"])
    n = "N" if g.chance(0.85) else ""
    doc.add(f"USE [{g.pick(['HIS', 'HIS_BVDK', 'eHospital', 'QLBV'])}]", "GO")
    doc.add(
        f"/****** Object:  Table [dbo].[{table}]    Script Date: {g.r.randint(1, 28)}/{g.r.randint(1, 12)}/2025 9:{g.r.randint(10, 59)}:01 AM ******/",
        "SET ANSI_NULLS ON",
        "GO",
    )
    go = g.chance(0.7)
    into = "INTO " if g.chance(0.3) else ""

    # A vendor's upgrade script sets the same parameters with UPDATE or a stored procedure.
    statement = g.pick(["insert", "insert", "insert", "update", "exec-named", "exec"])

    def row(k: str, v: str, note: str) -> str:
        value = "NULL" if v is None else f"{n}'{v}'"
        if statement == "update":
            return f"UPDATE [dbo].[{table}] SET [{value_col}] = {value} WHERE [{name_col}] = {n}'{k}'"
        if statement == "exec-named":
            return f"EXEC [dbo].[sp_CapNhat{table}] @{name_col} = {n}'{k}', @{value_col} = {value}"
        if statement == "exec":
            return f"EXEC dbo.sp_SetThamSo {n}'{k}', {value}"
        return f"INSERT {into}[dbo].[{table}] ([{name_col}], [{value_col}], [{extra}]) VALUES ({n}'{k}', {value}, {n}'{note}')"

    code = g.code()
    rows: list[tuple[str, str, str, str | None]] = [
        ("SO_NGAY_LUU_LOG", str(g.r.randint(7, 90)), "Số ngày lưu nhật ký", None),
        ("TEN_BENH_VIEN", "BVDK", "Tên cơ sở", None),
        (
            g.pick(["URL_BHXH", "BHXH_URL", "LINK_CONG_GIAM_DINH"]),
            _url(g) + "/api/token/take",
            "Địa chỉ cổng giám định BHYT",
            None,
        ),
        (g.key("username", "upper"), g.user(code), "Tài khoản cổng giám định", None),
        (g.other_key("password").upper(), g.password(), "Mật khẩu máy chủ thư", None),
    ]
    secret, kind = g.secret()
    pk = g.pick(
        [
            g.key("password", "upper"),
            "MATKHAU_BHXH",
            "PASS_BHYT",
            "BHYT_API_PASSWORD",
            g.key("password", "vn").upper(),
        ]
    )
    rows.append((pk, secret, "Mật khẩu cổng giám định", kind))
    if g.chance(0.4):
        rows.append((g.key("password", "upper"), g.placeholder() or "", "Mật khẩu đào tạo (chưa dùng)", None))
    g.r.shuffle(rows)
    for k, v, note, truth_kind in rows:
        line = row(k, v, note)
        if truth_kind and v:
            doc.secret(line, truth_kind)
        else:
            doc.add(line)
        if go:
            doc.add("GO")
    return doc


def sql_ssms_columns(g: Gen) -> Doc:
    """A company/staff table whose columns name the portal account (UserNameBHXH, PasswordBHXH)."""
    table = g.pick(["DM_CongTy", "DM_CoSoKCB", "NhanVien", "tblCauHinhBHXH", "his_nhanvien"])
    ucol = g.pick(["UserNameBHXH", "TaiKhoanBHXH", "api_bhxh_username", "UserBHYT"])
    pcol = g.pick(["PasswordBHXH", "MatKhauBHXH", "api_bhxh_password", "PassBHYT", "MatKhauLienThongTTCSKCB"])
    dialect = g.pick(["ssms", "mysql", "pg"])
    doc = Doc(
        f"{g.folder('Backup', 'var/backups', 'home/his/db')}/{table.lower()}_{g.r.randint(1, 999)}.sql",
        "sql-columns",
    )
    if dialect == "ssms":
        doc.encoding = g.pick(["utf-16-le-bom", "utf-8"])
        doc.add(f"SET IDENTITY_INSERT [dbo].[{table}] ON", "GO")
    for i in range(g.r.randint(2, 6)):
        secret, kind = g.secret()
        has = g.chance(0.7)
        value = secret if has else g.pick(["", "NULL"])
        name = g.pick(["Nguyễn Văn An", "Trần Thị Bình", "Bệnh viện Đa khoa", "Lê Minh"])
        if dialect == "ssms":
            v = "NULL" if value == "NULL" else f"N'{value}'"
            line = f"INSERT [dbo].[{table}] ([ID], [Ten], [{ucol}], [{pcol}], [NgayTao]) VALUES ({i + 1}, N'{name}', N'{g.user()}', {v}, CAST(N'2025-0{g.r.randint(1, 9)}-1{g.r.randint(0, 9)}T08:00:00.000' AS DateTime))"
        elif dialect == "mysql":
            v = "NULL" if value == "NULL" else f"'{value}'"
            line = f"INSERT INTO `{table}` (`id`, `ten`, `{ucol}`, `{pcol}`, `ngay_tao`) VALUES ({i + 1},'{name}','{g.user()}',{v},'2025-03-0{g.r.randint(1, 9)} 08:00:00');"
        else:
            v = "NULL" if value == "NULL" else f"'{value}'"
            line = f"INSERT INTO public.{table.lower()} (id, ten, {ucol.lower()}, {pcol.lower()}, ngay_tao) VALUES ({i + 1}, '{name}', '{g.user()}', {v}, '2025-03-01');"
        if has and value:
            doc.secret(line, kind)
        else:
            doc.add(line)
        if dialect == "ssms":
            doc.add("GO")
    return doc


def sql_pg_copy(g: Gen) -> Doc:
    """pg_dump's COPY block of a key/value or column table."""
    doc = Doc(
        f"{g.folder('var/backups/postgresql', 'home/postgres/dump')}/his_{g.r.randint(1, 999)}.sql",
        "sql-copy",
    )
    doc.add("--", "-- PostgreSQL database dump", "--", "SET client_encoding = 'UTF8';", "")
    table = g.pick(["sys_parameter", "cau_hinh", "system_config", "app_setting"])
    kcol, vcol = g.pick(
        [
            ("param_code", "param_value"),
            ("ma", "gia_tri"),
            ("code", "value"),
            ("key", "value"),
            ("ten_tham_so", "gia_tri"),
        ]
    )
    doc.add(f"COPY public.{table} (id, {kcol}, {vcol}, note) FROM stdin;")
    rows: list[tuple[str, str, str | None]] = [
        ("GATEWAY_URL_BHXH", _url(g) + "/api/token/take", None),
        (g.key("username", "upper"), g.user(), None),
        ("PAGE_SIZE", "50", None),
        (g.other_key("password").upper(), g.password(), None),
        ("REPORT_TITLE", "Báo cáo", None),
    ]
    secret, kind = g.secret()
    rows.append(
        (
            g.pick([g.key("password", "upper"), g.key("password", "lower"), g.key("password", "vn")]),
            secret,
            kind,
        )
    )
    if g.chance(0.5):
        rows.append((g.key("password", "upper"), "\\N", None))
    g.r.shuffle(rows)
    for i, (k, v, truth_kind) in enumerate(rows):
        line = f"{i + 1}\t{k}\t{v}\t\\N"
        if truth_kind:
            doc.secret(line, truth_kind)
        else:
            doc.add(line)
    doc.add("\\.", "")
    return doc


def sql_mysql_extended(g: Gen) -> Doc:
    """mysqldump: CREATE TABLE, then one extended INSERT with every row, no column list."""
    table = g.pick(["tbl_cauhinh", "config", "tham_so", "settings"])
    kcol, vcol = g.pick([("ten_tham_so", "gia_tri"), ("code", "value"), ("name", "value"), ("ma", "gia_tri")])
    doc = Doc(
        f"{g.folder('var/backups/mysql', 'home/his/backup')}/{table}_{g.r.randint(1, 999)}.sql", "sql-mysql"
    )
    doc.add(
        "-- MySQL dump 10.13  Distrib 8.0.36",
        f"DROP TABLE IF EXISTS `{table}`;",
        f"CREATE TABLE `{table}` (",
        "  `id` int(11) NOT NULL AUTO_INCREMENT,",
        f"  `{kcol}` varchar(100) NOT NULL,",
        f"  `{vcol}` text,",
        "  PRIMARY KEY (`id`)",
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;",
        f"LOCK TABLES `{table}` WRITE;",
    )
    secret, kind = g.secret()
    rows = [
        ("so_ban_in", "2"),
        (g.key("username", "lower"), g.user()),
        (g.key("password", g.pick(["lower", "vn"])), secret),
        ("smtp_password", g.password()),
    ]
    g.r.shuffle(rows)
    values = ",".join(f"({i + 1},'{k}','{v}')" for i, (k, v) in enumerate(rows))
    doc.secret(f"INSERT INTO `{table}` VALUES {values};", kind)
    doc.add("UNLOCK TABLES;")
    return doc


# ==== configuration files ==========================================================================


def dotnet_config(g: Gen) -> Doc:
    """app.config / web.config / *.exe.config: appSettings, userSettings; often UTF-16 with BOM."""
    name = g.pick(["web.config", "app.config", "HIS.exe.config", "GiamDinh.exe.config", "user.config"])
    doc = Doc(
        f"{g.folder('inetpub/wwwroot/his', 'Program Files/HIS', 'Users/ketoan/AppData/Local/HIS')}/{name}",
        "config-dotnet",
    )
    doc.encoding = g.pick(["utf-8", "utf-8-sig", "utf-16-le-bom"])
    doc.add('<?xml version="1.0" encoding="utf-8"?>', "<configuration>", "  <connectionStrings>")
    doc.add(
        f'    <add name="HIS" connectionString="Data Source={g.ip()};Initial Catalog=HIS_BHYT;User ID=sa;Password={g.password()}" providerName="System.Data.SqlClient" />'
    )
    doc.add("  </connectionStrings>")
    code = g.code()
    secret, kind = g.secret()
    qual = g.pick(QUALIFIERS)
    if g.chance(0.6):
        doc.add("  <appSettings>")
        doc.add(
            f'    <add key="{g.pick(["PortalTitle", qual + "PortalTitle", "TieuDe"])}" value="Cổng giám định BHYT" />'
        )
        doc.add(f'    <add key="{qual}PortalUrl" value="{_url(g)}" />')
        doc.add(f'    <add key="{g.key("username", "camel", qual)}" value="{g.user(code)}" />')
        doc.secret(f'    <add key="{g.key("password", "camel", qual)}" value="{secret}" />', kind)
        doc.add(
            f'    <add key="{qual}PortalPort" value="443" />',
            f'    <add key="SmtpPassword" value="{g.password()}" />',
        )
        doc.add("  </appSettings>")
    else:
        doc.add("  <userSettings>", "    <HIS.Properties.Settings>")
        doc.add(
            f'      <setting name="{g.key("username", "camel", qual)}" serializeAs="String">',
            f"        <value>{g.user(code)}</value>",
            "      </setting>",
        )
        doc.add(f'      <setting name="{g.key("password", "camel", qual)}" serializeAs="String">')
        doc.secret(f"        <value>{secret}</value>", kind)
        doc.add("      </setting>", "    </HIS.Properties.Settings>", "  </userSettings>")
    doc.add("</configuration>")
    return doc


def json_config(g: Gen) -> Doc:
    """appsettings.json, config.json of a card-check tool: nested sections or flat portal_* keys."""
    layout = g.r.randrange(3)
    secret, kind = g.secret()
    if layout == 0:
        doc = Doc(
            f"{g.folder('opt/his', 'srv/api', 'inetpub/his-api')}/appsettings{g.pick(['', '.Production', '.Development'])}.json",
            "config-json",
        )
        section = g.pick(["BHXH", "BHYT", "GiamDinh", "CongGiamDinh", "EgwGateway"])
        doc.add("{", '  "Logging": { "LogLevel": { "Default": "Information" } },')
        doc.add(
            f'  "ConnectionStrings": {{ "Default": "Server=db;Database=his;User Id=his;Password={g.password()}" }},'
        )
        doc.add(
            f'  "{section}": {{',
            f'    "BaseUrl": "{_url(g)}",',
            f'    "{g.pick(["Username", "UserName", "User", "TaiKhoan"])}": "{g.user()}",',
        )
        doc.secret(f'    "{g.pick(["Password", "PassWord", "MatKhau", "Pass"])}": "{secret}",', kind)
        doc.add(
            '    "TimeoutSeconds": 30',
            "  },",
            f'  "Smtp": {{ "User": "his@benhvien.vn", "Password": "{g.password()}" }}',
            "}",
        )
    elif layout == 1:
        doc = Doc(
            f"{g.folder('home/nv/tool', 'Users/nv/Desktop/tra-cuu-the', 'opt/check-card')}/config.json",
            "config-json",
        )
        doc.add(
            "{", '  "portal_url": "https://gdbhyt.baohiemxahoi.gov.vn",', f'  "portal_user": "{g.user()}",'
        )
        doc.secret(
            f'  "{g.pick(["portal_pass", "portal_password", "portalPassword", "portal_pwd"])}": "{secret}",',
            kind,
        )
        doc.add(
            '  "portal_port": 443,',
            '  "portal_title": "Cổng giám định",',
            '  "headless": true,',
            f'  "captcha_key": "{g.hexid(32)}"',
            "}",
        )
    else:
        doc = Doc(f"{g.folder('opt/his/config', 'var/www/his/config')}/integrations.json", "config-json")
        doc.add("{", '  "integrations": [')
        doc.add(
            f'    {{ "name": "LIS", "url": "http://{g.ip()}:8080", "user": "lis", "password": "{g.password()}" }},'
        )
        doc.add(f'    {{ "name": "BHXH", "url": "{_url(g)}", "user": "{g.user()}",')
        doc.secret(f'      "password": "{secret}" }},', kind)
        doc.add(
            f'    {{ "name": "PACS", "url": "http://{g.ip()}", "password": "{g.password()}" }}', "  ]", "}"
        )
    return doc


def flat_config(g: Gen) -> Doc:
    """.env, INI, YAML, Java properties: portal keys by name, or generic keys in a portal section."""
    fmt = g.pick(["env", "ini", "yaml", "properties"])
    secret, kind = g.secret()
    code = g.code()
    if fmt == "env":
        doc = Doc(
            f"{g.folder('opt/his', 'srv/his-web', 'var/www/his')}/.env{g.pick(['', '.production', '.local'])}",
            "config-flat",
        )
        prefix = g.pick(["BHXH_EGW", "BHXH", "VITE_BHXH", "BHYT", "GDBHYT", "EGW"])
        doc.add("APP_ENV=production", f"DB_PASSWORD={g.password()}", f"# {prefix}_PASSWORD=changeme")
        doc.add(f"{prefix}_URL={_url(g)}", f"{prefix}_{g.pick(['USERNAME', 'USER'])}={g.user(code)}")
        quote = g.pick(["", '"', "'"])
        doc.secret(
            f"{g.pick(['', 'export '])}{prefix}_{g.pick(['PASSWORD', 'PASS', 'PWD', 'MATKHAU'])}={quote}{secret}{quote}",
            kind,
        )
        doc.add(f"MAIL_PASSWORD={g.password()}", f"{prefix}_PORT=443")
    elif fmt == "ini":
        doc = Doc(
            f"{g.folder('Program Files/HIS', 'opt/his')}/{g.pick(['his.ini', 'config.ini', 'thongtuyen.ini', 'setting.ini'])}",
            "config-flat",
        )
        section = g.pick(["BHXH", "BHYT", "cong_giam_dinh", "ThongTuyen", "GiamDinh"])
        doc.add("[database]", f"server={g.ip()}", "user=his", f"password={g.password()}", "")
        doc.add(f"[{section}]", f"url={_url(g)}", f"{g.generic('username')}={g.user(code)}")
        doc.secret(f"{g.generic('password')}={secret}", kind)
        doc.add("timeout=30", "", "[smtp]", f"password={g.password()}")
    elif fmt == "yaml":
        doc = Doc(
            f"{g.folder('opt/his', 'etc/his')}/{g.pick(['application.yml', 'config.yaml', 'settings.yml'])}",
            "config-flat",
        )
        doc.add("server:", "  port: 8080", "datasource:", f"  password: {g.password()}", "integrations:")
        doc.add(
            f"  {g.pick(['bhxh', 'bhyt', 'giamdinh', 'egw'])}:",
            f"    url: {_url(g)}",
            f"    {g.pick(['username', 'user', 'tai-khoan'])}: {g.user(code)}",
        )
        quote = g.pick(["", "'", '"'])
        doc.secret(f"    {g.pick(['password', 'pass', 'mat-khau', 'matkhau'])}: {quote}{secret}{quote}", kind)
        doc.add("    portal_port: 443", "    timeout: 30", "  lis:", f"    password: {g.password()}")
    else:
        doc = Doc(
            f"{g.folder('opt/his/conf', 'opt/tomcat/webapps/his/WEB-INF/classes')}/{g.pick(['his.properties', 'application.properties', 'config.properties'])}",
            "config-flat",
        )
        doc.add(f"spring.datasource.password={g.password()}", f"bhxh.url={_url(g)}")
        doc.add(f"{g.key('username', 'dotted')}={g.user(code)}")
        # Spring reads ${ENV:default}: the default written here is what runs when ENV is unset.
        value = f"${{BHXH_PASSWORD:{secret}}}" if g.chance(0.3) else secret
        doc.secret(f"{g.key('password', g.pick(['dotted', 'upper', 'camel']))}={value}", kind)
        doc.add("bhxh.portal.title=Cong giam dinh", "mail.smtp.password=" + g.password())
    return doc


def combined_value(g: Gen) -> Doc:
    """user|pass, user:pass, user/pass in one value (config tables, BHXHLoginCFG, vendor keys)."""
    sep = g.pick(["|", ":", "/"])
    user = g.user()
    secret, kind = g.secret()
    value = f"{user}{sep}{secret}"
    key = g.pick(
        [
            "HIS.CHECK_HEIN_CARD.BHXH.LOGIN.USER_PASS",
            g.key("username", "camel"),
            "TaiKhoanMatKhauBHXH",
            "BHXH_ACCOUNT",
            "BHYT_LOGIN",
            "LoginBHXH",
        ]
    )
    fmt = g.pick(["xml", "env", "json", "properties"])
    folder = g.folder("opt/his", "Program Files/HIS", "srv/his")
    if fmt == "xml":
        doc = Doc(f"{folder}/BHXHLoginCFG.config", "combined-value")
        doc.add("<appSettings>", f'  <add key="ServerName" value="{g.ip()}" />')
        doc.secret(f'  <add key="{key}" value="{value}" />', kind)
        doc.add(f'  <add key="DbLogin" value="sa:{g.password()}" />', "</appSettings>")
    elif fmt == "env":
        doc = Doc(f"{folder}/bhxh.env", "combined-value")
        doc.add(f"BHXH_URL={_url(g)}")
        doc.secret(f"{key.replace('.', '_').upper()}={value}", kind)
        doc.add(f"BACKUP_LOGIN=backup:{g.password()}")
    elif fmt == "json":
        doc = Doc(f"{folder}/login.json", "combined-value")
        doc.add("{", f'  "gateway": "{_url(g)}",')
        doc.secret(f'  "{key}": "{value}",', kind)
        doc.add('  "retry": 3', "}")
    else:
        doc = Doc(f"{folder}/his.cfg", "combined-value")
        doc.add("# cấu hình kết nối")
        doc.secret(f"{key} = {value}", kind)
        doc.add(f"ftp.login = ftpuser:{g.password()}")
    return doc


def xml_element_config(g: Gen) -> Doc:
    """Vendor XML settings: <BHXH><TaiKhoan>..</TaiKhoan><MatKhau>..</MatKhau></BHXH>, or attributes."""
    secret, kind = g.secret()
    doc = Doc(
        f"{g.folder('Program Files/HIS/Config', 'opt/his/conf')}/{g.pick(['CauHinh.xml', 'Setting.xml', 'KetNoi.xml'])}",
        "config-xml",
    )
    doc.add(
        '<?xml version="1.0" encoding="utf-8"?>',
        "<CauHinh>",
        "  <CSDL>",
        f"    <MayChu>{g.ip()}</MayChu>",
        f"    <MatKhau>{g.password()}</MatKhau>",
        "  </CSDL>",
    )
    section = g.pick(["BHXH", "CongBHXH", "GiamDinhBHYT", "ThongTuyen"])
    if g.chance(0.5):
        user_tag = g.pick(["TaiKhoan", "TenDangNhap", "User"])
        doc.add(
            f"  <{section}>", f"    <DiaChi>{_url(g)}</DiaChi>", f"    <{user_tag}>{g.user()}</{user_tag}>"
        )
        tag = g.pick(["MatKhau", "Password", "MK", "Pass"])
        doc.secret(f"    <{tag}>{secret}</{tag}>", kind)
        doc.add(f"  </{section}>")
    else:
        doc.secret(f'  <{section} Url="{_url(g)}" TaiKhoan="{g.user()}" MatKhau="{secret}" />', kind)
    doc.add("  <Email>", "    <MatKhau>" + g.password() + "</MatKhau>", "  </Email>", "</CauHinh>")
    return doc


def js_bundle(g: Gen) -> Doc:
    """A Vite/webpack build served to browsers: VITE_BHXH_* copied in, minified on one long line."""
    secret, kind = g.secret()
    noise = ";".join(
        f"function {g.pick(['a', 'b', 'c', 'd'])}{i}(e){{return e.{g.pick(WORDS)}}}"
        for i in range(g.r.randint(20, 80))
    )
    env = f'const Xe={{VITE_API_URL:"/api",VITE_BHXH_URL:"{_url(g)}",VITE_BHXH_USERNAME:"{g.user()}",VITE_BHXH_PASSWORD:"{secret}",MODE:"production"}}'
    doc = Doc(
        f"{g.folder('var/www/html/his/assets', 'usr/share/nginx/html/assets', 'srv/www/his/dist/assets')}/index-{g.hexid(8)}.js",
        "js-bundle",
    )
    doc.add(noise)
    doc.secret(
        f'{env};{noise[: g.r.randint(50, 300)]};const Lt={{password:"",username:"",placeholder:"Mật khẩu"}}',
        kind,
    )
    doc.add(noise)
    return doc


# ==== code =========================================================================================


def code_constants(g: Gen) -> Doc:
    """Constants and getters that return a literal: C#, Java, PHP, JS/TS, Python, VB."""
    lang = g.pick(
        [
            "cs",
            "java",
            "php",
            "ts",
            "py",
            "vb",
            "java-getter",
            "cs-getter",
            "py-getter",
            "js-getter",
            "http-client",
        ]
    )
    secret, kind = g.secret()
    user = g.user()
    url = _url(g, plain=g.chance(0.3)) + "/api/token/take"
    if lang == "cs":
        doc = Doc(f"src/HIS.GiamDinh/{g.pick(['Constants', 'BhxhConfig', 'AppConst'])}.cs", "code-constants")
        doc.add(
            "namespace HIS.GiamDinh",
            "{",
            "    public static class BhxhConfig",
            "    {",
            f'        public const string Url = "{url}";',
        )
        doc.add(f'        public const string {g.key("username", "camel")} = "{user}";')
        doc.secret(
            f'        {g.pick(["public const string", "internal static readonly string", "private const string"])} {g.key("password", "camel")} = "{secret}";',
            kind,
        )
        doc.add('        public const string PasswordLabel = "Mật khẩu";', "    }", "}")
    elif lang == "java":
        doc = Doc(
            f"src/main/java/vn/his/bhyt/{g.pick(['BhytConstants', 'InsuranceConst'])}.java", "code-constants"
        )
        doc.add(
            "package vn.his.bhyt;",
            "",
            "public final class BhytConstants {",
            f'    public static final String GATEWAY = "{url}";',
        )
        doc.add(f'    public static final String {g.key("username", "upper")} = "{user}";')
        doc.secret(f'    public static final String {g.key("password", "upper")} = "{secret}";', kind)
        doc.add("    public static final int PASSWORD_MIN_LENGTH = 8;", "}")
    elif lang == "php":
        doc = Doc(
            f"{g.folder('var/www/html/his/config', 'var/www/his/app/config')}/{g.pick(['bhyt.php', 'constants.php', 'config.php'])}",
            "code-constants",
        )
        doc.add(
            "<?php", f"define('BHYT_URL', '{url}');", f"define('{g.key('username', 'upper')}', '{user}');"
        )
        doc.secret(f"define('{g.key('password', 'upper')}', '{secret}');", kind)
        doc.add("define('DB_PASSWORD', getenv('DB_PASSWORD'));", f"define('SMTP_PASS', '{g.password()}');")
    elif lang == "ts":
        doc = Doc(
            f"{g.folder('src/config', 'frontend/src/constants', 'app/src/services')}/{g.pick(['bhxh.ts', 'portal.js', 'constants.ts'])}",
            "code-constants",
        )
        doc.add(f"export const BHXH_URL = '{url}';", f"export const {g.key('username', 'upper')} = '{user}';")
        quote = g.pick(["'", '"', "`"])
        doc.secret(f"export const {g.key('password', 'upper')} = {quote}{secret}{quote};", kind)
        doc.add("export const PASSWORD_PLACEHOLDER = 'Nhập mật khẩu';", "export const API_TIMEOUT = 30000;")
    elif lang == "py":
        doc = Doc(
            f"{g.folder('opt/his/app', 'home/dev/tool')}/{g.pick(['settings.py', 'config.py', 'bhyt_client.py'])}",
            "code-constants",
        )
        doc.add("import os", f"EGW_URL = '{url}'", f"{g.key('username', 'upper')} = '{user}'")
        doc.secret(f"{g.key('password', 'upper')} = '{secret}'", kind)
        doc.add("DB_PASSWORD = os.environ['DB_PASSWORD']", "SESSION_TIMEOUT = 1800")
    elif lang == "vb":
        doc = Doc(f"src/HIS/{g.pick(['modBHYT.vb', 'GiamDinh.vb'])}", "code-constants")
        doc.add(
            "Module modBHYT",
            f'    Public Const UrlBHXH As String = "{url}"',
            f'    Public Const {g.key("username", "camel")} As String = "{user}"',
        )
        doc.secret(f'    Public Const {g.key("password", "camel")} As String = "{secret}"', kind)
        doc.add("End Module")
    elif lang == "http-client":
        doc = Doc(
            f"{g.folder('opt/his/app', 'src/HIS.Api', 'home/dev/tool')}/{g.pick(['egw_client.py', 'EgwClient.cs', 'EgwClient.java'])}",
            "code-constants",
        )
        if doc.rel.endswith(".py"):
            doc.add("import requests", f"URL = '{url}'")
            line = f'resp = requests.post(URL, auth=("{user}", "{secret}"), timeout=30)'
        elif doc.rel.endswith(".cs"):
            doc.add(f'private const string Url = "{url}";')
            line = f'var handler = new HttpClientHandler {{ Credentials = new NetworkCredential("{user}", "{secret}") }};'
        else:
            doc.add(f'private static final String URL = "{url}";')
            line = f'Request req = new Request.Builder().url(URL).header("Authorization", Credentials.basic("{user}", "{secret}")).build();'
        doc.secret(line, kind)
        doc.add(f"# {g.words(5)}" if doc.rel.endswith(".py") else f"// {g.words(5)}")
    elif lang == "java-getter":
        doc = Doc(
            f"src/main/java/vn/his/service/{g.pick(['InsuranceService', 'BhytService', 'EgwClient'])}.java",
            "code-constants",
        )
        doc.add("public class InsuranceService {", f'    private static final String URL = "{url}";', "")
        doc.add(f'    public String getInsuranceUsername() {{ return "{user}"; }}', "")
        doc.add(
            f"    public String {g.pick(['getInsurancePassword', 'getBhytPassword', 'getPasswordBHXH', 'getMatKhauBHYT'])}() {{"
        )
        doc.secret(f'        return "{secret}";', kind)
        doc.add(
            "    }",
            "",
            "    public String getDbPassword() {",
            '        return System.getenv("DB_PASSWORD");',
            "    }",
            "}",
        )
    elif lang == "cs-getter":
        doc = Doc(f"src/HIS.Services/{g.pick(['BhxhService', 'GiamDinhClient'])}.cs", "code-constants")
        doc.add("public class BhxhService", "{", f'    private readonly string _url = "{url}";')
        doc.secret(
            f'    public string {g.pick(["GetPasswordBHXH", "GetMatKhauBHYT", "GetInsurancePassword"])}() {{ return "{secret}"; }}',
            kind,
        )
        doc.add('    public string GetDbPassword() { return ConfigurationManager.AppSettings["Db"]; }', "}")
    elif lang == "py-getter":
        doc = Doc(f"{g.folder('opt/his/app', 'home/dev/tool')}/bhyt_auth.py", "code-constants")
        doc.add(
            f"EGW = '{url}'",
            "",
            f"def {g.pick(['get_bhxh_password', 'get_bhyt_password', 'get_insurance_password'])}():",
        )
        doc.secret(f"    return '{secret}'", kind)
        doc.add("", "def get_db_password():", "    return os.environ.get('DB_PASSWORD', '')")
    else:
        doc = Doc(f"{g.folder('src/services', 'app/js')}/bhxhAuth.js", "code-constants")
        doc.add(
            f"const EGW = '{url}';",
            f"function {g.pick(['getBhxhPassword', 'getInsurancePassword', 'getMatKhauBHYT'])}() {{",
        )
        doc.secret(f"  return '{secret}';", kind)
        doc.add("}", "function getDbPassword() {", "  return process.env.DB_PASSWORD;", "}")
    return doc


# ==== scripts ======================================================================================


def netrc(g: Gen) -> Doc:
    doc = Doc(
        f"{g.folder('home/his', 'root', 'home/ketoan')}/{g.pick(['.netrc', '_netrc', '.netrc'])}", "netrc"
    )
    secret, kind = g.secret()
    entries = [
        ("ftp.benhvien.vn", "backup", g.password(), None),
        (g.pick(PORTAL_HOSTS), g.user(), secret, kind),
        ("nas.local", "admin", g.password(), None),
    ]
    g.r.shuffle(entries)
    multiline = g.chance(0.5)
    for host, user, pw, truth_kind in entries:
        if multiline:
            doc.add(f"machine {host}", f"  login {user}")
            line = f"  password {pw}"
        else:
            line = f"machine {host} login {user} password {pw}"
        if truth_kind:
            doc.secret(line, truth_kind)
        else:
            doc.add(line)
    return doc


def batch(g: Gen) -> Doc:
    doc = Doc(
        f"{g.folder('HIS/Tools', 'Users/admin/Desktop', 'Scripts')}/{g.pick(['guixml.bat', 'dongbo_bhxh.cmd', 'laytoken.bat', 'sync.cmd'])}",
        "script-batch",
    )
    secret, kind = g.secret()
    doc.add("@echo off", "setlocal", f"set DB_PASS={g.password()}")
    user_key = g.pick(["BHXH_USER", "USER_BHYT", "TAIKHOAN_BHXH", "EGW_USER"])
    pass_key = g.pick(["BHXH_PASS", "PASS_BHYT", "MATKHAU_BHXH", "EGW_PASSWORD", "BHXH_PWD"])
    doc.add(f"set {user_key}={g.user()}")
    doc.secret(f'set "{pass_key}={secret}"' if g.chance(0.4) else f"set {pass_key}={secret}", kind)
    doc.add(f"set URL={_url(g)}/api/token/take")
    doc.add(
        f'curl -s -X POST %URL% -H "Content-Type: application/json" -d "{{\\"username\\":\\"%{user_key}%\\",\\"password\\":\\"%{pass_key}%\\"}}" > token.json'
    )
    doc.add("endlocal")
    return doc


def powershell(g: Gen) -> Doc:
    doc = Doc(
        f"{g.folder('Scripts', 'Users/admin/Documents/WindowsPowerShell', 'HIS/Tools')}/{g.pick(['Sync-Bhxh.ps1', 'Get-EgwToken.ps1', 'guihoso.ps1'])}",
        "script-powershell",
    )
    secret, kind = g.secret()
    user = g.user()
    style = g.r.randrange(3)
    doc.add("$ErrorActionPreference = 'Stop'", f"$uri = '{_url(g)}/api/token/take'")
    if style == 0:
        doc.add(f"$user = '{user}'")
        quote = g.pick(["'", '"'])
        doc.secret(f"$pass = ConvertTo-SecureString {quote}{secret}{quote} -AsPlainText -Force", kind)
        doc.add(
            "$cred = New-Object System.Management.Automation.PSCredential($user, $pass)",
            "Invoke-RestMethod -Uri $uri -Credential $cred",
        )
    elif style == 1:
        doc.secret(
            f"$cred = New-Object PSCredential('{user}', (ConvertTo-SecureString '{secret}' -AsPlainText -Force))",
            kind,
        )
        doc.add("Invoke-WebRequest -Uri $uri -Credential $cred")
    else:
        doc.secret(f"$body = @{{ username = '{user}'; password = '{secret}' }} | ConvertTo-Json", kind)
        doc.add(
            "$r = Invoke-RestMethod -Uri $uri -Method Post -Body $body -ContentType 'application/json'",
            "$r.APIKey.access_token | Out-File token.txt",
        )
    doc.add("$db = ConvertTo-SecureString $env:DB_PASSWORD -AsPlainText -Force")
    return doc


def shell_history(g: Gen) -> Doc:
    doc = Doc(f"{g.folder('home/his', 'root', 'home/ketoan')}/.bash_history", "shell-history")
    secret, kind = g.secret()
    doc.add("ls -la", "cd /opt/his", "systemctl restart his-api", f"mysql -u root -p{g.password()} his")
    form = g.r.randrange(4)
    if form == 3:  # a vendor's command-line client, or a PowerShell module's cmdlet
        doc.secret(
            g.pick(
                [
                    f"hisclient sync --url {_url(g)} --username {g.user()} --password '{secret}'",
                    f"Connect-Bhxh -Uri {_url(g)} -User {g.user()} -Password '{secret}'",
                    f"./guixml --user={g.user()} --matkhau '{secret}' --host {g.pick(PORTAL_HOSTS)}",
                ]
            ),
            kind,
        )
    elif form == 0:
        doc.secret(
            f'curl -s -X POST {_url(g)}/api/token/take -H \'Content-Type: application/json\' -d \'{{"username":"{g.user()}","password":"{secret}"}}\'',
            kind,
        )
    elif form == 1:
        doc.secret(f"curl -u '{g.user()}:{secret}' {_url(g)}/api/egw/x", kind)
    else:
        doc.secret(
            f"wget -qO- '{_url(g)}{g.pick(EGW_CALLS)}?token=abc&username={g.user()}&password={quote(secret, safe='')}'",
            kind,
        )
    doc.add("tail -f /var/log/his/app.log", "history | grep curl")
    return doc


# ==== HTTP archives, API clients, notebooks ========================================================


def har(g: Gen) -> Doc:
    doc = Doc(
        f"{g.folder('Users/nv/Downloads', 'home/nv/Downloads')}/{g.pick(['gdbhyt.baohiemxahoi.gov.vn.har', 'egw.har', 'loi-gui-ho-so.har'])}",
        "http-archive",
    )
    md5 = g.md5()
    token = g.token()
    entries = [
        {
            "startedDateTime": "2025-03-12T08:00:00.000+07:00",
            "request": {
                "method": "POST",
                "url": _url(g) + "/api/token/take",
                "headers": [
                    {"name": "Content-Type", "value": "application/json"},
                    {"name": "User-Agent", "value": "Mozilla/5.0"},
                ],
                "postData": {
                    "mimeType": "application/json",
                    "text": json.dumps({"username": g.user(), "password": md5}),
                },
            },
            "response": {
                "status": 200,
                "content": {
                    "mimeType": "application/json",
                    "text": json.dumps(
                        {
                            "maKetQua": "200",
                            "APIKey": {"access_token": token, "token_type": "bearer", "expires_in": 3600},
                        }
                    ),
                },
            },
        },
        {
            "request": {
                "method": "GET",
                "url": _url(g) + g.pick(EGW_CALLS) + "?maThe=DN4797912345678",
                "headers": [
                    {"name": "Authorization", "value": "Bearer " + token},
                    {"name": "Accept", "value": "application/json"},
                ],
            },
            "response": {"status": 200, "content": {"text": '{"maKetQua":"000"}'}},
        },
    ]
    text = json.dumps(
        {"log": {"version": "1.2", "creator": {"name": "WebInspector"}, "entries": entries}},
        indent=2,
        ensure_ascii=False,
    )
    for line in text.splitlines():
        if md5 in line:
            doc.secret(line, "password_hash")
        elif token in line:
            doc.secret(line, "token")
        else:
            doc.add(line)
    return doc


def api_client(g: Gen) -> Doc:
    """Postman environments/collections, Insomnia exports, Thunder Client environments, Bruno files."""
    tool = g.pick(["postman-env", "postman-collection", "insomnia", "thunder", "bruno"])
    md5 = g.md5()
    token = g.token() if g.chance(0.5) else None
    user = g.user()
    base = _url(g)
    if tool == "bruno":
        doc = Doc(
            f"{g.folder('home/dev/bruno/BHXH', 'Users/dev/bruno/GiamDinh')}/environments/{g.pick(['production.bru', 'prod.bru'])}",
            "api-client",
        )
        doc.add("vars {", f"  baseUrl: {base}", f"  username: {user}")
        doc.secret(f"  password: {md5}", "password_hash")
        if token:
            doc.secret(f"  accessToken: {token}", "token")
        doc.add("  timeout: 30000", "}")
        return doc
    if tool == "postman-env":
        body = {
            "id": "0c5e3f1a-2b4d-4e6f-8a9b-1c2d3e4f5a6b",
            "name": g.pick(["BHXH - production", "Giám định", "EGW"]),
            "values": [
                {"key": "baseUrl", "value": base, "type": "default", "enabled": True},
                {
                    "key": g.pick(["username", "user", "bhxh_user"]),
                    "value": user,
                    "type": "default",
                    "enabled": True,
                },
                {
                    "key": g.pick(["password", "pass", "bhxh_password", "passwordMd5"]),
                    "value": md5,
                    "type": "secret",
                    "enabled": True,
                },
                {"key": "captcha", "value": "", "type": "default", "enabled": True},
            ],
            "_postman_variable_scope": "environment",
        }
        if token:
            body["values"].append({"key": "access_token", "value": token, "type": "secret", "enabled": True})  # type: ignore[attr-defined]
        rel = f"{g.folder('Users/dev/Documents/Postman', 'home/dev/postman')}/{g.pick(['production', 'BHXH', 'egw'])}.postman_environment.json"
    elif tool == "postman-collection":
        body = {
            "info": {
                "name": g.pick(["Cổng BHXH", "EGW API", "Giám định BHYT"]),
                "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
            },
            "item": [
                {
                    "name": "Lấy token",
                    "request": {
                        "method": "POST",
                        "header": [{"key": "Content-Type", "value": "application/json"}],
                        "body": {"mode": "raw", "raw": json.dumps({"username": user, "password": md5})},
                        "url": {
                            "raw": base + "/api/token/take",
                            "protocol": "https",
                            "path": ["api", "token", "take"],
                        },
                    },
                },
                {
                    "name": "Lịch sử KCB",
                    "request": {
                        "method": "POST",
                        "header": [{"key": "Authorization", "value": "Bearer {{access_token}}"}],
                        "url": {"raw": base + g.pick(EGW_CALLS) + "?token={{token}}&id_token={{id_token}}"},
                    },
                },
            ],
            "variable": [{"key": "baseUrl", "value": base}],
        }
        if token:
            body["variable"].append({"key": "access_token", "value": token})  # type: ignore[attr-defined]
        rel = f"{g.folder('Users/dev/Documents', 'home/dev/postman')}/{g.pick(['BHXH', 'EGW', 'GiamDinh'])}.postman_collection.json"
    elif tool == "insomnia":
        resources = [
            {
                "_id": "env_1",
                "_type": "environment",
                "name": "Production",
                "data": {"baseUrl": base, "username": user, "password": md5},
            },
            {
                "_id": "req_1",
                "_type": "request",
                "name": "Token",
                "method": "POST",
                "url": "{{ _.baseUrl }}/api/token/take",
                "body": {
                    "mimeType": "application/json",
                    "text": '{"username": "{{ _.username }}", "password": "{{ _.password }}"}',
                },
            },
        ]
        if token:
            resources[0]["data"]["access_token"] = token  # type: ignore[index]
        body = {"_type": "export", "__export_format": 4, "resources": resources}
        rel = f"{g.folder('Users/dev/Documents', 'home/dev')}/Insomnia_{g.r.randint(2024, 2025)}-0{g.r.randint(1, 9)}-1{g.r.randint(0, 9)}.json"
    else:
        body = {
            "_id": "3f2a",
            "name": "bhxh-prod",
            "default": False,
            "data": [
                {"name": "baseUrl", "value": base},
                {"name": g.pick(["username", "user"]), "value": user},
                {"name": g.pick(["password", "pass"]), "value": md5},
            ],
        }
        if token:
            body["data"].append({"name": "token", "value": token})  # type: ignore[attr-defined]
        rel = f"{g.folder('home/dev/.vscode/thunder-tests', 'Users/dev/thunder-tests')}/{g.pick(['thunderEnvironment.json', 'environments/bhxh.json'])}"
    doc = Doc(rel, "api-client")
    for line in json.dumps(body, indent=g.pick([2, 4, "\t"]), ensure_ascii=False).splitlines():  # type: ignore[arg-type]
        if md5 in line:
            doc.secret(line, "password_hash")
        elif token and token in line:
            doc.secret(line, "token")
        else:
            doc.add(line)
    return doc


def notebook(g: Gen) -> Doc:
    md5 = g.md5() if g.chance(0.5) else g.password()
    kind = "password_hash" if len(md5) == 32 else "password"
    user = g.user()
    key = g.pick(["password", "pw", "matkhau", "bhxh_password", "PASS"])
    src = [
        "import requests, hashlib\n",
        f"URL = '{_url(g)}/api/token/take'\n",
        f"{key} = '{md5}'\n",
        f"r = requests.post(URL, json={{'username': '{user}', 'password': {key}}})\n",
        "token = r.json()['APIKey']['access_token']\n",
    ]
    nb = {
        "cells": [
            {
                "cell_type": "markdown",
                "metadata": {},
                "source": [
                    "# Tra cứu lịch sử khám chữa bệnh\n",
                    "Đăng nhập cổng giám định BHYT rồi tra cứu.",
                ],
            },
            {
                "cell_type": "code",
                "execution_count": 3,
                "metadata": {},
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["200\n"]}],
                "source": src,
            },
            {
                "cell_type": "code",
                "execution_count": 4,
                "metadata": {},
                "outputs": [],
                "source": ["import pandas as pd\n", "df = pd.read_excel('ds_benh_nhan.xlsx')\n"],
            },
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    doc = Doc(
        f"{g.folder('home/dev/notebooks', 'Users/nv/Documents/jupyter')}/{g.pick(['tra_cuu_lskcb.ipynb', 'bhyt.ipynb', 'kiem_tra_the.ipynb'])}",
        "notebook",
    )
    for line in json.dumps(nb, indent=1, ensure_ascii=False).splitlines():
        if f"'{md5}'" in line:
            doc.secret(line, kind)
        else:
            doc.add(line)
    return doc


# ==== logs =========================================================================================


def _filler_request(g: Gen) -> str:
    return g.pick(
        [
            "/his/tiepdon/danhsach",
            "/static/app.js",
            "/api/benhnhan/timkiem?ten=an",
            "/his/login",
            "/favicon.ico",
            "/api/thuoc?page=2",
        ]
    )


def log_web(g: Gen) -> Doc:
    """nginx/Apache combined and IIS W3C logs: many lines, the egw calls carry token/password in the query."""
    layout = g.pick(["combined", "combined", "iis"])
    rel = (
        f"var/log/{g.pick(['nginx', 'apache2', 'httpd'])}/{g.pick(['access.log', 'his_access.log', 'access.log.1'])}"
        if layout == "combined"
        else f"inetpub/logs/LogFiles/W3SVC1/u_ex25{g.r.randint(1, 12):02d}{g.r.randint(1, 28):02d}.log"
    )
    doc = Doc(rel, "log-web")
    user = g.user()
    md5 = g.md5()
    token = g.token()
    if layout == "iis":
        doc.add(
            "#Software: Microsoft Internet Information Services 10.0",
            "#Version: 1.0",
            "#Date: 2025-03-12 00:00:01",
            "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
        )
    for _i in range(g.r.randint(60, 220)):
        d, _m, h, mi, s = g.when()
        secret_line = g.chance(0.12)
        call = g.pick(EGW_CALLS)
        if secret_line:
            q = (
                f"token={token}&id_token={g.pick([token[::-1].replace('.', 'Q'), 'null'])}&username={user}&password={md5}"
                if g.chance(0.6)
                else f"username={user}&password={md5}"
            )
        else:
            q = None
        if layout == "combined":
            path = f"{call}?{q}" if q else _filler_request(g)
            line = f'{g.ip()} - - [{d:02d}/Mar/2025:{h:02d}:{mi:02d}:{s:02d} +0700] "GET {path} HTTP/1.1" {g.pick(["200", "200", "304", "401"])} {g.r.randint(80, 90000)} "-" "{g.pick(["HIS/4.2", "Mozilla/5.0 (Windows NT 10.0)", "okhttp/4.9"])}"'
        else:
            stem, query = (call, q) if q else (_filler_request(g).split("?")[0], "-")
            line = f"2025-03-{d:02d} {h:02d}:{mi:02d}:{s:02d} {g.ip()} GET {stem} {query} 443 - {g.ip()} HIS/4.2 - 200 0 0 {g.r.randint(5, 900)}"
        if q:
            doc.secret(line, "password_hash" if "token=" not in q else "token")
        else:
            doc.add(line)
    return doc


def log_proxy(g: Gen) -> Doc:
    """Forward proxy (squid) and reverse proxy (haproxy, nginx upstream) logs."""
    layout = g.pick(["squid", "haproxy"])
    doc = Doc(f"var/log/{'squid/access.log' if layout == 'squid' else 'haproxy.log'}", "log-proxy")
    token = g.token()
    user = g.user()
    md5 = g.md5()
    for _i in range(g.r.randint(50, 160)):
        carries = g.chance(0.15)
        host = (
            g.pick(PORTAL_HOSTS)
            if carries or g.chance(0.2)
            else g.pick(["update.microsoft.com", "www.google.com", "cdn.jsdelivr.net", "api.zalo.me"])
        )
        path = (
            f"{g.pick(EGW_CALLS)}?token={token}&username={user}&password={md5}"
            if carries
            else g.pick(
                ["/", "/api/v1/status", "/index.html", "/api/egw/KQNhanLichSuKCB2019?maThe=DN4797912345678"]
            )
        )
        if layout == "squid":
            line = f"17418{g.r.randint(10000, 99999)}.{g.r.randint(100, 999)} {g.r.randint(5, 2000):6d} {g.ip()} TCP_MISS/200 {g.r.randint(200, 90000)} GET http://{host}{path} - HIER_DIRECT/203.0.113.{g.r.randint(1, 254)} application/json"
        else:
            line = f'Mar 12 08:{g.r.randint(0, 59):02d}:{g.r.randint(0, 59):02d} lb01 haproxy[812]: {g.ip()}:5{g.r.randint(1000, 9999)} [12/Mar/2025:08:00:01.{g.r.randint(100, 999)}] fe_https be_egw/egw1 0/0/1/42/43 200 512 - - ---- 1/1/0/0/0 0/0 "GET {path} HTTP/1.1"'
        if carries:
            doc.secret(line, "token")
        else:
            doc.add(line)
    return doc


def log_app(g: Gen) -> Doc:
    """Application logs: log4net/NLog text lines, Serilog JSON lines, request dumps with headers."""
    layout = g.pick(["text", "json", "headers"])
    doc = Doc(
        f"{g.folder('var/log/his', 'opt/his/logs', 'HIS/Logs')}/{g.pick(['his', 'egw-client', 'giamdinh', 'api'])}-2025031{g.r.randint(0, 9)}.log",
        "log-app",
    )
    md5 = g.md5()
    token = g.token()
    user = g.user()
    basic = base64.b64encode(f"{user}:{g.password()}".encode()).decode()
    for _i in range(g.r.randint(40, 150)):
        h, mi, s = g.r.randint(0, 23), g.r.randint(0, 59), g.r.randint(0, 59)
        event = g.r.random()
        if layout == "text":
            if event < 0.1:
                doc.secret(
                    f"2025-03-12 {h:02d}:{mi:02d}:{s:02d},{g.r.randint(100, 999)} DEBUG [EgwClient] POST {_url(g)}/api/token/take body=username={user}&password={md5}",
                    "password_hash",
                )
            elif event < 0.18:
                doc.secret(
                    f"2025-03-12 {h:02d}:{mi:02d}:{s:02d},{g.r.randint(100, 999)} INFO  [EgwClient] GET {_url(g)}{g.pick(EGW_CALLS)}?token={token}&id_token=x&username={user}&password={md5} -> 200",
                    "token",
                )
            elif event < 0.25:
                doc.add(
                    f"2025-03-12 {h:02d}:{mi:02d}:{s:02d},{g.r.randint(100, 999)} INFO  [EgwClient] POST {_url(g)}/api/token/take username={user} password=****** -> maKetQua=200"
                )
            else:
                doc.add(
                    f"2025-03-12 {h:02d}:{mi:02d}:{s:02d},{g.r.randint(100, 999)} INFO  [{g.pick(['TiepDon', 'VienPhi', 'Duoc'])}] {g.words(g.r.randint(4, 10))} id={g.r.randint(1, 10**6)}"
                )
        elif layout == "json":
            if event < 0.12:
                doc.secret(
                    json.dumps(
                        {
                            "@t": f"2025-03-12T{h:02d}:{mi:02d}:{s:02d}Z",
                            "@l": "Debug",
                            "@mt": "Request {Url}",
                            "Url": _url(g) + "/api/token/take",
                            "Body": {"username": user, "password": md5},
                        }
                    ),
                    "password_hash",
                )
            elif event < 0.2:
                doc.secret(
                    json.dumps(
                        {
                            "@t": f"2025-03-12T{h:02d}:{mi:02d}:{s:02d}Z",
                            "@l": "Information",
                            "Url": _url(g) + g.pick(QD130),
                            "Headers": {"accessToken": token, "tokenId": g.hexid(24), "passwordHash": md5},
                        }
                    ),
                    "token",
                )
            else:
                doc.add(
                    json.dumps(
                        {
                            "@t": f"2025-03-12T{h:02d}:{mi:02d}:{s:02d}Z",
                            "@l": "Information",
                            "@mt": g.words(6),
                            "ElapsedMs": g.r.randint(1, 900),
                            "password": "***",
                        }
                    )
                )
        else:
            if event < 0.1:
                doc.secret(
                    f"[2025-03-12 {h:02d}:{mi:02d}:{s:02d}] >> POST {_url(g)}{g.pick(QD130)} Authorization: Bearer {token}",
                    "token",
                )
            elif event < 0.16:
                doc.secret(
                    f"[2025-03-12 {h:02d}:{mi:02d}:{s:02d}] >> GET {_url(g)}/api/egw/x Authorization: Basic {basic}",
                    "password",
                )
            elif event < 0.22:
                doc.add(
                    f"[2025-03-12 {h:02d}:{mi:02d}:{s:02d}] >> GET http://{g.ip()}/lis/api Authorization: Bearer {g.token()}"
                )
            else:
                doc.add(
                    f"[2025-03-12 {h:02d}:{mi:02d}:{s:02d}] << 200 {g.r.randint(80, 9000)} bytes in {g.r.randint(3, 900)} ms"
                )
    return doc


# ==== patient data =================================================================================

CLAIM_TABLES = [
    "TONG_HOP",
    "CHITIEU_CHITIET_THUOC",
    "CHITIEU_CHITIET_DVKT_VTYT",
    "CHITIEU_CHITIET_DICHVUCANLAMSANG",
    "CHITIEU_CHITIET_DIENBIENLAMSANG",
    "CHI_TIEU_HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS",
    "CHI_TIEU_DU_LIEU_GIAY_RA_VIEN",
    "CHI_TIEU_DU_LIEU_TOM_TAT_HO_SO_BENH_AN",
    "CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH",
    "CHI_TIEU_DU_LIEU_GIAY_NGHI_DUONG_THAI",
    "CHI_TIEU_DU_LIEU_GIAY_CHUNG_NHAN_NGHI_VIEC_HUONG_BAO_HIEM_XA_HOI",
    "CHI_TIEU_DU_LIEU_GIAM_DINH_Y_KHOA",
    "CHI_TIEU_GIAYCHUYENTUYEN",
    "CHI_TIEU_GIAYHEN_KHAMLAI",
    "CHI_TIEU_DIEUTRI_BENHLAO",
    "CHI_TIEU_TRANG_THAI_KCB",
]


def claim_table(g: Gen) -> Doc:
    index = g.r.randrange(len(CLAIM_TABLES))
    root = CLAIM_TABLES[index]
    number = index + 1 if index < 15 else 0
    doc = Doc(
        f"{g.folder('Users/ketoan/Desktop/XML', 'ExportXml3176', 'srv/share/xml130', 'Users/nv/Downloads')}/{g.code()}_{g.r.randint(10**9, 10**10)}_XML{number}.xml",
        "claim-table",
    )
    doc.encoding = g.pick(["utf-8", "utf-8", "utf-8-sig", "utf-16-le-bom"])
    doc.add('<?xml version="1.0" encoding="utf-8"?>', f"<{root}>", "  <DSACH>")
    for _ in range(g.r.randint(1, 5)):
        doc.add(
            f"    <ITEM><MA_LK>{g.hexid(12).upper()}</MA_LK><STT>1</STT><HO_TEN>Nguyễn Văn {g.pick(['An', 'Bình', 'Cường'])}</HO_TEN><MA_THE_BHYT>DN47{g.r.randint(10**10, 10**11 - 1)}</MA_THE_BHYT></ITEM>"
        )
    doc.add("  </DSACH>", f"</{root}>")
    doc.truth.append((-1, "claim"))  # the file as a whole
    return doc


POSITIVE_FORMS: dict[str, Callable[[Gen], Doc]] = {
    "sql-ssms-kv": sql_ssms_kv,
    "sql-columns": sql_ssms_columns,
    "sql-copy": sql_pg_copy,
    "sql-mysql": sql_mysql_extended,
    "config-dotnet": dotnet_config,
    "config-json": json_config,
    "config-flat": flat_config,
    "combined-value": combined_value,
    "config-xml": xml_element_config,
    "js-bundle": js_bundle,
    "code-constants": code_constants,
    "netrc": netrc,
    "script-batch": batch,
    "script-powershell": powershell,
    "shell-history": shell_history,
    "http-archive": har,
    "api-client": api_client,
    "notebook": notebook,
    "log-web": log_web,
    "log-proxy": log_proxy,
    "log-app": log_app,
    "claim-table": claim_table,
}


# ==== decoy files (nothing in them is a portal secret) =============================================


def decoy(g: Gen) -> Doc:
    choice = g.r.randrange(19)
    if choice >= 14:
        return decoy_more(g, choice - 14)
    if choice == 0:
        doc = Doc(
            f"{g.folder('opt/his/docs', 'srv/his/README')}/{g.pick(['README.md', 'huong-dan-cai-dat.md', 'INSTALL.md'])}",
            "decoy-doc",
            role="decoy",
        )
        doc.add(
            "# Kết nối cổng giám định BHYT",
            "",
            "Điền vào tệp `.env`:",
            "",
            "```",
            f"BHXH_EGW_URL={_url(g)}",
            "BHXH_EGW_USERNAME=<ma-cskcb>_BV",
            "BHXH_EGW_PASSWORD=<mat-khau>",
            "```",
            "",
            'Mật khẩu gửi lên API là mã MD5 (chữ hoa) của mật khẩu thật, ví dụ `md5("<mat-khau>")`.',
        )
    elif choice == 1:
        doc = Doc(f"{g.folder('opt/his', 'srv/his-web')}/.env.example", "decoy-template", role="decoy")
        doc.add(
            "# Sao chép thành .env rồi điền",
            f"# BHXH_EGW_USERNAME={g.code()}_BV",
            f"# BHXH_EGW_PASSWORD={g.pick(['changeme', 'your_password_here', '<mat-khau>'])}",
            f"BHXH_EGW_URL={_url(g)}",
            f"BHXH_EGW_PASSWORD={g.pick(['', '${BHXH_PASSWORD}', 'changeme'])}",
        )
    elif choice == 2:
        doc = Doc(
            f"{g.folder('opt/his', 'Program Files/HIS')}/{g.pick(['web.config', 'app.config'])}",
            "decoy-portal-nosecret",
            role="decoy",
        )
        doc.add(
            "<configuration>",
            "  <appSettings>",
            '    <add key="BHYTPortalTitle" value="Cổng giám định BHYT" />',
            f'    <add key="PortalUrl" value="{_url(g)}" />',
            '    <add key="PortalPort" value="443" />',
            '    <add key="PasswordBHXH" value="" />',
            f'    <add key="PasswordMinLength" value="{g.r.randint(6, 12)}" />',
            '    <add key="lblMatKhauBHXH" value="Mật khẩu cổng BHXH" />',
            "  </appSettings>",
            "</configuration>",
        )
    elif choice == 3:
        doc = Doc(
            f"{g.folder('opt/lis', 'opt/pacs', 'etc/his')}/{g.pick(['lis.json', 'pacs.yml', 'mail.ini'])}",
            "decoy-other-system",
            role="decoy",
        )
        doc.add(
            "# Kết nối các hệ thống khác (không phải cổng BHXH). bhyt_enabled=true",
            f"smtp_password = {g.password()}",
            f"db_password = {g.password()}",
            f"lis_password = {g.password()}",
            f"pacs_pass = {g.password()}",
            f"ftp_password = {g.password()}",
            f"connection = Server={g.ip()};User Id=sa;Password={g.password()};",
        )
    elif choice == 4:
        doc = Doc(
            f"var/log/{g.pick(['his', 'app'])}/masked-{g.r.randint(1, 999)}.log",
            "decoy-masked-log",
            role="decoy",
        )
        for _ in range(g.r.randint(20, 60)):
            doc.add(
                f"2025-03-12 08:{g.r.randint(0, 59):02d}:00 INFO POST {_url(g)}/api/token/take username={g.user()} password={g.pick(['******', '***', '[REDACTED]', '<masked>'])} -> 200"
            )
    elif choice == 5:
        doc = Doc(
            f"var/lib/dpkg/info/{g.pick(['bhyt-tools', 'his-client', 'egw-sync'])}.md5sums",
            "decoy-checksums",
            role="decoy",
        )
        for _ in range(g.r.randint(10, 40)):
            doc.add(
                f"{g.hexid()}  usr/share/{g.pick(['doc', 'his', 'bhyt'])}/{g.pick(WORDS)}{g.r.randint(1, 99)}.gz"
            )
    elif choice == 6:
        doc = Doc(
            f"{g.folder('Users/dev/Documents/Postman', 'home/dev/postman')}/{g.pick(['BHXH', 'egw'])}.postman_environment.json",
            "decoy-api-client",
            role="decoy",
        )
        body = {
            "name": "BHXH",
            "values": [
                {"key": "baseUrl", "value": _url(g), "enabled": True},
                {"key": "username", "value": "{{bhxh_user}}", "enabled": True},
                {
                    "key": "password",
                    "value": g.pick(["{{bhxh_password}}", "", "<mat-khau>"]),
                    "enabled": True,
                },
            ],
        }
        doc.add(*json.dumps(body, indent=2).splitlines())
    elif choice == 7:
        doc = Doc(
            f"{g.folder('Backup', 'var/backups')}/thamso_{g.r.randint(1, 999)}.sql", "decoy-sql", role="decoy"
        )
        doc.encoding = g.pick(["utf-8", "utf-16-le-bom"])
        doc.add(
            f"INSERT [dbo].[HT_ThamSo] ([MaThamSo], [GiaTri]) VALUES (N'URL_BHXH', N'{_url(g)}')",
            "GO",
            f"INSERT [dbo].[HT_ThamSo] ([MaThamSo], [GiaTri]) VALUES (N'SMTP_PASSWORD', N'{g.password()}')",
            "GO",
            "INSERT [dbo].[HT_ThamSo] ([MaThamSo], [GiaTri]) VALUES (N'MATKHAU_BHXH', N'')",
            "GO",
            "INSERT [dbo].[HT_ThamSo] ([MaThamSo], [GiaTri]) VALUES (N'PORTAL_PORT', N'443')",
            "GO",
            "INSERT [dbo].[HT_ThamSo] ([MaThamSo], [GiaTri]) VALUES (N'BHXH_TIMEOUT', N'30')",
            "GO",
        )
    elif choice == 8:
        doc = Doc(f"var/log/nginx/his_access-{g.r.randint(1, 999)}.log", "decoy-log-internal", role="decoy")
        for _ in range(g.r.randint(30, 90)):
            doc.add(
                f'{g.ip()} - - [12/Mar/2025:08:00:{g.r.randint(10, 59)} +0700] "GET /his/login?user=nv{g.r.randint(1, 99)}&password={g.password()} HTTP/1.1" 302 0 "-" "Mozilla/5.0"'
                if g.chance(0.2)
                else f'{g.ip()} - - [12/Mar/2025:08:00:00 +0700] "GET /api/egw/KQNhanLichSuKCB2019?maThe=DN47{g.r.randint(10**10, 10**11 - 1)}&ngaySinh=1990 HTTP/1.1" 200 512 "-" "HIS/4.2"'
            )
    elif choice == 9:
        doc = Doc(
            f"{g.folder('opt/his/app', 'src')}/{g.pick(['bhyt_client.py', 'BhxhClient.cs', 'egw.js'])}",
            "decoy-code-reads",
            role="decoy",
        )
        doc.add(
            f"EGW_URL = '{_url(g)}/api/token/take'",
            "BHXH_USERNAME = os.environ['BHXH_USERNAME']",
            "BHXH_PASSWORD = os.getenv('BHXH_PASSWORD')",
            "password = hashlib.md5(BHXH_PASSWORD.encode()).hexdigest().upper()",
            "def get_bhxh_password():",
            "    return keyring.get_password('bhxh', BHXH_USERNAME)",
        )
    elif choice == 10:
        doc = Doc(f"home/{g.pick(['his', 'ketoan'])}/.netrc", "decoy-netrc", role="decoy")
        doc.add(
            f"machine ftp.benhvien.vn login backup password {g.password()}",
            f"machine {g.ip()} login admin password {g.password()}",
            "# egw.baohiemxahoi.gov.vn: dùng kho bí mật, không để ở đây",
        )
    elif choice == 11:
        doc = Doc(
            f"{g.folder('Scripts', 'HIS/Tools')}/{g.pick(['sync.ps1', 'guixml.bat'])}",
            "decoy-script-reads",
            role="decoy",
        )
        doc.add(
            "$pass = ConvertTo-SecureString $env:BHXH_PASS -AsPlainText -Force",
            "$cred = Get-Credential -UserName $env:BHXH_USER -Message 'Cổng BHXH'",
            f"Invoke-RestMethod -Uri '{_url(g)}/api/token/take' -Credential $cred",
            "set BHXH_PASS=%1",
        )
    elif choice == 12:
        doc = Doc(
            f"{g.folder('Users/ketoan/Desktop', 'srv/share')}/{g.pick(['huong_dan.xml', 'mau_bao_cao.xml'])}",
            "decoy-claim-like",
            role="decoy",
        )
        doc.add(
            '<?xml version="1.0"?>',
            "<HUONGDAN>",
            "  <MUC>Các bảng XML1 (TONG_HOP), XML2 (CHITIEU_CHITIET_THUOC) theo QĐ 130</MUC>",
            "</HUONGDAN>",
        )
    else:
        doc = Doc(
            f"{g.folder('opt/his', 'srv/his')}/{g.pick(['package-lock.json', 'yarn.lock.json'])}",
            "decoy-lockfile",
            role="decoy",
        )
        doc.add("{", '  "name": "his-bhyt-portal",', '  "packages": {')
        for i in range(g.r.randint(10, 30)):
            doc.add(
                f'    "node_modules/{g.pick(WORDS)}{i}": {{ "version": "1.{i}.0", "integrity": "sha512-{base64.b64encode(bytes(g.r.randrange(256) for _ in range(48))).decode()}" }},'
            )
        doc.add(
            f'    "node_modules/token-{g.hexid(6)}": {{ "resolved": "https://registry.npmjs.org/x", "password": false }}',
            "  }",
            "}",
        )
    return doc


def decoy_more(g: Gen, choice: int) -> Doc:
    if choice == 0:
        doc = Doc(
            f"{g.folder('etc/ansible/group_vars', 'opt/hisguard/inventories/prod/group_vars')}/{g.pick(['bhxh.yml', 'all.yml'])}",
            "decoy-vault",
            role="decoy",
        )
        doc.add(
            "bhxh_egw_username: " + g.user(), "bhxh_egw_password: !vault |", "  $ANSIBLE_VAULT;1.1;AES256"
        )
        for _ in range(5):
            doc.add("  " + g.hexid(64))
        doc.add("bhxh_egw_url: " + _url(g))
    elif choice == 1:
        doc = Doc(
            f"{g.folder('Users/nv/Downloads', 'home/nv')}/{g.pick(['his-login.har', 'lis.har'])}",
            "decoy-har-internal",
            role="decoy",
        )
        body = {
            "log": {
                "entries": [
                    {
                        "request": {
                            "method": "POST",
                            "url": f"http://{g.ip()}/his/api/login",
                            "postData": {"text": json.dumps({"username": "nv01", "password": g.password()})},
                        }
                    },
                    {
                        "request": {
                            "method": "GET",
                            "url": _url(g) + "/api/egw/KQNhanLichSuKCB2019?maThe=DN4797912345678",
                        },
                        "response": {"content": {"text": '{"maKetQua":"401"}'}},
                    },
                ]
            }
        }
        doc.add(*json.dumps(body, indent=2).splitlines())
    elif choice == 2:
        doc = Doc(
            f"{g.folder('Users/dev/Documents/Postman', 'home/dev/postman')}/{g.pick(['LIS', 'PACS', 'HIS-noibo'])}.postman_environment.json",
            "decoy-api-internal",
            role="decoy",
        )
        body = {
            "name": "LIS nội bộ",
            "values": [
                {"key": "baseUrl", "value": f"http://{g.ip()}:8080"},
                {"key": "username", "value": "lis"},
                {"key": "password", "value": g.password()},
                {"key": "bhyt_check", "value": "true"},
            ],
        }
        doc.add(*json.dumps(body, indent=2).splitlines())
    elif choice == 3:
        doc = Doc(f"{g.folder('opt/his', 'srv/his')}/docker-compose.yml", "decoy-compose", role="decoy")
        doc.add(
            "services:",
            "  his-api:",
            "    image: his/api:4.2",
            "    environment:",
            "      BHXH_EGW_USERNAME: ${BHXH_EGW_USERNAME}",
            "      BHXH_EGW_PASSWORD: ${BHXH_EGW_PASSWORD:?set it}",
            f"      BHXH_EGW_URL: {_url(g)}",
            f"      MYSQL_PASSWORD: {g.password()}",
            "    secrets:",
            "      - bhxh_password",
        )
    else:
        doc = Doc(
            f"{g.folder('var/www/his/assets/i18n', 'opt/his/web/lang')}/{g.pick(['vi.json', 'en.json'])}",
            "decoy-labels",
            role="decoy",
        )
        doc.add(
            "{",
            '  "bhxh": {',
            '    "MatKhau": "Mật khẩu",',
            '    "TaiKhoan": "Tài khoản",',
            '    "matKhauPlaceholder": "Nhập mật khẩu cổng BHXH",',
            '    "PasswordBHXH": "Mật khẩu BHXH",',
            '    "portalTitle": "Cổng giám định BHYT",',
            '    "loginError": "Sai tài khoản hoặc mật khẩu"',
            "  }",
            "}",
        )
    return doc


def filler(g: Gen, target: int) -> Doc:
    """Bulk that holds no anchor most of the time, and the portal's words without secrets sometimes."""
    kind = g.r.randrange(4)
    doc = Doc(
        f"{['var/log/his', 'opt/his/lib', 'var/backups', 'srv/data'][kind]}/bulk{g.r.randint(1, 10**6)}{['.log', '.py', '.sql', '.jsonl'][kind]}",
        "filler",
        role="filler",
    )
    size = 0
    while size < target:
        if kind == 0:
            text = (
                f"2025-03-12 09:{g.r.randint(0, 59):02d}:{g.r.randint(0, 59):02d} INFO [{g.pick(WORDS)}] {g.words(g.r.randint(5, 15))} the={g.r.randint(1, 10**6)}"
                + (" bhyt card ok" if g.chance(0.01) else "")
            )
        elif kind == 1:
            text = f"def {g.pick(WORDS)}_{g.r.randint(1, 999)}(self, value):\n    return self.{g.pick(WORDS)}(value)  # {g.words(6)}"
        elif kind == 2:
            text = f"INSERT INTO `{g.pick(WORDS)}` VALUES ({g.r.randint(1, 10**6)},'{g.words(3)}','{g.hexid(8)}',{g.r.random():.4f});"
        else:
            text = json.dumps({"id": g.r.randint(1, 10**6), "name": g.words(3), "value": g.r.random()})
        doc.add(text)
        size += len(text) + 1
    return doc


# ==== writing ======================================================================================


def _encode(lines: list[str], encoding: str) -> bytes:
    crlf = encoding.startswith("utf-16") or encoding == "utf-8-sig"
    text = ("\r\n" if crlf else "\n").join(lines) + ("\r\n" if crlf else "\n")
    if encoding == "utf-16-le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode("utf-8")


def generate(
    out: Path, seed: int, per_form: int = 6, filler_mb: int = 0, decoys_per_form: int = 3
) -> dict[str, int]:
    g = Gen(seed)
    tree = out / "tree"
    tree.mkdir(parents=True, exist_ok=True)
    truth: list[dict[str, object]] = []
    manifest: list[dict[str, object]] = []
    used: set[str] = set()
    written = 0

    def write(doc: Doc) -> None:
        nonlocal written
        rel = doc.rel
        while rel in used:
            head, _, tail = rel.rpartition("/")
            rel = f"{head}/d{g.r.randint(0, 99)}/{tail}" if head else f"d{g.r.randint(0, 99)}/{tail}"
        used.add(rel)
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = _encode(doc.lines, doc.encoding)
        path.write_bytes(data)
        written += len(data)
        manifest.append({"path": rel, "form": doc.form, "role": doc.role})
        for index, kind in doc.truth:
            truth.append(
                {"path": rel, "line": index + 1 if index >= 0 else 0, "kind": kind, "form": doc.form}
            )

    for _ in range(per_form):
        for form in POSITIVE_FORMS.values():
            write(form(g))
    for _ in range(per_form * decoys_per_form * 2):
        write(decoy(g))
    target = filler_mb * 1024 * 1024
    while written < target:
        write(filler(g, min(max(target - written, 2000), g.r.choice([4000, 30000, 200000, 1500000]))))
    (out / "truth.jsonl").write_text("".join(json.dumps(r) + "\n" for r in truth), encoding="utf-8")
    (out / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in manifest), encoding="utf-8")
    (out / "done").write_text(
        json.dumps({"seed": seed, "version": VERSION, "bytes": written}), encoding="utf-8"
    )
    return {"bytes": written, "positives": len(truth), "files": len(manifest)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--per-form", type=int, default=6)
    parser.add_argument("--filler-mb", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(generate(args.out, args.seed, args.per_form, args.filler_mb)))


if __name__ == "__main__":
    main()
