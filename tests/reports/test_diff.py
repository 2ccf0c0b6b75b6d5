"""The diff against the previous scan and the trend: new, fixed, still open, regressed, and the rest."""

from __future__ import annotations

from datetime import timedelta

from hisguard.reports.diff import compare, snapshots, trend
from hisguard.reports.model import Change
from hisguard.reports.scans import SCAN_WINDOW, group_runs
from hisguard.scanners.findings import ScanError, Severity, Status

from .helpers import T0, finding, history, run

WEEK = timedelta(days=7)
A = finding("H02", host="his-app-01")
B = finding("H05", host="his-app-01", resource="/etc/security/pwquality.conf")
C = finding("H10", host="his-app-02", resource="nftables")
D = finding("C01", host="his-app-02", resource="/opt/his/appsettings.json", scanner="credentials")


def test_new_still_open_fixed_and_regressed_by_fingerprint() -> None:
    first = run([A, B, C], T0)
    second = run([A, B], T0 + WEEK)  # C fixed
    third = run([A, C, D], T0 + 2 * WEEK)  # B fixed, C back (regressed), D new
    result = compare(history(first, second, third))
    assert result.change_of == {
        A.fingerprint: Change.STILL_OPEN,
        C.fingerprint: Change.REGRESSED,
        D.fingerprint: Change.NEW,
    }
    ch = result.changes
    assert (ch.new, ch.still_open, ch.regressed, ch.fixed) == (1, 1, 1, 1)
    assert [(item.check_id, item.host) for item in ch.fixed_items] == [("H05", "his-app-01")]
    assert ch.compared and ch.previous_at == T0 + WEEK
    # "failing since" goes back to the first scan that saw it, across the gap for C.
    assert result.first_failed[A.fingerprint] == T0
    assert result.first_failed[C.fingerprint] == T0
    assert result.first_failed[D.fingerprint] == T0 + 2 * WEEK


def test_first_scan_has_nothing_to_compare_with() -> None:
    result = compare(history(run([A, B], T0)))
    assert not result.changes.compared
    assert set(result.change_of.values()) == {Change.NEW}
    assert result.changes.fixed == 0 and result.changes.previous_at is None


def test_a_host_that_could_not_be_scanned_is_not_fixed() -> None:
    error = ScanError(scanner="config", target="his-app-02", message="SSH timed out", facility="75901")
    before = run([A, C], T0)
    after = run([A], T0 + WEEK, hosts=("his-app-01", "ws-01"), errors=[error])
    ch = compare(history(before, after)).changes
    assert (ch.fixed, ch.not_rechecked) == (0, 1)


def test_a_finding_whose_scanner_did_not_run_is_not_fixed() -> None:
    before = run([A, D], T0)
    after = run([A], T0 + WEEK + SCAN_WINDOW * 2, scanners=("config",))
    ch = compare(history(before, after)).changes
    assert (ch.fixed, ch.not_rechecked) == (0, 1)


def test_passing_or_waived_now_is_fixed_or_waived() -> None:
    before = run([A, B], T0)
    after = run([A.with_status(Status.PASS), B.with_status(Status.WAIVED)], T0 + WEEK)
    ch = compare(history(before, after)).changes
    assert (ch.fixed, ch.waived, ch.still_open) == (1, 1, 0)


def test_a_discovered_host_is_judged_by_its_scanner() -> None:
    rogue = finding("N03", host="198.18.0.99", resource="198.18.0.99", scanner="network", role=None)
    before = run([rogue], T0)
    after = run([], T0 + WEEK)  # the network scanner ran and no longer sees it
    assert compare(history(before, after)).changes.fixed == 1


def test_runs_of_different_scanners_close_together_form_one_scan() -> None:
    creds = run([D], T0, scanners=("credentials",))
    config = run([A], T0 + timedelta(hours=1), scanners=("config",))
    again = run([A], T0 + timedelta(hours=2), scanners=("config",))  # config twice: a new scan
    late = run([D], T0 + SCAN_WINDOW + timedelta(hours=1), scanners=("credentials",))
    groups = group_runs([late, again, config, creds])
    assert [[r.id for r in g] for g in groups] == [[creds.id, config.id], [again.id, late.id]]


def test_trend_scores_each_scan_and_keeps_the_last_ones() -> None:
    crit = finding("C01", severity=Severity.CRITICAL, scanner="credentials")
    ok = finding("H09", resource="timesyncd", status=Status.PASS)
    runs = [
        run([A, B, crit, ok], T0),
        run([A, B, ok], T0 + WEEK),
        run([A, ok], T0 + 2 * WEEK),
        run([ok], T0 + 3 * WEEK),
    ]
    points = trend(snapshots(history(*runs)), 3)
    assert [p.finished_at for p in points] == [T0 + WEEK, T0 + 2 * WEEK, T0 + 3 * WEEK]
    assert [p.score for p in points] == [33, 50, 100]  # the high H09 passes: 5 / (5 + failing)
    assert [p.open.high for p in points] == [2, 1, 0]
