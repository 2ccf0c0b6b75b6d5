"""Generated planted files: ones too big, binary or repetitive to keep as data.

Each generator is deterministic (seeded), so a host planted twice holds the same bytes.
All patient data is invented.
"""

from __future__ import annotations

import base64
import random
import sqlite3
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from hisguard.lab import documents
from hisguard.lab.errors import LabError


def generate(name: str, args: Mapping[str, Any], values: Mapping[str, str]) -> bytes:
    try:
        make = _GENERATORS[name]
    except KeyError:
        raise LabError(f"unknown generator {name}") from None
    return make(args, values)


def vite_bundle(args: Mapping[str, Any], values: Mapping[str, str]) -> bytes:
    """A minified Vite bundle (one long line) with the portal login inlined from ``VITE_BHXH_*``."""
    rng = random.Random(f"vite:{values['hostname']}")
    size = int(args.get("size_kb", 300)) * 1024
    env = (
        '{BASE_URL:"/",MODE:"production",DEV:!1,PROD:!0,SSR:!1,'
        'VITE_API_URL:"https://egw.baohiemxahoi.gov.vn",'
        f'VITE_BHXH_USERNAME:"{values["portal_username"]}",'
        f'VITE_BHXH_PASSWORD:"{values["portal_password"]}",'
        f'VITE_MA_CSKCB:"{values["facility_code"]}"}}'
    )
    parts = [
        '(function(){const t=document.createElement("link").relList;'
        'if(t&&t.supports&&t.supports("modulepreload"))return;})();'
    ]
    filler_size = 0
    names = "abcdefghijklmnopqrstuvwxyz"
    while filler_size < size // 2:
        a, b, c = (rng.choice(names) + rng.choice(names) for _ in range(3))
        n = rng.randrange(1, 9999)
        chunk = (
            f"function {a}{n}({b},{c}){{return {b}==null?{n}:{b}.map(e=>e*{n}+{c}.length)"
            f'.filter(Boolean).join("{a}")}}'
        )
        parts.append(chunk)
        filler_size += len(chunk)
    parts.append(
        f'const Kt={env};async function Qt(){{const e=await fetch(Kt.VITE_API_URL+"/api/token/take",'
        '{method:"POST",headers:{"Content-Type":"application/json"},'
        "body:JSON.stringify({username:Kt.VITE_BHXH_USERNAME,password:Kt.VITE_BHXH_PASSWORD})});"
        "return e.json()}"
    )
    while filler_size < size:
        a, b = rng.choice(names), rng.choice(names)
        n = rng.randrange(1, 99999)
        chunk = f'var {a}{b}{n}=Object.freeze({{id:{n},k:"{a}{b}",v:[{n % 7},{n % 13},{n % 31}]}});'
        parts.append(chunk)
        filler_size += len(chunk)
    return ("".join(parts) + "\n").encode()


def chromium_login_data(args: Mapping[str, Any], values: Mapping[str, str]) -> bytes:
    """Chromium's ``Login Data`` (SQLite) with saved logins; the password blobs look encrypted."""
    rng = random.Random(f"login:{values['hostname']}")
    origins = args.get("origins", ["https://gdbhyt.baohiemxahoi.gov.vn/"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Login Data"
        db = sqlite3.connect(path)
        try:
            db.executescript(
                "CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);"
                "INSERT INTO meta VALUES('version','40'),('last_compatible_version','40');"
                "CREATE TABLE logins (origin_url VARCHAR NOT NULL, action_url VARCHAR,"
                " username_element VARCHAR, username_value VARCHAR, password_element VARCHAR,"
                " password_value BLOB, submit_element VARCHAR, signon_realm VARCHAR NOT NULL,"
                " date_created INTEGER NOT NULL, blacklisted_by_user INTEGER NOT NULL,"
                " scheme INTEGER NOT NULL,"
                " times_used INTEGER, date_last_used INTEGER NOT NULL DEFAULT 0,"
                " UNIQUE (origin_url, username_element, username_value, password_element, signon_realm));"
            )
            for origin in origins:
                blob = b"v10" + bytes(rng.randrange(256) for _ in range(28))
                db.execute(
                    "INSERT INTO logins VALUES (?,?,?,?,?,?,?,?,?,0,0,?,?)",
                    (
                        origin,
                        origin + "login",
                        "username",
                        values["portal_username"],
                        "password",
                        blob,
                        "",
                        origin,
                        13380000000000000 + rng.randrange(10**9),
                        rng.randrange(1, 200),
                        13385000000000000 + rng.randrange(10**9),
                    ),
                )
            db.commit()
        finally:
            db.close()
        return path.read_bytes()


_XML1 = """<?xml version="1.0" encoding="utf-8"?>
<TONG_HOP><MA_LK>{ma_lk}</MA_LK><STT>1</STT><MA_BN>{ma_bn}</MA_BN><HO_TEN>{ho_ten}</HO_TEN>\
<SO_CCCD>{cccd}</SO_CCCD><NGAY_SINH>{ngay_sinh}</NGAY_SINH><GIOI_TINH>{gioi_tinh}</GIOI_TINH>\
<MA_THE_BHYT>{the}</MA_THE_BHYT><MA_CSKCB>{facility}</MA_CSKCB><MA_BENH_CHINH>{icd}</MA_BENH_CHINH>\
<NGAY_VAO>{ngay}0800</NGAY_VAO><NGAY_RA>{ngay}1130</NGAY_RA><T_TONGCHI>{tien}</T_TONGCHI></TONG_HOP>
"""
_XML2 = """<?xml version="1.0" encoding="utf-8"?>
<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC><CHI_TIET_THUOC><MA_LK>{ma_lk}</MA_LK><STT>1</STT>\
<MA_THUOC>40.17</MA_THUOC><TEN_THUOC>Paracetamol 500mg</TEN_THUOC><SO_LUONG>10</SO_LUONG>\
</CHI_TIET_THUOC></DSACH_CHI_TIET_THUOC></CHITIEU_CHITIET_THUOC>
"""
_XML6 = """<?xml version="1.0" encoding="utf-8"?>
<CHI_TIEU_HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS><MA_LK>{ma_lk}</MA_LK><MA_THE_BHYT>{the}</MA_THE_BHYT>\
<SO_CCCD>{cccd}</SO_CCCD><NGAYKD_HIV>20190412</NGAYKD_HIV><MA_BENH>B20</MA_BENH>\
<BAT_DAU_DT_ARV>20190420</BAT_DAU_DT_ARV><PHAC_DO_DIEU_TRI_BD>TDF+3TC+DTG</PHAC_DO_DIEU_TRI_BD>\
<KQ_XNTL_VIRUS>Duoi nguong phat hien</KQ_XNTL_VIRUS></CHI_TIEU_HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS>
"""
_INNER = {"XML1": _XML1, "XML2": _XML2, "XML6": _XML6}
_NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Võ Minh Đức")


def claim_export(args: Mapping[str, Any], values: Mapping[str, str]) -> bytes:
    """A QĐ 130 claim export: ``GIAMDINHHS`` with base64 ``NOIDUNGFILE`` per ``LOAIHOSO``."""
    seed = int(args.get("seed", 1))
    rng = random.Random(f"claim:{values['hostname']}:{seed}")
    kinds = args.get("files", ["XML1", "XML2"])
    patient = {
        "ma_lk": f"{values['facility_code']}{rng.randrange(10**8):08d}",
        "ma_bn": f"BN{rng.randrange(10**6):06d}",
        "ho_ten": _NAMES[seed % len(_NAMES)],
        "cccd": f"0751{rng.randrange(10**8):08d}",
        "ngay_sinh": f"19{rng.randrange(50, 99)}0{rng.randrange(1, 9)}1{rng.randrange(0, 9)}0000",
        "gioi_tinh": str(rng.randrange(1, 3)),
        "the": f"DN4{rng.randrange(10**11, 10**12)}",
        "facility": values["facility_code"],
        "icd": rng.choice(["J06.9", "I10", "E11.9", "K29.7"]),
        "ngay": f"2025030{rng.randrange(1, 9)}",
        "tien": str(rng.randrange(100, 5000) * 1000),
    }
    files = []
    for kind in kinds:
        if kind not in _INNER:
            raise LabError(f"claim_export: unknown LOAIHOSO {kind}")
        inner = _INNER[kind].format(**patient).encode()
        files.append(
            f"<FILEHOSO><LOAIHOSO>{kind}</LOAIHOSO>"
            f"<NOIDUNGFILE>{base64.b64encode(inner).decode()}</NOIDUNGFILE></FILEHOSO>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"<GIAMDINHHS><THONGTINDONVI><MACSKCB>{values['facility_code']}</MACSKCB></THONGTINDONVI>"
        f"<THONGTINHOSO><NGAYLAP>{patient['ngay']}</NGAYLAP><SOLUONGHOSO>1</SOLUONGHOSO>"
        f"<DANHSACHHOSO><HOSO>{''.join(files)}</HOSO></DANHSACHHOSO></THONGTINHOSO>"
        "<CHUKYDONVI></CHUKYDONVI></GIAMDINHHS>\n"
    ).encode()


def account_list(args: Mapping[str, Any], values: Mapping[str, str]) -> bytes:
    """The IT room's spreadsheet of shared accounts (.xlsx or .ods): the portal row among others."""
    rows = [
        ["DANH SÁCH TÀI KHOẢN DÙNG CHUNG - PHÒNG CÔNG NGHỆ THÔNG TIN"],
        [],
        ["STT", "Hệ thống", "Tài khoản", "Mật khẩu", "Người giữ", "Ghi chú"],
        ["1", "Email phòng CNTT", "cntt@bvlab.vn", "Cntt#2025mail", "Trần Văn Bình", ""],
        [
            "2",
            "Cổng giám định BHYT",
            values["portal_username"],
            values["portal_password"],
            "Nguyễn Thị Hoa",
            "dùng chung",
        ],
        ["3", "Wi-Fi khoa khám", "khoakham", "Wifi@khoakham1", "", "đổi 6 tháng/lần"],
        ["4", "Cổng giám định BHYT (đào tạo)", values["portal_username"], "********", "", "đã đổi"],
    ]
    sheets = {str(args.get("sheet", "Tài khoản")): rows}
    return documents.ods(sheets) if args.get("format") == "ods" else documents.xlsx(sheets)


def filler(args: Mapping[str, Any], values: Mapping[str, str]) -> bytes:
    """Binary bulk (programs, videos, registry hives) a Windows disk holds and a scan must not pull."""
    rng = random.Random(f"filler:{values['hostname']}:{args.get('seed', 0)}")
    size = int(args.get("size_kb", 64)) * 1024
    return b"MZ\x90\x00" + rng.randbytes(size - 4)


_GENERATORS: dict[str, Callable[[Mapping[str, Any], Mapping[str, str]], bytes]] = {
    "account_list": account_list,
    "vite_bundle": vite_bundle,
    "chromium_login_data": chromium_login_data,
    "claim_export": claim_export,
    "filler": filler,
}
NAMES = tuple(_GENERATORS)
