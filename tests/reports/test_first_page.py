"""The top of a facility report: what to do first (manual work included), contents, the playbook."""

from __future__ import annotations

import shlex

from hisguard.reports.build import build_facility_report
from hisguard.reports.formats import FORMATS
from hisguard.reports.templating import shell_lines
from hisguard.scanners.findings import Severity

from .helpers import INFO, T0, finding, history, run


def _report():  # type: ignore[no-untyped-def]
    found = [
        finding("H05.1", severity=Severity.MEDIUM, role="accounts", tags=("accounts_pwquality",)),
        finding("H02.1", severity=Severity.HIGH, host="ws-01"),
        finding("H02.1", severity=Severity.HIGH, host="his-app-02"),
        # A critical export with no playbook: a person has to act, and it must come first.
        finding("D03", severity=Severity.CRITICAL, resource="/srv/xml/XML6.xml", role=None, tags=()),
        finding("H14.1", severity=Severity.HIGH, role=None, tags=()),
    ]
    return build_facility_report(history(run(found, T0)), INFO, inventory=("inventories/lab",))


def test_first_lists_critical_and_high_worst_first_with_manual_work() -> None:
    report = _report()
    assert [(p.severity, p.check_ids, p.command is None) for p in report.first] == [
        (Severity.CRITICAL, ("D03",), True),
        (Severity.HIGH, ("H02.1",), False),
        (Severity.HIGH, ("H14.1",), True),
    ]
    ssh = report.first[1]
    assert ssh.hosts == ("his-app-02", "ws-01") and ssh.command and "--limit his-app-02,ws-01" in ssh.command
    assert report.first[0].manual is not None  # the check's own remediation, shown as the step


def test_html_opens_with_contents_and_what_to_do_first_linking_to_details() -> None:
    html = FORMATS["html"].facility(_report(), "vi")
    assert isinstance(html, str)
    first, summary, actions = (html.index(f'id="{name}"') for name in ("first", "summary", "actions"))
    assert html.index('class="toc"') < first < summary < actions
    top = html[first:summary]
    assert top.index("D03") < top.index("H02.1") < top.index("H14.1")
    assert 'href="#check-D03"' in top and 'id="check-D03"' in html
    assert "remediate-facility-75901.yml" in top and "--check --diff" in top
    # In "What to do" the manual group is placed by its worst severity, not last.
    body = html[actions:]
    assert body.index('id="action-manual"') < body.index('id="action-ssh_hardening-ssh"')


def test_markdown_has_the_same_first_list() -> None:
    md = FORMATS["md"].facility(_report(), "en")
    assert isinstance(md, str)
    assert md.index("## What to do first") < md.index("## Summary\n")
    assert "1. **Critical**" in md


def test_commands_are_shown_on_continuation_lines_that_run_the_same() -> None:
    command = "ansible-playbook -i 'inv dir/x' playbooks/harden.yml --limit his-app-01,ws-01 --tags ssh"
    shown = shell_lines(command)
    assert shlex.split(shown.replace("\\\n", " ")) == shlex.split(command)
    assert all(line.rstrip().endswith("\\") for line in shown.splitlines()[:-1])
    assert "--limit his-app-01,ws-01 \\" in shown  # never broken inside the host list
