"""A Vietnamese administrative document as Nghị định 30/2020/NĐ-CP (Phụ lục I) lays it out.

One model, two renderers (``docx.py``, ``pdf.py``): the header (cơ quan chủ quản and tên cơ
quan ban hành on the left, Quốc hiệu and Tiêu ngữ on the right), số/ký hiệu with the number left
blank for the clerk, địa danh and date, tên loại and trích yếu, "Kính gửi", the body, then nơi
nhận on the left and the signer's authority and title on the right, the signature and (unless
given) the name left blank.

Every string in the model is plain text: renderers escape it (HTML) or write it as a text run
(Word); nothing here is ever read as markup or as a template. ``clean`` makes any value safe to
hold: control characters go, and a value is bounded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

QUOC_HIEU = {"vi": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "en": "SOCIALIST REPUBLIC OF VIETNAM"}
TIEU_NGU = {"vi": "Độc lập - Tự do - Hạnh phúc", "en": "Independence - Freedom - Happiness"}
# The longest value a document shows in one place: a scanned path can be thousands of
# characters; a document needs its start and the fact that it was cut.
MAX_VALUE = 400
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\r\n]+")


def clean(value: object, limit: int = MAX_VALUE) -> str:
    """One line of printable text from any value: controls and bidi overrides become a space,
    runs of white space one space, and a value longer than ``limit`` ends in "…"."""
    text = "" if value is None else str(value)
    text = _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


@dataclass(frozen=True)
class Letterhead:
    """Who issues the document (thể thức: cơ quan chủ quản, tên cơ quan, ký hiệu, địa danh).

    An empty field is printed as a blank to fill in by hand, never guessed.
    """

    governing_body: str = ""  # cơ quan chủ quản, e.g. "SỞ Y TẾ TỈNH ĐỒNG NAI"
    issuer: str = ""  # tên cơ quan ban hành, e.g. "BỆNH VIỆN ĐA KHOA ..."
    short_name: str = ""  # chữ viết tắt tên cơ quan in the ký hiệu, e.g. "BVĐKLĐN"
    place: str = ""  # địa danh, e.g. "Đồng Nai"


@dataclass(frozen=True)
class Signer:
    """One signature block: quyền hạn (TM., KT., TL., ...) and chức vụ, then the signature space.

    ``name`` may be empty: the signer writes it by hand under the signature.
    """

    title: str = ""  # chức vụ, e.g. "GIÁM ĐỐC"
    authority: str = ""  # quyền hạn, e.g. "KT. GIÁM ĐỐC" (then title "PHÓ GIÁM ĐỐC")
    name: str = ""
    caption: str = ""  # a biên bản's role line above the title, e.g. "Người rà soát"


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False
    indent: bool = True  # first-line indent (NĐ30: 1-1.27 cm)


@dataclass(frozen=True)
class Heading:
    """A numbered section heading ("I. ...", "1. ...")."""

    text: str
    level: int = 1  # 1: "I." (bold, upper case in the text itself); 2: "1." (bold)


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # Relative column widths (their sum is the table's width); empty: equal columns.
    widths: tuple[float, ...] = ()
    caption: str = ""


Block = Paragraph | Heading | Table


@dataclass(frozen=True)
class AdminDocument:
    """A document with a tên loại (báo cáo, biên bản, thông báo, ...), in NĐ30's order."""

    lang: str
    letterhead: Letterhead
    kind_code: str  # chữ viết tắt tên loại in the ký hiệu: BC, BB, TB, CV ...
    kind_title: str  # tên loại, upper case: "BÁO CÁO"; empty for a công văn (kind_code "CV")
    summary: str  # trích yếu nội dung
    body: tuple[Block, ...]
    recipients: tuple[str, ...] = ()  # "Kính gửi:" (none: the line is left out)
    distribution: tuple[str, ...] = ()  # nơi nhận, each item one line, "Lưu: VT, ..." last
    signers: tuple[Signer, ...] = ()  # one: the issuer's signer; several: side by side (biên bản)
    issued: date | None = None  # None: "ngày ... tháng ... năm <year>" left for the clerk
    year: int = 0  # the year printed when ``issued`` is None
    appendix: tuple[Block, ...] = ()  # after the signatures (the unverified citations, once)
    # Lines under the title, before "Kính gửi" (a biên bản's time and place of the meeting).
    preamble: tuple[Paragraph, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def is_letter(self) -> bool:
        """A công văn: no tên loại; its trích yếu ("V/v ...") goes under the số, on the left."""
        return not self.kind_title

    @property
    def quoc_hieu(self) -> str:
        return QUOC_HIEU.get(self.lang, QUOC_HIEU["vi"])

    @property
    def tieu_ngu(self) -> str:
        return TIEU_NGU.get(self.lang, TIEU_NGU["vi"])

    @property
    def number_line(self) -> str:
        """ "Số: ..../BC-BVĐKLĐN": the number is the clerk's, at registration (NĐ30 Điều 15)."""
        symbol = f"{self.kind_code}-{self.letterhead.short_name or '......'}"
        word = "Số" if self.lang == "vi" else "No."
        return f"{word}: ......./{symbol}"

    @property
    def place_date(self) -> str:
        """ "Đồng Nai, ngày 05 tháng 12 năm 2026" (day < 10 and months 1, 2 with a leading 0)."""
        place = self.letterhead.place or "............"
        if self.lang != "vi":
            if self.issued is None:
                return f"{place}, ...... {self.year or '......'}"
            return f"{place}, {self.issued.day} {self.issued.strftime('%B')} {self.issued.year}"
        if self.issued is None:
            return f"{place}, ngày ...... tháng ...... năm {self.year or '......'}"
        day = f"{self.issued.day:02d}"
        month = f"{self.issued.month:02d}" if self.issued.month < 3 else str(self.issued.month)
        return f"{place}, ngày {day} tháng {month} năm {self.issued.year}"

    def label(self, key: str) -> str:
        return self.labels.get(key, DEFAULT_LABELS[self.lang if self.lang in DEFAULT_LABELS else "vi"][key])


DEFAULT_LABELS = {
    "vi": {
        "to": "Kính gửi:",
        "distribution": "Nơi nhận:",
        "signature": "(Ký, ghi rõ họ tên)",
        "seal": "(Ký, ghi rõ họ tên, đóng dấu)",
    },
    "en": {
        "to": "To:",
        "distribution": "Recipients:",
        "signature": "(Signature and full name)",
        "seal": "(Signature, full name and seal)",
    },
}


def distribution_lines(items: Sequence[str]) -> list[str]:
    """Nơi nhận as NĐ30 writes it: "- Như trên;" ... "- Lưu: VT, CNTT." (the last ends in ".")."""
    lines = [clean(item).rstrip(";.") for item in items if clean(item)]
    return [f"- {text}{'.' if i == len(lines) - 1 else ';'}" for i, text in enumerate(lines)]
