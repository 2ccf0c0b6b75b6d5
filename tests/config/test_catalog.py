"""The check catalog: the real one is complete and valid; a broken entry refuses to load, naming it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from hisguard.scanners.catalog import roles
from hisguard.scanners.config.catalog import CHECKS_DIR, catalog, load_checks, select
from hisguard.scanners.config.model import CheckCode, passed
from hisguard.scanners.errors import CatalogError
from hisguard.scanners.inventory import FUNCTION_GROUPS

GOOD: dict[str, Any] = {
    "id": "H02.9",
    "severity": "high",
    "title": {"vi": "SSH cho phép đăng nhập root", "en": "SSH allows root login"},
    "rationale": {
        "vi": "Tài khoản dùng chung, không biết ai đã làm gì.",
        "en": "A shared account hides who acted.",
    },
    "remediation": {"vi": "Đặt PermitRootLogin no.", "en": "Set PermitRootLogin no."},
    "fix": {"role": "ssh_hardening", "tags": ["ssh"]},
    "effect": "fixes",
    "references": ["QD-326-BYT"],
    "groups": ["his_servers"],
}


def code_for(*ids: str, needs: tuple[str, ...] = ("sshd",)) -> dict[str, CheckCode]:
    return {i: CheckCode(i, lambda host, facts: passed("x"), needs, "x") for i in ids}


def write(folder: Path, entry: dict[str, Any], name: str | None = None) -> None:
    (folder / f"{name or entry['id']}.yml").write_text(
        yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8"
    )


def refused(tmp_path: Path, entry: dict[str, Any], name: str | None = None, **kwargs: Any) -> str:
    write(tmp_path, entry, name)
    with pytest.raises(CatalogError) as info:
        load_checks(tmp_path, kwargs.get("code", code_for(name or entry["id"])))
    return str(info.value)


def test_a_good_entry_loads(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    (check,) = load_checks(tmp_path, code_for("H02.9"))
    assert check.id == "H02.9" and check.meta.remediation.role == "ssh_hardening"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"title": {"en": "SSH allows root login"}}, "title.vi is missing"),
        ({"rationale": {"vi": "", "en": "x"}}, "rationale.vi is missing"),
        ({"title": {"vi": "SSH allows root login", "en": "SSH allows root login"}}, "not Vietnamese"),
        ({"remediation": {"vi": "Đặt PermitRootLogin no.", "en": "Đặt PermitRootLogin no."}}, "copy of"),
        ({"references": ["QD-999-XYZ"]}, "unknown reference 'QD-999-XYZ'"),
        ({"fix": {"role": "ssh_magic", "tags": ["ssh"]}}, "unknown role 'ssh_magic'"),
        ({"fix": {"role": "ssh_hardening", "tags": ["firewall"]}}, "has no tag 'firewall'"),
        ({"severity": "urgent"}, "severity 'urgent'"),
        ({"groups": ["servers"]}, "unknown group 'servers'"),
        ({"groups": []}, "groups is missing"),
        ({"refrences": ["QD-326-BYT"]}, "unknown key 'refrences'"),
    ],
)
def test_a_broken_entry_is_refused_naming_the_check(
    tmp_path: Path, change: dict[str, Any], reason: str
) -> None:
    message = refused(tmp_path, {**GOOD, **change})
    assert "check H02.9" in message and reason in message


def test_an_id_that_does_not_match_the_file_name_is_refused(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD, name="H02.8")
    assert "check H02.8" in message and "id H02.9 does not match its file name H02.8" in message


def test_a_file_name_that_is_not_a_check_id_is_refused(tmp_path: Path) -> None:
    assert "not a check id" in refused(tmp_path, GOOD, name="ssh-root")


def test_metadata_without_code_and_code_without_metadata_are_refused(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    with pytest.raises(CatalogError, match=r"check H02\.9 .*no code registered"):
        load_checks(tmp_path, {})
    with pytest.raises(CatalogError, match=r"check H02\.7: code registered but H02\.7\.yml is missing"):
        load_checks(tmp_path, code_for("H02.9", "H02.7"))


def test_code_reading_an_unknown_fact_section_is_refused(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    with pytest.raises(CatalogError, match=r"check H02\.9 .*unknown fact sections \['sshd_config'\]"):
        load_checks(tmp_path, code_for("H02.9", needs=("sshd_config",)))


def test_the_real_catalog_is_valid_and_ids_equal_file_names() -> None:
    checks = catalog()
    files = sorted(p.stem for p in CHECKS_DIR.glob("*.yml"))
    assert sorted(c.id for c in checks) == files
    assert len(checks) >= 30


def test_the_real_catalog_covers_every_host_family_of_the_issue() -> None:
    families = {c.family for c in catalog()}
    assert families >= {"H01", "H02", "H03", "H05", "H06", "H07", "H08", "H09", "H10", "H12", "H13", "H14"}


# Which role fixes each family (scanners/catalog/roles.yml); H12.3 and H14 are manual.
EXPECTED_ROLES = {
    "H01": "workstation",
    "H02": "ssh_hardening",
    "H03": "database",
    "H05": "accounts",
    "H06": "accounts",
    "H07": None,  # accounts (TMOUT) or workstation (screen lock), checked below
    "H08": "audit_logging",
    "H09": "audit_logging",
    "H10": "firewall",
    "H12": "patch_baseline",
    "H13": "credential_store",
    "H14": None,
}


def test_each_check_names_the_role_and_tags_that_fix_it() -> None:
    known = roles()
    by_id = {c.id: c for c in catalog()}
    for check in by_id.values():
        role, tags = check.meta.remediation.role, check.meta.remediation.tags
        expected = EXPECTED_ROLES[check.family]
        if expected is not None and check.id != "H12.3":
            assert role == expected, check.id
        if role is not None:
            assert tags and all(tag in known[role] for tag in tags), check.id
    assert by_id["H07.1"].meta.remediation.role == "accounts"
    assert by_id["H07.2"].meta.remediation.tags == ("screen_lock",)
    assert by_id["H12.3"].meta.remediation.role is None
    assert all(by_id[i].meta.remediation.role is None for i in ("H14.1", "H14.2"))


def test_groups_screen_lock_is_for_workstations_only() -> None:
    by_id = {c.id: c for c in catalog()}
    assert by_id["H07.2"].meta.groups == ("workstations",)
    assert by_id["H07.2"].applies_to(("facility_75901", "workstations"))
    assert not by_id["H07.2"].applies_to(("facility_75901", "his_servers"))
    # A host in no function group gets only the checks meant for every group.
    assert not by_id["H07.2"].applies_to(("facility_75901",))
    assert by_id["H02.1"].applies_to(("facility_75901",))
    assert set(by_id["H02.1"].meta.groups) == set(FUNCTION_GROUPS)


def test_select_by_id_family_role_and_tags() -> None:
    checks = catalog()
    assert [c.id for c in select(checks, check_ids=["H02.1"])] == ["H02.1"]
    assert {c.family for c in select(checks, check_ids=["H10"])} == {"H10"}
    owned = select(checks, role="ssh_hardening")
    assert owned and all(c.family == "H02" for c in owned)
    sudo = select(checks, role="accounts", tags=["accounts_sudo"])
    assert [c.id for c in sudo] == ["H06.3"]
    with pytest.raises(CatalogError, match="unknown check id 'H99'"):
        select(checks, check_ids=["H99"])


def test_every_check_has_unit_tests_on_fake_hosts() -> None:
    sources = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_checks_*.py"))
    untested = [c.id for c in catalog() if f'run_check("{c.id}"' not in sources]
    assert untested == []
