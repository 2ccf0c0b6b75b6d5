"""Catalog data shared by every scanner: regulations, hardening roles, and check metadata.

A check (configuration), a rule (credentials) and a risk (network) all carry the same
metadata: id, severity, Vietnamese and English title, rationale and remediation, the role and
tags that fix it, and references. :func:`parse_metadata` validates it once for all of them, so
a bad entry is refused on load with a message that names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from hisguard.scanners.errors import CatalogError
from hisguard.scanners.findings import (
    EFFECTS,
    MANUAL,
    Finding,
    Remediation,
    Severity,
    Status,
    Text,
    fingerprint,
)

CONFIDENCES = ("letter", "verified", "secondary")


@dataclass(frozen=True)
class BreachNotice:
    """A duty to notify a breach: within how long, to whom, on which form (the entry's confidence)."""

    deadline_hours: int
    recipient: Text
    form: Text


@dataclass(frozen=True)
class Regulation:
    key: str
    document: Text
    requirement: Text
    confidence: str
    breach_notice: BreachNotice | None = None

    @property
    def to_be_verified(self) -> bool:
        return self.confidence == "secondary"


@dataclass(frozen=True)
class CheckMeta:
    """Metadata of one check, rule or risk entry."""

    id: str
    severity: Severity
    title: Text
    rationale: Text
    remediation: Remediation
    references: tuple[str, ...]
    groups: tuple[str, ...] = ()

    def finding(
        self,
        *,
        scanner: str,
        facility: str,
        host: str,
        resource: str,
        material: str | bytes = "",
        shown_resource: str | None = None,
        status: Status = Status.FAIL,
        severity: Severity | None = None,
        title: Text | None = None,
        evidence: str = "",
        line: int | None = None,
        column: int | None = None,
        details: Mapping[str, Any] | None = None,
        key: bytes | None = None,
    ) -> Finding:
        """The one way a scanner turns this entry into a finding.

        ``material`` identifies the problem (it may be a raw secret): only its keyed fingerprint
        is kept. ``shown_resource`` is what the finding displays when it differs from the
        resource the fingerprint identifies (a path that is not valid UTF-8, escaped).
        ``severity`` and ``title`` override the catalog's where a scanner refines them; ``key``
        replaces the installation key (synthetic data that must not create one).
        """
        return Finding(
            check_id=self.id,
            status=status,
            severity=severity or self.severity,
            facility=facility,
            host=host,
            resource=resource if shown_resource is None else shown_resource,
            title=title or self.title,
            fingerprint=fingerprint(self.id, host, resource, material, key=key),
            scanner=scanner,
            evidence=evidence,
            rationale=self.rationale,
            remediation=self.remediation,
            references=self.references,
            line=line,
            column=column,
            details=dict(details or {}),
        )


def load_yaml_resource(name: str) -> Any:
    text = resources.files("hisguard.scanners.catalog").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def regulations() -> Mapping[str, Regulation]:
    data = load_yaml_resource("regulations.yml")
    result = {}
    for key, entry in data.items():
        if entry.get("confidence") not in CONFIDENCES:
            raise CatalogError(f"regulations.yml: {key}: confidence must be one of {CONFIDENCES}")
        result[key] = Regulation(
            key=key,
            document=Text(vi=entry["document"], en=entry.get("document_en", entry["document"])),
            requirement=Text.from_dict(entry["requirement"]),
            confidence=entry["confidence"],
            breach_notice=_breach_notice(key, entry.get("breach_notice")),
        )
    return result


def _breach_notice(key: str, entry: Any) -> BreachNotice | None:
    if entry is None:
        return None
    hours = entry.get("deadline_hours") if isinstance(entry, dict) else None
    if not isinstance(hours, int) or isinstance(hours, bool) or not 0 < hours <= 24 * 365:
        raise CatalogError(f"regulations.yml: {key}: breach_notice needs deadline_hours (a number of hours)")
    try:
        return BreachNotice(hours, Text.from_dict(entry["recipient"]), Text.from_dict(entry["form"]))
    except (KeyError, TypeError):
        raise CatalogError(
            f"regulations.yml: {key}: breach_notice needs recipient and form {{vi, en}}"
        ) from None


def breach_notices() -> list[Regulation]:
    """The regulations that set a breach-notification duty."""
    return [r for r in regulations().values() if r.breach_notice is not None]


@cache
def roles() -> Mapping[str, Mapping[str, str]]:
    """role name -> {tag: on/off variable} for every hardening role."""
    data = load_yaml_resource("roles.yml")
    return {role: dict(areas) for role, areas in data.items()}


# The playbooks a finding may name as its fix. A scan document can say anything, so a fix only
# becomes a command or a play when its playbook, role and tags are all the project's own.
KNOWN_PLAYBOOKS = frozenset({"playbooks/harden.yml"})


def known_fix(role: str | None, tags: Sequence[str], playbook: str | None) -> bool:
    """A role with tags of its own (roles.yml), run by a playbook hisguard ships (None: the default)."""
    if role is None:
        return False
    areas = roles().get(role)
    return (
        areas is not None
        and all(tag in areas for tag in tags)
        and (playbook is None or playbook in KNOWN_PLAYBOOKS)
    )


# Keys every entry may have; a catalog adds its own (``groups``, ``match``...) through ``extra_keys``.
METADATA_KEYS = frozenset(
    {"id", "severity", "title", "rationale", "remediation", "fix", "effect", "references"}
)
# Letters only Vietnamese uses (with the tone marks): a vi text without any is not Vietnamese.
VIETNAMESE_LETTERS = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE
)


def _text(entry: Mapping[str, Any], field: str, where: str) -> Text:
    value = entry.get(field)
    if not isinstance(value, Mapping):
        raise CatalogError(f"{where}: {field} needs vi and en text")
    extra = sorted(set(value) - {"vi", "en"}, key=str)
    if extra:
        raise CatalogError(f"{where}: {field}: unknown key {extra[0]!r} (only vi and en)")
    for lang in ("vi", "en"):
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            raise CatalogError(f"{where}: {field}.{lang} is missing")
    text = Text(vi=value["vi"].strip(), en=value["en"].strip())
    if not VIETNAMESE_LETTERS.search(text.vi):
        raise CatalogError(f"{where}: {field}.vi is not Vietnamese text (no Vietnamese letters)")
    if text.vi == text.en:
        raise CatalogError(f"{where}: {field}.vi is a copy of {field}.en")
    return text


def _fix(entry: Mapping[str, Any], where: str) -> tuple[str | None, tuple[str, ...]]:
    fix = entry.get("fix")
    if fix is None:
        return None, ()
    if not isinstance(fix, Mapping):
        raise CatalogError(f"{where}: fix must be a mapping with role and tags")
    extra = sorted(set(fix) - {"role", "tags"}, key=str)
    if extra:
        raise CatalogError(f"{where}: fix: unknown key {extra[0]!r} (only role and tags)")
    role = fix.get("role")
    tags = fix.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise CatalogError(f"{where}: fix.tags must be a list of tags")
    if role is None:
        if tags:
            raise CatalogError(f"{where}: tags given without a role")
        return None, ()
    known = roles()
    if role not in known:
        raise CatalogError(f"{where}: unknown role {role!r}")
    for tag in tags:
        if tag not in known[role]:
            raise CatalogError(f"{where}: role {role} has no tag {tag!r}")
    return str(role), tuple(tags)


def _effect(entry: Mapping[str, Any], role: str | None, where: str) -> str:
    """What the entry's role does to its finding, said by every entry: fixes, mitigates, manual."""
    effect = entry.get("effect")
    if effect is None:
        raise CatalogError(f"{where}: effect is missing (one of {', '.join(EFFECTS)})")
    if effect not in EFFECTS:
        raise CatalogError(f"{where}: effect {effect!r} is not one of {', '.join(EFFECTS)}")
    if effect == MANUAL and role is not None:
        raise CatalogError(f"{where}: effect manual, but fix names role {role}")
    if effect != MANUAL and role is None:
        raise CatalogError(f"{where}: effect {effect} needs a fix with a role")
    return str(effect)


def parse_metadata(
    entry: Mapping[str, Any],
    where: str,
    expected_id: str | None = None,
    extra_keys: Iterable[str] = (),
) -> CheckMeta:
    """Validate and build one entry's metadata; ``where`` names it in every error.

    The same rules for every catalog: no unknown key (``extra_keys`` are the catalog's own),
    vi and en text for title, rationale and remediation (real Vietnamese, not a copy of the
    English), a valid severity, known regulation keys, a known role and tags, and an ``effect``
    (``fixes``, ``mitigates`` or ``manual``) that agrees with the fix: a role for the first two,
    none for manual work.
    """
    allowed = METADATA_KEYS | set(extra_keys)
    unknown = sorted(str(k) for k in entry if k not in allowed)
    if unknown:
        raise CatalogError(f"{where}: unknown key {unknown[0]!r}")
    check_id = entry.get("id")
    if not isinstance(check_id, str) or not check_id:
        raise CatalogError(f"{where}: no id")
    if expected_id is not None and check_id != expected_id:
        raise CatalogError(f"{where}: id {check_id} does not match its file name {expected_id}")
    try:
        severity = Severity(str(entry.get("severity")))
    except ValueError:
        raise CatalogError(f"{where}: severity {entry.get('severity')!r} is not valid") from None
    role, tags = _fix(entry, where)
    effect = _effect(entry, role, where)
    references = entry.get("references") or []
    if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
        raise CatalogError(f"{where}: references must be a list of regulation keys")
    catalog = regulations()
    for key in references:
        if key not in catalog:
            raise CatalogError(f"{where}: unknown reference {key!r}")
    groups = entry.get("groups") or []
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise CatalogError(f"{where}: groups must be a list of host groups")
    return CheckMeta(
        id=check_id,
        severity=severity,
        title=_text(entry, "title", where),
        rationale=_text(entry, "rationale", where),
        remediation=Remediation(text=_text(entry, "remediation", where), role=role, tags=tags, effect=effect),
        references=tuple(references),
        groups=tuple(groups),
    )
