"""PDF: laid out by WeasyPrint with local fonts; its text keeps the Vietnamese diacritics."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from hisguard.reports.formats import FORMATS
from hisguard.reports.model import FacilityInfo
from hisguard.reports.rollup import build_rollup, rollup_row

from .helpers import INFO, sample_report

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed"
)


def _text(pdf: str | bytes, tmp_path: Path) -> str:
    assert isinstance(pdf, bytes)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())  # table cells wrap: compare words only


def _fonts(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def test_vietnamese_pdf_keeps_its_diacritics(tmp_path: Path) -> None:
    report = sample_report(hosts=6, findings_per_host=4)
    pdf = FORMATS["pdf"].facility(report, "vi")
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF-")
    text = _text(pdf, tmp_path)
    for phrase in (
        "Bệnh viện Đa khoa Lab Đồng Nai",
        "Mức độ",
        "Việc cần làm",
        "Nghiêm trọng",
        "cần kiểm chứng",
    ):
        assert phrase in text, phrase
    assert "\ufffd" not in text  # no replacement character: every glyph had a font
    fonts = _fonts(pdf, tmp_path)
    assert "DejaVu" in fonts or "Noto" in fonts, fonts


def test_english_pdf_and_rollup(tmp_path: Path) -> None:
    report = sample_report(hosts=4, findings_per_host=3)
    text = _text(FORMATS["pdf"].facility(report, "en"), tmp_path)
    assert "What to do" in text and "Severity" in text and "Việc cần làm" not in text
    other = sample_report(FacilityInfo("74970", "Trung tâm Y tế Thủ Dầu Một", "Bình Dương"), hosts=4)
    rollup = build_rollup([rollup_row(report), rollup_row(other)])
    text = _text(FORMATS["pdf"].rollup(rollup, "vi"), tmp_path)
    assert "Tổng hợp toàn tỉnh" in text and INFO.name in text and "Trung tâm Y tế Thủ Dầu Một" in text


def test_pdf_is_tagged_for_screen_readers(tmp_path: Path) -> None:
    pdf = FORMATS["pdf"].facility(sample_report(hosts=2, findings_per_host=2), "vi")
    assert isinstance(pdf, bytes)
    path = tmp_path / "tagged.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
    assert "pdfuaid:part" in meta  # declared PDF/UA-1


def test_long_names_get_break_points_so_layout_stays_linear() -> None:
    # A 4,000-character name with no "/" took WeasyPrint minutes to lay out when it had to find
    # break points itself: the page gives it one every 40 characters (and after every "/").
    from hisguard.reports.templating import path_breaks

    shown = str(path_breaks("/srv/" + "x" * 4000))
    runs = shown.split("<wbr>")
    assert max(len(run) for run in runs) <= 40
    assert shown.replace("<wbr>", "") == "/srv/" + "x" * 4000
    assert str(path_breaks("<b>&")) == "&lt;b&gt;&amp;"  # still escaped
    # A sentence wraps at its spaces; a piece ends at each "/"; a piece with a hyphen never wraps.
    assert str(path_breaks("kho trình duyệt")) == "kho trình duyệt"
    assert str(path_breaks("/var/index-Dk3.js ws-01")) == (
        '/<wbr>var/<wbr><span class="nw">index-Dk3.js</span> <span class="nw">ws-01</span>'
    )
