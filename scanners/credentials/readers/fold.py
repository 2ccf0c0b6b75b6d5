"""Vietnamese labels as key names: "Mật khẩu" -> "MatKhau", "Tên đăng nhập BHXH" -> "TenDangNhapBHXH".

Documents and spreadsheets label values the way people write (``Mật khẩu: ...``, a column
headed "Tài khoản"), where configuration files use identifiers (``MatKhau``). Folding the label
(diacritics off, words joined in CamelCase) lets the same key-name vocabulary judge both. Only
the label is folded; the value is left exactly as written.
"""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[A-Za-z0-9]+")
# "Label: value" in a paragraph: a short label of words (no digits first), then ":" or "=".
LABEL_LINE = re.compile(
    r"^(?P<indent>[\s\-•*+–]*)(?P<label>[^\W\d_][^:=\n]{0,60}?)\s*[:=]\s*(?P<value>\S.*)$"
)
MAX_LABEL_WORDS = 7


def strip_marks(text: str) -> str:
    """Vietnamese without diacritics (đ/Đ are letters of their own, not marked d/D)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def key_name(label: str) -> str:
    """A label as an identifier: ``Mật khẩu (MD5)`` -> ``MatKhauMD5``; "" when nothing is left."""
    words = WORD.findall(strip_marks(label))
    return "".join(word[:1].upper() + word[1:] for word in words)


def label_line(line: str) -> str:
    """A ``label: value`` paragraph with its label folded to a key name; other lines unchanged."""
    match = LABEL_LINE.match(line)
    if not match:
        return line
    label = match.group("label")
    if len(label.split()) > MAX_LABEL_WORDS or "://" in line[: match.end("label") + 3]:
        return line
    key = key_name(label)
    if not key or key == label:
        return line
    return f"{match.group('indent')}{key}: {match.group('value')}"
