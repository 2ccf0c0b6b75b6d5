"""The facility score: 100 minus a penalty per failing check, by severity, never below 0.

A check counts once however many hosts or files fail it: "SSH allows root login" on 40
workstations is one thing to fix (one role, one command), and counting it 40 times would sink
every large facility to 0 and make scores incomparable between a clinic and a hospital. How
widespread a problem is shows in the counts next to the score. Waived, passing and errored
findings cost nothing; only hosts that could be scanned are judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hisguard.scanners.findings import Severity

WEIGHTS: Mapping[Severity, int] = {
    Severity.CRITICAL: 25,
    Severity.HIGH: 10,
    Severity.MEDIUM: 4,
    Severity.LOW: 1,
    Severity.INFO: 0,
}
MAX_SCORE = 100


def worst_by_check(items: Iterable[tuple[str, Severity]]) -> dict[str, Severity]:
    """check id -> the worst severity among its failing findings."""
    worst: dict[str, Severity] = {}
    for check_id, severity in items:
        known = worst.get(check_id)
        if known is None or severity.rank > known.rank:
            worst[check_id] = severity
    return worst


def score(failing: Iterable[tuple[str, Severity]]) -> int:
    """The score of one scan from its failing (check id, severity) pairs."""
    penalty = sum(WEIGHTS[severity] for severity in worst_by_check(failing).values())
    return max(0, MAX_SCORE - penalty)
