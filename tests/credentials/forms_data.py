# ruff: noqa: E501  (sample file contents and log lines are kept whole on one line)
"""Samples of the forms facilities really leave portal credentials in, and of look-alikes that are not.

Each positive is (relative path, content, {(line, kind), ...}): exactly these secrets must be found.
Each decoy is (relative path, content): nothing may be found. Every value is invented.
"""

from __future__ import annotations

import base64
import json

MD5 = "5F4DCC3B5AA765D61D8327DEB882CF99"
MD5_LOW = "0d107d09f5bbe40cade3de5c71e9e9b7"
JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyIjoiNzUxMjNfQlYifQ.k3Pq9vX2mN7sL1aB4cD6eF8gH0jK2lM4nO6pQ8rS0tU"
BASIC = base64.b64encode(b"75123_BV:Hx7!pq29").decode()

SSMS_KV = """USE [HIS_BVDK]
GO
/****** Object:  Table [dbo].[HT_ThamSo]    Script Date: 03/12/2025 08:14:22 ******/
SET ANSI_NULLS ON
GO
INSERT [dbo].[HT_ThamSo] ([MaThamSo], [TenThamSo], [GiaTri], [GhiChu]) VALUES (N'URL_BHXH', N'Địa chỉ cổng giám định', N'https://egw.baohiemxahoi.gov.vn', NULL)
GO
INSERT [dbo].[HT_ThamSo] ([MaThamSo], [TenThamSo], [GiaTri], [GhiChu]) VALUES (N'USER_BHXH', N'Tài khoản cổng giám định', N'75123_BV', NULL)
GO
INSERT [dbo].[HT_ThamSo] ([MaThamSo], [TenThamSo], [GiaTri], [GhiChu]) VALUES (N'MATKHAU_BHXH', N'Mật khẩu cổng giám định', N'Gd7#mk42', NULL)
GO
INSERT [dbo].[HT_ThamSo] ([MaThamSo], [TenThamSo], [GiaTri], [GhiChu]) VALUES (N'SO_NGAY_LUU', N'Số ngày lưu', N'30', NULL)
GO
"""

SSMS_COLUMNS = (
    """SET IDENTITY_INSERT [dbo].[DM_CongTy] ON
GO
INSERT [dbo].[DM_CongTy] ([ID], [TenCongTy], [MaCSKCB], [UserNameBHXH], [PasswordBHXH], [MatKhauLienThongTTCSKCB]) VALUES (1, N'Bệnh viện Đa khoa huyện', N'75123', N'75123_BV', N'"""
    + MD5
    + """', N'Lt9@xx31')
GO
SET IDENTITY_INSERT [dbo].[DM_CongTy] OFF
GO
"""
)

SSMS_CODE_VALUE = (
    """INSERT INTO [dbo].[SYS_CONFIG] ([code], [value], [description]) VALUES (N'BHYT_API_USERNAME', N'75123_PK', N'Tài khoản gọi API giám định')
INSERT INTO [dbo].[SYS_CONFIG] ([code], [value], [description]) VALUES (N'BHYT_API_PASSWORD', N'"""
    + MD5_LOW
    + """', N'MD5 mật khẩu')
INSERT INTO [dbo].[SYS_CONFIG] ([code], [value], [description]) VALUES (N'SMTP_PASSWORD', N'Mail#2024x', N'Mật khẩu thư')
"""
)

PG_COPY = """--
-- PostgreSQL database dump
--
COPY public.sys_parameter (id, param_code, param_value, note) FROM stdin;
1\tBHXH_GATEWAY_URL\thttps://egw.baohiemxahoi.gov.vn/api/token/take\t\\N
2\tBHXH_USER\t75123_BV\t\\N
3\tBHXH_PASS\tPg4$ww81\t\\N
4\tDB_BACKUP_PASS\tNotPortal99\t\\N
\\.
"""

MYSQL_EXTENDED = """CREATE TABLE `tbl_cauhinh` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `ten_tham_so` varchar(100) NOT NULL,
  `gia_tri` text,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `tbl_cauhinh` VALUES (1,'tendangnhap_bhxh','75123_BV'),(2,'matkhau_bhxh','My3%sq77'),(3,'so_ban_in','2');
"""

POSTMAN_ENV = json.dumps(
    {
        "id": "4f1c2a9e-0000-4000-8000-000000000001",
        "name": "BHXH giám định - production",
        "values": [
            {"key": "baseUrl", "value": "https://egw.baohiemxahoi.gov.vn", "enabled": True},
            {"key": "username", "value": "75123_BV", "enabled": True},
            {"key": "password", "value": MD5, "enabled": True},
            {"key": "access_token", "value": JWT, "enabled": True},
        ],
        "_postman_variable_scope": "environment",
    },
    indent=2,
)

POSTMAN_COLLECTION = json.dumps(
    {
        "info": {
            "name": "Cổng BHXH",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "item": [
            {
                "name": "Lấy token",
                "request": {
                    "method": "POST",
                    "header": [{"key": "Content-Type", "value": "application/json"}],
                    "body": {"mode": "raw", "raw": '{"username":"75123_BV","password":"' + MD5_LOW + '"}'},
                    "url": {
                        "raw": "https://egw.baohiemxahoi.gov.vn/api/token/take",
                        "host": ["egw", "baohiemxahoi", "gov", "vn"],
                    },
                },
            }
        ],
    },
    indent=2,
)

HAR = json.dumps(
    {
        "log": {
            "version": "1.2",
            "entries": [
                {
                    "request": {
                        "method": "POST",
                        "url": "https://egw.baohiemxahoi.gov.vn/api/token/take",
                        "headers": [{"name": "Content-Type", "value": "application/json"}],
                        "postData": {
                            "mimeType": "application/json",
                            "text": '{"username":"75123_BV","password":"' + MD5 + '"}',
                        },
                    },
                    "response": {
                        "status": 200,
                        "content": {"text": '{"maKetQua":"200","APIKey":{"access_token":"' + JWT + '"}}'},
                    },
                }
            ],
        }
    },
    indent=2,
)

NOTEBOOK = json.dumps(
    {
        "cells": [
            {
                "cell_type": "markdown",
                "metadata": {},
                "source": ["# Tra cứu lịch sử KCB qua cổng giám định BHYT"],
            },
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": 1,
                "outputs": [],
                "source": [
                    "import requests\n",
                    "url = 'https://egw.baohiemxahoi.gov.vn/api/token/take'\n",
                    "payload = {'username': '75123_BV', 'password': '" + MD5_LOW + "'}\n",
                    "r = requests.post(url, json=payload)\n",
                ],
            },
        ],
        "metadata": {"kernelspec": {"name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    },
    indent=1,
)

POSITIVES: dict[str, tuple[str, str | bytes, set[tuple[int, str]]]] = {
    # --- SQL Server scripts as SSMS writes them ---------------------------------------------------
    "ssms-key-value": ("script/HT_ThamSo.sql", SSMS_KV, {(10, "password")}),
    "ssms-columns": ("script/DM_CongTy.sql", SSMS_COLUMNS, {(3, "password_hash"), (3, "password")}),
    "ssms-code-value": ("script/sys_config.sql", SSMS_CODE_VALUE, {(2, "password_hash")}),
    "ssms-utf16": (
        "script/HT_ThamSo_utf16.sql",
        b"\xff\xfe" + SSMS_KV.replace("\n", "\r\n").encode("utf-16-le"),
        {(10, "password")},
    ),
    "pg-copy-kv": ("backup/his.sql", PG_COPY, {(7, "password")}),
    "mysql-extended-kv": ("backup/his_mysql.sql", MYSQL_EXTENDED, {(7, "password")}),
    # --- key names with "Portal" and Vietnamese without diacritics --------------------------------
    "portal-key-camel": (
        "Config/his.config",
        '<appSettings>\n  <add key="BHYTPortalUser" value="75123_BV" />\n  <add key="BHYTPortalPassword" value="Pt8!ab64" />\n</appSettings>\n',
        {(3, "password")},
    ),
    "portal-json-cccd": (
        "tool/config.json",
        '{\n  "portal_url": "https://gdbhyt.baohiemxahoi.gov.vn",\n  "portal_user": "079201001234",\n  "portal_pass": "Cc5@lo90",\n  "headless": true\n}\n',
        {(4, "password")},
    ),
    "vn-mat-khau-snake": (
        "his/thongtuyen.ini",
        "[cong_bhxh]\nten_dang_nhap=75123_BV\nmat_khau=Vn2#tt66\n",
        {(3, "password")},
    ),
    "vn-matkhaubhxh": (
        "cau_hinh.properties",
        "TenDangNhapBHXH=75123_BV\nMatKhauBHXH=Vn3$uu71\n",
        {(2, "password")},
    ),
    "vn-taikhoan-kebab": (
        "config.yml",
        "bhxh:\n  tai-khoan: 75123_BV\n  mat-khau: 'Vn4%ii12'\n",
        {(3, "password")},
    ),
    # --- combined values, other suffixes, citizen id ------------------------------------------------
    "userpass-pipe": (
        "app.config",
        '<appSettings>\n  <add key="TaiKhoanBHXH" value="75123_BV|Cb6^pp23" />\n</appSettings>\n',
        {(2, "password")},
    ),
    "userpass-slash": (".env", "BHXH_ACCOUNT=75123_BV/Cb7&qq34\n", {(1, "password")}),
    "userpass-colon-tc": ("his.conf", "bhyt_login = 75123_TC:Cb8*rr45\n", {(1, "password")}),
    "suffix-pk": (
        "config.json",
        '{\n  "egwUrl": "https://egw.baohiemxahoi.gov.vn",\n  "user": "75123_PK",\n  "pass": "Sf1!zz90"\n}\n',
        {(4, "password")},
    ),
    "cccd-user": (
        "settings.py",
        "GDBHYT_URL = 'https://gdbhyt.baohiemxahoi.gov.vn'\nUSER = '079201001234'\nPASSWORD = 'Cd2@yy81'\n",
        {(3, "password")},
    ),
    # --- getters and constants ----------------------------------------------------------------------
    "java-getter": (
        "src/main/java/vn/his/InsuranceConfig.java",
        'public class InsuranceConfig {\n    private static final String URL = "http://egw.baohiemxahoi.gov.vn/api/token/take";\n    public String getInsuranceUsername() { return "75123_BV"; }\n    public String getInsurancePassword() {\n        return "'
        + MD5
        + '";\n    }\n}\n',
        {(5, "password_hash")},
    ),
    "java-static-final": (
        "src/BhxhConst.java",
        'public final class BhxhConst {\n    public static final String BHXH_PASSWORD = "Jv4#kk09";\n}\n',
        {(2, "password")},
    ),
    "csharp-const": (
        "GiamDinh/Constants.cs",
        'namespace HIS.GiamDinh {\n  public static class Constants {\n    public const string UserBHYT = "75123_BV";\n    public const string PassBHYT = "Cs9!ll20";\n  }\n}\n',
        {(4, "password")},
    ),
    "php-define": (
        "config/bhyt.php",
        "<?php\ndefine('BHYT_USERNAME', '75123_BV');\ndefine('BHYT_PASSWORD', '" + MD5_LOW + "');\n",
        {(3, "password_hash")},
    ),
    "js-export-const": (
        "src/config/bhxh.ts",
        "export const BHXH_USER = '75123_BV';\nexport const BHXH_PASS = 'Ts5$mm31';\n",
        {(2, "password")},
    ),
    "python-getter": ("his/bhyt.py", "def get_bhxh_password():\n    return 'Py6%nn42'\n", {(2, "password")}),
    # --- netrc, batch, PowerShell -------------------------------------------------------------------
    "netrc": (
        "home/his/.netrc",
        "machine egw.baohiemxahoi.gov.vn login 75123_BV password Nr7^oo53\nmachine ftp.example.vn login backup password Ftp#0001\n",
        {(1, "password")},
    ),
    "netrc-multiline": (
        "home/his/_netrc",
        "machine gdbhyt.baohiemxahoi.gov.vn\n  login 75123_BV\n  password Nr8&pp64\n",
        {(3, "password")},
    ),
    "batch-set": (
        "scripts/guixml.bat",
        "@echo off\nset BHXH_USER=75123_BV\nset BHXH_PASS=Bt9*qq75\ncurl -X POST https://egw.baohiemxahoi.gov.vn/api/token/take\n",
        {(3, "password")},
    ),
    "batch-set-quoted": (
        "scripts/dongbo.cmd",
        '@echo off\r\nset "MATKHAU_BHYT=Bt1!rr86"\r\n',
        {(2, "password")},
    ),
    "ps-pscredential": (
        "scripts/Sync-Bhxh.ps1",
        '$user = "75123_BV"\n$pass = ConvertTo-SecureString "Ps2@ss97" -AsPlainText -Force\n$cred = New-Object System.Management.Automation.PSCredential($user, $pass)\nInvoke-RestMethod -Uri "https://egw.baohiemxahoi.gov.vn/api/token/take" -Credential $cred\n',
        {(2, "password")},
    ),
    "ps-securestring-inline": (
        "scripts/token.ps1",
        "$cred = New-Object PSCredential('75123_BV', (ConvertTo-SecureString 'Ps3#tt08' -AsPlainText -Force))\n# gdbhyt.baohiemxahoi.gov.vn\n",
        {(1, "password")},
    ),
    # --- HTTP archives, API clients, notebooks -----------------------------------------------------
    "har": ("Downloads/egw.baohiemxahoi.gov.vn.har", HAR, {(17, "password_hash"), (23, "token")}),
    "postman-env": (
        "Documents/Postman/BHXH.postman_environment.json",
        POSTMAN_ENV,
        {(17, "password_hash"), (22, "token")},
    ),
    "postman-collection": (
        "Documents/BHXH.postman_collection.json",
        POSTMAN_COLLECTION,
        {(19, "password_hash")},
    ),
    "notebook": ("notebooks/tra_cuu.ipynb", NOTEBOOK, {(18, "password_hash")}),
    # --- logs ------------------------------------------------------------------------------------
    "nginx-combined": (
        "var/log/nginx/access.log",
        '10.1.2.3 - - [03/Dec/2025:08:01:02 +0700] "GET /api/egw/KQNhanLichSuKCB2024?token='
        + JWT
        + "&id_token="
        + JWT[::-1].replace(".", "x")
        + "&username=75123_BV&password="
        + MD5_LOW
        + ' HTTP/1.1" 200 512 "-" "HIS/4.2"\n',
        {(1, "token"), (1, "password_hash")},
    ),
    "squid": (
        "var/log/squid/access.log",
        "1733200000.123    145 10.1.2.9 TCP_MISS/200 1024 GET http://egw.baohiemxahoi.gov.vn/api/egw/NhanLichSuKCB2018?token="
        + JWT
        + "&username=75123_BV&password="
        + MD5
        + " - HIER_DIRECT/203.0.113.5 application/json\n",
        {(1, "token"), (1, "password_hash")},
    ),
    "log-form-body": (
        "logs/his-app.log",
        "2025-12-03 08:00:01,123 DEBUG [http] POST https://egw.baohiemxahoi.gov.vn/api/token/take body=username=75123_BV&password="
        + MD5_LOW
        + "\n",
        {(1, "password_hash")},
    ),
    "log-json-line": (
        "logs/app.json.log",
        '{"ts":"2025-12-03T08:00:01Z","level":"debug","url":"https://egw.baohiemxahoi.gov.vn/api/token/take","body":{"username":"75123_BV","password":"'
        + MD5
        + '"}}\n',
        {(1, "password_hash")},
    ),
    "log-bearer": (
        "logs/gateway.log",
        '2025-12-03 08:00:02 INFO -> POST https://egw.baohiemxahoi.gov.vn/api/qd130/guiHoSoXmlQD130 headers={"Authorization": "Bearer '
        + JWT
        + '"}\n',
        {(1, "token")},
    ),
    "log-basic": (
        "logs/proxy.log",
        "2025-12-03 08:00:03 upstream=egw.baohiemxahoi.gov.vn Authorization: Basic " + BASIC + "\n",
        {(1, "password")},
    ),
    # --- key words that join tokens, vendor words for the insurance --------------------------------
    "mk-thong-tuyen": (
        "opt/his/settings.py",
        "THONG_TUYEN_TAI_KHOAN = '75123_BV'\nMK_THONG_TUYEN = 'Mk5!tt20'\n",
        {(2, "password")},
    ),
    "baohiem-kv-mysql": (
        "backup/cfg.sql",
        "CREATE TABLE `config` (\n  `id` int NOT NULL,\n  `ma` varchar(100),\n  `gia_tri` text\n);\nINSERT INTO `config` VALUES (1,'tai_khoan_bao_hiem','079201001234'),(2,'mat_khau_bao_hiem','Bh6@kk31');\n",
        {(6, "password")},
    ),
    "pipe-unquoted-env": (
        "opt/his/bhxh.env",
        "BHXH_URL=https://egw.baohiemxahoi.gov.vn\nLOGINBHXH=75123_BV|Pi7#uu42\n",
        {(2, "password")},
    ),
    "notebook-short-key": (
        "nb/t.ipynb",
        json.dumps(
            {
                "cells": [
                    {
                        "source": [
                            "URL = 'https://egw.baohiemxahoi.gov.vn/api/token/take'\n",
                            "pw = '" + MD5 + "'\n",
                        ]
                    }
                ]
            },
            indent=1,
        ),
        {(6, "password_hash")},
    ),
    "har-entry-url-decides": (
        "Downloads/loi.har",
        json.dumps(
            {
                "log": {
                    "entries": [
                        {
                            "request": {
                                "url": "https://egw.baohiemxahoi.gov.vn/api/token/take",
                                "headers": [],
                                "postData": {
                                    "text": json.dumps({"username": "079201001234", "password": MD5})
                                },
                            }
                        }
                    ]
                }
            },
            indent=2,
        ),
        {(9, "password_hash")},
    ),
    # --- more log layouts and API clients ----------------------------------------------------------
    "iis-w3c": (
        "inetpub/logs/LogFiles/W3SVC1/u_ex251203.log",
        "#Software: Microsoft Internet Information Services 10.0\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status\n2025-12-03 08:00:01 10.0.0.5 GET /api/egw/Lskcb2025 token="
        + JWT
        + "&username=75123_BV&password="
        + MD5_LOW
        + " 443 - 10.0.0.9 HIS/4.2 200\n2025-12-03 08:00:02 10.0.0.5 GET /his/tiepdon - 443 - 10.0.0.9 Mozilla/5.0 200\n",
        {(3, "token"), (3, "password_hash")},
    ),
    "haproxy": (
        "var/log/haproxy.log",
        'Dec  3 08:00:01 lb01 haproxy[812]: 10.0.0.9:51234 [03/Dec/2025:08:00:01.123] fe_https be_egw/egw1 0/0/1/42/43 200 512 - - ---- 1/1/0/0/0 0/0 "GET /api/egw/NhanLichSuKCB2018?token='
        + JWT
        + '&username=75123_BV HTTP/1.1"\n',
        {(1, "token")},
    ),
    "insomnia": (
        "Documents/Insomnia_2025-03-12.json",
        json.dumps(
            {
                "_type": "export",
                "__export_format": 4,
                "resources": [
                    {
                        "_id": "env_1",
                        "_type": "environment",
                        "name": "Production",
                        "data": {
                            "baseUrl": "https://egw.baohiemxahoi.gov.vn",
                            "username": "75123_BV",
                            "password": MD5,
                        },
                    }
                ],
            },
            indent=2,
        ),
        {(12, "password_hash")},
    ),
    "bruno": (
        "bruno/GiamDinh/environments/production.bru",
        "vars {\n  baseUrl: https://egw.baohiemxahoi.gov.vn\n  username: 75123_BV\n  password: "
        + MD5
        + "\n}\n",
        {(4, "password_hash")},
    ),
    "thunder-client": (
        "home/dev/.vscode/thunder-tests/thunderEnvironment.json",
        json.dumps(
            {
                "_id": "3f2a",
                "name": "bhxh-prod",
                "data": [
                    {"name": "baseUrl", "value": "https://egw.baohiemxahoi.gov.vn"},
                    {"name": "password", "value": MD5},
                ],
            },
            indent=2,
        ),
        {(11, "password_hash")},
    ),
    # --- parameters set by statements, credentials handed to HTTP clients ----------------------------
    "sql-update": (
        "script/capnhat.sql",
        "UPDATE [dbo].[HT_ThamSo] SET [GiaTri] = N'Up7#aa11' WHERE [MaThamSo] = N'MATKHAU_BHXH'\nGO\nupdate cau_hinh set gia_tri='"
        + MD5_LOW
        + "' where ma='PASS_BHYT';\n",
        {(1, "password"), (3, "password_hash")},
    ),
    "sql-exec": (
        "script/thamso.sql",
        "EXEC dbo.sp_CapNhatThamSo @MaThamSo = N'MATKHAU_BHXH', @GiaTri = N'Ex2#ee55'\nGO\nEXEC dbo.sp_SetThamSo N'BHYT_PASSWORD', N'Ex3#ff66'\nGO\n",
        {(1, "password"), (3, "password")},
    ),
    "sql-insert-select": (
        "script/seed.sql",
        "INSERT INTO dbo.SYS_CONFIG (code, value) SELECT N'EGW_PASSWORD', N'Sl1#dd44' UNION ALL SELECT N'EGW_USER', N'75123_BV'\n",
        {(1, "password")},
    ),
    "requests-auth": (
        "tool/client.py",
        'import requests\nr = requests.post("https://egw.baohiemxahoi.gov.vn/api/token/take", auth=("75123_BV", "Au3#ff66"))\n',
        {(2, "password")},
    ),
    "requests-auth-variable-user": (
        "tool/client2.py",
        'USER = os.environ["BHXH_USER"]\nr = requests.post("https://egw.baohiemxahoi.gov.vn/api/token/take", auth=(USER, "Au4#gg77"))\n',
        {(2, "password")},
    ),
    "requests-auth-url-variable": (
        "tool/client3.py",
        "URL = 'https://egw.baohiemxahoi.gov.vn/api/token/take'\nr = requests.post(URL, auth=('75123_BV', 'Au5#hh88'))\n",
        {(2, "password")},
    ),
    "okhttp-basic": (
        "src/Egw.java",
        'private static final String URL = "https://egw.baohiemxahoi.gov.vn/api/token/take";\nString cred = Credentials.basic("75123_BV", "Ok6#ii99");\n',
        {(2, "password")},
    ),
    "network-credential": (
        "src/Client.cs",
        'var url = "https://egw.baohiemxahoi.gov.vn/api/token/take";\nvar cred = new NetworkCredential("75123_BV", "Nc4#gg77");\n',
        {(2, "password")},
    ),
    "ps-dollar-literal": (
        "scripts/t.ps1",
        "$uri = 'https://egw.baohiemxahoi.gov.vn/api/token/take'\n$body = @{ username = '75123_BV'; password = '$Yy4IE8' } | ConvertTo-Json\n",
        {(2, "password")},
    ),
    "sql-exec-at-in-value": (
        "script/p.sql",
        "EXEC dbo.sp_SetThamSo N'PASS_BHYT', N'Bv68031@'\nGO\n",
        {(1, "password")},
    ),
    "kv-bao-hiem-no-other-anchor": (
        "backup/settings.sql",
        "CREATE TABLE `settings` (\n  `id` int,\n  `code` varchar(100),\n  `value` text\n);\nINSERT INTO `settings` VALUES (1,'mk_cong_giam_dinh','"
        + MD5_LOW
        + "'),(2,'ten_dang_nhap_bao_hiem','045384380411');\n",
        {(6, "password_hash")},
    ),
    "postman-env-far-token": (
        "Documents/production.postman_environment.json",
        json.dumps(
            {
                "name": "prod",
                "values": [
                    {
                        "key": "baseUrl",
                        "value": "https://egw.baohiemxahoi.gov.vn",
                        "type": "default",
                        "enabled": True,
                    }
                ]
                + [{"key": f"v{i}", "value": str(i), "type": "default", "enabled": True} for i in range(5)]
                + [{"key": "access_token", "value": JWT, "type": "secret", "enabled": True}],
            },
            indent="\t",
        ),
        {(42, "token")},
    ),
    # --- defaults inside placeholders, command-line flags -------------------------------------------
    "spring-default": (
        "opt/his/application.properties",
        "bhxh.url=https://egw.baohiemxahoi.gov.vn\nbhxh.password=${BHXH_PASSWORD:Df1#aa22}\n",
        {(2, "password")},
    ),
    "compose-default": (
        "opt/his/docker-compose.yml",
        "services:\n  api:\n    environment:\n      BHXH_EGW_PASSWORD: ${BHXH_EGW_PASSWORD:-Df2#bb33}\n",
        {(4, "password")},
    ),
    "cli-flags": (
        "home/his/.bash_history",
        'hisclient --url https://egw.baohiemxahoi.gov.vn --username 75123_BV --password "Cf3#cc44"\nConnect-Bhxh -User 75123_BV -Password Cf4#dd55\nsync.exe /user:75123_BV /password:Cf5#ee66 /host:egw.baohiemxahoi.gov.vn\n',
        {(1, "password"), (2, "password"), (3, "password")},
    ),
    # --- templates with a real value beside placeholders -----------------------------------------
    "env-real-beside-template": (
        ".env.production",
        "# BHXH_EGW_PASSWORD=changeme\nBHXH_EGW_USERNAME=75123_BV\nBHXH_EGW_PASSWORD=Rl5!vv19\n",
        {(3, "password")},
    ),
}

DECOYS: dict[str, tuple[str, str]] = {
    "portal-title": (
        "web.config",
        '<appSettings>\n  <add key="BHXHPortalTitle" value="Cổng giám định BHYT" />\n  <add key="PortalUrl" value="https://gdbhyt.baohiemxahoi.gov.vn" />\n</appSettings>\n',
    ),
    "portal-port": (
        "config.yml",
        "bhxh:\n  portal_host: egw.baohiemxahoi.gov.vn\n  portal_port: 443\n  portal_timeout: 30\n",
    ),
    "masked-password": (
        "appsettings.json",
        '{\n  "BHXH": {\n    "Username": "75123_BV",\n    "Password": "********"\n  }\n}\n',
    ),
    "masked-log": (
        "logs/app.log",
        "2025-12-03 08:00:01 POST https://egw.baohiemxahoi.gov.vn/api/token/take username=75123_BV password=***\n",
    ),
    "placeholder-sql": (
        "seed.sql",
        "INSERT [dbo].[HT_ThamSo] ([MaThamSo], [GiaTri]) VALUES (N'MATKHAU_BHXH', N'')\nGO\nINSERT [dbo].[HT_ThamSo] ([MaThamSo], [GiaTri]) VALUES (N'USER_BHXH', N'<tai-khoan>')\nGO\n",
    ),
    "smtp-in-portal-file": (
        "config.ini",
        "[bhxh]\nurl=https://egw.baohiemxahoi.gov.vn\n[smtp]\nuser=his@benhvien.vn\npassword=Mail#Pw2025\n",
    ),
    "db-conn-in-his": (
        "his.config",
        '<connectionStrings>\n  <add name="HIS_BHYT" connectionString="Server=db01;Database=HIS_BHYT;User Id=sa;Password=Sql#2019x;" />\n</connectionStrings>\n',
    ),
    "lis-pacs": (
        "lis.json",
        '{\n  "BHYT_ENABLED": true,\n  "LIS": {"user": "lis01", "password": "Lis@2023"},\n  "PACS": {"password": "Pacs#1234"}\n}\n',
    ),
    "example-doc": (
        "docs/README.md",
        "# Cấu hình cổng BHXH\n\nĐặt `BHXH_EGW_PASSWORD=<mat-khau>` và `BHXH_EGW_USERNAME=<ma-cskcb>_BV` trong tệp .env.\n",
    ),
    "commented-template": (
        "config/bhxh.env.example",
        "# BHXH_EGW_USERNAME=75123_BV\n# BHXH_EGW_PASSWORD=your_password_here\n",
    ),
    "reads-env-ps": (
        "scripts/Sync.ps1",
        "$pass = ConvertTo-SecureString $env:BHXH_PASS -AsPlainText -Force\n$cred = New-Object PSCredential($env:BHXH_USER, $pass)\n# egw.baohiemxahoi.gov.vn\n",
    ),
    "getter-reads-config": (
        "src/Ins.java",
        'public String getInsurancePassword() {\n    return config.get("INSURANCE_PASSWORD");\n}\n// http://egw.baohiemxahoi.gov.vn\n',
    ),
    "md5sums": (
        "var/lib/dpkg/info/bhyt-tools.md5sums",
        MD5_LOW + "  usr/share/doc/bhyt-tools/changelog.gz\n" + MD5.lower() + "  usr/bin/bhyt-sync\n",
    ),
    "netrc-other": (
        "home/u/.netrc",
        "machine ftp.benhvien.vn login backup password Ftp#0002\n# bhxh backups\n",
    ),
    "postman-no-secret": (
        "BHXH.postman_environment.json",
        json.dumps(
            {
                "name": "BHXH",
                "values": [
                    {"key": "baseUrl", "value": "https://egw.baohiemxahoi.gov.vn"},
                    {"key": "password", "value": "{{bhxh_password}}"},
                ],
            },
            indent=2,
        ),
    ),
    "sql-key-value-other": (
        "cfg.sql",
        "INSERT [dbo].[HT_ThamSo] ([MaThamSo], [GiaTri]) VALUES (N'SMTP_PASSWORD', N'Mail#2024y')\nGO\nINSERT [dbo].[HT_ThamSo] ([MaThamSo], [GiaTri]) VALUES (N'URL_BHXH', N'https://egw.baohiemxahoi.gov.vn')\nGO\n",
    ),
    "log-no-secret": (
        "var/log/nginx/access.log",
        '10.1.2.3 - - [03/Dec/2025:08:01:02 +0700] "GET /api/egw/KQNhanLichSuKCB2024?maThe=DN4797912345678&ngaySinh=1990 HTTP/1.1" 200 512 "-" "HIS/4.2"\n',
    ),
    "har-other-host": (
        "Downloads/his.har",
        json.dumps(
            {
                "log": {
                    "entries": [
                        {
                            "request": {
                                "url": "http://10.0.0.5/his/api/login",
                                "postData": {
                                    "text": json.dumps({"username": "nv01", "password": "Noibo#2024"})
                                },
                            }
                        },
                        {
                            "request": {
                                "url": "https://egw.baohiemxahoi.gov.vn/api/egw/KQNhanLichSuKCB2019?maThe=DN4797912345678"
                            }
                        },
                    ]
                }
            },
            indent=2,
        ),
    ),
    "inline-objects-other-systems": (
        "opt/his/integrations.json",
        '{\n  "integrations": [\n    { "name": "LIS", "url": "http://10.0.0.7:8080", "user": "lis", "password": "Lis#7788" },\n    { "name": "BHXH", "url": "https://egw.baohiemxahoi.gov.vn", "user": "75123_BV" },\n    { "name": "PACS", "url": "http://10.0.0.8", "password": "Pacs#8899" }\n  ]\n}\n',
    ),
    "connection-string-in-portal-file": (
        "his.ini",
        "[bhxh]\nurl=https://egw.baohiemxahoi.gov.vn\nconnection=Server=10.0.0.9;Database=HIS;User Id=sa;Password=Sql#5566;\n",
    ),
    "short-word-prefix": (
        "bhxh.yml",
        "bhxh:\n  url: https://egw.baohiemxahoi.gov.vn\n  pwm_channel: Ab12cd34\n  tkb_code: Xy98zw76\n",
    ),
    "sql-update-other": (
        "script/smtp.sql",
        "UPDATE [dbo].[HT_ThamSo] SET [GiaTri] = N'Mail#7788' WHERE [MaThamSo] = N'SMTP_PASSWORD'\nGO\nUPDATE [dbo].[HT_ThamSo] SET [GiaTri] = N'https://egw.baohiemxahoi.gov.vn' WHERE [MaThamSo] = N'URL_BHXH'\n",
    ),
    "requests-auth-lis": (
        "tool/lis.py",
        'import requests\n# kết quả xét nghiệm, không phải cổng BHYT\nr = requests.get("http://10.0.0.7/lis/api", auth=("lis", "Lis#5566"))\n',
    ),
    "shell-exec": (
        "opt/his/run.sh",
        '#!/bin/sh\n# bhxh sync\nexec /opt/his/bin/sync --config /etc/his/bhxh.yml "$@"\n',
    ),
    "postman-env-two-hosts": (
        "Documents/mixed.postman_environment.json",
        json.dumps(
            {
                "name": "mixed",
                "values": [{"key": "bhxhUrl", "value": "https://egw.baohiemxahoi.gov.vn"}]
                + [{"key": f"v{i}", "value": str(i)} for i in range(6)]
                + [
                    {"key": "lisUrl", "value": "http://10.0.0.7/lis"},
                    {"key": "password", "value": "Lis#9900"},
                ],
            },
            indent="\t",
        ),
    ),
    "ps-variable-in-double-quotes": (
        "scripts/u.ps1",
        '$body = @{ username = "75123_BV"; password = "$BhxhPassword" }  # egw.baohiemxahoi.gov.vn\n',
    ),
    "cli-flags-other-or-read": (
        "root/.bash_history",
        'mysql -u root --password Db#9999 his\nhisclient --password "$BHXH_PASS" --username 75123_BV\nhisclient --token-file /run/secrets/bhxh --url https://egw.baohiemxahoi.gov.vn\n',
    ),
    "compose-required": (
        "srv/docker-compose.yml",
        "services:\n  api:\n    environment:\n      BHXH_EGW_PASSWORD: ${BHXH_EGW_PASSWORD:?set it}\n      BHXH_EGW_USER: ${BHXH_EGW_USER:?required}\n",
    ),
    "portal-label-vn": (
        "lang/vi.json",
        '{\n  "bhxh": {\n    "lblMatKhau": "Mật khẩu",\n    "matkhau_placeholder": "Nhập mật khẩu cổng BHXH",\n    "portalTitle": "Cổng giám định"\n  }\n}\n',
    ),
}


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise ValueError(f"sample has no line with {needle!r}")
