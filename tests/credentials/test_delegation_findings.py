"""Findings from the delegation register (C14-C18), joined with what the credential scan found."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from hisguard.scanners.credentials.rules import default_rules
from hisguard.scanners.credentials.scanner import run_local
from hisguard.scanners.findings import Finding
from hisguard.scanners.inventory import load_inventory
from tests.credentials.helpers import write

TODAY = date.today().isoformat()


def _account(name: str, username: str, **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "name": name,
        "username": username,
        "holder": "Trần Văn Minh",
        "department": "Phòng Công nghệ thông tin",
        "holder_id": "NV-0142",
        "scope": ["lookup", "claims"],
        "allowed_hosts": ["his-app-01"],
        "decision": {"number": "15/QĐ-BV", "date": "2025-01-10", "signer": "Giám đốc"},
        "granted": "2025-01-15",
        "status": "active",
        "held_at": "his_server",
        "review": {"date": TODAY, "reviewer": "Phạm Quốc Bảo", "outcome": "confirmed"},
        "password_changed": "2025-01-15",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def _scan(tmp_path: Path, accounts: list[dict[str, object]], files: dict[str, str]) -> list[Finding]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    inv = tmp_path / "hosts.yml"
    inv.write_text(
        json.dumps(
            {
                "all": {
                    "children": {
                        "facility_75901": {
                            "vars": {
                                "facility_name": "Bệnh viện Thử",
                                "facility_networks": ["198.18.0.0/24"],
                                "hisguard_portal_accounts": accounts,
                            },
                            "hosts": {"his-app-01": None, "ws-01": None},
                        }
                    }
                }
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    facility = load_inventory([inv]).facility("75901")
    tree = tmp_path / "tree"
    tree.mkdir(exist_ok=True)
    for path, text in files.items():
        write(tree, path, text)
    run = run_local(
        [str(tree)], default_rules(), facility_code="75901", host_label="ws-01", facility=facility, jobs=1
    )
    return [f for f in run.findings if f.check_id in {"C13", "C14", "C15", "C16", "C17", "C18"}]


def _ids(findings: list[Finding]) -> dict[str, list[str]]:
    by_id: dict[str, list[str]] = {}
    for finding in findings:
        by_id.setdefault(finding.check_id, []).append(finding.details.get("account", ""))
    return by_id


def test_a_complete_fresh_register_is_quiet(tmp_path: Path) -> None:
    assert _scan(tmp_path, [_account("egw-his", "75901_BV")], {}) == []


def test_no_decision_is_c14_and_an_old_entry_is_c18(tmp_path: Path) -> None:
    old = {"name": "cu", "username": "75901_CU", "holder": "Phòng CNTT", "reviewed": TODAY}
    found = _ids(_scan(tmp_path, [_account("egw-his", "75901_BV", decision=None), old], {}))
    assert sorted(found["C14"]) == ["cu", "egw-his"]
    assert found["C18"] == ["cu"]
    c18 = next(f for f in _scan(tmp_path, [old], {}) if f.check_id == "C18")
    assert c18.details["missing"] == ["department", "holder_id", "scope", "status", "held_at"]


def test_a_revoked_account_found_in_a_file_is_c15(tmp_path: Path) -> None:
    revoked = _account(
        "cu", "75901_XN01", status="revoked", revoked="2025-02-28", password_changed="2025-03-03"
    )
    env = "BHXH_EGW_USERNAME=75901_XN01\nBHXH_EGW_PASSWORD=Kq7!mz29xw\n"
    findings = _scan(tmp_path, [revoked], {"home/ketoan/.env": env})
    by_id = _ids(findings)
    assert by_id.get("C15") == ["cu"] and "C17" not in by_id
    c15 = next(f for f in findings if f.check_id == "C15")
    assert c15.details["hosts"] == ["ws-01"]
    assert "Kq7!mz29xw" not in json.dumps([f.to_dict() for f in findings], ensure_ascii=False)
    # Not found anywhere: no C15.
    assert "C15" not in _ids(_scan(tmp_path / "quiet", [revoked], {}))


def test_a_revoked_account_whose_password_was_not_changed_since_is_c17(tmp_path: Path) -> None:
    before = _account(
        "cu", "75901_XN01", status="revoked", revoked="2025-02-28", password_changed="2025-01-15"
    )
    never = _account("cu2", "75901_XN02", status="revoked", revoked="2025-02-28", password_changed=None)
    found = _ids(_scan(tmp_path, [before, never], {}))
    assert sorted(found["C17"]) == ["cu", "cu2"]
    assert "C13" not in found  # a revoked account is not due for review


def test_one_person_across_departments_is_c16_unless_an_administrator(tmp_path: Path) -> None:
    lab = _account("xn", "75901_XN", department="Khoa Xét nghiệm")
    found = _scan(tmp_path, [_account("egw-his", "75901_BV"), lab], {})
    c16 = [f for f in found if f.check_id == "C16"]
    assert len(c16) == 1
    assert c16[0].details["departments"] == ["Khoa Xét nghiệm", "Phòng Công nghệ thông tin"]
    admin = [
        _account("egw-his", "75901_BV", scope=["admin", "lookup"]),
        _account("xn", "75901_XN", department="Khoa Xét nghiệm", scope=["admin"]),
    ]
    assert not [f for f in _scan(tmp_path / "admin", admin, {}) if f.check_id == "C16"]
    other = _account(
        "xn", "75901_XN", department="Khoa Xét nghiệm", holder="Bùi Thị Thu", holder_id="NV-0088"
    )
    assert not [
        f
        for f in _scan(tmp_path / "two", [_account("egw-his", "75901_BV"), other], {})
        if f.check_id == "C16"
    ]


def test_an_overdue_review_reads_the_review_record(tmp_path: Path) -> None:
    stale = _account(
        "egw-his", "75901_BV", review={"date": "2020-01-01", "reviewer": "a", "outcome": "confirmed"}
    )
    found = _scan(tmp_path, [stale], {})
    assert [f.details["reviewed"] for f in found if f.check_id == "C13"] == ["2020-01-01"]
