"""Small builders of findings and runs for the foundation tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from hisguard.scanners.findings import (
    Finding,
    Remediation,
    Run,
    ScanError,
    Severity,
    Status,
    Text,
    fingerprint,
    utcnow,
)


def make_finding(
    check_id: str = "C01",
    host: str = "his-app-01",
    resource: str = "/opt/his/appsettings.json",
    secret: str = "Bv75901@",
    severity: Severity = Severity.CRITICAL,
    status: Status = Status.FAIL,
    line: int | None = 3,
) -> Finding:
    return Finding(
        check_id=check_id,
        status=status,
        severity=severity,
        facility="75901",
        host=host,
        resource=resource,
        title=Text(vi="Lộ mật khẩu cổng giám định BHYT", en="Portal password exposed"),
        fingerprint=fingerprint(check_id, host, resource, secret),
        scanner="credentials",
        evidence=f"Password: {secret[:2]}… ({len(secret)} ký tự)",
        rationale=Text(
            vi="Ai đọc được tệp là dùng được tài khoản.", en="Anyone who reads the file can use it."
        ),
        remediation=Remediation(
            text=Text(vi="Chuyển mật khẩu vào kho bí mật.", en="Move the password to the store."),
            role="credential_store",
            tags=("credential_store",),
        ),
        references=("CV-1898-BYT-BH",),
        line=line,
        column=5,
        details={"kind": "password"},
    )


def make_run(
    found: tuple[Finding, ...],
    when: datetime | None = None,
    errors: tuple[ScanError, ...] = (),
    hosts: tuple[str, ...] = ("his-app-01",),
) -> Run:
    finished = when or utcnow()
    return Run(
        id=Run.new_id(),
        started_at=finished - timedelta(seconds=5),
        finished_at=finished,
        scanners=("credentials",),
        facility="75901",
        hosts=hosts,
        errors=errors,
        findings=found,
    )
