"""The notices from a synthetic store and pack: they open with python-docx, hold NĐ30's parts,
the breach duty from the catalog, the evidence ids, and no secret or card number (canary)."""

from __future__ import annotations

import hashlib
import io
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from hisguard.lab import vault as lab_vault
from hisguard.scanners.catalog import breach_notices
from tests.entry_point import hisguard
from tests.investigation import synthetic

STEMS = ("bao-cao-cong-an-so-y-te", "thong-bao-vi-pham-du-lieu-ca-nhan", "cong-van-bhxh-khoa-tai-khoan")


def _notices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str = "vi"
) -> tuple[Path, Path, list[str], str]:
    inv = synthetic.inventory()
    secret = synthetic.password(inv)
    url = synthetic.store(tmp_path)
    root = synthetic.pack(tmp_path / "pack", secret)
    out = tmp_path / "notices"
    code, stdout, err = hisguard(
        [
            "evidence", "notices", "--account", "egw-his", "--facility", "75901", "--store", url,
            "-i", str(synthetic.INVENTORY), *lab_vault.vault_options(),
            "--pack", str(root), "--out", str(out), "--lang", lang,
            "--portal-network", synthetic.PORTAL_NET,
        ],
        monkeypatch,
        capsys,
    )  # fmt: skip
    assert code == 0, err
    md5 = hashlib.md5(secret.encode(), usedforsecurity=False).hexdigest()
    return out, root, [secret, md5, md5.upper()], stdout + err


def _text(path: Path) -> str:
    document = docx.Document(io.BytesIO(path.read_bytes()))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_the_three_notices_hold_the_required_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out, root, _, _ = _notices(tmp_path, monkeypatch, capsys)
    for stem in STEMS:
        for suffix in (".docx", ".pdf"):
            path = out / f"{stem}{suffix}"
            assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o640
    common = (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BỆNH VIỆN ĐA KHOA LAB ĐỒNG NAI",
        "Đồng Nai, ngày ...... tháng ...... năm",
        "Nơi nhận:",
        "- Lưu: VT, CNTT.",
        "GIÁM ĐỐC",
        "..........",  # blanks for what only a person can answer
    )
    police = _text(out / f"{STEMS[0]}.docx")
    for part in (*common, "Số: ......./BC-", "BÁO CÁO", "Về việc nghi lộ lọt tài khoản cổng giám định BHYT",
                 "Kính gửi:", "Công an tỉnh Đồng Nai", "Sở Y tế tỉnh Đồng Nai", "5877/BYT-BH"):  # fmt: skip
        assert part in police, part
    # The timeline with its evidence: an item id and its SHA-256, the pack and its manifest hash.
    manifest = hashlib.sha256((root / "manifest.json").read_bytes()).hexdigest()
    assert "EV-20250303T030000Z-synthetic" in police and manifest in police
    assert "E0003, sha256 " in police and "finding " in police
    assert "40 người bệnh" in police and "Ít nhất 3 hồ sơ" in police
    assert "không phải là kết luận" in police

    breach = _text(out / f"{STEMS[1]}.docx")
    (duty_entry,) = breach_notices()
    duty = duty_entry.breach_notice
    assert duty is not None
    expected = (
        "Số: ......./TB-",
        "THÔNG BÁO",
        "Vi phạm quy định về bảo vệ dữ liệu cá nhân",
        f"trong {duty.deadline_hours} giờ",
        "Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
        "độ tin cậy: chưa đối chiếu văn bản gốc",
        "Nghị định 356/2025/NĐ-CP",
    )
    for part in (*common, *expected):
        assert part in breach, part
    assert "Kính gửi: Cục An ninh mạng" in breach  # the recipient is the catalog's
    assert "hạn chậm nhất là 2025-03-06 09:00" in breach  # 72 h after the first scan (09:00 Vietnam)

    letter = _text(out / f"{STEMS[2]}.docx")
    for part in (*common, "Số: ......./CV-", "V/v đề nghị khóa tài khoản cổng giám định BHYT",
                 "Kính gửi: Bảo hiểm xã hội tỉnh Đồng Nai", "75901_BV", "nhật ký truy cập",
                 "từ ngày 01/03/2025"):  # fmt: skip
        assert part in letter, part
    assert "BÁO CÁO" not in letter


def test_english_notices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _, _, _ = _notices(tmp_path, monkeypatch, capsys, lang="en")
    breach = _text(out / f"{STEMS[1]}.docx")
    assert "SOCIALIST REPUBLIC OF VIETNAM" in breach and "within 72 hours" in breach
    assert "to be verified" in breach
    assert "Re: request to lock" in _text(out / f"{STEMS[2]}.docx")


def test_canary_no_secret_and_no_card_number_in_the_notices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out, root, secrets, said = _notices(tmp_path, monkeypatch, capsys)
    # The planted secret is in the pack (a copied file and a log line), so the search can fail.
    assert any(
        s.encode() in p.read_bytes() for p in (root / "items").rglob("*") if p.is_file() for s in secrets
    )
    assert not [s for s in secrets if s in said]
    for stem in STEMS:
        with zipfile.ZipFile(out / f"{stem}.docx") as word:
            xml = b"".join(word.read(name) for name in word.namelist())
        assert not [s for s in secrets if s.encode() in xml], stem
        assert b"DN479" not in xml
    if shutil.which("pdftotext"):
        for stem in STEMS:
            text = subprocess.run(
                ["pdftotext", str(out / f"{stem}.pdf"), "-"], capture_output=True, text=True, check=True
            ).stdout
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text  # the text layer is readable
            assert not [s for s in secrets if s in text] and "DN479" not in text


def test_notices_are_never_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out, root, _, _ = _notices(tmp_path, monkeypatch, capsys)
    (tmp_path / "again").mkdir()
    url = synthetic.store(tmp_path / "again")
    code, _, err = hisguard(
        [
            "evidence",
            "notices",
            "--account",
            "75901_BV",
            "--store",
            url,
            "--pack",
            str(root),
            "--out",
            str(out),
        ],
        monkeypatch,
        capsys,
    )
    assert code == 2 and "never overwritten" in err and "Traceback" not in err
