"""The port set, the facility's nmap settings, and the nmap jobs built from them."""

from __future__ import annotations

import pytest

from hisguard.scanners.errors import CatalogError, InventoryError
from hisguard.scanners.network.driver import build_jobs, fingerprint_job
from hisguard.scanners.network.ports import (
    PortSpecError,
    _load,
    default_ports,
    format_port_spec,
    parse_port_spec,
)
from hisguard.scanners.network.settings import NmapSettings, settings_for
from hisguard.scanners.scope import facility_scope
from tests.network.factories import make_facility

# The services the issue names for a hospital LAN: all must be probed by default.
REQUIRED = {
    21,
    22,
    23,
    80,
    443,
    139,
    445,
    1433,
    1521,
    2112,
    2375,
    2376,
    3306,
    3389,
    5432,
    5900,
    5901,
    5902,
    5903,
    5938,
    5984,
    6379,
    6443,
    7070,
    8000,
    8080,
    8443,
    8888,
    9100,
    9200,
    10250,
    21115,
    21119,
    27017,
    111,
    135,
    2049,
    389,
    5985,
    5986,
}


def test_default_ports_hold_the_hospital_services_and_stay_curated() -> None:
    ports = default_ports()
    assert set(ports) >= REQUIRED
    assert len(ports) < 100  # a curated set, not a sweep
    assert list(ports) == sorted(set(ports))


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("22", (22,)),
        ("80,22,22", (22, 80)),
        (" 5900-5903 , 23", (23, 5900, 5901, 5902, 5903)),
        ("1,65535", (1, 65535)),
    ],
)
def test_port_specs_parse_to_sorted_numbers(spec: str, expected: tuple[int, ...]) -> None:
    assert parse_port_spec(spec) == expected


@pytest.mark.parametrize(
    "spec",
    ["", "22,,80", "0", "65536", "5903-5900", "22 --script=vuln", "T:22", "-", "22-", "http", "1-2-3"],
)
def test_anything_but_ports_and_ranges_is_refused(spec: str) -> None:
    with pytest.raises(PortSpecError, match="--ports"):
        parse_port_spec(spec)


def test_format_port_spec_round_trips_and_compacts_ranges() -> None:
    assert format_port_spec((21, 22, 23, 80, 5900, 5901, 5902)) == "21-23,80,5900-5902"
    assert parse_port_spec(format_port_spec(default_ports())) == default_ports()


def test_a_bad_ports_file_is_refused() -> None:
    with pytest.raises(CatalogError, match="ports"):
        _load({"ports": []})
    with pytest.raises(CatalogError, match="service"):
        _load({"ports": [{"ports": "22"}]})
    with pytest.raises(CatalogError, match="99999"):
        _load({"ports": [{"ports": "99999", "service": "x"}]})


def test_settings_default_when_the_facility_sets_nothing() -> None:
    assert settings_for(make_facility()) == NmapSettings()


def test_settings_come_from_the_facility_inventory_variables() -> None:
    facility = make_facility(
        settings={
            "hisguard_nmap_timing": 2,
            "hisguard_nmap_max_rate": "50",
            "hisguard_nmap_host_timeout": "90s",
            "hisguard_nmap_max_retries": 1,
            "hisguard_nmap_version_intensity": 0,
            "hisguard_nmap_timeout": 600,
            "hisguard_nmap_scan_type": "connect",
        }
    )
    settings = settings_for(facility)
    assert (settings.timing, settings.max_rate, settings.host_timeout) == (2, 50, "90s")
    assert (settings.max_retries, settings.version_intensity, settings.process_timeout) == (1, 0, 600)
    assert settings.scan_type == "connect"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("hisguard_nmap_timing", 6, "outside 0-5"),
        ("hisguard_nmap_timing", "T4", "not a whole number"),
        ("hisguard_nmap_max_rate", 0, "outside"),
        ("hisguard_nmap_max_rate", True, "whole number"),
        ("hisguard_nmap_host_timeout", "5m; rm -rf /", "not a duration"),
        ("hisguard_nmap_host_timeout", "", "not a duration"),
        ("hisguard_nmap_scan_type", "udp", "not one of"),
        ("hisguard_nmap_timeout", 1, "outside"),
        ("hisguard_nmap_version_detection", "some", "not one of"),
        ("hisguard_nmap_version_timeout", "30 s", "not a duration"),
    ],
)
def test_a_bad_setting_is_one_inventory_error_naming_it(name: str, value: object, message: str) -> None:
    with pytest.raises(InventoryError, match=message) as caught:
        settings_for(make_facility(settings={name: value}))
    assert name in str(caught.value) and "facility_75901" in str(caught.value)


def test_the_job_carries_scope_settings_and_the_safety_exclude() -> None:
    facility = make_facility(settings={"hisguard_nmap_max_rate": 40, "hisguard_nmap_host_timeout": "2m"})
    (job,) = build_jobs(facility_scope(facility), settings_for(facility), (22, 23, 5432), privileged=True)
    command = job.command("/usr/bin/nmap")
    assert command[:3] == ["/usr/bin/nmap", "-oX", "-"]
    targets = command[3 : command.index("-p")]
    assert "198.18.0.1/32" not in targets and "198.18.0.0/24" not in targets
    assert command[command.index("-p") + 1] == "22-23,5432"
    assert "-n" in command and "-sS" in command and "-sV" not in command  # the sweep
    # Discovery: ICMP echo, SYN to the scanned ports marked for discovery, ACK to 80.
    at = command.index("-PE")
    assert command[at : at + 3] == ["-PE", "-PS22-23", "-PA80"]
    assert command[command.index("--max-rate") + 1] == "40"
    assert command[command.index("--host-timeout") + 1] == "2m"
    assert command[command.index("--exclude") + 1] == "198.18.0.1/32"
    assert "-T3" in command
    assert job.timeout == NmapSettings().process_timeout


def test_version_detection_jobs_probe_only_the_given_open_ports_bounded_per_host() -> None:
    facility = make_facility(
        settings={"hisguard_nmap_version_intensity": 1, "hisguard_nmap_version_timeout": "20s"}
    )
    scope, settings = facility_scope(facility), settings_for(facility)
    job = fingerprint_job(scope, settings, ["198.18.0.10", "198.18.0.21"], (8080, 22), privileged=True)
    command = job.command("nmap")
    assert command[3 : command.index("-p")] == ["198.18.0.10/32", "198.18.0.21/32"]
    assert command[command.index("-p") + 1] == "22,8080"
    assert "-Pn" in command and "-sV" in command
    assert command[command.index("--version-intensity") + 1] == "1"
    assert command[command.index("--host-timeout") + 1] == "20s"
    assert command[command.index("--exclude") + 1] == "198.18.0.1/32"
    with pytest.raises(ValueError, match="outside the scope"):
        fingerprint_job(scope, settings, ["198.18.0.1"], (22,), privileged=True)
    with pytest.raises(ValueError, match="outside the scope"):
        fingerprint_job(scope, settings, ["192.0.2.7"], (22,), privileged=True)


def test_all_puts_version_detection_in_the_sweep_and_discovery_follows_the_ports() -> None:
    facility = make_facility(settings={"hisguard_nmap_version_detection": "all"})
    (job,) = build_jobs(facility_scope(facility), settings_for(facility), (22, 3389, 5432), privileged=True)
    assert "-sV" in job.arguments and "-PS22,3389" in job.arguments
    (unprivileged,) = build_jobs(facility_scope(facility), settings_for(facility), (5432,), privileged=False)
    assert "-PS5432" in unprivileged.arguments and "-PE" not in unprivileged.arguments


def test_unprivileged_runs_use_connect_scans_and_cannot_force_syn() -> None:
    facility = make_facility()
    (job,) = build_jobs(facility_scope(facility), settings_for(facility), (22,), privileged=False)
    assert "-sT" in job.arguments and "-sS" not in job.arguments
    forced = make_facility(settings={"hisguard_nmap_scan_type": "syn"})
    with pytest.raises(InventoryError, match="needs root"):
        build_jobs(facility_scope(forced), settings_for(forced), (22,), privileged=False)


def test_ipv6_gets_its_own_job() -> None:
    facility = make_facility(networks=("198.18.0.0/30", "fd00:75:901::/126"), exclude=("198.18.0.1/32",))
    jobs = build_jobs(facility_scope(facility), settings_for(facility), (22,), privileged=True)
    assert [job.arguments[-1] == "-6" for job in jobs] == [False, True]
    assert all(t.version == 6 for t in jobs[1].targets)
    assert "--exclude" not in jobs[1].arguments  # no IPv6 exclusion to pass
