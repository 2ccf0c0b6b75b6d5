"""Version detection only where a risk needs it: which open ports to fingerprint, and merging the answers.

The sweep (discovery and port scan, no ``-sV``) tells which ports are open; nmap then probes the
services of only those open ports whose judgement depends on what answers. A port that an N01
entry of the risk table names by number is judged by that number (Telnet on 23, VNC on 5900,
PostgreSQL on 5432): fingerprinting it could only change the evidence text, and one service that
answers no probe (inetd's telnetd) costs nmap 46 s. Every other open port is fingerprinted: N04
needs to know HTTP from HTTPS and OpenSSH's version, the ``plaintext`` entries need to know TLS,
and a port no entry names may be anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from hisguard.scanners.network.risks import RiskTable
from hisguard.scanners.network.xmlreport import Host, Port, Service


def decided_by_number(table: RiskTable, number: int) -> bool:
    """True when the port's number alone decides its verdict, so probing it changes nothing judged."""
    unprobed = Port(number=number, protocol="tcp", state="open", service=Service(method="table"))
    risk = table.service_risk(unprobed)
    # Found without a name or product: an N01 entry names the port. ``plaintext`` entries must
    # still learn whether the service speaks TLS.
    return risk is not None and risk.match is not None and not risk.match.plaintext


def ports_to_fingerprint(host: Host, table: RiskTable) -> tuple[int, ...]:
    """The host's open TCP ports whose judgement needs version detection."""
    return tuple(
        sorted(
            {
                port.number
                for port in host.open_ports
                if port.protocol == "tcp" and not decided_by_number(table, port.number)
            }
        )
    )


def group_requests(hosts: Iterable[Host], table: RiskTable) -> dict[tuple[int, ...], list[str]]:
    """Addresses grouped by the exact port set they need probed: one nmap process per group.

    Hosts with the same open ports (a fleet of alike workstations) share one process; probing a
    host's ports only, never the union, spares the retries a host's firewall would cost.
    """
    groups: dict[tuple[int, ...], list[str]] = {}
    for host in hosts:
        if not host.up:
            continue
        ports = ports_to_fingerprint(host, table)
        if ports:
            groups.setdefault(ports, []).append(host.address)
    return groups


def merge(host: Host, probed: Host | None) -> Host:
    """The sweep's view of ``host`` with the services version detection identified.

    The sweep decides which ports are open (a port that closed in between stays as the sweep saw
    it); version detection only supplies what answers on them.
    """
    if probed is None:
        return host
    services: Mapping[tuple[int, str], Service] = {
        (port.number, port.protocol): port.service for port in probed.open_ports if port.service.probed
    }
    ports: Sequence[Port] = tuple(
        replace(port, service=services[(port.number, port.protocol)])
        if port.state == "open" and (port.number, port.protocol) in services
        else port
        for port in host.ports
    )
    return replace(host, ports=tuple(ports))
