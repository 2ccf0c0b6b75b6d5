"""Redacted evidence: no character of a secret, only its kind, a coarse length and a keyed fingerprint.

The first characters of a short password, with the hint that it is built from the facility code,
narrow it to a few guesses, so none is shown. The fingerprint is a truncated HMAC under the
installation key (:func:`scanners.findings.keyed_digest`): two findings of the same secret show the
same fingerprint on one installation, and nobody without the key can test a guess against it.
"""

from __future__ import annotations

import re

from hisguard.scanners.findings import keyed_digest

CCCD = re.compile(r"^\d{12}$")
PORTAL_USER = re.compile(r"^\d{5}_[A-Za-z]{2,6}$")
PURPOSE = "evidence-fingerprint"
FINGERPRINT_CHARS = 10
# Upper bounds of the length classes: a class, not a length, so the length narrows nothing much.
LENGTH_CLASSES = ((8, "up to 8 chars"), (16, "9-16 chars"), (32, "17-32 chars"), (64, "33-64 chars"))


def length_class(value: str) -> str:
    for bound, label in LENGTH_CLASSES:
        if len(value) <= bound:
            return label
    return "over 64 chars"


def secret_fingerprint(value: str, key: bytes | None = None) -> str:
    """A short keyed fingerprint of a secret (hex), the same for the same secret and key."""
    return keyed_digest(value, PURPOSE, key)[:FINGERPRINT_CHARS]


def redacted(kind: str, value: str, key: bytes | None = None) -> str:
    return f"<{kind}, {length_class(value)}, fp {secret_fingerprint(value, key)}>"


def evidence(key: str, kind: str, value: str, mac_key: bytes | None = None) -> str:
    return f"{key[:60]} = {redacted(kind, value, mac_key)}"


def username_label(username: str, key: bytes | None = None) -> str:
    """Portal usernames (75901_BV) are shown; anything else, such as a citizen ID, is redacted."""
    if not username:
        return ""
    if PORTAL_USER.match(username):
        return username
    kind = "citizen id" if CCCD.match(username) else "username"
    return redacted(kind, username, key)
