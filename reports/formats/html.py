"""Self-contained HTML: inline CSS (with a print stylesheet) and inline SVG, nothing fetched."""

from __future__ import annotations

from hisguard.reports.model import AccountReport, FacilityReport, RollupReport
from hisguard.reports.templating import html_environment


def facility(report: FacilityReport, lang: str) -> str:
    template = html_environment(lang).get_template("facility.html.j2")
    return template.render(report=report, version=report.version, generated_at=report.generated_at)


def rollup(report: RollupReport, lang: str, link_suffix: str = ".html") -> str:
    template = html_environment(lang).get_template("rollup.html.j2")
    return template.render(
        report=report, version=report.version, generated_at=report.generated_at, link_suffix=link_suffix
    )


def account(report: AccountReport, lang: str) -> str:
    template = html_environment(lang).get_template("account.html.j2")
    return template.render(report=report, version=report.version, generated_at=report.generated_at)
