"""The scan result document, the terminal table and the exit status, shared by every scanner.

Formats only build strings; the CLI decides where they go.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import StringIO

from rich.console import Console
from rich.table import Table

from hisguard.scanners import scan_document
from hisguard.scanners.findings import Finding, Run, Severity, Status
from hisguard.scanners.terminal import cell

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


# The JSON document is the scan-document codec's (writer and reader side by side).
result_document = scan_document.document
render_json = scan_document.dumps


def render_table(runs: Sequence[Run], lang: str = "vi", show_passed: bool = False, width: int = 160) -> str:
    """A rich table of failing findings (and errors) for a terminal."""
    table = Table(title="hisguard", show_lines=False)
    for column in ("severity", "check", "host", "resource", "title", "evidence"):
        table.add_column(column)
    shown = 0
    for run in runs:
        for finding in sorted(run.findings, key=_sort_key):
            if finding.status == Status.PASS and not show_passed:
                continue
            shown += 1
            resource = finding.resource + (f":{finding.line}" if finding.line else "")
            status = "" if finding.status == Status.FAIL else f" ({finding.status.value})"
            # Every value may come from a scanned host: shown escaped, never parsed as markup.
            table.add_row(
                cell(finding.severity.value, SEVERITY_STYLE[finding.severity]) + cell(status),
                cell(finding.check_id),
                cell(finding.host),
                cell(resource),
                cell(finding.title.get(lang)),
                cell(finding.evidence),
            )
    buffer = StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    if shown:
        console.print(table)
    else:
        console.print("no findings" if lang == "en" else "không có phát hiện nào")
    for run in runs:
        for error in run.errors:
            console.print(cell(f"error: {error.scanner} {error.target}: {error.message}"))
    return buffer.getvalue()


def _sort_key(finding: Finding) -> tuple[int, str, str, str]:
    return (-finding.severity.rank, finding.host, finding.check_id, finding.resource)


def exit_status(runs: Sequence[Run], fail_on: Severity) -> int:
    """1 when an open finding is at or above ``fail_on``, else 0; a run that scanned nothing is 2."""
    for run in runs:
        for finding in run.findings:
            if finding.status == Status.FAIL and finding.severity.at_least(fail_on):
                return EXIT_FINDINGS
    if runs and all(not run.hosts and run.errors for run in runs):
        return EXIT_BAD_INPUT  # every target failed: the run itself failed
    return EXIT_OK
