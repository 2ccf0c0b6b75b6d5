"""Judging hosts: findings built from outcomes, errors contained, one round trip, groups, the API."""

from __future__ import annotations

from typing import Any

import pytest

from hisguard.scanners.config import run_checks
from hisguard.scanners.config.catalog import Check, catalog, select
from hisguard.scanners.config.engine import check_host, evaluate
from hisguard.scanners.config.model import CheckCode, FactError, failed
from hisguard.scanners.config.scanner import ConfigOptions, scan_fleet
from hisguard.scanners.config.snapshot import Facts
from hisguard.scanners.errors import TransportError
from hisguard.scanners.findings import Severity, Status, fingerprint
from hisguard.scanners.inventory import HostTarget
from tests.config.fakes import ALL_GROUPS, CLEAN, ScriptedHost, target


def test_every_check_passes_or_is_not_applicable_on_a_hardened_host() -> None:
    host = ScriptedHost(CLEAN)
    result = check_host(target(groups=ALL_GROUPS), catalog(), host)
    bad = [
        (f.check_id, f.status.value, f.evidence)
        for f in result.findings
        if f.status not in (Status.PASS, Status.NOT_APPLICABLE)
    ]
    assert bad == []
    assert {f.check_id for f in result.findings} == {c.id for c in catalog()}
    # One round trip, as root, for the whole catalog.
    assert len(host.commands) == 1 and host.commands[0][1] is True


def test_findings_carry_metadata_and_a_fingerprint_of_the_problem() -> None:
    weak = dict(CLEAN, sshd=str(CLEAN["sshd"]).replace("permitrootlogin no", "permitrootlogin yes"))
    ws = target(groups=ALL_GROUPS)
    findings = {
        f.check_id: f
        for f in check_host(ws, select(catalog(), check_ids=["H02"]), ScriptedHost(weak)).findings
    }
    root = findings["H02.1"]
    assert (root.status, root.severity, root.scanner) == (Status.FAIL, Severity.HIGH, "config")
    assert (root.host, root.facility, root.resource) == ("ws-09", "75901", "sshd:PermitRootLogin")
    assert root.fingerprint == fingerprint("H02.1", "ws-09", "sshd:PermitRootLogin", "yes")
    assert root.remediation is not None and root.remediation.role == "ssh_hardening"
    assert root.remediation.tags == ("ssh",) and "QD-326-BYT" in root.references
    assert root.title.vi and root.title.en
    assert findings["H02.2"].status == Status.PASS  # passes are findings too


def fake_check(func: Any, check_id: str = "H02.1") -> Check:
    real = next(c for c in catalog() if c.id == check_id)
    return Check(real.meta, CheckCode(check_id, func, ("sshd",), "sshd:test"))


def test_a_check_that_cannot_read_its_facts_is_an_error_finding() -> None:
    def needs_missing(facts: Facts) -> Any:
        raise FactError("nft: command not found on the host")

    (finding,) = evaluate([fake_check(needs_missing)], Facts.from_texts(target(), {}))
    assert finding.status == Status.ERROR and finding.resource == "sshd:test"
    assert finding.evidence == "nft: command not found on the host"


def test_a_buggy_check_is_an_error_finding_and_the_others_still_run() -> None:
    def buggy(facts: Facts) -> Any:
        raise KeyError("permitrootlogin")

    def fine(facts: Facts) -> Any:
        return failed("sshd:x", "bad")

    findings = evaluate([fake_check(buggy), fake_check(fine, "H02.2")], Facts.from_texts(target(), {}))
    assert [f.status for f in findings] == [Status.ERROR, Status.FAIL]
    assert findings[0].evidence.startswith("check failed: KeyError")


def test_groups_decide_which_checks_run_unless_ignore_groups() -> None:
    server = target(name="srv-1", groups=("his_servers",))
    ids = {f.check_id for f in run_checks(server, transport=ScriptedHost(CLEAN))}
    assert "H07.2" not in ids and "H02.1" in ids
    everything = {f.check_id for f in run_checks(server, transport=ScriptedHost(CLEAN), ignore_groups=True)}
    assert "H07.2" in everything


def test_run_checks_selects_the_checks_a_role_owns() -> None:
    ws = target(groups=ALL_GROUPS)
    owned = run_checks(ws, role="ssh_hardening", transport=ScriptedHost(CLEAN))
    assert owned and {f.check_id.split(".")[0] for f in owned} == {"H02"}
    sudo = run_checks(ws, role="accounts", tags=["accounts_sudo"], transport=ScriptedHost(CLEAN))
    assert [f.check_id for f in sudo] == ["H06.3"]
    by_id = run_checks(ws, check_ids=["H10.2", "H13"], transport=ScriptedHost(CLEAN))
    assert sorted({f.check_id for f in by_id}) == ["H10.2", "H13.1", "H13.2"]


def test_run_checks_only_reads_the_facts_its_checks_need() -> None:
    host = ScriptedHost(CLEAN)
    run_checks(target(), check_ids=["H02.1"], transport=host)
    ((script, _),) = host.commands
    assert "hg_run sshd" in script and "hg_run apt_pending" not in script and "hg_run fs_perms" not in script


def hosts() -> list[HostTarget]:
    return [
        target("ws-a", ("workstations",), "75901"),
        target("srv-b", ("his_servers",), "75901"),
        target("ws-c", ("workstations",), "75902"),
    ]


def test_a_host_that_cannot_be_reached_is_an_error_and_the_others_are_scanned() -> None:
    weak = dict(CLEAN, nft=(1, ""))
    behaviour: dict[str, ScriptedHost] = {
        "ws-a": ScriptedHost(CLEAN, "ws-a"),
        "srv-b": ScriptedHost(fail=TransportError("srv-b (198.18.0.32:22): connection refused")),
        "ws-c": ScriptedHost(weak, "ws-c"),
    }

    def connect(host: HostTarget) -> ScriptedHost:
        if host.name == "srv-b":
            raise TransportError("srv-b (198.18.0.32:22): connection refused")
        return behaviour[host.name]

    runs = scan_fleet(hosts(), catalog(), ConfigOptions(workers=3), connect=connect)
    assert [r.facility for r in runs] == ["75901", "75902"]
    first, second = runs
    assert first.hosts == ("ws-a",) and first.scanners == ("config",)
    assert [(e.target, e.message) for e in first.errors] == [
        ("srv-b", "srv-b (198.18.0.32:22): connection refused")
    ]
    assert {f.host for f in first.findings} == {"ws-a"}
    # A check that could not judge (nft refused) is an ERROR finding and listed as a run error.
    assert any(f.check_id == "H10.2" and f.status == Status.ERROR for f in second.findings)
    assert second.hosts == ("ws-c",) and "H10.2" in second.errors[0].message
    assert all(h.closed for h in behaviour.values() if h.fail is None)


def test_an_unexpected_exception_on_one_host_is_contained() -> None:
    def connect(host: HostTarget) -> ScriptedHost:
        if host.name == "ws-a":
            raise RuntimeError("boom")
        return ScriptedHost(CLEAN, host.name)

    runs = scan_fleet(hosts(), catalog(), connect=connect)
    assert runs[0].errors[0].message == "ws-a: unexpected RuntimeError"
    assert runs[0].hosts == ("srv-b",)


@pytest.mark.parametrize("workers", [1, 8])
def test_results_do_not_depend_on_the_pool_size(workers: int) -> None:
    runs = scan_fleet(
        hosts(), catalog(), ConfigOptions(workers=workers), connect=lambda h: ScriptedHost(CLEAN, h.name)
    )
    assert [r.hosts for r in runs] == [("ws-a", "srv-b"), ("ws-c",)]
