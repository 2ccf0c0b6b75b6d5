"""Address filters for the firewall role, on Python's ipaddress (no ansible.utils collection needed).

The role validates every network and port before it renders a ruleset, so a typo in the inventory
is refused on the controller and never reaches the host's running firewall.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [value]
    return list(value)


def _network(text: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    # strict: "198.18.0.1/24" (host bits set) is refused, the way the scanners' inventory reader does.
    # Scoped IPv6 ("fe80::1%eth0") is refused too: nftables has no syntax for it.
    text = str(text).strip()
    if "%" in text:
        raise ValueError("scoped IPv6 addresses cannot be used in nftables rules")
    return ipaddress.ip_network(text, strict=True)


def cidr_errors(value: Any) -> list[str]:
    """One message per entry that is not a valid network in CIDR notation."""
    errors = []
    for item in _as_list(value):
        try:
            _network(item)
        except ValueError as exc:
            errors.append(f"{item!r}: {exc}")
    return errors


def port_errors(value: Any) -> list[str]:
    """One message per entry that is not a TCP/UDP port number (1-65535)."""
    errors = []
    for item in _as_list(value):
        if isinstance(item, bool):
            errors.append(f"{item!r}: not a port number")
            continue
        try:
            port = int(str(item).strip())
        except ValueError:
            errors.append(f"{item!r}: not a port number")
            continue
        if str(port) != str(item).strip() or not 0 < port < 65536:
            errors.append(f"{item!r}: not a port number between 1 and 65535")
    return errors


def ipv4_networks(value: Any) -> list[str]:
    """The IPv4 networks of a list, normalised, without duplicates, in order."""
    return _family(value, 4)


def ipv6_networks(value: Any) -> list[str]:
    return _family(value, 6)


def _family(value: Any, version: int) -> list[str]:
    seen: list[str] = []
    for item in _as_list(value):
        net = _network(item)
        if net.version == version and str(net) not in seen:
            seen.append(str(net))
    return seen


def address_in_networks(address: Any, networks: Any) -> bool:
    """True when ``address`` (an IP, possibly IPv4-mapped IPv6) lies in one of ``networks``."""
    try:
        addr = ipaddress.ip_address(str(address).strip().split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    for item in _as_list(networks):
        try:
            if addr in _network(item):
                return True
        except ValueError:
            continue
    return False


def _list(value: Any, name: str, errors: list[str]) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
        errors.append(f"{name} must be a list")
        return []
    return list(value)


def firewall_input_errors(inputs: Mapping[str, Any]) -> list[str]:
    """Every reason to refuse the firewall role's inputs, as one line each (empty when fine)."""
    errors: list[str] = []
    management = _list(inputs.get("hisguard_management_networks"), "hisguard_management_networks", errors)
    if not management:
        errors.append("hisguard_management_networks is empty: SSH would be closed to everybody")
    for name in ("hisguard_management_networks", "facility_networks"):
        for problem in cidr_errors(_list(inputs.get(name), name, errors)):
            errors.append(f"{name}: {problem}")
    ports = _list(inputs.get("hisguard_allowed_tcp_ports"), "hisguard_allowed_tcp_ports", errors)
    for problem in port_errors(ports):
        errors.append(f"hisguard_allowed_tcp_ports: {problem}")
    for problem in port_errors([inputs.get("firewall_ssh_port")]):
        errors.append(f"firewall_ssh_port: {problem}")
    if inputs.get("firewall_egress_enabled"):
        for problem in cidr_errors(
            _list(inputs.get("firewall_egress_dns_servers"), "firewall_egress_dns_servers", errors)
        ):
            errors.append(f"firewall_egress_dns_servers: {problem}")
        entries = _list(inputs.get("firewall_egress_allowed"), "firewall_egress_allowed", errors)
        for index, entry in enumerate(entries):
            where = f"firewall_egress_allowed[{index}]"
            if not isinstance(entry, Mapping):
                errors.append(f"{where} must be a mapping with networks and tcp_ports/udp_ports")
                continue
            networks = _list(entry.get("networks"), f"{where}.networks", errors)
            if not networks:
                errors.append(f"{where}.networks is empty")
            for problem in cidr_errors(networks):
                errors.append(f"{where}.networks: {problem}")
            tcp = _list(entry.get("tcp_ports"), f"{where}.tcp_ports", errors)
            udp = _list(entry.get("udp_ports"), f"{where}.udp_ports", errors)
            if not tcp and not udp:
                errors.append(f"{where} allows no port (give tcp_ports and/or udp_ports)")
            for problem in port_errors(tcp + udp):
                errors.append(f"{where}: {problem}")
            if '"' in str(entry.get("name", "")):
                errors.append(f"{where}.name must not contain a double quote")
    sources = inputs.get("firewall_port_sources") or {}
    if not isinstance(sources, Mapping):
        errors.append("firewall_port_sources must be a mapping of port to a list of CIDRs")
        sources = {}
    for port, networks in sources.items():
        for problem in port_errors([port]):
            errors.append(f"firewall_port_sources: {problem}")
        nets = _list(networks, f"firewall_port_sources[{port}]", errors)
        if not nets:
            errors.append(f"firewall_port_sources[{port}] is empty")
        for problem in cidr_errors(nets):
            errors.append(f"firewall_port_sources[{port}]: {problem}")
    if inputs.get("firewall_forward_policy") not in ("accept", "drop"):
        errors.append("firewall_forward_policy must be accept or drop")
    if '"' in str(inputs.get("firewall_log_prefix", "")):
        errors.append("firewall_log_prefix must not contain a double quote")
    try:
        timeout = int(inputs.get("firewall_rollback_timeout", 0))
    except (TypeError, ValueError):
        timeout = 0
    if not 30 <= timeout <= 900:
        errors.append("firewall_rollback_timeout must be a number of seconds between 30 and 900")
    return errors


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "hisguard_cidr_errors": cidr_errors,
            "hisguard_port_errors": port_errors,
            "hisguard_ipv4_networks": ipv4_networks,
            "hisguard_ipv6_networks": ipv6_networks,
            "hisguard_address_in_networks": address_in_networks,
            "hisguard_firewall_input_errors": firewall_input_errors,
        }
