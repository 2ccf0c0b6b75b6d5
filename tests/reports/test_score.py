"""The score: 100 minus a penalty per failing check (once per check, worst severity), floor 0."""

from __future__ import annotations

from hisguard.reports.score import WEIGHTS, score, worst_by_check
from hisguard.scanners.findings import Severity

C, H, M, L, N = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO


def test_nothing_failing_scores_100() -> None:
    assert score([]) == 100


def test_each_check_counts_once_at_its_worst_severity() -> None:
    # H02 fails on 40 workstations: one thing to fix, one penalty.
    assert score([("H02", H)] * 40) == 100 - WEIGHTS[H]
    assert worst_by_check([("C01", H), ("C01", C), ("C01", M)]) == {"C01": C}
    assert score([("C01", H), ("C01", C)]) == 100 - WEIGHTS[C]


def test_weights_add_up_and_the_floor_is_zero() -> None:
    assert score([("C01", C), ("H02", H), ("H07", M), ("H09", L), ("X", N)]) == 100 - 25 - 10 - 4 - 1
    assert score([(f"C{n:02d}", C) for n in range(10)]) == 0
