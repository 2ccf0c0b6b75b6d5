"""What a value is: a secret, or a placeholder, a read from elsewhere, a mask, a label.

Only literal values count. Placeholders (``changeme``, ``${BHXH_PASSWORD}``, ``<mat-khau>``),
reads from the environment or a vault, ansible-vault ciphertext and masked values are not leaks.
"""

from __future__ import annotations

import re

from hisguard.scanners.credentials.rules import RuleSet

HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")
HEX_LONG = re.compile(r"^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")
JWT = re.compile(r"^eyJ[\w-]+\.[\w-]+\.[\w-]*$")
# An unquoted value that is code, not a literal: a call, an attribute access, an index.
CALL_OR_INDEX = re.compile(r"^[A-Za-z_$][\w$]*\s*[.(\[]")
CMDLET = re.compile(
    r"^(?:Get|Set|New|Read|Import|Export|Invoke|ConvertTo|ConvertFrom|Select|Out|Add|Remove|Start|Join)"
    r"-[A-Z][A-Za-z]+$"
)
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
NON_ASCII_LETTER = re.compile(r"[^\x00-\x7f]")
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
WHITESPACE = re.compile(r"\s")  # the characters str.isspace() accepts

MIN_LENGTH = {"password": 4, "password_hash": 32, "token": 8, "session": 8, "username": 3, "staff": 3}
MAX_LENGTH = {
    "password": 128,
    "password_hash": 128,
    "token": 8192,
    "session": 8192,
    "username": 64,
    "staff": 64,
}


def unquote(raw: str) -> tuple[str, bool]:
    """The inner text of a quoted literal, and whether it was quoted."""
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'`":
        return raw[1:-1], True
    return raw, False


class ValueJudge:
    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    def is_placeholder(self, value: str) -> bool:
        low = value.strip().lower()
        if not low:
            return True
        if low in self.rules.placeholders:
            return True
        return bool(self.rules.placeholder_fast.search(value.strip()))

    def is_read(self, value: str) -> bool:
        """Code that fetches the value from the environment, a vault or a prompt."""
        return bool(self.rules.reads_fast.search(value))

    def secret_kind(self, kind: str, value: str, quoted: bool, code: bool) -> str | None:
        """The kind of secret ``value`` is under a key of ``kind``, or None when it is not one.

        ``code`` says the file is source code: there an unquoted value is an expression (a read
        from somewhere else), except a number.
        """
        value = value.strip()
        if kind in ("password", "userpass") and value.lower().startswith("bearer "):
            return None
        if kind == "token" and value.lower().startswith(("bearer ", "basic ")):
            value = value.split(None, 1)[1] if " " in value else ""
        if not quoted:
            if code and not NUMBER.match(value):
                return None  # an expression in source code: the value comes from elsewhere
            if CALL_OR_INDEX.match(value) and (self.is_read(value) or "(" in value or "[" in value):
                return None
            if value[:1] in ("[", "{", "("):
                return None  # a list, a mapping or a group (YAML flow style, code), not one value
            if CMDLET.match(value):
                return None  # $pass = ConvertTo-SecureString $env:X: a PowerShell command, not a value
        if self.is_placeholder(value) or (not quoted and self.is_read(value)):
            return None
        if value.lower() in ("true", "false", "null", "none", "nil", "undefined", "yes", "no", "on", "off"):
            return None
        if WHITESPACE.search(value) is not None:
            return None  # labels and sentences ("Mật khẩu BHXH"), not secrets
        if NON_ASCII_LETTER.search(value):
            return None
        if value.startswith(("http://", "https://", "/", "./", "../", "~/", "file:")):
            return None
        if ENV_NAME.match(value) and any(w in value for w in ("PASS", "TOKEN", "SECRET", "MATKHAU", "USER")):
            return None  # the name of an environment variable, not its value
        if "${" in value or "$(" in value:
            return None  # an interpolation
        result = kind
        if kind in ("password", "userpass"):
            result = "password_hash" if HEX32.match(value) or HEX_LONG.match(value) else "password"
        elif kind == "password_hash":
            if not (HEX32.match(value) or HEX_LONG.match(value)):
                result = "password"
        elif kind == "token" and HEX32.match(value) is None and len(value) < MIN_LENGTH["token"]:
            return None
        if len(value) < MIN_LENGTH.get(result, 4) or len(value) > MAX_LENGTH.get(result, 256):
            return None
        if result == "token" and NUMBER.match(value):
            return None
        return result

    def is_username(self, value: str) -> bool:
        value = value.strip()
        if not value or self.is_placeholder(value) or WHITESPACE.search(value) is not None:
            return False
        if NON_ASCII_LETTER.search(value) or len(value) > 64 or len(value) < 3:
            return False
        if "${" in value or "$(" in value or "{{" in value:
            return False  # an interpolation, not a user
        return not CALL_OR_INDEX.match(value) or bool(self.rules.username_re.match(value))

    def is_portal_username(self, value: str) -> bool:
        return bool(self.rules.username_re.match(value.strip()))
