"""The delegation register (hisguard_portal_accounts): every field is read and validated, an old
register still loads, and each malformed field is one line naming the account and the field."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from hisguard.scanners.errors import InventoryError
from hisguard.scanners.inventory import load_inventory
from hisguard.scanners.portal_register import Decision, Review
from tests.entry_point import hisguard

FULL = {
    "name": "egw-his",
    "username": "75901_BV",
    "holder": "Trần Văn Minh",
    "department": "Phòng Công nghệ thông tin",
    "holder_id": "079190001234",
    "purpose": "HIS gửi hồ sơ XML",
    "scope": ["lookup", "claims"],
    "allowed_hosts": ["app1"],
    "decision": {"number": "15/QĐ-BV", "date": "2025-01-10", "signer": "Giám đốc Lê Thị Hoa"},
    "granted": "2025-01-15",
    "revoked": "2025-06-01",
    "status": "revoked",
    "held_at": "his_server",
    "review": {"date": "2025-06-01", "reviewer": "Phạm Quốc Bảo", "outcome": "revoked"},
    "password_changed": "2025-06-02",
}


def _write(tmp_path: Path, accounts: list[dict[str, object]]) -> Path:
    data = {
        "all": {
            "children": {
                "facility_75901": {
                    "vars": {
                        "facility_name": "Bệnh viện Thử",
                        "facility_networks": ["198.18.0.0/24"],
                        "hisguard_portal_accounts": accounts,
                    },
                    "hosts": {"app1": {"ansible_host": "198.18.0.10"}},
                }
            }
        }
    }
    path = tmp_path / "hosts.yml"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")  # JSON is YAML
    return path


def test_every_field_is_read(tmp_path: Path) -> None:
    account = load_inventory([_write(tmp_path, [FULL])]).facility("75901").portal_accounts[0]
    assert account.holder == "Trần Văn Minh" and account.department == "Phòng Công nghệ thông tin"
    assert account.holder_id == "079190001234"
    assert account.scope == ("lookup", "claims")
    assert account.decision == Decision("15/QĐ-BV", date(2025, 1, 10), "Giám đốc Lê Thị Hoa")
    assert account.granted == date(2025, 1, 15) and account.revoked == date(2025, 6, 1)
    assert account.status == "revoked" and account.is_revoked
    assert account.held_at == "his_server"
    assert account.review == Review(date(2025, 6, 1), "Phạm Quốc Bảo", "revoked")
    assert account.last_review == date(2025, 6, 1)
    assert account.password_changed == date(2025, 6, 2)
    assert account.missing == ()


def test_an_old_register_loads_and_lists_what_it_lacks(tmp_path: Path) -> None:
    old = {
        "username": "75901_BV",
        "holder": "Phòng CNTT",
        "allowed_hosts": ["app1"],
        "reviewed": "2025-03-01",
    }
    account = load_inventory([_write(tmp_path, [old])]).facility("75901").portal_accounts[0]
    assert account.missing == ("department", "holder_id", "scope", "decision", "status", "held_at")
    assert account.last_review == date(2025, 3, 1) and not account.is_revoked


MALFORMED = {
    "unknown field": ({"owner": "x"}, "owner: unknown field"),
    "scope not a list": ({"scope": "lookup"}, "scope: must be a non-empty list"),
    "empty scope": ({"scope": []}, "scope: must be a non-empty list"),
    "unknown scope": ({"scope": ["lookup", "root"]}, "scope: 'root' is not one of"),
    "status unknown": ({"status": "gone", "revoked": None}, "status: 'gone' is not one of"),
    "held_at unknown": ({"held_at": "usb"}, "held_at: 'usb' is not one of"),
    "holder_id with spaces": ({"holder_id": "07 91"}, "holder_id: must be a staff number"),
    "holder not text": ({"holder": ["a"]}, "holder: must be text"),
    "department multi-line": ({"department": "a\nb"}, "department: must be one line"),
    "department too long": ({"department": "x" * 201}, "department: must be one line"),
    "decision not a mapping": ({"decision": "15/QĐ"}, "decision: must be a mapping"),
    "decision without signer": (
        {"decision": {"number": "1", "date": "2025-01-01"}},
        "decision.signer: is missing",
    ),
    "decision extra key": (
        {"decision": {"number": "1", "date": "2025-01-01", "signer": "a", "seal": "x"}},
        "decision.seal: unknown field",
    ),
    "decision bad date": (
        {"decision": {"number": "1", "date": "01/01/2025", "signer": "a"}},
        "decision.date '01/01/2025' is not a date",
    ),
    "review without outcome": (
        {"review": {"date": "2025-01-01", "reviewer": "a"}},
        "review.outcome: is missing",
    ),
    "review outcome unknown": (
        {"review": {"date": "2025-01-01", "reviewer": "a", "outcome": "ok"}},
        "review.outcome: 'ok' is not one of",
    ),
    "granted not a date": ({"granted": "soon"}, "granted 'soon' is not a date"),
    "revoked before granted": ({"revoked": "2024-01-01"}, "revoked: is before granted"),
    "revoked date but active": (
        {"status": "active"},
        "status: is 'active' but the account has a revoked date",
    ),
    "revoked without date": ({"revoked": None}, "revoked: is missing"),
    "password_changed not a date": ({"password_changed": "yesterday"}, "password_changed"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_field_is_one_line_naming_account_and_field(tmp_path: Path, case: str) -> None:
    change, message = MALFORMED[case]
    account = {k: v for k, v in {**FULL, **change}.items() if v is not None}
    with pytest.raises(InventoryError) as caught:
        load_inventory([_write(tmp_path, [account])])
    text = str(caught.value)
    assert message in text and "\n" not in text
    assert "(75901_BV)" in text
    assert "yesterday" not in text or case != "password_changed not a date"  # never echoed: read as a secret


def test_the_command_exits_2_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, [{**FULL, "scope": ["everything"]}])
    code, _, err = hisguard(["inventory", "show", "-i", str(path)], monkeypatch, capsys)
    assert code == 2
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "scope: 'everything'" in err
