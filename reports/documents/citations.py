"""The documents' citations, from the regulation catalog with their confidence.

A citation is printed by its document name only; whether it is verified is said once, in the
appendix table, where every cited text is listed with its confidence (a secondary one is
marked "to be verified": no article number of it is given that the catalog does not give).
"""

from __future__ import annotations

from collections.abc import Iterable

from hisguard.reports.documents.model import Heading, Paragraph, Table
from hisguard.scanners.catalog import Regulation, regulations

LETTER_ORDER = ("CV-5877-BYT-BH", "CV-5970-SYT-NV", "CV-1898-BYT-BH", "CV-2234-SYT-KHTC")
CONFIDENCE = {
    "vi": {
        "letter": "Công văn đơn vị thực hiện",
        "verified": "Đã đối chiếu văn bản gốc",
        "secondary": "Chưa kiểm chứng: cần đối chiếu văn bản gốc (*)",
    },
    "en": {
        "letter": "Letter the facility answers",
        "verified": "Checked against the official text",
        "secondary": "Not verified: check the official text (*)",
    },
}


def document_name(key: str, lang: str) -> str:
    regulation = regulations().get(key)
    return regulation.document.get(lang) if regulation else key


def cited(keys: Iterable[str]) -> list[Regulation]:
    """The catalog entries of ``keys`` (unknown ones skipped), the letters first, each once."""
    catalog = regulations()
    wanted = dict.fromkeys(k for k in keys if k in catalog)
    order = {key: i for i, key in enumerate(LETTER_ORDER)}
    return [catalog[k] for k in sorted(wanted, key=lambda k: (order.get(k, len(order)), k))]


def appendix(keys: Iterable[str], lang: str, title: str) -> tuple[Heading | Paragraph | Table, ...]:
    entries = cited(keys)
    if not entries:
        return ()
    vi = lang == "vi"
    rows = tuple(
        (str(i), r.document.get(lang), r.requirement.get(lang), CONFIDENCE[lang][r.confidence])
        for i, r in enumerate(entries, 1)
    )
    note = (
        "(*) Văn bản chưa được đối chiếu với văn bản gốc, chỉ biết qua bản tổng hợp: không viện dẫn số "
        "điều, khoản khi chưa đối chiếu."
        if vi
        else "(*) Not checked against the official text, known from a compilation only: no article is "
        "cited until it is checked."
    )
    header = (
        ("STT", "Văn bản", "Nội dung liên quan", "Mức độ xác thực")
        if vi
        else ("No.", "Document", "Relevant content", "Confidence")
    )
    blocks: list[Heading | Paragraph | Table] = [
        Heading(title),
        Table(header, rows, widths=(0.9, 3.2, 5.2, 2.2)),
    ]
    if any(r.to_be_verified for r in entries):
        blocks.append(Paragraph(note, italic=True, indent=False))
    return tuple(blocks)
