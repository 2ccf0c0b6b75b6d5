"""The Windows scanner behind the registry: plan (scope, rules, the hosts that are Windows), then run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hisguard.scanners.credentials.rules import RuleSet
from hisguard.scanners.credentials.scanner import rules_for
from hisguard.scanners.findings import Run
from hisguard.scanners.interface import CommonOptions, Plan, Progress, Scanner, no_progress
from hisguard.scanners.inventory import Facility, HostTarget, Inventory
from hisguard.scanners.scope import refuse_out_of_scope
from hisguard.scanners.windows.scan import SCANNER, WindowsOptions, run_facility
from hisguard.scanners.windows.target import account, is_windows


@dataclass(frozen=True)
class WindowsWork:
    rules: RuleSet
    options: WindowsOptions


class WindowsScanner(Scanner[WindowsOptions, WindowsWork]):
    """Windows hosts of the inventory: disks over SMB, configuration facts over PSRP/OpenSSH."""

    name = SCANNER

    def options(self, common: CommonOptions) -> WindowsOptions:
        return WindowsOptions(trust_on_first_use=common.trust_on_first_use)

    def plan(
        self, inventory: Inventory, facility: Facility, hosts: Sequence[HostTarget], options: WindowsOptions
    ) -> Plan[WindowsWork] | None:
        chosen = tuple(h for h in hosts if is_windows(h))
        if not chosen:
            return None
        refuse_out_of_scope(facility, chosen)
        for host in chosen:
            account(host)  # a Windows host without its account stops the scan before any traffic
        return Plan(SCANNER, facility, chosen, WindowsWork(rules_for(facility, ()), options))

    def run(self, plan: Plan[WindowsWork], progress: Progress = no_progress) -> Run:
        return run_facility(plan.facility, plan.hosts, plan.work.rules, plan.work.options)
