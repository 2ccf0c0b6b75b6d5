"""The facility report laid out by a real browser at a desktop and a phone width: the page
never scrolls sideways (a wide table may scroll inside its own box), and every element that
sticks out of the viewport is named so a failure says what to fix in report.css."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hisguard.reports.formats import FORMATS

from .cdp import CHROMIUM, Chromium
from .helpers import sample_report

pytestmark = pytest.mark.skipif(
    not (shutil.which("chromium") or os.path.exists(CHROMIUM)), reason="Debian's chromium is not installed"
)

# Screenshots are kept for a human to look at (not compared: fonts differ between machines).
SHOTS = Path(os.environ.get("HISGUARD_SHOTS", "/tmp/hisguard-shots"))

# Elements whose right edge passes the viewport and that are not inside a box that scrolls or
# clips on its own (such a box keeps its overflow to itself).
STICKING_OUT = """
((width) => {
  const contained = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1 || contained(el)) continue;
    out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' right=' + Math.round(box.right));
    if (out.length >= 15) break;
  }
  return out;
})
"""


# Text that a line break cut in two: a host name or a path piece (span.nw) laid out on more than
# one line, or a command line wrapped by the browser (each of its lines must stay one line).
WRAPPED_INSIDE = """
(() => {
  const tops = (node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    return new Set([...range.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top))).size;
  };
  const out = [];
  for (const el of document.querySelectorAll('td.host, .nw')) {
    if (tops(el) > 1) out.push(el.textContent);
  }
  for (const el of document.querySelectorAll('pre.command code')) {
    if (tops(el) > el.textContent.split('\\n').length) out.push('command: ' + el.textContent.slice(0, 60));
  }
  return out.slice(0, 15);
})()
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    with Chromium(tmp_path_factory.mktemp("chromium-layout-profile")) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A realistic facility: many hosts, long paths and commands, waivers, an unreachable host.
    report = sample_report(hosts=24, findings_per_host=8)
    path = tmp_path_factory.mktemp("layout") / "facility.html"
    path.write_text(str(FORMATS["html"].facility(report, "vi")), encoding="utf-8")
    return path


@pytest.mark.parametrize("width", [1400, 400])
def test_the_facility_report_never_scrolls_sideways(width: int, browser: Chromium, page: Path) -> None:
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        session=True,
        width=width,
        height=900,
        deviceScaleFactor=1,
        mobile=width < 600,
    )
    try:
        browser.load(page.as_uri())
        assert browser.problems() == []
        # A phone zooms out when the page is wider than the device: the viewport stays the device's.
        assert browser.evaluate("window.innerWidth") == width
        assert browser.evaluate(f"{STICKING_OUT}({width})") == []
        scroll_width = browser.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= browser.evaluate("window.innerWidth"), scroll_width
        # Host names never break at their hyphens, paths only after a "/", commands never.
        assert browser.evaluate("document.querySelectorAll('td.host, .nw').length") > 50
        assert browser.evaluate(WRAPPED_INSIDE) == []
        # The wide tables are still whole: they scroll inside their box rather than being cut.
        if width < 600:
            assert browser.evaluate(
                "[...document.querySelectorAll('table.rows')].some(t => t.scrollWidth > t.clientWidth)"
                " && [...document.querySelectorAll('table.rows')].every("
                "t => getComputedStyle(t).overflowX === 'auto')"
            )
        SHOTS.mkdir(parents=True, exist_ok=True)
        png = browser.screenshot()
        assert png.startswith(b"\x89PNG")
        (SHOTS / f"facility-{width}px.png").write_bytes(png)
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride", session=True)


def test_the_overflow_detector_itself_works(browser: Chromium, page: Path) -> None:
    # One element wider than the page must be named, and must make the page scroll sideways.
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        session=True,
        width=400,
        height=900,
        deviceScaleFactor=1,
        mobile=True,
    )
    try:
        browser.load(page.as_uri())
        browser.evaluate(
            "document.querySelector('#summary').insertAdjacentHTML('beforeend',"
            ' \'<div class="too-wide" style="width:900px;height:4px"></div>\')'
        )
        named = browser.evaluate(f"{STICKING_OUT}(400)")
        assert any(item.startswith("div.too-wide") for item in named), named
        # A phone zooms out to show it all: the page is then wider than the device.
        assert browser.evaluate("document.documentElement.scrollWidth") > 400
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride", session=True)


def test_the_wrap_detector_itself_works(browser: Chromium, page: Path) -> None:
    # A host name in a column too narrow for it, without the no-wrap span, breaks at its hyphen.
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        session=True,
        width=400,
        height=900,
        deviceScaleFactor=1,
        mobile=True,
    )
    try:
        browser.load(page.as_uri())
        assert browser.evaluate(WRAPPED_INSIDE) == []
        browser.evaluate(
            "document.querySelector('#summary').insertAdjacentHTML('beforeend',"
            ' \'<p style="width:3.5em"><span class="nw" style="white-space:normal">'
            "his-app-01-long-name</span></p>')"
        )
        assert browser.evaluate(WRAPPED_INSIDE) == ["his-app-01-long-name"]
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride", session=True)
