"""The account incident report: which findings are the account's, places folded, the timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hisguard.reports.account import build_account_report
from hisguard.reports.context import account_query
from hisguard.reports.model import EventKind, FacilityInfo, RegisterEntry
from hisguard.reports.sources import AccountQuery, DocumentSource
from hisguard.scanners.findings import Finding, Status

from .helpers import INFO, T0, finding, run

WEEK = timedelta(days=7)
OTHER = FacilityInfo("75902", "Trung tâm Y tế Lab Huyện Long Thành", "Đồng Nai")


def _cred(
    check_id: str = "C01", host: str = "his-app-01", resource: str = "/opt/his/.env", **details: object
) -> Finding:
    return finding(
        check_id,
        host=host,
        resource=resource,
        scanner="credentials",
        role=None,
        tags=(),
        details=details,
        evidence='BHXH_EGW_PASSWORD="Bv…" (9)',
    )


def test_which_findings_name_the_account() -> None:
    query = AccountQuery("75901_BV", {"75901": frozenset({"egw-his"})})
    assert query.matches(_cred(username="75901_BV"), "75901")
    assert query.matches(_cred(username="75901_bv"), "75901")  # usernames are case-insensitive
    assert query.matches(_cred(account="egw-his"), "75901")  # matched by the register, no username
    assert not query.matches(_cred(account="egw-his"), "75902")  # same name, other facility's account
    assert not query.matches(_cred(username="175901_BV"), "75901")
    log = finding("C04", scanner="credentials", evidence="GET /api/egw/x?username=75901_BV&token=ey…")
    assert query.matches(log, "75901")
    assert not query.matches(finding("C04", scanner="credentials", evidence="username=175901_BV"), "75901")
    assert not query.matches(_cred(username="75901_BV").with_status(Status.PASS), "75901")
    assert not query.matches(finding("C11", scanner="credentials", details={"account": "egw-his"}), "75901")
    assert not query.matches(finding("H02", evidence="75901_BV"), "75901")  # not a credential finding


def test_places_are_folded_across_runs_with_first_and_last_seen() -> None:
    kept = _cred(username="75901_BV", owner="hisapp", mode="0644", mtime="2025-04-20T03:00:00+00:00")
    gone = _cred(host="ws-01", resource="/home/ketoan/tra_cuu.py", username="75901_BV")
    log = finding(
        "C04",
        host="his-app-02",
        resource="/var/log/nginx/access.log",
        scanner="credentials",
        evidence="GET ?username=75901_BV&password=(32 hex)",
    )
    runs = [run([kept, gone], T0), run([kept, gone, log], T0 + WEEK), run([kept, log], T0 + 2 * WEEK)]
    source = DocumentSource(runs)
    register = [RegisterEntry(INFO, "egw-his", "Phòng CNTT", "HIS", ("his-app-01",), None, None)]
    report = build_account_report(
        "75901_BV",
        source.sightings(account_query("75901_BV", register)),
        latest_runs={"75901": source.latest_runs("75901")},
        latest_time={"75901": T0 + 2 * WEEK},
        info=lambda code: INFO,
        register=register,
        now=T0,
    )
    places = {p.finding.host: p for p in report.places}
    assert set(places) == {"his-app-01", "ws-01"}
    assert places["his-app-01"].first_seen == T0 and places["his-app-01"].last_seen == T0 + 2 * WEEK
    assert places["his-app-01"].present and places["his-app-01"].allowed is True
    assert not places["ws-01"].present and places["ws-01"].allowed is False
    assert [p.finding.check_id for p in report.log_lines] == ["C04"]
    assert report.log_lines[0].first_seen == T0 + WEEK
    events = [(e.when, e.kind, e.place.finding.host) for e in report.timeline]
    assert events == sorted(events, key=lambda e: e[0])
    assert (datetime(2025, 4, 20, 3, 0, tzinfo=UTC), EventKind.MODIFIED, "his-app-01") in events
    assert (T0 + WEEK, EventKind.LOGGED, "his-app-02") in events
    assert (T0 + 2 * WEEK, EventKind.GONE, "ws-01") in events


def test_without_an_inventory_nothing_is_judged_allowed() -> None:
    source = DocumentSource([run([_cred(username="75901_BV")], T0)])
    report = build_account_report(
        "75901_BV",
        source.sightings(account_query("75901_BV", None)),
        latest_runs={"75901": source.latest_runs("75901")},
        latest_time={},
        info=lambda code: INFO,
        register=None,
    )
    assert not report.register_given and report.places[0].allowed is None
    empty = build_account_report(
        "nobody", [], latest_runs={}, latest_time={}, info=lambda c: OTHER, register=[]
    )
    assert empty.register_given and not empty.places and not empty.timeline
