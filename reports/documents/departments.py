"""Which department answers for a finding, because the letters hold departments responsible.

The rule, first match wins:

1. the finding names a portal account of the register (its ``account`` fact, the register name
   or username, or its ``username`` fact), or is a register finding with a ``department`` fact:
   that department;
2. the finding's host has an owner in ``hisguard_host_departments``: that department;
3. otherwise it is unattributed, and counted in its own row.

A finding about one person holding accounts of several departments (C16) names several
departments: it is unattributed, since no one department answers for it alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hisguard.reports.facts import account_of, text_fact
from hisguard.scanners.findings import Finding, Severity
from hisguard.scanners.inventory import PortalAccount

UNATTRIBUTED = ""


@dataclass(frozen=True)
class DepartmentRow:
    department: str  # UNATTRIBUTED for the findings no rule attributes
    counts: Mapping[Severity, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def department_of(
    finding: Finding, accounts: Sequence[PortalAccount], host_departments: Mapping[str, str]
) -> str:
    account, username = account_of(finding.details)
    for entry in accounts:
        named_here = (account and account in (entry.name, entry.username)) or (
            username and entry.username.casefold() == username.casefold()
        )
        if named_here and entry.department:
            return entry.department
    named = text_fact(finding.details, "department")
    if named:
        return named
    return host_departments.get(finding.host, UNATTRIBUTED)


def breakdown(
    findings: Iterable[Finding], accounts: Sequence[PortalAccount], host_departments: Mapping[str, str]
) -> list[DepartmentRow]:
    """One row per department with findings, by name; the unattributed row last (if any)."""
    counts: dict[str, dict[Severity, int]] = {}
    for finding in findings:
        department = department_of(finding, accounts, host_departments)
        row = counts.setdefault(department, dict.fromkeys(Severity, 0))
        row[finding.severity] += 1
    named = sorted((d for d in counts if d != UNATTRIBUTED), key=str.casefold)
    ordered = [*named, *([UNATTRIBUTED] if UNATTRIBUTED in counts else [])]
    return [DepartmentRow(d, counts[d]) for d in ordered]
