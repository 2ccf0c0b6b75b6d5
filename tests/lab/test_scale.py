"""The scale lab boots N light hosts with their plants, writes an inventory of lab ranges only, and
leaves nothing behind when it goes down (``hisguard lab up --scale 4``; the bench boots 50).

A lab that was up before the test is brought back afterwards (the scale lab shares its subnet with
facility 75902, so the two cannot be up together).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from pathlib import Path

import pytest

from hisguard.lab import cgroups, network, runner, scale
from hisguard.lab.paths import INVENTORY_DIR, STATE_DIR
from hisguard.lab.plant import context, render
from hisguard.lab.profile import load_fleet
from hisguard.lab.ssh import Session
from hisguard.scanners.inventory import load_inventory
from tests.lab_fixture import _skip_reason

pytestmark = pytest.mark.lab
COUNT = 4


def _answers(address: str, port: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((address, port), timeout=3):
                return True
        except OSError:
            time.sleep(0.5)
    return False


def _check_hosts(count: int) -> None:
    doc = runner.status()
    hosts = [h for h in doc["hosts"] if h["facility"] == scale.CODE]
    assert [h["name"] for h in hosts] == [scale.host_name(i) for i in range(1, count + 1)]
    assert all(h["running"] and h["ssh"] for h in hosts), hosts
    taken = {h.address for h in load_fleet().hosts()} | {scale.GATEWAY}
    addresses = [ipaddress.ip_address(h["address"]) for h in hosts]
    assert len(set(addresses)) == count and all(a in scale.NETWORK for a in addresses)
    assert not {str(a) for a in addresses} & taken
    fleet = scale.with_scale(load_fleet(), count)
    for host in fleet.facility(scale.CODE).hosts:
        values = context(fleet, host)
        with Session(host.address) as session:
            # Light: the daemons a workstation does not need are off.
            assert session.run("systemctl is-active cron.service").stdout.strip() == "inactive"
            for item in fleet.planted_on(host):
                if item.kind == "file":
                    assert item.path and item.contains
                    text = session.run(f"cat '{item.path}'", sudo=True).stdout
                    assert render(item.contains, values) in text, f"{host.name}: {item.id}"
                elif item.kind == "listener":
                    assert item.port
                    assert _answers(host.address, item.port, time.monotonic() + 60), f"{host.name}: {item.id}"
                else:
                    assert item.command
                    out = session.run(render(item.command, values), sudo=True).stdout
                    assert all(render(e, values) in out for e in item.expect), f"{host.name}: {item.id}"


def _check_inventory(path: Path, count: int) -> None:
    inventory = load_inventory([str(path)], str(INVENTORY_DIR / "vault-password.txt"))
    (facility,) = inventory.facilities.values()
    assert facility.code == scale.CODE
    assert all(
        any(ipaddress.IPv4Network(n).subnet_of(s) for s in scale.LAB_SUBNETS) for n in facility.networks
    )
    assert len(facility.hosts) == count
    assert all(any(ipaddress.ip_address(h.address) in s for s in scale.LAB_SUBNETS) for h in facility.hosts)


def _mounts_under(directory: Path) -> list[str]:
    prefix = str(directory).rstrip("/") + "/"
    return [
        m.split()[1]
        for m in Path("/proc/self/mounts").read_text().splitlines()
        if m.split()[1].startswith(prefix)
    ]


def test_scale_lab_boots_light_hosts_and_tears_down_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    before = runner.status()
    previous = before["facilities"] if before["status"] != "down" else []
    if scale.SHARES_WITH in previous or scale.CODE in previous:
        runner.down()
    monkeypatch.setenv("HISGUARD_LAB_WAVE", "3")  # two waves of hosts, as fifty boot in seven
    pids: list[int] = []
    try:
        report = runner.up(scale_hosts=COUNT)
        assert report.inventory == scale.INVENTORY_OUT
        assert sorted(report.booted) == [scale.host_name(i) for i in range(1, COUNT + 1)]
        # Memory per host is read from each host's own cgroup: every host has some, none has all.
        assert sorted(report.memory) == sorted(report.booted)
        assert all(0 < used < 2 * 1024**3 for used in report.memory.values())
        _check_hosts(COUNT)
        _check_inventory(report.inventory, COUNT)
        pids = [h["pid"] for h in runner.status()["hosts"] if h["facility"] == scale.CODE]
        assert len(pids) == COUNT and all(pids)
    finally:
        left = runner.down()
    assert left == []
    # Nothing left, seen without the lab's own bookkeeping: processes, mounts, cgroups.
    assert [pid for pid in pids if Path(f"/proc/{pid}").exists()] == []
    assert _mounts_under(STATE_DIR) == []
    assert cgroups.leftovers() == []
    assert not scale.INVENTORY_OUT.exists()
    for index in range(1, COUNT + 1):
        name = scale.host_name(index)
        assert not network.netns_exists(network.netns_name(name))
        assert not network.link_exists(network.veth_name(name))
    assert runner.status()["status"] == "down"
    if previous:
        runner.up([code for code in previous if code != scale.CODE])
