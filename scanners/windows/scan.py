"""One Windows Run per facility: each Windows host's disk over SMB through the credential judge,
and its configuration facts (facts.ps1 over PSRP or OpenSSH) through the Windows judge.

A host that cannot be read (unreachable, wrong password, no share, no PowerShell) is a ScanError
of the run and the other hosts go on; parts of a host that cannot be read (a denied folder, a file
Windows keeps locked) are error entries too. Every host read over SMB gets a W00 record saying how
(dialect, signing) and what (places, files, bytes) was read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from hisguard.scanners.credentials.report import HostResult
from hisguard.scanners.credentials.rules import RuleSet
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.findings import Finding, Run, ScanError, Status, utcnow
from hisguard.scanners.interface import new_run
from hisguard.scanners.inventory import Facility, HostTarget
from hisguard.scanners.windows import config
from hisguard.scanners.windows.files import SmbScan, budget_for, require_signing, scan_disk
from hisguard.scanners.windows.remote import run_facts
from hisguard.scanners.windows.target import account

SCANNER = "windows"
MAX_ERRORS_PER_HOST = 20


@dataclass(frozen=True)
class WindowsOptions:
    files: bool = True  # SMB credential scan
    configuration: bool = True  # facts.ps1 + judge
    time_budget: float | None = None  # seconds per host for the SMB read
    facts_timeout: float = 300.0
    trust_on_first_use: bool = False


def policy_for(host: HostTarget, facility: Facility) -> config.Policy:
    def value(name: str, default: Any) -> Any:
        found = host.var(name)
        return facility.settings.get(name, default) if found is None else found

    def names(name: str) -> tuple[str, ...]:
        found = value(name, [])
        return tuple(str(x) for x in found) if isinstance(found, list) else ()

    base = config.Policy()
    user = str(account(host).user) if host.var("ansible_user") else ""
    try:
        return config.Policy(
            min_password_length=int(value("hisguard_windows_min_password_length", base.min_password_length)),
            max_lockout_threshold=int(
                value("hisguard_windows_max_lockout_threshold", base.max_lockout_threshold)
            ),
            max_inactivity_seconds=int(
                value("hisguard_windows_max_inactivity_seconds", base.max_inactivity_seconds)
            ),
            max_signature_age_days=int(
                value("hisguard_windows_max_signature_age_days", base.max_signature_age_days)
            ),
            max_update_age_days=int(value("hisguard_windows_max_update_age_days", base.max_update_age_days)),
            allowed_admins=(*names("hisguard_windows_allowed_admins"), *((user,) if user else ())),
            allowed_remote_tools=names("hisguard_windows_allowed_remote_tools"),
        )
    except (TypeError, ValueError):
        raise HisguardError(f"{host.name}: a hisguard_windows_* threshold is not a number") from None


def read_record(scan: SmbScan, host: HostTarget, facility: str) -> Finding:
    meta = config.read_record_meta()
    read, session = scan.read, scan.session
    how = f"SMB {session.dialect}, " + (
        "encrypted" if session.encrypted else "signed" if session.signed else "NOT signed"
    )
    evidence = (
        f"{how}; read {read['files_read']} of {read['files_seen']} files listed "
        f"({read['bytes_read']} of {read['bytes_seen']} bytes) in {len(read['places'])} places"
        + (f"; stopped: {read['budget_hit']}" if read["budget_hit"] else "")
    )
    return meta.finding(
        scanner=SCANNER,
        facility=facility,
        host=host.name,
        resource=host.name,
        material="read",
        status=Status.PASS,
        evidence=evidence,
        details={"smb": session.as_dict(), "read": read},
    )


def _errors(host: str, messages: Sequence[str], facility: str) -> list[ScanError]:
    unique = sorted(set(messages))
    errors = [ScanError(SCANNER, host, m, facility) for m in unique[:MAX_ERRORS_PER_HOST]]
    if len(unique) > MAX_ERRORS_PER_HOST:
        errors.append(
            ScanError(SCANNER, host, f"{len(unique) - MAX_ERRORS_PER_HOST} more errors not listed", facility)
        )
    return errors


def run_facility(
    facility: Facility,
    hosts: Sequence[HostTarget],
    rules: RuleSet,
    options: WindowsOptions = WindowsOptions(),
    *,
    read_disk: Callable[..., SmbScan] = scan_disk,
    read_facts: Callable[..., dict[str, Any]] = run_facts,
    today: date | None = None,
) -> Run:
    from hisguard.scanners.credentials.scanner import findings_for

    started = utcnow()
    results: list[HostResult] = []
    web_roots: dict[str, Sequence[str]] = {}
    findings: list[Finding] = []
    errors: list[ScanError] = []
    scanned: list[str] = []
    for host in hosts:
        reached = False
        if options.files:
            try:
                scan = read_disk(
                    host,
                    rules,
                    budget_for(host, dict(facility.settings), options.time_budget),
                    signing=require_signing(host, dict(facility.settings)),
                )
            except HisguardError as exc:
                errors.append(ScanError(SCANNER, host.name, str(exc), facility.code))
            else:
                reached = True
                results.append(scan.result)
                web_roots[host.name] = scan.web_roots
                findings.append(read_record(scan, host, facility.code))
                errors.extend(_errors(host.name, scan.result.errors, facility.code))
        if options.configuration:
            try:
                facts = read_facts(host, options.facts_timeout, options.trust_on_first_use)
            except HisguardError as exc:
                errors.append(ScanError(SCANNER, host.name, f"configuration facts: {exc}", facility.code))
            else:
                reached = True
                findings.extend(
                    config.judge(
                        facts,
                        host=host.name,
                        facility=facility.code,
                        groups=host.groups,
                        policy=policy_for(host, facility),
                        today=today,
                    )
                )
        if reached:
            scanned.append(host.name)
    if results:
        findings.extend(findings_for(results, rules, facility.code, facility=facility, web_roots=web_roots))
    return new_run((SCANNER,), facility.code, started, hosts=scanned, errors=errors, findings=findings)
