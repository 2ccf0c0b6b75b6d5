"""Scope: the exact addresses a scan may touch, and every way a request is refused."""

from __future__ import annotations

import ipaddress
import random

import pytest

from hisguard.scanners.errors import ScopeError
from hisguard.scanners.scope import (
    Scope,
    address_count,
    facility_scope,
    host_scopes,
    requested_scopes,
    subtract,
)
from tests.network.factories import make_facility, make_host


def _addresses(networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> set[str]:
    return {str(address) for network in networks for address in network}


def test_lab_facility_scope_is_the_subnet_without_the_scan_host() -> None:
    scope = facility_scope(make_facility())
    addresses = _addresses(scope.targets)
    assert "198.18.0.1" not in addresses
    assert len(addresses) == 255
    assert {"198.18.0.0", "198.18.0.10", "198.18.0.99", "198.18.0.255"} <= addresses
    assert [str(n) for n in scope.excluded] == ["198.18.0.1/32"]


def test_subtract_matches_set_arithmetic_on_random_cases() -> None:
    rng = random.Random(5)
    base = ipaddress.ip_network("10.20.0.0/22")
    for _ in range(200):
        networks = [
            ipaddress.ip_network(
                f"10.20.{rng.randrange(4)}.{rng.randrange(256)}/{rng.choice([24, 26, 28, 30, 32])}",
                strict=False,
            )
            for _ in range(rng.randrange(1, 4))
        ]
        holes = [
            ipaddress.ip_network(
                f"10.20.{rng.randrange(4)}.{rng.randrange(256)}/{rng.choice([22, 25, 29, 31, 32])}",
                strict=False,
            )
            for _ in range(rng.randrange(0, 5))
        ]
        expected = _addresses(tuple(networks)) - _addresses(tuple(holes))
        result = subtract(networks, holes)
        assert _addresses(result) == expected
        assert all(n.subnet_of(base) for n in result)  # type: ignore[arg-type]


def test_an_exclusion_covering_everything_leaves_nothing() -> None:
    scope = facility_scope(make_facility(exclude=("198.18.0.0/23",)))
    assert scope.targets == ()
    assert scope.size == 0


def test_ipv4_and_ipv6_are_subtracted_separately() -> None:
    facility = make_facility(
        networks=("198.18.0.0/30", "fd00:75:901::/126"), exclude=("198.18.0.1/32", "fd00:75:901::2/128")
    )
    scope = facility_scope(facility)
    assert _addresses(scope.targets) == {
        "198.18.0.0",
        "198.18.0.2",
        "198.18.0.3",
        "fd00:75:901::",
        "fd00:75:901::1",
        "fd00:75:901::3",
    }
    assert address_count(scope.targets) == 6


def test_scope_refuses_to_exist_with_a_target_inside_an_exclusion() -> None:
    with pytest.raises(ScopeError, match="overlaps excluded"):
        Scope(
            facility="75901",
            targets=(ipaddress.ip_network("198.18.0.0/24"),),
            excluded=(ipaddress.ip_network("198.18.0.1/32"),),
        )


def test_a_target_inside_the_facility_is_accepted() -> None:
    scopes = requested_scopes([make_facility()], ["198.18.0.10", "198.18.0.96/29"])
    assert len(scopes) == 1
    assert [str(n) for n in scopes[0].targets] == ["198.18.0.10/32", "198.18.0.96/29"]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("198.18.0.1", "198.18.0.1/32 lies in 198.18.0.1/32, which facility 75901 excludes"),
        ("198.18.0.0/24", "overlaps 198.18.0.1/32"),
        ("198.18.0.0/30", "overlaps 198.18.0.1/32"),
        ("10.0.0.0/24", "outside the networks of the selected facilities"),
        ("198.18.0.0/23", "outside the networks"),
        ("8.8.8.8", "outside the networks"),
        ("198.18.0.5/24", "is not an IP address or CIDR"),
        ("scanme.nmap.org", "is not an IP address or CIDR"),
        ("198.18.0.10 -iL /etc/passwd", "is not an IP address or CIDR"),
    ],
)
def test_a_target_out_of_scope_is_refused_with_one_line(target: str, message: str) -> None:
    with pytest.raises(ScopeError, match=message) as caught:
        requested_scopes([make_facility()], [target])
    assert "\n" not in str(caught.value)


def test_one_bad_target_refuses_the_whole_request() -> None:
    with pytest.raises(ScopeError):
        requested_scopes([make_facility()], ["198.18.0.10", "198.18.0.1"])


def test_targets_go_to_the_facility_that_owns_them() -> None:
    first = make_facility()
    second = make_facility(code="75902", networks=("198.18.1.0/24",), exclude=("198.18.1.1/32",), hosts=())
    scopes = requested_scopes([first, second], ["198.18.1.10", "198.18.0.22"])
    assert {s.facility: [str(n) for n in s.targets] for s in scopes} == {
        "75901": ["198.18.0.22/32"],
        "75902": ["198.18.1.10/32"],
    }


def test_a_target_owned_by_two_facilities_is_refused_if_either_excludes_it() -> None:
    first = make_facility(exclude=())
    second = make_facility(code="75902", exclude=("198.18.0.50/32",), hosts=())
    with pytest.raises(ScopeError, match="facility 75902 excludes"):
        requested_scopes([first, second], ["198.18.0.48/29"])


def test_limit_scopes_are_the_hosts_addresses() -> None:
    facility = make_facility()
    scopes = host_scopes([facility], [facility.host("ws-01"), facility.host("his-db-01")])
    assert [str(n) for n in scopes[0].targets] == ["198.18.0.11/32", "198.18.0.21/32"]


def test_limit_refuses_a_host_without_an_ip_address_or_in_an_exclusion() -> None:
    named = make_host("his-app-02", "his-app-02.benhvien.local", ("his_servers",), (22,))
    excluded = make_host("scan-01", "198.18.0.1", ("scan_hosts",), (22,))
    facility = make_facility(hosts=(named, excluded))
    with pytest.raises(ScopeError, match="not an IP address"):
        host_scopes([facility], [named])
    with pytest.raises(ScopeError, match="excludes from scans"):
        host_scopes([facility], [excluded])
