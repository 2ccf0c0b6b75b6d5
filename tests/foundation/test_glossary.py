"""One Vietnamese term per concept: no product text uses a variant the glossary avoids."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
GLOSSARY = REPO / "scanners" / "catalog" / "glossary.yml"
# Where hisguard's own words live (what is scanned, planted or generated as test data is not).
PRODUCT = ("scanners", "reports", "roles", "playbooks", "inventories")
SUFFIXES = {".py", ".yml", ".yaml", ".po", ".j2", ".md"}


def _texts() -> list[tuple[Path, str]]:
    found = []
    for top in PRODUCT:
        for path in sorted((REPO / top).rglob("*")):
            if path.is_file() and path.suffix in SUFFIXES and path != GLOSSARY:
                text = path.read_text(encoding="utf-8", errors="replace")
                found.append((path, unicodedata.normalize("NFC", text)))
    return found


def _across_lines(pattern: str) -> re.Pattern[str]:
    """A space in a pattern also matches a line break and indentation (YAML folds long texts)."""
    return re.compile(pattern.replace(" ", r"\s+"))


def test_no_product_text_uses_a_variant_the_glossary_avoids() -> None:
    glossary = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    texts = _texts()
    assert len(texts) > 100
    problems = []
    for concept, entry in glossary.items():
        for pattern in entry["avoid"]:
            rx = _across_lines(pattern)
            for path, text in texts:
                for match in rx.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    problems.append(
                        f"{path.relative_to(REPO)}:{line}: {match.group(0)!r} ({concept}: {entry['vi']})"
                    )
    assert problems == []


def test_the_portal_term_is_the_one_in_use() -> None:
    vi = (REPO / "reports" / "locale" / "vi" / "LC_MESSAGES" / "hisguard.po").read_text(encoding="utf-8")
    rules = (REPO / "scanners" / "credentials" / "rules" / "catalog.yml").read_text(encoding="utf-8")
    assert "cổng giám định BHYT" in vi + rules


def test_the_glossary_catches_a_variant(tmp_path: Path) -> None:
    glossary = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    sample = "Đổi mật khẩu trên cổng\n        BHXH và cổng giám định ngay."
    hits = [p for p in glossary["portal"]["avoid"] if _across_lines(p).search(sample)]
    assert len(hits) == 2
