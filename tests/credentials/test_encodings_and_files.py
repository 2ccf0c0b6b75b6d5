# ruff: noqa: E501  (sample file contents and log lines are kept whole on one line)
"""Encodings, hidden files, odd file types and patient-data files."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from hisguard.scanners.credentials.rules import default_rules
from hisguard.scanners.credentials.scanner import run_local
from tests.credentials.helpers import scan, spots, write

CONFIG = '<?xml version="1.0"?>\n<appSettings>\n  <add key="UsernameBHXH" value="75901_BV" />\n  <add key="PasswordBHXH" value="Ut16!abc" />\n</appSettings>\n'


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"\xef\xbb\xbf", "utf-8"), (b"", "utf-8")],
)
def test_encodings_with_crlf(tmp_path: Path, bom: bytes, codec: str) -> None:
    write(tmp_path, "App.config", bom + CONFIG.replace("\n", "\r\n").encode(codec))
    assert spots(tmp_path) == {("App.config", 4, "password")}


def test_hidden_files_and_gitignore_do_not_hide(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", ".secret/\n")
    write(tmp_path, ".secret/.env", "BHXH_EGW_PASSWORD=Hd9!zz00\n")
    assert spots(tmp_path) == {(".env", 1, "password")}


def test_binary_fifo_symlink_loop_and_unreadable(tmp_path: Path) -> None:
    write(tmp_path, "blob.bin", b"\x00\x01BHXH_EGW_PASSWORD=Bn1!xx22\x00")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "loop").symlink_to(tmp_path)
    locked = write(tmp_path, "locked/.env", "BHXH_EGW_PASSWORD=Lk1!xx22\n")
    locked.parent.chmod(0)
    try:
        result = scan(tmp_path)
    finally:
        locked.parent.chmod(0o755)
    found = {Path(o.path).name for o in result.observations if o.kind == "secret"}
    assert "blob.bin" not in found and "pipe" not in found
    if os.geteuid() != 0:  # root reads anything: then the locked file is simply found
        assert any("locked" in e for e in result.errors)


def test_claim_files_d01_d02_d03(tmp_path: Path) -> None:
    xml6 = base64.b64encode(
        b'<?xml version="1.0"?><CHI_TIEU_HO_SO_HIV><MA_LK>1</MA_LK></CHI_TIEU_HO_SO_HIV>'
    ).decode()
    claim = (
        '<?xml version="1.0" encoding="utf-8"?>\n<GIAMDINHHS>\n<THONGTINHOSO><DANHSACHHOSO><HOSO>\n'
        "<FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>PFRPTkdfSE9QPjwvVE9OR19IT1A+</NOIDUNGFILE></FILEHOSO>\n"
        f"<FILEHOSO><LOAIHOSO>XML6</LOAIHOSO><NOIDUNGFILE>{xml6}</NOIDUNGFILE></FILEHOSO>\n"
        "</HOSO></DANHSACHHOSO></THONGTINHOSO>\n</GIAMDINHHS>\n"
    )
    write(tmp_path, "Desktop/XML/hs1.xml", claim)
    write(
        tmp_path,
        "Desktop/XML/checkin.xml",
        "<CHI_TIEU_TRANG_THAI_KCB><MA_THE_BHYT>DN4757</MA_THE_BHYT></CHI_TIEU_TRANG_THAI_KCB>\n",
    )
    write(tmp_path, "srv/share/hs2.xml", claim.replace("XML6", "XML5"))
    write(tmp_path, "etc/samba/smb.conf", f"[xml]\n   path = {tmp_path}/srv/share\n   guest ok = yes\n")
    write(tmp_path, "notes.xml", "<GHICHU>TONG_HOP</GHICHU>\n")
    run = run_local([str(tmp_path)], default_rules(), jobs=1)
    ids = sorted((f.check_id, Path(f.resource).name) for f in run.findings)
    assert ("D01", "XML") in ids and ("D01", "share") in ids
    assert ("D02", "hs1.xml") in ids
    assert ("D03", "share") in ids
    assert not any(f.check_id.startswith("C") for f in run.findings)
    folder = next(f for f in run.findings if f.check_id == "D01" and f.resource.endswith("XML"))
    assert folder.details["files"] == 2


def test_browser_login_store_is_counted(tmp_path: Path) -> None:
    import sqlite3

    store = tmp_path / "Chrome/Default/Login Data"
    store.parent.mkdir(parents=True)
    conn = sqlite3.connect(store)
    conn.execute("CREATE TABLE logins (origin_url TEXT, signon_realm TEXT, password_value BLOB)")
    conn.execute("INSERT INTO logins VALUES ('https://gdbhyt.baohiemxahoi.gov.vn/', 'x', x'0102')")
    conn.commit()
    conn.close()
    before = sorted(os.listdir(store.parent))
    run = run_local([str(tmp_path)], default_rules(), jobs=1)
    assert sorted(os.listdir(store.parent)) == before  # nothing written next to the store
    found = [f for f in run.findings if f.check_id == "C08"]
    assert len(found) == 1 and found[0].details["count"] == 1
