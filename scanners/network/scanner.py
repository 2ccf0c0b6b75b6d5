"""The network scanner (nmap): plan and run one facility's sweep; one Run per facility.

Every facility is planned (scope, settings, nmap jobs) before the first nmap starts, so a scope or
setting error stops the command before any packet leaves. A facility is swept first (discovery
and port scan), then only the open ports that need it are fingerprinted (``fingerprint``). On
that fast path the sweep has two parts side by side, the inventory's own addresses and the rest
of the range: the inventory's hosts are swept in seconds, and their version detection and SMB
scripts run while the rest of the range is still being discovered.
Facilities run in threads, and a semaphore keeps the number of nmap processes at or under
``max_nmap`` whatever the thread count.
A failed or unreadable nmap run becomes ScanError entries of its facility's Run.
"""

from __future__ import annotations

import functools
import ipaddress
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TypeVar, cast

from hisguard.scanners.errors import ScopeError
from hisguard.scanners.findings import Run, ScanError, utcnow
from hisguard.scanners.interface import CommonOptions, Plan, Progress, Scanner, new_run, no_progress
from hisguard.scanners.inventory import Facility, HostTarget, Inventory
from hisguard.scanners.network import fingerprint, protocols
from hisguard.scanners.network.driver import (
    NmapDriver,
    NmapError,
    NmapJob,
    PythonNmapDriver,
    build_jobs,
    fingerprint_job,
    running_as_root,
)
from hisguard.scanners.network.judge import SCANNER, judge, managed_by_address
from hisguard.scanners.network.ports import default_ports
from hisguard.scanners.network.risks import RiskTable, risk_table
from hisguard.scanners.network.settings import NmapSettings, settings_for
from hisguard.scanners.network.xmlreport import Host, NmapOutputError, parse
from hisguard.scanners.scope import Scope, contains, facility_scope, host_scopes

MAX_THREADS = 64


@dataclass(frozen=True)
class FacilityPlan:
    facility: Facility
    scope: Scope
    jobs: tuple[NmapJob, ...]  # the sweep
    settings: NmapSettings = field(default_factory=NmapSettings)
    privileged: bool = False


def plan_facility(facility: Facility, scope: Scope, ports: Sequence[int], privileged: bool) -> FacilityPlan:
    settings = settings_for(facility)
    if scope.size > settings.max_addresses:
        raise ScopeError(
            f"facility {facility.code}: {scope.size} addresses to sweep, more than "
            f"hisguard_nmap_max_addresses ({settings.max_addresses}); narrow it with --target or raise it"
        )
    return FacilityPlan(
        facility=facility,
        scope=scope,
        jobs=tuple(build_jobs(scope, settings, ports, privileged, known=tuple(managed_by_address(facility)))),
        settings=settings,
        privileged=privileged,
    )


def _error(plan: FacilityPlan, target: str, message: str) -> ScanError:
    return ScanError(scanner=SCANNER, target=target, message=message, facility=plan.facility.code)


def _collect(
    plan: FacilityPlan,
    job: NmapJob,
    driver: NmapDriver,
    gate: threading.BoundedSemaphore,
    errors: list[ScanError],
    stage: str = "",
) -> tuple[list[Host], bool]:
    """The hosts one job found, and whether nmap finished (errors say what went wrong)."""
    try:
        with gate:
            output = driver.run(job)
        report = parse(output)
    except (NmapError, NmapOutputError) as exc:
        errors.append(_error(plan, job.hosts, f"{stage}{exc}"))
        return [], False
    errors.extend(_error(plan, job.hosts, f"{stage}{problem}") for problem in report.problems)
    hosts = []
    for host in report.hosts:
        if not contains(job.targets, host.address):
            # Cannot happen with nmap as we call it; if it ever does, the result is not ours to judge.
            errors.append(_error(plan, host.address, "nmap reported an address outside the targets; ignored"))
            continue
        if host.timed_out and not stage:
            errors.append(
                _error(plan, host.address, "host timed out (hisguard_nmap_host_timeout); results incomplete")
            )
        hosts.append(host)
    return hosts, report.complete


FINGERPRINT_STAGE = "version detection: "


def _version_jobs(plan: FacilityPlan, answered: list[Host], table: RiskTable) -> list[NmapJob]:
    """The version-detection processes for ``answered``: one per set of ports that need it.

    The sets with the most ports come first: under the nmap cap they get the first free places,
    and each port that does not speak first (HTTP) makes nmap wait out its banner probe, seconds
    the SSH-only sets (answered at once) no longer add after them.
    """
    requests = []
    for version in (4, 6):
        hosts = [host for host in answered if ipaddress.ip_address(host.address).version == version]
        requests += sorted(fingerprint.group_requests(hosts, table).items())
    requests.sort(key=lambda request: -len(request[0]))  # stable: equal sizes keep their order
    return [
        fingerprint_job(plan.scope, plan.settings, addresses, ports, plan.privileged)
        for ports, addresses in requests
    ]


def _with_versions(
    answered: list[Host], outcomes: Sequence[tuple[list[Host], list[ScanError]]], errors: list[ScanError]
) -> list[Host]:
    """``answered`` with the services version detection identified merged in (``fingerprint.merge``).

    A host whose version detection failed or ran out of time keeps the sweep's view: its ports are
    judged by number, and an error entry says so (a finding that needs the service may be missing).
    """
    probed: dict[str, Host] = {}
    for found, problems in outcomes:
        errors.extend(problems)
        probed.update((host.address, host) for host in found)
    return [fingerprint.merge(host, probed.get(host.address)) for host in answered]


def _probe_versions(
    plan: FacilityPlan, job: NmapJob, driver: NmapDriver, gate: threading.BoundedSemaphore
) -> tuple[list[Host], list[ScanError]]:
    """One version-detection process: the hosts it identified, and its errors."""
    errors: list[ScanError] = []
    found, _ = _collect(plan, job, driver, gate, errors, FINGERPRINT_STAGE)
    identified = []
    for host in found:
        if host.timed_out or not host.up:
            errors.append(
                _error(
                    plan,
                    host.address,
                    f"{FINGERPRINT_STAGE}stopped after {plan.settings.version_timeout} "
                    "(hisguard_nmap_version_timeout); its services are judged by port number",
                )
            )
        else:
            identified.append(host)
    return identified, errors


T = TypeVar("T")


def _side_by_side(tasks: Sequence[Callable[[], T]], name: str) -> list[T]:
    """Each task's result, in task order; tasks run in threads (the nmap gate bounds the processes)."""
    if len(tasks) <= 1:
        return [task() for task in tasks]
    with ThreadPoolExecutor(max_workers=min(len(tasks), MAX_THREADS), thread_name_prefix=name) as pool:
        return list(pool.map(lambda task: task(), tasks))


def fingerprint_template(plan: FacilityPlan, nmap_path: str = "nmap") -> str:
    """What ``--dry-run`` shows of the second stage, whose targets only the sweep can tell."""
    sample = next(iter(plan.scope.targets[0]))
    job = fingerprint_job(plan.scope, plan.settings, [str(sample)], (1,), plan.privileged)
    words = job.command(nmap_path)
    words[3] = "ADDRESSES"
    words[words.index("-p") + 1] = "PORTS"
    return "per set of open PORTS that need version detection: " + " ".join(words)


@dataclass
class _Part:
    """What one sweep job and the stages after it found."""

    hosts: list[Host]
    complete: bool
    errors: list[ScanError]
    facts: protocols.WindowsFacts


def _sweep_part(
    plan: FacilityPlan, job: NmapJob, driver: NmapDriver, gate: threading.BoundedSemaphore, table: RiskTable
) -> _Part:
    """One sweep job, then version detection and the SMB scripts of what it found, side by side.

    The SMB scripts need only the open port numbers, so they do not wait for version detection;
    an RDP service that only version detection found on another port is probed afterwards.
    """
    errors: list[ScanError] = []
    hosts, complete = _collect(plan, job, driver, gate, errors)
    answered = [host for host in hosts if host.up]
    inside = [h for h in answered if any(contains(j.targets, h.address) for j in plan.jobs)]
    if plan.settings.version_detection == "needed" and answered:
        jobs = _version_jobs(plan, answered, table)
        # Submitted in order (version detection, largest sets first, then the SMB scripts), so
        # they queue for the nmap cap in that order.
        with ThreadPoolExecutor(max_workers=len(jobs) + 1, thread_name_prefix="hisguard-net-stage") as pool:
            probes = [pool.submit(_probe_versions, plan, job, driver, gate) for job in jobs]
            smb = pool.submit(_protocol_facts, inside, driver, gate)
            outcomes = [probe.result() for probe in probes]
            facts = smb.result()
        fingerprinted = _with_versions(answered, outcomes, errors)
        swept = {(h.address, p.number) for h in answered for p in h.open_ports if protocols.is_rdp(p)}
        answered = fingerprinted
        # RDP that only version detection recognised (not on 3389): probed now, as the plain path does.
        later = [
            replace(
                h,
                ports=tuple(
                    p for p in h.open_ports if protocols.is_rdp(p) and (h.address, p.number) not in swept
                ),
            )
            for h in answered
            if any(contains(j.targets, h.address) for j in plan.jobs)
        ]
        more = _protocol_facts([h for h in later if h.ports], driver, gate)
        facts.rdp.update(more.rdp)
        facts.errors.extend(more.errors)
    else:
        facts = _protocol_facts(inside, driver, gate)
    return _Part(answered, complete, errors, facts)


def _protocol_facts(
    hosts: list[Host], driver: NmapDriver, gate: threading.BoundedSemaphore
) -> protocols.WindowsFacts:
    """SMB and RDP facts of ``hosts`` (addresses the scoped scan found); only a driver that talks
    to the network has ``protocol_facts``."""
    collect = getattr(driver, "protocol_facts", None)
    if collect is None or not hosts:
        return protocols.WindowsFacts()
    with gate:
        return cast(protocols.WindowsFacts, collect(hosts))


def _merge_alike(sweeps: list[str], errors: list[ScanError]) -> list[ScanError]:
    """Parts of the sweep that failed with the same message (nmap missing) as one error for all."""
    merged: list[ScanError] = []
    first: dict[str, int] = {}  # message -> index in merged of the sweep-wide error
    for error in errors:
        index = first.get(error.message) if error.target in sweeps else None
        if index is None:
            if error.target in sweeps:
                first[error.message] = len(merged)
            merged.append(error)
        else:
            merged[index] = replace(merged[index], target=f"{merged[index].target} {error.target}")
    return merged


def sweep(plan: FacilityPlan, driver: NmapDriver, gate: threading.BoundedSemaphore, table: RiskTable) -> Run:
    started = utcnow()
    errors: list[ScanError] = []
    if not plan.jobs:
        errors.append(
            _error(plan, plan.facility.code, "nothing to scan: every address of the facility is excluded")
        )
    # The sweep's parts (the inventory's hosts, the rest of the range) run side by side, each
    # followed at once by the stages that need it.
    parts = _side_by_side(
        [functools.partial(_sweep_part, plan, job, driver, gate, table) for job in plan.jobs],
        "hisguard-net-part",
    )
    answered: list[Host] = []
    facts = protocols.WindowsFacts()
    errors.extend(_merge_alike([job.hosts for job in plan.jobs], [e for p in parts for e in p.errors]))
    for part in parts:
        answered.extend(part.hosts)
        facts.smb.update(part.facts.smb)
        facts.rdp.update(part.facts.rdp)
        facts.errors.extend(part.facts.errors)
    answered.sort(key=lambda host: ipaddress.ip_address(host.address))  # nmap's own order
    covered = [job for job, part in zip(plan.jobs, parts, strict=True) if part.complete]
    managed = managed_by_address(plan.facility)
    up = {host.address for host in answered}
    for address, host in sorted(managed.items()):
        # Silence means something only when nmap finished: after a cut-short run it means nothing.
        if address not in up and any(contains(job.targets, address) for job in covered):
            errors.append(
                _error(plan, host.name, f"{address} did not answer (down, or a firewall drops the probes)")
            )
    findings = judge(answered, plan.facility, table)
    inside = [h for h in answered if any(contains(job.targets, h.address) for job in plan.jobs)]
    errors.extend(_error(plan, target, message) for target, message in facts.errors)
    findings += protocols.judge(inside, facts, plan.facility, table, managed)
    return new_run(
        (SCANNER,),
        plan.facility.code,
        started,
        hosts=(managed[h.address].name if h.address in managed else h.address for h in answered),
        errors=errors,
        findings=findings,
    )


def nmap_gate(max_nmap: int) -> threading.BoundedSemaphore:
    """The cap on concurrent nmap processes; share one between calls that must respect one cap."""
    if max_nmap < 1:
        raise ValueError("max_nmap must be at least 1")
    return threading.BoundedSemaphore(max_nmap)


def scan_all(
    plans: Sequence[FacilityPlan],
    driver: NmapDriver,
    table: RiskTable,
    max_nmap: int = 2,
    gate: threading.BoundedSemaphore | None = None,
) -> list[Run]:
    """One Run per plan, in plan order; never more than ``max_nmap`` nmap processes at once.

    Callers that scan facilities in separate calls pass one shared ``gate`` (``nmap_gate``).
    """
    gate = gate if gate is not None else nmap_gate(max_nmap)
    if len(plans) <= 1:
        return [sweep(plan, driver, gate, table) for plan in plans]
    # A thread per facility (bounded); the semaphore, not the pool size, caps the nmap processes.
    with ThreadPoolExecutor(
        max_workers=min(len(plans), MAX_THREADS), thread_name_prefix="hisguard-net"
    ) as pool:
        return list(pool.map(lambda plan: sweep(plan, driver, gate, table), plans))


@dataclass(frozen=True)
class NetworkOptions:
    ports: tuple[int, ...]
    limited: bool = False  # sweep only the given hosts' addresses, not the facility's networks
    scopes: Mapping[str, Scope] | None = None  # --target: the requested scope of each facility
    nmap_path: str = "nmap"
    # One cap on nmap processes shared by every facility of the command.
    gate: threading.BoundedSemaphore = field(default_factory=lambda: nmap_gate(2), compare=False)


@dataclass(frozen=True)
class NetworkWork:
    sweep: FacilityPlan
    table: RiskTable
    options: NetworkOptions


class NetworkScanner(Scanner[NetworkOptions, NetworkWork]):
    name = SCANNER

    def __init__(self, make_driver: Callable[[str], NmapDriver] = PythonNmapDriver) -> None:
        self._make_driver = make_driver  # called with the nmap path when the first plan runs

    def options(self, common: CommonOptions) -> NetworkOptions:
        return NetworkOptions(
            ports=tuple(default_ports()),
            limited=common.limited,
            nmap_path=common.nmap_path,
            gate=nmap_gate(common.max_nmap),
        )

    def plan(
        self, inventory: Inventory, facility: Facility, hosts: Sequence[HostTarget], options: NetworkOptions
    ) -> Plan[NetworkWork] | None:
        if options.scopes is not None:
            scope = options.scopes.get(facility.code)
        elif options.limited:
            scope = next(iter(host_scopes([facility], hosts)), None)
        else:
            scope = facility_scope(facility)
        if scope is None:
            return None
        work = NetworkWork(
            plan_facility(facility, scope, options.ports, running_as_root()), risk_table(), options
        )
        return Plan(SCANNER, facility, tuple(hosts), work)

    def run(self, plan: Plan[NetworkWork], progress: Progress = no_progress) -> Run:
        work = plan.work
        driver = self._make_driver(work.options.nmap_path)
        return sweep(work.sweep, driver, work.options.gate, work.table)
