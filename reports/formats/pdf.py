"""PDF: the HTML report laid out by WeasyPrint for A4 paper (the stylesheet's @page rules).

Fonts are found by name through fontconfig (Noto Sans, DejaVu Sans from Debian's
fonts-noto-core / fonts-dejavu-core), so Vietnamese diacritics render without any web font.
The URL fetcher refuses everything: a report never loads anything, even by mistake.
"""

from __future__ import annotations

from typing import Any, NoReturn

from hisguard.reports.formats import html
from hisguard.reports.model import AccountReport, FacilityReport, RollupReport


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"reports load nothing ({url[:40]})")


def _pdf(document: str) -> bytes:
    import logging

    from weasyprint import HTML

    # WeasyPrint warns about CSS it ignores (the screen-only grid hints); that is not news.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    # PDF/UA-1: a tagged PDF (structure, reading order, language) that screen readers can follow.
    data = HTML(string=document, url_fetcher=_refuse).write_pdf(pdf_variant="pdf/ua-1")
    return bytes(data)


def facility(report: FacilityReport, lang: str) -> bytes:
    return _pdf(html.facility(report, lang))


def rollup(report: RollupReport, lang: str) -> bytes:
    return _pdf(html.rollup(report, lang, link_suffix=".pdf"))


def account(report: AccountReport, lang: str) -> bytes:
    return _pdf(html.account(report, lang))
