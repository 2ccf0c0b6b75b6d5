"""The NĐ30 document model and its two renderers: the required parts are there, values stay text."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest

from hisguard.reports.documents.model import (
    AdminDocument,
    Heading,
    Letterhead,
    Paragraph,
    Signer,
    Table,
    clean,
    distribution_lines,
)
from hisguard.reports.documents.pdf import render_html, render_pdf
from hisguard.reports.documents.word import render_docx

HOSTILE = "<script>alert(1)</script>{{ 7*7 }}{% raw %}\x1b[31m\x00\u202e"


def sample(lang: str = "vi", issued: date | None = None, **changes: object) -> AdminDocument:
    values: dict[str, object] = dict(
        lang=lang,
        letterhead=Letterhead(
            "Sở Y tế tỉnh Đồng Nai", "Bệnh viện Đa khoa Lab Đồng Nai", "BVĐKLĐN", "Đồng Nai"
        ),
        kind_code="BC",
        kind_title="Báo cáo",
        summary="Kết quả rà soát tài khoản giám định BHYT",
        recipients=("Sở Y tế tỉnh Đồng Nai",),
        body=(
            Heading("I. PHẠM VI RÀ SOÁT"),
            Paragraph("Thực hiện Công văn số 5877/BYT-BH, đơn vị đã rà soát."),
            Table(("STT", "Nội dung"), (("1", HOSTILE), ("2", "x" * 3000))),
        ),
        distribution=("Như trên", "Lưu: VT, CNTT"),
        signers=(Signer(title="Giám đốc"),),
        issued=issued,
        year=2026,
    )
    values.update(changes)
    return AdminDocument(**values)  # type: ignore[arg-type]


def word_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_number_and_date_follow_nd30() -> None:
    assert sample().number_line == "Số: ......./BC-BVĐKLĐN"
    assert sample().place_date == "Đồng Nai, ngày ...... tháng ...... năm 2026"
    assert sample(issued=date(2026, 2, 5)).place_date == "Đồng Nai, ngày 05 tháng 02 năm 2026"
    assert sample(issued=date(2026, 12, 5)).place_date == "Đồng Nai, ngày 05 tháng 12 năm 2026"
    blank = sample(letterhead=Letterhead())
    assert blank.number_line == "Số: ......./BC-......"
    assert blank.place_date.startswith("............, ngày")


def test_distribution_ends_with_a_full_stop() -> None:
    assert distribution_lines(["Như trên;", "", "Lưu: VT, CNTT"]) == ["- Như trên;", "- Lưu: VT, CNTT."]


def test_clean_drops_controls_and_bounds_length() -> None:
    assert clean("a\x00b\x1b[31m\u202ec\nd") == "a b [31m c d"
    long = clean("y" * 5000)
    assert len(long) == 400 and long.endswith("…")


def test_docx_holds_every_part_and_the_page_setup() -> None:
    data = render_docx(sample())
    text = word_text(data)
    for part in (
        "SỞ Y TẾ TỈNH ĐỒNG NAI",
        "BỆNH VIỆN ĐA KHOA LAB ĐỒNG NAI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: ......./BC-BVĐKLĐN",
        "Đồng Nai, ngày ...... tháng ...... năm 2026",
        "BÁO CÁO",
        "Kết quả rà soát tài khoản giám định BHYT",
        "Kính gửi: Sở Y tế tỉnh Đồng Nai",
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT, CNTT.",
        "GIÁM ĐỐC",
    ):
        assert part in text, part
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.5)
    assert (section.top_margin.mm, section.bottom_margin.mm) == pytest.approx((20, 20), abs=0.5)
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size.pt == 14
    # The header is two columns: the issuer on the left, quốc hiệu and tiêu ngữ on the right.
    left, right = document.tables[0].rows[0].cells
    assert left.text.startswith("SỞ Y TẾ") and right.text.startswith("CỘNG HÒA")
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert (section.left_margin.mm, section.right_margin.mm) == pytest.approx((30, 15), abs=0.5)
    assert "<script>alert(1)</script>{{ 7*7 }}{% raw %}" in text  # as text, controls gone
    assert "\x1b" not in text and "\x00" not in text


def test_html_escapes_values_and_never_runs_them_as_templates() -> None:
    html = render_html(sample()).replace("<wbr>", "")  # break opportunities, not text
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}{% raw %}" in html


def test_english_header() -> None:
    text = word_text(render_docx(sample(lang="en")))
    assert "SOCIALIST REPUBLIC OF VIETNAM" in text and "Independence - Freedom - Happiness" in text
    assert "No.: ......./BC-BVĐKLĐN" in text and "Recipients:" in text


def test_template_directory_overrides_the_stylesheet(tmp_path: Path) -> None:
    (tmp_path / "document.css").write_text("body { color: #123456; }", encoding="utf-8")
    assert "#123456" in render_html(sample(), tmp_path)
    assert "#123456" not in render_html(sample())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_text_keeps_vietnamese_diacritics(tmp_path: Path) -> None:
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(render_pdf(sample()))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    for part in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Kính gửi",
        "Nơi nhận:",
    ):
        assert part in text, part
    assert "<script>alert(1)</script>" in text


def test_a_cong_van_has_its_trich_yeu_under_the_number_and_no_ten_loai() -> None:
    letter = sample(kind_code="CV", kind_title="", summary="đề nghị khóa tài khoản")
    text = word_text(render_docx(letter))
    header = docx.Document(io.BytesIO(render_docx(letter))).tables[0].rows[0].cells[0].text
    assert "Số: ......./CV-BVĐKLĐN" in header and "V/v đề nghị khóa tài khoản" in header
    assert "BÁO CÁO" not in text
    html = render_html(letter).replace("<wbr>", "")
    assert 'class="letter-summary">V/v đề nghị khóa tài khoản' in html and 'class="kind"' not in html
