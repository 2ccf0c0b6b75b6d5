# ruff: noqa: E501  (sample file contents and log lines are kept whole on one line)
"""Planted canary secrets never reach the output, the log, the store or an exception."""

from __future__ import annotations

import gzip
import json
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from hisguard.lab import documents
from hisguard.lab.generators import chromium_login_data
from hisguard.scanners.cli import cli
from tests.credentials.helpers import write

CANARIES = [
    "CanaryPw!9137",
    "c4n4ry0000000000000000000000beef",
    "eyJhbGciOiJIUzI1NiJ9.Y2FuYXJ5dG9rZW4.c2lnbmF0dXJlY2FuYXJ5",
]


def _plant_plain(tree: Path) -> set[str]:
    write(tree, "opt/his/.env", f"BHXH_EGW_USERNAME=75901_BV\nBHXH_EGW_PASSWORD={CANARIES[0]}\n")
    write(tree, "opt/his/appsettings.json", '{"BHXH": {"Password": "' + CANARIES[1] + '"}}\n')
    write(tree, "var/log/egw.log", f"GET /api/egw/Lskcb2025?token={CANARIES[2]}&username=75901_BV 200\n")
    return {"C01", "C04", ".env", "appsettings.json", "egw.log"}


def _plant_containers(tree: Path) -> set[str]:
    """Every container reader: sheets, documents, their tables, archives, nested and gzipped."""
    sheet = [["Hệ thống", "Tài khoản", "Mật khẩu"], ["Cổng giám định BHYT", "75901_BV", CANARIES[0]]]
    note = ["Tài khoản cổng giám định BHYT: 75901_BV", f"Mật khẩu: {CANARIES[0]}"]
    env = f"BHXH_EGW_USERNAME=75901_BV\nBHXH_EGW_PASSWORD={CANARIES[0]}\nBHXH_TOKEN={CANARIES[2]}\n"
    write(tree, "home/it/ds.xlsx", documents.xlsx({"Tài khoản": sheet}))
    write(tree, "home/it/ds.ods", documents.ods({"Tài khoản": sheet}))
    write(tree, "home/it/bangiao.docx", documents.docx(note, [sheet]))
    write(tree, "home/it/bangiao.odt", documents.odt(note, [sheet]))
    nested = documents.zip_of({"his/.env": env.encode(), "ds.xlsx": documents.xlsx({"S": sheet})})
    write(tree, "var/backups/his.tar.gz", documents.tar_of({"saoluu.zip": nested}, compress=True))
    write(tree, "var/backups/env.gz", gzip.compress(env.encode()))
    write(tree, "var/backups/hong.zip", nested[: len(nested) // 2])  # a damaged one: an error entry
    store = tree / "home/nv/.config/google-chrome/Default/Login Data"
    store.parent.mkdir(parents=True)
    store.write_bytes(chromium_login_data({}, {"hostname": "ws", "portal_username": "75901_BV"}))
    with sqlite3.connect(store) as db:  # the password blob (encrypted in life) is never read
        db.execute("UPDATE logins SET password_value = ?", (CANARIES[0].encode(),))
    return {
        "C01",
        "C08",
        "Login Data",
        "ds.xlsx!",
        "ds.ods!",
        "bangiao.docx!",
        "bangiao.odt!",
        "his.tar.gz!saoluu.zip!",
        "env.gz!",
    }


@pytest.mark.parametrize("plant", [_plant_plain, _plant_containers])
def test_canaries_stay_inside(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, plant: Callable[[Path], set[str]]
) -> None:
    tree = tmp_path / "tree"
    expected = plant(tree)
    store = tmp_path / "store.db"
    runner = CliRunner()
    caplog.set_level(logging.DEBUG)
    outputs = []
    for fmt in ("json", "table"):
        result = runner.invoke(
            cli,
            [
                "scan",
                "credentials",
                "--path",
                str(tree),
                "--format",
                fmt,
                "--store",
                f"sqlite:///{store}",
                "--lang",
                "en",
            ],
            standalone_mode=False,
        )
        assert result.exception is None, repr(result.exception)
        outputs.append(result.output)
    document = json.loads(outputs[0])
    checks = {e for e in expected if e[:1] == "C" and e[1:].isdigit()}
    assert {f["check_id"] for f in document["findings"]} >= checks
    resources = "\n".join(f["resource"] for f in document["findings"])
    assert all(marker in resources for marker in expected - checks), resources
    engine = sa.create_engine(f"sqlite:///{store}")
    with engine.connect() as conn:
        rows = []
        for table in ("runs", "findings", "scan_errors", "tracked"):
            rows.extend(str(tuple(r)) for r in conn.execute(sa.text(f"SELECT * FROM {table}")))
    engine.dispose()
    assert rows
    everything = "\n".join([*outputs, caplog.text, *rows])
    for canary in CANARIES:
        assert canary not in everything
        assert canary.lower() not in everything.lower()


def test_secret_repr_is_hidden(tmp_path: Path) -> None:
    from tests.credentials.helpers import secrets

    write(tmp_path, ".env", f"BHXH_EGW_PASSWORD={CANARIES[0]}\n")
    found = secrets(tmp_path)
    assert found and CANARIES[0] not in repr(found) and CANARIES[0] not in str(found)


# One canary per new text form: each must be found (so the test proves the path ran) and none may
# leave the scanner, in any format or in the store.
FORM_CANARIES = {
    "ssms": "QzSsms!4821",
    "pgcopy": "QzCopy#5932",
    "mysql": "QzMy$6043",
    "userpass": "QzPipe%7154",
    "getter": "c4n4ry1111111111111111111111beef",
    "netrc": "QzNetrc^8265",
    "batch": "QzBat&9376",
    "powershell": "QzPs*0487",
    "har": "c4n4ry2222222222222222222222beef",
    "postman": "c4n4ry3333333333333333333333beef",
    "notebook": "QzNb!1598",
    "nginx": "c4n4ry4444444444444444444444beef",
    "squid": "eyJhbGciOiJIUzI1NiJ9.c3F1aWRjYW5hcnk.c3F1aWRzaWduYXR1cmU",
    "basic": "QzBasic@2609",
    "portal-key": "QzPortal#3710",
}
CANARY_CCCD = "079299004321"


def _plant_forms(tree: Path) -> None:
    import base64

    c = FORM_CANARIES
    write(
        tree,
        "backup/HT_ThamSo.sql",
        (
            "INSERT [dbo].[HT_ThamSo] ([MaThamSo], [GiaTri]) VALUES (N'USER_BHXH', N'75901_BV')\r\nGO\r\n"
            f"INSERT [dbo].[HT_ThamSo] ([MaThamSo], [GiaTri]) VALUES (N'MATKHAU_BHXH', N'{c['ssms']}')\r\nGO\r\n"
        ),
        encoding="utf-16",
    )
    write(
        tree,
        "backup/pg.sql",
        f"COPY public.sys_parameter (id, param_code, param_value) FROM stdin;\n1\tBHXH_PASS\t{c['pgcopy']}\n\\.\n",
    )
    write(
        tree,
        "backup/my.sql",
        f"INSERT INTO `cauhinh` (`ma`, `gia_tri`) VALUES ('matkhau_bhxh','{c['mysql']}');\n",
    )
    write(tree, "opt/his/app.config", f'<add key="TaiKhoanBHXH" value="75901_BV|{c["userpass"]}" />\n')
    write(
        tree,
        "opt/his/src/Ins.java",
        f'// http://egw.baohiemxahoi.gov.vn\npublic String getInsurancePassword() {{\n    return "{c["getter"]}";\n}}\n',
    )
    write(tree, "root/.netrc", f"machine egw.baohiemxahoi.gov.vn login 75901_BV password {c['netrc']}\n")
    write(tree, "opt/his/gui.bat", f"@echo off\r\nset BHXH_PASS={c['batch']}\r\n")
    write(
        tree,
        "opt/his/sync.ps1",
        f"$p = ConvertTo-SecureString '{c['powershell']}' -AsPlainText -Force  # egw.baohiemxahoi.gov.vn\n",
    )
    write(
        tree,
        "home/u/egw.har",
        json.dumps(
            {
                "log": {
                    "entries": [
                        {
                            "request": {
                                "url": "https://egw.baohiemxahoi.gov.vn/api/token/take",
                                "postData": {
                                    "text": json.dumps({"username": "75901_BV", "password": c["har"]})
                                },
                            }
                        }
                    ]
                }
            },
            indent=2,
        ),
    )
    write(
        tree,
        "home/u/BHXH.postman_environment.json",
        json.dumps({"values": [{"key": "password", "value": c["postman"]}]}, indent=2),
    )
    write(
        tree,
        "home/u/tra_cuu.ipynb",
        json.dumps({"cells": [{"source": [f"bhxh_password = '{c['notebook']}'\n"]}]}, indent=1),
    )
    write(
        tree,
        "var/log/nginx/access.log",
        f'1.2.3.4 - - [x] "GET /api/egw/Lskcb2025?password={c["nginx"]} HTTP/1.1" 200 1\n',
    )
    write(
        tree,
        "var/log/squid/access.log",
        f"1.0 5 1.2.3.4 TCP_MISS/200 1 GET http://egw.baohiemxahoi.gov.vn/x?token={c['squid']} -\n",
    )
    basic = base64.b64encode(f"75901_BV:{c['basic']}".encode()).decode()
    write(tree, "var/log/his/proxy.log", f"upstream=egw.baohiemxahoi.gov.vn Authorization: Basic {basic}\n")
    write(
        tree,
        "opt/tool/config.json",
        f'{{\n  "portal_url": "https://gdbhyt.baohiemxahoi.gov.vn",\n  "portal_user": "{CANARY_CCCD}",\n'
        f'  "BHYTPortalPassword": "{c["portal-key"]}"\n}}\n',
    )


def test_form_canaries_are_found_and_stay_inside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from tests.credentials.helpers import secrets

    tree = tmp_path / "tree"
    _plant_forms(tree)
    found = {o.value.reveal() for o in secrets(tree) if o.value is not None}
    assert set(FORM_CANARIES.values()) <= found
    store = tmp_path / "store.db"
    caplog.set_level(logging.DEBUG)
    outputs = []
    for fmt in ("json", "table"):
        result = CliRunner().invoke(
            cli,
            ["scan", "credentials", "--path", str(tree), "--format", fmt, "--store", f"sqlite:///{store}"],
            standalone_mode=False,
        )
        assert result.exception is None, repr(result.exception)
        outputs.append(result.output)
    engine = sa.create_engine(f"sqlite:///{store}")
    with engine.connect() as conn:
        rows = [
            str(tuple(r))
            for table in ("runs", "findings", "scan_errors", "tracked")
            for r in conn.execute(sa.text(f"SELECT * FROM {table}"))
        ]
    engine.dispose()
    everything = "\n".join([*outputs, caplog.text, *rows]).lower()
    for canary in [*FORM_CANARIES.values(), CANARY_CCCD]:
        assert canary.lower() not in everything
    for canary in FORM_CANARIES.values():
        # Not even its first characters (the old evidence showed two).
        assert canary[:6].lower() not in everything
