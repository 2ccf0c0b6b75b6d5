"""Groups claim only what their command does: "Xử lý" for fixes, "Giảm thiểu" for mitigations,
the manual steps for the rest and for every host no harden.yml play manages.

The effect comes from the catalog entry (scanners/*: ``effect: fixes|mitigates|manual``); the
lab proves the "fixes" claims (tests/roles/test_effects_lab.py).
"""

from __future__ import annotations

import dataclasses
import json

from hisguard.reports.build import build_facility_report
from hisguard.reports.formats import ansible, html
from hisguard.reports.model import Action, FacilityReport
from hisguard.scanners.catalog import ids
from hisguard.scanners.findings import Finding, Run, Severity, Status
from tests.reports.helpers import INFO, T0, finding, history, run


def _report(
    found: list[Finding],
    *,
    hosts: tuple[str, ...] = ("his-app-01", "win-ws-01"),
    managed: dict[str, tuple[str, ...]] | None = None,
) -> FacilityReport:
    return build_facility_report(
        history(run(found, T0, hosts=hosts)), INFO, inventory=("inv",), now=T0, managed=managed
    )


def _firewall(report: FacilityReport) -> Action:
    (action,) = [a for a in report.actions if a.role == "firewall"]
    return action


def _found(check_id: str, host: str = "his-app-01", scanner: str = "network") -> Finding:
    # The finding carries the catalog's own remediation, effect included, as a scanner makes it.
    meta = ids.entries()[check_id]
    made = finding(check_id, host=host, resource=f"tcp/{check_id}", scanner=scanner, severity=Severity.HIGH)
    return dataclasses.replace(made, remediation=meta.remediation)


def test_every_catalog_entry_says_what_its_role_does() -> None:
    entries = ids.entries()
    assert {m.remediation.effect for m in entries.values()} == {"fixes", "mitigates", "manual"}
    for check_id, meta in entries.items():
        # A role for fixes and mitigations, none for manual work (the validator's rule).
        assert (meta.remediation.role is None) == (meta.remediation.effect == "manual"), check_id
    # Decided from what the roles do: the firewall only hides Telnet, it removes no XML file.
    assert entries["N01.telnet"].remediation.effect == "mitigates"
    assert entries["N02"].remediation.effect == "fixes"
    assert entries["H10.1"].remediation.effect == "fixes"
    assert entries["D03"].remediation.effect == "manual"
    assert entries["C03"].remediation.effect == "manual"


def test_a_group_counts_fixes_and_mitigations_apart() -> None:
    report = _report([_found("N02"), _found("N01.telnet")])
    action = _firewall(report)
    assert (action.fixed_count, action.mitigated_count) == (1, 1)
    text = html.facility(report, "vi")
    assert "Xử lý 1 phát hiện trên 1 máy." in text
    assert "Giảm thiểu 1 phát hiện trên 1 máy" in text
    assert "Chỉ giảm thiểu" in text


def test_only_mitigations_never_claim_a_fix() -> None:
    report = _report([_found("N01.telnet"), _found("N01.ftp")])
    action = _firewall(report)
    assert (action.fixed_count, action.mitigated_count) == (0, 2)
    text = html.facility(report, "vi")
    assert "Xử lý 2" not in text and "Xử lý 0" not in text
    assert "Giảm thiểu 2 phát hiện" in text
    assert "fixes 0, mitigates 2 findings" in ansible.facility(report, "en")


def test_an_older_document_claiming_a_fix_the_catalog_no_longer_makes_is_manual() -> None:
    # D03 (claim XML on an open share) once named the firewall; the catalog now says manual.
    stale = finding(
        "D03", resource="/srv/share/xml", scanner="credentials", role="firewall", tags=("firewall",)
    )
    report = _report([stale])
    assert report.actions == ()
    assert report.manual is not None and [g.check_id for g in report.manual.checks] == ["D03"]


def test_hosts_no_harden_play_manages_get_the_manual_step_never_a_limit() -> None:
    # win-ws-01 was read by the Windows scanner: harden.yml never plays on it.
    windows_record = finding(
        "W00", host="win-ws-01", resource="smb", scanner="windows", role=None, tags=(), status=Status.PASS
    )
    rdp = _found("N01.rdp", host="win-ws-01")
    telnet = _found("N01.telnet", host="his-app-01")
    report = _report([windows_record, rdp, telnet])
    action = _firewall(report)
    assert action.hosts == ("his-app-01",)
    assert action.command is not None and "win-ws-01" not in action.command
    assert report.manual is not None
    assert [(g.check_id, g.effect) for g in report.manual.checks] == [("N01.rdp", "manual")]
    playbook = ansible.facility(report, "vi")
    plays = playbook.split("\n- name", 1)[1]
    assert "win-ws-01" not in plays
    assert "hosts: his-app-01" in plays


def test_the_inventory_says_which_hosts_are_managed() -> None:
    report = _report(
        [_found("N02", host="his-app-01"), _found("N02", host="printer-01")],
        hosts=("his-app-01", "printer-01"),
        managed={"his-app-01": ("his_servers",)},
    )
    action = _firewall(report)
    assert action.hosts == ("his-app-01",)
    assert report.manual is not None and report.manual.hosts == ("printer-01",)


def test_the_scan_document_keeps_the_effect() -> None:
    from hisguard.scanners import scan_document

    found = _found("N01.telnet")
    written = Run(
        id="r1",
        started_at=T0,
        finished_at=T0,
        scanners=("network",),
        facility="75901",
        hosts=("his-app-01",),
        errors=(),
        findings=(found,),
    )
    (back,) = scan_document.parse(json.loads(scan_document.dumps([written]))).runs
    (read,) = back.findings
    assert read.remediation is not None and read.remediation.effect == "mitigates"


def test_what_to_do_first_says_when_the_command_only_mitigates() -> None:
    report = _report([_found("N01.telnet")])
    (first,) = report.first
    assert first.mitigates and first.command is not None and first.manual is not None
    text = html.facility(report, "vi")
    assert "Bộ phận CNTT giảm thiểu rủi ro bằng playbook gia cố" in text
    assert "Bộ phận CNTT khắc phục bằng playbook gia cố" not in text
    fixed = _report([_found("N02")])
    assert not fixed.first[0].mitigates
    assert "Bộ phận CNTT khắc phục bằng playbook gia cố" in html.facility(fixed, "vi")


def test_a_host_the_role_never_plays_on_gets_the_manual_step() -> None:
    # credential_store runs on the HIS servers only (harden.yml): C01 on a workstation is manual.
    report = _report(
        [
            _found("C01", host="his-app-01", scanner="credentials"),
            _found("C01", host="ws-01", scanner="credentials"),
        ],
        hosts=("his-app-01", "ws-01"),
        managed={"his-app-01": ("his_servers",), "ws-01": ("workstations",)},
    )
    (action,) = report.actions
    assert action.role == "credential_store" and action.hosts == ("his-app-01",)
    assert action.command is not None and "ws-01" not in action.command
    assert report.manual is not None and report.manual.hosts == ("ws-01",)


def test_sarif_rules_say_whether_the_playbook_fixes_or_mitigates() -> None:
    from hisguard.reports.formats import sarif

    report = _report([_found("N02"), _found("N01.telnet")])
    rules = {
        r["id"]: r["properties"]
        for r in json.loads(sarif.facility(report, "en"))["runs"][0]["tool"]["driver"]["rules"]
    }
    assert rules["N02"]["effect"] == "fixes" and rules["N01.telnet"]["effect"] == "mitigates"
    assert rules["N02"]["playbook"] == "playbooks/harden.yml" and rules["N02"]["ansibleTags"] == ["firewall"]
