"""Where a report's scans come from: the findings store, or scan JSON documents (``--from``).

Both give the same thing: the facilities they know, a :class:`FacilityHistory` per facility,
and the credential findings naming a portal account (for ``--account``). The store is read
sparingly: the current and previous scans in full, older scans as fingerprint lists only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa

from hisguard.reports.facts import account_of
from hisguard.reports.scans import FacilityHistory, Scan, Snapshot, group_runs, history_from_scans
from hisguard.scanners.errors import HisguardError, StoreError
from hisguard.scanners.findings import Finding, Run, ScanError, Severity, Status
from hisguard.scanners.store import Store
from hisguard.scanners.store import findings as findings_table

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


def runs_from_document(doc: Any, where: str) -> list[Run]:
    """The runs of one ``hisguard scan ... --format json`` document (one run or several merged)."""
    if not isinstance(doc, Mapping) or "hisguard" not in doc or not isinstance(doc.get("run"), Mapping):
        raise HisguardError(f"{where}: not a hisguard scan document")
    try:
        found = [Finding.from_dict(item) for item in doc.get("findings") or ()]
        errors = [ScanError.from_dict(item) for item in doc.get("errors") or ()]
        run_doc = doc["run"]
        run_docs = list(run_doc["runs"]) if "runs" in run_doc else [run_doc]
        runs = []
        for entry in run_docs:
            code = str(entry.get("facility") or "")
            mine = tuple(f for f in found if f.facility == code or len(run_docs) == 1)
            # An error without a facility concerns the whole command: every run keeps it.
            theirs = tuple(e for e in errors if e.facility in (code, "") or len(run_docs) == 1)
            runs.append(Run.from_dict(entry, mine, theirs))
    except (KeyError, TypeError, ValueError) as exc:
        raise HisguardError(f"{where}: malformed scan document ({type(exc).__name__}: {exc})") from None
    return runs


def _names_from_document(doc: Mapping[str, Any]) -> dict[str, FacilityNames]:
    run_doc = doc.get("run") or {}
    entries = run_doc.get("runs") or [run_doc]
    result = {}
    for entry in entries:
        if isinstance(entry, Mapping) and (entry.get("facility_name") or entry.get("facility_province")):
            result[str(entry.get("facility"))] = FacilityNames(
                name=str(entry.get("facility_name") or ""), province=str(entry.get("facility_province") or "")
            )
    return result


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
        runs: list[Run] = []
        names: dict[str, FacilityNames] = {}
        for path in paths:
            try:
                doc = json.loads(Path(path).read_text(encoding="utf-8"))
            except OSError as exc:
                raise HisguardError(f"{path}: cannot read ({exc.strerror})") from None
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise HisguardError(f"{path}: not JSON ({exc})") from None
            runs += runs_from_document(doc, str(path))
            names.update(_names_from_document(doc))
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
    """Scans read from a :class:`~scanners.store.Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._groups: dict[str, list[tuple[Run, ...]]] = {}

    def facilities(self) -> list[str]:
        return self.store.facilities()

    def _scan_groups(self, facility: str) -> list[tuple[Run, ...]]:
        if facility not in self._groups:
            self._groups[facility] = group_runs(self.store.runs(facility))
        return self._groups[facility]

    def _full(self, group: tuple[Run, ...]) -> Scan:
        return Scan(tuple(self.store.load_run(run.id) for run in group))

    def history(self, facility: str) -> FacilityHistory | None:
        groups = self._scan_groups(facility)
        if not groups:
            return None
        current = self._full(groups[-1])
        previous = self._full(groups[-2]) if len(groups) > 1 else None
        return FacilityHistory(facility, current, previous, self._snapshots(groups[:-2]))

    def _snapshots(self, groups: Sequence[tuple[Run, ...]]) -> tuple[Snapshot, ...]:
        """Older scans as fingerprint lists: one query, no JSON documents parsed."""
        if not groups:
            return ()
        scan_of = {run.id: index for index, group in enumerate(groups) for run in group}
        failing: list[dict[str, tuple[str, Severity]]] = [{} for _ in groups]
        query = sa.select(
            findings_table.c.run_id,
            findings_table.c.fingerprint,
            findings_table.c.check_id,
            findings_table.c.severity,
        ).where(findings_table.c.run_id.in_(list(scan_of)), findings_table.c.status == Status.FAIL.value)
        try:
            with self.store.engine.connect() as conn:
                for run_id, fp, check_id, severity in conn.execute(query):
                    failing[scan_of[run_id]][fp] = (check_id, Severity(severity))
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot read the store: {type(exc).__name__}") from None
        return tuple(
            Snapshot(
                finished_at=max(run.finished_at for run in group),
                scanners=tuple(dict.fromkeys(s for run in group for s in run.scanners)),
                failing=failing[index],
            )
            for index, group in enumerate(groups)
        )

    def names(self, facility: str) -> FacilityNames:
        return FacilityNames()  # the store keeps no facility names: they come from the inventory

    def latest_runs(self, facility: str) -> tuple[str, ...]:
        groups = self._scan_groups(facility)
        return tuple(run.id for run in groups[-1]) if groups else ()

    def latest_time(self, facility: str) -> datetime | None:
        groups = self._scan_groups(facility)
        return max(run.finished_at for run in groups[-1]) if groups else None

    def sightings(self, query: AccountQuery, facility: str | None = None) -> list[Sighting]:
        runs = {run.id: run for run in self.store.runs(facility)}
        table = findings_table
        statement = sa.select(table.c.run_id, table.c.document).where(
            table.c.status.in_([s.value for s in ACCOUNT_STATUSES])
        )
        if facility:
            statement = statement.where(table.c.run_id.in_(list(runs)))
        terms = query.terms()
        if all(re.fullmatch(r"[\w.@-]+", term) for term in terms):
            # A cheap filter before parsing documents; query.matches() still decides.
            statement = statement.where(
                sa.or_(*(table.c.document.ilike(f"%{_like_escape(term)}%", escape="\\") for term in terms))
            )
        result = []
        try:
            with self.store.engine.connect() as conn:
                for run_id, document in conn.execute(statement):
                    run = runs.get(run_id)
                    if run is None:
                        continue
                    finding = Finding.from_dict(json.loads(document))
                    if query.matches(finding, run.facility):
                        result.append(Sighting(run.facility, finding, run_id, run.finished_at))
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot read the store: {type(exc).__name__}") from None
        return result


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
