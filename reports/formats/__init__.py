"""The report formats: each builds a string or bytes from the report model, nothing else.

A format may handle any of the three kinds of report (facility, roll-up, account); the CLI
asks only for what a format offers. Modules load on first use, so asking for HTML never
imports WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from hisguard.reports.model import AccountReport, FacilityReport, RollupReport

Output = str | bytes


@dataclass(frozen=True)
class Format:
    name: str
    module: str  # under reports.formats
    suffix: str  # file name ending
    kinds: tuple[str, ...]  # "facility", "rollup", "account"
    options: tuple[tuple[str, str], ...] = ()  # keyword arguments for the format (csv: delimiter)

    def file_name(self, stem: str) -> str:
        # A playbook's name says what running it does.
        return f"remediate-{stem}{self.suffix}" if self.name == "ansible" else f"{stem}{self.suffix}"

    def _render(self, kind: str) -> Callable[..., Output]:
        if kind not in self.kinds:
            raise ValueError(f"the {self.name} format has no {kind} report")
        function: Callable[..., Output] = getattr(
            import_module(f"hisguard.reports.formats.{self.module}"), kind
        )
        return function

    def facility(self, report: FacilityReport, lang: str) -> Output:
        return self._render("facility")(report, lang, **dict(self.options))

    def rollup(self, report: RollupReport, lang: str) -> Output:
        return self._render("rollup")(report, lang, **dict(self.options))

    def account(self, report: AccountReport, lang: str) -> Output:
        return self._render("account")(report, lang, **dict(self.options))


ALL_KINDS = ("facility", "rollup", "account")
FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format("html", "html", ".html", ALL_KINDS),
        Format("pdf", "pdf", ".pdf", ALL_KINDS),
        Format("md", "markdown", ".md", ALL_KINDS),
        Format("json", "jsondoc", ".json", ALL_KINDS),
        Format("csv", "csvrows", ".csv", ALL_KINDS),
        Format("xlsx", "xlsx", ".xlsx", ALL_KINDS),
        Format("sarif", "sarif", ".sarif", ("facility",)),
        Format("ansible", "ansible", ".yml", ("facility",)),
    )
}


def parse_formats(value: str) -> list[Format]:
    """``html,pdf`` -> the formats, in the order given, each once; ValueError names a bad one."""
    names = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise ValueError(
            f"unknown format {', '.join(unknown) or repr(value)} (choose from {', '.join(FORMATS)})"
        )
    return [FORMATS[name] for name in dict.fromkeys(names)]
