"""The score: the share of the scan's results that pass, each weighted by its severity (0-100).

In the spirit of Lynis' hardening index. Every result a scan produced counts once: a check that
passed or failed on a host, a credential or patient-data finding in a file, a risky service on
an address. ``score = 100 * passed weight / (passed weight + failing weight)``, rounded down,
with weights critical 10, high 5, medium 3, low 1 (info 0). A waived finding counts as passed
(management accepted it), an error or a not-applicable check counts for neither side, and a
scan with nothing judged scores 100. Fixing any finding raises the score; a new one lowers it;
a clinic and a hospital are comparable because the score is a share, not a sum of penalties.
The same formula gives each host's score from that host's results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hisguard.scanners.findings import Finding, Severity, Status

WEIGHTS: Mapping[Severity, int] = {
    Severity.CRITICAL: 10,
    Severity.HIGH: 5,
    Severity.MEDIUM: 3,
    Severity.LOW: 1,
    Severity.INFO: 0,
}
MAX_SCORE = 100
PASSED = (Status.PASS, Status.WAIVED)


def weight(severities: Iterable[Severity]) -> int:
    return sum(WEIGHTS[severity] for severity in severities)


def score_of(passed: int, failing: int) -> int:
    """The score from the passed and failing weights."""
    total = passed + failing
    return MAX_SCORE if total == 0 else (MAX_SCORE * passed) // total


def score(findings: Iterable[Finding]) -> int:
    """The score of a set of results (a scan's, or one host's)."""
    passed = failing = 0
    for finding in findings:
        if finding.status in PASSED:
            passed += WEIGHTS[finding.severity]
        elif finding.status == Status.FAIL:
            failing += WEIGHTS[finding.severity]
    return score_of(passed, failing)


def host_scores(findings: Iterable[Finding]) -> tuple[tuple[str, int], ...]:
    """Each host's score, lowest first (then by name)."""
    by_host: dict[str, list[Finding]] = {}
    for finding in findings:
        by_host.setdefault(finding.host, []).append(finding)
    return tuple(
        sorted(((host, score(found)) for host, found in by_host.items()), key=lambda i: (i[1], i[0]))
    )
