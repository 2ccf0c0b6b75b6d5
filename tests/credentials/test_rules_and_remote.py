"""Extra rules files, the remote collector over a transport, and a host that fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from hisguard.scanners.credentials.remote import collect_remote
from hisguard.scanners.credentials.rules import default_rules, load_rules
from hisguard.scanners.errors import CatalogError
from hisguard.scanners.transport import LocalTransport
from tests.credentials.helpers import spots, write


def test_catalog_metadata_is_complete() -> None:
    rules = default_rules()
    for check_id in [f"C{n:02d}" for n in range(1, 14)] + ["D01", "D02", "D03"]:
        meta = rules.check(check_id)
        assert meta.title.vi and meta.title.en and meta.remediation.text.vi


def test_vendor_key_names_from_a_rules_file(tmp_path: Path) -> None:
    write(tmp_path, "tree/his.cfg", "MatKhauCongBH=Vd4!kk81\n")
    assert spots(tmp_path / "tree") == set()
    extra = write(tmp_path, "vendor.yml", "detection:\n  portal_keys:\n    password: [MatKhauCongBH]\n")
    rules = load_rules([extra])
    assert spots(tmp_path / "tree", rules) == {("his.cfg", 1, "password")}


def test_bad_rules_file_is_one_error(tmp_path: Path) -> None:
    extra = write(tmp_path, "bad.yml", "detection:\n  portal_keys:\n    secretsauce: [x]\n")
    with pytest.raises(CatalogError, match=r"bad\.yml"):
        load_rules([extra])


def test_remote_collection_brings_back_candidates_only(tmp_path: Path) -> None:
    write(tmp_path, "etc/his/.env", "BHXH_EGW_USERNAME=75901_BV\nBHXH_EGW_PASSWORD=Rm0!te55\n")
    write(tmp_path, "var/log/big.log", "nothing to see here\n" * 5000)
    transport = LocalTransport("test-host")
    result = collect_remote(
        transport, "test-host", default_rules(), [str(tmp_path)], max_bytes=1 << 20, budget=60, sudo=False
    )
    secrets = [o for o in result.observations if o.kind == "secret"]
    assert [(Path(o.path).name, o.line) for o in secrets] == [(".env", 2)]
    assert result.stats["files"] == 2 and not result.errors


def test_unreachable_host_is_a_scan_error(tmp_path: Path) -> None:
    from hisguard.scanners.credentials.scanner import run_facility
    from hisguard.scanners.errors import TransportError
    from hisguard.scanners.inventory import load_inventory

    inv = tmp_path / "inv"
    write(
        inv,
        "hosts.yml",
        "all:\n  children:\n    facility_75901:\n      hosts:\n"
        "        down-01: {ansible_host: 198.18.0.250}\n",
    )
    write(inv, "group_vars/facility_75901.yml", 'facility_name: "BV"\nfacility_networks: ["198.18.0.0/24"]\n')
    facility = load_inventory([inv]).facility("75901")

    def failing(*_args: object, **_kwargs: object) -> None:
        raise TransportError("down-01 (198.18.0.250:22): connection timed out")

    run = run_facility(facility, facility.hosts, [], scan_host=failing)
    assert run.hosts == () and [e.target for e in run.errors] == ["down-01"]


def test_hosts_are_scanned_side_by_side_and_reported_in_inventory_order(tmp_path: Path) -> None:
    import threading
    import time

    from hisguard.scanners.credentials.report import HostResult
    from hisguard.scanners.credentials.scanner import run_facility
    from hisguard.scanners.errors import TransportError
    from hisguard.scanners.inventory import HostTarget, load_inventory

    inv = tmp_path / "inv"
    names = [f"ws-{i:02d}" for i in range(6)]
    listed = "".join(f"        {n}: {{ansible_host: 198.18.0.{30 + i}}}\n" for i, n in enumerate(names))
    write(inv, "hosts.yml", "all:\n  children:\n    facility_75901:\n      hosts:\n" + listed)
    write(inv, "group_vars/facility_75901.yml", 'facility_name: "BV"\nfacility_networks: ["198.18.0.0/24"]\n')
    facility = load_inventory([inv]).facility("75901")
    lock = threading.Lock()
    active = {"now": 0, "most": 0}
    both_running = threading.Barrier(2, timeout=30)

    def scan_host(host: HostTarget, *_args: object, **_kwargs: object) -> HostResult:
        with lock:
            active["now"] += 1
            active["most"] = max(active["most"], active["now"])
        try:
            if host.name in ("ws-00", "ws-01"):
                both_running.wait()  # returns only when two hosts are being scanned at once
            if host.name == "ws-03":
                raise TransportError("ws-03: connection refused")
            time.sleep(0.01 * (6 - int(host.name[-1])))  # the first hosts finish last
            return HostResult(host=host.name)
        finally:
            with lock:
                active["now"] -= 1

    run = run_facility(facility, facility.hosts, [], scan_host=scan_host)
    assert run.hosts == ("ws-00", "ws-01", "ws-02", "ws-04", "ws-05")
    assert [e.target for e in run.errors] == ["ws-03"]
    assert active["most"] >= 2
