"""Each hardening role alone on its own freshly reset lab host: converge, idempotence (changed=0),
then verify twice, by the scanner's catalog (every check whose fix names the role passes or is not
applicable) and by testinfra assertions written apart from the catalog (tests/roles/role_checks.py).

The four Linux hosts of facility 75901 take one role each per round (two rounds for the eight
roles, the hosts reset before each), all in one playbook run per step, so a host's recap is its
role's. Every result is gathered before the next round resets the hosts; the tests then judge it
per role, so a failing test names its role. Timings are printed, never asserted.

    flock /tmp/hisguard-lab.lock .venv/bin/pytest -m lab tests/roles/test_role_scenarios.py -s
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hisguard.lab import runner
from hisguard.lab import vault as lab_vault
from hisguard.scanners.findings import Status
from hisguard.scanners.inventory import HostTarget, load_inventory
from hisguard.scanners.transport import open_transport
from tests import testinfra_backend
from tests.lab_fixture import LabInfo
from tests.roles.ansible_run import INVENTORY, REPO, VAULT_PASSWORD_FILE, PlaybookRun, run_playbook
from tests.roles.role_checks import VERIFY

pytestmark = pytest.mark.lab

CONVERGE = REPO / "tests" / "roles" / "scenarios" / "converge.yml"
FACILITY = "75901"
# host -> role, one round per dict. credential_store needs a HIS server (its portal account is
# allowed there), database the database server (its proof connects from his-app-01).
ROUNDS: tuple[dict[str, str], ...] = (
    {"his-app-01": "credential_store", "his-db-01": "database", "ws-01": "workstation", "ws-02": "accounts"},
    {
        "his-app-01": "audit_logging",
        "his-db-01": "firewall",
        "ws-01": "ssh_hardening",
        "ws-02": "patch_baseline",
    },
)
ROLES = tuple(role for scenario in ROUNDS for role in scenario.values())


@dataclass
class Scenario:
    role: str
    host: str
    converge: PlaybookRun | None = None
    idempotence: PlaybookRun | None = None
    catalog_failures: list[str] = field(default_factory=list)
    catalog_checked: list[str] = field(default_factory=list)
    testinfra_problems: list[str] = field(default_factory=list)
    verify_error: str = ""


def _verify(scenario: Scenario, target: HostTarget) -> None:
    from hisguard.scanners.config import run_checks

    transport = open_transport(target)
    try:
        for finding in run_checks(target, role=scenario.role, transport=transport):
            scenario.catalog_checked.append(f"{finding.check_id}:{finding.status.value}")
            if finding.status in (Status.FAIL, Status.ERROR):
                scenario.catalog_failures.append(f"{finding.check_id} {finding.resource}: {finding.evidence}")
        scenario.testinfra_problems = VERIFY[scenario.role](testinfra_backend.testinfra_host(transport))
    finally:
        transport.close()


@pytest.fixture(scope="module")
def scenarios(lab: LabInfo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Scenario]]:
    hosts = sorted({host for scenario in ROUNDS for host in scenario})
    missing = [h for h in hosts if h not in {b.name for b in lab.hosts}]
    if missing:
        pytest.skip(f"lab hosts not booted: {', '.join(missing)}")
    chosen = os.environ.get("HISGUARD_SCENARIO_WORKDIR")
    workdir = Path(chosen) if chosen else tmp_path_factory.mktemp("scenarios")
    workdir.mkdir(parents=True, exist_ok=True)
    inventory = load_inventory([str(INVENTORY)], str(VAULT_PASSWORD_FILE), lab_vault.vault_ids())
    targets = {h.name: h for h in inventory.facility(FACILITY).hosts}
    results: dict[str, Scenario] = {}
    try:
        for number, assignment in enumerate(ROUNDS, 1):
            start = time.monotonic()
            lab.close()
            runner.reset_hosts(sorted(assignment))
            reset = time.monotonic() - start
            limit = ",".join(sorted(assignment))
            extra_vars: dict[str, object] = {"scenario_roles": assignment}
            converge = run_playbook(CONVERGE, workdir, limit=limit, extra=["--diff"], extra_vars=extra_vars)
            idempotence = run_playbook(CONVERGE, workdir, limit=limit, extra_vars=extra_vars)
            (workdir / f"round{number}-converge.out").write_text(converge.output)
            (workdir / f"round{number}-idempotence.out").write_text(idempotence.output)
            print(
                f"\n[scenarios] round {number} ({limit}): reset {reset:.0f} s,"
                f" converge {converge.seconds:.1f} s rc={converge.returncode},"
                f" idempotence {idempotence.seconds:.1f} s rc={idempotence.returncode}"
            )
            for host, role in assignment.items():
                scenario = Scenario(role, host, converge, idempotence)
                try:
                    _verify(scenario, targets[host])
                except Exception as error:  # reported by the role's tests, not lost
                    scenario.verify_error = f"{type(error).__name__}: {error}"
                results[role] = scenario
                print(
                    f"[scenarios] {role} on {host}: changed {converge.count(host, 'changed')} then"
                    f" {idempotence.count(host, 'changed')}; catalog {' '.join(scenario.catalog_checked)};"
                    f" testinfra problems {len(scenario.testinfra_problems)}"
                )
        yield results
    finally:
        lab.close()
        runner.reset_hosts(hosts)


def _scenario(scenarios: dict[str, Scenario], role: str) -> Scenario:
    assert role in scenarios, f"{role}: its round did not run"
    return scenarios[role]


@pytest.mark.parametrize("role", ROLES)
def test_role_converges_on_its_own_host(scenarios: dict[str, Scenario], role: str) -> None:
    scenario = _scenario(scenarios, role)
    assert scenario.converge is not None
    recap = scenario.converge.recap.get(scenario.host)
    assert recap is not None, f"{role}: no recap for {scenario.host}\n{scenario.converge.tail(30)}"
    assert recap["failed"] == 0 and recap["unreachable"] == 0, scenario.converge.tail(40)
    assert recap["changed"] > 0, f"{role}: a fresh host with planted weaknesses needed no change"


@pytest.mark.parametrize("role", ROLES)
def test_role_rerun_changes_nothing(scenarios: dict[str, Scenario], role: str) -> None:
    scenario = _scenario(scenarios, role)
    assert scenario.idempotence is not None
    recap = scenario.idempotence.recap.get(scenario.host, {})
    assert recap.get("failed") == 0, scenario.idempotence.tail(40)
    assert scenario.idempotence.changed_tasks(scenario.host) == []
    assert recap.get("changed") == 0


@pytest.mark.parametrize("role", ROLES)
def test_role_passes_the_checks_it_owns(scenarios: dict[str, Scenario], role: str) -> None:
    scenario = _scenario(scenarios, role)
    assert scenario.verify_error == ""
    assert scenario.catalog_checked, f"{role}: the catalog has no check for it on {scenario.host}"
    assert scenario.catalog_failures == []


@pytest.mark.parametrize("role", ROLES)
def test_role_state_seen_by_testinfra(scenarios: dict[str, Scenario], role: str) -> None:
    scenario = _scenario(scenarios, role)
    assert scenario.verify_error == ""
    assert scenario.testinfra_problems == []
