"""Browser stores (Chromium family, Firefox) and add-ons with access to the portal: C08 and C09."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from hisguard.lab.generators import chromium_login_data
from hisguard.scanners.credentials.readers import stores
from hisguard.scanners.credentials.rules import default_rules
from hisguard.scanners.credentials.scanner import run_local
from tests.credentials.helpers import write

HOSTS = ["baohiemxahoi.gov.vn"]
CANARY = b"v10CanaryBlob-NeverRead-7731"


def _login_data(path: Path, rows: list[tuple[str, str]]) -> None:
    """A Chromium ``Login Data`` with these (origin, username) rows; the blob is a canary."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(chromium_login_data({"origins": []}, {"hostname": "ws", "portal_username": "x"}))
    db = sqlite3.connect(path)
    with db:
        for origin, user in rows:
            db.execute(
                "INSERT INTO logins (origin_url, username_value, password_value, signon_realm, date_created,"
                " blacklisted_by_user, scheme) VALUES (?, ?, ?, ?, 0, 0, 0)",
                (origin, user, CANARY, origin),
            )
    db.close()


def _findings(root: Path) -> list[dict[str, object]]:
    run = run_local([str(root)], default_rules(), facility_code="75901", jobs=1)
    return [f.to_dict() for f in run.findings]


@pytest.mark.parametrize(
    "profile",
    [
        ".config/google-chrome/Default",
        ".config/microsoft-edge/Profile 1",
        "AppData/Local/CocCoc/Browser/User Data/Default",
        ".config/BraveSoftware/Brave-Browser/Default",
    ],
)
def test_chromium_family_saved_portal_login(tmp_path: Path, profile: str) -> None:
    store = tmp_path / "home/nv" / profile / "Login Data"
    _login_data(
        store,
        [
            ("https://gdbhyt.baohiemxahoi.gov.vn/", "75901_BV"),
            ("https://gdbhyt.baohiemxahoi.gov.vn/", "079123456789"),
            ("https://mail.google.com/", "nv@gmail.com"),
        ],
    )
    before = store.read_bytes()
    found = [f for f in _findings(tmp_path) if f["check_id"] in ("C08", "C09")]
    assert [(f["check_id"], f["resource"]) for f in found] == [("C08", str(store))]
    details = found[0]["details"]
    assert isinstance(details, dict) and details["count"] == 2
    assert details["origins"] == ["https://gdbhyt.baohiemxahoi.gov.vn"]
    users = details["usernames"]
    assert "75901_BV" in users and "079123456789" not in json.dumps(found)  # a citizen id is redacted
    assert "nv@gmail.com" not in json.dumps(found) and "CanaryBlob" not in json.dumps(found)
    # Read in place without a trace: same bytes, no journal or lock file beside it.
    assert store.read_bytes() == before
    assert sorted(p.name for p in store.parent.iterdir()) == ["Login Data"]


def test_store_from_bytes_and_non_portal_store(tmp_path: Path) -> None:
    store = tmp_path / "Login Data"
    _login_data(store, [("https://his.bv75901.vn/", "admin")])
    assert _findings(tmp_path) == []
    _login_data(store, [("https://daotaogdbhyt.baohiemxahoi.gov.vn/", "75901_BV")])
    info = stores.sqlite_store(store.read_bytes(), "logins", HOSTS)  # a copy read off a share
    assert info is not None and info.count == 1 and info.usernames == ["75901_BV"]


def test_firefox_logins_json(tmp_path: Path) -> None:
    logins = {
        "nextId": 3,
        "logins": [
            {
                "id": 1,
                "hostname": "https://gdbhyt.baohiemxahoi.gov.vn",
                "formSubmitURL": "https://gdbhyt.baohiemxahoi.gov.vn",
                "encryptedUsername": "MDoEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcECKxx",
                "encryptedPassword": "MDoEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcECCanary",
            },
            {"id": 2, "hostname": "https://zalo.me", "encryptedUsername": "x", "encryptedPassword": "y"},
        ],
    }
    write(tmp_path, "home/nv/.mozilla/firefox/ab12.default-release/logins.json", json.dumps(logins))
    found = _findings(tmp_path)
    assert [(f["check_id"], f["details"]["count"]) for f in found] == [("C08", 1)]  # type: ignore[index]
    assert "Canary" not in json.dumps(found)
    write(tmp_path / "other", "logins.json", json.dumps({"logins": [logins["logins"][1]]}))  # type: ignore[index]
    assert _findings(tmp_path / "other") == []


def test_extension_with_portal_host_permissions(tmp_path: Path) -> None:
    manifest = {
        "manifest_version": 3,
        "name": "Tra cứu thẻ BHYT nhanh",
        "version": "1.2",
        "host_permissions": ["https://gdbhyt.baohiemxahoi.gov.vn/*"],
        "content_scripts": [{"matches": ["https://*.baohiemxahoi.gov.vn/*"], "js": ["content.js"]}],
    }
    ext = "home/nv/.config/google-chrome/Default/Extensions/abcdefghijklmnop/1.2_0/manifest.json"
    write(tmp_path, ext, json.dumps(manifest, ensure_ascii=False))
    # Decoys: an ad blocker with <all_urls> only, and a package manifest that is not an extension.
    decoy = {"manifest_version": 2, "name": "Chặn quảng cáo", "permissions": ["<all_urls>", "storage"]}
    write(
        tmp_path, "home/nv/.config/google-chrome/Default/Extensions/zz/3.0/manifest.json", json.dumps(decoy)
    )
    write(tmp_path, "opt/app/manifest.json", json.dumps({"name": "bhxh-app", "start_url": "/"}))
    found = [f for f in _findings(tmp_path) if f["check_id"] == "C09"]
    assert [f["resource"] for f in found] == [str(tmp_path / ext)]
    assert found[0]["details"]["count"] == 2  # type: ignore[index]
    assert "Tra cứu thẻ BHYT nhanh" in str(found[0]["evidence"])


def test_user_scripts_on_disk_and_in_a_script_manager(tmp_path: Path) -> None:
    script = (
        "// ==UserScript==\n// @name         Tự đăng nhập cổng giám định\n"
        "// @match        https://gdbhyt.baohiemxahoi.gov.vn/*\n// @grant        none\n// ==/UserScript==\n"
        "document.querySelector('#btnLogin').click();\n"
    )
    write(tmp_path, "home/nv/Downloads/tu-dang-nhap.user.js", script)
    write(
        tmp_path,
        "home/nv/Downloads/youtube.user.js",
        script.replace("gdbhyt.baohiemxahoi.gov.vn", "youtube.com"),
    )
    storage = (
        "home/nv/.config/google-chrome/Default/Local Extension Settings/dhdgffkkebhmkfjojejmpbldmpobfkfo"
    )
    record = b"\x00\x01\x9a" + json.dumps({"source": script}).encode() + b"\x00\xff"
    write(tmp_path, f"{storage}/000003.log", record)
    found = sorted((f["resource"], f["check_id"]) for f in _findings(tmp_path) if f["check_id"] == "C09")
    assert found == [
        (str(tmp_path / f"{storage}/000003.log"), "C09"),
        (str(tmp_path / "home/nv/Downloads/tu-dang-nhap.user.js"), "C09"),
    ]
