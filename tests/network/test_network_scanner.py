"""Runs per facility: errors instead of tracebacks, and the cap on concurrent nmap processes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from hisguard.scanners.errors import ScopeError
from hisguard.scanners.network.driver import NmapError, NmapJob
from hisguard.scanners.network.risks import risk_table
from hisguard.scanners.network.scanner import FacilityPlan, nmap_gate, plan_facility, scan_all
from hisguard.scanners.scope import facility_scope
from tests.network.factories import DATA, answer_for, make_facility

HEADER = b'<?xml version="1.0"?><nmaprun scanner="nmap" args="nmap">'
FOOTER = (
    b'<runstats><finished elapsed="1.0" exit="success"/><hosts up="1" down="0" total="1"/></runstats>'
    b"</nmaprun>"
)


def nmap_xml(*hosts: str) -> bytes:
    return HEADER + "".join(hosts).encode() + FOOTER


def xml_host(
    address: str, *ports: tuple[int, str, str], method: str = "probed", timedout: bool = False
) -> str:
    rows = "".join(
        f'<port protocol="tcp" portid="{n}"><state state="open"/><service name="{name}" product="{product}"'
        f' method="{method}"/></port>'
        for n, name, product in ports
    )
    if timedout:
        return f'<host timedout="true"><status state="up"/><address addr="{address}" addrtype="ipv4"/></host>'

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


def plan(code: str = "75901", **kwargs: object) -> FacilityPlan:
    facility = make_facility(code=code, **kwargs)  # type: ignore[arg-type]
    return plan_facility(facility, facility_scope(facility), (22, 23, 5432, 5900, 8080), privileged=False)


def sweep_then_versions(sweep: bytes, versions: bytes) -> Callable[[NmapJob], bytes]:
    """A fake nmap: the sweep's answer, or (for -sV jobs) the versions of the hosts asked about."""
    return lambda job: answer_for(job.targets, versions if "-sV" in job.arguments else sweep)


def test_a_facility_run_holds_findings_hosts_and_the_silent_inventory_hosts() -> None:
    sweep = nmap_xml(
        xml_host("198.18.0.11", (22, "ssh", ""), (5432, "postgresql", ""), method="table"),
        xml_host("198.18.0.99", (23, "telnet", ""), method="table"),
    )
    versions = nmap_xml(xml_host("198.18.0.11", (22, "ssh", "OpenSSH")))
    driver = FakeDriver(sweep_then_versions(sweep, versions))
    (run,) = scan_all([plan()], driver, risk_table())
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
    sweeps = sorted(job.hosts for job in driver.jobs if "-sV" not in job.arguments)
    # The sweep in two parts: the inventory's hosts, and the rest of the facility's range.
    assert len(sweeps) == 2 and "198.18.0.10/31 198.18.0.21/32 198.18.0.22/32" in sweeps
    # SSH needs its version; PostgreSQL and Telnet are decided by port.
    assert [job.hosts for job in driver.jobs if "-sV" in job.arguments] == ["198.18.0.11/32"]
    assert all("-sT" in job.arguments for job in driver.jobs)


def test_nmap_failure_is_an_error_entry_not_a_traceback() -> None:
    def fail(job: NmapJob) -> bytes:
        raise NmapError("nmap did not finish within 1800 s and was stopped")

    (run,) = scan_all([plan()], FakeDriver(fail), risk_table())
    assert run.findings == () and run.hosts == ()
    # Both parts of the sweep failed alike: one error naming every address they were given.
    assert [e.message for e in run.errors] == ["nmap did not finish within 1800 s and was stopped"]
    assert run.errors[0].target.startswith("198.18.0.10/31 198.18.0.21/32 198.18.0.22/32 198.18.0.0/32 ")


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
    (run,) = scan_all([plan()], FakeDriver(lambda job: output), risk_table())
    assert any(message in e.message for e in run.errors)
    # A run that could not be read does not also blame every inventory host for not answering.
    assert not any("did not answer" in e.message for e in run.errors)


def test_timed_out_host_and_foreign_address_are_reported() -> None:
    answer = nmap_xml(
        '<host timedout="true"><status state="up"/><address addr="198.18.0.22" addrtype="ipv4"/></host>',
        xml_host("198.18.0.1", (22, "ssh", "OpenSSH")),
    )
    # The part of the sweep that holds 198.18.0.22 answers with the foreign address too.
    (run,) = scan_all(
        [plan()],
        FakeDriver(lambda job: answer if "198.18.0.22/32" in job.hosts.split() else nmap_xml()),
        risk_table(),
    )
    messages = {e.target: e.message for e in run.errors}
    assert "timed out" in messages["198.18.0.22"]
    assert messages["198.18.0.1"] == "nmap reported an address outside the targets; ignored"
    assert "198.18.0.1" not in run.hosts and not any(f.host == "198.18.0.1" for f in run.findings)


def test_a_facility_with_everything_excluded_scans_nothing() -> None:
    driver = FakeDriver(lambda job: b"")
    (run,) = scan_all([plan(exclude=("198.18.0.0/24",))], driver, risk_table())
    assert driver.jobs == []
    assert run.errors[0].message == "nothing to scan: every address of the facility is excluded"


def test_too_many_addresses_is_refused_before_scanning() -> None:
    with pytest.raises(ScopeError, match="hisguard_nmap_max_addresses"):
        plan(networks=("10.0.0.0/8",), exclude=())


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_never_more_nmap_processes_than_the_limit(limit: int) -> None:
    plans = [plan(code=f"759{index:02d}", hosts=()) for index in range(8)]
    driver = FakeDriver(lambda job: nmap_xml(), delay=0.2)
    runs = scan_all(plans, driver, risk_table(), max_nmap=limit)
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


LAB_SWEEP = nmap_xml(
    xml_host("198.18.0.10", (22, "ssh", ""), (8080, "http-proxy", ""), method="table"),
    xml_host("198.18.0.21", (22, "ssh", ""), (5900, "vnc", ""), method="table"),
    xml_host("198.18.0.22", (22, "ssh", ""), method="table"),
)
LAB_VERSIONS = (
    '<port protocol="tcp" portid="22"><state state="open"/><service name="ssh" product="OpenSSH"'
    ' version="7.4p1 Debian 10+deb9u7" extrainfo="protocol 2.0" method="probed"/></port>'
)


def lab_versions(*addresses: str) -> bytes:
    hosts = "".join(
        f'<host><status state="up"/><address addr="{a}" addrtype="ipv4"/><ports>{LAB_VERSIONS}'
        + (
            '<port protocol="tcp" portid="8080"><state state="open"/><service name="http"'
            ' product="SimpleHTTPServer" method="probed"/></port>'
            if a == "198.18.0.10"
            else ""
        )
        + "</ports></host>"
        for a in addresses
    )
    return HEADER + hosts.encode() + FOOTER


def test_only_ports_a_risk_needs_identified_are_fingerprinted_grouped_by_port_set() -> None:
    versions = lab_versions("198.18.0.10", "198.18.0.21", "198.18.0.22")
    driver = FakeDriver(sweep_then_versions(LAB_SWEEP, versions))
    (run,) = scan_all([plan()], driver, risk_table())
    probes = sorted((job.hosts, job.port_spec) for job in driver.jobs if "-sV" in job.arguments)
    # VNC is decided by its port; the two hosts that need only SSH share one process.
    assert probes == [("198.18.0.10/32", "22,8080"), ("198.18.0.21/32 198.18.0.22/32", "22")]
    found = sorted((f.check_id, f.resource) for f in run.findings)
    assert ("N04.http", "198.18.0.10:8080/tcp") in found  # needs nmap to have seen HTTP answer
    assert ("N01.vnc", "198.18.0.21:5900/tcp") in found  # by port number alone
    outdated = sorted(r for c, r in found if c == "N04.ssh_outdated")
    assert outdated == ["198.18.0.10:22/tcp", "198.18.0.21:22/tcp", "198.18.0.22:22/tcp"]
    assert not [e for e in run.errors if "version detection" in e.message]
    vnc = next(f for f in run.findings if f.check_id == "N01.vnc")
    assert vnc.details["identified_by"] == "table"


def test_the_plain_path_and_the_two_stage_path_judge_alike() -> None:
    """version_detection all (one nmap with -sV everywhere) gives the same findings on the same network."""
    everything = lab_versions("198.18.0.10", "198.18.0.21", "198.18.0.22").replace(
        b'<address addr="198.18.0.21" addrtype="ipv4"/><ports>',
        b'<address addr="198.18.0.21" addrtype="ipv4"/><ports><port protocol="tcp" portid="5900">'
        b'<state state="open"/><service name="vnc" product="VNC" method="probed"/></port>',
    )
    staged = FakeDriver(
        sweep_then_versions(LAB_SWEEP, lab_versions("198.18.0.10", "198.18.0.21", "198.18.0.22"))
    )
    plain = FakeDriver(lambda job: answer_for(job.targets, everything))
    (fast,) = scan_all([plan()], staged, risk_table())
    (slow,) = scan_all(
        [plan(settings={"hisguard_nmap_version_detection": "all"})],
        plain,
        risk_table(),
    )
    assert len(plain.jobs) == 1 and "-sV" in plain.jobs[0].arguments
    assert {(f.check_id, f.host, f.resource, f.fingerprint) for f in fast.findings} == {
        (f.check_id, f.host, f.resource, f.fingerprint) for f in slow.findings
    }


def test_a_host_whose_version_detection_times_out_is_judged_by_port_number_and_said_so() -> None:
    versions = lab_versions("198.18.0.21", "198.18.0.22") + b""
    timed_out = nmap_xml(xml_host("198.18.0.10", timedout=True))

    def answer(job: NmapJob) -> bytes:
        if "-sV" not in job.arguments:
            return answer_for(job.targets, LAB_SWEEP)
        return timed_out if job.hosts == "198.18.0.10/32" else answer_for(job.targets, versions)

    (run,) = scan_all(
        [plan(settings={"hisguard_nmap_version_timeout": "5s"})], FakeDriver(answer), risk_table()
    )
    (error,) = [e for e in run.errors if "version detection" in e.message]
    assert error.target == "198.18.0.10"
    assert error.message == (
        "version detection: stopped after 5s (hisguard_nmap_version_timeout); "
        "its services are judged by port number"
    )
    # Its open ports are still there (N02), only what needed the service is not.
    found = {(f.check_id, f.resource) for f in run.findings if f.host == "his-app-01"}
    assert ("N02", "198.18.0.10:8080/tcp") in found and ("N04.http", "198.18.0.10:8080/tcp") not in found


def test_failed_version_detection_keeps_the_sweep_and_names_the_stage() -> None:
    def answer(job: NmapJob) -> bytes:
        if "-sV" in job.arguments:
            raise NmapError("nmap failed: boom")
        return answer_for(job.targets, LAB_SWEEP)

    (run,) = scan_all([plan()], FakeDriver(answer), risk_table())
    assert {e.message for e in run.errors if "198.18.0.11" not in e.message} == {
        "version detection: nmap failed: boom"
    }
    assert ("N01.vnc", "198.18.0.21:5900/tcp") in {(f.check_id, f.resource) for f in run.findings}


def test_version_detection_none_judges_by_port_number_only() -> None:
    driver = FakeDriver(sweep_then_versions(LAB_SWEEP, b""))
    (run,) = scan_all([plan(settings={"hisguard_nmap_version_detection": "none"})], driver, risk_table())
    assert len(driver.jobs) == 1 and "-sV" not in driver.jobs[0].arguments
    assert not [f for f in run.findings if f.check_id.startswith("N04")]
