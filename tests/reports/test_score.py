"""The score: the severity-weighted share of a scan's results that pass (0-100), per facility and host."""

from __future__ import annotations

from dataclasses import replace

from hisguard.reports.build import build_facility_report
from hisguard.reports.score import WEIGHTS, host_scores, score
from hisguard.scanners.findings import Finding, Severity, Status

from .helpers import INFO, T0, finding, history, run

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW


def _result(check: str, severity: Severity, status: Status, host: str = "his-app-01") -> Finding:
    return replace(finding(check, host=host, severity=severity), status=status, fingerprint=f"{check}-{host}")


def test_nothing_judged_or_everything_passing_scores_100_and_everything_failing_0() -> None:
    assert score([]) == 100
    assert score([_result("H02.1", H, Status.PASS), _result("H05.1", M, Status.PASS)]) == 100
    assert score([_result("H02.1", H, Status.FAIL), _result("C01", C, Status.FAIL)]) == 0


def test_the_score_is_the_weighted_share_that_passes() -> None:
    results = [
        _result("H02.1", H, Status.PASS),
        _result("H05.1", M, Status.PASS),
        _result("C01", C, Status.FAIL),
        _result("H09.1", L, Status.FAIL),
    ]
    passed, failing = WEIGHTS[H] + WEIGHTS[M], WEIGHTS[C] + WEIGHTS[L]
    assert score(results) == 100 * passed // (passed + failing)


def test_fixing_any_finding_raises_the_score_and_waivers_count_as_passed() -> None:
    before = [_result(f"H0{n}", H, Status.FAIL) for n in range(5)] + [_result("H10", M, Status.PASS)]
    for fixed in range(5):
        after = list(before)
        after[fixed] = replace(after[fixed], status=Status.PASS)
        assert score(after) > score(before)
    waived = [replace(before[0], status=Status.WAIVED), *before[1:]]
    assert score(waived) > score(before)
    # Errors and not-applicable checks count for neither side.
    noise = [_result("H03.1", C, Status.ERROR), _result("H03.2", C, Status.NOT_APPLICABLE)]
    assert score(before + noise) == score(before)


def test_each_host_has_its_score_lowest_first() -> None:
    results = [
        _result("H02.1", H, Status.FAIL, "ws-01"),
        _result("H05.1", M, Status.PASS, "ws-01"),
        _result("H02.1", H, Status.PASS, "ws-02"),
    ]
    assert host_scores(results) == (("ws-01", 100 * 3 // 8), ("ws-02", 100))


def test_the_report_score_moves_when_findings_are_fixed() -> None:
    passing = [_result(f"H1{n}", M, Status.PASS, "ws-02") for n in range(4)]
    failing = [_result(f"H0{n}", H, Status.FAIL) for n in range(4)]
    first = run([*passing, *failing], T0)
    second = run(
        [*passing, *failing[:1], *(replace(f, status=Status.PASS) for f in failing[1:])],
        T0 + T0.resolution * 0,
    )
    second = replace(second, id="second", started_at=T0.replace(day=12), finished_at=T0.replace(day=12))
    report = build_facility_report(history(first, second), INFO)
    assert [p.score for p in report.trend] == [score(first.findings), score(second.findings)]
    assert report.trend[0].score < report.trend[1].score == report.score


def test_two_scans_on_one_day_have_distinct_labels_and_the_charts_a_legend_and_figures() -> None:
    from hisguard.reports.formats import FORMATS

    morning = run([finding("H02")], T0.replace(hour=1), run_id="morning")
    evening = run([], T0.replace(hour=10), run_id="evening")
    html = FORMATS["html"].facility(build_facility_report(history(morning, evening), INFO), "vi")
    assert isinstance(html, str)
    assert ">08:00<" in html and ">17:00<" in html  # the scans' times (Vietnam time) under the dates
    assert 'class="legend"' in html and "Nghiêm trọng" in html
    figures = html[html.index('class="chart-data"') :]
    assert figures.index("08:00") < figures.index("17:00")
