"""An :class:`AdminDocument` as a Word document (python-docx), in NĐ30's thể thức.

A4, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman, body 14 pt; header in
two borderless columns; page numbers centred at the top from page 2. Every value is written as
a text run: nothing in it is read as a field, a style or markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table as WordTable
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph as WordParagraph

from hisguard.reports.documents.model import (
    AdminDocument,
    Heading,
    Paragraph,
    Signer,
    Table,
    clean,
    distribution_lines,
)

FONT = "Times New Roman"
BODY_PT = 14
HEADER_PT = 13
TABLE_PT = 12
TEXT_WIDTH_MM = 210 - 30 - 15
LONG_TEXT = 20000  # a body paragraph's bound (values inside it were bounded when built)
BASE_DOCX = "document.docx"


def render_docx(doc: AdminDocument, template_dir: Path | None = None) -> bytes:
    """The document as .docx bytes. A ``document.docx`` in ``template_dir`` is the base (its
    styles, a letterhead image in its header); the content is added after what it holds."""
    base = template_dir / BASE_DOCX if template_dir else None
    word = Document(str(base)) if base is not None and base.is_file() else Document()
    _page_setup(word)
    _header(word, doc)
    _title(word, doc)
    for block in (*doc.preamble,):
        _paragraph(word, block)
    if doc.recipients:
        _recipients(word, doc)
    _blocks(word, doc.body)
    # The last body paragraph stays on the signature's page (never a page with only a signature).
    word.paragraphs[-1].paragraph_format.keep_with_next = True
    _closing(word, doc)
    if doc.appendix:
        _blocks(word, doc.appendix)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _page_setup(word: WordDocument) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    # Word picks the font per script; give every slot Times New Roman.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    # Page numbers: centred at the top, not on the first page (NĐ30 Phụ lục I, mục 11).
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(number)


def _page_field(paragraph: WordParagraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _text(value: str) -> str:
    return clean(value, LONG_TEXT)


def _run(paragraph: WordParagraph, text: str, size: float, bold: bool = False, italic: bool = False) -> None:
    run = paragraph.add_run(_text(text))
    run.font.size = Pt(size)
    run.font.name = FONT
    run.bold = bold
    run.italic = italic


def _centered(cell_or_doc: WordDocument | _Cell, first: bool = False) -> WordParagraph:
    paragraph = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.first_line_indent = Cm(0)
    return paragraph


def _rule_below(paragraph: WordParagraph, width_mm: float, column_mm: float) -> None:
    """A solid line under the paragraph, ``width_mm`` long, centred in its column: a bottom
    border of a paragraph narrowed by equal indents (NĐ30's đường kẻ ngang nét liền)."""
    side = max((column_mm - width_mm) / 2, 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def _text_mm(text: str, size_pt: float, bold: bool) -> float:
    """A rough width of a line of Times New Roman: enough to size a rule under it."""
    per_char = 0.5 if bold else 0.46
    return len(text) * size_pt * per_char * 0.3528


def _borderless(word: WordDocument, cols: int, widths_mm: Sequence[float]) -> WordTable:
    table: WordTable = word.add_table(rows=1, cols=cols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # A header or signature row is never split across two pages.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, width in zip(table.rows[0].cells, widths_mm, strict=True):
        cell.width = Mm(width)
    return table


HEADER_LEFT_MM = 65.0
HEADER_RIGHT_MM = TEXT_WIDTH_MM - HEADER_LEFT_MM


def _header(word: WordDocument, doc: AdminDocument) -> None:
    head = doc.letterhead
    table = _borderless(word, 2, (HEADER_LEFT_MM, HEADER_RIGHT_MM))
    left, right = table.rows[0].cells
    p = _centered(left, first=True)
    _run(p, head.governing_body.upper() or "....................", HEADER_PT)
    p = _centered(left)
    issuer = head.issuer.upper() or "...................."
    _run(p, issuer, HEADER_PT, bold=True)
    _rule_below(p, HEADER_LEFT_MM / 3, HEADER_LEFT_MM)
    p = _centered(left)
    p.paragraph_format.space_before = Pt(6)
    _run(p, doc.number_line, HEADER_PT)
    if doc.is_letter:
        p = _centered(left)
        _run(p, f"V/v {doc.summary}" if doc.lang == "vi" else f"Re: {doc.summary}", HEADER_PT - 1)

    p = _centered(right, first=True)
    _run(p, doc.quoc_hieu, HEADER_PT, bold=True)
    p = _centered(right)
    _run(p, doc.tieu_ngu, BODY_PT, bold=True)
    _rule_below(p, _text_mm(doc.tieu_ngu, BODY_PT, bold=True), HEADER_RIGHT_MM)
    p = _centered(right)
    p.paragraph_format.space_before = Pt(6)
    _run(p, doc.place_date, BODY_PT, italic=True)


def _title(word: WordDocument, doc: AdminDocument) -> None:
    if doc.is_letter:  # a công văn's trích yếu is in the header
        word.add_paragraph().paragraph_format.space_after = Pt(6)
        return
    p = _centered(word)
    p.paragraph_format.space_before = Pt(18)
    _run(p, doc.kind_title.upper(), BODY_PT, bold=True)
    p = _centered(word)
    _run(p, doc.summary, BODY_PT, bold=True)
    _rule_below(p, TEXT_WIDTH_MM / 4, TEXT_WIDTH_MM)
    word.add_paragraph().paragraph_format.space_after = Pt(0)


def _recipients(word: WordDocument, doc: AdminDocument) -> None:
    label = doc.label("to")
    p = _centered(word)
    if len(doc.recipients) == 1:
        _run(p, f"{label} {doc.recipients[0]}", BODY_PT)
        return
    _run(p, label, BODY_PT)
    for name in doc.recipients:
        item = _centered(word)
        _run(item, f"- {name};", BODY_PT)


def _paragraph(word: WordDocument, block: Paragraph) -> None:
    p = word.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Cm(1.27) if block.indent else Cm(0)
    _run(p, block.text, BODY_PT, bold=block.bold, italic=block.italic)


def _heading(word: WordDocument, block: Heading) -> None:
    p = word.add_paragraph()
    p.paragraph_format.first_line_indent = Cm(1.27)
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.keep_with_next = True
    _run(p, block.text, BODY_PT, bold=True)


def _table(word: WordDocument, block: Table) -> None:
    if block.caption:
        p = word.add_paragraph()
        p.paragraph_format.keep_with_next = True
        _run(p, block.caption, BODY_PT, italic=True)
    cols = len(block.header)
    table = word.add_table(rows=1, cols=cols)
    table.style = "Table Grid"
    table.autofit = False
    widths = block.widths or tuple(1.0 for _ in range(cols))
    total = sum(widths)
    sizes = [Mm(TEXT_WIDTH_MM * w / total) for w in widths]
    header = table.rows[0]
    _repeat_header(header)
    for cell, text, width in zip(header.cells, block.header, sizes, strict=True):
        cell.width = width
        p = _centered(cell, first=True)
        _run(p, text, TABLE_PT, bold=True)
    for row in block.rows:
        cells = table.add_row().cells
        for cell, text, width in zip(cells, row, sizes, strict=True):
            cell.width = width
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.first_line_indent = Cm(0)
            _run(p, text, TABLE_PT)
    word.add_paragraph().paragraph_format.space_after = Pt(0)


def _repeat_header(row: _Row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _blocks(word: WordDocument, blocks: Sequence[Paragraph | Heading | Table]) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            _heading(word, block)
        elif isinstance(block, Table):
            _table(word, block)
        else:
            _paragraph(word, block)


def _signer(cell: _Cell, signer: Signer, note: str, first: bool) -> None:
    if signer.caption:
        p = _centered(cell, first=first)
        first = False
        _run(p, signer.caption.upper(), BODY_PT, bold=True)
    if signer.authority:
        p = _centered(cell, first=first)
        first = False
        _run(p, signer.authority.upper(), BODY_PT, bold=True)
    p = _centered(cell, first=first)
    _run(p, signer.title.upper() or "....................", BODY_PT, bold=True)
    p = _centered(cell)
    _run(p, note, BODY_PT - 1, italic=True)
    for _ in range(4):  # the signature (and seal) space
        _centered(cell)
    p = _centered(cell)
    _run(p, signer.name or "....................", BODY_PT, bold=True)


def _closing(word: WordDocument, doc: AdminDocument) -> None:
    signers = doc.signers or (Signer(),)
    if doc.distribution or len(signers) == 1:
        table = _borderless(word, 2, (TEXT_WIDTH_MM * 0.45, TEXT_WIDTH_MM * 0.55))
        left, right = table.rows[0].cells
        p = left.paragraphs[0]
        p.paragraph_format.first_line_indent = Cm(0)
        p.paragraph_format.space_after = Pt(0)
        if doc.distribution:
            _run(p, doc.label("distribution"), 12, bold=True, italic=True)
            for line in distribution_lines(doc.distribution):
                item = left.add_paragraph()
                item.paragraph_format.space_after = Pt(0)
                item.paragraph_format.first_line_indent = Cm(0)
                _run(item, line, 11)
        _signer(right, signers[0], doc.label("seal"), first=True)
        signers = signers[1:]
    if signers:
        # Reviewers of a biên bản: side by side, two a row.
        for start in range(0, len(signers), 2):
            pair = signers[start : start + 2]
            table = _borderless(word, 2, (TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2))
            for cell, signer in zip(table.rows[0].cells, pair, strict=False):
                _signer(cell, signer, doc.label("signature"), first=True)
            word.add_paragraph()
