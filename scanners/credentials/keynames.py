"""What a key name says: which kind of value it holds, and whether it names the portal.

Key names are split into words (camelCase, snake_case, dots) and the words are matched, longest
first, against the catalog's vocabulary, so ``PassWordBHYT`` is password + portal, ``DB_PASSWORD``
is a password of another system, and ``lblMatKhauBHXH`` is a label, not a secret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from hisguard.scanners.credentials.rules import RuleSet, normalize_key

KIND_ORDER = ("userpass", "password_hash", "password", "token", "session", "staff", "username")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|[^A-Za-z0-9]+")


@dataclass(frozen=True)
class KeyClass:
    kind: str | None  # one of KIND_ORDER, or None for a key that holds no credential
    portal: bool  # the key itself names the portal (PasswordBHXH, BHXH_EGW_USERNAME...)
    other: bool  # the key names another system (DB_PASSWORD, SMTP_PASS...)
    not_secret: bool  # the key holds something about a secret (a label, a length, a path...)


NO_KEY = KeyClass(kind=None, portal=False, other=False, not_secret=False)


def split_words(name: str) -> list[str]:
    return [part.lower() for part in _CAMEL.split(name) if part]


def _segment(tokens: list[str], words: dict[str, tuple[str, str]], longest: int) -> list[str]:
    """Dictionary words found at token starts (or right after another word), longest first."""
    text = "".join(tokens)
    starts = set()
    offset = 0
    for token in tokens:
        starts.add(offset)
        offset += len(token)
    found: list[str] = []
    pos = 0
    allowed = set(starts)
    boundaries = sorted(starts | {len(text)})
    while pos < len(text):
        if pos in allowed:
            for size in range(min(longest, len(text) - pos), 1, -1):
                candidate = text[pos : pos + size]
                if (
                    candidate in words
                    and _fits(pos, pos + size, boundaries)
                    and (size > 3 or _closed(text, pos + size, boundaries, words, longest))
                ):
                    found.append(candidate)
                    pos += size
                    allowed.add(pos)
                    break
            else:
                pos += 1
            continue
        pos += 1
    return found


def _fits(start: int, end: int, boundaries: list[int]) -> bool:
    """A word may join tokens (mat_khau is matkhau) only if it ends where a token ends: ``MK_THONG``
    is mk + thong, never "mkt" + "hong"."""
    if end in boundaries:
        return True
    return not any(start < b < end for b in boundaries)


def _closed(
    text: str, end: int, boundaries: list[int], words: dict[str, tuple[str, str]], longest: int
) -> bool:
    """A short word (pw, mk, tk) counts only when its token ends there or another word follows it:
    ``pwBHXH`` and ``mkbhxh`` are passwords, ``pwm`` and ``tkb`` are not."""
    if end in boundaries:
        return True
    return any(text[end : end + size] in words for size in range(2, min(longest, len(text) - end) + 1))


class KeyClassifier:
    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.words = dict(rules.words)
        self.longest = max((len(w) for w in rules.words), default=1)
        self._classify = lru_cache(maxsize=65536)(self._compute)

    def classify(self, name: str) -> KeyClass:
        return self._classify(name)

    def _compute(self, name: str) -> KeyClass:
        name = name.strip().strip("\"'`$@:")
        if not name or len(name) > 120:
            return NO_KEY
        normalized = normalize_key(name)
        exact = self.rules.portal_keys.get(normalized)
        if exact:
            return KeyClass(kind=exact, portal=True, other=False, not_secret=False)
        found = _segment(split_words(name), self.words, self.longest)
        kinds = [self.words[w][1] for w in found if self.words[w][0] == "cred"]
        portal = any(self.words[w][0] == "portal" for w in found)
        other = any(self.words[w][0] == "other" for w in found)
        not_secret = any(self.words[w][0] == "not_secret" for w in found)
        if "username" in kinds and "password" in kinds:
            kinds.append("userpass")
        kind = next((k for k in KIND_ORDER if k in kinds), None)
        return KeyClass(kind=kind, portal=portal, other=other, not_secret=not_secret)

    def names_portal(self, name: str) -> bool:
        """True when an identifier (a key, a section, a parent element) names the portal."""
        return self.classify(name).portal
