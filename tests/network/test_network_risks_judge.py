"""The risk table (data, validated) and the judgement of what answered."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import pytest
import yaml

from hisguard.scanners.catalog import regulations, roles
from hisguard.scanners.errors import CatalogError
from hisguard.scanners.findings import Severity, Status, fingerprint
from hisguard.scanners.network.judge import judge, resource_of
from hisguard.scanners.network.risks import CHECK_ID, leading_version, load_table, risk_table
from hisguard.scanners.network.xmlreport import parse
from tests.network.factories import DATA, host, make_facility, port, service

RISKS_FILE = DATA.parent.parent.parent / "scanners" / "network" / "risks.yml"


def _raw() -> dict[str, Any]:
    data = yaml.safe_load(RISKS_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# --- the table ---------------------------------------------------------------------------------


def test_every_entry_is_valid_catalog_metadata_in_the_n01_to_n05_families() -> None:
    table = risk_table()
    every = (
        *table.services,
        *table.interfaces,
        table.unexpected_port,
        table.unmanaged_host,
        *table.protocols,
    )
    assert len(every) == len(_raw())
    known_roles = roles()
    for risk in every:
        assert CHECK_ID.match(risk.id)
        assert risk.meta.references and set(risk.meta.references) <= set(regulations())
        if risk.meta.remediation.role:
            assert set(risk.meta.remediation.tags) <= set(known_roles[risk.meta.remediation.role])
        # Real Vietnamese: diacritics, not ASCII transliteration.
        assert any(ord(ch) > 127 for ch in risk.meta.title.vi + risk.meta.rationale.vi)


def test_the_issue_severities_and_fixes() -> None:
    by_id = {r.id: r for r in (*risk_table().services, *risk_table().interfaces)}
    assert by_id["N01.telnet"].meta.severity == Severity.CRITICAL
    for check in ("N01.ftp", "N01.smb", "N01.rdp", "N01.vnc", "N01.database"):
        assert by_id[check].meta.severity.at_least(Severity.HIGH), check
    assert by_id["N01.vnc"].meta.remediation.role == "workstation"
    assert by_id["N01.remote_tool"].meta.remediation.tags == ("remote_access",)
    assert by_id["N01.telnet"].meta.remediation.role == "firewall"
    assert not by_id["N01.telnet"].allowable and by_id["N01.database"].allowable


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("N02"), "entry N02 is missing"),
        (lambda d: d.__setitem__("X01", d.pop("N01.telnet") | {"id": "X01"}), "id must be N01..N05"),
        (lambda d: d["N01.telnet"].__setitem__("id", "N01.ftp"), "does not match"),
        (lambda d: d["N01.telnet"].__setitem__("severity", "urgent"), "severity"),
        (lambda d: d["N01.telnet"].__setitem__("fix", {"role": "nope"}), "unknown role"),
        (lambda d: d["N01.telnet"].__setitem__("references", ["QD-999"]), "unknown reference"),
        (lambda d: d["N01.telnet"]["title"].pop("vi"), "title needs vi|title.vi"),
        (lambda d: d["N01.telnet"].pop("match"), "needs a match"),
        (lambda d: d["N01.telnet"]["match"].__setitem__("regex", ".*"), "unknown keys"),
        (lambda d: d["N01.telnet"]["match"].__setitem__("ports", ["23-"]), "not a port"),
        (lambda d: d["N04.ssh_outdated"]["match"].pop("product"), "go together"),
        (lambda d: d["N04.http"].__setitem__("allowable", True), "only for N01"),
        (lambda d: d["N03"].__setitem__("match", {"ports": [1]}), "single entry without match"),
    ],
)
def test_a_bad_entry_is_refused_naming_it(change: Any, message: str) -> None:
    data = copy.deepcopy(_raw())
    change(data)
    with pytest.raises(CatalogError, match=message):
        load_table(data)


# --- matching one port ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "svc", "expected"),
    [
        (23, service("telnet", "Linux telnetd"), "N01.telnet"),
        (2323, service("telnet", "BusyBox telnetd"), "N01.telnet"),  # probed name decides on any port
        (23, service("telnet", method="table"), "N01.telnet"),  # not probed: the port decides
        (23, service("ssh", "OpenSSH", "9.2p1"), None),  # probed as something else: not Telnet
        (23, service("tcpwrapped"), "N01.telnet"),  # nmap could not tell: the port decides
        (5432, service("postgresql", "PostgreSQL DB", "15.3 - 15.4"), "N01.database"),
        (5900, service("vnc", "VNC", extrainfo="protocol 3.8"), "N01.vnc"),
        (7070, service("realserver", method="table"), "N01.remote_tool"),
        (7070, service("http", "Apache httpd"), None),
        (9200, service("http", "Elasticsearch REST API", "8.11.1"), "N01.nosql"),  # product decides
        (2375, service("docker", "Docker", "24.0.7"), "N01.docker"),
        (2376, service("docker", "Docker", "24.0.7", tunnel="ssl"), "N01.container"),
        (6443, service("http", "Golang net/http server", tunnel="ssl"), "N01.container"),  # port decides
        (445, service("microsoft-ds"), "N01.smb"),
        (3389, service("ms-wbt-server", "xrdp"), "N01.rdp"),
        (22, service("ssh", "OpenSSH", "9.2p1 Debian 2+deb12u3"), None),
        (8080, service("http", "nginx"), None),
    ],
)
def test_service_risk_of_one_port(number: int, svc: Any, expected: str | None) -> None:
    risk = risk_table().service_risk(port(number, svc))
    assert (risk.id if risk else None) == expected


@pytest.mark.parametrize(
    ("number", "svc", "expected"),
    [
        (8080, service("http", "Jetty", "9.4"), ["N04.http"]),
        (80, service("http", "nginx", "1.22.1"), ["N04.http"]),
        (443, service("http", "nginx", "1.22.1", tunnel="ssl"), []),
        (443, service("https", method="table"), []),
        (80, service("http", method="table"), []),  # a guess from the port is not evidence of HTTP
        (22, service("ssh", "OpenSSH", "7.4p1 Debian 10+deb9u7", "protocol 2.0"), ["N04.ssh_outdated"]),
        (22, service("ssh", "OpenSSH", "8.0p1", "protocol 2.0"), []),
        (22, service("ssh", "OpenSSH", "9.2p1 Debian 2+deb12u3", "protocol 2.0"), []),
        (22, service("ssh", "OpenSSH", "3.9p1", "protocol 1.99"), ["N04.ssh_outdated", "N04.ssh_v1"]),
        (22, service("ssh", "Cisco SSH", "1.25", "protocol 1.5"), ["N04.ssh_v1"]),
        (22, service("ssh", "Dropbear sshd", "2019.78", "protocol 2.0"), []),
        (22, service("ssh", "OpenSSH"), []),  # no version: no guess
    ],
)
def test_interface_risks_of_one_port(number: int, svc: Any, expected: list[str]) -> None:
    assert [r.id for r in risk_table().interface_risks(port(number, svc))] == expected


def test_leading_version() -> None:
    assert leading_version("7.4p1 Debian 10+deb9u7") == (7, 4)
    assert leading_version("9") == (9,)
    assert leading_version("Debian 7") is None


# --- judging a facility --------------------------------------------------------------------------

LAB_RESULT = (
    host(
        "198.18.0.10",
        port(22, service("ssh", "OpenSSH", "9.2p1 Debian 2+deb12u3", "protocol 2.0")),
        port(8080, service("http", "SimpleHTTPServer", "0.6", "Python 3.11.2")),
    ),
    host(
        "198.18.0.11",
        port(22, service("ssh", "OpenSSH", "9.2p1 Debian 2+deb12u3", "protocol 2.0")),
        port(5432, service("postgresql", "PostgreSQL DB", "15.3 - 15.4")),
    ),
    host(
        "198.18.0.21",
        port(22, service("ssh", "OpenSSH", "9.2p1 Debian 2+deb12u3", "protocol 2.0")),
        port(5900, service("vnc", "VNC", extrainfo="protocol 3.8")),
    ),
    host(
        "198.18.0.22",
        port(22, service("ssh", "OpenSSH", "9.2p1 Debian 2+deb12u3", "protocol 2.0")),
        port(23, service("telnet", method="table"), state="closed"),
    ),
    host("198.18.0.99", port(23, service("telnet", "Linux telnetd"))),
    host("198.18.0.50", state="down"),
)


def test_lab_shaped_result_gives_the_expected_findings() -> None:
    findings = judge(LAB_RESULT, make_facility(), risk_table())
    got = sorted((f.check_id, f.severity.value, f.host, f.resource) for f in findings)
    assert got == [
        ("N01.database", "high", "his-db-01", "198.18.0.11:5432/tcp"),
        ("N01.telnet", "critical", "198.18.0.99", "198.18.0.99:23/tcp"),
        ("N01.vnc", "high", "ws-01", "198.18.0.21:5900/tcp"),
        ("N02", "high", "his-app-01", "198.18.0.10:8080/tcp"),
        ("N02", "high", "his-db-01", "198.18.0.11:5432/tcp"),
        ("N02", "high", "ws-01", "198.18.0.21:5900/tcp"),
        ("N03", "medium", "198.18.0.99", "198.18.0.99"),
        ("N04.http", "medium", "his-app-01", "198.18.0.10:8080/tcp"),
    ]
    assert not [f for f in findings if f.host == "ws-02"]  # the clean workstation stays quiet
    for finding in findings:
        assert finding.scanner == "network" and finding.status == Status.FAIL and finding.facility == "75901"
        assert finding.remediation is not None and finding.references
    postgres = next(f for f in findings if f.check_id == "N01.database")
    assert postgres.evidence == "postgresql (PostgreSQL DB 15.3 - 15.4)"
    assert postgres.fingerprint == fingerprint(
        "N01.database", "his-db-01", "198.18.0.11:5432/tcp", "postgresql"
    )
    assert postgres.details["allowed"] is False and postgres.details["port"] == 5432
    rogue = next(f for f in findings if f.check_id == "N03")
    assert rogue.evidence == "answers; open: 23/tcp telnet"


def test_fingerprints_are_stable_across_scans_and_versions() -> None:
    first = judge(LAB_RESULT, make_facility(), risk_table())
    second = judge(LAB_RESULT, make_facility(), risk_table())
    assert [f.fingerprint for f in first] == [f.fingerprint for f in second]
    upgraded = (host("198.18.0.11", port(5432, service("postgresql", "PostgreSQL DB", "16.1"))),)
    (db_finding, _) = judge(upgraded, make_facility(), risk_table())
    assert db_finding.fingerprint == next(f for f in first if f.check_id == "N01.database").fingerprint


def test_an_allowed_port_of_an_allowable_service_is_no_finding() -> None:
    db = make_facility().host("his-db-01")
    allowed = make_facility(hosts=(replace(db, allowed_tcp_ports=(22, 5432)),))
    result = (host("198.18.0.11", port(5432, service("postgresql", "PostgreSQL DB", "15.3"))),)
    assert judge(result, allowed, risk_table()) == []


def test_telnet_is_a_finding_even_when_allowed() -> None:
    db = make_facility().host("his-db-01")
    allowing = make_facility(hosts=(replace(db, allowed_tcp_ports=(22, 23)),))
    result = (host("198.18.0.11", port(23, service("telnet", "Linux telnetd"))),)
    assert [f.check_id for f in judge(result, allowing, risk_table())] == ["N01.telnet"]


def test_a_host_without_an_allow_list_allows_nothing_and_says_why() -> None:
    app = make_facility().host("his-app-01")
    bare = make_facility(hosts=(replace(app, allowed_tcp_ports=(), variables={}),))
    result = (host("198.18.0.10", port(22, service("ssh", "OpenSSH", "9.2p1", "protocol 2.0"))),)
    (finding,) = judge(result, bare, risk_table())
    assert finding.check_id == "N02"
    assert finding.evidence.endswith("no hisguard_allowed_tcp_ports declared for this host")


def test_ipv6_resources_are_bracketed() -> None:
    assert resource_of("fd00::10", port(22, service("ssh"))) == "[fd00::10]:22/tcp"


def test_recorded_loopback_result_judged_end_to_end() -> None:
    facility = make_facility(
        networks=("127.0.0.0/29",),
        exclude=("127.0.0.1/32",),
        hosts=(),
    )
    findings = judge(
        parse((DATA / "loopback-ssh-telnet-http.xml").read_bytes()).up_hosts, facility, risk_table()
    )
    assert sorted((f.check_id, f.resource) for f in findings) == [
        ("N01.telnet", "127.0.0.2:18023/tcp"),
        ("N03", "127.0.0.2"),
        ("N03", "127.0.0.3"),
        ("N04.http", "127.0.0.3:18080/tcp"),
        ("N04.ssh_outdated", "127.0.0.2:18022/tcp"),
    ]
