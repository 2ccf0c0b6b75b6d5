"""The seam every scanner implements: plan first (every refusal), then run (the traffic).

    plan = scanner.plan(inventory, facility, hosts, options)   # ScopeError/HisguardError: refused,
                                                               # nothing sent yet
    run = scanner.run(plan, progress)                          # one Run of that facility

A command plans every facility (and, for ``scan all``, every scanner) before it runs the first
plan, so a host outside its facility's networks, inside an excluded range, or unknown to the
inventory stops the command before any packet or SSH session. ``run`` never raises for a host
that cannot be scanned: that host becomes a :class:`~hisguard.scanners.findings.ScanError` of the
run.

A new scanner (a Windows/SMB one, say) is one package with a class implementing
:class:`Scanner` and one line in :mod:`hisguard.scanners.registry`; see docs/architecture.md.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Generic, TypeVar

from hisguard.scanners.findings import Finding, Run, ScanError, utcnow
from hisguard.scanners.inventory import Facility, HostTarget, Inventory

# Called with (scanner, event, detail): event is "start", "done" or "failed".
Progress = Callable[[str, str, str], None]


def no_progress(scanner: str, event: str, detail: str) -> None:
    """The progress callback of a caller that shows none."""


@dataclass(frozen=True)
class CommonOptions:
    """What every scan may be asked, whichever scanner runs: ``scan all`` passes these to each."""

    trust_on_first_use: bool = False
    workers: int = 16  # SSH hosts at once
    max_nmap: int = 2
    nmap_path: str = "nmap"
    limited: bool = False  # --limit narrowed the hosts: scan only those (no whole-network sweep)


OptionsT = TypeVar("OptionsT")
WorkT = TypeVar("WorkT")


@dataclass(frozen=True)
class Plan(Generic[WorkT]):
    """Everything one scanner will do to one facility, decided and checked before it starts.

    ``hosts`` are the inventory hosts it will contact (already checked against the facility's
    scope); ``work`` is the scanner's own part (nmap jobs, rules, checks...).
    """

    scanner: str
    facility: Facility
    hosts: tuple[HostTarget, ...]
    work: WorkT


class Scanner(ABC, Generic[OptionsT, WorkT]):
    """One kind of scan (credentials, config, network...)."""

    name: ClassVar[str]

    @abstractmethod
    def options(self, common: CommonOptions) -> OptionsT:
        """This scanner's options built from the common ones (what ``scan all`` uses)."""

    @abstractmethod
    def plan(
        self, inventory: Inventory, facility: Facility, hosts: Sequence[HostTarget], options: OptionsT
    ) -> Plan[WorkT] | None:
        """Check and decide everything; raise a HisguardError to refuse; None: nothing to scan here."""

    @abstractmethod
    def run(self, plan: Plan[WorkT], progress: Progress = no_progress) -> Run:
        """Do the plan; a host that fails is a ScanError in the run, never an exception."""


def new_run(
    scanners: Sequence[str],
    facility: str,
    started_at: datetime,
    *,
    hosts: Iterable[str] = (),
    errors: Iterable[ScanError] = (),
    findings: Iterable[Finding] = (),
    finished_at: datetime | None = None,
) -> Run:
    """The one place a scanner's Run is assembled: a fresh id, finished now unless told."""
    return Run(
        id=Run.new_id(),
        started_at=started_at,
        finished_at=finished_at or utcnow(),
        scanners=tuple(scanners),
        facility=facility,
        hosts=tuple(hosts),
        errors=tuple(errors),
        findings=tuple(findings),
    )
