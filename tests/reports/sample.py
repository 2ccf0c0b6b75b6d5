"""Synthetic but realistic scan history, for the report tests and the report bench, without a lab.

Facilities carry Vietnamese names and real province codes; hosts follow the lab's naming; the
findings are real catalog entries (C, D, H, N families), their metadata taken from the check-id
registry: severity, vi/en title, rationale and remediation, the fixing role and tags, and
regulation keys. Each facility gets several scans a week apart in which
findings appear, persist, get fixed and come back, so every branch of the diff is exercised.

Everything is deterministic for a given seed, and fingerprints use a fixed sample key so
generating never creates an installation key.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from hisguard.reports.model import FacilityInfo
from hisguard.scanners.catalog import CheckMeta, ids
from hisguard.scanners.findings import Finding, Run, ScanError, Status, fingerprint

SAMPLE_KEY = b"hisguard-sample-key-not-a-secret"
SAMPLE_NOW = datetime(2025, 6, 2, 1, 30, tzinfo=UTC)  # 08:30 in Hà Nội time
SCANNERS = ("credentials", "config", "network")


@dataclass(frozen=True)
class SampleCheck:
    """A real catalog entry, the scanner whose catalog declares it, and where it tends to fail."""

    meta: CheckMeta
    scanner: str
    where: str  # "server", "workstation", "any", "db", "scan"
    family: str  # the entry's family (H02 for H02.1): what the sample's evidence depends on


# The catalog entries the sample fails, and on which kind of host; metadata comes from the catalogs.
SAMPLED = (
    ("C01", "server"),
    ("C02", "server"),
    ("C03", "server"),
    ("C04", "server"),
    ("C05", "server"),
    ("C08", "workstation"),
    ("D01", "workstation"),
    ("H01.1", "workstation"),
    ("H02.1", "any"),
    ("H03.1", "db"),
    ("H05.1", "any"),
    ("H06.1", "any"),
    ("H07.1", "any"),
    ("H08.1", "server"),
    ("H09.1", "any"),
    ("H10.1", "any"),
    ("H12.1", "any"),
    ("H13.1", "server"),
    ("H14.1", "any"),
    ("N01.telnet", "any"),
    ("N02", "any"),
    ("N03", "scan"),
)


def _sampled() -> tuple[SampleCheck, ...]:
    entries = ids.entries()
    return tuple(SampleCheck(entries[c], ids.catalog_of(c), where, ids.family(c)) for c, where in SAMPLED)


CHECKS = _sampled()
CHECKS_BY_FAMILY = {check.family: check for check in CHECKS}
REPEATABLE = ("H14", "N02")  # families that may fail many times on one host

PROVINCES = (
    ("75", "Đồng Nai", ("Biên Hòa", "Long Khánh", "Long Thành", "Nhơn Trạch", "Trảng Bom", "Định Quán")),
    ("74", "Bình Dương", ("Thủ Dầu Một", "Dĩ An", "Thuận An", "Bến Cát", "Tân Uyên")),
    ("79", "TP. Hồ Chí Minh", ("Thủ Đức", "Bình Thạnh", "Gò Vấp", "Tân Bình", "Củ Chi", "Hóc Môn")),
    ("77", "Bà Rịa - Vũng Tàu", ("Vũng Tàu", "Bà Rịa", "Phú Mỹ", "Xuyên Mộc", "Châu Đức")),
)
KINDS_OF_FACILITY = (
    "Bệnh viện Đa khoa khu vực {place}",
    "Trung tâm Y tế {place}",
    "Bệnh viện Nhi đồng {place}",
    "Phòng khám Đa khoa Tâm Đức {place}",
    "Bệnh viện Y học cổ truyền {place}",
    "Bệnh viện Phục hồi chức năng {place}",
)

CREDENTIAL_FILES = (
    ("/opt/his/appsettings.json", "BHXH.Password", "password", "hisapp", "0644"),
    ("/var/www/his/.env", "BHXH_EGW_PASSWORD", "password_md5", "www-data", "0644"),
    ("/opt/his/config/web.config", "PasswordBHXH", "password", "hisapp", "0640"),
    ("/root/backup/his_20250301.sql", "api_bhxh_password", "password_md5", "root", "0644"),
    ("/home/ketoan/tra_cuu_the.py", "PASSWORD_THONG_TUYEN_BHYT", "password", "ketoan", "0664"),
)
LOG_FILES = ("/var/log/nginx/access.log", "/var/log/squid/access.log", "/opt/his/logs/egw.log")
HISTORY_FILES = ("/root/.bash_history", "/etc/cron.d/gui-ho-so", "/home/hisadmin/.bash_history")
WRITABLE_FILES = ("/usr/local/bin/backup.sh", "/opt/his/bin/start.sh", "/etc/cron.daily/his-export")
EXPORT_DIRS = ("/home/tiepdon/Desktop/XML", "/home/ketoan/Downloads/ExportXml3176", "/srv/share/XML130")


def facilities(count: int, seed: int = 7) -> list[FacilityInfo]:
    """``count`` facilities with distinct codes and Vietnamese names, spread over provinces."""
    rng = random.Random(seed)
    result: list[FacilityInfo] = []
    used: set[str] = set()
    index = 0
    while len(result) < count:
        prefix, province, places = PROVINCES[index % len(PROVINCES)]
        place = places[(index // len(PROVINCES)) % len(places)]
        kind = KINDS_OF_FACILITY[index % len(KINDS_OF_FACILITY)]
        code = f"{prefix}{rng.randrange(1000):03d}"
        index += 1
        if code in used:
            continue
        used.add(code)
        result.append(FacilityInfo(code=code, name=kind.format(place=place), province=province))
    return result


def host_names(count: int) -> list[str]:
    """Servers first, like the lab: two HIS servers, a database, a scan host, then workstations."""
    servers = ["his-app-01", "his-app-02", "his-db-01", "scan-01"][: max(1, min(4, count))]
    return servers + [f"ws-{n:03d}" for n in range(1, count - len(servers) + 1)]


def _role_of(host: str) -> str:
    if host.startswith("ws-"):
        return "workstation"
    if host.startswith("his-db"):
        return "db"
    if host.startswith("scan-"):
        return "scan"
    return "server"


def _applies(check: SampleCheck, role: str) -> bool:
    return check.where in ("any", role) or (check.where == "server" and role == "db")


def _nth(paths: Sequence[str], index: int) -> str:
    """The index-th of a list of paths, numbered copies once the list is used up."""
    path = paths[index % len(paths)]
    return path if index < len(paths) else f"{path}.{index // len(paths)}"


@dataclass(frozen=True)
class _Candidate:
    """A problem that may exist on a host, and in which scans it shows."""

    finding: Finding
    present: tuple[bool, ...]  # one flag per scan, oldest first


def _evidence_and_details(
    check: SampleCheck, host: str, index: int, code: str, rng: random.Random, when: datetime
) -> tuple[str, int | None, str, dict[str, Any]]:
    """(resource, line, evidence, details) for one occurrence; evidence is redacted as scanners do."""
    account = f"{code}_BV"
    mtime = (when - timedelta(days=rng.randrange(3, 400), minutes=rng.randrange(1440))).isoformat()
    family = check.family
    if family == "C01":
        _, key, kind, owner, mode = CREDENTIAL_FILES[index % len(CREDENTIAL_FILES)]
        path = _nth([entry[0] for entry in CREDENTIAL_FILES], index)
        length = 32 if kind == "password_md5" else rng.randrange(6, 11)
        details = {"kind": kind, "account": account, "owner": owner, "mode": mode, "mtime": mtime}
        return path, rng.randrange(2, 120), f'{key}="{rng.choice("BvAbTt")}…" ({length} ký tự)', details
    if family == "C02":
        path = _nth(HISTORY_FILES, index)
        details = {"kind": "password", "account": account, "owner": "root", "mode": "0600", "mtime": mtime}
        return path, rng.randrange(1, 900), 'curl -d {"username":…,"password":"e1…" (32 ký tự)}', details
    if family == "C03":
        path = _nth([entry[0] for entry in CREDENTIAL_FILES], index)
        return path, rng.randrange(2, 120), "MD5 khớp danh sách mật khẩu phổ biến", {"account": account}
    if family == "C04":
        path = _nth(LOG_FILES, index)
        evidence = f"GET /api/egw/KQNhanLichSuKCB2019?token=ey…(412)&username={account}&password=(32 hex)"
        details = {"kind": "token", "account": account, "owner": "www-data", "mode": "0640", "mtime": mtime}
        return path, rng.randrange(1, 200000), evidence, details
    if family == "C05":
        return "/opt/his/appsettings.json", rng.randrange(2, 80), "http://egw.baohiemxahoi.gov.vn", {}
    if family == "C08":
        path = f"/home/tiepdon/.config/tra-cuu/storage_state_{index}.json"
        details = {"kind": "session", "account": account, "owner": "tiepdon", "mode": "0644", "mtime": mtime}
        return path, None, "cookie gdbhyt.baohiemxahoi.gov.vn (3 cookie)", details
    if family == "D01":
        path = _nth(EXPORT_DIRS, index)
        return path, None, f"{rng.randrange(20, 4000)} tệp XML, cũ nhất {rng.randrange(30, 700)} ngày", {}
    if family == "N01":
        port = rng.choice((21, 23, 445, 3389, 5900, 1433, 3306))
        return f"tcp/{port}", None, f"cổng {port} mở", {}
    if family == "N02":
        port = (8080, 8443, 9000, 10050, 5000, 8888)[index % 6] + 10 * (index // 6)
        return f"tcp/{port}", None, f"cổng {port} mở, không có trong danh sách cho phép", {}
    if family == "H14":
        return _nth(WRITABLE_FILES, index), None, "quyền 0777", {}
    if family == "N03":
        return f"198.18.{rng.randrange(256)}.{rng.randrange(2, 250)}", None, "máy lạ trả lời ping/ARP", {}
    resources = {
        "H01": ("/usr/bin/teamviewer", "teamviewerd đang chạy"),
        "H02": ("/etc/ssh/sshd_config", "PermitRootLogin yes; PasswordAuthentication yes"),
        "H03": ("tcp/5432", "postgres lắng nghe 0.0.0.0:5432"),
        "H05": ("/etc/security/pwquality.conf", "minlen=6; không có faillock"),
        "H06": ("/etc/sudoers.d/his", "hisadmin ALL=(ALL) NOPASSWD: ALL"),
        "H07": ("/etc/profile.d", "TMOUT chưa đặt"),
        "H08": ("auditd", "auditd không chạy; journald Storage=volatile"),
        "H09": ("systemd-timesyncd", "NTP tắt; lệch 214 s"),
        "H10": ("nftables", "chính sách input: accept"),
        "H12": ("unattended-upgrades", "tắt; 37 bản vá bảo mật đang chờ"),
        "H13": ("/etc/hisguard/credentials.yml", "quyền 0644, chủ ketoan"),
    }
    resource, evidence = resources[family]
    line = 12 if resource.startswith("/etc/ssh") else None
    return resource, line, evidence, {}


def _finding(
    check: SampleCheck,
    code: str,
    host: str,
    resource: str,
    line: int | None,
    evidence: str,
    details: dict[str, Any],
) -> Finding:
    # A fixed sample key: generating a sample never creates an installation key.
    return check.meta.finding(
        scanner=check.scanner,
        facility=code,
        host=host,
        resource=resource,
        material=evidence,
        evidence=evidence,
        line=line,
        details=details,
        key=SAMPLE_KEY,
    )


def _presence(rng: random.Random, scans: int, now: bool) -> tuple[bool, ...]:
    """When a problem shows, ending present (``now``) or fixed: persistent, new, regressed..."""
    roll = rng.random()
    if not now:
        start = 0 if roll < 0.7 else rng.randrange(scans - 1)
        return tuple(start <= i < scans - 1 for i in range(scans))  # fixed by the latest scan
    if scans == 1 or roll < 0.78:
        return (True,) * scans
    if roll < 0.90:
        return (False,) * (scans - 1) + (True,)  # new
    if roll < 0.95 and scans >= 3:
        return (True,) * (scans - 2) + (False, True)  # regressed
    start = rng.randrange(scans)
    return tuple(i >= start for i in range(scans))  # appeared some scans ago


def _candidates(
    info: FacilityInfo,
    hosts: Sequence[str],
    per_host: int,
    scans: int,
    rng: random.Random,
    must_fail: Sequence[str] = (),
) -> Iterator[_Candidate]:
    # Facilities differ: each fails its own subset of the checks (so scores spread out). H14 and
    # N02 always fail somewhere and may repeat (many files, many ports), so every host can get
    # ``per_host`` findings whatever the subset.
    keep = rng.uniform(0.1, 0.9)
    forced = (*REPEATABLE, *must_fail)
    failing = [c for c in CHECKS if rng.random() < keep or any(ids.covers(m, c.meta.id) for m in forced)]
    for host in hosts:
        applicable = [c for c in failing if _applies(c, _role_of(host))]
        # ``per_host`` problems open now, and a tenth more that earlier scans saw and are fixed.
        wanted = per_host + (per_host // 10 if scans > 1 else 0)
        produced = 0
        index = 0
        while produced < wanted:
            check = applicable[index % len(applicable)]
            occurrence = index // len(applicable)
            index += 1
            if occurrence and check.scanner != "credentials" and check.family not in REPEATABLE:
                continue  # most configuration checks fail at most once per host
            resource, line, evidence, details = _evidence_and_details(
                check, host, occurrence, info.code, rng, SAMPLE_NOW
            )
            # The network scanner reports an unmanaged machine under its own address.
            where = resource if check.family == "N03" else host
            produced += 1
            yield _Candidate(
                _finding(check, info.code, where, resource, line, evidence, details),
                _presence(rng, scans, now=produced <= per_host),
            )


def facility_runs(
    info: FacilityInfo,
    *,
    hosts: int = 8,
    findings_per_host: int = 6,
    scans: int = 4,
    seed: int = 1,
    now: datetime = SAMPLE_NOW,
    unreachable: int = 1,
    waived_ratio: float = 0.04,
    passed_per_host: int = 3,
    must_fail: Sequence[str] = (),
) -> list[Run]:
    """A week-spaced history of ``scans`` runs of one facility, oldest first.

    The newest run has about ``hosts * findings_per_host`` failing or waived findings, plus
    ``passed_per_host`` passing ones per host (coverage), and ``unreachable`` hosts it could not
    scan; the checks in ``must_fail`` fail somewhere whatever the facility's luck. Runs share
    Finding objects between scans, as a real rescan finds equal findings.
    """
    rng = random.Random(f"{seed}-{info.code}")
    names = host_names(hosts)
    candidates = list(_candidates(info, names, findings_per_host, scans, rng, must_fail))
    passing = [
        replace(
            _finding(check, info.code, host, "-", None, "", {}),
            status=Status.PASS,
            fingerprint=fingerprint(check.meta.id, host, "pass", key=SAMPLE_KEY),
        )
        for host in names
        for check in [c for c in CHECKS if c.scanner == "config" and _applies(c, _role_of(host))][
            :passed_per_host
        ]
    ]
    down = names[-unreachable:] if 0 < unreachable < len(names) else []
    waived = {id(c) for c in candidates if rng.random() < waived_ratio}
    runs = []
    for scan in range(scans):
        finished = now - timedelta(days=7 * (scans - 1 - scan))
        latest = scan == scans - 1
        skipped = set(down) if latest else set()
        found: list[Finding] = []
        for cand in candidates:
            if not cand.present[scan] or cand.finding.host in skipped:
                continue
            if latest and id(cand) in waived:
                found.append(_waive(cand.finding, rng, now))
            else:
                found.append(cand.finding)
        found += [f for f in passing if f.host not in skipped]
        if latest and len(names) > 2:
            found.append(_errored(info.code, names[1]))
        runs.append(
            Run(
                id=f"{info.code}-{scan:03d}-{seed}",
                started_at=finished - timedelta(minutes=4 + len(names) // 10),
                finished_at=finished,
                scanners=SCANNERS,
                facility=info.code,
                hosts=tuple(h for h in names if h not in skipped),
                errors=tuple(
                    ScanError(
                        scanner="config",
                        target=host,
                        message="SSH: connection timed out after 10 s (port 22)",
                        facility=info.code,
                    )
                    for host in sorted(skipped)
                ),
                findings=tuple(found),
            )
        )
    return runs


def _waive(finding: Finding, rng: random.Random, now: datetime) -> Finding:
    expires = (now + timedelta(days=rng.randrange(10, 180))).date().isoformat()
    waiver = {
        "reason": "Máy chờ thay thế trong quý 3; đã cô lập khỏi mạng khách",
        "approver": "Nguyễn Văn An (Phó Giám đốc)",
        "ticket": f"YC-2025-{rng.randrange(100, 999)}",
        "expires": expires,
    }
    return replace(finding, status=Status.WAIVED, details={**finding.details, "waiver": waiver})


def _errored(code: str, host: str) -> Finding:
    check = CHECKS_BY_FAMILY["H08"]
    return replace(
        _finding(check, code, host, "auditd", None, "auditctl -s: permission denied", {}),
        status=Status.ERROR,
        fingerprint=fingerprint(check.meta.id, host, "auditd-error", key=SAMPLE_KEY),
    )
