"""The only ``Finding.details`` a report shows: known keys, as plain short strings.

Scanners put display-safe facts in ``details``; a report still reads nothing but the keys named
here, so a key it does not know (a scanner's debugging field, a future field that was never
reviewed) cannot leak into a report. Missing or malformed values become "" / None.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from hisguard.reports.model import CredentialFacts, Waiver
from hisguard.scanners.findings import Finding

MAX_FACT_LENGTH = 200  # a fact is a name, a mode, a date: anything longer is not one


def text_fact(details: Mapping[str, Any], key: str) -> str:
    value = details.get(key)
    if value is None or isinstance(value, Mapping | list | tuple | set):
        return ""
    text = " ".join(str(value).split())  # no newlines: facts sit in table cells and CSV rows
    return text[:MAX_FACT_LENGTH]


MAX_EVIDENCE_LENGTH = 500


def evidence(finding: Finding, lang: str) -> str:
    """The evidence as the report's language says it.

    A scanner whose evidence is a sentence (not redacted data) puts it in both languages in
    ``details["evidence_text"]``; anything malformed there falls back to the stored evidence.
    """
    texts = finding.details.get("evidence_text")
    if isinstance(texts, Mapping):
        text = texts.get(lang)
        if isinstance(text, str) and text.strip():
            return text[:MAX_EVIDENCE_LENGTH]
    return finding.evidence


def parse_datetime(value: Any) -> datetime | None:
    """An ISO 8601 string or a POSIX timestamp, as an aware datetime (naive means UTC)."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, str) and value.strip():
            parsed = datetime.fromisoformat(value.strip())
        else:
            return None
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    return None


def waiver(details: Mapping[str, Any], key: str = "waiver") -> Waiver | None:
    """``details["waiver"]`` (a WAIVED finding), or with ``key="waiver_expired"`` the lapsed one."""
    raw = details.get(key)
    if not isinstance(raw, Mapping):
        return None
    return Waiver(
        reason=text_fact(raw, "reason"),
        approver=text_fact(raw, "approver"),
        ticket=text_fact(raw, "ticket"),
        expires=parse_date(raw.get("expires")),
    )


def mode_text(value: Any) -> str:
    """A file mode as octal text: scanners may give 420, "0644" or "644"."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return f"{value & 0o7777:04o}"
    text = text_fact({"mode": value}, "mode")
    return text.zfill(4) if text.isdigit() and len(text) <= 4 else text


CREDENTIAL_KEYS = ("kind", "account", "username", "owner", "uid", "mode", "mtime", "modified", "exposure")


def credential(details: Mapping[str, Any]) -> CredentialFacts | None:
    """The secret and file facts of a credential finding, or None when it carries none.

    The credential scanner writes ``modified`` (ISO time) and ``uid``; ``mtime`` and ``owner``
    are read too, so older or other producers' findings show the same way.
    """
    if not any(details.get(key) not in (None, "", [], ()) for key in CREDENTIAL_KEYS):
        return None
    owner = text_fact(details, "owner")
    if not owner and isinstance(details.get("uid"), int) and not isinstance(details.get("uid"), bool):
        owner = f"uid {details['uid']}"
    exposure = details.get("exposure")
    return CredentialFacts(
        kind=text_fact(details, "kind"),
        account=text_fact(details, "account"),
        username=text_fact(details, "username"),
        owner=owner,
        mode=mode_text(details.get("mode")),
        mtime=parse_datetime(details.get("mtime") or details.get("modified")),
        exposure=tuple(text_fact({"e": item}, "e") for item in exposure[:10] if isinstance(item, str))
        if isinstance(exposure, list | tuple)
        else (),
    )


def account_of(details: Mapping[str, Any]) -> tuple[str, str]:
    """(register account name, portal username) a credential finding names; "" when absent."""
    return text_fact(details, "account"), text_fact(details, "username")
