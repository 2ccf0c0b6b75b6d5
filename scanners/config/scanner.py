"""Scan many hosts in parallel (one thread and one connection per host) into one Run per facility."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from hisguard.scanners.config.catalog import Check
from hisguard.scanners.config.engine import SCANNER, HostResult, applicable, scan_host
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.findings import Finding, Run, ScanError, utcnow
from hisguard.scanners.inventory import HostTarget
from hisguard.scanners.keys import installation_key
from hisguard.scanners.transport import Transport, open_transport

log = logging.getLogger("hisguard.config")

DEFAULT_WORKERS = 16

Connect = Callable[[HostTarget], Transport]


@dataclass(frozen=True)
class ScanOptions:
    ignore_groups: bool = False
    trust_on_first_use: bool = False
    workers: int = DEFAULT_WORKERS
    connect_timeout: float = 10.0
    command_timeout: float = 60.0


def scan_one(
    target: HostTarget, checks: Sequence[Check], options: ScanOptions, connect: Connect | None = None
) -> HostResult | ScanError:
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
            return scan_host(target, chosen, transport, timeout=options.command_timeout)
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
    options: ScanOptions = ScanOptions(),
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
            Run(
                id=Run.new_id(),
                started_at=started,
                finished_at=finished,
                scanners=(SCANNER,),
                facility=facility,
                hosts=tuple(hosts),
                errors=tuple(errors),
                findings=tuple(findings),
            )
        )
    return runs


def _check_errors(target: HostTarget, result: HostResult) -> list[ScanError]:
    """Checks that could not judge (a command missing, a read refused) are listed as run errors too."""
    failed = result.check_errors
    if not failed:
        return []
    parts = [f"{f.check_id} ({f.evidence})" for f in failed]
    message = f"{target.name}: {len(failed)} check(s) could not run: " + "; ".join(parts)
    return [ScanError(scanner=SCANNER, target=target.name, message=message[:600], facility=target.facility)]
