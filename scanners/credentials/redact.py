"""Redacted evidence: the key name, the length and at most the first two characters."""

from __future__ import annotations

import re

CCCD = re.compile(r"^\d{12}$")
PORTAL_USER = re.compile(r"^\d{5}_[Bb][Vv]$")


def shown_prefix(value: str) -> str:
    """Two leading characters of a long value, one of a mid-length one, none of a short one."""
    if len(value) >= 8:
        return value[:2]
    if len(value) >= 5:
        return value[:1]
    return ""


def evidence(key: str, kind: str, value: str) -> str:
    prefix = shown_prefix(value)
    start = f", starts {prefix!r}" if prefix else ""
    return f"{key[:60]} = <{kind}, {len(value)} chars{start}>"


def username_label(username: str) -> str:
    """Portal usernames (75901_BV) are shown; anything else, such as a citizen ID, is redacted."""
    if not username:
        return ""
    if PORTAL_USER.match(username):
        return username
    return f"<{len(username)} chars, starts {shown_prefix(username)!r}>"
