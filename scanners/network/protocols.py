"""Windows protocol risks (N05.*) from what the port scan found answering, plus protocol facts.

Collection (:func:`collect_facts`) runs nmap's SMB scripts on the addresses with SMB open and the
RDP negotiation probe on every RDP port, only on addresses the scoped port scan already found inside
the facility; judging (:func:`judge`) is pure. SQL Server counts as reachable from the workstations
when it answers the scan host on a facility network that also holds an inventory workstation: the
scan host sits where the workstations sit, and nothing stopped it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from hisguard.scanners.findings import Finding
from hisguard.scanners.inventory import Facility, HostTarget
from hisguard.scanners.network import rdp, smbscripts
from hisguard.scanners.network.rdp import RdpFacts
from hisguard.scanners.network.risks import Risk, RiskTable
from hisguard.scanners.network.smbscripts import SmbProtocolFacts
from hisguard.scanners.network.xmlreport import Host, Port

SCANNER = "network"
SMB_PORTS = (445, 139)
RDP_SERVICES = ("ms-wbt-server", "rdp")
WINRM_HTTP_PORT = 5985
MSSQL_PORT = 1433


@dataclass
class WindowsFacts:
    smb: dict[str, SmbProtocolFacts] = field(default_factory=dict)  # by address
    rdp: dict[tuple[str, int], RdpFacts] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (target, one-line message)


def is_rdp(port: Port) -> bool:
    return port.number == 3389 or (port.service.probed and port.service.name in RDP_SERVICES)


def smb_port_of(host: Host) -> int | None:
    open_numbers = {p.number for p in host.open_ports if p.protocol == "tcp"}
    return next((p for p in SMB_PORTS if p in open_numbers), None)


def collect_facts(
    hosts: Sequence[Host],
    nmap_path: str = "nmap",
    *,
    run_scripts: Callable[[Sequence[str], int, str], bytes] = smbscripts.run,
    probe_rdp: Callable[[str, int], RdpFacts] = rdp.probe,
) -> WindowsFacts:
    facts = WindowsFacts()
    by_port: dict[int, list[str]] = {}
    for host in hosts:
        smb_port = smb_port_of(host) if host.up else None
        if smb_port is not None:
            by_port.setdefault(smb_port, []).append(host.address)
    for smb_port, addresses in sorted(by_port.items()):
        try:
            facts.smb.update(smbscripts.parse(run_scripts(addresses, smb_port, nmap_path)))
        except smbscripts.SmbScriptError as exc:
            facts.errors.extend((address, str(exc)) for address in addresses)
    for host in hosts:
        for port in host.open_ports if host.up else ():
            if port.protocol == "tcp" and is_rdp(port):
                try:
                    facts.rdp[(host.address, port.number)] = probe_rdp(host.address, port.number)
                except rdp.RdpProbeError as exc:
                    facts.errors.append((f"{host.address}:{port.number}", f"RDP probe: {exc}"))
    return facts


def _finding(
    risk: Risk, facility: Facility, host: str, resource: str, evidence: str, details: dict[str, object]
) -> Finding:
    return risk.meta.finding(
        scanner=SCANNER,
        facility=facility.code,
        host=host,
        resource=resource,
        material=risk.fact,
        evidence=evidence,
        details=details,
    )


def _resource(address: str, port: int) -> str:
    shown = f"[{address}]" if ":" in address else address
    return f"{shown}:{port}/tcp"


def _workstation_networks(facility: Facility) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for host in facility.hosts:
        if "workstations" not in host.groups:
            continue
        try:
            address = ipaddress.ip_address(host.address)
        except ValueError:
            continue  # a name, not an address: nothing to place it by
        networks.extend(n for n in facility.networks if address in n)
    return networks


def judge(
    hosts: Iterable[Host],
    facts: WindowsFacts,
    facility: Facility,
    table: RiskTable,
    managed: dict[str, HostTarget],
) -> list[Finding]:
    findings: list[Finding] = []
    workstation_nets = _workstation_networks(facility)

    def add(fact: str, name: str, resource: str, evidence: str, details: dict[str, object]) -> None:
        risk = table.protocol_risk(fact)
        if risk is not None:
            findings.append(_finding(risk, facility, name, resource, evidence, details))

    for host in hosts:
        if not host.up:
            continue
        name = managed[host.address].name if host.address in managed else host.address
        smb = facts.smb.get(host.address)
        smb_port = smb_port_of(host)
        if smb is not None and smb_port is not None:
            resource = _resource(host.address, smb_port)
            details: dict[str, object] = {"address": host.address, "port": smb_port, **smb.as_dict()}
            if smb.smb1:
                add("smb1", name, resource, smb.describe(), details)
            if smb.signing_not_required:
                add("smb_signing_not_required", name, resource, smb.describe(), details)
        for port in host.open_ports:
            if port.protocol != "tcp":
                continue
            resource = _resource(host.address, port.number)
            probe = facts.rdp.get((host.address, port.number))
            if probe is not None and not probe.nla_required:
                add(
                    "rdp_without_nla",
                    name,
                    resource,
                    probe.summary(),
                    {"address": host.address, **probe.as_dict()},
                )
            if port.number == WINRM_HTTP_PORT:
                add(
                    "winrm_http",
                    name,
                    resource,
                    port.service.describe(),
                    {"address": host.address, "port": port.number},
                )
            if port.number == MSSQL_PORT or (port.service.probed and port.service.name == "ms-sql-s"):
                address = ipaddress.ip_address(host.address)
                shared = [str(n) for n in workstation_nets if address in n]
                if shared:
                    add(
                        "mssql_lan",
                        name,
                        resource,
                        f"{port.service.describe()}; answers on {', '.join(sorted(set(shared)))}, "
                        "where the workstations are",
                        {
                            "address": host.address,
                            "port": port.number,
                            "workstation_networks": sorted(set(shared)),
                        },
                    )
    return findings
