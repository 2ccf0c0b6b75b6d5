"""JSON: the report model for machines, the same whatever ``--lang`` (texts carry vi and en).

Every field is listed by hand: a generic dataclass dump would also dump ``Finding.details``,
which a report must never show beyond the known facts.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from hisguard.reports.model import (
    AccountPlace,
    AccountReport,
    Action,
    CheckGroup,
    CredentialFacts,
    FacilityInfo,
    FacilityReport,
    RegisterEntry,
    RollupReport,
    Row,
    SeverityCounts,
    Waiver,
)
from hisguard.reports.score import WEIGHTS
from hisguard.scanners.findings import Finding, Text

SCHEMA = "hisguard-report/1"


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _text(value: Text | None) -> dict[str, str] | None:
    return value.to_dict() if value is not None else None


def _facility(info: FacilityInfo) -> dict[str, str]:
    return {"code": info.code, "name": info.name, "province": info.province}


def _counts(counts: SeverityCounts) -> dict[str, int]:
    return {severity.value: count for severity, count in counts.items()}


def _waiver(waiver: Waiver | None) -> dict[str, Any] | None:
    if waiver is None:
        return None
    return {
        "reason": waiver.reason,
        "approver": waiver.approver,
        "ticket": waiver.ticket,
        "expires": _when(waiver.expires),
    }


def _credential(facts: CredentialFacts | None) -> dict[str, Any] | None:
    if facts is None:
        return None
    return {
        "kind": facts.kind,
        "account": facts.account,
        "username": facts.username,
        "exposure": list(facts.exposure),
        "owner": facts.owner,
        "mode": facts.mode,
        "mtime": _when(facts.mtime),
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "check_id": finding.check_id,
        "status": finding.status.value,
        "severity": finding.severity.value,
        "host": finding.host,
        "resource": finding.resource,
        "line": finding.line,
        "column": finding.column,
        "evidence": finding.evidence,
        "fingerprint": finding.fingerprint,
        "scanner": finding.scanner,
        "title": finding.title.to_dict(),
    }


def _row(row: Row) -> dict[str, Any]:
    return {
        **_finding(row.finding),
        "change": row.change.value,
        "first_failed": _when(row.first_failed),
        "waiver": _waiver(row.waiver),
        "credential": _credential(row.credential),
    }


def _group(group: CheckGroup) -> dict[str, Any]:
    return {
        "check_id": group.check_id,
        "severity": group.severity.value,
        "title": group.title.to_dict(),
        "rationale": _text(group.rationale),
        "remediation": _text(group.remediation),
        "effect": group.effect,
        "references": [
            {
                "key": ref.key,
                "document": ref.document.to_dict(),
                "to_be_verified": ref.to_be_verified,
            }
            for ref in group.references
        ],
        "findings": [_row(row) for row in group.rows],
    }


def _action(action: Action) -> dict[str, Any]:
    return {
        "key": action.key,
        "role": action.role,
        "tags": list(action.tags),
        "playbook": action.playbook or None,
        "hosts": list(action.hosts),
        "command": action.command,
        "worst": action.worst.value,
        "checks": [_group(group) for group in action.checks],
    }


def facility_document(report: FacilityReport) -> dict[str, Any]:
    changes = report.changes
    return {
        "hisguard": report.version,
        "schema": SCHEMA,
        "kind": "facility",
        "generated_at": _when(report.generated_at),
        "facility": _facility(report.facility),
        "scan": {
            "run_ids": list(report.scan.run_ids),
            "started_at": _when(report.scan.started_at),
            "finished_at": _when(report.scan.finished_at),
            "scanners": list(report.scan.scanners),
            "hosts": list(report.scan.hosts),
            "errors": [e.to_dict() for e in report.scan.errors],
            "passed": report.scan.passed,
        },
        "score": {
            "value": report.score,
            "weights": {severity.value: weight for severity, weight in WEIGHTS.items()},
            "counted": "share of passing results, each weighted by its severity",
        },
        "open": _counts(report.counts),
        "changes": {
            "compared": changes.compared,
            "previous_at": _when(changes.previous_at),
            "new": changes.new,
            "fixed": changes.fixed,
            "still_open": changes.still_open,
            "regressed": changes.regressed,
            "not_rechecked": changes.not_rechecked,
            "waived": changes.waived,
            "fixed_findings": [
                {
                    "check_id": item.check_id,
                    "severity": item.severity.value,
                    "title": item.title.to_dict(),
                    "host": item.host,
                    "location": item.location,
                }
                for item in changes.fixed_items
            ],
        },
        "trend": [
            {"finished_at": _when(p.finished_at), "score": p.score, "open": _counts(p.open)}
            for p in report.trend
        ],
        "actions": [_action(action) for action in report.actions],
        "manual": _action(report.manual) if report.manual else None,
        "waived": [_row(row) for row in report.waived],
        "check_errors": [_row(row) for row in report.check_errors],
    }


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def facility(report: FacilityReport, lang: str) -> str:
    return _dump(facility_document(report))


def rollup(report: RollupReport, lang: str) -> str:
    return _dump(
        {
            "hisguard": report.version,
            "schema": SCHEMA,
            "kind": "rollup",
            "generated_at": _when(report.generated_at),
            "facilities": [
                {
                    **_facility(row.facility),
                    "score": row.score,
                    "open": _counts(row.counts),
                    "trend": list(row.trend),
                    "finished_at": _when(row.finished_at),
                    "hosts_not_scanned": row.unscanned,
                    "report": row.href,
                }
                for row in report.rows
            ],
        }
    )


def _place(place: AccountPlace) -> dict[str, Any]:
    return {
        "facility": _facility(place.facility),
        **_finding(place.finding),
        "credential": _credential(place.credential),
        "first_seen": _when(place.first_seen),
        "last_seen": _when(place.last_seen),
        "present": place.present,
        "allowed_host": place.allowed,
    }


def _register(entry: RegisterEntry) -> dict[str, Any]:
    return {
        "facility": _facility(entry.facility),
        "name": entry.name,
        "holder": entry.holder,
        "purpose": entry.purpose,
        "allowed_hosts": list(entry.allowed_hosts),
        "granted": _when(entry.granted),
        "reviewed": _when(entry.reviewed),
    }


def account(report: AccountReport, lang: str) -> str:
    return _dump(
        {
            "hisguard": report.version,
            "schema": SCHEMA,
            "kind": "account",
            "generated_at": _when(report.generated_at),
            "username": report.username,
            "register_checked": report.register_given,
            "register": [_register(entry) for entry in report.register],
            "places": [_place(place) for place in report.places],
            "log_lines": [_place(place) for place in report.log_lines],
            "timeline": [
                {
                    "when": _when(event.when),
                    "event": event.kind.value,
                    "facility": event.place.facility.code,
                    "host": event.place.finding.host,
                    "location": event.place.location,
                    "fingerprint": event.place.finding.fingerprint,
                }
                for event in report.timeline
            ],
        }
    )
