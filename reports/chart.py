"""Inline SVG charts: the score trend, open findings per scan, and a roll-up sparkline.

Plain SVG built from numbers: no script, no web font, nothing fetched, so the chart shows on an
offline hospital network, in print and in the PDF. Every label is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from hisguard.reports.i18n import Translator
from hisguard.reports.model import SEVERITIES, TrendPoint
from hisguard.scanners.findings import Severity

SEVERITY_COLOURS = {
    Severity.CRITICAL: "#7f1d1d",
    Severity.HIGH: "#dc2626",
    Severity.MEDIUM: "#d97706",
    Severity.LOW: "#0284c7",
    Severity.INFO: "#9ca3af",
}
WIDTH, HEIGHT = 420, 200
# Presentation attributes, not only classes: WeasyPrint's SVG renderer ignores page CSS.
AXIS = 'stroke="#9ca3af" stroke-width="1"'
TICK = 'fill="#6b7280" font-size="11"'
VALUE = 'fill="#1f2937" font-size="11" font-weight="700"'
LINE = 'fill="none" stroke="#1d4ed8" stroke-width="2"'
DOT = 'fill="#1d4ed8"'
LEFT, RIGHT, TOP, BOTTOM = 36, 26, 18, 34


def _x_positions(count: int) -> list[float]:
    """Centres of ``count`` equal slots, so the first bar never straddles the axis."""
    step = (WIDTH - LEFT - RIGHT) / max(1, count)
    return [LEFT + step * (i + 0.5) for i in range(count)]


def _label(x: float, y: float, kind: str, text: object, anchor: str = "middle") -> str:
    style = TICK if kind == "tick" else VALUE
    at = f'x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{kind}" {style}'
    return f"<text {at}>{escape(str(text))}</text>"


def _frame(tr: Translator, points: Sequence[TrendPoint], xs: Sequence[float], top_label: str) -> list[str]:
    base = HEIGHT - BOTTOM
    parts = [
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" class="axis" {AXIS}/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" class="axis" {AXIS}/>',
        _label(LEFT - 4, TOP + 4, "tick", top_label, anchor="end"),
        _label(LEFT - 4, base, "tick", "0", anchor="end"),
    ]
    for x, point in zip(xs, points, strict=True):
        # Date and time: two scans on one day must not carry the same label.
        stamp = tr.format_datetime(point.finished_at)  # dd/mm/yyyy HH:MM (vi), yyyy-mm-dd HH:MM (en)
        day, _, clock = stamp.partition(" ")
        parts.append(_label(x, base + 14, "tick", day[:5] if tr.lang == "vi" else day[5:]))  # dd/mm, mm-dd
        parts.append(_label(x, base + 27, "tick", clock))
    return parts


def _svg(kind: str, title: str, parts: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )
    return Markup(head + "".join(parts) + "</svg>")


def score_chart(points: Sequence[TrendPoint], tr: Translator) -> Markup:
    """The score (0-100) of each of the last scans, as a line with its values."""
    xs = _x_positions(len(points))
    base, span = HEIGHT - BOTTOM, HEIGHT - BOTTOM - TOP
    ys = [base - span * p.score / 100 for p in points]
    parts = _frame(tr, points, xs, "100")
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
        parts.append(f'<polyline points="{path}" class="score-line" {LINE}/>')
    for x, y, point in zip(xs, ys, points, strict=True):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="score-dot" {DOT}/>')
        parts.append(_label(x, y - 7, "value", point.score))
    return _svg("score", tr.gettext("Score over the last scans"), parts)


def open_chart(points: Sequence[TrendPoint], tr: Translator) -> Markup:
    """Open findings of each of the last scans, stacked by severity, with the total on top."""
    xs = _x_positions(len(points))
    peak = max((p.open.total for p in points), default=0) or 1
    base, span = HEIGHT - BOTTOM, HEIGHT - BOTTOM - TOP
    bar = min(28.0, (WIDTH - LEFT - RIGHT) / max(1, len(points)) * 0.6)
    parts = _frame(tr, points, xs, str(peak))
    for x, point in zip(xs, points, strict=True):
        y = float(base)
        for severity in SEVERITIES:
            count = point.open.get(severity)
            if not count:
                continue
            height = span * count / peak
            y -= height
            label = escape(f"{tr.severity(severity)}: {count}")
            parts.append(
                f'<rect x="{x - bar / 2:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                f'fill="{SEVERITY_COLOURS[severity]}"><title>{label}</title></rect>'
            )
        parts.append(_label(x, y - 4, "value", point.open.total))
    return _svg("open", tr.gettext("Open findings over the last scans"), parts)


def sparkline(scores: Sequence[int], tr: Translator, width: int = 96, height: int = 24) -> Markup:
    """A small score line for the roll-up table."""
    title = escape(tr.gettext("Score trend") + ": " + " → ".join(str(s) for s in scores))
    if not scores:
        return Markup("")
    step = (width - 6) / max(1, len(scores) - 1)
    coords = [(3 + i * step, height - 3 - (height - 6) * s / 100) for i, s in enumerate(scores)]
    if len(coords) == 1:
        coords = [(3.0, coords[0][1]), (width - 3.0, coords[0][1])]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    last_x, last_y = coords[-1]
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spark" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{title}"><title>{title}</title>'
        f'<polyline points="{path}" class="score-line" {LINE}/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.5" class="score-dot" {DOT}/></svg>'
    )


def legend(tr: Translator) -> Markup:
    """The colours of the stacked bars, as HTML beside the chart (shown in print and the PDF)."""
    items = "".join(
        f'<li><span class="swatch" style="background:{SEVERITY_COLOURS[severity]}"></span>'
        f"{escape(tr.severity(severity))}</li>"
        for severity in SEVERITIES
    )
    return Markup(f'<ul class="legend" aria-hidden="true">{items}</ul>')
