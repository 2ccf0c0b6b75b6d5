"""Findings and runs: the typed, immutable records every scanner produces.

A finding never holds a secret. Scanners pass redacted evidence for display and the raw
material that identifies the problem only to :func:`fingerprint`, which keeps nothing but an
HMAC of it under the installation key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from hisguard.scanners.keys import installation_key


class Status(StrEnum):
    FAIL = "fail"
    PASS = "pass"
    ERROR = "error"
    NOT_APPLICABLE = "not_applicable"
    WAIVED = "waived"


class Severity(StrEnum):
    """Worst first: the order the members are declared in is THE severity order."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: critical 4 ... info 0."""
        order = list(Severity)
        return len(order) - 1 - order.index(self)

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank

    def shifted(self, steps: int) -> Severity:
        """``steps`` levels worse (milder when negative), never past critical or info."""
        order = list(Severity)
        return order[max(0, min(len(order) - 1, order.index(self) - steps))]


@dataclass(frozen=True)
class Text:
    """A user-visible string in Vietnamese (first) and English."""

    vi: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi

    def to_dict(self) -> dict[str, str]:
        return {"vi": self.vi, "en": self.en}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Text:
        return cls(vi=str(data["vi"]), en=str(data["en"]))


# What running a finding's role does to it (Remediation.effect; every catalog entry says which).
FIXES = "fixes"
MITIGATES = "mitigates"
MANUAL = "manual"
EFFECTS = (FIXES, MITIGATES, MANUAL)


@dataclass(frozen=True)
class Remediation:
    """What fixes a finding: the text, the hardening role and tags, and what running them does.

    ``effect`` is the catalog's honest claim about the role: it FIXES the finding (gone after the
    run), only MITIGATES it (a person still has to finish the job), or the finding is MANUAL
    work. Left out, it follows the role: a role fixes, no role is manual (older documents).
    """

    text: Text
    role: str | None = None
    tags: tuple[str, ...] = ()
    playbook: str = "playbooks/harden.yml"
    effect: str = ""

    def __post_init__(self) -> None:
        # Without a role nothing runs: whatever a document says, the work is manual.
        if not self.role:
            object.__setattr__(self, "effect", MANUAL)
        elif self.effect not in (FIXES, MITIGATES):
            object.__setattr__(self, "effect", FIXES)

    def to_dict(self) -> dict[str, Any]:
        return {
            "vi": self.text.vi,
            "en": self.text.en,
            "role": self.role,
            "tags": list(self.tags),
            "playbook": self.playbook,
            "effect": self.effect,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Remediation:
        return cls(
            text=Text(vi=str(data["vi"]), en=str(data["en"])),
            role=data.get("role"),
            tags=tuple(data.get("tags") or ()),
            playbook=str(data.get("playbook") or "playbooks/harden.yml"),
            effect=str(data.get("effect") or ""),
        )


@dataclass(frozen=True)
class Finding:
    """One result of one check on one resource of one host.

    ``evidence`` is already redacted (the kind of secret, a length class, a keyed fingerprint);
    ``details`` holds extra display-safe facts (mode, owner, secret kind, account name...).
    """

    check_id: str
    status: Status
    severity: Severity
    facility: str
    host: str
    resource: str
    title: Text
    fingerprint: str
    scanner: str
    evidence: str = ""
    rationale: Text | None = None
    remediation: Remediation | None = None
    references: tuple[str, ...] = ()
    line: int | None = None
    column: int | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id,
            "status": self.status.value,
            "severity": self.severity.value,
            "facility": self.facility,
            "host": self.host,
            "resource": self.resource,
            "line": self.line,
            "column": self.column,
            "title": self.title.to_dict(),
            "evidence": self.evidence,
            "fingerprint": self.fingerprint,
            "scanner": self.scanner,
            "rationale": self.rationale.to_dict() if self.rationale else None,
            "remediation": self.remediation.to_dict() if self.remediation else None,
            "references": list(self.references),
            "details": dict(self.details),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        rationale = data.get("rationale")
        remediation = data.get("remediation")
        return cls(
            check_id=str(data["check_id"]),
            status=Status(data["status"]),
            severity=Severity(data["severity"]),
            facility=str(data["facility"]),
            host=str(data["host"]),
            resource=str(data["resource"]),
            title=Text.from_dict(data["title"]),
            fingerprint=str(data["fingerprint"]),
            scanner=str(data.get("scanner") or ""),
            evidence=str(data.get("evidence") or ""),
            rationale=Text.from_dict(rationale) if rationale else None,
            remediation=Remediation.from_dict(remediation) if remediation else None,
            references=tuple(data.get("references") or ()),
            line=data.get("line"),
            column=data.get("column"),
            details=dict(data.get("details") or {}),
        )

    def with_status(self, status: Status) -> Finding:
        return replace(self, status=status)


@dataclass(frozen=True)
class ScanError:
    """A target that could not be scanned (or a part of it), and why, in one line."""

    scanner: str
    target: str
    message: str
    facility: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "scanner": self.scanner,
            "facility": self.facility,
            "target": self.target,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScanError:
        return cls(
            scanner=str(data["scanner"]),
            target=str(data["target"]),
            message=str(data["message"]),
            facility=str(data.get("facility") or ""),
        )


@dataclass(frozen=True)
class Run:
    """One scan run: what was scanned, when, and what could not be."""

    id: str
    started_at: datetime
    finished_at: datetime
    scanners: tuple[str, ...]
    facility: str
    hosts: tuple[str, ...] = ()
    errors: tuple[ScanError, ...] = ()
    findings: tuple[Finding, ...] = ()

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "scanners": list(self.scanners),
            "facility": self.facility,
            "hosts": list(self.hosts),
        }

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        findings: tuple[Finding, ...] = (),
        errors: tuple[ScanError, ...] = (),
    ) -> Run:
        return cls(
            id=str(data["id"]),
            started_at=datetime.fromisoformat(data["started_at"]),
            finished_at=datetime.fromisoformat(data["finished_at"]),
            scanners=tuple(data.get("scanners") or ()),
            facility=str(data.get("facility") or ""),
            hosts=tuple(data.get("hosts") or ()),
            errors=errors,
            findings=findings,
        )


def utcnow() -> datetime:
    return datetime.now(UTC)


def raw_bytes(text: str | bytes) -> bytes:
    """The bytes ``text`` stands for.

    A file name that is not UTF-8 arrives as a str holding surrogate escapes (os.fsdecode): it
    gets its original bytes back, so two such names never share a fingerprint.
    """
    if isinstance(text, bytes):
        return text
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that no file name produced (JSON "\ud800")
        return text.encode("utf-8", "surrogatepass")


def display_path(path: str | bytes) -> str:
    r"""``path`` as valid text for documents, stores and screens: bytes that are not UTF-8 become
    ``\xNN`` (``\uDXXX`` for a lone surrogate); valid text, including Vietnamese, is unchanged."""
    text = os.fsdecode(path) if isinstance(path, bytes) else path
    if not _SURROGATES.search(text):
        return text
    return _SURROGATES.sub(_escape_surrogate, text)


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


_SURROGATES = re.compile("[\ud800-\udfff]")


def evidence_digest(material: str | bytes) -> str:
    """A plain SHA-256 of evidence material, for feeding :func:`fingerprint` only."""
    return hashlib.sha256(raw_bytes(material)).hexdigest()


def fingerprint(
    check_id: str,
    host: str,
    resource: str | bytes,
    evidence_material: str | bytes = "",
    key: bytes | None = None,
) -> str:
    """The stable identity of a finding: HMAC-SHA256 of check, host, resource and evidence.

    ``evidence_material`` may be a raw secret: only its SHA-256 enters the HMAC, and only the
    HMAC leaves this function, so no secret (and no unkeyed digest of one) is ever stored.
    Line numbers are deliberately not part of it: a credential that moves down a file is the
    same problem.
    """
    mac_key = key if key is not None else installation_key()
    parts = (raw_bytes(check_id), raw_bytes(host), raw_bytes(resource))
    message = b"\x1f".join((*parts, evidence_digest(evidence_material).encode()))
    return hmac.new(mac_key, message, hashlib.sha256).hexdigest()


def keyed_digest(value: str | bytes, purpose: str, key: bytes | None = None) -> str:
    """A keyed digest of a secret, to compare two secrets without keeping either.

    ``purpose`` separates uses (for example "portal-password") so digests of one use cannot be
    matched against another's.
    """
    mac_key = key if key is not None else installation_key()
    raw = raw_bytes(value)
    return hmac.new(mac_key, purpose.encode("utf-8") + b"\x00" + raw, hashlib.sha256).hexdigest()
