"""The scale profile without booting anything: addresses, plants, the generated inventory."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
import yaml

from hisguard.lab import scale
from hisguard.lab.errors import LabError
from hisguard.lab.profile import load_fleet


class VaultLoader(yaml.SafeLoader):
    """Reads group_vars without decrypting: a vaulted value is only a placeholder here."""


VaultLoader.add_constructor("!vault", lambda _loader, _node: "(vaulted)")


def test_scale_is_bounded_by_the_subnet_and_avoids_every_taken_address() -> None:
    fleet = load_fleet()
    most = scale.max_hosts(fleet)
    assert most == 235  # 198.18.1.20-.254: the gateway and facility 75902's hosts lie below .20
    hosts = scale.scale_facility(fleet, most).hosts
    taken = {h.address for h in fleet.hosts()} | {scale.GATEWAY}
    assert len({h.address for h in hosts}) == most and not {h.address for h in hosts} & taken
    assert all(ipaddress.ip_address(h.address) in scale.NETWORK for h in hosts)
    for bad in (0, most + 1):
        with pytest.raises(LabError, match="--scale takes 1 to 235"):
            scale.scale_facility(fleet, bad)


def test_every_host_has_a_few_plants_and_the_fleet_holds_every_kind() -> None:
    facility = scale.scale_facility(load_fleet(), 50)
    kinds = {p.id for h in facility.hosts for p in h.planted}
    assert kinds == {
        "appsettings-portal-credentials",
        "ssh-root-password-login",
        "telnet-open",
        "empty-password-account",
        "web-plain-http-8080",
    }
    assert all(2 <= len(h.planted) <= 3 for h in facility.hosts)
    assert sum(1 for h in facility.hosts for p in h.planted if p.id == "web-plain-http-8080") == 5


def test_the_fleet_swaps_75902_for_the_scale_facility() -> None:
    fleet = scale.with_scale(load_fleet(), 3)
    codes = [f.code for f in fleet.facilities]
    assert scale.CODE in codes and scale.SHARES_WITH not in codes
    assert fleet.facility(scale.CODE).bridge == "hgbr1"


def test_the_generated_inventory_declares_only_lab_ranges(tmp_path: Path) -> None:
    facility = scale.scale_facility(load_fleet(), 5)
    out = scale.write_inventory(facility, tmp_path / "inv")
    hosts = yaml.safe_load((out / "hosts.yml").read_text(encoding="utf-8"))
    listed = hosts["all"]["children"]["facility_75990"]["hosts"]
    assert [v["ansible_host"] for v in listed.values()] == [h.address for h in facility.hosts]
    group = yaml.load((out / "group_vars" / "facility_75990.yml").read_text(encoding="utf-8"), VaultLoader)
    declared = [ipaddress.IPv4Network(n) for n in group["facility_networks"]]
    assert declared and all(any(n.subnet_of(s) for s in scale.LAB_SUBNETS) for n in declared)


def test_hosts_boot_in_waves_of_the_wave_size_in_profile_order() -> None:
    from hisguard.lab.runner import waves

    fleet = scale.with_scale(load_fleet(), 50)
    hosts = list(fleet.facility(scale.CODE).hosts)
    parts = waves(hosts, 8)
    assert [len(p) for p in parts] == [8, 8, 8, 8, 8, 8, 2]
    assert [h for p in parts for h in p] == hosts


def test_the_wave_size_follows_the_cores_and_the_override(monkeypatch: pytest.MonkeyPatch) -> None:
    from hisguard.lab import runner

    monkeypatch.delenv("HISGUARD_LAB_WAVE", raising=False)
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 2)
    assert runner.wave_size() == 8
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 6)
    assert runner.wave_size() == 24
    monkeypatch.setenv("HISGUARD_LAB_WAVE", "3")
    assert runner.wave_size() == 3


def test_a_boot_the_inotify_limit_cannot_hold_is_refused_with_the_fix(tmp_path: Path) -> None:
    from hisguard.lab.runner import require_inotify

    limit = tmp_path / "max_user_instances"
    limit.write_text("128\n")
    require_inotify(8, limit)  # the default lab fits
    with pytest.raises(LabError, match=r"sysctl -w fs.inotify.max_user_instances=1024"):
        require_inotify(50, limit)
    limit.write_text("1024\n")
    require_inotify(50, limit)
