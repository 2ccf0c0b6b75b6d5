"""H08 (audit, journal), H09 (time), H10 (firewall), H12 (patches), H13 (credential store), H14 (files)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from hisguard.scanners.config.model import FactError
from tests.config.fakes import run_check, statuses, target

ACTIVE = "Id={}\nLoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\n\n"
ENABLED_ONLY = "Id={}\nLoadState=loaded\nActiveState=inactive\nSubState=dead\nUnitFileState=enabled\n\n"
NSPAWN = "detect=systemd-nspawn\nrun=systemd-nspawn\n"


def test_h08_1_auditd_not_applicable_in_a_container() -> None:
    sections = {"units": "", "packages": "", "virt": NSPAWN}
    assert statuses(run_check("H08.1", sections)) == ["not_applicable"]


def test_h08_1_auditd_on_a_real_host() -> None:
    installed = {"packages": "auditd\tii \t1:3.0.9-1\n"}
    assert statuses(run_check("H08.1", {**installed, "units": ACTIVE.format("auditd.service")})) == ["pass"]
    stopped = run_check("H08.1", {**installed, "units": ENABLED_ONLY.format("auditd.service")})
    assert statuses(stopped) == ["fail"] and "inactive" in stopped[0].evidence
    assert statuses(run_check("H08.1", {"packages": "", "units": ""})) == ["fail"]


IDENTITY_RULES = (
    "/etc/audit/rules.d/hisguard.rules:-w /etc/passwd -p wa -k identity\n"
    "/etc/audit/rules.d/hisguard.rules:-w /etc/shadow -p wa -k identity\n"
    "/etc/audit/rules.d/hisguard.rules:-w /etc/group -p wa -k identity\n"
    "/etc/audit/rules.d/x.rules:-a always,exit -F arch=b64 -F path=/etc/gshadow -F perm=wa -k identity\n"
)


def test_h08_2_identity_file_rules() -> None:
    assert statuses(run_check("H08.2", {"audit_rules": IDENTITY_RULES})) == ["pass"]
    read_only = IDENTITY_RULES.replace("-w /etc/shadow -p wa", "-w /etc/shadow -p r")
    bad = run_check("H08.2", {"audit_rules": read_only})
    assert statuses(bad) == ["fail"] and "/etc/shadow" in bad[0].evidence
    assert statuses(run_check("H08.2", {"audit_rules": ""})) == ["fail"]


STORE = "/etc/hisguard/portal-credentials"
ALLOWED_HERE: dict[str, Any] = {
    "hisguard_portal_accounts": [{"username": "75901_BV", "allowed_hosts": ["ws-09"]}]
}


def test_h08_3_credential_store_rule() -> None:
    listing = f"{STORE}\td\t750\troot\this\n"
    watched = IDENTITY_RULES + f"/etc/audit/rules.d/hisguard.rules:-w {STORE}/ -p rwa -k bhxh\n"
    assert statuses(run_check("H08.3", {"audit_rules": watched, "credstore": listing})) == ["pass"]
    assert statuses(run_check("H08.3", {"audit_rules": IDENTITY_RULES, "credstore": listing})) == ["fail"]
    absent: dict[str, str | tuple[int, str]] = {"audit_rules": "", "credstore": (3, "")}
    assert statuses(run_check("H08.3", absent)) == ["not_applicable"]
    assert statuses(run_check("H08.3", absent, target(**ALLOWED_HERE))) == ["fail"]


def test_h08_4_journal_persistent() -> None:
    persistent = {"journald": "[Journal]\nStorage=persistent\n", "journal_dir": ""}
    assert statuses(run_check("H08.4", persistent)) == ["pass"]
    auto_with_dir = {"journald": "[Journal]\n#Storage=auto\n", "journal_dir": "present\n"}
    assert statuses(run_check("H08.4", auto_with_dir)) == ["pass"]
    assert statuses(run_check("H08.4", {"journald": "[Journal]\n", "journal_dir": ""})) == ["fail"]
    # A drop-in printed later by cat-config overrides the main file.
    volatile = {
        "journald": "[Journal]\nStorage=persistent\n[Journal]\nStorage=volatile\n",
        "journal_dir": "present",
    }
    assert statuses(run_check("H08.4", volatile)) == ["fail"]


def test_h08_5_journal_retention() -> None:
    for value in ("6month", "1y", "200d", "26w 2d"):
        outcome = run_check("H08.5", {"journald": f"[Journal]\nMaxRetentionSec={value}\n"})
        assert statuses(outcome) == ["pass"], value
    for value in ("1week", "30d", "3month"):
        assert statuses(run_check("H08.5", {"journald": f"[Journal]\nMaxRetentionSec={value}\n"})) == ["fail"]
    assert statuses(run_check("H08.5", {"journald": "[Journal]\n"})) == ["pass"]
    assert statuses(run_check("H08.5", {"journald": "[Journal]\nMaxRetentionSec=forever\n"})) == ["fail"]


def test_h09_1_time_sync() -> None:
    assert statuses(run_check("H09.1", {"units": ACTIVE.format("systemd-timesyncd.service")})) == ["pass"]
    enabled = {"units": ENABLED_ONLY.format("systemd-timesyncd.service")}
    assert statuses(run_check("H09.1", enabled)) == ["fail"]
    assert statuses(run_check("H09.1", {**enabled, "virt": NSPAWN})) == ["pass"]
    masked = "Id=systemd-timesyncd.service\nLoadState=masked\nActiveState=inactive\nUnitFileState=masked\n"
    assert statuses(run_check("H09.1", {"units": masked, "virt": NSPAWN})) == ["fail"]


def nft(*chains: dict[str, Any], rules: tuple[dict[str, Any], ...] = ()) -> str:
    items: list[dict[str, Any]] = [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}}]
    items += [{"chain": c} for c in chains] + [{"rule": r} for r in rules]
    return json.dumps({"nftables": items})


INPUT_DROP = {"family": "inet", "table": "filter", "name": "input", "type": "filter", "hook": "input",
              "prio": 0, "policy": "drop"}  # fmt: skip
INPUT_ACCEPT = dict(INPUT_DROP, policy="accept")


def test_h10_1_firewall_active() -> None:
    units = ACTIVE.format("nftables.service")
    assert statuses(run_check("H10.1", {"nft": nft(INPUT_DROP), "units": units})) == ["pass"]
    empty = run_check("H10.1", {"nft": "", "units": ""})
    assert statuses(empty) == ["fail"] and "no input chain" in empty[0].evidence
    by_hand = run_check("H10.1", {"nft": nft(INPUT_DROP), "units": ""})
    assert statuses(by_hand) == ["fail"] and by_hand[0].resource == "service:nftables.service"
    assert statuses(run_check("H10.1", {"nft": (127, ""), "units": ""})) == ["fail"]


def test_h10_2_default_drop() -> None:
    assert statuses(run_check("H10.2", {"nft": nft(INPUT_DROP)})) == ["pass"]
    bad = run_check("H10.2", {"nft": nft(INPUT_ACCEPT)})
    assert statuses(bad) == ["fail"] and "policy accept" in bad[0].evidence
    # An unconditional drop as the last rule is a default drop too.
    last_drop = {
        "family": "inet",
        "table": "filter",
        "chain": "input",
        "expr": [{"counter": None}, {"drop": None}],
    }
    assert statuses(run_check("H10.2", {"nft": nft(INPUT_ACCEPT, rules=(last_drop,))})) == ["pass"]
    ipv4_only = dict(INPUT_DROP, family="ip")
    only4 = run_check("H10.2", {"nft": nft(ipv4_only)})
    assert statuses(only4) == ["fail"] and "IPv6" in only4[0].evidence
    assert statuses(run_check("H10.2", {"nft": (127, "")})) == ["fail"]


def test_h10_nft_failure_is_a_fact_error() -> None:
    # "Operation not permitted" in a container without CAP_NET_ADMIN: the check cannot judge.
    with pytest.raises(FactError, match="nft list ruleset failed"):
        run_check("H10.2", {"nft": (1, "")})


APT_ON = (
    'APT::Periodic::Update-Package-Lists "1";\n'
    'APT::Periodic::Unattended-Upgrade "1";\n'
    'Unattended-Upgrade::Origins-Pattern "";\n'
    "Unattended-Upgrade::Origins-Pattern:: "
    '"origin=Debian,codename=${distro_codename},label=Debian-Security";\n'
)
UU_INSTALLED = "unattended-upgrades\tii \t2.9.1+nmu3\n"


def test_h12_1_automatic_updates() -> None:
    timer = ACTIVE.format("apt-daily-upgrade.timer")
    good = {"packages": UU_INSTALLED, "apt_config": APT_ON, "units": timer}
    assert statuses(run_check("H12.1", good)) == ["pass"]
    off = run_check(
        "H12.1", {**good, "apt_config": APT_ON.replace('Unattended-Upgrade "1"', 'Unattended-Upgrade "0"')}
    )
    assert statuses(off) == ["fail"] and "Unattended-Upgrade is 0" in off[0].evidence
    assert statuses(run_check("H12.1", {**good, "packages": ""})) == ["fail"]
    no_security = APT_ON.replace(",label=Debian-Security", "")
    assert statuses(run_check("H12.1", {**good, "apt_config": no_security})) == ["fail"]
    masked = timer.replace("UnitFileState=enabled", "UnitFileState=masked")
    assert statuses(run_check("H12.1", {**good, "units": masked})) == ["fail"]


def test_h12_2_pending_security_updates() -> None:
    lists = f"{time.time() - 86400:.0f}.0 198.18.0.1:8089_._InRelease\n"
    pending = (
        "Inst hisguard-lab-agent [1.0-1] (1.0-1+deb12u1 Debian-Security:12/bookworm-security [all])\n"
        "Inst tzdata [2024a-0+deb12u1] (2025b-0+deb12u1 Debian:12.11/stable [all])\n"
    )
    bad = run_check("H12.2", {"apt_pending": pending, "apt_lists": lists})
    assert statuses(bad) == ["fail"]
    assert "1 security update(s) pending: hisguard-lab-agent" in bad[0].evidence
    assert "tzdata" not in bad[0].evidence
    assert statuses(run_check("H12.2", {"apt_pending": "", "apt_lists": lists})) == ["pass"]
    assert statuses(run_check("H12.2", {"apt_pending": "", "apt_lists": ""})) == ["error"]


def test_h12_3_end_of_life() -> None:
    assert statuses(run_check("H12.3", {"os": 'ID=debian\nVERSION_ID="12"\n'})) == ["pass"]
    old = run_check(
        "H12.3", {"os": 'PRETTY_NAME="Debian GNU/Linux 10 (buster)"\nID=debian\nVERSION_ID="10"\n'}
    )
    assert statuses(old) == ["fail"] and "2024-06-30" in old[0].evidence
    assert statuses(run_check("H12.3", {"os": "ID=plan9\nVERSION_ID=4\n"})) == ["not_applicable"]


def test_h13_1_store_directory() -> None:
    good = f"{STORE}\td\t750\troot\this\n{STORE}/egw-his\tf\t640\troot\this\n"
    assert statuses(run_check("H13.1", {"credstore": good})) == ["pass"]
    open_dir = run_check("H13.1", {"credstore": good.replace("d\t750", "d\t755")})
    assert statuses(open_dir) == ["fail"] and "0755" in open_dir[0].evidence
    assert statuses(run_check("H13.1", {"credstore": good.replace("d\t750\troot", "d\t750\this")})) == [
        "fail"
    ]
    wrong_group = target(hisguard_credential_store_group="his-service")
    assert statuses(run_check("H13.1", {"credstore": good}, wrong_group)) == ["fail"]
    assert statuses(run_check("H13.1", {"credstore": (3, "")})) == ["not_applicable"]
    assert statuses(run_check("H13.1", {"credstore": (3, "")}, target(**ALLOWED_HERE))) == ["fail"]


def test_h13_2_store_files() -> None:
    head = f"{STORE}\td\t750\troot\this\n"
    assert statuses(run_check("H13.2", {"credstore": head + f"{STORE}/a\tf\t440\troot\this\n"})) == ["pass"]
    readable = run_check("H13.2", {"credstore": head + f"{STORE}/a\tf\t644\troot\this\n"})
    assert statuses(readable) == ["fail"] and readable[0].resource == f"{STORE}/a"
    assert statuses(run_check("H13.2", {"credstore": head + f"{STORE}/a\tl\t777\troot\troot\n"})) == ["fail"]
    assert statuses(run_check("H13.2", {"credstore": head + f"{STORE}/a\tf\t640\this\this\n"})) == ["fail"]


def test_h14_1_world_writable() -> None:
    entries = (
        "W\td\t1777\troot\t/tmp\n"
        "W\td\t1777\troot\t/var/tmp\n"
        "W\tf\t666\tnhanvien\t/home/nhanvien/notes.txt\n"
        "W\tf\t777\troot\t/etc/cron.daily/backup-his\n"
        "END 0\n"
    )
    bad = run_check("H14.1", {"fs_perms": entries})
    assert [o.resource for o in bad] == ["/etc/cron.daily/backup-his"]
    assert "0777" in bad[0].evidence and "partial" not in bad[0].details
    assert statuses(run_check("H14.1", {"fs_perms": "W\td\t1777\troot\t/tmp\nEND 1\n"})) == ["pass"]


def test_h14_2_unexpected_suid() -> None:
    entries = (
        "S\t4755\troot\t/usr/bin/passwd\nS\t4755\troot\t/usr/bin/sudo\nS\t4755\troot\t/tmp/.x/bash\nEND 0\n"
    )
    bad = run_check("H14.2", {"fs_perms": entries})
    assert [o.resource for o in bad] == ["/tmp/.x/bash"]
    allowed = target(hisguard_suid_allowed=["/tmp/.x/bash"])
    assert statuses(run_check("H14.2", {"fs_perms": entries}, allowed)) == ["pass"]
    assert statuses(run_check("H14.2", {"fs_perms": "S\t4755\troot\t/bin/su\nEND 0\n"})) == ["pass"]


def test_h14_an_incomplete_search_never_passes() -> None:
    timed_out = run_check("H14.2", {"fs_perms": "S\t4755\troot\t/usr/bin/su\nEND 124\n"})
    assert statuses(timed_out) == ["error"] and "ran out of time" in timed_out[0].evidence
    cut = run_check("H14.1", {"fs_perms": "W\tf\t666\troot\t/etc/x\n"})  # no END: cut at the limit
    assert statuses(cut) == ["fail"] and cut[0].details["partial"] == "listing cut at 2000 entries"
