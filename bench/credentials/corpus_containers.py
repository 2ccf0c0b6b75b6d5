# ruff: noqa: E501  (sample cells and lines are kept whole on one line)
"""Corpus additions for the container forms: Office documents, archives, browser stores, add-ons.

The forms staff really leave portal logins in once they leave plain files: an account list in a
spreadsheet ("STT | Hệ thống | Tài khoản | Mật khẩu"), a handover note in Word or Writer, a
backup zip or tarball of the HIS folder, rotated logs gzipped by logrotate, a browser that
remembers the portal, an extension or a user script that reaches into it. Each positive file
holds in-file decoys (other systems' logins, masked cells); decoy files hold no portal secret
(no password column, masked columns, other systems only, documentation, placeholders).

Same vocabularies and truth format as :mod:`corpus_v3` (``truth.jsonl``: ``path``, ``line``,
``kind``, ``form``; ``manifest.jsonl``: ``path``, ``form``, ``role``). A member's path is the
outer file's path, ``!``, and the inner name (``backup.zip!his/.env``; a sheet:
``ds.xlsx!Sheet1``, the line being the row; a document's paragraphs: ``note.docx!document``, the
line being the paragraph's rank among non-empty ones). Stores and add-ons are counted as a whole
(line 0). Use :func:`add_to` to add these forms to a corpus tree, or run it alone:

    python bench/credentials/corpus_containers.py --out /tmp/containers --seed 7001 [--per-form 6]

Every secret is invented here.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_v3 import PORTAL_HOSTS, Gen

from hisguard.lab import documents

VERSION = 1

SYSTEM_PORTAL = [
    "Cổng giám định BHYT",
    "Cổng tiếp nhận BHXH",
    "Giám định BHYT",
    "gdbhyt.baohiemxahoi.gov.vn",
    "Cổng thông tin giám định BHYT (egw)",
    "BHXH - cổng giám định",
]
SYSTEM_OTHER = [
    "Email công ty",
    "Wi-Fi khoa khám",
    "Phần mềm HIS",
    "PACS",
    "LIS xét nghiệm",
    "Zalo OA",
    "Máy chủ FTP",
    "VPN",
]
USER_LABELS = ["Tài khoản", "Tên đăng nhập", "User", "Tài khoản đăng nhập", "Username"]
PASS_LABELS = ["Mật khẩu", "Password", "MK", "Mật khẩu đăng nhập", "Pass"]
TITLE = [
    "DANH SÁCH TÀI KHOẢN PHẦN MỀM - PHÒNG CNTT",
    "Bảng theo dõi tài khoản các hệ thống",
    "TÀI KHOẢN DÙNG CHUNG CÁC KHOA",
    "Danh mục tài khoản năm 2025",
]
HOLDERS = ["Nguyễn Thị Hoa", "Trần Văn Bình", "Lê Minh Châu", "Phạm Quốc Dũng", "Võ Thị Em"]
MASKED = ["********", "******", "(đã đổi)", "xem sổ", ""]


@dataclass
class Blob:
    """One generated file: its bytes and the truth of the members inside it."""

    rel: str
    form: str
    data: bytes = b""
    truth: list[tuple[str, int, str]] = field(default_factory=list)  # (member suffix, line, kind)
    role: str = "positive"


# ==== spreadsheets and documents ====================================================================


def _account_rows(g: Gen, portal_rows: int) -> tuple[list[list[str]], list[tuple[int, str]], str]:
    """A title, a blank row, a header, then rows; returns (rows, [(row number, kind)], sheet name)."""
    user_label, pass_label = g.pick(USER_LABELS), g.pick(PASS_LABELS)
    with_system = g.chance(0.75)
    header = (
        ["STT", "Hệ thống", user_label, pass_label, "Người giữ", "Ghi chú"]
        if with_system
        else ["STT", user_label, pass_label, "Người giữ"]
    )
    rows: list[list[str]] = [[g.pick(TITLE)], [], header]
    truth: list[tuple[int, str]] = []
    code = g.code()
    sheet = (
        g.pick(["Tài khoản", "Sheet1", "DS"]) if with_system else g.pick(["BHXH", "Cổng BHYT", "Giám định"])
    )
    entries = [True] * portal_rows + [False] * g.r.randint(1, 4) + (["masked"] if g.chance(0.5) else [])
    g.r.shuffle(entries)
    for n, entry in enumerate(entries, start=1):
        holder = g.pick(HOLDERS)
        if entry is True:
            secret, kind = g.secret() if g.chance(0.3) else (g.password(), "password")
            user = g.user(code)
            system = g.pick(SYSTEM_PORTAL)
        elif entry == "masked":
            secret, kind, user, system = g.pick(MASKED), "", g.user(code), g.pick(SYSTEM_PORTAL)
        else:
            secret, kind = g.password(), ""
            user, system = g.pick(["admin", "it.bv", "khoakham", "ketoan01"]), g.pick(SYSTEM_OTHER)
        if with_system:
            rows.append([str(n), system, user, secret, holder, g.pick(["", "dùng chung", "đổi 6 tháng/lần"])])
        elif entry is False:
            continue  # a sheet for the portal alone holds only its own accounts
        else:
            rows.append([str(n), user, secret, holder])
        if kind:
            truth.append((len(rows), kind))
    return rows, truth, sheet


def xlsx_accounts(g: Gen) -> Blob:
    rows, truth, sheet = _account_rows(g, g.r.randint(1, 2))
    name = f"Users/{g.pick(['it', 'ketoan', 'tiepdon'])}/Documents/{g.pick(['TaiKhoan', 'DS_TK', 'tai-khoan-he-thong'])}{g.r.randint(1, 99)}.xlsx"
    other = {"Ghi chú": [["Ngày", "Nội dung"], ["01/03/2025", "Đổi mật khẩu email"]]}
    blob = Blob(name, "xlsx-accounts", documents.xlsx({sheet: rows, **other}))
    blob.truth = [(sheet, line, kind) for line, kind in truth]
    return blob


def ods_accounts(g: Gen) -> Blob:
    rows, truth, sheet = _account_rows(g, g.r.randint(1, 2))
    blob = Blob(
        f"home/{g.pick(['nhanvien', 'it'])}/Tài liệu/taikhoan{g.r.randint(1, 99)}.ods",
        "ods-accounts",
        documents.ods({sheet: rows}),
    )
    blob.truth = [(sheet, line, kind) for line, kind in truth]
    return blob


def vertical_sheet(g: Gen) -> Blob:
    code = g.code()
    secret, kind = g.secret()
    rows = [
        [g.pick(["Thông tin kết nối cổng giám định", "Cấu hình liên thông BHXH", "Kết nối egw"])],
        ["Mã CSKCB", code],
        ["Địa chỉ", f"https://{g.pick(PORTAL_HOSTS)}"],
        [g.pick(USER_LABELS), g.user(code)],
        [
            g.pick(["Mật khẩu", "Mật khẩu (MD5)", "Password"]) if kind == "password" else "Mật khẩu (MD5)",
            secret,
        ],
        ["Email hỗ trợ", "hotro@bv.vn"],
    ]
    blob = Blob(
        f"Users/it/Desktop/ketnoi_bhxh_{g.r.randint(1, 99)}.xlsx",
        "xlsx-vertical",
        documents.xlsx({"Sheet1": rows}),
    )
    blob.truth = [("Sheet1", 5, kind)]
    return blob


def _note(g: Gen) -> tuple[list[str], list[tuple[int, str]]]:
    code = g.code()
    secret, kind = g.secret()
    paragraphs = [
        g.pick(["BIÊN BẢN BÀN GIAO CÔNG VIỆC", "Bàn giao ca trực CNTT", "GHI CHÚ BÀN GIAO"]),
        f"Người bàn giao: {g.pick(HOLDERS)}, phòng CNTT",
        f"Người nhận: {g.pick(HOLDERS)}",
        "",
        f"1. {g.pick(['Tài khoản cổng giám định BHYT', 'Tài khoản BHXH', 'Tên đăng nhập cổng BHYT'])}: {g.user(code)}",
        f"{g.pick(['Mật khẩu', 'Mật khẩu cổng', 'MK']) if kind == 'password' else 'Mật khẩu (MD5)'}: {secret}",
        f"2. Mật khẩu email phòng: {g.password()}",
        f"3. Wi-Fi khoa khám: {g.password()}",
        "Ghi chú: đổi mật khẩu cổng sau khi nhận bàn giao.",
    ]
    kept = [p for p in paragraphs if p.strip()]
    return paragraphs, [(kept.index(paragraphs[5]) + 1, kind)]


def docx_note(g: Gen) -> Blob:
    paragraphs, truth = _note(g)
    blob = Blob(
        f"Users/it/Documents/BanGiao_{g.r.randint(1, 999)}.docx", "docx-note", documents.docx(paragraphs)
    )
    blob.truth = [("document", line, kind) for line, kind in truth]
    return blob


def odt_note(g: Gen) -> Blob:
    paragraphs, truth = _note(g)
    blob = Blob(f"home/it/bangiao_{g.r.randint(1, 999)}.odt", "odt-note", documents.odt(paragraphs))
    blob.truth = [("content", line, kind) for line, kind in truth]
    return blob


def docx_table(g: Gen) -> Blob:
    rows, truth, _ = _account_rows(g, 1)
    table = rows[2:]  # a Word table has no title row: the title is a paragraph above it
    blob = Blob(
        f"Users/it/Documents/BanGiao_TK_{g.r.randint(1, 999)}.docx",
        "docx-table",
        documents.docx(
            [
                rows[0][0],
                g.pick(
                    [
                        "Tài khoản cổng giám định BHYT bàn giao:",
                        "Tài khoản BHXH của khoa:",
                        "Danh sách tài khoản cổng BHYT:",
                    ]
                ),
            ],
            [table],
        ),
    )
    blob.truth = [("document.table1", line - 2, kind) for line, kind in truth]
    return blob


# ==== archives ========================================================================================


def _config_files(g: Gen) -> tuple[dict[str, bytes], list[tuple[str, int, str]]]:
    code = g.code()
    secret, kind = g.secret()
    user = g.user(code)
    appsettings = json.dumps(
        {
            "ConnectionStrings": {
                "His": "Host=10.0.0.5;Database=his;Username=his_app;Password=" + g.password()
            },
            "BHXH": {"Url": f"https://{g.pick(PORTAL_HOSTS)}", "Username": user, "Password": secret},
        },
        indent=2,
    )
    line = (
        appsettings.splitlines().index(
            next(x for x in appsettings.splitlines() if '"Password": "' + secret in x)
        )
        + 1
    )
    env_secret = g.password()
    env = f"# HIS gateway\nBHXH_EGW_USERNAME={user}\nBHXH_EGW_PASSWORD={env_secret}\nDB_PASSWORD={g.password()}\n"
    files = {
        "his/appsettings.json": appsettings.encode(),
        "his/.env": env.encode(),
        "his/README.txt": "Sao lưu cấu hình HIS.\n".encode(),
    }
    return files, [("his/appsettings.json", line, kind), ("his/.env", 3, "password")]


def zip_backup(g: Gen) -> Blob:
    files, truth = _config_files(g)
    blob = Blob(f"var/backups/his-config-{g.r.randint(1, 999)}.zip", "zip-backup", documents.zip_of(files))
    blob.truth = truth
    return blob


def nested_backup(g: Gen) -> Blob:
    files, truth = _config_files(g)
    rows, sheet_truth, sheet = _account_rows(g, 1)
    inner = documents.zip_of({**files, "tai-lieu/TaiKhoan.xlsx": documents.xlsx({sheet: rows})})
    outer = documents.tar_of(
        {"home/it/sao-luu.zip": inner, "home/it/ghi-chu.txt": "Sao lưu tháng 3.\n".encode()}, compress=True
    )
    blob = Blob(f"srv/backup/it-{g.r.randint(1, 999)}.tar.gz", "tgz-nested", outer)
    blob.truth = [(f"home/it/sao-luu.zip!{m}", line, kind) for m, line, kind in truth]
    blob.truth += [
        (f"home/it/sao-luu.zip!tai-lieu/TaiKhoan.xlsx!{sheet}", line, kind) for line, kind in sheet_truth
    ]
    return blob


def gz_log(g: Gen) -> Blob:
    lines = []
    truth = []
    code = g.code()
    for i in range(g.r.randint(200, 600)):
        if g.chance(0.02):
            token = g.token()
            call = g.pick(
                ["/api/egw/Lskcb2025", "/api/egw/KQNhanLichSuKCB2019", "/api/egw/NhanLichSuKCB2018"]
            )
            lines.append(
                f'10.0.1.{g.r.randint(2, 250)} - - [12/Mar/2025:09:{i % 60:02d}:11 +0700] "GET {call}?token={token}&id_token={g.hexid(16)}&username={g.user(code)} HTTP/1.1" 200 512'
            )
            truth.append(len(lines))
        else:
            lines.append(
                f'10.0.1.{g.r.randint(2, 250)} - - [12/Mar/2025:09:{i % 60:02d}:11 +0700] "GET /his/{g.pick(["benhnhan", "thuoc", "khoa"])}/{g.r.randint(1, 9999)} HTTP/1.1" 200 {g.r.randint(100, 9000)}'
            )
    if not truth:
        lines.append(
            f'10.0.1.9 - - [12/Mar/2025:10:00:00 +0700] "GET /api/egw/Lskcb2025?token={g.token()}&username={g.user(code)} HTTP/1.1" 200 512'
        )
        truth.append(len(lines))
    n = g.r.randint(2, 9)
    blob = Blob(
        f"var/log/nginx/access.log.{n}.gz",
        "gz-log",
        gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0),
    )
    blob.truth = [(f"access.log.{n}", line, "token") for line in truth]
    return blob


# ==== browser stores and add-ons =======================================================================


def _login_data(rows: list[tuple[str, str]]) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Login Data"
        db = sqlite3.connect(path)
        db.executescript(
            "CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);"
            "CREATE TABLE logins (origin_url VARCHAR NOT NULL, action_url VARCHAR, username_element VARCHAR,"
            " username_value VARCHAR, password_element VARCHAR, password_value BLOB, submit_element VARCHAR,"
            " signon_realm VARCHAR NOT NULL, date_created INTEGER NOT NULL, blacklisted_by_user INTEGER NOT NULL,"
            " scheme INTEGER NOT NULL, times_used INTEGER, date_last_used INTEGER NOT NULL DEFAULT 0);"
        )
        for origin, user in rows:
            db.execute(
                "INSERT INTO logins VALUES (?, ?, 'username', ?, 'password', ?, '', ?, 13380000000000000, 0, 0, 3, 0)",
                (origin, origin + "login", user, b"v10" + bytes(28), origin),
            )
        db.commit()
        db.close()
        return path.read_bytes()


BROWSERS = [
    "AppData/Local/Google/Chrome/User Data/Default",
    "AppData/Local/Microsoft/Edge/User Data/Default",
    "AppData/Local/CocCoc/Browser/User Data/Default",
    "AppData/Local/BraveSoftware/Brave-Browser/User Data/Default",
    ".config/chromium/Default",
]


def chromium_store(g: Gen) -> Blob:
    rows = [
        (f"https://{g.pick(['gdbhyt.baohiemxahoi.gov.vn', 'daotaogdbhyt.baohiemxahoi.gov.vn'])}/", g.user())
    ]
    rows += [
        (g.pick(["https://mail.google.com/", "https://his.benhvien.vn/", "https://zalo.me/"]), "nv")
        for _ in range(g.r.randint(0, 3))
    ]
    blob = Blob(
        f"Users/nv{g.r.randint(1, 999)}/{g.pick(BROWSERS)}/Login Data", "browser-chromium", _login_data(rows)
    )
    blob.truth = [("", 0, "store")]
    return blob


def firefox_store(g: Gen) -> Blob:
    logins = [
        {
            "id": 1,
            "hostname": f"https://{g.pick(PORTAL_HOSTS)}",
            "encryptedUsername": "MDoEEPgAAAA" + g.hexid(20),
            "encryptedPassword": "MDoEEPgAAAA" + g.hexid(24),
        }
    ]
    logins += [
        {"id": 2, "hostname": "https://mail.google.com", "encryptedUsername": "x", "encryptedPassword": "y"}
    ]
    blob = Blob(
        f"home/nv{g.r.randint(1, 999)}/.mozilla/firefox/{g.hexid(8)}.default-release/logins.json",
        "browser-firefox",
        json.dumps({"nextId": 3, "logins": logins}).encode(),
    )
    blob.truth = [("", 0, "store")]
    return blob


def extension(g: Gen) -> Blob:
    manifest = {
        "manifest_version": 3 if g.chance(0.6) else 2,
        "name": g.pick(["Tra cứu thẻ BHYT nhanh", "Hỗ trợ giám định", "Tự điền cổng BHXH"]),
        "version": f"1.{g.r.randint(0, 9)}",
        "content_scripts": [{"matches": [f"https://{g.pick(PORTAL_HOSTS)}/*"], "js": ["content.js"]}],
    }
    if manifest["manifest_version"] == 3:
        manifest["host_permissions"] = ["https://*.baohiemxahoi.gov.vn/*"]
    ext = "".join(g.pick(list("abcdefghijklmnop")) for _ in range(32))
    blob = Blob(
        f"Users/nv/AppData/Local/Google/Chrome/User Data/Default/Extensions/{ext}/1.0_0/manifest.json",
        "browser-extension",
        json.dumps(manifest, ensure_ascii=False).encode(),
    )
    blob.truth = [("", 0, "addon")]
    return blob


def userscript(g: Gen) -> Blob:
    script = (
        f"// ==UserScript==\n// @name         {g.pick(['Tự đăng nhập cổng giám định', 'Lấy lịch sử KCB', 'Điền captcha BHXH'])}\n"
        f"// @namespace    bv{g.code()}\n// @{g.pick(['match', 'include'])}        https://{g.pick(PORTAL_HOSTS)}/*\n"
        "// @grant        none\n// ==/UserScript==\n(function(){ document.querySelector('#btnLogin') && console.log('ok'); })();\n"
    )
    blob = Blob(
        f"Users/nv/Downloads/{g.pick(['tu-dang-nhap', 'bhxh-helper', 'lskcb'])}{g.r.randint(1, 99)}.user.js",
        "browser-userscript",
        script.encode(),
    )
    blob.truth = [("", 0, "addon")]
    return blob


POSITIVE_FORMS: dict[str, Callable[[Gen], Blob]] = {
    "xlsx-accounts": xlsx_accounts,
    "ods-accounts": ods_accounts,
    "xlsx-vertical": vertical_sheet,
    "docx-note": docx_note,
    "odt-note": odt_note,
    "docx-table": docx_table,
    "zip-backup": zip_backup,
    "tgz-nested": nested_backup,
    "gz-log": gz_log,
    "browser-chromium": chromium_store,
    "browser-firefox": firefox_store,
    "browser-extension": extension,
    "browser-userscript": userscript,
}


# ==== decoys =========================================================================================


def decoy(g: Gen) -> Blob:
    choice = g.r.randrange(9)
    code = g.code()
    if choice == 0:  # staff list: the BHXH number is no password
        rows = [["Họ tên", "Mã số BHXH", "Khoa", "Số điện thoại"]] + [
            [
                g.pick(HOLDERS),
                str(g.r.randint(10**9, 10**10 - 1)),
                "Nội",
                "09" + str(g.r.randint(10**7, 10**8 - 1)),
            ]
            for _ in range(5)
        ]
        return Blob(
            f"Users/ketoan/Documents/nhansu_bhxh_{g.r.randint(1, 999)}.xlsx",
            "xlsx-accounts",
            documents.xlsx({"BHXH": rows}),
            role="decoy",
        )
    if choice == 1:  # the password column is masked
        rows = [[g.pick(TITLE)], ["Hệ thống", "Tài khoản", "Mật khẩu", "Ngày đổi mật khẩu"]]
        rows += [
            [
                g.pick(SYSTEM_PORTAL),
                g.user(code),
                g.pick(MASKED[:3]),
                f"{g.r.randint(1, 28):02d}/0{g.r.randint(1, 9)}/2025",
            ]
            for _ in range(3)
        ]
        return Blob(
            f"Users/it/Documents/tk_che_{g.r.randint(1, 999)}.xlsx",
            "xlsx-accounts",
            documents.xlsx({"Tài khoản": rows}),
            role="decoy",
        )
    if choice == 2:  # other systems only
        rows = [["STT", "Hệ thống", "Tài khoản", "Mật khẩu"]] + [
            [str(i), g.pick(SYSTEM_OTHER), "admin", g.password()] for i in range(1, 5)
        ]
        return Blob(
            f"home/it/tk_noibo_{g.r.randint(1, 999)}.ods",
            "ods-accounts",
            documents.ods({"Tài khoản": rows}),
            role="decoy",
        )
    if choice == 3:  # documentation about the portal, with placeholders
        guide = f"Hướng dẫn kết nối cổng BHXH\nBHXH_EGW_USERNAME={code}_BV\nBHXH_EGW_PASSWORD=<mật khẩu của cơ sở>\nMật khẩu: ${{BHXH_PASSWORD}}\nURL: https://egw.baohiemxahoi.gov.vn\n"
        files = {
            "docs/huong-dan-ket-noi.md": guide.encode(),
            "docs/logo.png": b"\x89PNG\r\n",
            "docs/appsettings.sample.json": b'{"BHXH": {"Username": "", "Password": "changeme"}}\n',
        }
        return Blob(
            f"srv/docs/tailieu-{g.r.randint(1, 999)}.zip", "zip-backup", documents.zip_of(files), role="decoy"
        )
    if choice == 4:  # a note that says where the password is kept
        paragraphs = [
            "Bàn giao ca trực",
            f"Tài khoản cổng giám định BHYT: {code}_BV",
            "Mật khẩu cổng BHYT: xem kho bí mật của phòng CNTT",
            "Mật khẩu email: hỏi trưởng phòng",
        ]
        return Blob(
            f"Users/it/Documents/ghichu_{g.r.randint(1, 999)}.docx",
            "docx-note",
            documents.docx(paragraphs),
            role="decoy",
        )
    if choice == 5:  # a browser that never saw the portal
        return Blob(
            f"Users/nv{g.r.randint(1, 999)}/{g.pick(BROWSERS)}/Login Data",
            "browser-chromium",
            _login_data([("https://mail.google.com/", "nv"), ("https://his.benhvien.vn/", "bacsi")]),
            role="decoy",
        )
    if choice == 6:  # an ad blocker reaching every site, not the portal by name
        manifest = {
            "manifest_version": 3,
            "name": "Chặn quảng cáo",
            "host_permissions": ["<all_urls>"],
            "permissions": ["storage"],
        }
        return Blob(
            f"Users/nv/AppData/Local/Google/Chrome/User Data/Default/Extensions/{g.hexid(32)}/2.1_0/manifest.json",
            "browser-extension",
            json.dumps(manifest, ensure_ascii=False).encode(),
            role="decoy",
        )
    if choice == 7:  # a user script for another site
        script = "// ==UserScript==\n// @name Ẩn quảng cáo\n// @match https://*.youtube.com/*\n// ==/UserScript==\n"
        return Blob(
            f"Users/nv/Downloads/an-qc{g.r.randint(1, 99)}.user.js",
            "browser-userscript",
            script.encode(),
            role="decoy",
        )
    lines = "".join(
        f'10.0.1.{g.r.randint(2, 250)} - - [12/Mar/2025:09:00:{i % 60:02d} +0700] "POST /api/egw/Lskcb2025 HTTP/1.1" 200 {g.r.randint(100, 900)}\n'
        for i in range(300)
    )
    return Blob(
        f"var/log/nginx/egw.log.{g.r.randint(2, 9)}.gz",
        "gz-log",
        gzip.compress(lines.encode(), mtime=0),
        role="decoy",
    )


# ==== writing ========================================================================================


def add_to(
    tree: Path, seed: int, per_form: int = 6, decoys_per_form: int = 2
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Write the container forms under ``tree``; return (truth rows, manifest rows) to append."""
    g = Gen(seed * 7919 + VERSION)
    truth: list[dict[str, object]] = []
    manifest: list[dict[str, object]] = []
    used: set[str] = set()

    def write(blob: Blob) -> None:
        rel = blob.rel
        while rel in used or (tree / rel).exists():
            head, _, tail = rel.rpartition("/")
            rel = f"{head}/c{g.r.randint(0, 999)}/{tail}"
        used.add(rel)
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob.data)
        manifest.append({"path": rel, "form": blob.form, "role": blob.role})
        for member, line, kind in blob.truth:
            truth.append(
                {"path": f"{rel}!{member}" if member else rel, "line": line, "kind": kind, "form": blob.form}
            )

    for _ in range(per_form):
        for form in POSITIVE_FORMS.values():
            write(form(g))
    for _ in range(per_form * decoys_per_form * 2):
        write(decoy(g))
    return truth, manifest


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7001)
    parser.add_argument("--per-form", type=int, default=6)
    args = parser.parse_args()
    tree = args.out / "tree"
    tree.mkdir(parents=True, exist_ok=True)
    truth, manifest = add_to(tree, args.seed, args.per_form)
    with (args.out / "truth.jsonl").open("a", encoding="utf-8") as out:
        out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in truth)
    with (args.out / "manifest.jsonl").open("a", encoding="utf-8") as out:
        out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in manifest)
    print(json.dumps({"positives": len(truth), "files": len(manifest)}))


if __name__ == "__main__":
    main()
