"""Markdown (GitHub-flavoured tables): every value escaped, commands in fenced blocks."""

from __future__ import annotations

from hisguard.reports.model import AccountReport, FacilityReport, RollupReport
from hisguard.reports.templating import markdown_environment


def facility(report: FacilityReport, lang: str) -> str:
    return markdown_environment(lang).get_template("facility.md.j2").render(report=report)


def rollup(report: RollupReport, lang: str, link_suffix: str = ".md") -> str:
    template = markdown_environment(lang).get_template("rollup.md.j2")
    return template.render(report=report, link_suffix=link_suffix)


def account(report: AccountReport, lang: str) -> str:
    return markdown_environment(lang).get_template("account.md.j2").render(report=report)
