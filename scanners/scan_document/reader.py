"""Reading a scan document back into runs, strictly: the one reader of ``ingest`` and ``report --from``.

A document may come from anywhere, so everything is checked before anything is built or
written: the types and bounds of every field (what ``scan-document.schema.json`` publishes), the
store's column widths (so SQLite and PostgreSQL accept exactly the same documents), no NUL
character, times between the years 2000 and 2999 with their UTC offset, and remediation roles,
tags and playbooks the role catalog knows (any other becomes a manual action: document text
never reaches a playbook). Messages name fields and positions, never values.

Ownership of findings and errors (one rule): a one-run document owns all of them; in a merged
document each finding and error belongs to the run of its own facility, and an error must name
its facility (the writer always does).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from hisguard import scanners
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.findings import (
    EFFECTS,
    Finding,
    Remediation,
    Run,
    ScanError,
    Severity,
    Status,
    Text,
)
from hisguard.scanners.safeload import InputError, load_json_bytes, read_regular_file

SCHEMA_VERSION = 1
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 16  # the deepest the writer goes is 5 (findings -> finding -> details -> list)

FACILITY = re.compile(r"^\d{5}$")
RUN_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")
CHECK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")  # scanners
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
VERSION = re.compile(r"^\d{1,4}(\.\d{1,4}){0,3}([.+-][0-9A-Za-z.+-]{0,40})?$")
# The store's column widths and sane bounds for the rest.
HOST_LENGTH = 255
TEXT_LENGTH = 8192  # titles, rationales, remediations, evidence, messages, paths
MAX_ITEMS = 1_000_000  # findings, errors, hosts
MAX_RUNS = 1000
MAX_DETAIL_VALUES = 4096
MAX_DETAIL_DEPTH = 6
MAX_LIST = 256  # scanners, references, tags, detail lists
MAX_LINE = 2**31 - 1
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2999, 12, 31, 23, 59, tzinfo=UTC)

RUN_KEYS = frozenset({"id", "started_at", "finished_at", "scanners", "facility", "hosts"})
RUN_OPTIONAL = frozenset({"facility_name", "facility_province"})
MERGED_KEYS = frozenset({"ids", "started_at", "finished_at", "scanners", "facilities", "hosts", "runs"})
FINDING_KEYS = frozenset(
    {
        "check_id",
        "status",
        "severity",
        "facility",
        "host",
        "resource",
        "line",
        "column",
        "title",
        "evidence",
        "fingerprint",
        "scanner",
        "rationale",
        "remediation",
        "references",
        "details",
    }
)
FINDING_REQUIRED = frozenset(
    {"check_id", "status", "severity", "facility", "host", "resource", "title", "fingerprint"}
)
ERROR_KEYS = frozenset({"scanner", "facility", "target", "message"})
REMEDIATION_KEYS = frozenset({"vi", "en", "role", "tags", "playbook", "effect"})


class DocumentError(HisguardError):
    """A scan document that cannot be read; the message is one line naming file and item."""


class _Bad(Exception):
    """A problem inside a document; the caller adds where the document came from."""


@dataclass(frozen=True)
class Document:
    """A document's runs (each with its findings and errors) and the facility names it carries."""

    runs: tuple[Run, ...]
    names: Mapping[str, tuple[str, str]]  # facility code -> (name, province), when given


def read_file(path: str | os.PathLike[str]) -> Document:
    """Read a document from a regular file of bounded size (never a FIFO or a device)."""
    where = os.fsdecode(path)
    try:
        data = load_json_bytes(
            read_regular_file(path, MAX_DOCUMENT_BYTES), MAX_DOCUMENT_BYTES, MAX_DEPTH, where=where
        )
    except InputError as exc:
        raise DocumentError(str(exc)) from None
    return parse(data, where)


def parse(data: Any, where: str = "document") -> Document:
    """Validate a parsed JSON value and build its runs; a problem is a one-line DocumentError."""
    try:
        return _document(data)
    except _Bad as exc:
        raise DocumentError(f"{where}: {exc}") from None
    except RecursionError:
        raise DocumentError(f"{where}: nested too deep") from None


# --- the document --------------------------------------------------------------------------------


def _document(data: Any) -> Document:
    if not isinstance(data, dict) or not {"hisguard", "run", "findings", "errors"} <= set(data):
        raise _Bad("not a hisguard scan document (needs hisguard, run, findings and errors)")
    _keys(data, {"hisguard", "schema_version", "run", "findings", "errors"}, "the document")
    version = data.get("schema_version", 1)
    if type(version) is not int or version < 1:
        raise _Bad("schema_version is not a positive integer")
    if version > SCHEMA_VERSION:
        raise _Bad(
            f"written by a newer hisguard (document schema {version}, this hisguard reads {SCHEMA_VERSION}):"
            " upgrade hisguard to read it"
        )
    writer = data["hisguard"]
    if not isinstance(writer, str) or not VERSION.match(writer):
        raise _Bad("hisguard is not a version")
    if "schema_version" not in data and _newer(writer, scanners.__version__):
        raise _Bad("written by a newer hisguard, without a schema version: upgrade hisguard to read it")
    head = data["run"]
    if not isinstance(head, dict):
        raise _Bad("run is not an object")
    if "runs" in head:
        _keys(head, MERGED_KEYS, "run")
        run_docs = _list(head["runs"], "run.runs", MAX_RUNS)
        if not run_docs:
            raise _Bad("run.runs is empty")
    else:
        run_docs = [head]
    runs = [_run(doc, f"run {n}") for n, doc in enumerate(run_docs, start=1)]
    if len({r.id for r in runs}) != len(runs):
        raise _Bad("the same run id appears twice")
    by_facility = {r.facility: r for r in runs}
    if len(by_facility) != len(runs):
        raise _Bad("two runs of one facility in one document: findings cannot be attributed")
    single = runs[0] if len(runs) == 1 else None

    owned: dict[str, list[Finding]] = {r.id: [] for r in runs}
    for n, raw in enumerate(_list(data["findings"], "findings", MAX_ITEMS), start=1):
        finding = _finding(raw, f"finding {n}")
        owner = single or by_facility.get(finding.facility)
        if owner is None or owner.facility != finding.facility:
            raise _Bad(f"finding {n}: its facility is not a run's of this document")
        owned[owner.id].append(finding)
    failed: dict[str, list[ScanError]] = {r.id: [] for r in runs}
    for n, raw in enumerate(_list(data["errors"], "errors", MAX_ITEMS), start=1):
        error = _error(raw, f"error {n}")
        if single is not None and error.facility in ("", single.facility):
            failed[single.id].append(replace(error, facility=single.facility))
        elif error.facility in by_facility and single is None:
            failed[by_facility[error.facility].id].append(error)
        elif not error.facility:
            raise _Bad(f"error {n}: has no facility in a document of several facilities")
        else:
            raise _Bad(f"error {n}: its facility is not a run's of this document")
    runs = [replace(r, findings=tuple(owned[r.id]), errors=tuple(failed[r.id])) for r in runs]
    names = {
        doc["facility"]: (doc.get("facility_name", ""), doc.get("facility_province", ""))
        for doc in run_docs
        if doc.get("facility_name") or doc.get("facility_province")
    }
    return Document(tuple(runs), names)


def _newer(version: str, ours: str) -> bool:
    def parts(text: str) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", text.split("+")[0])[:3])

    return parts(version) > parts(ours)


def _run(doc: Any, where: str) -> Run:
    if not isinstance(doc, dict):
        raise _Bad(f"{where}: not an object")
    _keys(doc, RUN_KEYS | RUN_OPTIONAL, where)
    for key in ("id", "started_at", "finished_at", "facility"):
        if not isinstance(doc.get(key), str):
            raise _Bad(f"{where}: {key} is missing or not text")
    run_id = _text(doc, "id", where, 64)
    if not RUN_ID.match(run_id):
        raise _Bad(f"{where}: id is not a run id (1-64 letters, digits, . _ -)")
    facility = _text(doc, "facility", where, 5)
    if not FACILITY.match(facility):
        raise _Bad(f"{where}: facility is not a 5-digit code")
    started, finished = _time(doc, "started_at", where), _time(doc, "finished_at", where)
    if finished < started:
        raise _Bad(f"{where}: finished_at is before started_at")
    for key in RUN_OPTIONAL:
        if key in doc:
            _text(doc, key, where, 200)
    return Run(
        id=run_id,
        started_at=started,
        finished_at=finished,
        scanners=tuple(_names(doc.get("scanners", []), f"{where}: scanners", NAME, MAX_LIST)),
        facility=facility,
        hosts=tuple(_strings(doc.get("hosts", []), f"{where}: hosts", HOST_LENGTH, MAX_ITEMS)),
    )


def _finding(raw: Any, where: str) -> Finding:
    if not isinstance(raw, dict):
        raise _Bad(f"{where}: not an object")
    missing = sorted(FINDING_REQUIRED - set(raw))
    if missing:
        raise _Bad(f"{where}: missing {missing[0]}")
    _keys(raw, FINDING_KEYS, where)
    check_id = _text(raw, "check_id", where, 32)
    if not CHECK_ID.match(check_id):
        raise _Bad(f"{where}: check_id is not a check id")
    fingerprint = _text(raw, "fingerprint", where, 64)
    if not FINGERPRINT.match(fingerprint):
        raise _Bad(f"{where}: fingerprint is not a SHA-256 hex digest")
    facility = _text(raw, "facility", where, 5)
    if not FACILITY.match(facility):
        raise _Bad(f"{where}: facility is not a 5-digit code")
    scanner = _optional_text(raw, "scanner", where, 32)
    if scanner and not NAME.match(scanner):
        raise _Bad(f"{where}: scanner is not a scanner name")
    return Finding(
        check_id=check_id,
        status=_choice(raw, "status", Status, where),
        severity=_choice(raw, "severity", Severity, where),
        facility=facility,
        host=_text(raw, "host", where, HOST_LENGTH),
        resource=_text(raw, "resource", where, TEXT_LENGTH),
        title=_vi_en(raw.get("title"), f"{where}: title"),
        fingerprint=fingerprint,
        scanner=scanner,
        evidence=_optional_text(raw, "evidence", where, TEXT_LENGTH),
        rationale=None if raw.get("rationale") is None else _vi_en(raw["rationale"], f"{where}: rationale"),
        remediation=_remediation(raw.get("remediation"), f"{where}: remediation"),
        references=tuple(_names(raw.get("references") or [], f"{where}: references", REFERENCE, MAX_LIST)),
        line=_position(raw, "line", where),
        column=_position(raw, "column", where),
        details=_details(raw.get("details"), f"{where}: details"),
    )


def _error(raw: Any, where: str) -> ScanError:
    if not isinstance(raw, dict):
        raise _Bad(f"{where}: not an object")
    _keys(raw, ERROR_KEYS, where)
    for key in ("scanner", "target", "message"):
        if key not in raw:
            raise _Bad(f"{where}: missing {key}")
    scanner = _text(raw, "scanner", where, 32)
    if not NAME.match(scanner):
        raise _Bad(f"{where}: scanner is not a scanner name")
    facility = _optional_text(raw, "facility", where, 5)
    if facility and not FACILITY.match(facility):
        raise _Bad(f"{where}: facility is not a 5-digit code")
    return ScanError(
        scanner=scanner,
        target=_text(raw, "target", where, TEXT_LENGTH),
        message=_text(raw, "message", where, TEXT_LENGTH),
        facility=facility,
    )


# --- fields --------------------------------------------------------------------------------------


def _keys(doc: Mapping[str, Any], allowed: frozenset[str] | set[str], where: str) -> None:
    unknown = sorted(k for k in doc if k not in allowed)
    if unknown:
        raise _Bad(f"{where}: unknown field {_shown(unknown[0])}")


def _shown(name: str) -> str:
    """A field name for a message: short, printable."""
    text = name[:40].encode("unicode_escape").decode("ascii")
    return repr(text)


def _clean(value: str, what: str, limit: int) -> str:
    if len(value) > limit:
        raise _Bad(f"{what} is longer than {limit} characters")
    if "\x00" in value:
        raise _Bad(f"{what} holds a NUL character")
    return value


def _text(doc: Mapping[str, Any], key: str, where: str, limit: int) -> str:
    value = doc.get(key)
    if not isinstance(value, str):
        raise _Bad(f"{where}: {key} is missing or not text")
    if not value:
        raise _Bad(f"{where}: {key} is empty")
    return _clean(value, f"{where}: {key}", limit)


def _optional_text(doc: Mapping[str, Any], key: str, where: str, limit: int) -> str:
    value = doc.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Bad(f"{where}: {key} is not text")
    return _clean(value, f"{where}: {key}", limit)


def _list(value: Any, what: str, limit: int) -> list[Any]:
    if not isinstance(value, list):
        raise _Bad(f"{what} is not a list")
    if len(value) > limit:
        raise _Bad(f"{what} has more than {limit:,} items")
    return value


def _strings(value: Any, what: str, limit: int, count: int) -> list[str]:
    items = _list(value, what, count)
    for item in items:
        if not isinstance(item, str) or not item:
            raise _Bad(f"{what} is not a list of names")
        _clean(item, what, limit)
    return items


def _names(value: Any, what: str, pattern: re.Pattern[str], count: int) -> list[str]:
    items = _list(value, what, count)
    if not all(isinstance(item, str) and pattern.match(item) for item in items):
        raise _Bad(f"{what} is not a list of names")
    return items


def _choice(doc: Mapping[str, Any], key: str, kind: Callable[[str], Any], where: str) -> Any:
    value = doc.get(key)
    try:
        if not isinstance(value, str):
            raise ValueError(key)
        return kind(value)
    except ValueError:
        raise _Bad(f"{where}: {key} is not one of the known values") from None


def _position(doc: Mapping[str, Any], key: str, where: str) -> int | None:
    value = doc.get(key)
    if value is None:
        return None
    if type(value) is not int or not 0 <= value <= MAX_LINE:
        raise _Bad(f"{where}: {key} is not a line or column number")
    return value


def _time(doc: Mapping[str, Any], key: str, where: str) -> datetime:
    value = _text(doc, key, where, 40)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(f"{where}: {key} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise _Bad(f"{where}: {key} has no UTC offset")
    if not EARLIEST.replace(tzinfo=None) <= parsed.replace(tzinfo=None) <= LATEST.replace(tzinfo=None):
        raise _Bad(f"{where}: {key} is not between the years 2000 and 2999")
    # SQLite keeps times without their offset: everything the store gets is UTC.
    return parsed.astimezone(UTC)


def _vi_en(value: Any, what: str) -> Text:
    if not isinstance(value, dict):
        raise _Bad(f"{what} is not an object with vi and en text")
    _keys(value, {"vi", "en"}, what)
    for lang in ("vi", "en"):
        if not isinstance(value.get(lang), str):
            raise _Bad(f"{what}.{lang} is missing or not text")
        _clean(value[lang], f"{what}.{lang}", TEXT_LENGTH)
    return Text(vi=value["vi"], en=value["en"])


def _remediation(value: Any, what: str) -> Remediation | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _Bad(f"{what} is not an object")
    _keys(value, REMEDIATION_KEYS, what)
    text = _vi_en({"vi": value.get("vi"), "en": value.get("en")}, what)
    role, tags, playbook = value.get("role"), value.get("tags") or [], value.get("playbook")
    if role is not None and not isinstance(role, str):
        raise _Bad(f"{what}: role is not text")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags) or len(tags) > MAX_LIST:
        raise _Bad(f"{what}: tags is not a list of names")
    if playbook is not None and not isinstance(playbook, str):
        raise _Bad(f"{what}: playbook is not text")
    effect = value.get("effect")
    if effect is not None and effect not in EFFECTS:
        raise _Bad(f"{what}: effect is not one of {', '.join(EFFECTS)}")
    from hisguard.scanners.catalog import known_fix

    if known_fix(role, tags, playbook):
        return Remediation(
            text=text,
            role=role,
            tags=tuple(tags),
            playbook=playbook or Remediation.playbook,
            effect=effect or "",
        )
    # Anything the role catalog does not know becomes a manual action: no document text is
    # ever a role, tag or playbook the reports hand to Ansible.
    return Remediation(text=text)


def _details(value: Any, what: str) -> dict[str, Any]:
    """Display-safe facts: any JSON, but bounded (depth, size) and without NUL or huge numbers."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Bad(f"{what} is not an object")
    stack: list[tuple[Any, int]] = [(value, 1)]
    seen = 0
    while stack:
        item, depth = stack.pop()
        seen += 1
        if seen > MAX_DETAIL_VALUES:
            raise _Bad(f"{what} holds more than {MAX_DETAIL_VALUES} values")
        if isinstance(item, str):
            _clean(item, f"{what}: a value", TEXT_LENGTH)
        elif isinstance(item, dict | list):
            if depth > MAX_DETAIL_DEPTH:
                raise _Bad(f"{what} is nested deeper than {MAX_DETAIL_DEPTH} levels")
            if isinstance(item, dict):
                for key in item:
                    _clean(key, f"{what}: a field name", 200)
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)
        elif type(item) is int:
            if not -(2**53) <= item <= 2**53:
                raise _Bad(f"{what}: a number is out of range")
        elif type(item) is float:
            if not -1e15 <= item <= 1e15:
                raise _Bad(f"{what}: a number is out of range")
        elif item is not None and type(item) is not bool:
            raise _Bad(f"{what}: a value is not JSON")
    return dict(value)
