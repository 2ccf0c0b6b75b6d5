"""The Jinja2 environments: one per language and kind (HTML, Markdown), built once and cached.

Both are strict (an undefined name is an error, never an empty string) and both escape every
value: HTML with Jinja's autoescaping, Markdown with a ``finalize`` hook that escapes Markdown
and HTML syntax, so a path or an evidence string can never inject markup into a report.
Templates are compiled on first use and kept (``auto_reload`` off): the bench renders a hundred
reports from one compiled template.
"""

from __future__ import annotations

import re
import shlex
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from hisguard.reports import chart, facts
from hisguard.reports.build import INVENTORY_PLACEHOLDER
from hisguard.reports.formats.ansible import playbook_name
from hisguard.reports.i18n import Translator
from hisguard.reports.score import WEIGHTS
from hisguard.scanners.findings import Severity

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


class MarkdownRaw(str):
    """Markdown that a template built on purpose (a code block): not escaped again."""

    __slots__ = ()


def markdown_escape(value: Any) -> str:
    """One line of Markdown-safe text: syntax escaped, HTML neutralised, newlines folded."""
    if isinstance(value, MarkdownRaw):
        return value
    text = " ".join(str(value).split()) if value is not None else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def markdown_code(value: Any) -> MarkdownRaw:
    """An inline code span for a table cell, fenced longer than any backtick run inside it.

    HTML inside a code span is shown, not run; a pipe must still be escaped, since GitHub's
    table syntax splits cells before it parses code spans.
    """
    text = " ".join(str(value).split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return MarkdownRaw(f"{fence}{pad}{text}{pad}{fence}")


def markdown_block(value: Any) -> MarkdownRaw:
    """A fenced code block (for commands), fenced with more backticks than it contains."""
    text = str(value)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return MarkdownRaw(f"{fence}sh\n{text}\n{fence}")


@cache
def shell_lines(command: str | None) -> str:
    """A command on shell continuation lines, one option per line, for display: it is copied
    as is and runs the same (a line never breaks inside a token, so never inside a host list)."""
    if not command:
        return ""
    try:
        tokens = shlex.split(command)
    except ValueError:
        return command
    lines: list[list[str]] = [[]]
    for token in tokens:
        if token.startswith("--") and lines[-1]:
            lines.append([])
        lines[-1].append(token if token == INVENTORY_PLACEHOLDER else shlex.quote(token))
    return " \\\n    ".join(" ".join(line) for line in lines)


_LONG_RUN = re.compile(r"[^/\s]{40}")


def path_breaks(value: Any) -> Markup:
    """A path that may wrap after each "/" in a narrow column, and inside a name only every 40
    characters: a layout engine left to find break points in a 4,000-character name itself takes
    minutes (WeasyPrint's line breaking grows with the square of an unbreakable run). Each piece
    with a hyphen is a non-wrapping span, so a browser never breaks it there ("index-Dk3f9XqA.js")."""
    shown = []
    # Spaces stay plain text (a line may break there, as in any sentence of evidence).
    for token in re.split(r"(\s+)", str(value)):
        if not token or token.isspace():
            shown.append(str(escape(token)))
            continue
        text = _LONG_RUN.sub(lambda m: m.group(0) + "\x00", token).replace("/", "/\x00")
        pieces = [piece for piece in text.split("\x00") if piece]
        shown.append("<wbr>".join(_unbroken(piece) for piece in pieces))
    return Markup("".join(shown))


def _unbroken(piece: str) -> str:
    """A piece with a hyphen in a non-wrapping span (a browser would break after the hyphen)."""
    return f'<span class="nw">{escape(piece)}</span>' if "-" in piece else str(escape(piece))


def host_list(hosts: Any) -> Markup:
    """Host names separated by ", ": a line may break after a comma, never inside a name."""
    return Markup(", ".join(f'<span class="nw">{escape(host)}</span>' for host in hosts))


def stylesheet() -> Markup:
    css = (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
    return Markup(css.replace("</", "<\\/"))  # cannot close the <style> element early


def _environment(lang: str, markdown: bool) -> Environment:
    tr = Translator(lang)
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=not markdown,
        finalize=markdown_escape if markdown else None,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(tr.translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        tx=tr.text,
        severity=tr.severity,
        change=tr.change,
        scanner=tr.scanner,
        exposure=tr.exposure,
        status=tr.status,
        event=tr.event,
        datetime=tr.format_datetime,
        date=tr.format_date,
        code=markdown_code,
        block=markdown_block,
        shell_lines=shell_lines,
        path=path_breaks,
        hosts=host_list,
        evidence=lambda finding: facts.evidence(finding, lang),
    )
    env.globals.update(
        lang=lang,
        tr=tr,
        weights={severity.value: weight for severity, weight in WEIGHTS.items()},
        severity_of={severity.value: severity for severity in Severity},
        score_chart=chart.score_chart,
        open_chart=chart.open_chart,
        chart_legend=chart.legend,
        sparkline=chart.sparkline,
        stylesheet=stylesheet,
        placeholder=INVENTORY_PLACEHOLDER,
        playbook_name=playbook_name,
    )
    return env


@cache
def html_environment(lang: str) -> Environment:
    return _environment(lang, markdown=False)


@cache
def markdown_environment(lang: str) -> Environment:
    return _environment(lang, markdown=True)
