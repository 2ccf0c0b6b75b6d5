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
    # Forms from docs bhxh-portal.md that the first rules did not all cover.
    "env-export-quoted": (
        ".env",
        "export BHXH_EGW_USERNAME='75901_BV'\nexport BHXH_EGW_PASSWORD=\"Ex9!pw33\"\n",
        2,
        "password",
    ),
    "yaml-nested-bhyt": (
        "application.yml",
        "his:\n  integrations:\n    bhyt:\n      username: 75901_BV\n      password: 'Ym8#kk21'\n",
        5,
        "password",
    ),
    "appsettings-production": (
        "appsettings.Production.json",
        '{\n  "GiamDinh": {\n    "BHXH": {\n      "UserName": "75901_BV",\n      "PassWord": "'
        + MD5
        + '"\n    }\n  }\n}\n',
        5,
        "password_hash",
    ),
    "powershell-convertto-json": (
        "ConsoleHost_history.txt",
        "Invoke-RestMethod -Uri 'https://egw.baohiemxahoi.gov.vn/api/token/take' -Method Post -Body (@{username='75901_BV';password='"
        + MD5.lower()
        + "'} | ConvertTo-Json) -ContentType 'application/json'\n",
        1,
        "password_hash",
    ),
    "curl-user": (
        ".bash_history",
        "curl -u 75901_BV:Cu7!xx90 https://gdbhyt.baohiemxahoi.gov.vn/api/x\n",
        1,
        "password",
    ),
    "curl-user-quoted-long": (
        ".bash_history",
        "curl --user '75901_BV:Cu7!xx91' https://egw.baohiemxahoi.gov.vn/api/token/take\n",
        1,
        "password",
    ),
    "curl-header-password-hash": (
        "sync.sh",
        'curl -s -H "passwordHash: ' + MD5 + '" -H "tokenId: abc" "$URL/api/qd130/guiHoSoXmlQD4750"\n',
        1,
        "password_hash",
    ),
    "iis-log-query": (
        "u_ex250312.log",
        "2025-03-12 08:00:01 10.0.0.5 GET /api/egw/KQNhanLichSuKCB2024 username=75901_BV&password="
        + MD5.lower()
        + " 443 - 10.0.0.9 - 200 0 0 31\n",
        1,
        "password_hash",
    ),
    "sql-insert-column-list": (
        "backup.sql",
        "INSERT INTO `his_nhanvien` (`id`, `ten`, `api_bhxh_username`, `api_bhxh_password`) VALUES (1, 'A', '75901_BV', '"
        + MD5
        + "');\n",
        1,
        "password_hash",
    ),
    "config-row-properties": (
        "his.cfg",
        "HIS.CHECK_HEIN_CARD.BHXH.LOGIN.USER_PASS=75123_BV:Cf3!zz12\n",
        1,
        "password",
    ),
    "config-row-tab": (
        "config_export.tsv",
        "HIS.CHECK_HEIN_CARD.BHXH.LOGIN.USER_PASS\t75123_BV:Cf3!zz13\n",
        1,
        "password",
    ),
    "config-row-csv": (
        "config_export.csv",
        "12,HIS.CHECK_HEIN_CARD.BHXH.LOGIN.USER_PASS,75123_BV:Cf3!zz14,1\n",
        1,
        "password",
    ),
    "config-row-client-table": (
        "query.txt",
        "| 12 | HIS.CHECK_HEIN_CARD.BHXH.LOGIN.USER_PASS | 75123_BV:Pp1!tt22 |\n",
        1,
        "password",
    ),
    "csv-export-header": (
        "dm_congty.csv",
        "id,ten,UserNameBHXH,PasswordBHXH\n1,BV A,75901_BV,Aa1!bb22\n2,BV B,,\n",
        2,
        "password",
    ),
    "systemd-environment": (
        "his.service",
        '[Service]\nEnvironment="BHXH_EGW_PASSWORD=Sd1#ff78"\n',
        2,
        "password",
    ),
    "python-settings-double-quotes": (
        "settings.py",
        'USERNAME_THONG_TUYEN_BHYT = "75901_BV"\nPASSWORD_THONG_TUYEN_BHYT = "Py2@tt55"\n',
        2,
        "password",
    ),
    "csharp-const-passwordbhyt": (
        "Config.cs",
        'public class Cfg {\n    const string PassWordBHYT = "Cs2#pw11";\n}\n',
        2,
        "password",
    ),
    "vb-dim": ("Module1.vb", 'Dim MatKhauBHXH As String = "Vb2#dm11"\n', 1, "password"),
    "php-define": ("config.php", "<?php\ndefine('BHXH_PASSWORD', 'Pd2#df11');\n", 2, "password"),
    "js-const-next-to-egw": (
        "api.js",
        "const EGW_URL = 'https://egw.baohiemxahoi.gov.vn/api/token/take';\nconst bhxhPassword = \"Js2#cp11\";\n",
        2,
        "password",
    ),
    "md5-of-literal-python": (
        "tra_cuu.py",
        'URL = "https://egw.baohiemxahoi.gov.vn/api/token/take"\n'
        'r = requests.post(URL, json={"username": "75901_BV", "password": hashlib.md5("Abc@1234".encode()).hexdigest()})\n',
        2,
        "password",
    ),
    "md5-of-literal-csharp": (
        "Bhxh.cs",
        'var body = new { username = "75901_BV", password = GetMD5("Abc@1236") };\n',
        1,
        "password",
    ),
    "md5-of-literal-php": (
        "bhxh.php",
        "<?php\n$data = ['username' => '75901_BV', 'password' => md5('Abc@1237')];\n",
        2,
        "password",
    ),
    "wget-post-data": (
        ".bash_history",
        'wget --post-data=\'{"username":"75901_BV","password":"Wg1#aa17"}\' https://egw.baohiemxahoi.gov.vn/api/token/take\n',
        1,
        "password",
    ),
    "password-that-starts-like-a-placeholder": (
        ".env",
        "BHXH_EGW_USERNAME=75901_BV\nBHXH_EGW_PASSWORD=MyPass@2024\n",
        2,
        "password",
    ),
    "url-user-info": (
        "sync.conf",
        "url=https://75901_BV:Ui1#aa25@gdbhyt.baohiemxahoi.gov.vn/\n",
        1,
        "password",
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
    "placeholder-words": (
        ".env",
        "BHXH_EGW_PASSWORD=nhap_mat_khau\nBHXH_PASSWORD=YOUR_BHXH_PASSWORD\nBHYT_PASSWORD=REDACTED\nBHXH_TOKEN=my-token\n",
    ),
    "package-lock-integrity": (
        "package-lock.json",
        '{\n  "packages": {\n    "node_modules/bhxh-client": {\n      "version": "1.0.0",\n'
        '      "integrity": "sha512-abcdefABCDEF0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789abcdef=="\n'
        "    }\n  }\n}\n",
    ),
    "git-object-id": ("packed-refs", MD5.lower() + "a94a8fe5 refs/heads/bhxh-egw-password\n"),
    "checksum-in-log": ("update.log", "2025-03-12 downloaded bhxh-client.zip md5=" + MD5.lower() + "\n"),
    "template-in-compose": (
        "docker-compose.yml",
        "services:\n  his:\n    environment:\n      BHXH_PASSWORD: ${BHXH_PASSWORD}\n      password: ${BHXH_PASSWORD}\n",
    ),
    "empty-and-masked-json": (
        "appsettings.Production.json",
        '{"BHXH": {"Username": "", "Password": ""}, "Bhyt": {"Username": "75901_BV", "Password": "******"}}\n',
    ),
    "null-json": ("appsettings.json", '{"BHXH": {"Password": null}}\n'),
    "ansible-vault-file": (
        "vault.yml",
        "$ANSIBLE_VAULT;1.1;AES256\n62313365396662343061393464336163383764373764613633653634306231386433626436623361\n",
    ),
    "curl-from-environment": (
        ".bash_history",
        'curl -u "$BHXH_USER:$BHXH_PASS" https://egw.baohiemxahoi.gov.vn/api/token/take\n'
        'curl -H "passwordHash: $PASSWORD_HASH" https://egw.baohiemxahoi.gov.vn/api/qd130/guiHoSoXmlQD130\n',
    ),
    "php-define-getenv": ("config.php", "<?php\ndefine('BHXH_PASSWORD', getenv('BHXH_PASSWORD'));\n"),
    "csharp-config-read": (
        "Cfg.cs",
        'const string PassWordBHYT = ConfigurationManager.AppSettings["PassWordBHYT"];\n',
    ),
    "csv-header-only": ("cols.tsv", "id\tUserNameBHXH\tPasswordBHXH\tMatKhauLienThongTTCSKCB\n"),
    "csv-no-portal": ("users.csv", "id,username,password\n1,admin,Ad1!xx99\n"),
    "generic-db-smtp-python": ("settings.py", 'DB_PASSWORD = "Db1!aa22"\nEMAIL_HOST_PASSWORD = "Sm1!bb33"\n'),
    "md5-of-variable-or-file": (
        "sync.py",
        'PASSWORD_BHXH = hashlib.md5(os.environ["BHXH_PASSWORD"].encode()).hexdigest()\n'
        'BHXH_CHECKSUM = hashlib.md5(open("bhxh.zip", "rb").read()).hexdigest()\n',
    ),
    "database-url-under-a-bhxh-key": (
        ".env",
        "BHXH_DB_URL=postgres://his:Db1@xx99@db/his\nBHXH_EGW_USERNAME=75901_BV\n",
    ),
    "api-documentation-example": (
        "openapi.yml",
        "paths:\n  /api/token/take:\n    post:\n      requestBody:\n        content:\n          application/json:\n"
        "            example:\n              username: string\n              password: string\n",
    ),
    "login-form-html": (
        "login.html",
        '<label for="password">Mật khẩu BHXH</label><input type="password" name="password" value="" placeholder="Mật khẩu">'
        ' <a href="https://gdbhyt.baohiemxahoi.gov.vn">\n',
    ),
    "yaml-flow-list-under-portal-block": (
        "docker-compose.yml",
        "services:\n  bhxh:\n    environment:\n      BHXH_EGW_USERNAME: 75901_BV\n    secrets: [bhxh_token]\n",
    ),
    "iis-empty-query-values": (
        "u_ex250312.log",
        "2025-03-12 08:00:01 10.0.0.5 GET /api/egw/NhanLichSuKCB2018 token=-&username=-&password=- 443 - 10.0.0.9 HIS/1.0 401\n",
    ),
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
