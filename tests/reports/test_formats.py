"""Every format in both languages: it renders, says the right things, escapes, and leaks nothing."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import timedelta

import openpyxl
import pytest

from hisguard.reports.account import build_account_report
from hisguard.reports.build import build_facility_report
from hisguard.reports.context import account_query, facility_info
from hisguard.reports.formats import FORMATS, parse_formats
from hisguard.reports.model import FacilityInfo, FacilityReport, RegisterEntry
from hisguard.reports.rollup import build_rollup, rollup_row
from hisguard.reports.sources import DocumentSource, FacilityNames
from hisguard.scanners.findings import Severity

from .helpers import CANARY, INFO, T0, canary_runs, finding, history, run, sample_report

LANGS = ("vi", "en")
# Words each language must show, and the other must not.
WORDS = {
    "vi": ("Mức độ", "Nghiêm trọng", "cần kiểm chứng", "Bệnh viện"),
    "en": ("Severity", "Critical", "to be verified", "Bệnh viện"),
}
VI_ONLY = ("Mức độ", "Nghiêm trọng", "cần kiểm chứng")


@pytest.fixture(scope="module")
def report() -> FacilityReport:
    return sample_report(hosts=10, findings_per_host=6, scans=4)


@pytest.fixture(scope="module")
def canary_report() -> FacilityReport:
    return build_facility_report(history(*canary_runs()), INFO, now=T0)


def _text(data: str | bytes) -> str:
    if isinstance(data, bytes) and data.startswith(b"PK"):  # xlsx: every cell's text
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return data if isinstance(data, str) else data.decode("utf-8")


def _csv_rows(data: str | bytes, lang: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_text(data).lstrip("\ufeff")), delimiter=";" if lang == "vi" else ","))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", [n for n in FORMATS if n != "pdf"])
def test_every_facility_format_renders_in_both_languages(
    name: str, lang: str, report: FacilityReport
) -> None:
    out = _text(FORMATS[name].facility(report, lang))
    assert report.facility.code in out
    assert len(out) > 1000
    if name in ("html", "md", "csv", "xlsx"):
        for word in WORDS[lang]:
            assert word in out, word
        if lang == "en":
            assert not any(word in out for word in VI_ONLY)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", [n for n in FORMATS if n not in ("pdf", "sarif", "ansible")])
def test_rollup_and_account_formats_render(name: str, lang: str, report: FacilityReport) -> None:
    other = sample_report(FacilityInfo("74970", "Trung tâm Y tế Thủ Dầu Một", "Bình Dương"), hosts=4)
    rollup = build_rollup([rollup_row(report), rollup_row(other)], now=T0)
    out = _text(FORMATS[name].rollup(rollup, lang))
    worst, best = sorted([report, other], key=lambda r: r.score)
    assert out.index(worst.facility.name) < out.index(best.facility.name)
    account = _account(lang)
    text = _text(FORMATS[name].account(account, lang))
    assert "75901_BV" in text and "/opt/his/appsettings.json" in text
    assert CANARY not in out and CANARY not in text


def _account(lang: str):  # type: ignore[no-untyped-def]
    source = DocumentSource(canary_runs())
    register = [
        RegisterEntry(INFO, "egw-his", "Phòng CNTT", "HIS gửi hồ sơ", ("his-app-01",), None, None),
    ]
    return build_account_report(
        "75901_BV",
        source.sightings(account_query("75901_BV", register)),
        latest_runs={"75901": source.latest_runs("75901")},
        latest_time={"75901": T0 + timedelta(days=7)},
        info=lambda code: facility_info(code, None, FacilityNames(INFO.name, INFO.province)),
        register=register,
        now=T0,
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", [n for n in FORMATS if n != "pdf"])
def test_canaries_never_reach_a_report(name: str, lang: str, canary_report: FacilityReport) -> None:
    out = _text(FORMATS[name].facility(canary_report, lang))
    assert CANARY not in out
    assert "CANARY" not in out.upper()
    # ...while the known facts around them do show where the format shows facts.
    if name in ("html", "json"):
        assert "hisapp" in out and "0644" in out
    if name in ("html", "md", "csv", "json"):
        assert "Trần Thị Bình" in out  # the waiver's approver


def test_html_is_self_contained_and_escapes_everything() -> None:
    evil = finding(
        "C01",
        resource='/srv/"><script>alert(1)</script>.json',
        evidence="<img src=x onerror=alert(1)> | `tick` =HYPERLINK()",
        role=None,
        tags=(),
    )
    report = build_facility_report(history(run([evil], T0)), INFO, now=T0)
    html = _text(FORMATS["html"].facility(report, "vi"))
    assert "<script" not in html and "<img" not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;" in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    md = _text(FORMATS["md"].facility(report, "vi"))
    outside_code = re.sub(r"(`+).+?\1", "", md)  # in a code span, HTML is shown, never run
    assert "<script" not in outside_code and "<img" not in outside_code
    row = next(line for line in md.splitlines() if line.startswith("| his-app-01 |"))
    # host, location, evidence, failing since: 4 cells, 5 unescaped pipes, whatever the evidence holds
    assert len(re.findall(r"(?<!\\)\|", row)) == 5
    rows = _csv_rows(FORMATS["csv"].facility(report, "vi"), "vi")
    assert rows[1][10].startswith("<img")  # not a formula: left alone


def test_csv_has_one_row_per_listed_finding_and_defuses_formulas(report: FacilityReport) -> None:
    data = _text(FORMATS["csv"].facility(report, "vi"))
    assert data.startswith("\ufeff")
    rows = _csv_rows(data, "vi")
    listed = report.open_total + len(report.waived) + len(report.check_errors)
    assert len(rows) == 1 + listed
    assert rows[0][0] == "Mã cơ sở KCB"
    formula = finding("H02", evidence="=cmd|' /C calc'!A0")
    one = build_facility_report(history(run([formula], T0)), INFO)
    cell = _csv_rows(FORMATS["csv"].facility(one, "en"), "en")[1][10]
    assert cell == "'=cmd|' /C calc'!A0"


def test_csv_separator_follows_the_language_and_can_be_chosen(report: FacilityReport) -> None:
    vi = _text(FORMATS["csv"].facility(report, "vi")).lstrip("\ufeff")
    en = _text(FORMATS["csv"].facility(report, "en")).lstrip("\ufeff")
    assert vi.splitlines()[0].count(";") == 20 and en.splitlines()[0].count(",") == 20
    tab = replace(FORMATS["csv"], options=(("delimiter", "\t"),))
    assert _text(tab.facility(report, "vi")).splitlines()[0].count("\t") == 20
    # References by document name, actions as role / tag: no catalog keys, no "x (x)".
    rows = _csv_rows(FORMATS["csv"].facility(report, "vi"), "vi")
    header = rows[0]
    column = header.index("Công văn, quy định liên quan")
    refs = [r[column] for r in rows[1:] if r[column]]
    assert refs and not any(re.search(r"\b[A-Z]{2,}-\d+-", r) for r in refs)
    actions = {r[header.index("Việc cần làm")] for r in rows[1:]}
    assert any(a.startswith("role ") and " · tag " in a for a in actions)


def test_xlsx_opens_with_a_frozen_filtered_header_and_the_csv_columns(report: FacilityReport) -> None:
    data = FORMATS["xlsx"].facility(report, "vi")
    assert isinstance(data, bytes)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
    header = [c.value for c in sheet[1]]
    assert header == _csv_rows(FORMATS["csv"].facility(report, "vi"), "vi")[0]
    listed = report.open_total + len(report.waived) + len(report.check_errors)
    assert sheet.max_row == 1 + listed
    formula = finding("H02", evidence="=cmd|' /C calc'!A0")
    one = openpyxl.load_workbook(
        io.BytesIO(FORMATS["xlsx"].facility(build_facility_report(history(run([formula], T0)), INFO), "en"))
    ).active
    assert one is not None
    cell = one.cell(row=2, column=11)
    assert cell.value == "'=cmd|' /C calc'!A0" and cell.data_type == "s"


def test_json_is_language_independent_and_complete(report: FacilityReport) -> None:
    vi, en = (_text(FORMATS["json"].facility(report, lang)) for lang in LANGS)
    assert vi == en
    doc = json.loads(vi)
    assert doc["kind"] == "facility" and doc["facility"]["code"] == report.facility.code
    assert doc["score"]["value"] == report.score
    listed = sum(len(g["findings"]) for a in [*doc["actions"], doc["manual"]] if a for g in a["checks"])
    assert listed == report.open_total
    assert doc["changes"]["compared"] is True and len(doc["trend"]) == len(report.trend)
    assert all("details" not in f for a in doc["actions"] for g in a["checks"] for f in g["findings"])


def test_charts_are_inline_svg_without_script(report: FacilityReport) -> None:
    html = _text(FORMATS["html"].facility(report, "vi"))
    assert html.count("<svg") == 2 and "chart-score" in html and "chart-open" in html
    assert "<script" not in html
    assert "Điểm qua các lần quét gần đây" in html


def test_scan_time_is_shown_in_vietnam_time() -> None:
    one = build_facility_report(history(run([finding()], T0.replace(hour=17, minute=5))), INFO)
    html = _text(FORMATS["html"].facility(one, "vi"))
    assert "06/05/2025 00:05" in html  # 17:05 UTC is 00:05 the next day in Hà Nội


def test_markdown_escapes_and_fences(report: FacilityReport) -> None:
    md = _text(FORMATS["md"].facility(report, "en"))
    assert "```sh\nansible-playbook -i <inventory> playbooks/harden.yml --limit " in md
    assert "credential\\_store" in md  # underscores escaped outside code
    assert "## What to do" in md


def test_parse_formats() -> None:
    assert [f.name for f in parse_formats("html, PDF,html,sarif")] == ["html", "pdf", "sarif"]
    with pytest.raises(ValueError, match="docx"):
        parse_formats("html,docx")
    with pytest.raises(ValueError):
        parse_formats(" , ")


def test_severity_labels_are_translated() -> None:
    from hisguard.reports.i18n import Translator

    assert Translator("vi").severity(Severity.CRITICAL) == "Nghiêm trọng"
    assert Translator("en").severity(Severity.CRITICAL) == "Critical"
