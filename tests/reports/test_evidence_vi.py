"""A Vietnamese report has no English evidence sentence.

The report is made of the sample history (tests/reports/sample.py) and of what the real scanners
say: every configuration check on a host where nothing is set up (most of them fail, some cannot
decide), and the credential scanner on planted files (a saved portal login, claim XML files, a
plain-HTTP portal address). Every evidence cell of the vi HTML must read as Vietnamese or as
data (a setting, a path, a command); the en report of the same scans shows the English sentences,
so the detector below is seen to work.
"""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

from hisguard.reports.build import build_facility_report
from hisguard.reports.formats import html
from hisguard.scanners.catalog import VIETNAMESE_LETTERS, ids
from hisguard.scanners.config.model import registered
from hisguard.scanners.credentials.rules import default_rules
from hisguard.scanners.credentials.scanner import run_local
from hisguard.scanners.findings import Finding, Status
from tests.config.fakes import CLEAN, run_check, target
from tests.credentials.helpers import write
from tests.credentials.test_readers_stores import _login_data
from tests.reports import sample

from .helpers import INFO, KEY, T0, history

# Words an English sentence can hardly do without, and no setting or path contains as a word.
ENGLISH_WORDS = frozenset(
    [
        "is",
        "are",
        "not",
        "no",
        "has",
        "have",
        "the",
        "a",
        "an",
        "of",
        "on",
        "for",
        "with",
        "without",
        "and",
        "or",
        "must",
        "needs",
        "found",
        "installed",
        "running",
        "listening",
        "answers",
        "open",
        "enabled",
        "missing",
        "lacks",
        "holds",
        "revoked",
        "accepts",
        "file",
        "files",
        "saved",
        "logins",
        "browser",
        "idle",
        "stay",
        "at",
        "cut",
        "incomplete",
    ]
)


def looks_english(text: str) -> bool:
    if VIETNAMESE_LETTERS.search(text):
        return False
    words = set(re.findall(r"[a-z]+", text.lower()))
    return len(words & ENGLISH_WORDS) >= 2


class _EvidenceCells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "td" and ("class", "evidence") in attrs:
            self._inside = True
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.cells[-1] += data


def evidence_cells(page: str) -> list[str]:
    parser = _EvidenceCells()
    parser.feed(page)
    return [" ".join(cell.split()) for cell in parser.cells]


def _config_findings() -> list[Finding]:
    """Every configuration check on a host with nothing set up, as the config scanner reports it."""
    host = target()
    empty = {section: "" for section in CLEAN}
    found = []
    for check_id in sorted(registered()):
        meta = ids.entries()[check_id]
        for outcome in run_check(check_id, empty, host):
            if outcome.status in (Status.FAIL, Status.ERROR):
                found.append(
                    meta.finding(
                        scanner="config",
                        facility=INFO.code,
                        host=host.name,
                        resource=outcome.resource,
                        material=outcome.material,
                        status=outcome.status,
                        evidence=outcome.evidence,
                        line=outcome.line,
                        details=outcome.details,
                        key=KEY,
                    )
                )
    return found


def _credential_findings(root: Path) -> list[Finding]:
    _login_data(
        root / "home/nv/.config/google-chrome/Default/Login Data",
        [("https://gdbhyt.baohiemxahoi.gov.vn/", "75901_BV")],
    )
    write(root, "Desktop/XML1.xml", '<?xml version="1.0"?>\n<TONG_HOP><MA_LK>1</MA_LK></TONG_HOP>\n')
    write(root, "app/his.ini", "[bhyt]\nurl = http://egw.baohiemxahoi.gov.vn/api/token/take\n")
    scanned = run_local([str(root)], default_rules(), facility_code=INFO.code, jobs=1)
    return list(scanned.findings)


def _pages(tmp_path: Path) -> dict[str, str]:
    config = _config_findings()
    credentials = _credential_findings(tmp_path)
    assert {f.check_id for f in credentials} >= {"C05", "C08", "D01"}
    # The scanners' findings join the sample's latest run: the report shows them with its own.
    *older, latest = sample.facility_runs(INFO)
    latest = dataclasses.replace(latest, findings=(*latest.findings, *config, *credentials))
    report = build_facility_report(history(*older, latest), INFO, now=T0)
    return {lang: html.facility(report, lang) for lang in ("vi", "en")}


def test_a_vietnamese_report_has_no_english_evidence_sentence(tmp_path: Path) -> None:
    pages = _pages(tmp_path)
    cells = evidence_cells(pages["vi"])
    assert len(cells) >= 30  # the sample and the scanners' own findings, not an empty table
    assert [cell for cell in cells if looks_english(cell)] == []
    # The same scans in English do say English sentences: the detector sees them.
    assert len([cell for cell in evidence_cells(pages["en"]) if looks_english(cell)]) >= 10


def test_the_detector_tells_sentences_from_data() -> None:
    assert looks_english("TMOUT is not set: idle shells stay open")
    assert looks_english("browser store: 1 saved logins for gdbhyt.baohiemxahoi.gov.vn")
    assert not looks_english("PermitRootLogin yes; PasswordAuthentication yes")
    assert not looks_english("hisadmin ALL=(ALL) NOPASSWD: ALL")
    assert looks_english("search incomplete: listing cut at 2000 entries")
    assert not looks_english("Chưa đặt TMOUT: phiên shell bỏ trống không tự đóng")
