"""``hisguard scan all``: the three scanners on one facility, stored as one run.

The scanners run side by side (credentials and configuration over SSH, the network through
nmap); their runs are merged so that reports and history see one scan per facility.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from hisguard.scanners.config.catalog import catalog
from hisguard.scanners.config.scanner import ScanOptions, scan_fleet
from hisguard.scanners.credentials.scan import run_facility
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.findings import Run, ScanError, utcnow
from hisguard.scanners.inventory import Facility, HostTarget, Inventory
from hisguard.scanners.network.driver import PythonNmapDriver, running_as_root
from hisguard.scanners.network.ports import default_ports
from hisguard.scanners.network.risks import risk_table
from hisguard.scanners.network.runner import plan_facility, scan_all
from hisguard.scanners.network.scope import facility_scope, host_scopes

SCANNERS = ("credentials", "config", "network")

# Called with (scanner, event, detail): event is "start", "done" or "failed".
Progress = Callable[[str, str, str], None]


@dataclass(frozen=True)
class ScanAllOptions:
    trust_on_first_use: bool = False
    workers: int = 16
    max_nmap: int = 2
    nmap_path: str = "nmap"


def _credentials(facility: Facility, hosts: Sequence[HostTarget], options: ScanAllOptions) -> Run:
    return run_facility(facility, list(hosts), (), trust_on_first_use=options.trust_on_first_use)


def _config(facility: Facility, hosts: Sequence[HostTarget], options: ScanAllOptions) -> Run:
    runs = scan_fleet(
        hosts,
        catalog(),
        ScanOptions(trust_on_first_use=options.trust_on_first_use, workers=options.workers),
    )
    return runs[0]


def _network(facility: Facility, hosts: Sequence[HostTarget], options: ScanAllOptions, limited: bool) -> Run:
    scope = host_scopes([facility], hosts)[0] if limited else facility_scope(facility)
    plan = plan_facility(facility, scope, default_ports(), running_as_root())
    return scan_all([plan], PythonNmapDriver(options.nmap_path), risk_table(), options.max_nmap)[0]


def scan_facility(
    inventory: Inventory,
    facility: Facility,
    limit: str | None = None,
    options: ScanAllOptions = ScanAllOptions(),
    progress: Progress | None = None,
) -> Run:
    """Run the three scanners on one facility and merge their runs into one."""
    hosts = [h for h in inventory.hosts(facility.code, limit) if h.facility == facility.code]
    report = progress or (lambda scanner, event, detail: None)
    jobs: dict[str, Callable[[], Run]] = {
        "credentials": lambda: _credentials(facility, hosts, options),
        "config": lambda: _config(facility, hosts, options),
        "network": lambda: _network(facility, hosts, options, limited=limit is not None),
    }

    def run_one(name: str) -> Run | ScanError:
        report(name, "start", f"{len(hosts)} hosts")
        try:
            run = jobs[name]()
        except HisguardError as exc:
            report(name, "failed", str(exc))
            return ScanError(scanner=name, target=facility.code, message=str(exc), facility=facility.code)
        report(name, "done", f"{len(run.findings)} results, {len(run.errors)} errors")
        return run

    with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="hisguard-all") as pool:
        results = list(pool.map(run_one, SCANNERS))
    return merge_runs(facility, results)


def merge_runs(facility: Facility, results: Sequence[Run | ScanError]) -> Run:
    """One run of the facility from the scanners' runs; a scanner that failed becomes an error."""
    runs = [r for r in results if isinstance(r, Run)]
    failures = [r for r in results if isinstance(r, ScanError)]
    hosts: list[str] = []
    for run in runs:
        hosts.extend(h for h in run.hosts if h not in hosts)
    return Run(
        id=Run.new_id(),
        started_at=min((r.started_at for r in runs), default=utcnow()),
        finished_at=utcnow(),
        scanners=tuple(name for name in SCANNERS if any(name in r.scanners for r in runs)),
        facility=facility.code,
        hosts=tuple(hosts),
        errors=tuple(e for r in runs for e in r.errors) + tuple(failures),
        findings=tuple(f for r in runs for f in r.findings),
    )
