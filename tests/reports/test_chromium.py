"""The HTML reports in a real browser (Debian's headless Chromium, driven over a DevTools pipe):
they load with no console error and no request, and the summary, the chart and a finding show."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hisguard.reports.formats import FORMATS
from hisguard.reports.model import FacilityInfo
from hisguard.reports.rollup import build_rollup, rollup_row

from .cdp import CHROMIUM, Chromium
from .helpers import sample_report

pytestmark = pytest.mark.skipif(
    not (shutil.which("chromium") or os.path.exists(CHROMIUM)), reason="Debian's chromium is not installed"
)

# Visible = laid out with a size, not hidden by CSS, inside the document.
VISIBLE = """
(selector) => {
  const el = document.querySelector(selector);
  if (!el) return false;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
}
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    with Chromium(tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


def _visible(browser: Chromium, selector: str) -> bool:
    return bool(browser.evaluate(f"({VISIBLE})({selector!r})"))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_facility_report_loads_cleanly_and_shows_its_parts(
    lang: str, browser: Chromium, tmp_path: Path
) -> None:
    report = sample_report(hosts=10, findings_per_host=6)
    page = tmp_path / "facility.html"
    page.write_text(str(FORMATS["html"].facility(report, lang)), encoding="utf-8")
    browser.load(page.as_uri())
    assert browser.problems() == []
    for selector in (
        "#summary",
        ".card.score",
        "svg.chart-score",
        "svg.chart-open",
        "table.rows tbody tr",
        "pre code",
    ):
        assert _visible(browser, selector), selector
    assert browser.evaluate("document.documentElement.lang") == lang
    assert browser.evaluate("document.querySelectorAll('table.rows tbody tr').length") == report.open_total
    score = browser.evaluate("document.querySelector('.card.score .number').textContent")
    assert score.startswith(str(report.score))
    first_host = report.actions[0].checks[0].rows[0].finding.host
    assert first_host in browser.evaluate("document.querySelector('table.rows tbody tr td').textContent")
    summary = browser.evaluate("document.querySelector('#summary h2').textContent")
    assert summary == ("Tóm tắt" if lang == "vi" else "Summary")
    # The chart drew something: a line for the score and bars for the findings.
    assert browser.evaluate("document.querySelectorAll('svg.chart-open rect').length") > 0
    assert browser.evaluate("document.querySelector('svg.chart-score').getBBox().width") > 0
    png = browser.screenshot()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000


def test_rollup_links_to_the_facility_reports(browser: Chromium, tmp_path: Path) -> None:
    first = sample_report(hosts=4)
    second = sample_report(FacilityInfo("74970", "Trung tâm Y tế Thủ Dầu Một", "Bình Dương"), hosts=4)
    for report in (first, second):
        (tmp_path / f"facility-{report.facility.code}.html").write_text(
            str(FORMATS["html"].facility(report, "vi")), encoding="utf-8"
        )
    rollup = tmp_path / "rollup.html"
    rollup.write_text(
        str(FORMATS["html"].rollup(build_rollup([rollup_row(first), rollup_row(second)]), "vi"))
    )
    browser.load(rollup.as_uri())
    assert browser.problems() == []
    assert _visible(browser, "table.rollup") and _visible(browser, "svg.spark")
    href = browser.evaluate("document.querySelector('table.rollup a').href")
    browser.load(href)
    assert browser.problems() == []
    assert _visible(browser, "svg.chart-score")


def test_the_problem_detector_itself_works(browser: Chromium) -> None:
    # A page with a console error and a (blocked, loopback) request must be reported.
    browser.load("data:text/html,<script>console.error('boom')</script><img src='http://127.0.0.1:9/x.png'>")
    problems = browser.problems()
    assert any("boom" in p for p in problems) and any("127.0.0.1:9" in p for p in problems)
