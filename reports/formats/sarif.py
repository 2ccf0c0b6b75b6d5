"""SARIF 2.1.0: rules from the checks' metadata, one result per listed finding.

A finding on a file gets a physical location (``file://HOST/PATH`` and its line); every
finding also gets a logical location ``HOST/RESOURCE``, which is all a port, a service or a
setting has. Waived findings are results with an accepted external suppression; findings the
scanner could not judge are ``open`` results; hosts that could not be scanned are tool
execution notifications.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from hisguard.reports import facts
from hisguard.reports.i18n import Translator
from hisguard.reports.model import Action, CheckGroup, FacilityReport, Row
from hisguard.scanners.findings import Finding, Severity, Status

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# The 0-10 scale code-scanning tools sort by (GitHub reads "security-severity").
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
BASELINE = {"new": "new", "regressed": "new", "still_open": "unchanged"}
_WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]")


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _file_uri(host: str, path: str) -> str | None:
    if _WINDOWS_PATH.match(path):
        path = "/" + path.replace("\\", "/")
    if not path.startswith("/"):
        return None
    return f"file://{quote(host, safe='')}{quote(path, safe='/:')}"


def _qualified(host: str, resource: str) -> str:
    """``host/resource`` with one slash, whether or not the resource is an absolute path."""
    return f"{host}/{resource.lstrip('/')}"


def _location(finding: Finding) -> dict[str, Any]:
    location: dict[str, Any] = {
        "logicalLocations": [
            {
                "name": finding.resource,
                "fullyQualifiedName": _qualified(finding.host, finding.resource),
                "kind": "resource",
            }
        ]
    }
    uri = _file_uri(finding.host, finding.resource)
    if uri is not None:
        physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
        if finding.line:
            region: dict[str, int] = {"startLine": finding.line}
            if finding.column:
                region["startColumn"] = finding.column
            physical["region"] = region
        location["physicalLocation"] = physical
    return location


def _fix(action: Action | None, group: CheckGroup) -> dict[str, Any]:
    """What fixes a rule's findings: the hardening playbook with its role and tags, or a person;
    ``effect`` says whether the playbook fixes them or only mitigates them (the catalog's word)."""
    if action is None or action.role is None:
        return {"fix": "manual", "effect": "manual"}
    return {
        "fix": "playbook",
        "effect": group.effect,
        "playbook": action.playbook,
        "role": action.role,
        "ansibleTags": list(action.tags),
    }


def _rule(group: CheckGroup, tr: Translator, action: Action | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": group.check_id,
        "shortDescription": {"text": tr.text(group.title)},
        "defaultConfiguration": {"level": LEVELS[group.severity]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[group.severity],
            "tags": ["security", "hisguard", f"family-{group.check_id[:1]}"],
            "references": [
                tr.text(ref.document) + (f" ({tr.gettext('to be verified')})" if ref.to_be_verified else "")
                for ref in group.references
            ],
            **_fix(action, group),
        },
    }
    if group.rationale:
        rule["fullDescription"] = {"text": tr.text(group.rationale)}
    if group.remediation:
        rule["help"] = {"text": tr.text(group.remediation)}
    return rule


def _result(row: Row, rule_index: int, tr: Translator, compared: bool) -> dict[str, Any]:
    f = row.finding
    shown = facts.evidence(f, tr.lang)
    message = tr.text(f.title) + (f": {shown}" if shown else "")
    result: dict[str, Any] = {
        "ruleId": f.check_id,
        "ruleIndex": rule_index,
        "kind": "open" if f.status == Status.ERROR else "fail",
        "level": LEVELS[f.severity] if f.status != Status.ERROR else "none",
        "message": {"text": message},
        "locations": [_location(f)],
        "partialFingerprints": {"hisguardFingerprint/v1": f.fingerprint},
        "properties": {"host": f.host, "severity": f.severity.value, "status": f.status.value},
    }
    if compared and f.status == Status.FAIL:
        result["baselineState"] = BASELINE.get(row.change.value, "unchanged")
    if f.status == Status.WAIVED:
        suppression: dict[str, Any] = {"kind": "external", "status": "accepted"}
        if row.waiver:
            suppression["justification"] = row.waiver.reason
            suppression["properties"] = {
                "approver": row.waiver.approver,
                "ticket": row.waiver.ticket,
                "expires": row.waiver.expires.isoformat() if row.waiver.expires else None,
            }
        result["suppressions"] = [suppression]
    return result


def facility_log(report: FacilityReport, lang: str) -> dict[str, Any]:
    tr = Translator(lang)
    fixes = [
        (group, action) for action in (*report.actions, report.manual) if action for group in action.checks
    ]
    groups = [group for group, _ in fixes]
    rules: list[dict[str, Any]] = []
    index_of: dict[str, int] = {}
    for group, action in fixes:
        if group.check_id not in index_of:
            index_of[group.check_id] = len(rules)
            rules.append(_rule(group, tr, action))
    compared = report.changes.compared
    results = [_result(row, index_of[g.check_id], tr, compared) for g in groups for row in g.rows]
    for row in (*report.waived, *report.check_errors):
        f = row.finding
        if f.check_id not in index_of:
            index_of[f.check_id] = len(rules)
            rules.append(
                _rule(
                    CheckGroup(f.check_id, f.severity, f.title, f.rationale, None, (), ()),
                    tr,
                )
            )
        results.append(_result(row, index_of[f.check_id], tr, compared))
    scan = report.scan
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "hisguard",
                        "version": report.version,
                        "semanticVersion": report.version,
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"hisguard/{report.facility.code}/{_utc(scan.finished_at)}"},
                "language": "vi-VN" if lang == "vi" else "en-US",
                "invocations": [
                    {
                        "executionSuccessful": not scan.errors,
                        "startTimeUtc": _utc(scan.started_at),
                        "endTimeUtc": _utc(scan.finished_at),
                        "toolExecutionNotifications": [
                            {
                                "level": "error",
                                "message": {"text": f"{e.scanner}: {e.target}: {e.message}"},
                                "locations": [{"logicalLocations": [{"name": e.target, "kind": "resource"}]}],
                            }
                            for e in scan.errors
                        ],
                    }
                ],
                "results": results,
                "properties": {
                    "facility": {
                        "code": report.facility.code,
                        "name": report.facility.name,
                        "province": report.facility.province,
                    },
                    "score": report.score,
                    "runIds": list(scan.run_ids),
                },
            }
        ],
    }


def facility(report: FacilityReport, lang: str) -> str:
    return json.dumps(facility_log(report, lang), ensure_ascii=False, indent=2) + "\n"
