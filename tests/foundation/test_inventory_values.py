"""Inventory values that used to load and give wrong results (issue 13 item 10), and host names
that are not text (item 7): each is now a one-line error or a warning."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hisguard.scanners.errors import InventoryError
from hisguard.scanners.inventory import load_inventory

FACILITY = """\
all:
  children:
    facility_75901:
      vars:
        facility_name: "Bệnh viện Thử"
        facility_networks: ["198.18.0.0/24"]
{extra_vars}
      hosts:
        app1: {{ansible_host: 198.18.0.10{host_vars}}}
"""


def inventory(tmp_path: Path, extra_vars: str = "", host_vars: str = "", name: str = "hosts.yml") -> Path:
    path = tmp_path / name
    indented = "\n".join("        " + line for line in extra_vars.splitlines())
    path.write_text(FACILITY.format(extra_vars=indented, host_vars=host_vars), encoding="utf-8")
    return path


ACCOUNT = "{username: 75901_BV, allowed_hosts: [app1]}"

REFUSED = {
    "allowed_hosts as one string": (
        'hisguard_portal_accounts: [{username: 75901_BV, allowed_hosts: "localhost"}]',
        "",
        "allowed_hosts must be a list of host names",
    ),
    "the whole address space": ('facility_networks: ["0.0.0.0/0"]', "", "0.0.0.0/0 is wider than /8"),
    "an IPv6 default route": ('facility_networks: ["::/0"]', "", "::/0 is wider than /32"),
    "exclude outside the networks": (
        'facility_scan_exclude: ["10.1.0.0/16"]',
        "",
        "facility_scan_exclude 10.1.0.0/16 is not inside facility_networks",
    ),
    "review period zero": ("hisguard_review_period_months: 0", "", "must be 1 to 120 months"),
    "review period negative": ("hisguard_review_period_months: -3", "", "must be 1 to 120 months"),
    "duplicate account": (
        f"hisguard_portal_accounts: [{ACCOUNT}, {ACCOUNT}]",
        "",
        "username '75901_BV' is listed twice",
    ),
    "port zero": ("", ", ansible_port: 0", "ansible_port 0 is not a port (1-65535)"),
    "port too big": ("", ", ansible_port: 70000", "ansible_port 70000 is not a port"),
    "port negative": ("", ", ansible_port: -22", "ansible_port -22 is not a port"),
    "port infinite": ("", ", ansible_port: .inf", "ansible_port is not a number"),
    "review period infinite": ("hisguard_review_period_months: .inf", "", "is not a number"),
    "allowed port not a number": ("hisguard_allowed_tcp_ports: [.nan]", "", "is not a port"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_wrong_values_are_one_line_errors(case: str, tmp_path: Path) -> None:
    extra, host, expected = REFUSED[case]
    if extra.startswith("facility_networks"):
        path = tmp_path / "hosts.yml"
        text = FACILITY.format(extra_vars="", host_vars=host).replace(
            'facility_networks: ["198.18.0.0/24"]', extra
        )
        path.write_text(text, encoding="utf-8")
    else:
        path = inventory(tmp_path, extra, host)
    with pytest.raises(InventoryError) as caught:
        load_inventory([path])
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_a_port_left_out_is_22_and_good_values_still_load(tmp_path: Path) -> None:
    path = inventory(
        tmp_path,
        "hisguard_review_period_months: 3\nfacility_scan_exclude: [198.18.0.192/26]\n"
        f"hisguard_portal_accounts: [{ACCOUNT}]",
    )
    inv = load_inventory([path])
    facility = inv.facility("75901")
    assert facility.host("app1").port == 22 and facility.review_period_months == 3
    assert facility.portal_accounts[0].allowed_hosts == ("app1",)
    assert inv.warnings == ()


def test_one_facility_in_two_sources_with_different_networks_is_refused(tmp_path: Path) -> None:
    first = inventory(tmp_path, name="a.yml")
    second = tmp_path / "b.yml"
    second.write_text(
        'all:\n  children:\n    facility_75901:\n      vars:\n        facility_networks: ["198.18.1.0/24"]\n',
        encoding="utf-8",
    )
    with pytest.raises(InventoryError, match=r"b\.yml: facility_75901: facility_networks is also set"):
        load_inventory([first, second])
    # The same facility split over two sources without a disagreement is fine.
    second.write_text(
        "all:\n  children:\n    facility_75901:\n      hosts:\n        app2: {ansible_host: 198.18.0.11}\n",
        encoding="utf-8",
    )
    assert {h.name for h in load_inventory([first, second]).facility("75901").hosts} == {"app1", "app2"}


def test_typo_keys_and_hosts_outside_the_networks_are_warnings(tmp_path: Path) -> None:
    path = tmp_path / "hosts.yml"
    path.write_text(
        FACILITY.format(extra_vars="        hisguard_review_period_month: 3", host_vars="")
        + "        app2: {ansible_host: 192.0.2.7}\n"
        + "        app3: {ansible_host: localhost}\n",
        encoding="utf-8",
    )
    inv = load_inventory([path])
    warnings = "\n".join(inv.warnings)
    assert (
        "unknown variable hisguard_review_period_month (did you mean hisguard_review_period_months?)"
        in warnings
    )
    assert "host app2: address 192.0.2.7 is outside the facility's networks (198.18.0.0/24)" in warnings
    assert "host app3: name 'localhost' resolves to 127.0.0.1 is outside" in warnings
    assert "app1" not in warnings
    assert len(inv.warnings) == 3
    done = subprocess.run(
        [sys.executable, "-m", "hisguard", "inventory", "show", "-i", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0
    assert [line.split(":")[0] for line in done.stderr.splitlines()] == ["hisguard"] * 3
    assert all(line.startswith("hisguard: warning: ") for line in done.stderr.splitlines())


def test_a_host_name_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "hosts.ini"
    path.write_bytes(
        b"[facility_75901]\nh\xff\x1b ansible_host=198.18.0.10\n"
        b'[facility_75901:vars]\nfacility_name=T\nfacility_networks=["198.18.0.0/24"]\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "hisguard", "inventory", "show", "-i", str(path), "--format", "json"],
        capture_output=True,
        timeout=300,
        check=False,
        env={"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"},
    )
    lines = done.stderr.decode("utf-8").strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr[-300:]
    assert "host name 'h\\xff\\x1b' holds bytes that are not UTF-8" in lines[0]
