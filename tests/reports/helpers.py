"""Builders for the report tests: hand-made findings and runs, and synthetic histories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from hisguard.reports.build import build_facility_report
from hisguard.reports.model import FacilityInfo, FacilityReport
from hisguard.reports.scans import FacilityHistory, Scan, group_runs, history_from_scans
from hisguard.scanners.findings import (
    Finding,
    Remediation,
    Run,
    ScanError,
    Severity,
    Status,
    Text,
    fingerprint,
)
from tests.reports import sample

KEY = b"report-tests-key-0123456789abcdef"
T0 = datetime(2025, 5, 5, 1, 0, tzinfo=UTC)
# Planted where no report may show it: unknown details keys, an unknown waiver key, the vault.
CANARY = "CANARY-s3cr3t-7Zq"
INFO = FacilityInfo(code="75901", name="Bệnh viện Đa khoa Lab Đồng Nai", province="Đồng Nai")


def finding(
    check_id: str = "H02",
    host: str = "his-app-01",
    resource: str = "/etc/ssh/sshd_config",
    *,
    status: Status = Status.FAIL,
    severity: Severity = Severity.HIGH,
    scanner: str = "config",
    role: str | None = "ssh_hardening",
    tags: tuple[str, ...] = ("ssh",),
    references: tuple[str, ...] = ("QD-326-BYT", "ND-331-2026"),
    evidence: str = "PermitRootLogin yes",
    line: int | None = 12,
    details: Mapping[str, Any] | None = None,
    facility: str = "75901",
) -> Finding:
    return Finding(
        check_id=check_id,
        status=status,
        severity=severity,
        facility=facility,
        host=host,
        resource=resource,
        title=Text(vi=f"Tiêu đề {check_id}", en=f"Title {check_id}"),
        fingerprint=fingerprint(check_id, host, resource, key=KEY),
        scanner=scanner,
        evidence=evidence,
        rationale=Text(vi="Vì sao: rủi ro lộ dữ liệu", en="Why: data may leak"),
        remediation=Remediation(text=Text(vi="Cách sửa", en="How to fix"), role=role, tags=tags),
        references=references,
        line=line,
        details=dict(details or {}),
    )


def run(
    found: Sequence[Finding],
    when: datetime,
    *,
    hosts: Sequence[str] = ("his-app-01", "his-app-02", "ws-01"),
    errors: Sequence[ScanError] = (),
    scanners: Sequence[str] = ("credentials", "config", "network"),
    facility: str = "75901",
    run_id: str | None = None,
) -> Run:
    return Run(
        id=run_id or f"run-{facility}-{when:%Y%m%d%H%M}-{'-'.join(scanners)}",
        started_at=when - timedelta(minutes=3),
        finished_at=when,
        scanners=tuple(scanners),
        facility=facility,
        hosts=tuple(hosts),
        errors=tuple(errors),
        findings=tuple(found),
    )


def history(*runs: Run) -> FacilityHistory:
    return history_from_scans([Scan(group) for group in group_runs(runs)])


def sample_history(info: FacilityInfo, **kwargs: Any) -> FacilityHistory:
    return history(*sample.facility_runs(info, **kwargs))


def sample_report(info: FacilityInfo = INFO, inventory: Sequence[str] = (), **kwargs: Any) -> FacilityReport:
    return build_facility_report(sample_history(info, **kwargs), info, inventory=inventory, now=T0)


def canary_runs() -> list[Run]:
    """Two runs whose findings carry the canary in every place a report must never show."""
    leaky = {
        "kind": "password",
        "account": "75901_BV",
        "owner": "hisapp",
        "mode": 0o644,
        "mtime": "2025-04-01T09:15:00+07:00",
        "password": CANARY,
        "raw_line": f"PasswordBHXH={CANARY}",
        "debug": {"match": CANARY},
    }
    waiver = {
        "reason": "Chờ thay máy",
        "approver": "Trần Thị Bình",
        "ticket": "YC-1",
        "expires": "2025-09-30",
        "secret_note": CANARY,
    }
    before = [
        finding(
            "C01",
            resource="/opt/his/appsettings.json",
            severity=Severity.CRITICAL,
            scanner="credentials",
            role="credential_store",
            tags=("credential_store",),
            details=leaky,
            evidence='Password="Bv…" (9)',
        ),
    ]
    now = [
        *before,
        finding(
            "C04",
            host="his-app-02",
            resource="/var/log/nginx/access.log",
            scanner="credentials",
            role=None,
            tags=(),
            details={**leaky, "kind": "token"},
            line=88,
            evidence="GET /api/egw/KQNhanLichSuKCB2019?token=ey…&username=75901_BV",
        ),
        finding("H02", host="ws-01", status=Status.WAIVED, details={"waiver": waiver, "note": CANARY}),
        finding(
            "H08",
            host="his-app-02",
            resource="auditd",
            status=Status.ERROR,
            role="audit_logging",
            tags=("audit_rules",),
            details={"stderr": CANARY},
            evidence="auditctl: permission denied",
        ),
    ]
    return [run(before, T0), run(now, T0 + timedelta(days=7))]
