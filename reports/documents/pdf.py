"""An :class:`AdminDocument` as HTML (a Jinja template a facility may adapt) and as PDF (WeasyPrint).

The templates are files: ``document.html.j2`` and ``document.css`` in the package's
``reports/templates/documents/``, each replaceable by a file of the same name in the directory
given to ``--templates``. The environment autoescapes and is strict; the values are the model's
plain strings, passed as data and never compiled as templates. WeasyPrint loads nothing: its
URL fetcher refuses every address, so neither a template nor a value can make it fetch a file.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from hisguard.reports.documents.model import AdminDocument, Heading, Table, clean, distribution_lines

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates" / "documents"
TEMPLATE = "document.html.j2"
STYLESHEET = "document.css"
# A run this long with no break opportunity gets one: WeasyPrint's line breaking grows with the
# square of an unbreakable run's length (see reports/templating.path_breaks).
_LONG_RUN = re.compile(r"[^\s/]{20}")
LONG_TEXT = 20000


def breakable(value: Any) -> Markup:
    """Escaped text with a break opportunity after each "/" and every 20 characters of a long word."""
    text = _LONG_RUN.sub(lambda m: m.group(0) + "\x00", clean(value, LONG_TEXT))
    return Markup(str(escape(text)).replace("/", "/<wbr>").replace("\x00", "<wbr>"))


def _column_widths(table: Table) -> list[str]:
    widths = table.widths or tuple(1.0 for _ in table.header)
    total = sum(widths)
    return [f"{100 * w / total:.1f}" for w in widths]


@cache
def _environment(template_dir: Path | None) -> Environment:
    search = [str(template_dir)] if template_dir else []
    env = Environment(
        loader=FileSystemLoader([*search, str(TEMPLATES_DIR)]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(
        breakable=breakable, column_widths=_column_widths, distribution_lines=distribution_lines
    )
    env.tests.update(heading=lambda b: isinstance(b, Heading), table=lambda b: isinstance(b, Table))
    return env


def _stylesheet(template_dir: Path | None) -> Markup:
    own = template_dir / STYLESHEET if template_dir else None
    path = own if own is not None and own.is_file() else TEMPLATES_DIR / STYLESHEET
    css = path.read_text(encoding="utf-8")
    return Markup(css.replace("</", "<\\/"))  # cannot close the <style> element early


def render_html(doc: AdminDocument, template_dir: Path | None = None) -> str:
    template = _environment(template_dir).get_template(TEMPLATE)
    return template.render(doc=doc, stylesheet=lambda: _stylesheet(template_dir))


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"documents load nothing ({url[:40]})")


def render_pdf(doc: AdminDocument, template_dir: Path | None = None) -> bytes:
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    html = render_html(doc, template_dir)
    data = HTML(string=html, url_fetcher=_refuse).write_pdf(pdf_variant="pdf/ua-1")
    return bytes(data)
