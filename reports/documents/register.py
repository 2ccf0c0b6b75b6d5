"""The delegation register as the documents show it: one row per account, never a password.

The rows use the register's non-secret fields only (``PortalAccount.password`` is never read).
A portal username that is a citizen id (9 or 12 digits) is personal data: it is not printed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from hisguard.reports.documents.model import clean
from hisguard.scanners.inventory import PortalAccount

CITIZEN_ID = re.compile(r"\A(?:\d{9}|\d{12})\Z")

SCOPE_LABELS = {
    "vi": {"lookup": "tra cứu", "claims": "gửi hồ sơ", "admin": "quản trị", "signing": "ký số"},
    "en": {
        "lookup": "look-up",
        "claims": "claim submission",
        "admin": "administration",
        "signing": "signing",
    },
}
HELD_LABELS = {
    "vi": {"his_server": "máy chủ HIS", "vendor_cloud": "đám mây của nhà cung cấp", "person": "cá nhân giữ"},
    "en": {"his_server": "HIS server", "vendor_cloud": "vendor cloud", "person": "held by a person"},
}
STATUS_LABELS = {
    "vi": {"active": "đang dùng", "suspended": "tạm khóa", "revoked": "đã thu hồi"},
    "en": {"active": "active", "suspended": "suspended", "revoked": "revoked"},
}
OUTCOME_LABELS = {
    "vi": {
        "confirmed": "giữ nguyên",
        "changed": "đã điều chỉnh",
        "to_revoke": "cần thu hồi",
        "revoked": "đã thu hồi",
    },
    "en": {"confirmed": "confirmed", "changed": "changed", "to_revoke": "to revoke", "revoked": "revoked"},
}


@dataclass(frozen=True)
class RegisterState:
    total: int
    reviewed_in_period: int
    with_decision: int
    period_months: int
    last_review: date | None
    overdue: tuple[str, ...]  # account names
    without_decision: tuple[str, ...]


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)


def register_state(accounts: Sequence[PortalAccount], period_months: int, today: date) -> RegisterState:
    active = [a for a in accounts if not a.is_revoked]
    overdue = tuple(
        a.name
        for a in active
        if a.last_review is None or _months_between(a.last_review, today) >= period_months
    )
    reviews = [a.last_review for a in accounts if a.last_review]
    return RegisterState(
        total=len(accounts),
        reviewed_in_period=sum(
            1 for a in accounts if a.last_review and _months_between(a.last_review, today) < period_months
        ),
        with_decision=sum(1 for a in accounts if a.decision),
        period_months=period_months,
        last_review=max(reviews) if reviews else None,
        overdue=overdue,
        without_decision=tuple(a.name for a in active if a.decision is None),
    )


def shown_username(account: PortalAccount) -> str:
    return "" if CITIZEN_ID.match(account.username) else clean(account.username, 80)


def account_row(account: PortalAccount, lang: str, day: Callable[[date | None], str]) -> tuple[str, ...]:
    """Account, holder, department, scope, decision, where held, then status and review outcome."""
    name = clean(account.name, 80)
    username = shown_username(account)
    label = f"{name} ({username})" if username and username != name else name
    scope = ", ".join(SCOPE_LABELS[lang].get(s, s) for s in account.scope)
    given = account.decision
    decision = (
        f"{clean(given.number, 80)}, {day(given.signed)}, {clean(given.signer, 80)}"
        if given
        else ("chưa có" if lang == "vi" else "none")
    )
    status = STATUS_LABELS[lang].get(account.status, account.status) if account.status else ""
    if account.review:
        outcome = OUTCOME_LABELS[lang].get(account.review.outcome, account.review.outcome)
        review = f"{outcome} ({day(account.review.reviewed)}, {clean(account.review.reviewer, 80)})"
    elif account.reviewed:
        review = f"({day(account.reviewed)})"
    else:
        review = "chưa rà soát" if lang == "vi" else "not reviewed"
    return (
        label,
        clean(account.holder, 120),
        clean(account.department, 120),
        scope,
        decision,
        HELD_LABELS[lang].get(account.held_at, account.held_at),
        "; ".join(part for part in (status, review) if part),
    )
