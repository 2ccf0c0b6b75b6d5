"""Scan result documents (scanners/output.py ``result_document``) read back into validated runs.

A document holds one run, or several merged (``run.runs``, one per facility) with the findings
and errors of all of them: each finding goes back to the run of its facility. Everything the
store will write is checked here first (types, lengths, facility codes), so a bad file is one
line naming the file and the item, never a database error halfway through. Messages name
fields and positions, never values: a document may hold anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hisguard.scanners.errors import HisguardError
from hisguard.scanners.findings import Finding, Run, ScanError
from hisguard.scanners.inventory import FACILITY_CODE

RUN_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")
# The store's column widths (scanners/store.py): checked here so PostgreSQL never refuses a row.
MAX_LENGTH = {"check_id": 32, "host": 255, "scanner": 32}


class DocumentError(HisguardError):
    """A scan document that cannot be ingested; the message is one line naming file and item."""


@dataclass(frozen=True)
class LoadedRun:
    path: Path
    run: Run


def load_document(path: Path) -> list[LoadedRun]:
    """The runs of one scan document, each with its findings and errors."""
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise DocumentError(f"{path}: not UTF-8 JSON") from None
    except json.JSONDecodeError as exc:
        raise DocumentError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    try:
        return [LoadedRun(path, run) for run in _runs(data)]
    except _Bad as exc:
        raise DocumentError(f"{path}: {exc}") from None


class _Bad(Exception):
    """A problem inside a document; load_document adds the file name."""


def _runs(data: Any) -> list[Run]:
    if not isinstance(data, Mapping) or not {"hisguard", "run", "findings", "errors"} <= set(data):
        raise _Bad("not a hisguard scan document (needs hisguard, run, findings and errors)")
    head = data["run"]
    if not isinstance(head, Mapping):
        raise _Bad("run is not an object")
    run_docs = head.get("runs") if "runs" in head else [head]
    if not isinstance(run_docs, list) or not run_docs:
        raise _Bad("run.runs is not a non-empty list")
    runs = [_run(doc, f"run {n}") for n, doc in enumerate(run_docs, start=1)]
    ids = [r.id for r in runs]
    if len(set(ids)) != len(ids):
        raise _Bad("the same run id appears twice")
    by_facility = {r.facility: r for r in runs}
    if len(by_facility) != len(runs):
        raise _Bad("two runs of one facility in one document: findings cannot be attributed")
    findings = _list(data["findings"], "findings")
    errors = _list(data["errors"], "errors")
    owned: dict[str, list[Finding]] = {r.id: [] for r in runs}
    for n, raw in enumerate(findings, start=1):
        finding = _finding(raw, f"finding {n}")
        owner = by_facility.get(finding.facility) if len(runs) > 1 else runs[0]
        if owner is None or owner.facility != finding.facility:
            raise _Bad(f"finding {n}: its facility is not the run's")
        owned[owner.id].append(finding)
    failed: dict[str, list[ScanError]] = {r.id: [] for r in runs}
    for n, raw in enumerate(errors, start=1):
        error = _error(raw, f"error {n}")
        failed[_error_owner(error, runs, f"error {n}").id].append(error)
    return [replace(r, findings=tuple(owned[r.id]), errors=tuple(failed[r.id])) for r in runs]


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Bad(f"{name} is not a list")
    return value


def _run(doc: Any, where: str) -> Run:
    if not isinstance(doc, Mapping):
        raise _Bad(f"{where}: not an object")
    for key in ("id", "started_at", "finished_at", "facility"):
        if not isinstance(doc.get(key), str):
            raise _Bad(f"{where}: {key} is missing or not text")
    if not RUN_ID.match(doc["id"]):
        raise _Bad(f"{where}: id is not a run id (1-64 letters, digits, . _ -)")
    if not FACILITY_CODE.match(doc["facility"]):
        raise _Bad(f"{where}: facility is not a 5-digit code")
    for key in ("scanners", "hosts"):
        value = doc.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _Bad(f"{where}: {key} is not a list of names")
    try:
        run = Run.from_dict(doc)
    except (ValueError, TypeError):
        raise _Bad(f"{where}: started_at or finished_at is not an ISO 8601 time") from None
    started, finished = _utc(run.started_at, where), _utc(run.finished_at, where)
    if finished < started:
        raise _Bad(f"{where}: finished_at is before started_at")
    # SQLite keeps times without their offset: everything the store gets is UTC.
    return replace(run, started_at=started, finished_at=finished)


def _utc(value: datetime, where: str) -> datetime:
    if value.tzinfo is None:
        raise _Bad(f"{where}: a time has no UTC offset")
    return value.astimezone(UTC)


def _finding(raw: Any, where: str) -> Finding:
    if not isinstance(raw, Mapping):
        raise _Bad(f"{where}: not an object")
    try:
        finding = Finding.from_dict(raw)
    except KeyError as exc:
        raise _Bad(f"{where}: missing {exc.args[0]}") from None
    except (ValueError, TypeError, AttributeError):
        raise _Bad(f"{where}: a field has the wrong type or value (status, severity, title...)") from None
    if not FINGERPRINT.match(finding.fingerprint):
        raise _Bad(f"{where}: fingerprint is not a SHA-256 hex digest")
    if not FACILITY_CODE.match(finding.facility):
        raise _Bad(f"{where}: facility is not a 5-digit code")
    for name, limit in MAX_LENGTH.items():
        if len(getattr(finding, name)) > limit:
            raise _Bad(f"{where}: {name} is longer than {limit} characters")
    return finding


def _error(raw: Any, where: str) -> ScanError:
    if not isinstance(raw, Mapping):
        raise _Bad(f"{where}: not an object")
    try:
        error = ScanError.from_dict(raw)
    except KeyError as exc:
        raise _Bad(f"{where}: missing {exc.args[0]}") from None
    if len(error.scanner) > MAX_LENGTH["scanner"]:
        raise _Bad(f"{where}: scanner is longer than {MAX_LENGTH['scanner']} characters")
    return error


def _error_owner(error: ScanError, runs: list[Run], where: str) -> Run:
    if len(runs) == 1:
        return runs[0]
    for run in runs:
        if error.facility == run.facility:
            return run
    # An error without a facility goes to the one run that targeted that host, if exactly one did.
    candidates = [run for run in runs if error.target in run.hosts]
    if len(candidates) == 1:
        return candidates[0]
    raise _Bad(f"{where}: cannot tell which facility's run it belongs to")
