"""A finding as compact JSON, byte for byte what ``json.dumps(finding.to_dict(), ensure_ascii=False)``
gives, several times faster: the store writes one per finding, 100,000 at a time.

Titles, rationales and remediations repeat across a run (one per check): their JSON is made
once and reused. Anything unusual (non-text details, odd numbers) goes through ``json.dumps``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any

from hisguard.scanners.findings import Finding, Remediation, Text

_dumps = json.JSONEncoder(ensure_ascii=False).encode


@lru_cache(maxsize=4096)
def _text(text: Text | None) -> str:
    return "null" if text is None else _dumps(text.to_dict())


@lru_cache(maxsize=4096)
def _remediation(remediation: Remediation | None) -> str:
    return "null" if remediation is None else _dumps(remediation.to_dict())


@lru_cache(maxsize=4096)
def _references(references: tuple[str, ...]) -> str:
    return _dumps(list(references))


def _number(value: Any) -> str:
    if value is None:
        return "null"
    if type(value) is int:
        return str(value)
    return _dumps(value)


def _details(details: Any) -> str:
    return "{}" if not details else _dumps(dict(details))


def finding_json(f: Finding) -> str:
    s = encode_basestring
    return (
        f'{{"check_id": {s(f.check_id)}, "status": {s(f.status.value)}, "severity": {s(f.severity.value)}, '
        f'"facility": {s(f.facility)}, "host": {s(f.host)}, "resource": {s(f.resource)}, '
        f'"line": {_number(f.line)}, "column": {_number(f.column)}, "title": {_text(f.title)}, '
        f'"evidence": {s(f.evidence)}, "fingerprint": {s(f.fingerprint)}, "scanner": {s(f.scanner)}, '
        f'"rationale": {_text(f.rationale)}, "remediation": {_remediation(f.remediation)}, '
        f'"references": {_references(tuple(f.references))}, "details": {_details(f.details)}}}'
    )
