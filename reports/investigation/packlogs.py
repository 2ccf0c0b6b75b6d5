"""What a verified evidence pack's log excerpts say, line by line, as facts with their item.

Everything in a pack came from a host under investigation: hostile text. A pack is read only
after ``verify_pack`` passes (hash and signature), each item within the pack and bounded; lines
are parsed by fixed patterns and what is kept of them is short, cleaned and redacted again.
Nothing here judges: it says "this line, in this item, shows a login / a portal request / an
egress drop"; ``timeline`` and ``signals`` decide what to say about them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hisguard.scanners.evidence.pack import EvidenceError, read_manifest, verify_pack
from hisguard.scanners.evidence.redaction import Redactor

MAX_ITEM_BYTES = 8 * 1024 * 1024
MAX_LINES = 200_000  # per pack: a huge excerpt is read up to here and said to be cut
MAX_LINE = 4096

# The portal's endpoints: the two host names, and the paths an HIS proxies them under.
PORTAL_HOSTS = ("gdbhyt.baohiemxahoi.gov.vn", "egw.baohiemxahoi.gov.vn")
_PORTAL = re.compile(
    r"gdbhyt\.baohiemxahoi\.gov\.vn|egw\.baohiemxahoi\.gov\.vn|/api/egw\b|/api/token\b|/api/egw/"
    r"|NhanLichSuKCB|KQNhanLichSuKCB|LichSuKCB|/giamdinh",
    re.IGNORECASE,
)
# Card and medical-history look-ups (each one reads one patient's data from the portal).
_LOOKUP = re.compile(r"NhanLichSuKCB|KQNhanLichSuKCB|LichSuKCB|checkThe|KiemTraThe|TraCuuThe|tra_?cuu", re.I)
_CARD = re.compile(r"(?:maThe|ma_the|MaThe|soThe)=([A-Za-z0-9]{10,15})")

# The request may hold spaces once redacted ("token=<secret, 33-64 chars, fp 449387ddf4>"): the
# target runs to the protocol, or to the closing quote.
_WEB = re.compile(
    r"^(?P<client>[0-9A-Fa-f.:]{3,45}) \S{1,64} \S{1,64} \[(?P<time>[^\]]{10,40})\] "
    r'"(?P<method>[A-Z]{3,10}) (?P<target>[^"]{1,4096}?)(?: HTTP/\d(?:\.\d)?)?" (?P<status>\d{3})'
)
_ISO = re.compile(r"^(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?)\s")
_TRADITIONAL = re.compile(r"^(?P<time>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d)\s")
_ACCEPTED = re.compile(
    r"sshd\[\d+\]: Accepted (?P<method>[\w-]{1,40}) for (?P<user>[\w.@-]{1,64}) "
    r"from (?P<source>[0-9A-Fa-f.:]{3,45})"
)
_FAILED = re.compile(
    r"sshd\[\d+\]: Failed password for (?:invalid user )?(?P<user>[\w.@-]{1,64}) from (?P<source>\S{3,45})"
)
_SUDO = re.compile(r"sudo(?:\[\d+\])?:\s+(?P<user>[\w.@-]{1,64}) : .{0,200}COMMAND=(?P<command>.{1,200})")
_EGRESS_FIELDS = re.compile(r"\b(SRC|DST|DPT|PROTO)=(\S{1,45})")
_AUDIT = re.compile(r"msg=audit\((?P<epoch>\d{9,11})(?:\.\d+)?:\d+\)")


@dataclass(frozen=True)
class ItemRef:
    """The evidence item a fact comes from: its manifest id and SHA-256."""

    id: str
    sha256: str
    host: str
    source_path: str

    def cite(self) -> str:
        return f"{self.id} (sha256 {self.sha256[:16]})"


@dataclass(frozen=True)
class LogFact:
    kind: str  # login | login_failed | sudo | portal | egress | history | audit
    item: ItemRef
    line_no: int
    when: datetime | None
    host: str  # the host whose log this is
    source: str = ""  # a client or source address, a user's origin
    user: str = ""
    target: str = ""  # what was asked: the request path (no query), the egress destination
    lookup: bool = False
    card: str = ""  # a card number seen in a look-up (counted, never shown)


@dataclass
class PackFacts:
    pack_id: str
    created_at: datetime | None
    subject: Mapping[str, Any]
    hosts: tuple[str, ...]
    items: list[dict[str, Any]]
    facts: list[LogFact] = field(default_factory=list)
    cut: bool = False  # more lines than MAX_LINES: the rest was not read
    errors: tuple[str, ...] = ()  # collection errors the manifest records

    def ref(self, item_id: str) -> ItemRef | None:
        for item in self.items:
            if item.get("id") == item_id:
                return _ref(item)
        return None


def _ref(item: Mapping[str, Any]) -> ItemRef:
    return ItemRef(
        id=_short(item.get("id"), 12),
        sha256=_short(item.get("sha256"), 64),
        host=_short(item.get("host"), 80),
        source_path=_short(item.get("source_path"), 300),
    )


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _short(value: object, limit: int) -> str:
    text = _CONTROL.sub(" ", "" if value is None else str(value)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_pack(root: Path, known_secrets: Sequence[str] = (), key: bytes | None = None) -> PackFacts:
    """The facts of a pack that verifies; a pack that does not is refused (one line)."""
    verification = verify_pack(root, key)
    if not verification.ok:
        raise EvidenceError(
            f"{root}: the evidence pack does not verify ({verification.problems[0][:120]}); "
            "run hisguard evidence verify"
        )
    body = read_manifest(root)["manifest"]
    items = [i for i in body.get("items") or () if isinstance(i, dict)]
    created = _parse_iso(str(body.get("created_at") or ""))
    errors = body.get("errors")
    pack = PackFacts(
        pack_id=_short(body.get("pack_id"), 60),
        created_at=created,
        subject=body.get("subject") if isinstance(body.get("subject"), dict) else {},
        hosts=tuple(_short(h, 80) for h in body.get("hosts") or () if isinstance(h, str)),
        items=items,
        errors=tuple(_short(e, 300) for e in errors if isinstance(e, str))
        if isinstance(errors, list)
        else (),
    )
    redactor = Redactor(known_secrets, key)
    budget = MAX_LINES
    for item in items:
        if item.get("kind") != "log" or not isinstance(item.get("stored_as"), str):
            continue
        path = (root / item["stored_as"]).resolve()
        if root.resolve() not in path.parents:
            continue  # verify_pack said so already; never read outside the pack
        with path.open("rb") as stream:
            data = stream.read(MAX_ITEM_BYTES)
        kind = _log_kind(str(item.get("note") or ""), str(item.get("source_path") or ""))
        ref = _ref(item)
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
            if budget <= 0:
                pack.cut = True
                break
            budget -= 1
            fact = parse_line(kind, line[:MAX_LINE], ref, number, created, redactor)
            if fact is not None:
                pack.facts.append(fact)
    return pack


def _log_kind(note: str, source_path: str) -> str:
    """The excerpt's kind as the collector noted it ("web excerpt (...)"), else from its path."""
    first = note.split(" ", 1)[0]
    if first in ("auth", "sudo", "cron", "web", "audit", "history", "journal", "egress"):
        return first
    return "web" if "access" in source_path else "other"


def parse_line(
    kind: str, line: str, ref: ItemRef, number: int, year_of: datetime | None, redactor: Redactor
) -> LogFact | None:
    """One line as a fact, or None when the line is none of the things a timeline uses."""
    host = ref.host

    def safe(value: str, limit: int = 120) -> str:
        """What a timeline may quote of a line: redacted again (a collector may have missed a
        secret), without controls, bounded."""
        return _short(redactor.line(value), limit)

    if kind == "web":
        match = _WEB.match(line)
        if match and _PORTAL.search(match["target"]):
            target = match["target"].split("?", 1)[0]
            card = _CARD.search(match["target"])
            return LogFact(
                "portal",
                ref,
                number,
                _parse_web_time(match["time"]),
                host,
                source=match["client"],
                target=safe(target),
                lookup=bool(_LOOKUP.search(target)),
                card=card.group(1) if card else "",
            )
        return None
    if kind == "history":
        if _PORTAL.search(line):
            url = re.search(r"https?://([A-Za-z0-9.-]{1,120})(/\S{0,200})?", line)
            target = (url.group(1) + (url.group(2) or "")).split("?", 1)[0] if url else ""
            return LogFact(
                "history", ref, number, None, host, target=safe(target), lookup=bool(_LOOKUP.search(line))
            )
        return None
    if kind == "audit":
        audit = _AUDIT.search(line)
        if audit:
            return LogFact("audit", ref, number, datetime.fromtimestamp(int(audit["epoch"]), UTC), host)
        return None
    when = _parse_syslog_time(line, year_of)
    if "drop: out: " in line or kind == "egress":
        fields = dict(_EGRESS_FIELDS.findall(line))
        if "DST" in fields:
            dport = fields.get("DPT", "")
            return LogFact(
                "egress",
                ref,
                number,
                when,
                host,
                source=fields.get("SRC", ""),
                target=f"{fields['DST']}:{dport}" if dport else fields["DST"],
            )
        return None
    accepted = _ACCEPTED.search(line)
    if accepted:
        return LogFact(
            "login",
            ref,
            number,
            when,
            host,
            source=accepted["source"],
            user=accepted["user"],
            target=safe(accepted["method"], 40),
        )
    failed = _FAILED.search(line)
    if failed:
        return LogFact(
            "login_failed", ref, number, when, host, source=_short(failed["source"], 45), user=failed["user"]
        )
    sudo = _SUDO.search(line)
    if sudo:
        return LogFact("sudo", ref, number, when, host, user=sudo["user"])
    return None


def _parse_iso(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _parse_web_time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%d/%b/%Y:%H:%M:%S %z")
    except ValueError:
        return None


def _parse_syslog_time(line: str, year_of: datetime | None) -> datetime | None:
    """ISO (rsyslog's default on Debian 12, journalctl -o short-iso) or the traditional form,
    whose missing year is the latest one that does not put the line after the collection."""
    iso = _ISO.match(line)
    if iso:
        text = iso["time"]
        if re.search(r"[+-]\d{4}$", text):
            text = text[:-2] + ":" + text[-2:]
        return _parse_iso(text)
    traditional = _TRADITIONAL.match(line)
    if traditional and year_of is not None:
        for year in (year_of.year, year_of.year - 1):
            try:
                value = datetime.strptime(f"{year} {traditional['time']}", "%Y %b %d %H:%M:%S")
            except ValueError:
                continue
            # The host's clock is in its own zone (host facts say which): taken as UTC+7 here.
            value = value.replace(tzinfo=timezone(timedelta(hours=7)))
            if value <= year_of + timedelta(days=1):
                return value
    return None


def facts_of(pack: PackFacts, kinds: Sequence[str]) -> Iterator[LogFact]:
    return (fact for fact in pack.facts if fact.kind in kinds)
