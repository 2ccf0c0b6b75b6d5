"""From what answered to findings: N01 risky services, N02 ports outside the allow-list, N03
unmanaged hosts, N04 plaintext or outdated admin interfaces.

Pure: an NmapReport, the facility and the risk table in, findings out. Each check judges on its
own, as the catalog defines it: PostgreSQL open on a database server whose group allows only SSH
is both a risky service (N01) and a breach of the group's policy (N02). N04 (how a service talks)
is judged on ports that no N01 entry covers: an exposed database is not an "admin interface".
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from hisguard.scanners.findings import Finding
from hisguard.scanners.inventory import Facility, HostTarget
from hisguard.scanners.network.risks import Risk, RiskTable
from hisguard.scanners.network.xmlreport import Host, Port

SCANNER = "network"


def _normal(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return address


def managed_by_address(facility: Facility) -> dict[str, HostTarget]:
    """Inventory hosts keyed by their address, written the way nmap writes it."""
    return {_normal(host.address): host for host in facility.hosts}


def resource_of(address: str, port: Port) -> str:
    shown = f"[{address}]" if ":" in address else address
    return f"{shown}:{port.number}/{port.protocol}"


def _finding(
    risk: Risk,
    facility: Facility,
    host: str,
    resource: str,
    evidence: str,
    material: str,
    details: dict[str, object],
) -> Finding:
    return risk.meta.finding(
        scanner=SCANNER,
        facility=facility.code,
        host=host,
        resource=resource,
        material=material,
        evidence=evidence,
        details=details,
    )


def _port_details(address: str, port: Port, allowed: bool | None) -> dict[str, object]:
    service = port.service
    details: dict[str, object] = {
        "address": address,
        "port": port.number,
        "protocol": port.protocol,
        "service": service.name,
        "product": service.product,
        "version": service.version,
        "tls": service.tunnel == "ssl",
        "identified_by": service.method or "unknown",
    }
    if allowed is not None:
        details["allowed"] = allowed
    return details


def judge_host(host: Host, facility: Facility, managed: HostTarget | None, table: RiskTable) -> list[Finding]:
    """Findings for one answering address."""
    name = managed.name if managed else host.address
    findings: list[Finding] = []
    open_ports = host.open_ports
    if managed is None:
        listing = ", ".join(f"{p.number}/{p.protocol} {p.service.name or 'unknown'}" for p in open_ports)
        findings.append(
            _finding(
                table.unmanaged_host,
                facility,
                name,
                host.address,
                f"answers; open: {listing}" if listing else "answers; no probed port open",
                "unmanaged-host",
                {
                    "address": host.address,
                    "open_ports": [p.number for p in open_ports],
                    "mac_vendor": host.mac_vendor,
                    # A sentence: the report shows it in its own language.
                    "evidence_text": {
                        "vi": f"có trả lời; cổng mở: {listing}"
                        if listing
                        else "có trả lời; không cổng nào mở",
                        "en": f"answers; open: {listing}" if listing else "answers; no probed port open",
                    },
                },
            )
        )
    declared = managed is not None and "hisguard_allowed_tcp_ports" in managed.variables
    for port in open_ports:
        allowed = managed is not None and port.protocol == "tcp" and port.number in managed.allowed_tcp_ports
        resource = resource_of(host.address, port)
        evidence = port.service.describe()
        details = _port_details(host.address, port, allowed if managed else None)
        risk = table.service_risk(port)
        if risk is not None and not (risk.allowable and allowed):
            findings.append(_finding(risk, facility, name, resource, evidence, port.service.name, details))
        if managed is not None and not allowed:
            # No allow-list at all means nothing is allowed: say so, it is the likelier mistake.
            note = "" if declared else "; no hisguard_allowed_tcp_ports declared for this host"
            said = details
            if not declared:
                note_vi = "; máy này chưa khai báo hisguard_allowed_tcp_ports"
                said = {**details, "evidence_text": {"vi": evidence + note_vi, "en": evidence + note}}
            findings.append(
                _finding(
                    table.unexpected_port,
                    facility,
                    name,
                    resource,
                    evidence + note,
                    port.service.name,
                    said,
                )
            )
        if risk is None:
            for interface in table.interface_risks(port):
                findings.append(
                    _finding(interface, facility, name, resource, evidence, port.service.name, details)
                )
    return findings


def judge(hosts: Iterable[Host], facility: Facility, table: RiskTable) -> list[Finding]:
    """Findings for every host that answered, managed or not."""
    by_address = managed_by_address(facility)
    findings: list[Finding] = []
    for host in hosts:
        if host.up:
            findings.extend(judge_host(host, facility, by_address.get(host.address), table))
    return findings
