"""The typed report model: everything a format shows, built once, read by every format.

Formats never see ``Finding.details``: the only details a report shows are the known keys that
:mod:`reports.facts` extracts into :class:`Waiver` and :class:`CredentialFacts`, so an unknown
key (which might hold something a scanner should not have put there) never reaches a file.
Text stays bilingual (:class:`~scanners.findings.Text`) so one model renders in either language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from hisguard.scanners.findings import Finding, ScanError, Severity, Text

SEVERITIES = tuple(Severity)  # worst first, as Severity declares them


class Change(StrEnum):
    """Where an open finding stands against the previous scan (and FIXED for what left)."""

    NEW = "new"
    STILL_OPEN = "still_open"
    REGRESSED = "regressed"
    FIXED = "fixed"


@dataclass(frozen=True)
class FacilityInfo:
    code: str
    name: str  # "" when neither the inventory nor the run data names it
    province: str


# "1898/BYT-BH", "53/2014/TT-BYT", "331/2026/NĐ-CP": the number a Vietnamese document is known by.
_DOCUMENT_NUMBER = re.compile(r"\d+(?:/\d{4})?/[A-ZĐ][A-ZĐ0-9-]*")


@dataclass(frozen=True)
class Reference:
    """A letter or regulation a check serves, as the catalog describes it."""

    key: str
    document: Text
    requirement: Text | None
    to_be_verified: bool

    @property
    def label(self) -> str:
        """The short name a finding cites it by: the document's number ("1898/BYT-BH"), else the key."""
        number = _DOCUMENT_NUMBER.search(self.document.vi)
        return number.group(0) if number else self.key

    @property
    def anchor(self) -> str:
        return "ref-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.key)


@dataclass(frozen=True)
class Waiver:
    reason: str
    approver: str
    ticket: str
    expires: date | None


@dataclass(frozen=True)
class CredentialFacts:
    """What a credential finding tells about the secret and its file (all optional)."""

    kind: str  # password, password_hash, token, session...
    account: str  # the register's account name the secret belongs to, when known
    username: str  # the portal username found with it (already redacted when not a portal one)
    owner: str  # the file's owner (a name, or "uid N")
    mode: str  # octal, "0644"
    mtime: datetime | None  # the file's modification time
    exposure: tuple[str, ...] = ()  # world_readable, web_root, history, bundle


@dataclass(frozen=True)
class SeverityCounts:
    critical: int = 0
    high: int = 0
    medium: int = 0
    low: int = 0
    info: int = 0

    @classmethod
    def of(cls, severities: Iterable[Severity]) -> SeverityCounts:
        tally = dict.fromkeys(SEVERITIES, 0)
        for severity in severities:
            tally[severity] += 1
        return cls(*(tally[s] for s in SEVERITIES))

    def get(self, severity: Severity) -> int:
        return int(getattr(self, severity.value))

    def items(self) -> Iterator[tuple[Severity, int]]:
        for severity in SEVERITIES:
            yield severity, self.get(severity)

    @property
    def total(self) -> int:
        return self.critical + self.high + self.medium + self.low + self.info


@dataclass(frozen=True)
class Row:
    """One listed finding (failing, waived or in error) with what the report adds to it."""

    finding: Finding
    change: Change
    first_failed: datetime | None  # the earliest known scan in which it failed
    waiver: Waiver | None  # the waiver a WAIVED finding is under
    credential: CredentialFacts | None
    lapsed_waiver: Waiver | None = None  # a FAIL finding whose waiver expired

    @property
    def location(self) -> str:
        line = self.finding.line
        return f"{self.finding.resource}:{line}" if line else self.finding.resource


@dataclass(frozen=True)
class CheckGroup:
    """The findings of one check inside an action: its text is shown once, then one row each."""

    check_id: str
    severity: Severity  # the worst of its rows
    title: Text
    rationale: Text | None
    remediation: Text | None
    references: tuple[Reference, ...]
    rows: tuple[Row, ...]
    # What the action's command does to these findings: "fixes", "mitigates", or "manual".
    effect: str = "manual"


@dataclass(frozen=True)
class Action:
    """One thing to do (a role and its tags, or a manual fix) and every finding it closes."""

    key: str  # stable anchor: "ssh_hardening-ssh", "manual"
    role: str | None
    tags: tuple[str, ...]
    playbook: str
    hosts: tuple[str, ...]
    command: str | None  # None for manual actions
    checks: tuple[CheckGroup, ...]
    worst: Severity

    @property
    def finding_count(self) -> int:
        return sum(len(group.rows) for group in self.checks)

    @property
    def fixed_count(self) -> int:
        """The findings its command removes (their catalog entries say the role fixes them)."""
        return sum(len(group.rows) for group in self.checks if group.effect == "fixes")

    def hosts_where(self, effect: str) -> tuple[str, ...]:
        """The hosts of the findings whose command has this effect."""
        return tuple(sorted({r.finding.host for g in self.checks if g.effect == effect for r in g.rows}))

    @property
    def mitigated_count(self) -> int:
        """The findings its command only mitigates: a person still finishes each one."""
        return sum(len(group.rows) for group in self.checks if group.effect == "mitigates")


@dataclass(frozen=True)
class FixedItem:
    check_id: str
    title: Text
    severity: Severity
    host: str
    location: str


@dataclass(frozen=True)
class Changes:
    """What changed since the previous scan; ``compared`` is False on a facility's first scan."""

    compared: bool
    previous_at: datetime | None
    new: int
    still_open: int
    regressed: int
    fixed: int
    not_rechecked: int  # open before, but its host or scanner was not covered this time
    waived: int  # open before, waived now
    fixed_items: tuple[FixedItem, ...]


@dataclass(frozen=True)
class TrendPoint:
    finished_at: datetime
    score: int
    open: SeverityCounts


@dataclass(frozen=True)
class ScanInfo:
    run_ids: tuple[str, ...]
    started_at: datetime
    finished_at: datetime
    scanners: tuple[str, ...]
    hosts: tuple[str, ...]
    errors: tuple[ScanError, ...]
    passed: int  # passing checks: coverage only, never listed


@dataclass(frozen=True)
class Priority:
    """One line of "what to do first": a critical or high action, automated or by hand."""

    severity: Severity
    check_ids: tuple[str, ...]
    title: Text  # what is wrong (the worst check's title)
    hosts: tuple[str, ...]
    findings: int
    command: str | None  # the playbook command, when a role fixes it
    manual: Text | None  # the check's remediation, when a person must do it (or finish it)
    anchor: str  # where its details are in the report
    # The command only mitigates its urgent findings: a person then finishes them (``manual``).
    mitigates: bool = False


@dataclass(frozen=True)
class FacilityReport:
    facility: FacilityInfo
    scan: ScanInfo
    score: int
    host_scores: tuple[tuple[str, int], ...]  # (host, score), lowest first
    counts: SeverityCounts  # open (failing) findings
    changes: Changes
    trend: tuple[TrendPoint, ...]  # oldest first, the current scan last
    actions: tuple[Action, ...]  # automated fixes, worst first
    manual: Action | None
    first: tuple[Priority, ...]  # critical and high actions, automated and manual, in order
    waived: tuple[Row, ...]
    check_errors: tuple[Row, ...]  # checks that could not be judged on a host
    inventory: tuple[str, ...]  # the -i paths, for the commands
    generated_at: datetime
    version: str
    # Every document the open findings cite, once: the verified first, then those to be verified.
    references: tuple[Reference, ...] = ()
    # Open findings of the credentials scanner: a secret readable where it should not be.
    exposed_credentials: int = 0
    exposed_credential_hosts: tuple[str, ...] = ()

    @property
    def open_total(self) -> int:
        return self.counts.total

    @property
    def urgent(self) -> tuple[Priority, ...]:
        """The director's three most urgent items: the top of "what to do first"."""
        return self.first[:3]

    @property
    def verified_references(self) -> tuple[Reference, ...]:
        return tuple(ref for ref in self.references if not ref.to_be_verified)

    @property
    def unverified_references(self) -> tuple[Reference, ...]:
        return tuple(ref for ref in self.references if ref.to_be_verified)


@dataclass(frozen=True)
class RollupRow:
    facility: FacilityInfo
    score: int
    counts: SeverityCounts
    trend: tuple[int, ...]  # scores, oldest first
    finished_at: datetime
    unscanned: int  # hosts that could not be scanned
    href: str  # the facility's report, relative to the roll-up page


@dataclass(frozen=True)
class RollupReport:
    rows: tuple[RollupRow, ...]  # worst first
    generated_at: datetime
    version: str

    @property
    def provinces(self) -> tuple[str, ...]:
        return tuple(sorted({row.facility.province for row in self.rows if row.facility.province}))


@dataclass(frozen=True)
class RegisterEntry:
    """An account's line in a facility's register (``hisguard_portal_accounts``)."""

    facility: FacilityInfo
    name: str
    holder: str
    purpose: str
    allowed_hosts: tuple[str, ...]
    granted: date | None
    reviewed: date | None


@dataclass(frozen=True)
class AccountPlace:
    """One place where the account's credentials or tokens were found, or a log line naming it."""

    facility: FacilityInfo
    finding: Finding
    credential: CredentialFacts | None
    first_seen: datetime
    last_seen: datetime
    present: bool  # found again by the facility's latest scan
    allowed: bool | None  # the host is in the register; None when no register was given

    @property
    def location(self) -> str:
        line = self.finding.line
        return f"{self.finding.resource}:{line}" if line else self.finding.resource


class EventKind(StrEnum):
    MODIFIED = "modified"  # the file's modification time
    FIRST_SEEN = "first_seen"  # a scan found it for the first time
    LOGGED = "logged"  # first scan that saw the log line
    GONE = "gone"  # no longer found by the latest scan


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime
    kind: EventKind
    place: AccountPlace


@dataclass(frozen=True)
class AccountReport:
    username: str
    places: tuple[AccountPlace, ...]  # credentials and tokens in files
    log_lines: tuple[AccountPlace, ...]  # check family C04: the account in URLs and logs
    register: tuple[RegisterEntry, ...]
    register_given: bool  # an inventory was read: "allowed" can be judged
    timeline: tuple[TimelineEvent, ...]  # oldest first
    generated_at: datetime
    version: str
