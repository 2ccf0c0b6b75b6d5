"""Where a report's scans come from: the findings store, or scan JSON documents (``--from``).

Both give the same thing: the facilities they know, a :class:`FacilityHistory` per facility,
and the credential findings naming a portal account (for ``--account``). The store is read
sparingly: the current and previous scans in full, older scans as fingerprint lists only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from hisguard.reports.build import DEFAULT_TREND_LENGTH
from hisguard.reports.facts import account_of
from hisguard.reports.scans import FacilityHistory, Scan, group_runs, history_from_scans
from hisguard.reports.store_history import StoredScans
from hisguard.scanners.findings import Finding, Run, Status
from hisguard.scanners.scan_document import read_file
from hisguard.scanners.store import Store

ACCOUNT_STATUSES = (Status.FAIL, Status.WAIVED)


@dataclass(frozen=True)
class Sighting:
    """A finding that names a portal account, and the scan run that saw it."""

    facility: str
    finding: Finding
    run_id: str
    seen_at: datetime


@dataclass(frozen=True)
class FacilityNames:
    """A facility's name and province as run data gives them (documents may carry them)."""

    name: str = ""
    province: str = ""


class Source(Protocol):
    def facilities(self) -> list[str]: ...

    def history(self, facility: str) -> FacilityHistory | None: ...

    def names(self, facility: str) -> FacilityNames: ...

    def latest_runs(self, facility: str) -> tuple[str, ...]: ...

    def latest_time(self, facility: str) -> datetime | None: ...

    def sightings(self, query: AccountQuery, facility: str | None = None) -> list[Sighting]: ...


# Findings that judge an account against its register (shared, on a host not allowed, not
# registered, review overdue): the account report makes those judgments itself from places.
REGISTER_CHECKS = frozenset({"C10", "C11", "C12", "C13"})


@dataclass(frozen=True)
class AccountQuery:
    """Which findings are about one portal account.

    A credential finding names the account by portal username (``details["username"]``) or, when
    the scanner matched the secret against the register, by the register's account name
    (``details["account"]``), which is only unique within a facility: ``names`` maps a
    facility code to the names its register gives this username.
    """

    username: str
    names: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def terms(self) -> set[str]:
        """Every string a matching finding's document must contain (one of them)."""
        return {self.username, *(name for names in self.names.values() for name in names)}

    def matches(self, finding: Finding, facility: str) -> bool:
        if finding.status not in ACCOUNT_STATUSES or finding.check_id in REGISTER_CHECKS:
            return False
        if finding.scanner != "credentials" and not finding.check_id.startswith("C"):
            return False
        wanted = self.username.casefold()
        account, username = account_of(finding.details)
        if username or account:
            names = {name.casefold() for name in self.names.get(facility, ())}
            return username.casefold() == wanted or account.casefold() in names | {wanted}
        # A log line (C04) may carry no facts but keeps the (non-secret) username in its
        # redacted evidence: as a whole word, so 75901_BV never matches 175901_BV.
        pattern = rf"(?<![\w]){re.escape(self.username)}(?![\w])"
        return re.search(pattern, finding.evidence, re.IGNORECASE) is not None


# --- scan JSON documents -------------------------------------------------------------------------


class DocumentSource:
    """Scans read from JSON documents; together they are the history, oldest to newest."""

    def __init__(self, runs: Iterable[Run], names: Mapping[str, FacilityNames] | None = None) -> None:
        by_facility: dict[str, dict[str, Run]] = {}
        for run in runs:
            by_facility.setdefault(run.facility, {})[run.id] = run  # one run given twice counts once
        self._scans = {
            code: [Scan(group) for group in group_runs(found.values())] for code, found in by_facility.items()
        }
        self._names = dict(names or {})

    @classmethod
    def load(cls, paths: Sequence[str | Path]) -> DocumentSource:
        """Documents read by the scan-document codec (the same strict reader as ``ingest``)."""
        runs: list[Run] = []
        names: dict[str, FacilityNames] = {}
        for path in paths:
            document = read_file(path)
            runs += document.runs
            names.update({code: FacilityNames(*pair) for code, pair in document.names.items()})
        return cls(runs, names)

    def facilities(self) -> list[str]:
        return sorted(self._scans)

    def history(self, facility: str) -> FacilityHistory | None:
        scans = self._scans.get(facility)
        return history_from_scans(scans) if scans else None

    def names(self, facility: str) -> FacilityNames:
        return self._names.get(facility, FacilityNames())

    def latest_runs(self, facility: str) -> tuple[str, ...]:
        scans = self._scans.get(facility)
        return scans[-1].run_ids if scans else ()

    def latest_time(self, facility: str) -> datetime | None:
        scans = self._scans.get(facility)
        return scans[-1].finished_at if scans else None

    def sightings(self, query: AccountQuery, facility: str | None = None) -> list[Sighting]:
        return [
            Sighting(code, finding, run.id, run.finished_at)
            for code, scans in self._scans.items()
            if facility in (None, code)
            for scan in scans
            for run in scan.runs
            for finding in run.findings
            if query.matches(finding, code)
        ]


# --- the findings store --------------------------------------------------------------------------


class StoreSource:
    """Scans read from a :class:`~scanners.store.Store`, through its methods only.

    A report shows the current scan against the previous one and a trend of ``trend_length``
    scans: those are read, and nothing older (see :mod:`reports.store_history`).
    """

    def __init__(self, store: Store, trend_length: int = DEFAULT_TREND_LENGTH) -> None:
        self.store = store
        self.trend_length = trend_length
        self._scans: dict[str, StoredScans] = {}

    def _stored(self, facility: str) -> StoredScans:
        if facility not in self._scans:
            self._scans[facility] = StoredScans(self.store, facility)
        return self._scans[facility]

    def facilities(self) -> list[str]:
        return self.store.facilities()

    def history(self, facility: str) -> FacilityHistory | None:
        scans = self._stored(facility)
        if not len(scans):
            return None
        # The trend shows current, previous and trend_length - 2 scans before them.
        return scans.history(-1, earlier=max(self.trend_length - 2, 0))

    def names(self, facility: str) -> FacilityNames:
        return FacilityNames()  # the store keeps no facility names: they come from the inventory

    def latest_runs(self, facility: str) -> tuple[str, ...]:
        groups = self._stored(facility).groups
        return tuple(run.id for run in groups[-1]) if groups else ()

    def latest_time(self, facility: str) -> datetime | None:
        scans = self._stored(facility)
        return scans.finished_at(-1) if len(scans) else None

    def sightings(self, query: AccountQuery, facility: str | None = None) -> list[Sighting]:
        terms = query.terms()
        # A cheap filter in the store before documents are judged; query.matches() decides.
        cheap = terms if all(re.fullmatch(r"[\w.@-]+", term) for term in terms) else ()
        return [
            Sighting(run.facility, finding, run.id, run.finished_at)
            for run, finding in self.store.findings_containing(cheap, ACCOUNT_STATUSES, facility)
            if query.matches(finding, run.facility)
        ]
