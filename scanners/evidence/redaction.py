"""Secret values out of log excerpts, before anything is written to the pack.

Two passes: every known secret (the register's portal passwords and the MD5 forms BHXH's API
takes) wherever it appears, then anything that looks like a secret by shape (a value after a
secret-ish key, a JWT, a 32-hex MD5). Each becomes the project's redacted form (kind, length
class, keyed fingerprint), so two excerpts of one secret still show it is the same one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from hisguard.scanners.credentials.redact import redacted

_KEYS = (
    r"(?:password|passwd|pass|pwd|matkhau|mat_khau|secret|token|id_token|access_token"
    r"|refresh_token|apikey|api_key)"
)
# key=value (query strings, env files, shell), "key": "value" (JSON), key: value (YAML)
_ASSIGNED = re.compile(
    rf"""(?P<key>["']?[\w.-]*{_KEYS}[\w.-]*["']?\s*(?:=|:)\s*)(?P<q>["']?)(?P<value>[^\s"'&;,}}]+)""",
    re.IGNORECASE,
)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*")
_MD5 = re.compile(r"\b[0-9a-fA-F]{32}\b")
_CURL_USER = re.compile(r"(?P<flag>(?:-u|--user)\s+['\"]?[^:\s'\"]+:)(?P<value>[^\s'\"]+)")
_BASIC = re.compile(
    r"(?P<flag>Authorization:\s*(?:Basic|Bearer)\s+)(?P<value>[A-Za-z0-9+/=._-]+)", re.IGNORECASE
)


def secret_forms(passwords: Iterable[str]) -> list[str]:
    """Each password and its MD5 in both cases (what the scripts send), longest first."""
    forms: set[str] = set()
    for password in passwords:
        if len(password) < 4:
            continue
        digest = hashlib.md5(password.encode("utf-8"), usedforsecurity=False).hexdigest()
        forms.update({password, digest, digest.upper()})
    return sorted(forms, key=len, reverse=True)


class Redactor:
    def __init__(self, known: Iterable[str] = (), key: bytes | None = None) -> None:
        self._known = secret_forms(known)
        self._key = key

    def line(self, text: str) -> str:
        for secret in self._known:
            if secret in text:
                text = text.replace(secret, redacted("secret", secret, self._key))
        text = _JWT.sub(lambda m: redacted("token", m.group(0), self._key), text)
        text = _CURL_USER.sub(
            lambda m: m.group("flag") + redacted("password", m.group("value"), self._key), text
        )
        text = _BASIC.sub(
            lambda m: m.group("flag") + redacted("credential", m.group("value"), self._key), text
        )
        text = _ASSIGNED.sub(self._assigned, text)
        return _MD5.sub(lambda m: redacted("md5", m.group(0), self._key), text)

    def _assigned(self, match: re.Match[str]) -> str:
        value = match.group("value")
        if value.startswith("<") or len(value) < 3:  # already redacted, or nothing to hide
            return match.group(0)
        return match.group("key") + match.group("q") + redacted("secret", value, self._key)

    def text(self, data: bytes) -> bytes:
        lines = data.decode("utf-8", errors="replace").splitlines()
        return ("\n".join(self.line(line) for line in lines) + ("\n" if lines else "")).encode("utf-8")
