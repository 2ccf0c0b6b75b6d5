"""The Windows configuration judge, positive and negative for every check (W01-W11).

Fixtures are what facts.ps1 emits, built from the documented output of the cmdlets it calls
(Get-CimInstance Win32_OperatingSystem, Get-NetFirewallProfile, Get-MpComputerStatus,
Get-SmbServerConfiguration, Get-LocalGroupMember, ``net accounts``, Get-HotFix, registry values).
No Windows host ran them: see docs/windows.md.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hisguard.scanners.findings import Status
from hisguard.scanners.windows import config

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 12, 4)
ALL_GROUPS = ("his_servers",)
# The account hisguard and Ansible use is an administrator by design.
POLICY = config.Policy(allowed_admins=("quantri",))


def load(name: str) -> dict[str, Any]:
    return dict(json.loads((DATA / name).read_text(encoding="utf-8")))


def verdicts(facts: dict[str, Any], policy: config.Policy = POLICY) -> dict[str, tuple[Status, str]]:
    found = config.judge(facts, host="h", facility="75901", groups=ALL_GROUPS, policy=policy, today=TODAY)
    return {f.check_id: (f.status, f.evidence) for f in found}


def hardened() -> dict[str, Any]:
    return load("facts-server-2022-hardened.json")


def test_catalog_has_every_check_with_text_in_both_languages() -> None:
    metas = config.catalog()
    assert [m.id for m in metas] == [f"W{n:02d}" for n in range(1, 12)]
    for meta in metas:
        assert meta.title.vi and meta.title.en and meta.remediation.text.vi and meta.references


def test_the_hardened_server_passes_every_check() -> None:
    result = verdicts(hardened())
    assert set(result) == set(config.JUDGES)
    assert {k: v for k, v in result.items() if v[0] != Status.PASS} == {}


def test_the_old_reception_pc_fails_what_it_should_and_reports_what_it_could_not_read() -> None:
    result = verdicts(load("facts-win7-reception.json"))
    failed = {k for k, (status, _) in result.items() if status == Status.FAIL}
    assert failed == {"W01", "W02", "W05", "W07", "W08", "W09", "W10", "W11"}
    errors = {k: evidence for k, (status, evidence) in result.items() if status == Status.ERROR}
    assert set(errors) == {"W03", "W04", "W06"}  # cmdlets Windows 7 does not have
    assert "Get-MpComputerStatus" in errors["W03"]
    assert "Windows 7" in result["W01"][1] and "2020-01-14" in result["W01"][1]
    assert "UltraViewer" in result["W10"][1] and "TeamViewer" in result["W10"][1]


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(facts: dict[str, Any]) -> None:
        keys = path.split(".")
        target: Any = facts
        for key in keys[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(keys[-1])] = value
        else:
            target[keys[-1]] = value

    return change


POSITIVE: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "W01",
        _set(
            "os",
            {
                "caption": "Microsoft Windows Server 2012 R2 Standard",
                "version": "6.3.9600",
                "build": 9600,
                "product_type": 3,
            },
        ),
        "2023-10-10",
    ),
    (
        "W01",
        _set(
            "os",
            {
                "caption": "Microsoft Windows 10 Pro",
                "version": "10.0.19045",
                "build": 19045,
                "product_type": 1,
                "edition": "Professional",
            },
        ),
        "22H2",
    ),
    (
        "W01",
        _set(
            "os",
            {"caption": "Microsoft Windows 8.1 Pro", "version": "6.3.9600", "build": 9600, "product_type": 1},
        ),
        "8.1",
    ),
    (
        "W01",
        _set(
            "os",
            {
                "caption": "Microsoft Windows Server 2008 R2 Standard",
                "version": "6.1.7601",
                "build": 7601,
                "product_type": 3,
            },
        ),
        "2008 R2",
    ),
    ("W02", _set("firewall.2.enabled", "False"), "Public"),
    ("W03", _set("defender.real_time_enabled", False), "real-time protection off"),
    ("W03", _set("defender.signature_age_days", 30), "30 days old"),
    ("W03", _set("defender.antivirus_enabled", False), "Defender antivirus off"),
    ("W04", _set("smb.smb1", True), "EnableSMB1Protocol = True"),
    ("W05", _set("rdp.user_authentication", 0), "UserAuthentication = 0"),
    ("W05", _set("rdp.policy_user_authentication", 0), "UserAuthentication = 0"),
    ("W06", _set("administrators.2.name", "HIS-SRV-01\\letan"), "letan"),
    ("W07", _set("net_accounts.3", "Minimum password length:                              6"), "length 6"),
    (
        "W07",
        _set("net_accounts.5", "Lockout threshold:                                    Never"),
        "no account lockout",
    ),
    (
        "W07",
        _set("net_accounts.5", "Lockout threshold:                                    50"),
        "50 failures",
    ),
    ("W08", _set("screen_lock.inactivity_timeout", 3600), "900 s"),
    ("W08", _set("screen_lock.inactivity_timeout", None), "not set"),
    ("W09", _set("autorun.no_drive_type_autorun", 145), "0x91"),
    ("W09", _set("autorun.no_drive_type_autorun", None), "not set"),
    (
        "W10",
        _set("software.2", {"name": "AnyDesk", "version": "8.0.9", "publisher": "AnyDesk Software GmbH"}),
        "AnyDesk",
    ),
    ("W11", _set("hotfixes", [{"id": "KB5034441", "installed_on": "2026-01-10"}]), "2026-01-10"),
    ("W11", _set("hotfixes", []), "no installed update"),
]


@pytest.mark.parametrize(("check", "change", "evidence"), POSITIVE, ids=[f"{c}-{e}" for c, _, e in POSITIVE])
def test_each_check_fails_on_its_weakness(
    check: str, change: Callable[[dict[str, Any]], None], evidence: str
) -> None:
    facts = copy.deepcopy(hardened())
    change(facts)
    result = verdicts(facts)
    assert result[check][0] == Status.FAIL, result[check]
    assert evidence in result[check][1]
    assert [k for k, (status, _) in result.items() if status != Status.PASS] == [check]


NEGATIVE: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "W01",
        _set(
            "os",
            {
                "caption": "Microsoft Windows 10 Enterprise LTSC",
                "version": "10.0.17763",
                "build": 17763,
                "product_type": 1,
                "edition": "EnterpriseS",
            },
        ),
        "2029-01-09",
    ),
    (
        "W01",
        _set(
            "os",
            {
                "caption": "Microsoft Windows 11 Pro",
                "version": "10.0.26200",
                "build": 26200,
                "product_type": 1,
            },
        ),
        "2027-10-12",
    ),
    ("W03", _set("antivirus", [{"name": "Kaspersky Endpoint Security", "state": 266240}]), ""),
    ("W05", _set("rdp.deny_connections", 1), "Remote Desktop off"),
    ("W06", _set("administrators.2.sid", "S-1-5-21-1-2-3-500"), ""),
    (
        "W08",
        _set(
            "screen_lock",
            {
                "inactivity_timeout": None,
                "policy_screensaver_active": "1",
                "policy_screensaver_secure": "1",
                "policy_screensaver_timeout": "600",
            },
        ),
        "screen saver",
    ),
    ("W09", _set("autorun.no_autorun", 1), "AutoRun off"),
    (
        "W11",
        _set("hotfixes", {"id": "KB5046616", "installed_on": "2026-11-14"}),
        "2026-11-14",
    ),  # one item: not an array
]


@pytest.mark.parametrize(
    ("check", "change", "evidence"), NEGATIVE, ids=[f"{c}-{e or 'pass'}" for c, _, e in NEGATIVE]
)
def test_each_check_passes_what_is_acceptable(
    check: str, change: Callable[[dict[str, Any]], None], evidence: str
) -> None:
    facts = copy.deepcopy(hardened())
    change(facts)
    result = verdicts(facts)
    assert result[check][0] in (Status.PASS, Status.NOT_APPLICABLE), result[check]
    assert evidence in result[check][1]


def test_defender_off_is_fine_when_another_antivirus_runs() -> None:
    facts = hardened()
    facts["defender"]["antivirus_enabled"] = False
    facts["antivirus"] = [{"name": "Kaspersky Endpoint Security", "state": 266240}]
    assert verdicts(facts)["W03"][0] == Status.PASS


def test_allowed_admins_and_remote_tools_come_from_the_policy() -> None:
    facts = hardened()
    facts["administrators"][2]["name"] = "HIS-SRV-01\\letan"
    facts["software"].append(
        {"name": "UltraViewer version 6.6", "version": "6.6", "publisher": "DucFabulous"}
    )
    strict = verdicts(facts)
    assert strict["W06"][0] == strict["W10"][0] == Status.FAIL
    relaxed = verdicts(
        facts, config.Policy(allowed_admins=("letan", "quantri"), allowed_remote_tools=("ultraviewer",))
    )
    assert relaxed["W06"][0] == relaxed["W10"][0] == Status.PASS


def test_vietnamese_net_accounts_is_read_by_position() -> None:
    facts = hardened()
    facts["net_accounts"] = [
        "Buộc người dùng đăng xuất bao lâu sau khi hết giờ?:   Không bao giờ",
        "Tuổi mật khẩu tối thiểu (ngày):                       0",
        "Tuổi mật khẩu tối đa (ngày):                          42",
        "Độ dài mật khẩu tối thiểu:                            4",
        "Độ dài lịch sử mật khẩu được duy trì:                 Không",
        "Ngưỡng khóa:                                          Không bao giờ",
        "Thời gian khóa (phút):                                30",
        "Cửa sổ quan sát khóa (phút):                          30",
        "Vai trò máy tính:                                     WORKSTATION",
        "Lệnh đã hoàn tất thành công.",
    ]
    status, evidence = verdicts(facts)["W07"]
    assert status == Status.FAIL and "length 4" in evidence and "no account lockout" in evidence


def test_unrecognised_output_is_an_error_not_a_guess() -> None:
    facts = hardened()
    facts["net_accounts"] = ["System error 5 has occurred.", "Access is denied."]
    facts["firewall"] = []
    result = verdicts(facts)
    assert result["W07"][0] == Status.ERROR and result["W02"][0] == Status.ERROR


def test_screen_lock_applies_to_workstations_and_his_servers_only() -> None:
    found = config.judge(hardened(), host="h", facility="75901", groups=["db_servers"], today=TODAY)
    assert "W08" not in {f.check_id for f in found} and "W01" in {f.check_id for f in found}
