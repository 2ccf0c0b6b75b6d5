"""Signals that an account is being mined: facts worth a person's look, never a verdict.

- many card or history look-ups from one client within a day (CV 5715/BYT-BH: one facility's
  account made over a million look-ups a day);
- portal requests, portal commands or egress drops towards the portal from hosts the register
  does not list for the account (or from addresses no inventory host has);
- portal requests after the register says the account was revoked;
- tools that log in or look up automatically, and saved portal sessions (C08, C09).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from hisguard.reports.investigation.packlogs import LogFact, PackFacts, facts_of
from hisguard.reports.investigation.timeline import Account, Observation, _cites, _span, finding_cite
from hisguard.reports.model import AccountPlace
from hisguard.scanners.findings import Text

LOOKUPS_PER_DAY = 100  # the default threshold of "many look-ups from one client"
WINDOW = timedelta(hours=24)
_PORTAL_NAME = re.compile(r"bhxh|baohiemxahoi|gdbhyt|egw|gi[aá]m ?đ?d?[iị]nh|portal|cổng", re.IGNORECASE)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def portal_networks(egress_allowed: Iterable[object]) -> list[Network]:
    """The networks of the firewall role's egress entries that name the portal (by their name)."""
    found: list[Network] = []
    for entry in egress_allowed:
        if not isinstance(entry, Mapping) or not _PORTAL_NAME.search(str(entry.get("name") or "")):
            continue
        for net in entry.get("networks") or ():
            try:
                found.append(ipaddress.ip_network(str(net), strict=False))
            except ValueError:
                continue
    return found


def _in(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.split(":")[0] if address.count(":") == 1 else address)
    except ValueError:
        return False
    return any(ip in net for net in networks if net.version == ip.version)


def _window_peak(facts: Sequence[LogFact]) -> tuple[int, list[LogFact]]:
    """The most look-ups within any WINDOW, and those lines."""
    dated = sorted((f for f in facts if f.when), key=lambda f: f.when or datetime.min.replace(tzinfo=UTC))
    best: list[LogFact] = []
    start = 0
    for end, fact in enumerate(dated):
        assert fact.when is not None
        while dated[start].when is not None and fact.when - dated[start].when > WINDOW:  # type: ignore[operator]
            start += 1
        if end - start + 1 > len(best):
            best = dated[start : end + 1]
    return len(best), best


def mining_signals(
    pack: PackFacts | None,
    places: Sequence[AccountPlace],
    account: Account,
    addresses: Mapping[str, str],
    portal_nets: Sequence[Network] = (),
    threshold: int = LOOKUPS_PER_DAY,
) -> list[Observation]:
    signals: list[Observation] = []
    allowed = set(account.allowed_hosts)
    for place in places:
        if place.finding.check_id in ("C08", "C09"):
            what = (
                Text(
                    "công cụ tự động đăng nhập hoặc tra cứu cổng",
                    "a tool that logs in to or queries the portal",
                )
                if place.finding.check_id == "C09"
                else Text("phiên đăng nhập cổng được lưu lại", "a saved portal session")
            )
            signals.append(
                Observation(
                    "automation",
                    place.first_seen,
                    place.finding.host,
                    Text(
                        vi=f"Lần quét thấy {what.vi} trên {place.finding.host}: {place.location[:160]}",
                        en=f"A scan found {what.en} on {place.finding.host}: {place.location[:160]}",
                    ),
                    (finding_cite(place.finding),),
                )
            )
    if pack is None:
        return signals
    portal = list(facts_of(pack, ("portal",)))
    by_client: dict[str, list[LogFact]] = {}
    for fact in portal:
        by_client.setdefault(fact.source, []).append(fact)
    for source, facts in sorted(by_client.items()):
        client = addresses.get(source, "")
        name = f"{client} ({source})" if client else source
        lookups = [f for f in facts if f.lookup]
        peak, lines = _window_peak(lookups)
        if peak >= threshold:
            span = _span([f.when for f in lines if f.when])
            signals.append(
                Observation(
                    "many_lookups",
                    lines[0].when,
                    client or source,
                    Text(
                        vi=f"{peak} lượt tra cứu thẻ/lịch sử khám chữa bệnh từ {name} trong 24 giờ{span.vi} "
                        f"(ngưỡng {threshold})",
                        en=f"{peak} card/medical-history look-ups from {name} within 24 hours{span.en} "
                        f"(threshold {threshold})",
                    ),
                    tuple(_cites(lines)),
                )
            )
        if account.in_register and client not in allowed:
            span = _span(sorted(f.when for f in facts if f.when))
            where = (
                Text(
                    f"{client}, máy không được sổ đăng ký cho phép",
                    f"{client}, a host the register does not allow",
                )
                if client
                else Text(
                    f"{source}, địa chỉ không thuộc máy nào trong inventory",
                    f"{source}, no inventory host's address",
                )
            )
            signals.append(
                Observation(
                    "portal_not_allowed",
                    min((f.when for f in facts if f.when), default=None),
                    client or source,
                    Text(
                        vi=f"{len(facts)} yêu cầu tới cổng giám định BHYT từ {where.vi}{span.vi}",
                        en=f"{len(facts)} request(s) to the portal from {where.en}{span.en}",
                    ),
                    tuple(_cites(facts)),
                )
            )
    if account.in_register:
        history = [f for f in facts_of(pack, ("history",)) if f.host not in allowed]
        for host in sorted({f.host for f in history}):
            facts = [f for f in history if f.host == host]
            signals.append(
                Observation(
                    "history_not_allowed",
                    None,
                    host,
                    Text(
                        vi=f"Lịch sử lệnh trên {host} (máy không được sổ đăng ký cho phép) có {len(facts)} "
                        f"lệnh gọi cổng",
                        en=f"The shell history on {host} (a host the register does not allow) has "
                        f"{len(facts)} "
                        "command(s) calling the portal",
                    ),
                    tuple(_cites(facts)),
                )
            )
    egress = [
        f for f in facts_of(pack, ("egress",)) if portal_nets and _in(f.target.rsplit(":", 1)[0], portal_nets)
    ]
    for host in sorted({f.host for f in egress}):
        facts = [f for f in egress if f.host == host]
        span = _span(sorted(f.when for f in facts if f.when))
        allowed_here = host in allowed
        signals.append(
            Observation(
                "egress_portal",
                min((f.when for f in facts if f.when), default=None),
                host,
                Text(
                    vi=f"Tường lửa đầu ra của {host} chặn {len(facts)} kết nối tới địa chỉ "
                    f"cổng giám định BHYT{span.vi}"
                    + ("" if allowed_here else " (máy không được sổ đăng ký cho phép)"),
                    en=f"The egress allow-list of {host} dropped {len(facts)} connection(s) to the portal's "
                    f"addresses{span.en}" + ("" if allowed_here else " (a host the register does not allow)"),
                ),
                tuple(_cites(facts)),
            )
        )
    if account.revoked is not None:
        revoked_at = datetime(account.revoked.year, account.revoked.month, account.revoked.day, tzinfo=UTC)
        after = [f for f in portal if f.when and f.when >= revoked_at]
        if after:
            signals.append(
                Observation(
                    "used_after_revoked",
                    min(f.when for f in after if f.when),
                    "",
                    Text(
                        vi=f"{len(after)} yêu cầu tới cổng sau ngày sổ đăng ký ghi tài khoản đã thu hồi "
                        f"({account.revoked.isoformat()})",
                        en=f"{len(after)} portal request(s) after the date the register gives for the "
                        f"revocation "
                        f"({account.revoked.isoformat()})",
                    ),
                    tuple(_cites(after)),
                )
            )
    return signals
