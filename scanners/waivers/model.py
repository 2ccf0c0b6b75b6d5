"""One waiver: what it covers, who accepted the risk and until when; parsed from one YAML entry."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from fnmatch import fnmatchcase
from typing import Any

from hisguard.scanners.catalog import ids
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.findings import Finding
from hisguard.scanners.inventory import FACILITY_CODE, Secret

KEYS = ("check", "facility", "hosts", "resources", "reason", "approver", "ticket", "expires")
REQUIRED = ("check", "reason", "approver", "expires")
CHECK_ID = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,31}$")
MAX_TEXT = 500  # a reason is a sentence or two; anything longer is probably pasted by mistake


class WaiverError(HisguardError):
    """A waiver file or entry cannot be used (unreadable, malformed, incomplete)."""


@dataclass(frozen=True)
class Waiver:
    check: str
    reason: str
    approver: str
    expires: date
    ticket: str = ""
    facility: str | None = None  # None: every facility of the inventory
    hosts: tuple[str, ...] = ("*",)
    resources: tuple[str, ...] = ("*",)
    source: str = ""  # "FILE: waiver N" for messages

    def covers_check(self, check_id: str) -> bool:
        """Exact id, or a family: ``H02`` covers ``H02.1`` and ``H02-root`` but not ``H021``."""
        return ids.covers(self.check, check_id)

    def matches(self, finding: Finding, run_facility: str) -> bool:
        facility = finding.facility or run_facility
        return (
            (self.facility is None or self.facility == facility)
            and self.covers_check(finding.check_id)
            and any(fnmatchcase(finding.host, pattern) for pattern in self.hosts)
            and any(fnmatchcase(finding.resource, pattern) for pattern in self.resources)
        )

    def active_on(self, today: date) -> bool:
        return today <= self.expires  # the expiry day itself is still covered

    def summary(self) -> dict[str, str]:
        """What a finding records about the waiver (``details["waiver"]``), dates in ISO form."""
        return {
            "reason": self.reason,
            "approver": self.approver,
            "ticket": self.ticket,
            "expires": self.expires.isoformat(),
        }


def parse_entry(raw: Any, where: str, default_facility: str | None) -> tuple[Waiver | None, list[str]]:
    """Build one waiver; any problem makes it unusable and is returned as one line each."""
    if not isinstance(raw, Mapping):
        return None, [f"{where}: is not a mapping (check, reason, approver, expires, ...)"]
    check = _plain(raw.get("check"))
    check = check.strip() if isinstance(check, str) else check
    label = f"{where} ({check})" if isinstance(check, str) and CHECK_ID.match(check) else where
    problems = [f"{label}: unknown key {key!r}" for key in raw if key not in KEYS]
    for key in REQUIRED:
        if _blank(raw.get(key)):
            problems.append(f"{label}: missing {key}")
    if isinstance(check, str) and check and not CHECK_ID.match(check):
        problems.append(f"{label}: check {check!r} is not a check id (like H02 or H02.1)")
    elif not _blank(check) and not isinstance(check, str):
        problems.append(f"{label}: check must be text (like H02 or H02.1)")
    texts = {}
    for key in ("reason", "approver", "ticket"):
        value = _plain(raw.get(key))
        if value is not None and not isinstance(value, str | int):
            problems.append(f"{label}: {key} must be text")
        text = " ".join(str(value).split()) if value is not None else ""
        if len(text) > MAX_TEXT:
            problems.append(f"{label}: {key} is longer than {MAX_TEXT} characters")
        texts[key] = text
    expires = _date(raw.get("expires"))
    if not _blank(raw.get("expires")) and expires is None:
        problems.append(f"{label}: expires {_shown(raw.get('expires'))} is not a date (YYYY-MM-DD)")
    facility = _plain(raw.get("facility"))
    if facility is not None:
        facility = str(facility)
        if not FACILITY_CODE.match(facility):
            problems.append(f"{label}: facility {facility!r} is not a 5-digit facility code")
    hosts = _patterns(raw.get("hosts"), "hosts", label, problems)
    resources = _patterns(raw.get("resources"), "resources", label, problems)
    if problems or expires is None or not isinstance(check, str):
        return None, problems
    return (
        Waiver(
            check=check,
            reason=texts["reason"],
            approver=texts["approver"],
            ticket=texts["ticket"],
            expires=expires,
            facility=facility or default_facility,
            hosts=hosts,
            resources=resources,
            source=where,
        ),
        [],
    )


def _plain(value: Any) -> Any:
    # A value that looked like a secret to the inventory reader is still just text here.
    return value.reveal() if isinstance(value, Secret) else value


def _blank(value: Any) -> bool:
    value = _plain(value)
    return value is None or (isinstance(value, str) and not value.strip())


def _date(value: Any) -> date | None:
    value = _plain(value)
    if isinstance(value, datetime):
        return None  # a time of day would make "until" ambiguous: a waiver ends on a date
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _shown(value: Any) -> str:
    text = repr(_plain(value))
    return text if len(text) <= 40 else text[:37] + "..."


def _patterns(value: Any, key: str, label: str, problems: list[str]) -> tuple[str, ...]:
    value = _plain(value)
    if value is None:
        return ("*",)
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) and i for i in items):
        problems.append(f"{label}: {key} must be a glob or a list of globs")
        return ("*",)
    return tuple(items)
