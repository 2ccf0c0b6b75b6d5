"""Office documents and archives: account lists and handover notes inside them, and their decoys."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from hisguard.lab import documents
from hisguard.scanners.credentials.readers import fold, read
from hisguard.scanners.credentials.readers.limits import Limits
from tests.credentials.helpers import scan, write

ACCOUNTS = [
    ["DANH SÁCH TÀI KHOẢN PHẦN MỀM - PHÒNG CNTT"],
    [],
    ["STT", "Hệ thống", "Tài khoản", "Mật khẩu", "Ghi chú"],
    ["1", "Cổng giám định BHYT", "75901_BV", "Qx7#kLm2p", "dùng chung khoa khám"],
    ["2", "Email công ty", "it@bv75901.vn", "Em@il2024x", ""],
    ["3", "Wi-Fi khoa khám", "wifi-kk", "W1f1Pass!", ""],
]
NOTE = [
    "BIÊN BẢN BÀN GIAO CÔNG VIỆC",
    "Người bàn giao: Trần Văn Bình, phòng CNTT",
    "Tài khoản cổng giám định BHYT: 75901_BV",
    "Mật khẩu: Rt5%vbN8q",
    "Ghi chú: đổi mật khẩu sau khi nhận bàn giao.",
]


def found(root: Path) -> set[tuple[str, int, str]]:
    """(member path below root, line or row, kind) of every secret."""
    result = scan(root)
    return {
        (o.path[len(str(root)) + 1 :], o.line, o.secret_kind)
        for o in result.observations
        if o.kind == "secret"
    }


@pytest.mark.parametrize(
    ("name", "make"),
    [("TaiKhoan.xlsx", documents.xlsx), ("TaiKhoan.ods", documents.ods)],
)
def test_account_list_sheet_maps_header_to_rows(tmp_path: Path, name: str, make: object) -> None:
    write(tmp_path, name, make({"Tài khoản": ACCOUNTS}))  # type: ignore[operator]
    # Only the portal row: the e-mail and Wi-Fi rows name their own systems.
    assert found(tmp_path) == {(f"{name}!Tài khoản", 4, "password")}
    users = [o for o in scan(tmp_path).observations if o.kind == "username"]
    assert [(o.username, o.line) for o in users] == [("75901_BV", 4)]


def test_sheet_named_for_the_portal_gives_context_to_every_row(tmp_path: Path) -> None:
    rows = [["Tên đăng nhập", "Mật khẩu", "Người giữ"], ["nv.hoa", "Hoa@2025!", "Nguyễn Thị Hoa"]]
    write(tmp_path, "ds.xlsx", documents.xlsx({"Cong BHXH": rows, "Email": rows}))
    assert found(tmp_path) == {("ds.xlsx!Cong BHXH", 2, "password")}


def test_sheet_name_in_vietnamese_is_context_for_any_username(tmp_path: Path) -> None:
    rows = [["Bảng theo dõi"], [], ["STT", "Tên đăng nhập", "Mật khẩu"], ["1", "079123456789", "Abc@12345"]]
    write(tmp_path, "theodoi.xlsx", documents.xlsx({"Giám định": rows}))
    assert found(tmp_path) == {("theodoi.xlsx!Giám định", 4, "password")}


def test_vertical_sheet_and_md5_column(tmp_path: Path) -> None:
    rows = [
        ["Thông tin kết nối cổng giám định"],
        ["Tài khoản", "75901_BV"],
        ["Mật khẩu (MD5)", "0f359740bd1cda994f8b55330c86d845"],
    ]
    write(tmp_path, "ketnoi.xlsx", documents.xlsx({"Sheet1": rows}))
    assert found(tmp_path) == {("ketnoi.xlsx!Sheet1", 3, "password_hash")}


@pytest.mark.parametrize(("name", "make"), [("BanGiao.docx", documents.docx), ("BanGiao.odt", documents.odt)])
def test_handover_note_paragraphs(tmp_path: Path, name: str, make: object) -> None:
    write(tmp_path, name, make(NOTE))  # type: ignore[operator]
    label = "document" if name.endswith(".docx") else "content"
    assert found(tmp_path) == {(f"{name}!{label}", 4, "password")}


def test_word_table_is_an_account_list(tmp_path: Path) -> None:
    write(tmp_path, "BanGiao.docx", documents.docx(["Danh sách tài khoản bàn giao"], [ACCOUNTS[2:]]))
    assert found(tmp_path) == {("BanGiao.docx!document.table1", 2, "password")}


def test_nested_archives_name_every_level(tmp_path: Path) -> None:
    env = b"BHXH_EGW_USERNAME=75901_BV\nBHXH_EGW_PASSWORD=Zx8!mnB4v\n"
    inner = documents.zip_of({"his/.env": env, "bang/TaiKhoan.xlsx": documents.xlsx({"S1": ACCOUNTS})})
    write(tmp_path, "saoluu.tar.gz", documents.tar_of({"home/it/sao-luu.zip": inner}, compress=True))
    write(tmp_path, "cu.env.gz", gzip.compress(env))
    assert found(tmp_path) == {
        ("saoluu.tar.gz!home/it/sao-luu.zip!his/.env", 2, "password"),
        ("saoluu.tar.gz!home/it/sao-luu.zip!bang/TaiKhoan.xlsx!S1", 4, "password"),
        ("cu.env.gz!cu.env", 2, "password"),
    }


def test_rotated_log_in_gzip_keeps_log_rules(tmp_path: Path) -> None:
    import gzip

    line = "GET /api/egw/Lskcb2025?token=eyJhbGciOiJIUzI1NiJ9.eHl6.c2ln&username=75901_BV 200\n"
    write(tmp_path, "var/log/nginx/access.log.2.gz", gzip.compress(("GET / 200\n" * 50 + line).encode()))
    assert found(tmp_path) == {("var/log/nginx/access.log.2.gz!access.log.2", 51, "token")}


def test_decoys_give_nothing(tmp_path: Path) -> None:
    # A sheet with no password column, a masked column, logins of other systems only, a zip of
    # documentation with placeholders, a note that only says where the password is kept.
    write(
        tmp_path,
        "nhansu.xlsx",
        documents.xlsx({"BHXH": [["Họ tên", "Mã số BHXH", "Khoa"], ["Nguyễn Văn A", "7512345678", "Nội"]]}),
    )
    write(
        tmp_path,
        "taikhoan-che.xlsx",
        documents.xlsx(
            {
                "Cổng BHYT": [
                    ["Tài khoản", "Mật khẩu", "Ngày đổi mật khẩu"],
                    ["75901_BV", "********", "2025-03-01"],
                ]
            }
        ),
    )
    write(tmp_path, "email.ods", documents.ods({"Email": [r for r in ACCOUNTS if "BHYT" not in "".join(r)]}))
    guide = (
        "Hướng dẫn kết nối cổng BHXH\nBHXH_EGW_PASSWORD=<mật khẩu của cơ sở>\nMật khẩu: ${BHXH_PASSWORD}\n"
    )
    write(
        tmp_path,
        "tailieu.zip",
        documents.zip_of({"docs/huong-dan.md": guide.encode(), "logo.png": b"\x89PNG"}),
    )
    write(tmp_path, "ghichu.docx", documents.docx(["Mật khẩu cổng BHYT: xem kho bí mật của phòng CNTT"]))
    result = scan(tmp_path)
    assert [o for o in result.observations if o.kind == "secret"] == []
    assert result.errors == []


def test_reader_api_for_other_callers() -> None:
    """The API the Windows share reader uses: a name and bytes in, member parts out."""
    data = documents.zip_of(
        {"a/ghi-chu.txt": "Mật khẩu: x\n".encode(), "b/ds.xlsx": documents.xlsx({"S": ACCOUNTS})}
    )
    parts = list(read(r"\\his-share\it\backup.zip", data, Limits()))
    assert [(p.kind, p.path) for p in parts] == [
        ("text", r"\\his-share\it\backup.zip!a/ghi-chu.txt"),
        ("table", r"\\his-share\it\backup.zip!b/ds.xlsx!S"),
    ]
    assert parts[1].rows[2] == [4, ACCOUNTS[3]]  # empty rows are left out, numbers kept
    assert "Qx7" not in repr(parts)


def test_label_folding() -> None:
    assert fold.key_name("Mật khẩu (MD5)") == "MatKhauMD5"
    assert fold.key_name("Tên đăng nhập BHXH") == "TenDangNhapBHXH"
    assert fold.label_line("Mật khẩu: Rt5%vbN8q") == "MatKhau: Rt5%vbN8q"
    assert fold.label_line("Xem https://gdbhyt.baohiemxahoi.gov.vn: mục A") == (
        "Xem https://gdbhyt.baohiemxahoi.gov.vn: mục A"
    )


def test_patient_sheet_without_credential_labels_stays_on_the_host(tmp_path: Path) -> None:
    """Only a table with a credential label leaves the collector (it may run on a remote host)."""
    from hisguard.scanners.credentials import collect
    from hisguard.scanners.credentials.local import collector_settings
    from hisguard.scanners.credentials.rules import default_rules

    patients = [["Họ tên", "Mã thẻ BHYT", "Ngày sinh"], ["Nguyễn Văn An", "DN4797512345678", "1980-02-01"]]
    path = write(tmp_path, "ds_benh_nhan_bhyt.xlsx", documents.xlsx({"BHYT": patients}))
    settings = collect.Settings(collector_settings(default_rules(), [str(tmp_path)], max_bytes=1 << 24))
    assert [r["t"] for r in collect.scan_file(str(path), settings)] == []
    accounts = write(tmp_path, "tk.xlsx", documents.xlsx({"S": ACCOUNTS}))
    assert [r["t"] for r in collect.scan_file(str(accounts), settings)] == ["table"]
