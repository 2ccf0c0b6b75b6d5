"""The delegation register's fields (``hisguard_portal_accounts``): who holds which portal account, by
whose decision, with which permissions, where, and when it was last reviewed.

Every field is optional so that an old register still loads: a missing field is a review finding
(C18), not an error. A field that is present but malformed is refused with a one-line error naming
the account and the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from hisguard.scanners.errors import InventoryError

SCOPES = ("lookup", "claims", "admin", "signing")
STATUSES = ("active", "suspended", "revoked")
HELD_AT = ("his_server", "vendor_cloud", "person")
OUTCOMES = ("confirmed", "changed", "to_revoke", "revoked")
ACCOUNT_KEYS = frozenset(
    {
        "name",
        "username",
        "password",
        "holder",
        "department",
        "holder_id",
        "purpose",
        "scope",
        "allowed_hosts",
        "decision",
        "granted",
        "revoked",
        "status",
        "held_at",
        "reviewed",
        "review",
        "password_changed",
    }
)
# A staff number or a 12-digit citizen id (CCCD): letters, digits, "-", "/", "."; bounded.
HOLDER_ID = re.compile(r"\A[0-9A-Za-z][0-9A-Za-z./-]{0,31}\Z")
MAX_TEXT = 200
# Fields an entry of the register should have; their absence is reported (C18).
EXPECTED = ("holder", "department", "holder_id", "scope", "decision", "status", "held_at", "review")


@dataclass(frozen=True)
class Decision:
    """The decision that authorised the delegation (số quyết định, ngày, người ký)."""

    number: str
    signed: date
    signer: str


@dataclass(frozen=True)
class Review:
    """The last review of one account: when, by whom, and what it concluded."""

    reviewed: date
    reviewer: str
    outcome: str


DateParser = Callable[[Any, str, str], "date | None"]


class Fields:
    """Reads one register entry's fields, each error naming the entry and the field."""

    def __init__(self, item: Mapping[str, Any], where: str, parse_date: DateParser) -> None:
        self.item = item
        self.where = where
        self._date = parse_date

    def fail(self, field_name: str, why: str) -> InventoryError:
        return InventoryError(f"{self.where}: {field_name}: {why}")

    def unknown_keys(self) -> None:
        unknown = sorted(str(k) for k in self.item if k not in ACCOUNT_KEYS)
        if unknown:
            raise self.fail(unknown[0], f"unknown field (known: {', '.join(sorted(ACCOUNT_KEYS))})")

    def text(self, name: str) -> str:
        value = self.item.get(name)
        if value is None:
            return ""
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise self.fail(name, "must be text")
        text = str(value).strip()
        if len(text) > MAX_TEXT or any(ord(c) < 32 for c in text):
            raise self.fail(name, f"must be one line of at most {MAX_TEXT} characters")
        return text

    def date(self, name: str, value: Any = None, prefix: str = "") -> date | None:
        raw = self.item.get(name) if value is None else value
        reveal = getattr(raw, "reveal", None)
        if callable(reveal):
            # A name with "password" in it is read as a secret; a date is not one, but an error
            # still never repeats what it holds.
            try:
                return date.fromisoformat(str(reveal()))
            except ValueError:
                raise self.fail(prefix + name, "is not a date (YYYY-MM-DD)") from None
        return self._date(raw, prefix + name, self.where)

    def choice(self, name: str, allowed: tuple[str, ...]) -> str:
        value = self.text(name)
        if value and value not in allowed:
            raise self.fail(name, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def holder_id(self) -> str:
        value = self.text("holder_id")
        if value and not HOLDER_ID.match(value):
            raise self.fail("holder_id", "must be a staff number or a citizen id (letters, digits, - / .)")
        return value

    def scope(self) -> tuple[str, ...]:
        value = self.item.get("scope")
        if value is None:
            return ()
        if not isinstance(value, list) or not value or not all(isinstance(s, str) for s in value):
            raise self.fail("scope", f"must be a non-empty list of {', '.join(SCOPES)}")
        wrong = [s for s in value if s not in SCOPES]
        if wrong:
            raise self.fail("scope", f"{wrong[0]!r} is not one of {', '.join(SCOPES)}")
        return tuple(dict.fromkeys(value))

    def _mapping(self, name: str, keys: tuple[str, ...]) -> Mapping[str, Any] | None:
        value = self.item.get(name)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.fail(name, f"must be a mapping with {', '.join(keys)}")
        unknown = sorted(str(k) for k in value if k not in keys)
        if unknown:
            raise self.fail(f"{name}.{unknown[0]}", f"unknown field (known: {', '.join(keys)})")
        missing = [k for k in keys if not value.get(k)]
        if missing:
            raise self.fail(f"{name}.{missing[0]}", "is missing")
        return value

    def decision(self) -> Decision | None:
        value = self._mapping("decision", ("number", "date", "signer"))
        if value is None:
            return None
        sub = Fields(value, self.where, self._date)
        signed = sub.date("date", prefix="decision.")
        assert signed is not None  # _mapping refused a missing date
        return Decision(
            number=_sub_text(sub, "number", "decision."),
            signed=signed,
            signer=_sub_text(sub, "signer", "decision."),
        )

    def review(self) -> Review | None:
        value = self._mapping("review", ("date", "reviewer", "outcome"))
        if value is None:
            return None
        sub = Fields(value, self.where, self._date)
        reviewed = sub.date("date", prefix="review.")
        assert reviewed is not None
        outcome = _sub_text(sub, "outcome", "review.")
        if outcome not in OUTCOMES:
            raise self.fail("review.outcome", f"{outcome!r} is not one of {', '.join(OUTCOMES)}")
        return Review(reviewed=reviewed, reviewer=_sub_text(sub, "reviewer", "review."), outcome=outcome)


def _sub_text(sub: Fields, name: str, prefix: str) -> str:
    try:
        return sub.text(name)
    except InventoryError as exc:
        raise InventoryError(str(exc).replace(f": {name}:", f": {prefix}{name}:", 1)) from None


def check_dates(fields: Fields, granted: date | None, revoked: date | None, status: str) -> None:
    """The dates and the status must tell one story."""
    if revoked and status and status != "revoked":
        raise fields.fail("status", f"is {status!r} but the account has a revoked date")
    if status == "revoked" and revoked is None:
        raise fields.fail("revoked", "is missing: a revoked account needs its revoked date")
    if granted and revoked and revoked < granted:
        raise fields.fail("revoked", "is before granted")


def missing_fields(item: Mapping[str, Any]) -> tuple[str, ...]:
    """The expected fields an (old) entry lacks; ``reviewed`` stands for ``review`` in old registers."""
    missing = [name for name in EXPECTED if item.get(name) in (None, "", [])]
    return tuple(name for name in missing if not (name == "review" and item.get("reviewed")))
