"""A small two-facility inventory like the lab's (no vault), written into a test directory."""

from __future__ import annotations

from pathlib import Path

HOSTS = """\
all:
  children:
    facility_75901:
      hosts:
        his-app-01: {ansible_host: 198.18.0.10}
        ws-01: {ansible_host: 198.18.0.21}
        ws-02: {ansible_host: 198.18.0.22}
    facility_75902:
      hosts:
        his-app-02: {ansible_host: 198.18.1.10}
    his_servers:
      hosts:
        his-app-01:
        his-app-02:
    workstations:
      hosts:
        ws-01:
        ws-02:
"""

FACILITY = """\
facility_name: "{name}"
facility_province: "Đồng Nai"
facility_networks: ["{network}"]
"""


def write_inventory(root: Path, facility_vars: dict[str, str] | None = None) -> Path:
    """``root/inv`` with hosts.yml and group_vars; ``facility_vars`` adds YAML to a facility's vars."""
    inv = root / "inv"
    (inv / "group_vars").mkdir(parents=True)
    (inv / "hosts.yml").write_text(HOSTS, encoding="utf-8")
    facilities = {
        "75901": ("Bệnh viện Đa khoa Lab Đồng Nai", "198.18.0.0/24"),
        "75902": ("Trung tâm Y tế Lab Huyện Long Thành", "198.18.1.0/24"),
    }
    for code, (name, network) in facilities.items():
        text = FACILITY.format(name=name, network=network)
        text += (facility_vars or {}).get(code, "")
        (inv / "group_vars" / f"facility_{code}.yml").write_text(text, encoding="utf-8")
    return inv
