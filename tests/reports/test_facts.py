"""Only known details keys reach a report, as short one-line strings; odd values do not break it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hisguard.reports import facts


def test_credential_facts_keep_known_keys_only() -> None:
    details = {
        "kind": "password",
        "username": "75901_BV",
        "owner": "hisapp",
        "mode": 0o640,
        "mtime": 1714550400,
        "password": "never shown",
    }
    c = facts.credential(details)
    assert c is not None
    assert (c.kind, c.account, c.username, c.owner, c.mode) == ("password", "", "75901_BV", "hisapp", "0640")
    assert c.mtime == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert "never shown" not in repr(c)


def test_missing_or_malformed_values_become_empty() -> None:
    assert facts.credential({}) is None
    assert facts.credential({"unrelated": 1}) is None
    c = facts.credential({"account": "egw-his", "mode": "644", "mtime": "not a date", "owner": ["x"]})
    assert c is not None
    assert (c.account, c.mode, c.mtime, c.owner) == ("egw-his", "0644", None, "")
    assert facts.parse_datetime("2025-04-01T09:15:00") == datetime(2025, 4, 1, 9, 15, tzinfo=UTC)
    assert facts.parse_datetime(True) is None


def test_waiver_and_line_folding() -> None:
    w = facts.waiver({"waiver": {"reason": "a\nb", "approver": "x" * 500, "expires": "2025-09-30T00:00:00"}})
    assert w is not None
    assert w.reason == "a b" and len(w.approver) == facts.MAX_FACT_LENGTH
    assert w.ticket == "" and w.expires == date(2025, 9, 30)
    assert facts.waiver({"waiver": "yes"}) is None


def test_the_credential_scanners_own_keys_are_read() -> None:
    # scanners/credentials/report.py writes "modified" and "uid", and an "exposure" list.
    details = {
        "kind": "password_hash",
        "key": "PasswordBHXH",
        "username": "75901_BV",
        "account": "egw-his",
        "mode": "0644",
        "uid": 1001,
        "modified": "2025-03-01T02:00:00+00:00",
        "exposure": ["world_readable", "web_root", {"odd": 1}],
        "lines": [3, 9],
    }
    c = facts.credential(details)
    assert c is not None
    assert (c.owner, c.mode, c.account) == ("uid 1001", "0644", "egw-his")
    assert c.mtime == datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
    assert c.exposure == ("world_readable", "web_root")
    assert (
        facts.waiver({"waiver_expired": {"reason": "r", "expires": "2025-01-31"}}, "waiver_expired")
        is not None
    )
