"""Building the facility report: what is listed, grouped by action, with the right commands."""

from __future__ import annotations

from datetime import timedelta

from hisguard.reports.build import build_facility_report, playbook_command
from hisguard.reports.model import Change
from hisguard.scanners.findings import Severity, Status

from .helpers import INFO, T0, finding, history, run, sample_report


def _report(inventory: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    found = [
        finding("H02", host="his-app-01"),
        finding("H02", host="ws-01"),
        finding(
            "H05",
            host="ws-01",
            resource="/etc/security/pwquality.conf",
            role="accounts",
            tags=("accounts_pwquality", "accounts_lockout"),
        ),
        finding(
            "C03", host="his-app-02", resource="/opt/his/.env", severity=Severity.CRITICAL, role=None, tags=()
        ),
        finding("H09", host="ws-01", resource="timesyncd", status=Status.PASS),
        finding("H07", host="ws-01", resource="/etc/profile.d", status=Status.NOT_APPLICABLE),
        finding("H10", host="ws-01", resource="nftables", status=Status.WAIVED),
        finding("H08", host="ws-01", resource="auditd", status=Status.ERROR),
    ]
    return build_facility_report(history(run(found, T0)), INFO, inventory=inventory, now=T0)


def test_findings_are_grouped_by_the_action_that_fixes_them() -> None:
    report = _report()
    assert [(a.role, a.tags) for a in report.actions] == [
        ("ssh_hardening", ("ssh",)),
        ("accounts", ("accounts_lockout", "accounts_pwquality")),
    ]
    ssh = report.actions[0]
    assert ssh.hosts == ("his-app-01", "ws-01") and ssh.finding_count == 2
    assert len(ssh.checks) == 1 and [r.finding.host for r in ssh.checks[0].rows] == ["his-app-01", "ws-01"]
    assert report.manual is not None and [g.check_id for g in report.manual.checks] == ["C03"]
    assert report.manual.command is None


def test_only_failing_findings_are_listed_and_passing_ones_count_for_coverage() -> None:
    report = _report()
    listed = {r.finding.check_id for a in report.actions for g in a.checks for r in g.rows}
    assert listed == {"H02", "H05"}
    assert [r.finding.check_id for r in report.waived] == ["H10"]
    assert [r.finding.check_id for r in report.check_errors] == ["H08"]
    assert report.scan.passed == 1
    assert report.counts.critical == 1 and report.counts.high == 3 and report.open_total == 4
    # Passed: H09 and the waived H10 (high, 5 each); failing: H02 twice, H05 (high), C03 (critical, 10).
    assert report.score == 100 * 10 // (10 + 5 + 5 + 5 + 10)


def test_commands_use_the_inventory_or_a_placeholder() -> None:
    assert _report().actions[0].command == (
        "ansible-playbook -i <inventory> playbooks/harden.yml --limit his-app-01,ws-01 --tags ssh"
    )
    report = _report(inventory=("inventories/lab", "extra dir/hosts.yml"))
    assert report.actions[1].command == (
        "ansible-playbook -i inventories/lab -i 'extra dir/hosts.yml' playbooks/harden.yml "
        "--limit ws-01 --tags accounts_lockout,accounts_pwquality"
    )
    assert playbook_command((), "playbooks/harden.yml", ["a;rm -rf /"], []) == (
        "ansible-playbook -i <inventory> playbooks/harden.yml --limit 'a;rm -rf /'"
    )


def test_secondary_references_are_marked_to_be_verified() -> None:
    refs = {r.key: r for r in _report().actions[0].checks[0].references}
    assert refs["QD-326-BYT"].to_be_verified
    assert refs["QD-326-BYT"].document.vi.startswith("Quyết định 326")
    one = finding(
        "C01",
        role="credential_store",
        tags=("credential_store",),
        references=("CV-1898-BYT-BH", "NO-SUCH-KEY"),
    )
    groups = build_facility_report(history(run([one], T0)), INFO).actions[0].checks
    letter, unknown = groups[0].references
    assert not letter.to_be_verified and unknown.to_be_verified and unknown.requirement is None


def test_rows_carry_their_change_and_first_failure() -> None:
    a, b = (
        finding("H02"),
        finding(
            "H05", resource="/etc/security/pwquality.conf", role="accounts", tags=("accounts_pwquality",)
        ),
    )
    ok = finding("H09", resource="timesyncd", status=Status.PASS)
    report = build_facility_report(history(run([a, ok], T0), run([a, b, ok], T0 + timedelta(days=7))), INFO)
    rows = {r.finding.check_id: r for act in report.actions for g in act.checks for r in g.rows}
    assert rows["H02"].change == Change.STILL_OPEN and rows["H02"].first_failed == T0
    assert rows["H05"].change == Change.NEW and rows["H05"].first_failed == T0 + timedelta(days=7)
    assert [p.score for p in report.trend] == [50, 33]  # 5 / (5 + 5), then 5 / (5 + 10)


def test_a_large_sample_builds_with_every_section() -> None:
    report = sample_report(hosts=12, findings_per_host=8, scans=5)
    assert report.changes.compared and len(report.trend) == 5
    assert report.actions and report.manual is not None and report.waived and report.check_errors
    assert report.scan.errors and report.changes.not_rechecked > 0
    total = sum(a.finding_count for a in report.actions) + report.manual.finding_count
    assert total == report.open_total
    assert [a.worst.rank for a in report.actions] == sorted(
        (a.worst.rank for a in report.actions), reverse=True
    )
