"""Every command's two steps: plan each facility with a scanner, then run the plans side by side.

All plans are made before the first one runs, so a refusal (scope, unknown host, bad rules file)
stops the command before any traffic. Running, a scanner that fails as a whole (nmap missing, a
surprise) becomes one ScanError of its facility's run: the other facilities and scanners go on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from hisguard.scanners.errors import HisguardError
from hisguard.scanners.findings import Run, ScanError, utcnow
from hisguard.scanners.interface import Plan, Progress, Scanner, new_run, no_progress
from hisguard.scanners.inventory import Facility, HostTarget, Inventory
from hisguard.scanners.keys import installation_key

log = logging.getLogger("hisguard.scan")

MAX_PARALLEL_PLANS = 16


@dataclass(frozen=True)
class Job:
    """One plan and the scanner that made it (and will run it)."""

    scanner: Scanner[Any, Any]
    plan: Plan[Any]


def plan_facilities(
    scanner: Scanner[Any, Any],
    options: Any,
    inventory: Inventory,
    facilities: Sequence[Facility],
    hosts: Sequence[HostTarget],
) -> list[Job]:
    """One job per facility that the scanner has something to do in (the facility's share of
    ``hosts`` is what it may contact)."""
    jobs = []
    for facility in facilities:
        mine = [h for h in hosts if h.facility == facility.code]
        plan = scanner.plan(inventory, facility, mine, options)
        if plan is not None:
            jobs.append(Job(scanner, plan))
    return jobs


def run_job(job: Job, progress: Progress = no_progress) -> Run:
    """Run one plan; a scanner that gives up is one error of the facility, never a traceback."""
    name, code = job.scanner.name, job.plan.facility.code
    progress(name, "start", f"{len(job.plan.hosts)} hosts")
    started = utcnow()
    try:
        run = job.scanner.run(job.plan, progress)
    except HisguardError as exc:
        message = str(exc)
    except Exception as exc:  # a bug must not lose the other scanners' results
        log.debug("scanner %s on %s raised", name, code, exc_info=True)
        message = f"{name} scanner failed: unexpected {type(exc).__name__}"
    else:
        progress(name, "done", f"{len(run.findings)} results, {len(run.errors)} errors")
        return run
    progress(name, "failed", message)
    return new_run((name,), code, started, errors=[ScanError(name, code, message, code)])


def run_jobs(jobs: Sequence[Job], progress: Progress = no_progress) -> list[Run]:
    """Every job's run, in job order; jobs run side by side (each scanner bounds its own load)."""
    # Read (or create) the installation key before the threads do: created by several threads
    # at once, one of them could read the file while another is still writing it.
    installation_key()
    if len(jobs) <= 1:
        return [run_job(job, progress) for job in jobs]
    workers = min(len(jobs), MAX_PARALLEL_PLANS)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hisguard-scan") as pool:
        return list(pool.map(lambda job: run_job(job, progress), jobs))
