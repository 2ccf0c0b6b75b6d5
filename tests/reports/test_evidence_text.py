"""Evidence that is a sentence (not redacted data) is shown in the report's language by every
format; the scanners give it in both languages (config H07, credentials C05, claim files D01-D03)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hisguard.reports import facts
from hisguard.reports.build import build_facility_report
from hisguard.reports.formats import FORMATS
from hisguard.scanners.credentials.rules import default_rules
from hisguard.scanners.credentials.scanner import run_local
from tests.config.fakes import run_check
from tests.credentials.helpers import write

from .helpers import INFO, T0, finding, history, run

VI = "Chưa đặt TMOUT: phiên shell bỏ trống không tự đóng"
EN = "TMOUT is not set: idle shells stay open"


def test_h07_gives_its_evidence_in_both_languages() -> None:
    (unset,) = run_check("H07.1", {"tmout": "/etc/profile:5:# TMOUT=600\n"})
    assert unset.details["evidence_text"] == {"vi": VI, "en": EN}
    (long,) = run_check("H07.1", {"tmout": "/etc/profile.d/x.sh:1:readonly TMOUT=3600\n"})
    assert long.details["evidence_text"]["vi"].endswith("cần từ 1 đến 900 giây")


def test_claim_files_and_plain_http_are_told_in_vietnamese(tmp_path: Path) -> None:
    write(tmp_path, "Desktop/XML1.xml", '<?xml version="1.0"?>\n<TONG_HOP><MA_LK>1</MA_LK></TONG_HOP>\n')
    write(tmp_path, "app/his.ini", "[bhyt]\nurl = http://egw.baohiemxahoi.gov.vn/api/token/take\n")
    found = {f.check_id: f for f in run_local([str(tmp_path)], default_rules(), jobs=1).findings}
    d01 = found["D01"].details["evidence_text"]
    assert d01["en"] == "1 claim XML file(s), oldest 0 days"
    assert d01["vi"] == "1 tệp XML hồ sơ đề nghị thanh toán BHYT, tệp cũ nhất 0 ngày"
    c05 = found["C05"]
    assert "to the portal: http://" not in c05.evidence
    assert c05.details["evidence_text"]["vi"] == "địa chỉ cổng giám định BHYT bắt đầu bằng: http://"


def _report_with_sentence_evidence() -> object:
    shown = finding(
        "H07", resource="shell:TMOUT", evidence=EN, details={"evidence_text": {"vi": VI, "en": EN}}
    )
    return build_facility_report(history(run([shown], T0)), INFO, now=T0)


@pytest.mark.parametrize(("lang", "wanted", "other"), [("vi", VI, EN), ("en", EN, VI)])
def test_every_format_shows_the_evidence_in_the_report_language(lang: str, wanted: str, other: str) -> None:
    report = _report_with_sentence_evidence()
    for name in ("html", "md", "csv", "sarif"):
        text = FORMATS[name].facility(report, lang)  # type: ignore[arg-type]
        assert isinstance(text, str)
        if name == "sarif":
            text = json.dumps(json.loads(text), ensure_ascii=False)
        assert wanted in text, name
        assert other not in text, name


def test_malformed_evidence_text_falls_back_to_the_stored_evidence() -> None:
    for bad in ("plain", {"vi": 3}, {"en": "x"}, {"vi": "  "}, None):
        assert facts.evidence(
            finding(evidence="PermitRootLogin yes", details={"evidence_text": bad}), "vi"
        ) == ("PermitRootLogin yes")
    long = finding(details={"evidence_text": {"vi": "x" * 10_000}})
    assert len(facts.evidence(long, "vi")) == facts.MAX_EVIDENCE_LENGTH
