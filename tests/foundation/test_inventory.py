"""The inventory model: ansible-core reads, hisguard validates; every malformed case is one line."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hisguard.scanners.errors import InventoryError
from hisguard.scanners.inventory import Secret, load_inventory

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "inventories" / "example"
EXAMPLE_VAULT = EXAMPLE / "vault-password.example.txt"
# Each facility's portal passwords are in its own vault.
EXAMPLE_IDS = tuple(f"{code}@{EXAMPLE / f'vault-{code}.example.txt'}" for code in ("75001", "75123"))


def test_example_inventory_loads_two_facilities_with_their_hosts() -> None:
    inv = load_inventory([EXAMPLE / "hosts.yml"], str(EXAMPLE_VAULT))
    assert sorted(inv.facilities) == ["75001", "75123"]
    hospital = inv.facility("75001")
    assert hospital.name == "Bệnh viện Đa khoa tỉnh Đồng Nai (ví dụ)"
    assert hospital.province == "Đồng Nai"
    assert [str(n) for n in hospital.networks] == ["192.0.2.0/24"]
    assert [str(n) for n in hospital.scan_exclude] == ["192.0.2.192/26"]
    assert [str(n) for n in hospital.management_networks] == ["192.0.2.5/32"]
    names = [h.name for h in hospital.hosts]
    assert names == sorted(names) and "bvdk-his-01" in names and "ttyt-his-01" not in names
    his = hospital.host("bvdk-his-01")
    assert his.address == "192.0.2.10" and his.port == 22 and his.user == "quantri"
    assert "his_servers" in his.groups
    assert his.allowed_tcp_ports == (22, 443)
    assert hospital.host("bvdk-db-01").allowed_tcp_ports == (22, 5432)


def test_vault_values_decrypt_and_stay_hidden() -> None:
    inv = load_inventory([EXAMPLE / "hosts.yml"], str(EXAMPLE_VAULT), EXAMPLE_IDS)
    account = inv.facility("75001").portal_accounts[0]
    assert account.username == "75001_BV"
    assert account.allowed_hosts == ("bvdk-his-01", "bvdk-his-02")
    assert isinstance(account.password, Secret)
    assert account.password.reveal() == "Vi-du-Egw-75001"
    host = inv.facility("75001").host("bvdk-his-01")
    assert host.become_password is not None and host.become_password.reveal() == "Vi-du-sudo-2026!"
    # Neither repr nor str of anything the model holds shows the value.
    assert "Vi-du" not in repr(account) and "Vi-du" not in repr(host) and "Vi-du" not in str(inv)


def test_vault_secrets_from_ansibles_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANSIBLE_VAULT_PASSWORD_FILE", str(EXAMPLE_VAULT))
    monkeypatch.setenv("ANSIBLE_VAULT_IDENTITY_LIST", EXAMPLE_IDS[1])
    inv = load_inventory([EXAMPLE / "hosts.yml"])
    password = inv.facility("75123").portal_accounts[0].password
    assert password is not None and password.reveal() == "Vi-du-Egw-75123"
    become = inv.facility("75123").host("ttyt-his-01").become_password
    assert become is not None and become.reveal() == "Vi-du-sudo-2026!"


def test_select_and_limit() -> None:
    inv = load_inventory([EXAMPLE / "hosts.yml"], str(EXAMPLE_VAULT))
    assert [f.code for f in inv.select(None)] == ["75001", "75123"]
    assert {h.name for h in inv.hosts("75001", "his_servers")} == {"bvdk-his-01", "bvdk-his-02"}
    assert {h.name for h in inv.hosts(None, "*-his-*:!bvdk-his-02")} == {"bvdk-his-01", "ttyt-his-01"}
    with pytest.raises(InventoryError, match="matches no host"):
        inv.hosts("75001", "nothing-like-this")


def test_unknown_facility_is_one_line() -> None:
    inv = load_inventory([EXAMPLE / "hosts.yml"], str(EXAMPLE_VAULT))
    with pytest.raises(InventoryError, match=r"no facility 12345 .*known: 75001, 75123"):
        inv.facility("12345")
    with pytest.raises(InventoryError, match="not 5 digits"):
        inv.facility("7500")


GOOD_FACILITY = """\
    facility_75901:
      vars:
        facility_code: "75901"
        facility_name: "Bệnh viện Thử"
        facility_networks: ["198.18.0.0/24"]
      children:
        his_servers:
          hosts:
            app1: {ansible_host: 198.18.0.10}
"""

MALFORMED = {
    "yaml syntax": ("all:\n  children: [\n", "not a valid inventory"),
    "bad facility code": (
        "all:\n  children:\n" + GOOD_FACILITY.replace("facility_75901:", "facility_7590:"),
        "facility code must be 5 digits",
    ),
    "code mismatch": (
        "all:\n  children:\n" + GOOD_FACILITY.replace('facility_code: "75901"', 'facility_code: "75902"'),
        "does not match group facility_75901",
    ),
    "host in no facility": (
        "all:\n  hosts:\n    stray: {}\n  children:\n" + GOOD_FACILITY,
        "host stray is in no facility group",
    ),
    "bad cidr": (
        "all:\n  children:\n" + GOOD_FACILITY.replace("198.18.0.0/24", "198.18.0.300/24"),
        "is not a valid CIDR",
    ),
    "host bits set": (
        "all:\n  children:\n" + GOOD_FACILITY.replace("198.18.0.0/24", "198.18.0.5/24"),
        "is not a valid CIDR",
    ),
    "no name": (
        "all:\n  children:\n" + GOOD_FACILITY.replace('facility_name: "Bệnh viện Thử"', "other: 1"),
        "has no facility_name",
    ),
    "no facility group": ("all:\n  hosts:\n    lonely: {}\n", "no facility group"),
    "bad port": (
        "all:\n  children:\n"
        + GOOD_FACILITY.replace(
            "facility_networks:", "hisguard_allowed_tcp_ports: [22, 70000]\n        facility_networks:"
        ),
        "70000 is out of range",
    ),
    "two facilities": (
        "all:\n  children:\n"
        + GOOD_FACILITY
        + GOOD_FACILITY.replace("75901", "75902").replace("his_servers:", "db_servers:"),
        "host app1 is in two facilities",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_inventory_gives_one_line_naming_the_file(case: str, tmp_path: Path) -> None:
    text, expected = MALFORMED[case]
    path = tmp_path / "hosts.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(InventoryError) as info:
        load_inventory([path])
    message = str(info.value)
    assert expected in message
    assert "hosts.yml" in message
    assert "\n" not in message


def test_bad_cidr_in_group_vars_names_that_file(tmp_path: Path) -> None:
    (tmp_path / "hosts.yml").write_text(
        "all:\n  children:\n    facility_75901:\n      hosts:\n        app1: {}\n", encoding="utf-8"
    )
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "facility_75901.yml").write_text(
        'facility_name: "Trạm Y tế"\nfacility_networks: ["10.0.0.0/33"]\n', encoding="utf-8"
    )
    with pytest.raises(InventoryError, match=r"facility_75901\.yml.*10\.0\.0\.0/33"):
        load_inventory([tmp_path / "hosts.yml"])


def test_missing_inventory_and_vault_file(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="inventory not found"):
        load_inventory([tmp_path / "nope.yml"])
    with pytest.raises(InventoryError, match="vault password file not found"):
        load_inventory([EXAMPLE / "hosts.yml"], str(tmp_path / "no-vault.txt"))


def test_wrong_vault_password_loads_and_its_values_are_one_line_errors(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not-the-password\n", encoding="utf-8")
    inv = load_inventory([EXAMPLE / "hosts.yml"], str(wrong))
    become = inv.facility("75001").host("bvdk-his-01").become_password
    assert become is not None and not become.available
    with pytest.raises(InventoryError, match="ansible_become_password is in vault 'default'") as caught:
        become.reveal()
    assert "\n" not in str(caught.value) and "Vi-du" not in str(caught.value)


def test_cli_bad_inventory_exits_2_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "hosts.yml"
    path.write_text(textwrap.dedent(MALFORMED["bad cidr"][0]), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "hisguard", "inventory", "show", "-i", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hisguard: error: ") and "CIDR" in lines[0]
    assert "Traceback" not in result.stderr
