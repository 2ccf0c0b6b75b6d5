"""The director's one-page summary ahead of the technical part: score, open findings by
severity, what changed, the three most urgent items in plain words, what to report upward."""

from __future__ import annotations

from typing import Any

import pytest

from hisguard.reports.build import build_facility_report
from hisguard.reports.formats import FORMATS
from hisguard.reports.formats.pdf import _refuse
from hisguard.reports.model import FacilityReport
from hisguard.scanners.findings import Status

from .helpers import INFO, T0, finding, history, run, sample_report

REPORT = sample_report(hosts=8, findings_per_host=6)


def _executive_html(report: FacilityReport, lang: str) -> str:
    html = str(FORMATS["html"].facility(report, lang))
    start = html.index('<section id="executive"')
    assert start < html.index('<nav class="toc"') < html.index('<section id="first"')
    return html[start : html.index("</section>", start)]


def test_the_sample_has_what_the_summary_shows() -> None:
    assert REPORT.exposed_credentials > 0 and REPORT.changes.compared and REPORT.scan.errors
    assert len(REPORT.first) > 3 and len(REPORT.urgent) == 3


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_summary_for_the_director(lang: str) -> None:
    part = _executive_html(REPORT, lang)
    assert f'<span class="number">{REPORT.score}<small>/100</small>' in part
    for severity, count in REPORT.counts.items():
        if count:
            assert f'<div class="card sev-{severity.value}">' in part
    for priority in REPORT.urgent:
        assert (priority.title.vi if lang == "vi" else priority.title.en) in part
    assert part.count("<li><strong>") == 3
    ch = REPORT.changes
    if lang == "vi":
        assert "Tóm tắt cho lãnh đạo" in part and "Những việc cần báo cáo cấp trên" in part
        assert f"{ch.new} phát hiện mới, {ch.fixed} đã khắc phục, {ch.regressed} tái diễn" in part
        assert f"Thông tin đăng nhập bị lộ tại {REPORT.exposed_credentials} vị trí" in part
        assert "cổng giám định BHYT" in part and "báo cáo cơ quan công an" in part
        assert f"Nêu rõ {len(REPORT.scan.errors)} máy không quét được" in part
    else:
        assert "Summary for the director" in part and "What to report upward" in part
        assert f"{ch.new} new, {ch.fixed} fixed, {ch.regressed} back again after a fix" in part


def test_a_clean_first_scan_has_nothing_urgent_and_no_credential_line() -> None:
    report = build_facility_report(history(run([finding("H02", status=Status.PASS)], T0)), INFO, now=T0)
    assert report.urgent == () and report.exposed_credentials == 0
    part = _executive_html(report, "vi")
    assert '<p class="ok">' in part
    assert "Thông tin đăng nhập bị lộ" not in part
    assert "lần quét đầu tiên" in part


def test_markdown_summary_comes_first() -> None:
    md = str(FORMATS["md"].facility(REPORT, "vi"))
    start = md.index("## Tóm tắt cho lãnh đạo")
    part = md[start : md.index("## Việc cần làm trước")]
    assert start < md.index("## Việc cần làm trước")
    assert f"**Điểm: {REPORT.score}/100**" in part
    for index, priority in enumerate(REPORT.urgent, 1):
        assert f"{index}. **{priority.title.vi}**" in part
    assert "4. **" not in part
    assert "### Những việc cần báo cáo cấp trên" in part and "Công văn 5877/BYT-BH" in part


def _pages_with(document: Any, element_id: str) -> set[int]:
    def walk(box: Any, inside: bool) -> bool:
        element = getattr(box, "element", None)
        here = inside or (element is not None and element.get("id") == element_id)
        if here and getattr(box, "element_tag", None) is not None and box.height:
            return True
        return any(walk(child, here) for child in getattr(box, "children", ()))

    return {index for index, page in enumerate(document.pages) if walk(page._page_box, False)}


def test_in_print_the_summary_is_one_page_of_its_own() -> None:
    from weasyprint import HTML

    html = str(FORMATS["html"].facility(REPORT, "vi"))
    document = HTML(string=html, url_fetcher=_refuse).render()
    assert _pages_with(document, "executive") == {0}
    assert min(_pages_with(document, "first")) >= 1
    # The walk finds what it looks for: the appendix is on the last pages.
    assert max(_pages_with(document, "references")) == len(document.pages) - 1
