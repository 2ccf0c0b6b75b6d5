"""Windows protocol risks (N05.*): nmap's SMB script output read, RDP facts judged, pure."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from hisguard.scanners.errors import CatalogError
from hisguard.scanners.inventory import Facility, HostTarget
from hisguard.scanners.network import protocols, rdp, smbscripts
from hisguard.scanners.network.protocols import WindowsFacts
from hisguard.scanners.network.risks import load_table, risk_table
from hisguard.scanners.network.xmlreport import Host, Port, Service

DATA = Path(__file__).parent / "data"


def target(name: str, address: str, groups: tuple[str, ...]) -> HostTarget:
    return HostTarget(
        name=name, facility="75901", address=address, port=22, user=None, key_file=None,
        groups=groups, allowed_tcp_ports=(22,),
    )  # fmt: skip


FACILITY = Facility(
    code="75901",
    name="Bệnh viện Lab",
    province="Đồng Nai",
    networks=(ipaddress.ip_network("198.18.0.0/24"),),
    scan_exclude=(ipaddress.ip_network("198.18.0.1/32"),),
    management_networks=(),
    hosts=(
        target("win-his-01", "198.18.0.41", ("his_servers", "windows")),
        target("win-ws-01", "198.18.0.42", ("workstations", "windows")),
    ),
)
MANAGED = {h.address: h for h in FACILITY.hosts}


def port(number: int, name: str = "", method: str = "table") -> Port:
    return Port(number, "tcp", "open", Service(name=name, method=method))


def test_nmap_smb_scripts_are_read() -> None:
    facts = smbscripts.parse((DATA / "nmap-smb-scripts.xml").read_bytes())
    strict, loose = facts["198.18.0.41"], facts["198.18.0.42"]
    assert not strict.smb1 and strict.smb2_signing == "required" and not strict.signing_not_required
    assert loose.smb1 and loose.smb1_signing == "disabled" and loose.smb2_signing == "enabled"
    assert loose.signing_not_required
    assert loose.dialects[0] == "SMBv1" and "3.1.1" in loose.dialects


def test_unreadable_script_output_is_an_error() -> None:
    with pytest.raises(smbscripts.SmbScriptError):
        smbscripts.parse(b"<nmaprun><host>")


def test_the_script_command_stays_on_validated_addresses_and_names_the_port() -> None:
    words = smbscripts.command(["198.18.0.42"], 4445)
    assert words[-1] == "198.18.0.42" and "smbport=4445" in words
    assert "smb-protocols,smb2-security-mode,smb-security-mode" in words
    assert "--script-args" not in smbscripts.command(["198.18.0.42"], 445)
    with pytest.raises(ValueError):
        smbscripts.command(["198.18.0.42; rm -rf /"], 445)


def xrdp_like() -> rdp.RdpFacts:
    return rdp.RdpFacts(
        preferred=rdp.Answer(selected=rdp.PROTOCOL_SSL),
        tls_only=rdp.Answer(selected=rdp.PROTOCOL_SSL),
        legacy=rdp.Answer(selected=rdp.PROTOCOL_RDP),
    )


def nla_required() -> rdp.RdpFacts:
    return rdp.RdpFacts(
        preferred=rdp.Answer(selected=rdp.PROTOCOL_HYBRID_EX),
        tls_only=rdp.Answer(failure=5),
        legacy=rdp.Answer(failure=5),
    )


def judged(hosts: list[Host], facts: WindowsFacts) -> set[tuple[str, str, str]]:
    found = protocols.judge(hosts, facts, FACILITY, risk_table(), MANAGED)
    return {(f.check_id, f.host, f.resource) for f in found}


def test_smb1_signing_rdp_winrm_and_mssql_findings() -> None:
    facts = WindowsFacts(smb=smbscripts.parse((DATA / "nmap-smb-scripts.xml").read_bytes()))
    facts.rdp[("198.18.0.42", 3389)] = xrdp_like()
    hosts = [
        Host("198.18.0.41", "up", (port(445, "microsoft-ds"), port(1433, "ms-sql-s", "probed"), port(5985))),
        Host("198.18.0.42", "up", (port(445, "microsoft-ds"), port(3389, "ms-wbt-server", "probed"))),
    ]
    assert judged(hosts, facts) == {
        ("N05.smb1", "win-ws-01", "198.18.0.42:445/tcp"),
        ("N05.smb_signing", "win-ws-01", "198.18.0.42:445/tcp"),
        ("N05.rdp_nla", "win-ws-01", "198.18.0.42:3389/tcp"),
        ("N05.winrm_http", "win-his-01", "198.18.0.41:5985/tcp"),
        ("N05.mssql_lan", "win-his-01", "198.18.0.41:1433/tcp"),
    }


def test_a_hardened_host_raises_no_windows_protocol_finding() -> None:
    facts = WindowsFacts(smb=smbscripts.parse((DATA / "nmap-smb-scripts.xml").read_bytes()))
    facts.rdp[("198.18.0.41", 3389)] = nla_required()
    hosts = [
        Host(
            "198.18.0.41",
            "up",
            (port(445, "microsoft-ds"), port(3389, "ms-wbt-server", "probed"), port(5986)),
        )
    ]
    assert judged(hosts, facts) == set()


def test_sql_server_off_the_workstation_networks_is_not_n05() -> None:
    facility = Facility(
        code="75901",
        name="x",
        province="y",
        networks=(ipaddress.ip_network("198.18.0.0/25"), ipaddress.ip_network("198.18.0.128/25")),
        scan_exclude=(),
        management_networks=(),
        hosts=(target("db", "198.18.0.200", ("db_servers",)), target("ws", "198.18.0.21", ("workstations",))),
    )
    hosts = [Host("198.18.0.200", "up", (port(1433, "ms-sql-s", "probed"),))]
    assert protocols.judge(hosts, WindowsFacts(), facility, risk_table(), {}) == []


def test_facts_are_collected_only_for_smb_and_rdp_ports() -> None:
    calls: list[tuple[tuple[str, ...], int]] = []
    probed: list[tuple[str, int]] = []

    def scripts(addresses: object, smb_port: int, nmap: str) -> bytes:
        calls.append((tuple(addresses), smb_port))  # type: ignore[arg-type]
        return (DATA / "nmap-smb-scripts.xml").read_bytes()

    def probe(address: str, rdp_port: int) -> rdp.RdpFacts:
        probed.append((address, rdp_port))
        raise rdp.RdpProbeError("no RDP answer (Connection refused)")

    hosts = [
        Host("198.18.0.41", "up", (port(445),)),
        Host("198.18.0.42", "up", (port(139), port(3389))),
        Host("198.18.0.22", "up", (port(22, "ssh", "probed"),)),
    ]
    facts = protocols.collect_facts(hosts, run_scripts=scripts, probe_rdp=probe)
    assert calls == [(("198.18.0.42",), 139), (("198.18.0.41",), 445)]
    assert probed == [("198.18.0.42", 3389)]
    assert facts.errors == [("198.18.0.42:3389", "RDP probe: no RDP answer (Connection refused)")]


def test_an_n05_entry_must_name_a_known_fact() -> None:
    entry = {
        "id": "N05.x", "severity": "high", "fact": "nope",
        "title": {"vi": "Tiêu đề", "en": "Title"}, "rationale": {"vi": "Lý do", "en": "Why"},
        "remediation": {"vi": "Sửa", "en": "Fix"},
    }  # fmt: skip
    with pytest.raises(CatalogError, match="N05"):
        load_table({"N05.x": entry})
