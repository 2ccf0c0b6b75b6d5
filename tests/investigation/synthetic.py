"""A synthetic case for the timeline, signals and notices tests: a store and a pack, no lab.

The lab inventory's register (egw-his / 75901_BV, allowed on his-app-01 only) and its host
addresses; a store with one credential scan; a pack whose logs show portal look-ups from ws-02
(many), from an address no host has, an egress drop on ws-01 towards the portal, logins near and
far from the sightings, a shell history on ws-01, and one log line where the collector's
redaction "missed" the real password (the timeline must redact it again).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hisguard.lab import vault as lab_vault
from hisguard.scanners.evidence.pack import PackWriter
from hisguard.scanners.findings import Finding, Run, Severity, Status, Text, fingerprint
from hisguard.scanners.inventory import Inventory, load_inventory
from hisguard.scanners.store import Store
from tests.conftest import REPO

INVENTORY = REPO / "inventories/lab"
VAULT = REPO / "inventories/lab/vault-password.txt"
SCAN_AT = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
MTIME = "2025-03-01T01:10:00+00:00"
PORTAL_NET = "203.0.113.64/26"
CARDS = 40
LOOKUPS = 120


def inventory() -> Inventory:
    return load_inventory([INVENTORY], str(VAULT), lab_vault.vault_ids())


def password(inv: Inventory) -> str:
    account = next(a for a in inv.facility("75901").portal_accounts if a.name == "egw-his")
    assert account.password is not None
    return account.password.reveal()


def _finding(check_id: str, host: str, resource: str, **details: object) -> Finding:
    return Finding(
        check_id=check_id,
        status=Status.FAIL,
        severity=Severity.CRITICAL,
        facility="75901",
        host=host,
        resource=resource,
        title=Text(vi=f"Tiêu đề {check_id}", en=f"Title {check_id}"),
        fingerprint=fingerprint(check_id, host, resource),
        scanner="credentials",
        evidence="PasswordBHXH = <password, up to 8 chars, fp 3f9a1c0b2d>",
        details=dict(details),
    )


def findings() -> list[Finding]:
    return [
        _finding(
            "C01",
            "his-app-01",
            "/opt/his/appsettings.json",
            username="75901_BV",
            kind="password",
            modified=MTIME,
        ),
        _finding(
            "C07",
            "his-app-01",
            "/var/www/his/assets/index-Dk3f9XqA.js",
            username="75901_BV",
            kind="password",
            exposure=["world_readable", "web_root", "bundle"],
        ),
        _finding(
            "C01", "ws-01", "/home/nhanvien/Documents/TaiKhoan_dung_chung.xlsx!Sheet1", account="egw-his"
        ),
        _finding("C09", "ws-01", "/home/nhanvien/bhxh/tra_cuu_lich_su.py", account="egw-his"),
        _finding("D01", "his-app-01", "/var/www/his/exports", files=3, roots={"GIAMDINHHS": 3}),
        _finding("D02", "his-app-01", "/var/www/his/exports/GD_75901_20250303_003.xml"),
        _finding("D01", "his-db-01", "/srv/other", files=50),  # a host the account was never on
    ]


def store(tmp: Path) -> str:
    url = f"sqlite:///{tmp / 'store.db'}"
    run = Run(
        id="run-75901-synthetic",
        started_at=SCAN_AT - timedelta(minutes=5),
        finished_at=SCAN_AT,
        scanners=("credentials",),
        facility="75901",
        hosts=("his-app-01", "ws-01", "his-db-01"),
        errors=(),
        findings=tuple(findings()),
    )
    s = Store(url)
    try:
        s.save_runs([run])
    finally:
        s.close()
    return url


def _web_lines(secret: str) -> bytes:
    lines: list[str] = []
    start = datetime(2025, 3, 2, 9, 0)
    for i in range(LOOKUPS):
        at = start + timedelta(seconds=40 * i)
        card = f"DN479{i % CARDS:010d}"
        lines.append(
            f'198.18.0.22 - - [{at:%d/%b/%Y:%H:%M:%S} +0700] "GET /api/egw/NhanLichSuKCB2018?maThe={card}'
            # As the collector's redaction leaves a line: the redacted forms hold spaces.
            "&token=<secret, 33-64 chars, fp 449387ddf4>&id_token=<token, 33-64 chars, fp bafb26608c>"
            '&password=<secret, 17-32 chars, fp 267b2190d6> HTTP/1.1" 200 5120 "-" "python-requests/2.31"'
        )
    lines.append(
        '198.18.0.10 - - [01/Mar/2025:08:15:41 +0700] "GET /api/egw/NhanLichSuKCB2018?username=75901_BV '
        'HTTP/1.1" 200 5120 "-" "HisClient/3.2"'
    )
    lines.append(
        '203.0.113.5 - - [02/Mar/2025:23:01:00 +0700] "POST /api/token/take HTTP/1.1" 200 90 "-" "curl/8.0"'
    )
    lines.append(
        '198.18.0.21 - - [01/Mar/2025:08:12:03 +0700] "GET /his/ HTTP/1.1" 200 1432 "-" "Mozilla/5.0"'
    )
    # The collector's redaction is assumed to have missed this one: the timeline must not quote it.
    lines.append(
        f'198.18.0.22 - - [02/Mar/2025:10:00:00 +0700] "GET /api/egw/NhanLichSuKCB2018?password={secret} '
        'HTTP/1.1" 200 1 "-" "x"'
    )
    return ("\n".join(lines) + "\n").encode()


AUTH = (
    "2025-03-01T07:55:00.000000+07:00 his-app-01 sshd[811]: Accepted password for root from 198.18.0.21 port "
    "51514 ssh2\n"
    "2025-03-01T07:56:00.000000+07:00 his-app-01 sudo:   hisadmin : TTY=pts/0 ; PWD=/root ; USER=root ; "
    "COMMAND=/usr/bin/cat\n"
    "2025-01-20T07:55:00.000000+07:00 his-app-01 sshd[700]: Accepted publickey for hisadmin from 198.18.0.1 "
    "port 5000 ssh2\n"
    "2025-03-02T03:00:00.000000+07:00 his-app-01 sshd[900]: Failed password for invalid user admin from "
    "198.18.0.99 port 4 ssh2\n"
)
EGRESS = (
    "2025-03-02T08:59:00.000000+07:00 ws-01 kernel: hisguard drop: out: IN= OUT=host0 SRC=198.18.0.21 "
    "DST=203.0.113.77 LEN=60 TOS=0x00 PROTO=TCP SPT=40000 DPT=443 WINDOW=64240 SYN\n"
    "2025-03-02T09:00:00.000000+07:00 ws-01 kernel: hisguard drop: out: IN= OUT=host0 SRC=198.18.0.21 "
    "DST=192.0.2.1 LEN=60 PROTO=TCP SPT=40001 DPT=443\n"
)
HISTORY = (
    "cd bhxh\n"
    "curl -s -X POST https://egw.baohiemxahoi.gov.vn/api/token/take -d @login.json\n"
    "python3 tra_cuu_lich_su.py\n"
)
CLAIM_XML = (
    b'<?xml version="1.0" encoding="utf-8"?><GIAMDINHHS><THONGTINHOSO><DANHSACHHOSO>'
    b"<HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO></FILEHOSO></HOSO>"
    b"<HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO></FILEHOSO></HOSO>"
    b"</DANHSACHHOSO></THONGTINHOSO></GIAMDINHHS>"
)


def pack(root: Path, secret: str, extra: Sequence[tuple[str, str, str, bytes, str]] = ()) -> Path:
    writer = PackWriter(
        root,
        "EV-20250303T030000Z-synthetic",
        {
            "created_at": "2025-03-03T03:00:00+00:00",
            "collector": "t",
            "subject": {"account": "egw-his", "username": "75901_BV"},
            "hosts": ["his-app-01", "ws-01"],
            "errors": [],
        },
    )
    stamp = {"collected_at": "2025-03-03T03:00:00+00:00", "collector": "t"}
    writer.add(
        "file", "his-app-01", "/opt/his/appsettings.json", f'{{"Password": "{secret}"}}\n'.encode(), **stamp
    )
    writer.add("file", "his-app-01", "/var/www/his/exports/GD_75901_20250301_001.xml", CLAIM_XML, **stamp)
    writer.add(
        "log", "his-app-01", "/var/log/his/access.log", _web_lines(secret), note="web excerpt", **stamp
    )
    writer.add("log", "his-app-01", "/var/log/auth.log", AUTH.encode(), note="auth excerpt", **stamp)
    writer.add("log", "ws-01", "/var/log/kern.log", EGRESS.encode(), note="egress excerpt", **stamp)
    writer.add(
        "log", "ws-01", "/home/nhanvien/.bash_history", HISTORY.encode(), note="history excerpt", **stamp
    )
    for kind, host, path, data, note in extra:
        writer.add(kind, host, path, data, note=note, **stamp)
    writer.finish()
    return root
