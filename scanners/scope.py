"""What a scan may touch: the facility's networks minus what it excludes, nothing else.

Every scanner's plan asks this module (see :mod:`hisguard.scanners.interface`): the SSH scanners
refuse a host whose address lies outside its facility's networks or inside an excluded range
(:func:`refuse_out_of_scope`), the network scanner sweeps only :class:`Scope` targets.

Hospital networks hold fragile medical devices, so scope is computed here, in Python, before
nmap is started: the target list handed to nmap never contains an excluded address (nmap's own
``--exclude`` is only a second safety). A requested target outside the facility's networks, or
overlapping an excluded range, is refused with a ScopeError, never trimmed silently.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hisguard.scanners.errors import ScopeError
from hisguard.scanners.inventory import Facility, HostTarget, Network


def collapse(networks: Iterable[Network]) -> tuple[Network, ...]:
    """Merge adjacent and nested networks, IPv4 first; ipaddress cannot collapse mixed versions."""
    v4 = [n for n in networks if isinstance(n, ipaddress.IPv4Network)]
    v6 = [n for n in networks if isinstance(n, ipaddress.IPv6Network)]
    return (*ipaddress.collapse_addresses(v4), *ipaddress.collapse_addresses(v6))


def subtract(networks: Iterable[Network], excluded: Iterable[Network]) -> tuple[Network, ...]:
    """``networks`` without any address of ``excluded``, as the fewest CIDRs."""
    excluded = collapse(excluded)
    kept: list[Network] = []
    for network in collapse(networks):
        pieces: list[Network] = [network]
        for hole in excluded:
            if hole.version != network.version:
                continue
            remaining: list[Network] = []
            for piece in pieces:
                # Two CIDRs either are disjoint or one contains the other.
                if not piece.overlaps(hole):
                    remaining.append(piece)
                elif not piece.subnet_of(hole):  # type: ignore[arg-type]
                    remaining.extend(piece.address_exclude(hole))  # type: ignore[arg-type]
            pieces = remaining
        kept.extend(pieces)
    return collapse(kept)


def address_count(networks: Iterable[Network]) -> int:
    return sum(network.num_addresses for network in networks)


def contains(networks: Iterable[Network], address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == network.version and ip in network for network in networks)


@dataclass(frozen=True)
class Scope:
    """The exact addresses of one facility a scan will probe, and the ranges it must not."""

    facility: str
    targets: tuple[Network, ...]
    excluded: tuple[Network, ...]

    def __post_init__(self) -> None:
        # The invariant everything else relies on: no target touches an excluded range.
        for target in self.targets:
            for hole in self.excluded:
                if target.version == hole.version and target.overlaps(hole):
                    raise ScopeError(f"facility {self.facility}: target {target} overlaps excluded {hole}")

    @property
    def size(self) -> int:
        return address_count(self.targets)


def facility_scope(facility: Facility) -> Scope:
    """Every address the facility owns and does not exclude."""
    return Scope(
        facility=facility.code,
        targets=subtract(facility.networks, facility.scan_exclude),
        excluded=collapse(facility.scan_exclude),
    )


def parse_target(text: str) -> Network:
    try:
        return ipaddress.ip_network(text.strip(), strict=True)
    except ValueError as exc:
        raise ScopeError(f"--target {text!r} is not an IP address or CIDR ({exc})") from None


def _owns(facility: Facility, target: Network) -> bool:
    return any(
        target.version == network.version and target.subnet_of(network)  # type: ignore[arg-type]
        for network in collapse(facility.networks)
    )


def _refuse_excluded(facility: Facility, target: Network, label: str) -> None:
    for hole in facility.scan_exclude:
        if target.version == hole.version and target.overlaps(hole):
            where = "lies in" if target.subnet_of(hole) else "overlaps"  # type: ignore[arg-type]
            raise ScopeError(
                f"{label} {target} {where} {hole}, which facility {facility.code} excludes from scans "
                f"(facility_scan_exclude); scanning it is refused"
            )


def requested_scopes(facilities: Sequence[Facility], targets: Sequence[str]) -> list[Scope]:
    """Scopes for explicit ``--target`` values; every target must be wholly inside one facility.

    A target goes to the first selected facility that owns it; it is refused when it lies outside
    all of them or overlaps a range that any facility owning it excludes.
    """
    assigned: dict[str, list[Network]] = {}
    for text in targets:
        target = parse_target(text)
        owners = [facility for facility in facilities if _owns(facility, target)]
        if not owners:
            owned = ", ".join(str(n) for f in facilities for n in f.networks) or "none"
            raise ScopeError(
                f"--target {target} is outside the networks of the selected facilities ({owned}); "
                f"scanning it is refused"
            )
        for owner in owners:
            _refuse_excluded(owner, target, "--target")
        assigned.setdefault(owners[0].code, []).append(target)
    return [
        Scope(facility=f.code, targets=collapse(assigned[f.code]), excluded=collapse(f.scan_exclude))
        for f in facilities
        if f.code in assigned
    ]


def host_scopes(facilities: Sequence[Facility], hosts: Sequence[HostTarget]) -> list[Scope]:
    """Scopes for ``--limit``: the addresses of the chosen inventory hosts, checked like targets."""
    by_code = {facility.code: facility for facility in facilities}
    assigned: dict[str, list[Network]] = {}
    for host in hosts:
        facility = by_code[host.facility]
        try:
            address = ipaddress.ip_address(host.address)
        except ValueError:
            raise ScopeError(
                f"host {host.name}: address {host.address!r} is not an IP address; a network scan needs one"
            ) from None
        target = ipaddress.ip_network(address)
        if not _owns(facility, target):
            raise ScopeError(
                f"host {host.name} ({address}) is outside the networks of facility {facility.code}; "
                f"scanning it is refused"
            )
        _refuse_excluded(facility, target, f"host {host.name}")
        assigned.setdefault(facility.code, []).append(target)
    return [
        Scope(facility=f.code, targets=collapse(assigned[f.code]), excluded=collapse(f.scan_exclude))
        for f in facilities
        if f.code in assigned
    ]


def _addresses(host: HostTarget) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The host's address, or what its name resolves to (empty when it does not resolve)."""
    try:
        return [ipaddress.ip_address(host.address)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host.address, host.port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []  # the transport reports the unresolvable name as the host's error
    found = []
    for info in infos:
        try:
            found.append(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]))
        except ValueError:
            continue
    return found


def refuse_out_of_scope(facility: Facility, hosts: Sequence[HostTarget]) -> None:
    """ScopeError for the first host (or address its name resolves to) the facility does not own
    or excludes from scans: nothing may connect to it."""
    for host in hosts:
        if host.facility != facility.code:
            raise ScopeError(f"host {host.name} is not in facility {facility.code}; scanning it is refused")
        for address in _addresses(host):
            target = ipaddress.ip_network(address)
            shown = address if str(address) == host.address else f"{host.address} = {address}"
            if not _owns(facility, target):
                raise ScopeError(
                    f"host {host.name} ({shown}) is outside the networks of facility {facility.code} "
                    f"(facility_networks); scanning it is refused"
                )
            _refuse_excluded(facility, target, f"host {host.name}")
