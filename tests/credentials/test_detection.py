# ruff: noqa: E501  (sample file contents and log lines are kept whole on one line)
"""Each rule family finds its positives and stays silent on its decoys."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.credentials.helpers import scan, secrets, spots, write

MD5 = "E10ADC3949BA59ABBE56E057F20F883E"

POSITIVES = {
    "xml-add-key": (
        "web.config",
        '<appSettings>\n  <add key="PasswordBHXH" value="Zx9#kq2m" />\n</appSettings>\n',
        2,
        "password",
    ),
    "xml-setting-next-line": (
        "user.config",
        '<setting name="PassWordBHYT" serializeAs="String">\n  <value>Qw7!pl0s</value>\n</setting>\n',
        2,
        "password",
    ),
    "xml-element-parent": ("CauHinh.xml", "<BHXH>\n  <MatKhau>Kp8@zz11</MatKhau>\n</BHXH>\n", 2, "password"),
    "json-nested": (
        "appsettings.json",
        '{\n  "Integrations": {\n    "BHXH": {\n      "Username": "75901_BV",\n      "Password": "'
        + MD5
        + '"\n    }\n  }\n}\n',
        5,
        "password_hash",
    ),
    "yaml-parent": (
        "config.yml",
        "bhxh:\n  url: https://egw.baohiemxahoi.gov.vn\n  password: Hn3$kd92\n",
        3,
        "password",
    ),
    "ini-section": ("his.ini", "[BHYT]\nTaiKhoan=75901_BV\nMatKhau=Tt6%rr45\n", 3, "password"),
    "env": (".env", "BHXH_EGW_USERNAME=75901_BV\nBHXH_EGW_PASSWORD=Lm2&vb88\n", 2, "password"),
    "properties-userpass": (
        "his.properties",
        "HIS.CHECK_HEIN_CARD.BHXH.LOGIN.USER_PASS=75901_BV:Pq4*hh70\n",
        1,
        "password",
    ),
    "python": (
        "settings.py",
        "USERNAME_THONG_TUYEN_BHYT = '75901_BV'\nPASSWORD_THONG_TUYEN_BHYT = 'Yu5^tt31'\n",
        2,
        "password",
    ),
    "csharp": ("Bhxh.cs", 'public const string PasswordBHXH = "Cs7&yy21";\n', 1, "password"),
    "vb": ("GiamDinh.vb", 'Public Const MatKhauBHXH As String = "Vb3!ww56"\n', 1, "password"),
    "php": (
        "config.php",
        "<?php\nreturn [\n  'bhxh' => [\n    'password' => 'Ph9@qq12',\n  ],\n];\n",
        4,
        "password",
    ),
    "js-object": (
        "bhxh.config.js",
        "module.exports = {\n  bhxh: {\n    password: 'Js4#ee77',\n  },\n};\n",
        3,
        "password",
    ),
    "sql-key-row": (
        "dump.sql",
        "INSERT INTO cau_hinh (ma, gia_tri) VALUES ('HIS.CHECK_HEIN_CARD.BHXH.LOGIN.USER_PASS', '75901_BV:Sq1!aa90');\n",
        1,
        "password",
    ),
    "query-string": (
        "access.log",
        "GET /api/egw/NhanLichSuKCB2018?token=abcdefgh12345678&username=75901_BV&password="
        + MD5.lower()
        + " 200\n",
        1,
        "token",
    ),
    "qd130-headers": (
        "app.log",
        "POST /api/qd130/guiHoSoXmlQD130 passwordHash=" + MD5 + "\n",
        1,
        "password_hash",
    ),
    "curl": (
        ".bash_history",
        'curl -X POST https://egw.baohiemxahoi.gov.vn/api/token/take -d \'{"username":"75901_BV","password":"'
        + MD5
        + "\"}'\n",
        1,
        "password_hash",
    ),
    "powershell": (
        "ConsoleHost_history.txt",
        "$b = @{ username = '75901_BV'; password = 'Ps6$rr11' }; Invoke-RestMethod -Uri https://egw.baohiemxahoi.gov.vn/api/token/take -Body $b\n",
        1,
        "password",
    ),
    "cookie-jar": (
        "cookies.txt",
        "# Netscape HTTP Cookie File\n#HttpOnly_gdbhyt.baohiemxahoi.gov.vn\tFALSE\t/\tTRUE\t0\tASP.NET_SessionId\tabcdef0123456789abcd\n",
        2,
        "session",
    ),
    "token-cache": (
        "token.json",
        '{"maKetQua":"200","APIKey":{"access_token":"eyJhbGciOiJIUzI1NiJ9.abcdefghijklmnop.qrstuvwxyz0123456789","username":"75901_BV"}}\n',
        1,
        "token",
    ),
}


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_positive_is_found(tmp_path: Path, name: str) -> None:
    file_name, text, line, kind = POSITIVES[name]
    write(tmp_path, file_name, text)
    assert (file_name, line, kind) in spots(tmp_path)


DECOYS = {
    "placeholders": (
        "appsettings.json",
        '{"BHXH": {"Password": "${BHXH_PASSWORD}", "Token": "<mat-khau>", "ApiKey": "changeme", "Secret": "", "PasswordHash": "****"}}\n',
    ),
    "env-reads-python": (
        "bhxh.py",
        "import os\nBHXH_PASSWORD = os.environ['BHXH_PASSWORD']\npassword = os.getenv('X')\n",
    ),
    "env-reads-js": ("bhxh.ts", "export const bhxh = { password: process.env.VITE_BHXH_PASSWORD };\n"),
    "env-reads-csharp": (
        "Bhxh.cs",
        'var PasswordBHXH = Environment.GetEnvironmentVariable("BHXH_PASSWORD");\n',
    ),
    "vault-template": ("vars.yml", 'bhxh_password: "{{ vault_bhxh_password }}"\n'),
    "vault-ciphertext": ("vault.yml", "bhxh_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6231323334\n"),
    "masked-log": ("egw.log", "GET /api/egw/NhanLichSuKCB2018?token=***&username=***&password=*** 200\n"),
    "dpkg-md5sums": ("his-bhxh.md5sums", MD5.lower() + "  usr/share/his-bhxh/client.py\n"),
    "etag-uuid-objectid": (
        "egw2.log",
        "egw.baohiemxahoi.gov.vn etag="
        + MD5.lower()
        + " requestId=123e4567-e89b-12d3-a456-426614174000 _id=5f2b1c\n",
    ),
    "db-password-next-to-portal": (
        "appsettings.json",
        '{\n  "Database": {\n    "Password": "DbPass123"\n  },\n  "BHXH": {\n    "Url": "https://egw.baohiemxahoi.gov.vn"\n  }\n}\n',
    ),
    "labels": ("vi.json", '{"lblPasswordBHXH": "Mật khẩu BHXH", "PasswordBHXHMinLength": 8}\n'),
    "no-portal-context": ("mail.ini", "[smtp]\npassword=Mail12345\n[mysql]\npassword=Root12345\n"),
    "connection-string": (
        "web.config",
        '<add name="HIS" connectionString="Data Source=db;Initial Catalog=HIS_BHYT;User ID=sa;Password=Sa123456" />\n',
    ),
    "docs": ("README.md", "Set BHXH_EGW_PASSWORD=<mat-khau> or BHXH_EGW_PASSWORD=your_password_here\n"),
}


@pytest.mark.parametrize("name", sorted(DECOYS))
def test_decoy_is_silent(tmp_path: Path, name: str) -> None:
    file_name, text = DECOYS[name]
    write(tmp_path, file_name, text)
    assert secrets(tmp_path) == []


def test_sql_columns_copy_and_schema(tmp_path: Path) -> None:
    write(
        tmp_path,
        "his.sql",
        "\n".join(
            [
                "CREATE TABLE `dm_congty` (",
                "  `id` int,",
                "  `UserNameBHXH` varchar(50),",
                "  `PasswordBHXH` varchar(50),",
                "  `MatKhauLienThongTTCSKCB` varchar(50)",
                ");",
                "INSERT INTO `dm_congty` VALUES (1,'75901_BV','Aa1!bb22','Cc3!dd44');",
                "CREATE TABLE `nguoi_dung` (`id` int, `ten_dang_nhap` varchar(50), `mat_khau` varchar(64));",
                "INSERT INTO `nguoi_dung` VALUES (1,'admin','" + MD5 + "');",
                "COPY public.nhan_vien (id, ho_ten, api_bhxh_username, api_bhxh_password) FROM stdin;",
                "1\tNguyen A\t75901_BV\t" + MD5,
                "2\tTran B\t\\N\t\\N",
                "\\.",
                "",
            ]
        ),
    )
    assert {line for _, line, _ in spots(tmp_path)} == {7, 11}


def test_minified_bundle_reports_line_and_column(tmp_path: Path) -> None:
    prefix = "function a(e){return e+1};" * 20000
    text = (
        "/*! app */\n" + prefix + 'const e={VITE_BHXH_USERNAME:"75901_BV",VITE_BHXH_PASSWORD:"Mb5!xx90"};\n'
    )
    write(tmp_path, "www/assets/index.js", text)
    found = secrets(tmp_path)
    assert len(found) == 1
    column = len(prefix) + len('const e={VITE_BHXH_USERNAME:"75901_BV",VITE_BHXH_PASSWORD:"') + 1
    assert (found[0].line, found[0].column) == (2, column)


def test_other_checks_plain_http_tls_automation(tmp_path: Path) -> None:
    write(
        tmp_path,
        "client.py",
        "\n".join(
            [
                "import requests",
                "from playwright.sync_api import sync_playwright",
                "URL = 'http://egw.baohiemxahoi.gov.vn/api/token/take'",
                "requests.post(URL, verify=False)",
                "page.goto('https://gdbhyt.baohiemxahoi.gov.vn')",
                "",
            ]
        ),
    )
    kinds = {o.kind for o in scan(tmp_path).observations}
    assert {"plain_http", "tls_disabled", "automation"} <= kinds
