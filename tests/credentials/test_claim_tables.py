"""Claim XML tables saved as files of their own are recognised by their own roots (D01), and the
HIV/AIDS table by itself is D02."""

from __future__ import annotations

from pathlib import Path

import pytest

from hisguard.scanners.credentials.rules import default_rules
from hisguard.scanners.credentials.scanner import run_local
from tests.credentials.helpers import write

# (file, root) as QĐ 130 (amended by 4750 and 3176) and QĐ 4210 name the tables saved alone.
TABLES = [
    ("XML1.xml", "TONG_HOP"),
    ("XML2.xml", "CHITIEU_CHITIET_THUOC"),
    ("XML3.xml", "CHITIEU_CHITIET_DVKT_VTYT"),
    ("XML4.xml", "CHITIEU_CHITIET_DICHVUCANLAMSANG"),
    ("XML5.xml", "CHITIEU_CHITIET_DIENBIENLAMSANG"),
    ("XML7.xml", "CHI_TIEU_DU_LIEU_GIAY_RA_VIEN"),
    ("XML8.xml", "CHI_TIEU_DU_LIEU_TOM_TAT_HO_SO_BENH_AN"),
    ("XML9.xml", "CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH"),
    ("XML10.xml", "CHI_TIEU_DU_LIEU_GIAY_NGHI_DUONG_THAI"),
    ("XML11.xml", "CHI_TIEU_DU_LIEU_GIAY_CHUNG_NHAN_NGHI_VIEC_HUONG_BAO_HIEM_XA_HOI"),
    ("XML12.xml", "CHI_TIEU_DU_LIEU_GIAM_DINH_Y_KHOA"),
    ("XML13.xml", "CHI_TIEU_GIAYCHUYENTUYEN"),
    ("XML14.xml", "CHI_TIEU_GIAYHEN_KHAMLAI"),
    ("XML15.xml", "CHI_TIEU_DIEUTRI_BENHLAO"),
    ("checkin.xml", "CHI_TIEU_TRANG_THAI_KCB"),
]
HIV = "CHI_TIEU_HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS"


def _table(root: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"<{root}>\n  <DSACH>\n    <ITEM><MA_LK>LK0001</MA_LK><HO_TEN>Nguyễn Văn An</HO_TEN>"
        f"<MA_THE_BHYT>DN4797912345678</MA_THE_BHYT></ITEM>\n  </DSACH>\n</{root}>\n"
    )


@pytest.mark.parametrize(("name", "root"), TABLES)
def test_each_table_root_is_a_claim_file(tmp_path: Path, name: str, root: str) -> None:
    write(tmp_path, f"ExportXml3176/{name}", _table(root))
    run = run_local([str(tmp_path)], default_rules(), jobs=1)
    d01 = [f for f in run.findings if f.check_id == "D01"]
    assert len(d01) == 1 and d01[0].details["roots"] == {root: 1}
    assert not [f for f in run.findings if f.check_id == "D02"]


def test_standalone_hiv_table_is_d02(tmp_path: Path) -> None:
    write(tmp_path, "Desktop/XML6_HIV.xml", _table(HIV))
    write(tmp_path, "Desktop/XML2.xml", _table("CHITIEU_CHITIET_THUOC").replace("\n", "\r\n"))
    run = run_local([str(tmp_path)], default_rules(), jobs=1)
    ids = sorted((f.check_id, Path(f.resource).name) for f in run.findings)
    assert ("D02", "XML6_HIV.xml") in ids and ("D01", "Desktop") in ids
    assert ("D02", "XML2.xml") not in ids


def test_utf16_table_and_look_alikes(tmp_path: Path) -> None:
    write(tmp_path, "share/XML3.xml", b"\xff\xfe" + _table("CHITIEU_CHITIET_DVKT_VTYT").encode("utf-16-le"))
    # A document that only mentions a root, and an element that starts like one, are not claim files.
    write(tmp_path, "docs/huong_dan.xml", "<HUONGDAN><GHICHU>CHITIEU_CHITIET_THUOC</GHICHU></HUONGDAN>\n")
    write(tmp_path, "docs/other.xml", "<TONG_HOP_BAO_CAO><DONG>1</DONG></TONG_HOP_BAO_CAO>\n")
    run = run_local([str(tmp_path)], default_rules(), jobs=1)
    d01 = [f for f in run.findings if f.check_id == "D01"]
    assert [(Path(f.resource).name, f.details["files"]) for f in d01] == [("share", 1)]
