"""Fingerprints: stable, keyed, and never a carrier of the secret they identify."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from hisguard.scanners.findings import Finding, fingerprint, keyed_digest
from hisguard.scanners.keys import installation_key

from .factories import make_finding


def test_fingerprint_is_stable_and_ignores_the_line() -> None:
    first = make_finding(line=3)
    moved = make_finding(line=40)
    assert first.fingerprint == moved.fingerprint
    assert first.fingerprint == fingerprint("C01", "his-app-01", "/opt/his/appsettings.json", "Bv75901@")


def test_fingerprint_changes_with_check_host_resource_and_evidence() -> None:
    base = fingerprint("C01", "h", "/a", "x")
    assert (
        len(
            {
                base,
                fingerprint("C02", "h", "/a", "x"),
                fingerprint("C01", "g", "/a", "x"),
                fingerprint("C01", "h", "/b", "x"),
                fingerprint("C01", "h", "/a", "y"),
            }
        )
        == 5
    )


def test_fingerprint_depends_on_the_installation_key() -> None:
    assert fingerprint("C01", "h", "/a", "x", key=b"k" * 32) != fingerprint(
        "C01", "h", "/a", "x", key=b"j" * 32
    )


def test_fingerprint_holds_neither_the_secret_nor_its_plain_digest() -> None:
    secret = "Bv75901@"
    value = fingerprint("C01", "h", "/a", secret)
    assert secret not in value
    for digest in (hashlib.md5, hashlib.sha1, hashlib.sha256):
        assert digest(secret.encode()).hexdigest() not in value


def test_installation_key_created_once_with_mode_0600(hisguard_home: Path) -> None:
    key = installation_key()
    path = hisguard_home / "fingerprint.key"
    assert len(key) == 32 and path.read_bytes() == key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_keyed_digest_separates_purposes() -> None:
    assert keyed_digest("secret", "portal-password") != keyed_digest("secret", "portal-username")
    assert keyed_digest("secret", "portal-password") == keyed_digest("secret", "portal-password")


def test_finding_round_trips_through_its_dict() -> None:
    finding = make_finding()
    assert Finding.from_dict(finding.to_dict()) == finding


def test_the_severity_order_is_the_enum_order() -> None:
    from hisguard.scanners.findings import Severity

    assert [s.rank for s in Severity] == [4, 3, 2, 1, 0]
    assert Severity.HIGH.shifted(1) == Severity.CRITICAL and Severity.CRITICAL.shifted(1) == Severity.CRITICAL
    assert Severity.LOW.shifted(-1) == Severity.INFO and Severity.INFO.shifted(-3) == Severity.INFO
    assert Severity.MEDIUM.shifted(0) == Severity.MEDIUM and Severity.INFO.shifted(4) == Severity.CRITICAL


def test_vietnam_time_is_utc_plus_7() -> None:
    from datetime import UTC, datetime

    from hisguard.scanners.vietnam_time import VIETNAM, today_in_vietnam

    late = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)  # 00:30 on 2 March in Hà Nội
    assert today_in_vietnam(late).isoformat() == "2026-03-02"
    assert late.astimezone(VIETNAM).utcoffset().total_seconds() == 7 * 3600  # type: ignore[union-attr]
