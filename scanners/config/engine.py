"""Judge one host: read its facts in one round trip, run every check locally, build findings."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hisguard.scanners.config.catalog import Check
from hisguard.scanners.config.model import FactError, Verdict, errored
from hisguard.scanners.config.snapshot import Facts, collect
from hisguard.scanners.findings import Finding, Status
from hisguard.scanners.inventory import HostTarget
from hisguard.scanners.transport import Transport

log = logging.getLogger("hisguard.config")

SCANNER = "config"


@dataclass(frozen=True)
class HostReport:
    host: str
    findings: tuple[Finding, ...]

    @property
    def check_errors(self) -> list[Finding]:
        return [f for f in self.findings if f.status == Status.ERROR]


def applicable(checks: Iterable[Check], target: HostTarget, *, ignore_groups: bool) -> list[Check]:
    return [c for c in checks if ignore_groups or c.applies_to(target.groups)]


def needed_sections(checks: Iterable[Check]) -> list[str]:
    # "virt" always: several checks judge differently inside a container.
    return list(dict.fromkeys(["virt", *(name for c in checks for name in c.code.needs)]))


def check_host(
    target: HostTarget, checks: Sequence[Check], transport: Transport, *, timeout: float = 60.0
) -> HostReport:
    """Collect the facts ``checks`` need and evaluate them; TransportError if the host fails us."""
    sections = collect(transport, target, needed_sections(checks), timeout=timeout)
    facts = Facts(target, sections, fetch=lambda names: collect(transport, target, names, timeout=timeout))
    return HostReport(target.name, tuple(evaluate(checks, facts)))


def evaluate(checks: Iterable[Check], facts: Facts) -> list[Finding]:
    """Every check on one snapshot; a check that cannot judge yields an ERROR finding, not a crash."""
    findings = []
    for check in checks:
        for outcome in _outcomes(check, facts):
            findings.append(to_finding(check, facts.target, outcome))
    return findings


def _outcomes(check: Check, facts: Facts) -> list[Verdict]:
    try:
        result = check.code.func(facts)
        outcomes = [result] if isinstance(result, Verdict) else list(result)
    except FactError as exc:
        return [errored(check.code.resource, str(exc))]
    except Exception as exc:  # a bug or an unexpected host answer: report it, judge the rest
        log.debug("check %s on %s raised", check.id, facts.target.name, exc_info=True)
        first = (str(exc).splitlines() or [""])[0][:160]
        return [errored(check.code.resource, f"check failed: {type(exc).__name__}: {first}")]
    if not outcomes:
        return [errored(check.code.resource, "check returned no result")]
    return outcomes


def to_finding(check: Check, target: HostTarget, outcome: Verdict) -> Finding:
    return check.meta.finding(
        scanner=SCANNER,
        facility=target.facility,
        host=target.name,
        resource=outcome.resource,
        material=outcome.material,
        status=outcome.status,
        evidence=outcome.evidence,
        line=outcome.line,
        details=outcome.details,
    )
