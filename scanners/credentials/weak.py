"""Weak portal passwords (C03): common passwords and guesses built from the facility code.

The portal takes the MD5 of the password, so a found value is weak when it equals a candidate or
the MD5 of one (either case). Candidates stay in memory only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

PREFIXES = ("", "bv", "Bv", "BV", "bhyt", "Bhyt", "BHYT", "bhxh", "Bhxh", "BHXH", "his", "HIS")
SUFFIXES = (
    "",
    "@",
    "@123",
    "123",
    "#",
    "!",
    "_bv",
    "_BV",
    "@bv",
    "@BV",
    ".",
    "@@",
    "1",
    "@1",
    "2024",
    "2025",
    "@2024",
    "@2025",
    "abc",
    "@abc",
)
SEPARATORS = ("", "@", "_", ".", "#")


def facility_guesses(code: str) -> set[str]:
    guesses = set()
    for prefix in PREFIXES:
        for sep in SEPARATORS if prefix else ("",):
            for suffix in SUFFIXES:
                guesses.add(f"{prefix}{sep}{code}{suffix}")
    guesses.update({f"{code}_bv@", f"{code}_BV@", f"{code}{code}", f"{code}_BV123", f"{code}_bv123"})
    return guesses


class WeakPasswords:
    """Plain candidates and their MD5 (lower-case hex) for one set of facility codes."""

    def __init__(self, common: Iterable[str], codes: Iterable[str] = ()) -> None:
        self.plain: set[str] = set(common)
        self._codes: set[str] = set()
        self._digests: set[bytes] = set()
        self._hash(self.plain)
        for code in codes:
            self.add_code(code)

    def _hash(self, items: Iterable[str]) -> None:
        # Raw digests (16 bytes): hexdigest() and its string cost more than the hash itself.
        md5 = hashlib.md5
        self._digests.update([md5(item.encode("utf-8")).digest() for item in items])

    def add_code(self, code: str) -> None:
        if not code or code in self._codes:
            return
        self._codes.add(code)
        guesses = facility_guesses(code)
        self.plain.update(guesses)
        self._hash(guesses)

    def is_weak(self, value: str) -> bool:
        if value in self.plain:
            return True
        if len(value) != 32:
            return False
        try:
            return bytes.fromhex(value) in self._digests
        except ValueError:
            return False  # not hexadecimal
