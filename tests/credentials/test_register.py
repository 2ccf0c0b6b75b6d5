"""The account register: accounts identified by username or keyed digest, never by the value."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hisguard.scanners.credentials.rules import default_rules
from hisguard.scanners.credentials.scanner import run_local
from hisguard.scanners.inventory import load_inventory
from tests.credentials.helpers import write

VAULT_PASSWORD = "test-vault-password"
PORTAL_PASSWORD = "Rg7!kq2m"


def _vaulted(value: str) -> str:
    from ansible.parsing.vault import VaultLib, VaultSecret

    lib = VaultLib([("default", VaultSecret(VAULT_PASSWORD.encode()))])
    text = lib.encrypt(value).decode()
    return "!vault |\n" + "".join(f"      {line}\n" for line in text.splitlines())


def _inventory(tmp_path: Path, reviewed: str) -> Path:
    inv = tmp_path / "inv"
    write(
        inv,
        "hosts.yml",
        "all:\n  children:\n    facility_75901:\n      hosts:\n        his-app-01:\n        ws-01:\n",
    )
    write(
        inv,
        "group_vars/facility_75901.yml",
        'facility_name: "Bệnh viện Thử nghiệm"\nfacility_networks: ["198.18.0.0/24"]\n'
        "hisguard_portal_accounts:\n"
        '  - name: egw-his\n    username: "75901_BV"\n    holder: "Phòng CNTT"\n'
        f'    allowed_hosts: [his-app-01]\n    reviewed: "{reviewed}"\n'
        f"    password: {_vaulted(PORTAL_PASSWORD)}",
    )
    (tmp_path / "vault.txt").write_text(VAULT_PASSWORD)
    return inv


def test_register_findings(tmp_path: Path) -> None:
    facility = load_inventory([_inventory(tmp_path, "2020-01-01")], str(tmp_path / "vault.txt")).facility(
        "75901"
    )
    tree = tmp_path / "tree"
    md5 = hashlib.md5(PORTAL_PASSWORD.encode()).hexdigest().upper()
    # The registered password as an MD5 with no username next to it: known by keyed digest.
    write(tree, "home/ketoan/bhxh.json", '{"BHXH": {"Password": "' + md5 + '"}}\n')
    # Somebody else's portal account.
    write(tree, "home/ketoan/.env", "BHXH_EGW_USERNAME=75999_BV\nBHXH_EGW_PASSWORD=Other!123\n")
    run = run_local(
        [str(tree)], default_rules(), facility_code="75901", host_label="ws-01", facility=facility, jobs=1
    )
    by_id: dict[str, list[str]] = {}
    for finding in run.findings:
        by_id.setdefault(finding.check_id, []).append(finding.resource)
    assert any(r.endswith("bhxh.json") for r in by_id["C11"])  # registered account on ws-01
    assert any(r.endswith(".env") for r in by_id["C12"])  # 75999_BV is not registered
    assert by_id["C13"] == ["hisguard_portal_accounts/egw-his"]  # reviewed in 2020
    c11 = next(f for f in run.findings if f.check_id == "C11")
    assert c11.details["account"] == "egw-his"
    text = str([f.to_dict() for f in run.findings])
    assert PORTAL_PASSWORD not in text and md5 not in text and md5.lower() not in text


def test_allowed_host_and_fresh_review_are_quiet(tmp_path: Path) -> None:
    from datetime import date

    facility = load_inventory(
        [_inventory(tmp_path, date.today().isoformat())], str(tmp_path / "vault.txt")
    ).facility("75901")
    tree = tmp_path / "tree"
    write(tree, "opt/his/.env", f"BHXH_EGW_USERNAME=75901_BV\nBHXH_EGW_PASSWORD={PORTAL_PASSWORD}\n")
    run = run_local(
        [str(tree)],
        default_rules(),
        facility_code="75901",
        host_label="his-app-01",
        facility=facility,
        jobs=1,
    )
    ids = {f.check_id for f in run.findings}
    assert "C01" in ids
    assert not ids & {"C11", "C12", "C13"}
