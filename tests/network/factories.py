"""Builders of facilities, hosts and nmap results for the network scanner tests (no ansible)."""

from __future__ import annotations

import ipaddress
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from hisguard.scanners.inventory import Facility, HostTarget
from hisguard.scanners.network.xmlreport import Host, Port, Service

DATA = Path(__file__).resolve().parent / "data"


def make_host(
    name: str, address: str, groups: tuple[str, ...], allowed: tuple[int, ...] | None, code: str = "75901"
) -> HostTarget:
    variables = {"ansible_host": address}
    if allowed is not None:
        variables["hisguard_allowed_tcp_ports"] = list(allowed)  # type: ignore[assignment]
    return HostTarget(
        name=name,
        facility=code,
        address=address,
        port=22,
        user="hisadmin",
        key_file=None,
        groups=(*groups, f"facility_{code}"),
        allowed_tcp_ports=tuple(allowed or ()),
        variables=variables,
    )


def make_facility(
    code: str = "75901",
    networks: tuple[str, ...] = ("198.18.0.0/24",),
    exclude: tuple[str, ...] = ("198.18.0.1/32",),
    hosts: tuple[HostTarget, ...] | None = None,
    settings: dict[str, object] | None = None,
) -> Facility:
    """By default the lab's facility 75901 as inventories/lab declares it."""
    if hosts is None:
        hosts = (
            make_host("his-app-01", "198.18.0.10", ("his_servers",), (22, 443), code),
            make_host("his-db-01", "198.18.0.11", ("db_servers",), (22,), code),
            make_host("ws-01", "198.18.0.21", ("workstations",), (22,), code),
            make_host("ws-02", "198.18.0.22", ("workstations",), (22,), code),
        )
    return Facility(
        code=code,
        name="Bệnh viện Đa khoa Lab Đồng Nai",
        province="Đồng Nai",
        networks=tuple(ipaddress.ip_network(n) for n in networks),
        scan_exclude=tuple(ipaddress.ip_network(n) for n in exclude),
        management_networks=(),
        hosts=hosts,
        settings=settings or {},
    )


def service(
    name: str,
    product: str = "",
    version: str = "",
    extrainfo: str = "",
    tunnel: str = "",
    method: str = "probed",
) -> Service:
    return Service(
        name=name, product=product, version=version, extrainfo=extrainfo, tunnel=tunnel, method=method
    )


def port(number: int, svc: Service, state: str = "open", protocol: str = "tcp") -> Port:
    return Port(number=number, protocol=protocol, state=state, service=svc)


def host(address: str, *ports: Port, state: str = "up") -> Host:
    return Host(address=address, state=state, ports=ports)


def answer_for(job_targets: Iterable[object], xml: bytes) -> bytes:
    """``xml`` (a recorded nmap run) keeping only the hosts inside ``job_targets``.

    A fake nmap driver answers the sweep and the version-detection jobs from one recording this
    way: each job sees only the addresses it was given, as real nmap would.
    """
    root = ET.fromstring(xml)
    networks = [ipaddress.ip_network(str(t)) for t in job_targets]
    for element in list(root):
        if element.tag != "host":
            continue
        addresses = [a.get("addr") or "" for a in element.findall("address") if a.get("addrtype") == "ipv4"]
        if not any(ipaddress.ip_address(a) in n for a in addresses for n in networks):
            root.remove(element)
    return b'<?xml version="1.0"?>' + ET.tostring(root)
