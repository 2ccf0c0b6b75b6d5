"""SARIF 2.1.0: valid against the official schema, with rules, locations and suppressions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hisguard.reports.build import build_facility_report
from hisguard.reports.formats import sarif

from .helpers import INFO, T0, canary_runs, finding, history, run, sample_report

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def _validate(log: dict[str, Any]) -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sample_report_validates_against_the_schema(lang: str) -> None:
    report = sample_report(hosts=10, findings_per_host=6)
    text = sarif.facility(report, lang)
    log = json.loads(text)
    _validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == report.open_total + len(report.waived) + len(report.check_errors)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False  # one host was unreachable


def test_locations_waivers_and_errors() -> None:
    report = build_facility_report(history(*canary_runs()), INFO, now=T0)
    log = sarif.facility_log(report, "en")
    _validate(log)
    by_rule = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    c01 = by_rule["C01"]["locations"][0]
    assert c01["physicalLocation"]["artifactLocation"]["uri"] == "file://his-app-01/opt/his/appsettings.json"
    assert c01["physicalLocation"]["region"] == {"startLine": 12}
    assert c01["logicalLocations"][0]["fullyQualifiedName"] == "his-app-01/opt/his/appsettings.json"
    assert by_rule["C01"]["level"] == "error" and by_rule["C01"]["baselineState"] == "unchanged"
    assert by_rule["C04"]["baselineState"] == "new"
    waived = by_rule["H02"]
    assert waived["suppressions"][0]["status"] == "accepted"
    assert waived["suppressions"][0]["justification"] == "Chờ thay máy"
    assert by_rule["H08"]["kind"] == "open" and by_rule["H08"]["level"] == "none"
    rule = next(r for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "C01")
    assert rule["properties"]["security-severity"] == "9.5"
    assert rule["fullDescription"]["text"] == "Why: data may leak"


def test_non_file_resources_get_a_logical_location_only() -> None:
    port = finding(
        "N02", resource="tcp/8080", line=None, scanner="network", role="firewall", tags=("firewall",)
    )
    win = finding("C01", resource="C:\\HIS\\app.config", line=3)
    log = sarif.facility_log(build_facility_report(history(run([port, win], T0)), INFO), "vi")
    _validate(log)
    by_rule = {r["ruleId"]: r["locations"][0] for r in log["runs"][0]["results"]}
    assert "physicalLocation" not in by_rule["N02"]
    assert by_rule["N02"]["logicalLocations"][0]["fullyQualifiedName"] == "his-app-01/tcp/8080"
    assert (
        by_rule["C01"]["physicalLocation"]["artifactLocation"]["uri"] == "file://his-app-01/C:/HIS/app.config"
    )


def test_rules_name_the_fix_and_locations_have_one_slash() -> None:
    report = sample_report(hosts=10, findings_per_host=6)
    log = sarif.facility_log(report, "vi")
    _validate(log)
    rules = {r["id"]: r["properties"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    for action in report.actions:
        for group in action.checks:
            props = rules[group.check_id]
            assert props["fix"] == "playbook" and props["playbook"] == action.playbook
            assert props["role"] == action.role and props["ansibleTags"] == list(action.tags)
    assert report.manual is not None
    for group in report.manual.checks:
        assert rules[group.check_id]["fix"] == "manual" and "playbook" not in rules[group.check_id]
    names = [
        loc["fullyQualifiedName"]
        for result in log["runs"][0]["results"]
        for location in result["locations"]
        for loc in location["logicalLocations"]
    ]
    assert names and not [n for n in names if "//" in n]
    assert any(n.startswith("his-app-01/") and "/etc/" in n for n in names) or any(
        "/root/" in n for n in names
    )
