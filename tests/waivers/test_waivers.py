"""Waivers: where they are read from, what they cover, expiry, and ``hisguard waivers check``."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from hisguard.scanners.catalog import CheckMeta, ids
from hisguard.scanners.errors import CatalogError
from hisguard.scanners.findings import Remediation, Severity, Status, Text
from hisguard.scanners.inventory import load_inventory
from hisguard.scanners.output import exit_status
from hisguard.scanners.waivers import (
    Waiver,
    WaiverError,
    apply_waivers,
    load_waivers,
    read_waivers,
    today_in_vietnam,
)
from hisguard.scanners.waivers.source import WAIVERS_FILE
from tests.conftest import REPO
from tests.ingest.cli import run_cli
from tests.ingest.lab_runs import day, facility_run, finding

from .inventory import write_inventory

TODAY = date(2026, 11, 22)

WAIVER_FILE = """\
all:
  vars:
    hisguard_waivers:
      - check: H02                # the whole SSH family
        hosts: ["ws-*"]
        reason: "Máy trạm cũ cần đăng nhập mật khẩu đến khi thay thế trong quý I/2027"
        approver: "Nguyễn Văn An, Trưởng phòng CNTT"
        ticket: "CNTT-2026-118"
        expires: 2026-12-31
      - check: N01
        facility: "75901"
        hosts: his-app-01
        resources: ["tcp/5432"]
        reason: "Cơ sở dữ liệu chỉ mở cho máy HIS; tường lửa mạng chặn phần còn lại"
        approver: "Trần Thị Bình, Phó Giám đốc"
        expires: "2026-11-01"
"""


def waiver(check: str = "H02", **changes: object) -> Waiver:
    base = Waiver(check=check, reason="Lý do", approver="Người duyệt", expires=date(2026, 12, 31))
    return replace(base, **changes)  # type: ignore[arg-type]


# --- what a waiver covers ------------------------------------------------------------------------


def test_family_id_covers_sub_checks_but_not_a_longer_id() -> None:
    family = waiver("H02")
    assert family.covers_check("H02") and family.covers_check("H02.1") and family.covers_check("H02-root")
    assert not family.covers_check("H021") and not family.covers_check("H03")
    exact = waiver("H02.1")
    assert exact.covers_check("H02.1") and not exact.covers_check("H02.2") and not exact.covers_check("H02")


def test_apply_marks_only_covered_failing_findings_waived() -> None:
    run = facility_run("75901", day(1), problems={"ws-01": (2, 3), "his-app-01": (2, 5)})
    passed = finding("75901", "ws-02", 2, status=Status.PASS)
    run = replace(run, findings=(*run.findings, passed))
    result = apply_waivers(run, [waiver("H02", hosts=("ws-*",), ticket="CNTT-1")], TODAY)

    by_key = {(f.host, f.check_id): f for f in result.findings}
    assert by_key["ws-01", "H02.1"].status == Status.WAIVED
    assert by_key["ws-01", "H02.2"].status == Status.WAIVED
    assert by_key["ws-01", "H02.1"].details["waiver"] == {
        "reason": "Lý do",
        "approver": "Người duyệt",
        "ticket": "CNTT-1",
        "expires": "2026-12-31",
    }
    assert by_key["his-app-01", "H02.1"].status == Status.FAIL  # host outside the waiver's globs
    assert by_key["his-app-01", "N01"].status == Status.FAIL
    assert by_key["ws-02", "H02.1"].status == Status.PASS  # never touched
    # Waived findings keep their place, fingerprint and everything else.
    assert [f.fingerprint for f in result.findings] == [f.fingerprint for f in run.findings]
    assert result.id == run.id and result.errors == run.errors


def test_resource_and_facility_scope() -> None:
    run = facility_run("75901", day(1), problems={"his-app-01": (5, 0)})
    other = facility_run("75902", day(1), problems={"his-app-02": (5,)})
    narrow = waiver("N01", facility="75901", resources=("tcp/5432",))
    assert {f.check_id: f.status for f in apply_waivers(run, [narrow], TODAY).findings} == {
        "N01": Status.WAIVED,
        "C01": Status.FAIL,
    }
    assert apply_waivers(other, [narrow], TODAY).findings[0].status == Status.FAIL
    wrong_port = waiver("N01", resources=("tcp/3306",))
    assert all(f.status == Status.FAIL for f in apply_waivers(run, [wrong_port], TODAY).findings)


def test_expiry_day_is_covered_and_the_day_after_is_open_again() -> None:
    run = facility_run("75901", day(1), problems={"ws-01": (2,)})
    ends = waiver("H02.1", expires=TODAY, ticket="CNTT-7")
    assert apply_waivers(run, [ends], TODAY).findings[0].status == Status.WAIVED
    lapsed = apply_waivers(run, [ends], TODAY + timedelta(days=1)).findings[0]
    assert lapsed.status == Status.FAIL
    assert lapsed.details["waiver_expired"]["expires"] == TODAY.isoformat()
    assert "waiver" not in lapsed.details
    # An expired waiver never hides the finding from the exit status.
    assert exit_status([replace(run, findings=(lapsed,))], Severity.HIGH) == 1


def test_a_current_waiver_wins_over_a_lapsed_one_and_the_longest_wins() -> None:
    run = facility_run("75901", day(1), problems={"ws-01": (2,)})
    old = waiver("H02", expires=TODAY - timedelta(days=30), ticket="OLD")
    short = waiver("H02.1", expires=TODAY + timedelta(days=10), ticket="SHORT")
    long = waiver("H02", expires=TODAY + timedelta(days=90), ticket="LONG")
    result = apply_waivers(run, [old, short, long], TODAY).findings[0]
    assert result.status == Status.WAIVED and result.details["waiver"]["ticket"] == "LONG"


def test_waived_findings_do_not_fail_the_scan() -> None:
    run = facility_run("75901", day(1), problems={"ws-01": (2, 3)})
    assert exit_status([run], Severity.HIGH) == 1
    assert exit_status([apply_waivers(run, [waiver("H02")], TODAY)], Severity.HIGH) == 0


def test_today_is_the_vietnamese_calendar_day() -> None:
    from datetime import UTC

    # 18:30 UTC on 31 December is already 1 January in Hà Nội (UTC+7).
    assert today_in_vietnam(datetime(2026, 12, 31, 18, 30, tzinfo=UTC)) == date(2027, 1, 1)


# --- where waivers come from --------------------------------------------------------------------


def test_file_beside_a_file_inventory_and_the_facility_variable_add_up(tmp_path: Path) -> None:
    variable = """\
hisguard_waivers:
  - check: C01
    hosts: his-app-02
    reason: "Hệ thống cũ, nhà cung cấp HIS sửa trong bản cập nhật tháng 12"
    approver: "Lê Văn Cường"
    expires: 2027-01-15
"""
    inv = write_inventory(tmp_path, {"75902": variable})
    (inv / WAIVERS_FILE).write_text(WAIVER_FILE, encoding="utf-8")
    hosts_file = inv / "hosts.yml"
    found = load_waivers([hosts_file], load_inventory([hosts_file]))
    assert [(w.check, w.facility) for w in found] == [("H02", None), ("N01", "75901"), ("C01", "75902")]
    assert found[0].hosts == ("ws-*",) and found[0].ticket == "CNTT-2026-118"
    assert found[1].expires == date(2026, 11, 1) and found[1].resources == ("tcp/5432",)
    assert found[2].facility == "75902"  # the facility whose variable it is


def test_file_inside_a_directory_inventory_is_read_once_and_ansible_accepts_it(tmp_path: Path) -> None:
    inv = write_inventory(tmp_path)
    (inv / WAIVERS_FILE).write_text(WAIVER_FILE, encoding="utf-8")
    # hisguard's inventory reader leaves the file to the waiver reader (which names it in errors);
    # ansible-playbook parses it too, as an inventory variable, without a warning.
    inventory = load_inventory([inv])
    assert "hisguard_waivers" not in inventory.facility("75901").settings
    found = load_waivers([inv], inventory)
    assert [w.check for w in found] == ["H02", "N01"]  # not twice
    listed = subprocess.run(
        [str(REPO / ".venv" / "bin" / "ansible-inventory"), "-i", str(inv), "--list"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "WARNING" not in listed.stderr and "hisguard_waivers" in listed.stdout


def test_no_waivers_anywhere_is_an_empty_list(tmp_path: Path) -> None:
    inv = write_inventory(tmp_path)
    assert load_waivers([inv], load_inventory([inv])) == []


def test_a_broken_waiver_stops_loading_with_one_line(tmp_path: Path) -> None:
    inv = write_inventory(tmp_path)
    (inv / WAIVERS_FILE).write_text(
        "all:\n  vars:\n    hisguard_waivers:\n      - check: H02\n        expires: 2027-01-01\n",
        encoding="utf-8",
    )
    with pytest.raises(WaiverError) as caught:
        load_waivers([inv], load_inventory([inv]))
    message = str(caught.value)
    assert "\n" not in message
    assert f"{inv / WAIVERS_FILE}: waiver 1 (H02): missing reason" in message
    assert "1 more problem" in message  # the approver is missing too


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hisguard_waivers: []\n", "expected all.vars.hisguard_waivers"),
        ("all:\n  vars:\n    hisguard_waivers: {check: H02}\n", "must be a list of waivers"),
        ("all:\n  vars:\n    hisguard_waivers: [\n", "not valid YAML at line"),
    ],
)
def test_malformed_files_are_named(tmp_path: Path, text: str, expected: str) -> None:
    inv = write_inventory(tmp_path)
    path = inv / WAIVERS_FILE
    path.write_text(text, encoding="utf-8")
    # The YAML error case breaks Ansible's own reading first: read the file beside hosts.yml only.
    _, problems = read_waivers([inv / "hosts.yml"], load_inventory([inv / "hosts.yml"]))
    assert len(problems) == 1 and problems[0].startswith(f"{path}: ") and expected in problems[0]


def test_entry_problems_one_line_each() -> None:
    from hisguard.scanners.waivers.model import parse_entry

    raw = {"check": "H02", "hosts": 5, "expiry": "2027-01-01", "facility": "7590", "expires": "31/12/2026"}
    parsed, problems = parse_entry(raw, "f.yml: waiver 1", None)
    assert parsed is None
    assert problems == [
        "f.yml: waiver 1 (H02): unknown key 'expiry'",
        "f.yml: waiver 1 (H02): missing reason",
        "f.yml: waiver 1 (H02): missing approver",
        "f.yml: waiver 1 (H02): expires '31/12/2026' is not a date (YYYY-MM-DD)",
        "f.yml: waiver 1 (H02): facility '7590' is not a 5-digit facility code",
        "f.yml: waiver 1 (H02): hosts must be a glob or a list of globs",
    ]


# --- check ids ------------------------------------------------------------------------------------


def test_families_are_those_of_the_catalog_entries() -> None:
    assert {"C01", "C10", "C13", "D03", "H01", "H14", "N01", "N04"} <= ids.families()
    assert "H04" not in ids.families() and "H11" not in ids.families()
    assert ids.known_ids() == ids.check_ids() | ids.families()


def test_known_ids_include_families_of_catalog_entries() -> None:
    known = frozenset({"H02.1", "C01"})
    assert ids.is_known("H02.1", known) and ids.is_known("H02", known) and ids.is_known("C01", known)
    assert not ids.is_known("H0", known) and not ids.is_known("X99", known)
    assert ids.is_known("H02-root", {"H02-root"}) and not ids.is_known("H021", {"H02.1"})


def test_every_scanner_catalog_registers_its_ids() -> None:
    # One entry of each catalog: a configuration check, a network risk, a credential rule.
    assert {"H02.1", "N01.telnet", "C01"} <= ids.check_ids()
    assert ids.is_known("N01") and not ids.is_known("H02.99")


def windows_catalog() -> None:
    """Stands for a scanner added later: its catalog registers its ids as it loads."""
    text = Text("Thử", "Try")
    ids.register("windows", [CheckMeta("W01.smb", Severity.HIGH, text, text, Remediation(text), ())])


def test_the_registry_is_filled_by_the_registered_catalogs(monkeypatch: pytest.MonkeyPatch) -> None:
    from hisguard.scanners import registry

    entry = registry.Entry("windows", "unused:Scanner", "unused:command", f"{__name__}:windows_catalog")
    monkeypatch.setattr(registry, "ENTRIES", (*registry.ENTRIES, entry))
    monkeypatch.setattr(ids, "_entries", dict(ids._entries))
    assert ids.is_known("W01") and ids.is_known("W01.smb") and not ids.is_known("W01.rdp")
    assert {"H02.1", "W01.smb"} <= ids.check_ids()


def test_an_id_two_catalogs_declare_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ids, "_entries", dict(ids._entries))
    ids.check_ids()
    text = Text("Thử", "Try")
    with pytest.raises(CatalogError, match=r"H02\.1 is already declared by the config catalog"):
        ids.register("windows", [CheckMeta("H02.1", Severity.HIGH, text, text, Remediation(text), ())])


# --- hisguard waivers check ---------------------------------------------------------------------


def test_check_reports_each_problem_once_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inv = write_inventory(tmp_path)
    future = (today_in_vietnam() + timedelta(days=60)).isoformat()
    (inv / WAIVERS_FILE).write_text(
        f"""\
all:
  vars:
    hisguard_waivers:
      - check: H02
        reason: "Máy trạm cũ"
        approver: "Nguyễn Văn An"
        expires: {future}
      - check: Z99
        reason: "Không rõ"
        approver: "Nguyễn Văn An"
        expires: {future}
      - check: H05
        approver: "Nguyễn Văn An"
        expires: {future}
      - check: H06
        reason: "Tài khoản dùng chung của khoa Dược"
        approver: "Nguyễn Văn An"
      - check: H09
        facility: "75999"
        reason: "Máy chủ thời gian đang thay"
        approver: "Nguyễn Văn An"
        expires: 2025-06-30
""",
        encoding="utf-8",
    )
    result = run_cli(["waivers", "check", "-i", str(inv)], monkeypatch, capsys)
    path = inv / WAIVERS_FILE
    assert result.status == 1
    assert result.out.splitlines() == [
        f"{path}: waiver 3 (H05): missing reason",
        f"{path}: waiver 4 (H06): missing expires",
        f"{path}: waiver 2 (Z99): unknown check id Z99",
        f"{path}: waiver 5 (H09): facility 75999 is not in the inventory",
        f"{path}: waiver 5 (H09): expired on 2025-06-30",
    ]


def test_check_passes_sound_waivers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    future = (today_in_vietnam() + timedelta(days=1)).isoformat()
    inv = write_inventory(
        tmp_path,
        {"75901": f"hisguard_waivers:\n  - {{check: H02, reason: Lý do, approver: A, expires: {future}}}\n"},
    )
    result = run_cli(["waivers", "check", "-i", str(inv)], monkeypatch, capsys)
    assert result.status == 0, result.out + result.err
    assert result.out.startswith("1 waiver(s) valid")


def test_check_with_a_bad_inventory_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(["waivers", "check", "-i", str(tmp_path / "missing")], monkeypatch, capsys)
    assert result.status == 2 and result.err.startswith("hisguard: error: ")


# --- hostile and broken files (issue 13) ------------------------------------------------------------

BAD_DATE_FILE = WAIVER_FILE.replace("expires: 2026-12-31", "expires: 2025-02-30")


def test_an_impossible_date_names_the_waivers_file_not_the_inventory(tmp_path: Path) -> None:
    inv = write_inventory(tmp_path)
    (inv / WAIVERS_FILE).write_text(BAD_DATE_FILE, encoding="utf-8")
    inventory = load_inventory([inv])  # the inventory itself is fine
    with pytest.raises(WaiverError) as caught:
        load_waivers([inv], inventory)
    assert str(caught.value).startswith(f"{inv / WAIVERS_FILE}: waiver 1 (H02): expires '2025-02-30'")


def test_an_alias_bomb_waivers_file_is_one_line_quickly(tmp_path: Path) -> None:
    from tests.foundation.test_safeload import alias_bomb

    inv = write_inventory(tmp_path)
    bomb = "all:\n  vars:\n    hisguard_waivers:\n      - check: H02\n        x:\n" + alias_bomb("          ")
    (inv / WAIVERS_FILE).write_text(bomb, encoding="utf-8")
    _, problems = read_waivers([inv], load_inventory([inv]))
    assert problems == [
        f"{inv / WAIVERS_FILE}: expands to more than 2,000,000 values (YAML aliases nested too deep?)"
    ]


def test_strict_mode_stops_the_scan_and_lenient_mode_skips_the_bad_waiver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hisguard.scanners.waivers.source import waive_runs

    inv = write_inventory(tmp_path)
    (inv / WAIVERS_FILE).write_text(BAD_DATE_FILE, encoding="utf-8")
    inventory = load_inventory([inv])
    run = facility_run("75901", day(1))
    with pytest.raises(WaiverError):
        waive_runs([run], [inv], inventory)
    monkeypatch.setenv("HISGUARD_WAIVERS", "lenient")
    [done] = waive_runs([run], [inv], inventory)
    assert [e.message for e in done.errors] == [
        f"waiver skipped: {inv / WAIVERS_FILE}: waiver 1 (H02): "
        "expires '2025-02-30' is not a date (YYYY-MM-DD)"
    ]
    h02 = [f for f in done.findings if f.check_id.startswith("H02")]
    assert h02 and all(f.status == Status.FAIL for f in h02)  # the bad waiver covers nothing
    monkeypatch.setenv("HISGUARD_WAIVERS", "sometimes")
    with pytest.raises(WaiverError, match="expected strict or lenient"):
        waive_runs([run], [inv], inventory)


def test_the_scheduled_scan_unit_runs_lenient() -> None:
    unit = (REPO / "roles/scan_schedule/templates/hisguard-scan.service.j2").read_text(encoding="utf-8")
    assert "Environment=HISGUARD_WAIVERS=lenient" in unit
