"""Hostile containers: bombs, deep nesting, damage and DTDs are error entries, never a hang."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

from hisguard.lab import documents
from hisguard.scanners.credentials.readers import read
from hisguard.scanners.credentials.readers.limits import MIB, Limits
from tests.credentials.helpers import scan, write

ENV = b"BHXH_EGW_USERNAME=75901_BV\nBHXH_EGW_PASSWORD=Zx8!mnB4v\n"


def _errors(data: bytes, name: str = "/x/f.zip", limits: Limits | None = None) -> list[str]:
    return [p.message for p in read(name, data, limits) if p.kind == "error"]


def _bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.txt", b"\0" * size)
        archive.writestr("his/.env", ENV)
    return buffer.getvalue()


def test_zip_bomb_member_is_an_error_and_the_rest_is_read(tmp_path: Path) -> None:
    write(tmp_path, "bomb.zip", _bomb(32 * MIB))
    result = scan(tmp_path)
    assert any("bomb.zip!zeros.txt" in e and "times its stored size" in e for e in result.errors)
    assert [o.path.rsplit("!", 1)[1] for o in result.observations if o.kind == "secret"] == ["his/.env"]


def test_gzip_bomb_stops_at_the_ratio_bound() -> None:
    errors = _errors(gzip.compress(b"\0" * (16 * MIB)), "/var/log/x.log.gz")
    assert errors and "times its stored size" in errors[0]


def test_total_bytes_bound_stops_the_whole_file() -> None:
    members = {f"part{i}.txt": b"a" * MIB for i in range(8)}
    limits = Limits(max_total_bytes=3 * MIB, max_ratio=10**6)
    parts = list(read("/x/many.zip", documents.zip_of(members), limits))
    assert parts[-1].kind == "error" and "expands to more than 3 MiB" in parts[-1].message
    assert len([p for p in parts if p.kind == "text"]) <= 3


def test_member_count_bound() -> None:
    data = documents.zip_of({f"f{i}.txt": b"x" for i in range(30)})
    errors = _errors(data, limits=Limits(max_members=10))
    assert errors == ["more than 10 members: the rest was not read"]


def test_deep_nesting_is_an_error_at_the_level_it_stops(tmp_path: Path) -> None:
    data = ENV
    name = ".env"
    for level in range(4):
        data = documents.zip_of({name: data})
        name = f"level{level}.zip"
    write(tmp_path, "deep.zip", data)
    result = scan(tmp_path)
    assert [o for o in result.observations if o.kind == "secret"] == []
    assert any(
        "deep.zip!level2.zip!level1.zip!level0.zip" in e and "nested more than 3" in e for e in result.errors
    )
    # Three levels are read.
    write(
        tmp_path / "ok",
        "deep.zip",
        documents.zip_of({"a.zip": documents.zip_of({"b.zip": documents.zip_of({".env": ENV})})}),
    )
    assert len([o for o in scan(tmp_path / "ok").observations if o.kind == "secret"]) == 1


def test_damaged_files_are_errors(tmp_path: Path) -> None:
    good = documents.zip_of({"his/.env": ENV})
    bad_crc = bytearray(good)
    bad_crc[good.index(b"his/.env") + 8 + 5] ^= 0xFF  # a byte of the compressed data
    write(tmp_path, "truncated.zip", good[: len(good) // 2])
    write(tmp_path, "crc.zip", bytes(bad_crc))
    write(tmp_path, "not-really.xlsx", b"this is not a workbook\n")
    tgz = documents.tar_of({"a/.env": ENV * 400}, compress=True)
    write(tmp_path, "cut.tar.gz", tgz[: len(tgz) // 2])
    write(tmp_path, "garbage.tar", b"\x00" * 100 + b"ustar" + b"\xff" * 800)
    result = scan(tmp_path)
    names = {e.split("!")[0].split(":")[0].rsplit("/", 1)[1] for e in result.errors}
    assert {"truncated.zip", "crc.zip", "not-really.xlsx", "cut.tar.gz"} <= names
    assert all("Zx8!" not in e for e in result.errors)


def test_xml_with_a_dtd_is_refused() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    workbook = documents.xlsx({"S": [["Tài khoản", "Mật khẩu"]]})
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = laughs.encode() if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info, content)
    errors = _errors(buffer.getvalue(), "/x/lol.xlsx")
    assert errors == ["xlsx document: XML with a document type or entity declaration refused"]


def test_encrypted_member_is_reported_not_read() -> None:
    data = bytearray(documents.zip_of({"secret.txt": b"x"}))
    for header in (b"PK\x03\x04", b"PK\x01\x02"):  # set the "encrypted" flag in both headers
        at = data.index(header)
        flag_at = at + (6 if header == b"PK\x03\x04" else 8)
        data[flag_at] |= 0x1
    assert _errors(bytes(data)) == ["encrypted member: not read"]


def test_opendocument_repeats_are_bounded() -> None:
    """number-rows/columns-repeated can claim a billion cells in a few bytes: rows and cells kept
    are bounded, whatever the document says."""
    repeated = (
        '<table:table-row table:number-rows-repeated="1000000000">'
        '<table:table-cell table:number-columns-repeated="1000000000"><text:p>x</text:p></table:table-cell>'
        "</table:table-row>"
    )
    sheet = documents.ods({"S": [["Tài khoản", "Mật khẩu"]]})
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(sheet)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "content.xml":
                content = content.replace(b"</table:table>", repeated.encode() + b"</table:table>", 1)
            target.writestr(info, content)
    parts = list(read("/x/repeat.ods", buffer.getvalue(), Limits(max_columns=64)))
    tables = [p for p in parts if p.kind == "table"]
    assert len(tables) == 1 and len(tables[0].rows) == 2
    assert len(tables[0].rows[1][1]) == 64  # one row kept once, its cells cut at the column bound
