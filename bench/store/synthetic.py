"""Synthetic scan runs for the store bench: realistic finding shapes, made fast and deterministic."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from hisguard.scanners.findings import Finding, Remediation, Run, Severity, Status, Text

START = datetime(2026, 1, 1, 1, 0, tzinfo=UTC)
SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
TITLE = Text(
    vi="Lộ mật khẩu cổng giám định BHYT trong tệp cấu hình", en="Portal password in a configuration file"
)
RATIONALE = Text(
    vi="Ai đọc được tệp là dùng được tài khoản.", en="Anyone who reads the file can use the account."
)
FIX = Remediation(
    text=Text(vi="Chuyển mật khẩu vào kho bí mật.", en="Move the password to the credential store."),
    role="credential_store",
    tags=("credential_store",),
)


def digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


def finding(facility: str, index: int, status: Status = Status.FAIL) -> Finding:
    host = f"his-app-{index % 50:02d}"
    resource = f"/opt/his/app-{index // 50}/appsettings.json"
    return Finding(
        check_id=f"C{index % 9 + 1:02d}",
        status=status,
        severity=SEVERITIES[index % len(SEVERITIES)],
        facility=facility,
        host=host,
        resource=resource,
        title=TITLE,
        fingerprint=digest(facility, host, resource, index),
        scanner="credentials",
        evidence="Password: Bv… (12 ký tự)",
        rationale=RATIONALE,
        remediation=FIX,
        references=("CV-1898-BYT-BH",),
        line=3 + index % 400,
        column=5,
        details={"kind": "portal-password", "username": f"{facility}_BV"},
    )


def run(facility: str, day: int, count: int, fixed_every: int = 0) -> Run:
    """One credentials run on ``day`` with ``count`` findings; every ``fixed_every``-th one passes."""
    when = START + timedelta(days=day)
    found = tuple(
        finding(facility, i, Status.PASS if fixed_every and (i + day) % fixed_every == 0 else Status.FAIL)
        for i in range(count)
    )
    return Run(
        id=digest("run", facility, day)[:32],
        started_at=when,
        finished_at=when + timedelta(minutes=5),
        scanners=("credentials",),
        facility=facility,
        hosts=tuple(f"his-app-{h:02d}" for h in range(50)),
        findings=found,
    )
