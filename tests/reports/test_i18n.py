"""Every visible string goes through the catalogs, and Vietnamese has all of them, with diacritics."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from hisguard.reports.i18n import LOCALE_DIR, Translator, translations

REPORTS = Path(__file__).resolve().parents[2] / "reports"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHOD_MAP = [("**.py", "python"), ("templates/**.j2", "jinja2")]
OPTIONS = {
    "templates/**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


def _extracted() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPORTS), METHOD_MAP, OPTIONS, KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalog(lang: str) -> dict[str, str]:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "hisguard.po").open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle) if m.id}


def test_every_message_in_the_code_has_a_vietnamese_translation() -> None:
    used = _extracted()
    assert len(used) > 100  # the extraction itself works
    vi = _catalog("vi")
    missing = sorted(m for m in used if not vi.get(m))
    assert not missing, missing
    assert not sorted(set(vi) - used), "catalog entries no code uses (run pybabel update)"
    assert set(_catalog("en")) == set(vi)


def test_translations_keep_their_placeholders_and_are_real_vietnamese() -> None:
    vi = _catalog("vi")
    for msgid, msgstr in vi.items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid
    accented = sum(
        1
        for text in vi.values()
        if re.search(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", text)
    )
    assert accented > 0.9 * len(vi)


def test_catalogs_load_at_run_time_without_a_build_step() -> None:
    assert not list(LOCALE_DIR.rglob("*.mo"))  # nothing compiled is needed (or shipped)
    assert translations("vi").gettext("Summary") == "Tóm tắt"
    assert translations("en").gettext("Summary") == "Summary"
    tr = Translator("vi")
    assert (
        tr.gettext("Waiver expired on %(date)s") % {"date": "01/01/2025"}
        == "Miễn trừ đã hết hạn ngày 01/01/2025"
    )
