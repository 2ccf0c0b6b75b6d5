"""Realistic runs of the two lab facilities, built with the Finding model (what the scanners emit).

Facility 75901 (his-app-01, his-db-01, ws-01, ws-02) and 75902 (scan-02, his-app-02), with the
kinds of problems the lab plants: portal passwords in files, weak SSH, exposed database ports.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

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

HOSTS = {
    "75901": ("his-app-01", "his-db-01", "ws-01", "ws-02"),
    "75902": ("scan-02", "his-app-02"),
}

# (check id, scanner, severity, resource template, vi title, en title, role, tag)
PROBLEMS = (
    (
        "C01",
        "credentials",
        Severity.CRITICAL,
        "/opt/his/appsettings.json",
        "Lộ mật khẩu cổng giám định BHYT trong tệp cấu hình",
        "Portal password in a configuration file",
        "credential_store",
        "credential_store",
    ),
    (
        "C02",
        "credentials",
        Severity.CRITICAL,
        "/root/.bash_history",
        "Mật khẩu cổng giám định trong lịch sử lệnh",
        "Portal password in shell history",
        "credential_store",
        "credential_store",
    ),
    (
        "H02.1",
        "config",
        Severity.HIGH,
        "sshd:PermitRootLogin",
        "SSH cho phép đăng nhập bằng tài khoản root",
        "SSH allows root login",
        "ssh_hardening",
        "ssh",
    ),
    (
        "H02.2",
        "config",
        Severity.HIGH,
        "sshd:PasswordAuthentication",
        "SSH cho phép đăng nhập bằng mật khẩu",
        "SSH allows password login",
        "ssh_hardening",
        "ssh",
    ),
    (
        "H09",
        "config",
        Severity.LOW,
        "systemd-timesyncd",
        "Chưa bật đồng bộ thời gian",
        "Time synchronisation is off",
        "audit_logging",
        "time_sync",
    ),
    (
        "N01",
        "network",
        Severity.CRITICAL,
        "tcp/5432",
        "Cổng cơ sở dữ liệu mở ra mạng nội bộ",
        "Database port reachable on the LAN",
        "firewall",
        "firewall",
    ),
)


def finding(facility: str, host: str, problem: int, status: Status = Status.FAIL) -> Finding:
    check_id, scanner, severity, resource, vi, en, role, tag = PROBLEMS[problem]
    # Evidence material stands in for the secret or setting: only its HMAC is kept.
    material = hashlib.sha256(f"{facility}/{host}/{check_id}".encode()).hexdigest()
    return Finding(
        check_id=check_id,
        status=status,
        severity=severity,
        facility=facility,
        host=host,
        resource=resource,
        title=Text(vi=vi, en=en),
        fingerprint=fingerprint(check_id, host, resource, material),
        scanner=scanner,
        evidence="Password: Bv… (12 ký tự)" if scanner == "credentials" else "yes",
        rationale=Text(vi="Kẻ tấn công dùng được ngay.", en="An attacker can use it at once."),
        remediation=Remediation(
            text=Text(vi="Áp dụng vai trò tăng cứng.", en="Apply the role."), role=role, tags=(tag,)
        ),
        references=("QD-326-BYT",),
        line=3 if scanner == "credentials" else None,
        details={"kind": "password"} if scanner == "credentials" else {},
    )


def facility_run(
    facility: str,
    when: datetime,
    problems: dict[str, tuple[int, ...]] | None = None,
    errors: tuple[str, ...] = (),
    run_id: str | None = None,
) -> Run:
    """One ``scan all`` run; ``problems`` maps host -> indexes into PROBLEMS (default: all of them)."""
    hosts = HOSTS[facility]
    wanted = problems if problems is not None else {h: tuple(range(len(PROBLEMS))) for h in hosts}
    return Run(
        id=run_id or Run.new_id(),
        started_at=when - timedelta(minutes=3),
        finished_at=when,
        scanners=("credentials", "config", "network"),
        facility=facility,
        hosts=tuple(h for h in hosts if h not in errors),
        errors=tuple(
            ScanError(scanner="config", target=h, message="SSH timed out after 10 s", facility=facility)
            for h in errors
        ),
        findings=tuple(finding(facility, h, p) for h, idx in wanted.items() for p in idx),
    )


def day(n: int) -> datetime:
    """Noon UTC of day ``n`` of a fixed month: runs of a test are days apart, in a known order."""
    return datetime(2026, 10, 1, 12, 0, tzinfo=UTC) + timedelta(days=n)
