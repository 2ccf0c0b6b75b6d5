"""``hisguard scan all``: every registered scanner on each facility, merged into one run.

Every scanner plans every facility first (any refusal stops the command before traffic); then
a facility's scanners run side by side (credentials and configuration over SSH, the network
through nmap) and their runs are merged, so reports and history see one scan per facility.
"""

from __future__ import annotations

from collections.abc import Sequence

from hisguard.scanners import registry
from hisguard.scanners.findings import Run, utcnow
from hisguard.scanners.interface import CommonOptions, Progress, new_run, no_progress
from hisguard.scanners.inventory import Facility, Inventory
from hisguard.scanners.plans import Job, plan_facilities, run_jobs


def plan_everything(
    inventory: Inventory,
    facility: str | None,
    limit: str | None,
    common: CommonOptions,
    names: Sequence[str] | None = None,
) -> list[tuple[Facility, list[Job]]]:
    """Each selected facility that has hosts, with every scanner's job for it."""
    facilities = [f for f in inventory.select(facility) if inventory.hosts(f.code, None)]
    hosts = inventory.hosts(facility, limit)  # refuses a pattern that matches nothing
    scanners = [registry.scanner(name) for name in names or registry.names()]
    planned: list[tuple[Facility, list[Job]]] = []
    for fac in facilities:
        jobs = [
            job for s in scanners for job in plan_facilities(s, s.options(common), inventory, [fac], hosts)
        ]
        planned.append((fac, jobs))
    return planned


def scan_everything(facility: Facility, jobs: Sequence[Job], progress: Progress = no_progress) -> Run:
    """Run one facility's jobs side by side and merge their runs into one."""
    return merge_runs(facility, run_jobs(jobs, progress))


def merge_runs(facility: Facility, runs: Sequence[Run]) -> Run:
    """One run of the facility from its scanners' runs (a scanner that failed left an error)."""
    hosts: list[str] = []
    for run in runs:
        hosts.extend(h for h in run.hosts if h not in hosts)
    return new_run(
        [name for name in registry.names() if any(name in r.scanners for r in runs)],
        facility.code,
        min((r.started_at for r in runs), default=utcnow()),
        hosts=hosts,
        errors=(e for r in runs for e in r.errors),
        findings=(f for r in runs for f in r.findings),
    )
