"""Runs per facility: errors instead of tracebacks, and the cap on concurrent nmap processes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from hisguard.scanners.errors import ScopeError
from hisguard.scanners.network.driver import NmapError, NmapJob
from hisguard.scanners.network.risks import risk_table
from hisguard.scanners.network.scanner import nmap_gate, plan_facility, scan_all
from hisguard.scanners.scope import facility_scope
from tests.network.factories import DATA, make_facility

HEADER = b'<?xml version="1.0"?><nmaprun scanner="nmap" args="nmap">'
FOOTER = (
    b'<runstats><finished elapsed="1.0" exit="success"/><hosts up="1" down="0" total="1"/></runstats>'
    b"</nmaprun>"
)


def nmap_xml(*hosts: str) -> bytes:
    return HEADER + "".join(hosts).encode() + FOOTER


def xml_host(address: str, *ports: tuple[int, str, str]) -> str:
    rows = "".join(
        f'<port protocol="tcp" portid="{n}"><state state="open"/><service name="{name}" product="{product}"'
        f' method="probed"/></port>'
        for n, name, product in ports
    )
    return (
        f'<host><status state="up"/><address addr="{address}" addrtype="ipv4"/><ports>{rows}</ports></host>'
    )


class FakeDriver:
    """Returns canned output per call and counts how many calls overlap."""

    def __init__(self, answer: Callable[[NmapJob], bytes], delay: float = 0.0) -> None:
        self.answer = answer
        self.delay = delay
        self.jobs: list[NmapJob] = []
        self.active = 0
        self.most_active = 0
        self._lock = threading.Lock()

    def run(self, job: NmapJob) -> bytes:
        with self._lock:
            self.jobs.append(job)
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        try:
            time.sleep(self.delay)
            return self.answer(job)
        finally:
            with self._lock:
                self.active -= 1


def plan(code: str = "75901", **kwargs: object) -> object:
    facility = make_facility(code=code, **kwargs)  # type: ignore[arg-type]
    return plan_facility(facility, facility_scope(facility), (22, 23, 5432, 5900, 8080), privileged=False)


def test_a_facility_run_holds_findings_hosts_and_the_silent_inventory_hosts() -> None:
    answer = nmap_xml(
        xml_host("198.18.0.11", (22, "ssh", "OpenSSH"), (5432, "postgresql", "PostgreSQL DB")),
        xml_host("198.18.0.99", (23, "telnet", "Linux telnetd")),
    )
    driver = FakeDriver(lambda job: answer)
    (run,) = scan_all([plan()], driver, risk_table())  # type: ignore[list-item]
    assert run.scanners == ("network",) and run.facility == "75901"
    assert run.hosts == ("his-db-01", "198.18.0.99")
    assert sorted(f.check_id for f in run.findings) == ["N01.database", "N01.telnet", "N02", "N03"]
    silent = sorted((e.target, e.message) for e in run.errors)
    assert silent == [
        ("his-app-01", "198.18.0.10 did not answer (down, or a firewall drops the probes)"),
        ("ws-01", "198.18.0.21 did not answer (down, or a firewall drops the probes)"),
        ("ws-02", "198.18.0.22 did not answer (down, or a firewall drops the probes)"),
    ]
    assert all(e.scanner == "network" and e.facility == "75901" for e in run.errors)
    assert len(driver.jobs) == 1 and "-sT" in driver.jobs[0].arguments


def test_nmap_failure_is_an_error_entry_not_a_traceback() -> None:
    def fail(job: NmapJob) -> bytes:
        raise NmapError("nmap did not finish within 1800 s and was stopped")

    (run,) = scan_all([plan()], FakeDriver(fail), risk_table())  # type: ignore[list-item]
    assert run.findings == () and run.hosts == ()
    assert [e.message for e in run.errors] == ["nmap did not finish within 1800 s and was stopped"]
    assert run.errors[0].target.startswith("198.18.0.0/32 198.18.0.2/31")


@pytest.mark.parametrize(
    ("recorded", "message"),
    [
        ("empty.xml", "nmap produced no output"),
        ("garbage.xml", "nmap output is not XML"),
        ("truncated.xml", "cut short"),
        ("exit-error.xml", "nmap reported an error"),
    ],
)
def test_bad_nmap_output_is_an_error_entry(recorded: str, message: str) -> None:
    output = (DATA / recorded).read_bytes()
    (run,) = scan_all([plan()], FakeDriver(lambda job: output), risk_table())  # type: ignore[list-item]
    assert any(message in e.message for e in run.errors)
    # A run that could not be read does not also blame every inventory host for not answering.
    assert not any("did not answer" in e.message for e in run.errors)


def test_timed_out_host_and_foreign_address_are_reported() -> None:
    answer = nmap_xml(
        '<host timedout="true"><status state="up"/><address addr="198.18.0.22" addrtype="ipv4"/></host>',
        xml_host("198.18.0.1", (22, "ssh", "OpenSSH")),
    )
    (run,) = scan_all([plan()], FakeDriver(lambda job: answer), risk_table())  # type: ignore[list-item]
    messages = {e.target: e.message for e in run.errors}
    assert "timed out" in messages["198.18.0.22"]
    assert messages["198.18.0.1"] == "nmap reported an address outside the targets; ignored"
    assert "198.18.0.1" not in run.hosts and not any(f.host == "198.18.0.1" for f in run.findings)


def test_a_facility_with_everything_excluded_scans_nothing() -> None:
    driver = FakeDriver(lambda job: b"")
    (run,) = scan_all([plan(exclude=("198.18.0.0/24",))], driver, risk_table())  # type: ignore[list-item]
    assert driver.jobs == []
    assert run.errors[0].message == "nothing to scan: every address of the facility is excluded"


def test_too_many_addresses_is_refused_before_scanning() -> None:
    with pytest.raises(ScopeError, match="hisguard_nmap_max_addresses"):
        plan(networks=("10.0.0.0/8",), exclude=())


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_never_more_nmap_processes_than_the_limit(limit: int) -> None:
    plans = [plan(code=f"759{index:02d}", hosts=()) for index in range(8)]
    driver = FakeDriver(lambda job: nmap_xml(), delay=0.2)
    runs = scan_all(plans, driver, risk_table(), max_nmap=limit)  # type: ignore[arg-type]
    assert [r.facility for r in runs] == [f"759{index:02d}" for index in range(8)]
    assert len(driver.jobs) == 8
    # The cap holds, and is reached: facilities really do run in parallel up to it.
    assert driver.most_active == limit


def test_max_nmap_must_be_positive() -> None:
    with pytest.raises(ValueError):
        scan_all([], FakeDriver(lambda job: b""), risk_table(), max_nmap=0)


def test_separate_calls_sharing_one_gate_share_the_cap() -> None:
    gate = nmap_gate(2)
    driver = FakeDriver(lambda job: nmap_xml(), delay=0.2)
    plans = [plan(code=f"759{index:02d}", hosts=()) for index in range(6)]
    callers = [
        threading.Thread(target=scan_all, args=([p], driver, risk_table()), kwargs={"gate": gate})
        for p in plans
    ]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert len(driver.jobs) == 6 and driver.most_active == 2
