"""The incident report for one portal account: where it was found, who may hold it, and when.

Every sighting of the account (a credential finding naming it, in any run) is folded by
fingerprint into one place with its first and last sighting; a place the facility's latest scan
no longer finds is kept and marked, because an investigation needs the history, not only today.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from hisguard.reports import facts
from hisguard.reports.model import (
    AccountPlace,
    AccountReport,
    EventKind,
    FacilityInfo,
    RegisterEntry,
    TimelineEvent,
)
from hisguard.reports.sources import Sighting
from hisguard.scanners import __version__
from hisguard.scanners.findings import utcnow

LOG_CHECK = "C04"  # credentials or tokens in URLs and logs


def _places(
    sightings: Iterable[Sighting],
    latest_runs: Mapping[str, Sequence[str]],
    info: Callable[[str], FacilityInfo],
    register: Sequence[RegisterEntry] | None,
) -> list[AccountPlace]:
    folded: dict[tuple[str, str], list[Sighting]] = {}
    for sighting in sightings:
        folded.setdefault((sighting.facility, sighting.finding.fingerprint), []).append(sighting)
    places = []
    for (code, _), seen in folded.items():
        seen.sort(key=lambda s: s.seen_at)
        latest = seen[-1].finding
        allowed: bool | None = None
        if register is not None:
            allowed = any(
                entry.facility.code == code and latest.host in entry.allowed_hosts for entry in register
            )
        places.append(
            AccountPlace(
                facility=info(code),
                finding=latest,
                credential=facts.credential(latest.details),
                first_seen=seen[0].seen_at,
                last_seen=seen[-1].seen_at,
                present=seen[-1].run_id in latest_runs.get(code, ()),
                allowed=allowed,
            )
        )
    places.sort(key=lambda p: (p.first_seen, p.facility.code, p.finding.host, p.finding.resource))
    return places


def _timeline(places: Sequence[AccountPlace], latest_time: Mapping[str, datetime]) -> list[TimelineEvent]:
    events = []
    for place in places:
        is_log = place.finding.check_id == LOG_CHECK
        if place.credential and place.credential.mtime and not is_log:
            events.append(TimelineEvent(place.credential.mtime, EventKind.MODIFIED, place))
        events.append(
            TimelineEvent(place.first_seen, EventKind.LOGGED if is_log else EventKind.FIRST_SEEN, place)
        )
        gone_at = latest_time.get(place.facility.code)
        if not place.present and gone_at is not None:
            events.append(TimelineEvent(gone_at, EventKind.GONE, place))
    order = list(EventKind)
    events.sort(key=lambda e: (e.when, order.index(e.kind), e.place.finding.host, e.place.finding.resource))
    return events


def build_account_report(
    username: str,
    sightings: Iterable[Sighting],
    *,
    latest_runs: Mapping[str, Sequence[str]],
    latest_time: Mapping[str, datetime],
    info: Callable[[str], FacilityInfo],
    register: Sequence[RegisterEntry] | None,
    now: datetime | None = None,
) -> AccountReport:
    """``register`` is None when no inventory was read: then "allowed" cannot be judged."""
    places = _places(sightings, latest_runs, info, register)
    return AccountReport(
        username=username,
        places=tuple(p for p in places if p.finding.check_id != LOG_CHECK),
        log_lines=tuple(p for p in places if p.finding.check_id == LOG_CHECK),
        register=tuple(register or ()),
        register_given=register is not None,
        timeline=tuple(_timeline(places, latest_time)),
        generated_at=now or utcnow(),
        version=__version__,
    )
