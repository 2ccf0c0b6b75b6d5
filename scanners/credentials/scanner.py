"""The credentials scanner: one Run per facility, of local trees or of the facility's hosts over SSH."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from hisguard.scanners.credentials import live_db
from hisguard.scanners.credentials.judge import Observation
from hisguard.scanners.credentials.local import DEFAULT_ROOTS, scan_local
from hisguard.scanners.credentials.places import Places
from hisguard.scanners.credentials.register import Register, no_register_findings
from hisguard.scanners.credentials.report import SCANNER, HostResult, Reporter, all_findings, facility_codes
from hisguard.scanners.credentials.rules import RuleSet, load_rules, rules_from_variable
from hisguard.scanners.credentials.weak import WeakPasswords
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.findings import Finding, Run, ScanError, display_path, utcnow
from hisguard.scanners.interface import CommonOptions, Plan, Progress, Scanner, new_run, no_progress
from hisguard.scanners.inventory import Facility, HostTarget, Inventory, is_windows
from hisguard.scanners.scope import refuse_out_of_scope

MAX_ERRORS_PER_HOST = 20
DEFAULT_MAX_MB = 64
DEFAULT_BUDGET = 900.0


def _errors(host: str, messages: Sequence[str], facility: str) -> list[ScanError]:
    unique = sorted({display_path(m) for m in messages})  # they name paths, which may not be UTF-8
    errors = [ScanError(SCANNER, host, message, facility) for message in unique[:MAX_ERRORS_PER_HOST]]
    if len(unique) > MAX_ERRORS_PER_HOST:
        errors.append(
            ScanError(
                SCANNER,
                host,
                f"{len(unique) - MAX_ERRORS_PER_HOST} more unreadable paths not listed",
                facility,
            )
        )
    return errors


def findings_for(
    results: Sequence[HostResult],
    rules: RuleSet,
    facility_code: str,
    *,
    facility: Facility | None = None,
    web_roots: dict[str, Sequence[str]] | None = None,
) -> list[Finding]:
    """Findings of every host of one facility, then the register's facility-wide ones."""
    observations: list[Observation] = [o for r in results for o in r.observations]
    codes = facility_codes(observations) | ({facility_code} if facility_code else set())
    weak = WeakPasswords(rules.common_passwords, codes)
    reporter = Reporter(rules, facility_code, weak)
    register = Register(facility) if facility is not None else None
    findings: list[Finding] = []
    for result in results:
        places = Places(rules)
        places.add_web_roots(list((web_roots or {}).get(result.host, ())))
        for conf in result.confs:
            places.learn(conf)
        account_of: Callable[[Observation], str | None] | None = register.identify if register else None
        findings.extend(all_findings(reporter, result, places, account_of))
        if register is not None:
            findings.extend(register.findings(reporter, result))
    if register is not None:
        findings.extend(register.facility_findings(reporter))
    else:
        findings.extend(no_register_findings(reporter, results))
    return findings


def run_local(
    paths: Sequence[str],
    rules: RuleSet,
    *,
    facility_code: str = "",
    host_label: str = "localhost",
    web_roots: Sequence[str] = (),
    facility: Facility | None = None,
    jobs: int | None = None,
    max_bytes: int = 256 * 1024 * 1024,
) -> Run:
    started = utcnow()
    result = scan_local(paths, rules, host=host_label, jobs=jobs, max_bytes=max_bytes)
    findings = findings_for(
        [result], rules, facility_code, facility=facility, web_roots={host_label: web_roots}
    )
    return new_run(
        (SCANNER,),
        facility_code,
        started,
        hosts=(host_label,),
        errors=_errors(host_label, result.errors, facility_code),
        findings=findings,
    )


def _host_setting(host: HostTarget, facility: Facility, name: str, default: Any) -> Any:
    value = host.var(name)
    if value is None:
        value = facility.settings.get(name)
    return default if value is None else value


def rules_for(facility: Facility, extra_files: Sequence[str]) -> RuleSet:
    value = facility.settings.get("hisguard_credential_rules")
    if value is None:
        value = next(
            (
                h.var("hisguard_credential_rules")
                for h in facility.hosts
                if h.var("hisguard_credential_rules")
            ),
            None,
        )
    files, inline = rules_from_variable(value, f"facility {facility.code}: hisguard_credential_rules")
    return load_rules([*files, *extra_files], inline)


@dataclass(frozen=True)
class CredentialsOptions:
    rules_files: tuple[str, ...] = ()  # extra rules files (a HIS vendor's key names)
    budget: float | None = None  # seconds per host (default: the inventory's, else 900)
    max_mb: int | None = None  # skip larger files (default: the inventory's, else 64)
    trust_on_first_use: bool = False
    workers: int = 16  # hosts at once: each host's collector does its own work, on its own CPU


@dataclass(frozen=True)
class CredentialsWork:
    rules: RuleSet
    options: CredentialsOptions


ScanHost = Callable[..., HostResult]


class CredentialsScanner(Scanner[CredentialsOptions, CredentialsWork]):
    """The inventory's hosts over SSH (``--path`` scans of local trees use :func:`run_local`)."""

    name = SCANNER

    def __init__(self, scan_host: ScanHost | None = None) -> None:
        self._scan_host = scan_host

    def options(self, common: CommonOptions) -> CredentialsOptions:
        return CredentialsOptions(trust_on_first_use=common.trust_on_first_use, workers=common.workers)

    def plan(
        self,
        inventory: Inventory,
        facility: Facility,
        hosts: Sequence[HostTarget],
        options: CredentialsOptions,
    ) -> Plan[CredentialsWork] | None:
        hosts = [h for h in hosts if not is_windows(h)]  # read over SMB by the windows scanner
        if not hosts:
            return None
        refuse_out_of_scope(facility, hosts)
        work = CredentialsWork(rules_for(facility, options.rules_files), options)
        live_db.validate(hosts)  # a bad hisguard_his_db stops the scan before any host is touched
        return Plan(SCANNER, facility, tuple(hosts), work)

    def run(self, plan: Plan[CredentialsWork], progress: Progress = no_progress) -> Run:
        """The hosts over SSH, ``workers`` at once; a host that fails is a ScanError, never a crash."""
        scan_host = self._scan_host
        if scan_host is None:
            from hisguard.scanners.credentials.remote import scan_host as remote_scan

            scan_host = remote_scan
        facility, rules, options = plan.facility, plan.work.rules, plan.work.options
        started = utcnow()
        results: list[HostResult] = []
        errors: list[ScanError] = []
        scanned: list[str] = []
        web_roots: dict[str, Sequence[str]] = {}

        def scan_one(host: HostTarget) -> HostResult | ScanError:
            roots = _host_setting(host, facility, "hisguard_credential_search_roots", list(DEFAULT_ROOTS))
            web_roots[host.name] = list(_host_setting(host, facility, "hisguard_credential_web_roots", []))
            budget = float(
                options.budget
                or _host_setting(host, facility, "hisguard_credential_time_budget", DEFAULT_BUDGET)
            )
            mb = int(
                options.max_mb
                or _host_setting(host, facility, "hisguard_credential_max_file_mb", DEFAULT_MAX_MB)
            )
            sudo = bool(_host_setting(host, facility, "hisguard_credential_sudo", True))
            try:
                return scan_host(
                    host,
                    rules,
                    [str(r) for r in roots],
                    max_bytes=mb * 1024 * 1024,
                    budget=budget,
                    sudo=sudo,
                    trust_on_first_use=options.trust_on_first_use,
                )
            except HisguardError as exc:
                return ScanError(SCANNER, host.name, str(exc), facility.code)

        workers = max(1, min(options.workers, len(plan.hosts)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hisguard-cred") as pool:
            outcomes = list(pool.map(scan_one, plan.hosts))  # in inventory order, whatever finishes first
        for host, outcome in zip(plan.hosts, outcomes, strict=True):
            if isinstance(outcome, ScanError):
                errors.append(outcome)
                continue
            scanned.append(host.name)
            results.append(outcome)
            errors.extend(_errors(host.name, outcome.errors, facility.code))
        return new_run(
            (SCANNER,),
            facility.code,
            started,
            hosts=scanned,
            errors=errors,
            findings=findings_for(results, rules, facility.code, facility=facility, web_roots=web_roots),
        )


def run_facility(
    facility: Facility,
    hosts: Sequence[HostTarget],
    extra_rules: Sequence[str],
    *,
    budget: float | None = None,
    max_mb: int | None = None,
    trust_on_first_use: bool = False,
    scan_host: ScanHost | None = None,
) -> Run:
    """Plan and run one facility (what tests and benches call; commands go through the seam)."""
    scanner = CredentialsScanner(scan_host)
    options = CredentialsOptions(tuple(extra_rules), budget, max_mb, trust_on_first_use)
    plan = scanner.plan(Inventory((), {facility.code: facility}), facility, hosts, options)
    if plan is None:
        return new_run((SCANNER,), facility.code, utcnow())
    return scanner.run(plan)
