"""The configuration scanner: hosts in parallel (one thread and one connection each), one Run per facility."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from hisguard.scanners.config.catalog import Check, catalog, select
from hisguard.scanners.config.engine import SCANNER, HostReport, applicable, check_host
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.findings import Finding, Run, ScanError, utcnow
from hisguard.scanners.interface import CommonOptions, Plan, Progress, Scanner, new_run, no_progress
from hisguard.scanners.inventory import Facility, HostTarget, Inventory, is_windows
from hisguard.scanners.keys import installation_key
from hisguard.scanners.scope import refuse_out_of_scope
from hisguard.scanners.transport import Transport, open_transport

log = logging.getLogger("hisguard.config")

DEFAULT_WORKERS = 16

Connect = Callable[[HostTarget], Transport]


@dataclass(frozen=True)
class ConfigOptions:
    ignore_groups: bool = False
    trust_on_first_use: bool = False
    workers: int = DEFAULT_WORKERS
    connect_timeout: float = 10.0
    command_timeout: float = 60.0
    check_ids: tuple[str, ...] = ()  # only these checks or families (empty: every check)


def scan_one(
    target: HostTarget, checks: Sequence[Check], options: ConfigOptions, connect: Connect | None = None
) -> HostReport | ScanError:
    """One host: its findings, or the one-line reason it could not be scanned."""
    chosen = applicable(checks, target, ignore_groups=options.ignore_groups)
    opener = connect or (
        lambda host: open_transport(
            host, trust_on_first_use=options.trust_on_first_use, connect_timeout=options.connect_timeout
        )
    )
    try:
        transport = opener(target)
        try:
            return check_host(target, chosen, transport, timeout=options.command_timeout)
        finally:
            transport.close()
    except HisguardError as exc:
        return ScanError(scanner=SCANNER, target=target.name, message=str(exc), facility=target.facility)
    except Exception as exc:  # never let one host's surprise end the run for the others
        log.debug("scanning %s failed", target.name, exc_info=True)
        message = f"{target.name}: unexpected {type(exc).__name__}"
        return ScanError(scanner=SCANNER, target=target.name, message=message, facility=target.facility)


def scan_fleet(
    targets: Sequence[HostTarget],
    checks: Sequence[Check],
    options: ConfigOptions = ConfigOptions(),
    connect: Connect | None = None,
) -> list[Run]:
    """Every target scanned by a bounded pool; one Run per facility, in facility order."""
    started = utcnow()
    # Read (or create) the installation key before the threads do: created by several threads
    # at once, one of them could read the file while another is still writing it.
    installation_key()
    workers = max(1, min(options.workers, len(targets) or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hisguard-config") as pool:
        results = list(pool.map(lambda t: scan_one(t, checks, options, connect), targets))
    finished = utcnow()
    runs = []
    for facility in sorted({t.facility for t in targets}):
        hosts: list[str] = []
        findings: list[Finding] = []
        errors: list[ScanError] = []
        for target, result in zip(targets, results, strict=True):
            if target.facility != facility:
                continue
            if isinstance(result, ScanError):
                errors.append(result)
                continue
            hosts.append(target.name)
            findings.extend(result.findings)
            errors.extend(_check_errors(target, result))
        runs.append(
            new_run(
                (SCANNER,),
                facility,
                started,
                hosts=hosts,
                errors=errors,
                findings=findings,
                finished_at=finished,
            )
        )
    return runs


def _check_errors(target: HostTarget, result: HostReport) -> list[ScanError]:
    """Checks that could not judge (a command missing, a read refused) are listed as run errors too."""
    failed = result.check_errors
    if not failed:
        return []
    parts = [f"{f.check_id} ({f.evidence})" for f in failed]
    message = f"{target.name}: {len(failed)} check(s) could not run: " + "; ".join(parts)
    return [ScanError(scanner=SCANNER, target=target.name, message=message[:600], facility=target.facility)]


@dataclass(frozen=True)
class ConfigWork:
    checks: tuple[Check, ...]
    options: ConfigOptions


class ConfigScanner(Scanner[ConfigOptions, ConfigWork]):
    name = SCANNER

    def __init__(self, connect: Connect | None = None) -> None:
        self._connect = connect

    def options(self, common: CommonOptions) -> ConfigOptions:
        return ConfigOptions(trust_on_first_use=common.trust_on_first_use, workers=common.workers)

    def plan(
        self, inventory: Inventory, facility: Facility, hosts: Sequence[HostTarget], options: ConfigOptions
    ) -> Plan[ConfigWork] | None:
        checks = select(catalog(), check_ids=options.check_ids or None)
        hosts = [h for h in hosts if not is_windows(h)]  # judged by the windows scanner (W01-W11)
        if not hosts:
            return None
        refuse_out_of_scope(facility, hosts)
        return Plan(SCANNER, facility, tuple(hosts), ConfigWork(tuple(checks), options))

    def run(self, plan: Plan[ConfigWork], progress: Progress = no_progress) -> Run:
        (run,) = scan_fleet(plan.hosts, plan.work.checks, plan.work.options, self._connect)
        return run
