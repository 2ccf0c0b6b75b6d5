"""Lab profiles, generators, vault and inventory agree with each other (no root, no lab needed)."""

from __future__ import annotations

import base64
import re
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from hisguard.lab import generators, image, vault
from hisguard.lab.errors import LabError, ProfileError
from hisguard.lab.plant import render
from hisguard.lab.profile import load_fleet

REPO = Path(__file__).resolve().parents[2]
PROFILES = REPO / "lab" / "profiles"
INVENTORY = REPO / "inventories" / "lab"
# The ids of shared/domain/checks.md.
CHECK_IDS = (
    {f"C{i:02d}" for i in range(1, 11)}
    | {f"D{i:02d}" for i in range(1, 4)}
    | {f"H{i:02d}" for i in (1, 2, 3, 5, 6, 7, 8, 9, 10, 12, 13, 14)}
    | {f"N{i:02d}" for i in range(1, 6)}  # N05: Windows protocol weaknesses (scanners/network/risks.yml)
)
VALUES = {
    "hostname": "his-app-01",
    "address": "198.18.0.10",
    "facility_code": "75901",
    "gateway": "198.18.0.1",
    "apt_port": "8990",
    "portal_username": "75901_BV",
    "portal_password": "Pw-test-1",
    "portal_md5_lower": "0" * 32,
    "portal_md5_upper": "0" * 32,
}


def test_fleet_loads_with_both_facilities() -> None:
    fleet = load_fleet()
    assert [f.code for f in fleet.facilities] == ["75901", "75902"]
    first, second = fleet.facilities
    assert first.boot_by_default and not second.boot_by_default
    assert (first.network, first.gateway, first.bridge) == ("198.18.0.0/24", "198.18.0.1", "hgbr0")
    assert (second.network, second.gateway) == ("198.18.1.0/24", "198.18.1.1")
    addresses = {h.name: h.address for h in fleet.hosts()}
    assert addresses == {
        "his-app-01": "198.18.0.10",
        "his-db-01": "198.18.0.11",
        "ws-01": "198.18.0.21",
        "ws-02": "198.18.0.22",
        "rogue-01": "198.18.0.99",
        "win-his-01": "198.18.0.41",
        "win-ws-01": "198.18.0.42",
        "win-ws-02": "198.18.0.43",
        "scan-02": "198.18.1.5",
        "his-app-02": "198.18.1.10",
    }


def test_every_planted_item_names_known_check_ids() -> None:
    fleet = load_fleet()
    for host in fleet.hosts():
        for item in fleet.planted_on(host):
            assert set(item.check_ids) <= CHECK_IDS, (host.name, item.id)


@pytest.mark.parametrize(
    ("host", "ids"),
    [
        (
            "his-app-01",
            {"C01", "C02", "C03", "C04", "C05", "C06", "C07", "D01", "D02", "D03", "H02", "H10", "H12"},
        ),
        ("his-db-01", {"H03", "N01", "N02", "C01"}),
        ("ws-01", {"H06", "H01", "N01", "C08", "C09"}),
        ("rogue-01", {"N01", "N03"}),
    ],
)
def test_the_issue_s_weaknesses_are_planted(host: str, ids: set[str]) -> None:
    fleet = load_fleet()
    found = {c for item in fleet.planted_on(fleet.host(host)) for c in item.check_ids}
    assert ids <= found


def test_clean_workstation_plants_only_the_fleet_wide_update() -> None:
    fleet = load_fleet()
    ws02 = fleet.host("ws-02")
    assert ws02.clean and ws02.planted == ()
    assert [p.id for p in fleet.planted_on(ws02)] == ["pending-security-update"]


def test_inventory_matches_the_profiles() -> None:
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader

    fleet = load_fleet()
    inventory = InventoryManager(loader=DataLoader(), sources=[str(INVENTORY / "hosts.yml")])
    listed = {h.name for h in inventory.get_hosts()}
    assert listed == {h.name for h in fleet.hosts() if h.in_inventory}
    assert "rogue-01" not in listed
    for host in fleet.hosts():
        if not host.in_inventory:
            continue
        inv_host = inventory.get_host(host.name)
        groups = {g.name for g in inv_host.get_groups()}
        assert f"facility_{host.facility}" in groups
        other = {f"facility_{f.code}" for f in fleet.facilities} - {f"facility_{host.facility}"}
        assert not groups & other, f"{host.name} is in two facilities"
        assert set(host.groups) <= groups
        assert inv_host.vars["ansible_host"] == host.address


def test_facility_vars_exclude_the_machine_and_hold_vaulted_accounts() -> None:
    fleet = load_fleet()
    for facility in fleet.facilities:
        text = (INVENTORY / "group_vars" / f"facility_{facility.code}.yml").read_text()
        data = yaml.load(text, Loader=vault._Loader)
        assert data["facility_code"] == facility.code
        assert data["facility_networks"] == [facility.network]
        assert f"{facility.gateway}/32" in data["facility_scan_exclude"]
        account = data["hisguard_portal_accounts"][0]
        assert account["username"] == f"{facility.code}_BV"
        assert "$ANSIBLE_VAULT" in account["password"]
    assert "$ANSIBLE_VAULT" in (INVENTORY / "group_vars" / "all.yml").read_text()


def test_vault_gives_the_planted_credentials() -> None:
    account = vault.portal_account("75901")
    assert account.username == "75901_BV"
    assert re.fullmatch(r"[0-9a-f]{32}", account.md5_lower) and account.md5_upper == account.md5_lower.upper()
    assert 6 <= len(account.password) <= 10  # short on purpose (check C03)
    assert vault.admin_password()


def test_render_fills_markers_and_refuses_unknown_ones() -> None:
    assert render("u=@@portal_username@@", VALUES) == "u=75901_BV"
    with pytest.raises(LabError):
        render("@@nope@@", VALUES)


def test_vite_bundle_is_one_long_line_with_the_login_inlined() -> None:
    data = generators.generate("vite_bundle", {"size_kb": 300}, VALUES)
    assert data.count(b"\n") == 1 and len(data) >= 300 * 1024
    assert b'VITE_BHXH_USERNAME:"75901_BV",VITE_BHXH_PASSWORD:"Pw-test-1"' in data
    assert data == generators.generate("vite_bundle", {"size_kb": 300}, VALUES)  # deterministic


def test_claim_export_holds_an_xml6_record(tmp_path: Path) -> None:
    data = generators.generate("claim_export", {"seed": 3, "files": ["XML1", "XML6"]}, VALUES)
    root = ET.fromstring(data)
    assert root.tag == "GIAMDINHHS"
    files = {f.findtext("LOAIHOSO"): f.findtext("NOIDUNGFILE") for f in root.iter("FILEHOSO")}
    assert set(files) == {"XML1", "XML6"}
    xml6 = ET.fromstring(base64.b64decode(files["XML6"] or ""))
    assert "HIV_AIDS" in xml6.tag and xml6.findtext("MA_BENH") == "B20"
    xml1 = ET.fromstring(base64.b64decode(files["XML1"] or ""))
    assert xml1.tag == "TONG_HOP" and len(xml1.findtext("SO_CCCD") or "") == 12


def test_login_data_is_a_real_sqlite_store_naming_the_portal(tmp_path: Path) -> None:
    path = tmp_path / "Login Data"
    path.write_bytes(generators.generate("chromium_login_data", {}, VALUES))
    db = sqlite3.connect(path)
    rows = db.execute("select origin_url, username_value, password_value from logins").fetchall()
    db.close()
    assert rows[0][0] == "https://gdbhyt.baohiemxahoi.gov.vn/"
    assert rows[0][2].startswith(b"v10") and b"Pw-test-1" not in rows[0][2]


def _write_profiles(directory: Path, host: dict[str, object], **facility: object) -> None:
    (directory / "fleet.yml").write_text("---\n{}\n")
    fac = {
        "code": "75999",
        "name": "x",
        "province": "y",
        "network": "198.18.5.0/24",
        "bridge": "hgbr5",
        "gateway": "198.18.5.1",
        **facility,
    }
    (directory / "facility-75999.yml").write_text(yaml.safe_dump({"facility": fac, "hosts": [host]}))


@pytest.mark.parametrize(
    ("host", "facility", "message"),
    [
        ({"name": "h1", "address": "198.18.5.2", "typo": 1}, {}, "unknown field"),
        ({"name": "h1", "address": "198.18.6.2"}, {}, "not a free host address"),
        ({"name": "h1", "address": "198.18.5.1"}, {}, "not a free host address"),
        ({"name": "a-very-long-name", "address": "198.18.5.2"}, {}, "at most 11"),
        (
            {"name": "h1", "address": "198.18.5.2"},
            {"network": "10.0.0.0/24", "gateway": "10.0.0.1"},
            "inside",
        ),
        (
            {
                "name": "h1",
                "address": "198.18.5.2",
                "planted": [
                    {"id": "x", "description": "d", "check_ids": ["Z9"], "kind": "file", "path": "/x"}
                ],
            },
            {},
            "check_ids",
        ),
        (
            {
                "name": "h1",
                "address": "198.18.5.2",
                "planted": [{"id": "x", "description": "d", "check_ids": ["N01"], "kind": "listener"}],
            },
            {},
            "TCP port",
        ),
        (
            {
                "name": "h1",
                "address": "198.18.5.2",
                "planted": [
                    {
                        "id": "x",
                        "description": "d",
                        "check_ids": ["C01"],
                        "kind": "file",
                        "path": "/x",
                        "source": "nowhere/file",
                    }
                ],
            },
            {},
            "not found",
        ),
    ],
)
def test_bad_profiles_fail_with_a_clear_message(
    tmp_path: Path, host: dict[str, object], facility: dict[str, object], message: str
) -> None:
    _write_profiles(tmp_path, host, **facility)
    with pytest.raises(ProfileError, match=message):
        load_fleet(tmp_path)


def test_recipe_key_follows_the_recipe(monkeypatch: pytest.MonkeyPatch) -> None:
    key = image.recipe_key()
    assert key == image.recipe_key()
    monkeypatch.setattr(image, "PACKAGES", (*image.PACKAGES, "htop"))
    assert image.recipe_key() != key


def test_mirror_comes_from_the_machine_s_apt_sources(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://mirror.invalid/debian\nSuites: bookworm bookworm-updates\n"
        "Components: main contrib\n\nTypes: deb\nURIs: http://mirror.invalid/debian-security\n"
        "Suites: bookworm-security\nComponents: main\n"
    )
    (tmp_path / "sources.list.d" / "other.list").write_text(
        "deb [arch=amd64] https://elsewhere.invalid x main\n"
    )
    entries = image.mirror_entries(tmp_path)
    assert ("http://mirror.invalid/debian", "bookworm", ("main", "contrib")) in entries
    assert {s for _, s, _ in entries} == {"bookworm", "bookworm-updates", "bookworm-security"}
    (tmp_path / "sources.list.d" / "debian.sources").unlink()
    with pytest.raises(LabError, match="no Debian bookworm"):
        image.mirror_entries(tmp_path)
