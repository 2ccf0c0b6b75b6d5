"""One account's timeline: what the store's scans and a collected pack's logs show, in order.

Each entry is an observation ("the scan of ... found ... in ...", "line 12 of E0004 shows a
portal request from 198.18.0.22"), each citing its evidence: a finding's fingerprint and the
run that saw it, or a pack item's id and SHA-256. Nothing here says who leaked the account or
why; the notices quote these observations and leave the conclusions to people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hisguard.reports.account import LOG_CHECK
from hisguard.reports.investigation.packlogs import LogFact, PackFacts, facts_of
from hisguard.reports.model import AccountPlace
from hisguard.scanners.findings import Finding, Text
from hisguard.scanners.vietnam_time import VIETNAM

AROUND = timedelta(days=2)  # logins this close to a sighting or a portal request are listed
MAX_LOGINS = 40  # logins listed per timeline (the rest are counted)
CLAIM_CHECKS = ("D01", "D02", "D03")


@dataclass(frozen=True)
class Cite:
    """One piece of evidence: a pack item (id, SHA-256) or a finding (fingerprint, run)."""

    ref: str  # E0004 | finding 1a2b3c4d5e6f
    sha256: str = ""
    detail: str = ""  # line 12 | run 2026-...

    def text(self) -> str:
        parts = [self.ref]
        if self.sha256:
            parts.append(f"sha256 {self.sha256[:16]}")
        if self.detail:
            parts.append(self.detail)
        return ", ".join(parts)


@dataclass(frozen=True)
class Observation:
    kind: str
    when: datetime | None
    host: str
    text: Text
    cites: tuple[Cite, ...]


@dataclass(frozen=True)
class Account:
    """The account as the register gives it (empty fields: not in the register)."""

    username: str
    name: str = ""
    facility: str = ""
    holder: str = ""
    allowed_hosts: tuple[str, ...] = ()
    in_register: bool = False
    revoked: date | None = None
    is_revoked: bool = False


@dataclass(frozen=True)
class Estimate:
    """Affected patients, where the evidence gives a count, and how it was counted."""

    count: int
    method: Text
    cites: tuple[Cite, ...]


@dataclass(frozen=True)
class Timeline:
    account: Account
    pack_id: str
    pack_created: datetime | None
    observations: tuple[Observation, ...]  # oldest first; undated (shell history) last
    signals: tuple[Observation, ...] = ()
    data_classes: tuple[Text, ...] = ()
    estimates: tuple[Estimate, ...] = ()
    hosts: tuple[str, ...] = ()  # every host the timeline names
    portal_users: tuple[str, ...] = ()  # hosts (or addresses) seen using the portal
    notes: tuple[Text, ...] = field(default_factory=tuple)  # what could not be read or judged


def finding_cite(finding: Finding, run: str = "") -> Cite:
    return Cite(f"finding {finding.fingerprint[:12]}", detail=f"run {run}" if run else "")


def fact_cite(fact: LogFact) -> Cite:
    return Cite(fact.item.id, fact.item.sha256, f"line {fact.line_no}")


def _where(place: AccountPlace) -> str:
    loc = place.location
    return loc if len(loc) <= 160 else loc[:159] + "…"


def store_observations(places: Sequence[AccountPlace], account: Account) -> list[Observation]:
    """First sightings, file times, hosts off the register, web roots and bundles, from the scans."""
    found: list[Observation] = []
    off_register: dict[str, list[AccountPlace]] = {}
    modified: dict[tuple[str, str, datetime], list[Cite]] = {}
    for place in places:
        finding = place.finding
        cite = finding_cite(finding)
        host, where = finding.host, _where(place)
        is_log = finding.check_id == LOG_CHECK
        found.append(
            Observation(
                "logged" if is_log else "first_seen",
                place.first_seen,
                host,
                Text(
                    vi=f"Lần quét đầu tiên thấy tài khoản ({finding.check_id}) trên {host}: {where}",
                    en=f"First scan that found the account ({finding.check_id}) on {host}: {where}",
                ),
                (cite,),
            )
        )
        credential = place.credential
        if credential and credential.mtime and not is_log:
            # One line per file and time: several findings in one file share its modification time.
            modified.setdefault((host, finding.resource, credential.mtime), []).append(cite)
        if place.allowed is False and account.in_register:
            off_register.setdefault(host, []).append(place)
        exposure = set(credential.exposure if credential else ())
        if finding.check_id == "C07" or "bundle" in exposure:
            found.append(
                Observation(
                    "bundle",
                    place.first_seen,
                    host,
                    Text(
                        vi=f"Tài khoản nằm trong tệp JavaScript phục vụ ra web trên {host}: {where}",
                        en=f"The account is in a JavaScript bundle served to browsers on {host}: {where}",
                    ),
                    (cite,),
                )
            )
        elif "web_root" in exposure:
            found.append(
                Observation(
                    "web_root",
                    place.first_seen,
                    host,
                    Text(
                        vi=f"Tài khoản nằm dưới thư mục gốc web trên {host}: {where}",
                        en=f"The account is under a web root on {host}: {where}",
                    ),
                    (cite,),
                )
            )
    for (host, path, mtime), cites in sorted(modified.items()):
        shown = path if len(path) <= 160 else path[:159] + "…"
        found.append(
            Observation(
                "modified",
                mtime,
                host,
                Text(
                    vi=f"Thời điểm sửa đổi của tệp chứa tài khoản trên {host}: {shown}",
                    en=f"Modification time of the file holding the account on {host}: {shown}",
                ),
                tuple(cites),
            )
        )
    allowed = ", ".join(account.allowed_hosts) or "không máy nào"
    allowed_en = ", ".join(account.allowed_hosts) or "no host"
    for host, held in sorted(off_register.items()):
        found.append(
            Observation(
                "not_allowed",
                min(p.first_seen for p in held),
                host,
                Text(
                    vi=f"{host} không có trong danh sách máy được phép giữ tài khoản của sổ đăng ký "
                    f"({allowed}); "
                    f"tài khoản được thấy ở {len(held)} chỗ trên máy này",
                    en=f"{host} is not among the hosts the register allows to hold the account "
                    f"({allowed_en}); "
                    f"the account was found in {len(held)} place(s) on it",
                ),
                tuple(finding_cite(p.finding) for p in held),
            )
        )
    return found


def portal_observations(
    pack: PackFacts, addresses: Mapping[str, str]
) -> tuple[list[Observation], dict[str, list[LogFact]]]:
    """Portal requests in the web logs and shell histories, one observation per client and log."""
    by_client: dict[tuple[str, str, str], list[LogFact]] = {}
    for fact in facts_of(pack, ("portal", "history")):
        client = addresses.get(fact.source, fact.source) if fact.kind == "portal" else fact.host
        by_client.setdefault((fact.kind, client, fact.item.id), []).append(fact)
    found: list[Observation] = []
    users: dict[str, list[LogFact]] = {}
    for (kind, client, _), facts in sorted(by_client.items()):
        users.setdefault(client, []).extend(facts)
        dated = sorted(f.when for f in facts if f.when)
        targets = sorted({f.target for f in facts if f.target})[:3]
        host = facts[0].host
        span = _span(dated)
        if kind == "portal":
            text = Text(
                vi=f"Nhật ký web của {host} ghi {len(facts)} yêu cầu tới cổng giám định BHYT từ "
                f"{client}{span.vi}"
                f" ({', '.join(targets)})",
                en=f"The web log of {host} records {len(facts)} request(s) to the portal from "
                f"{client}{span.en}"
                f" ({', '.join(targets)})",
            )
        else:
            text = Text(
                vi=f"Lịch sử lệnh trên {host} có {len(facts)} lệnh gọi cổng giám định BHYT"
                f"{' (' + ', '.join(targets) + ')' if targets else ''}; lịch sử lệnh không ghi thời điểm",
                en=f"The shell history on {host} holds {len(facts)} command(s) calling the portal"
                f"{' (' + ', '.join(targets) + ')' if targets else ''}; shell history records no time",
            )
        found.append(
            Observation(
                "portal_use" if kind == "portal" else "history",
                dated[0] if dated else None,
                host,
                text,
                tuple(_cites(facts)),
            )
        )
    return found, users


def _span(dated: Sequence[datetime]) -> Text:
    if not dated:
        return Text("", "")
    first, last = _stamp(dated[0]), _stamp(dated[-1])
    if first == last:
        return Text(f" lúc {first}", f" at {first}")
    return Text(f" trong khoảng {first} – {last}", f" between {first} and {last}")


def _stamp(when: datetime) -> str:
    """Times users read are Vietnam's (UTC+7), whatever zone the log or the store gave."""
    return _utc(when).astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M")


def _cites(facts: Iterable[LogFact], limit: int = 6) -> list[Cite]:
    """One cite per item, its first few line numbers."""
    lines: dict[str, list[LogFact]] = {}
    for fact in facts:
        lines.setdefault(fact.item.id, []).append(fact)
    cites = []
    for group in lines.values():
        numbers = sorted({f.line_no for f in group})
        shown = ", ".join(str(n) for n in numbers[:limit]) + (" …" if len(numbers) > limit else "")
        cites.append(Cite(group[0].item.id, group[0].item.sha256, f"line {shown}"))
    return cites


def login_observations(pack: PackFacts, anchors: Sequence[datetime]) -> list[Observation]:
    """SSH logins, failed passwords and sudo within AROUND of any anchor time, per host."""
    near = [
        fact
        for fact in facts_of(pack, ("login", "login_failed", "sudo"))
        if fact.when is not None and any(abs(fact.when - a) <= AROUND for a in anchors)
    ]
    near.sort(key=lambda f: (f.when or datetime.min, f.host))
    found = []
    # sudo lines come in runs (a scan or a collection alone makes dozens): one per host and user.
    sudo: dict[tuple[str, str], list[LogFact]] = {}
    for fact in [f for f in near if f.kind == "sudo"]:
        sudo.setdefault((fact.host, fact.user), []).append(fact)
    for (host, user), facts in sorted(sudo.items()):
        span = _span([f.when for f in facts if f.when])
        found.append(
            Observation(
                "sudo",
                facts[0].when,
                host,
                Text(
                    vi=f"Người dùng {user} chạy {len(facts)} lệnh với sudo trên {host}{span.vi}",
                    en=f"User {user} ran {len(facts)} command(s) with sudo on {host}{span.en}",
                ),
                tuple(_cites(facts)),
            )
        )
    near = [f for f in near if f.kind != "sudo"]
    for fact in near[:MAX_LOGINS]:
        assert fact.when is not None
        if fact.kind == "login":
            text = Text(
                vi=f"Đăng nhập SSH vào {fact.host}: người dùng {fact.user} từ {fact.source} ({fact.target})",
                en=f"SSH login to {fact.host}: user {fact.user} from {fact.source} ({fact.target})",
            )
        else:
            text = Text(
                vi=f"Đăng nhập SSH sai mật khẩu vào {fact.host}: người dùng {fact.user} từ {fact.source}",
                en=f"Failed SSH password for {fact.user} on {fact.host} from {fact.source}",
            )
        found.append(Observation(fact.kind, fact.when, fact.host, text, (fact_cite(fact),)))
    if len(near) > MAX_LOGINS:
        rest = len(near) - MAX_LOGINS
        found.append(
            Observation(
                "logins_more",
                near[MAX_LOGINS].when,
                "",
                Text(
                    vi=f"Còn {rest} dòng đăng nhập khác trong khoảng {AROUND.days} ngày quanh các mốc",
                    en=f"{rest} more login lines within {AROUND.days} days of the anchors",
                ),
                tuple(_cites(near[MAX_LOGINS:])),
            )
        )
    return found


def audit_observations(pack: PackFacts) -> list[Observation]:
    records = list(facts_of(pack, ("audit",)))
    by_host: dict[str, list[LogFact]] = {}
    for fact in records:
        by_host.setdefault(fact.host, []).append(fact)
    found = []
    for host, facts in sorted(by_host.items()):
        dated = sorted(f.when for f in facts if f.when)
        span = _span(dated)
        found.append(
            Observation(
                "audit",
                dated[0] if dated else None,
                host,
                Text(
                    vi=f"auditd trên {host} có {len(facts)} bản ghi về các tệp đã sao chép hoặc kho tài "
                    f"khoản{span.vi}",
                    en=f"auditd on {host} holds {len(facts)} record(s) about the copied files or the "
                    f"store{span.en}",
                ),
                tuple(_cites(facts)),
            )
        )
    return found


def data_classes(claims: Sequence[Finding], lookups: int) -> tuple[Text, ...]:
    classes = [
        Text(
            "Tài khoản cổng giám định BHYT của cơ sở (tên đăng nhập, mật khẩu)",
            "The facility's account of the BHYT assessment portal (username, password)",
        ),
        Text(
            "Qua tài khoản: thông tin thẻ BHYT và lịch sử khám chữa bệnh của người bệnh tra cứu được trên "
            "cổng",
            "Through the account: BHYT card data and medical history of patients that the portal shows",
        ),
    ]
    if any(f.check_id in ("D01", "D03") for f in claims):
        classes.append(
            Text(
                "Hồ sơ XML đề nghị thanh toán BHYT (họ tên, số định danh cá nhân, mã thẻ BHYT, dữ liệu khám "
                "chữa bệnh)",
                "BHYT claim XML records (names, citizen IDs, card numbers, treatment data)",
            )
        )
    if any(f.check_id == "D02" for f in claims):
        classes.append(
            Text(
                "Hồ sơ chăm sóc, điều trị HIV/AIDS (XML6): dữ liệu sức khỏe nhạy cảm",
                "HIV/AIDS records (XML6)",
            )
        )
    if lookups:
        classes.append(
            Text(
                f"Kết quả {lookups} lượt tra cứu thẻ/lịch sử khám chữa bệnh ghi trong nhật ký",
                f"The results of {lookups} card/medical-history look-ups in the logs",
            )
        )
    return tuple(classes)


def estimates(
    claims: Sequence[Finding], pack: PackFacts | None, copied_records: Mapping[str, int]
) -> tuple[Estimate, ...]:
    """Counts the evidence gives, each with how it was counted; none when it gives none."""
    found = []
    folders = [f for f in claims if f.check_id == "D01" and isinstance(f.details.get("files"), int)]
    if folders:
        files = sum(int(f.details["files"]) for f in folders)
        found.append(
            Estimate(
                files,
                Text(
                    f"Ít nhất {files} hồ sơ: số tệp XML hồ sơ BHYT lần quét gần nhất thấy trên các máy có "
                    f"tài khoản "
                    "(D01; mỗi tệp ít nhất một hồ sơ của một người bệnh; số người bệnh thực tế có thể lớn "
                    "hơn)",
                    f"At least {files} records: the claim XML files the latest scan found on the hosts "
                    f"holding the "
                    "account (D01; each file holds at least one patient's record; the real number may be "
                    "higher)",
                ),
                tuple(finding_cite(f) for f in folders[:6]),
            )
        )
    if copied_records:
        total = sum(copied_records.values())
        found.append(
            Estimate(
                total,
                Text(
                    f"{total} hồ sơ: đếm phần tử <HOSO> trong các tệp XML đã sao chép vào gói chứng cứ",
                    f"{total} records: <HOSO> elements counted in the claim XML files copied into the pack",
                ),
                tuple(Cite(item) for item in sorted(copied_records)),
            )
        )
    if pack is not None:
        cards = {f.card for f in facts_of(pack, ("portal",)) if f.lookup and f.card}
        if cards:
            found.append(
                Estimate(
                    len(cards),
                    Text(
                        f"{len(cards)} người bệnh: số mã thẻ BHYT khác nhau trong các dòng tra cứu của nhật "
                        f"ký web "
                        "(mã thẻ không được ghi vào văn bản này)",
                        f"{len(cards)} patients: distinct card numbers in the web log's look-up lines "
                        "(the card numbers are not written here)",
                    ),
                    tuple(_cites(f for f in facts_of(pack, ("portal",)) if f.card)),
                )
            )
    return tuple(found)


def ordered(observations: Iterable[Observation]) -> tuple[Observation, ...]:
    items = list(observations)
    dated = sorted((o for o in items if o.when is not None), key=lambda o: (_utc(o.when), o.host, o.kind))
    undated = sorted((o for o in items if o.when is None), key=lambda o: (o.host, o.kind))
    return (*dated, *undated)


def _utc(when: datetime | None) -> datetime:
    assert when is not None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def as_dict(timeline: Timeline, lang: str) -> dict[str, Any]:
    """The timeline as JSON-ready data (``--format json``)."""

    def obs(o: Observation) -> dict[str, Any]:
        return {
            "kind": o.kind,
            "when": _utc(o.when).astimezone(VIETNAM).isoformat() if o.when else None,
            "host": o.host,
            "text": o.text.get(lang),
            "evidence": [{"ref": c.ref, "sha256": c.sha256, "detail": c.detail} for c in o.cites],
        }

    a = timeline.account
    return {
        "account": {
            "username": a.username,
            "name": a.name,
            "facility": a.facility,
            "in_register": a.in_register,
            "allowed_hosts": list(a.allowed_hosts),
            "revoked": a.is_revoked,
        },
        "pack": timeline.pack_id,
        "observations": [obs(o) for o in timeline.observations],
        "signals": [obs(o) for o in timeline.signals],
        "data_classes": [t.get(lang) for t in timeline.data_classes],
        "estimates": [
            {"count": e.count, "method": e.method.get(lang), "evidence": [c.ref for c in e.cites]}
            for e in timeline.estimates
        ],
        "notes": [t.get(lang) for t in timeline.notes],
    }
