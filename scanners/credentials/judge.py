"""Judge the candidate lines of one file: which pairs are BHXH portal credentials.

A key that names the portal (PasswordBHXH, VITE_BHXH_PASSWORD) is a credential by itself; a
generic key (password, MatKhau, token) only with portal context, looked for in this order: the
key's parents (JSON object, YAML/INI section, XML element, enclosing class), the same line (a
portal host, an /api/egw/ URL, a ``75901_BV`` user), its siblings in the same block, and the
file's own name. A parent that names another system (database:, [smtp]) ends the search.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

from hisguard.scanners.credentials import sql
from hisguard.scanners.credentials.extract import (
    FIELD_SEPARATORS,
    Pair,
    default_setting,
    fields,
    getter,
    named_member,
    netrc_entries,
    pairs,
    split_userpass,
)
from hisguard.scanners.credentials.fastre import FastPattern
from hisguard.scanners.credentials.keynames import NO_KEY, KeyClass, KeyClassifier
from hisguard.scanners.credentials.prefilter import LineGate, Spots, letters, shifted
from hisguard.scanners.credentials.rules import RuleSet, normalize_key
from hisguard.scanners.credentials.values import ValueJudge
from hisguard.scanners.inventory import Secret

CODE_SUFFIXES = frozenset(
    [
        ".py",
        ".cs",
        ".vb",
        ".php",
        ".js",
        ".mjs",
        ".cjs",
        ".ts",
        ".tsx",
        ".jsx",
        ".java",
        ".kt",
        ".go",
        ".rb",
        ".vbs",
        ".c",
        ".cpp",
        ".h",
        ".swift",
        ".dart",
        ".lua",
        ".pl",
        ".scala",
        ".groovy",
        ".rs",
        ".vue",
        ".svelte",
        ".ipynb",  # a notebook's cells are Python
    ]
)
SCRIPT_SUFFIXES = frozenset(
    [
        ".py",
        ".js",
        ".mjs",
        ".ts",
        ".ps1",
        ".psm1",
        ".sh",
        ".bash",
        ".bat",
        ".cmd",
        ".vbs",
        ".cs",
        ".rb",
        ".php",
    ]
)
IDENT = re.compile(r"[A-Za-z_][\w.\-]*")
SECTION = re.compile(r"^\s*\[\s*([^\]\n=]+?)\s*\]\s*$")
USERNAME_IN_TEXT = re.compile(r"(?<![\w])\d{5}_[Bb][Vv](?![\w])")
NAMED_OPEN = re.compile(
    r"<(setting|data|entry|property|param|add)\s[^<>]*?\b(?:name|key)\s*=\s*\"([^\"]+)\"[^<>/]*>\s*$"
)
VALUE_LINE = re.compile(r"^\s*<value>([^<>]*)</value>\s*$")
BRACE = re.compile(r"[{}\[\]]")
COMMENT = re.compile(r"^\s*(?:#|//|;|--|<!--|\*|')")
# Exports of tables with a header line (the collector keeps line 1 of these files).
TABLE_SUFFIXES = frozenset([".csv", ".tsv"])
FIELD_NAME = re.compile(r"^[A-Za-z_][\w.\-]{0,100}$")
SIBLING_SPAN = 8
NEAR_SPAN = 20
HAR_LOOKBACK = 400
# (${X:?message} is an error message, ${X:+alt} a replacement: neither is a default)
DEFAULTED = re.compile(r"^\$\{[A-Za-z_][\w.\-]*(?::-|:=|:)(?![?+])(?P<default>[^{}\s$]+)\}?$")
SQL_STATEMENT = re.compile(r"^\s*(?:insert|update|exec|execute|replace)\s", re.I)
URL_HOST = re.compile(r"https?://([\w.\-]+)")
# Hosts an API client's own files name (schemas), not a target.
TOOLING_HOSTS = frozenset(["schema.getpostman.com", "json-schema.org", "schema.postman.com"])
CONNECTION_STRING = re.compile(
    r"(?i)(?:data source|server|host|initial catalog|database|uid|user id|provider)\s*=[^;\n]*;"
)
NAMED_MEMBER = re.compile(
    r"[\"'](?:name|system|type|service|key)[\"']\s*:\s*[\"'](?P<name>[^\"'\n]{1,60})[\"']"
)
SYSTEM_VALUE = re.compile(r"(?i)[\"'](?:type|system|service)[\"']\s*:")
NEAR_SYNTAXES = frozenset(["getter", "securestring", "named-value", "credential-pair"])
# user<sep>secret in one value: ":" and "|" always, "/" only after a portal user (it is in paths too).
COMBINED_SEPARATORS = (":", "|", "/")
ANCESTOR_LINES = 300
ANCESTOR_CHARS = 20000
EXCERPT_CONTEXT = 600
# Texts longer than this (excerpts of long lines, their context windows) are read around the
# words that matter only (prefilter.Spots).
SPOT_TEXT = 1024
# Plain lines whose gate is read in one pass (prefilter.LineGate.lines_may_hold).
GATE_BLOCK = 4096
# How far from a pair the judge reads an excerpt of a very long line for context (as far as an
# excerpt around one anchor reached).
EXCERPT_REACH = 4096


@dataclass(frozen=True)
class Observation:
    """Something the judge saw. For ``kind == "secret"``, ``value`` is the secret (never shown)."""

    kind: str  # secret | username | plain_http | tls_disabled | automation | staff
    path: str
    line: int
    column: int  # 1-based
    key: str = ""
    secret_kind: str = ""  # password | password_hash | token | session
    value: Secret | None = field(default=None, repr=False, compare=False)
    username: str = ""
    syntax: str = ""
    portal_class: str = "facility"


@dataclass
class _Line:
    number: int
    text: str
    offset: int  # column of text[0] in the real line (excerpts of long lines)
    region: int
    excerpt: bool


class Judge:
    """The context rules over one file's candidate regions.

    ``fast=False`` is the plain path: every pair of every line is read (no gate, no key filter);
    the tests check that both give the same observations.
    """

    def __init__(self, rules: RuleSet, fast: bool = True) -> None:
        self.rules = rules
        self.keys = KeyClassifier(rules)
        self.values = ValueJudge(rules)
        self.plain_http = FastPattern([r"http://(?:[\w\-]+\.)*(?:" + rules.host_re.pattern + r")"], re.I)
        self.gdbhyt = FastPattern([r"gdbhyt\.baohiemxahoi\.gov\.vn"], re.I)
        self.gate = LineGate(rules, enabled=fast)
        self._pairs = lru_cache(maxsize=4096)(self.pairs)
        self.key_matters = lru_cache(maxsize=65536)(self._key_matters)
        self.fast = fast
        self.spots = Spots(rules) if fast else None
        self._keep = self.key_matters if fast else None

    def _key_matters(self, key: str) -> bool:
        """A key whose pair the judge can use: a credential, the portal, or a stored ``value``."""
        if key.isascii() and not self.gate.key_may_matter(letters(key)):
            return False  # none of the words that make a key matter is in its letters
        kc = self.keys.classify(key)
        return kc.kind is not None or kc.portal or key.lower() == "value"

    def pairs(self, text: str) -> list[Pair]:
        """The pairs of ``text`` that can matter (pairs() without the keys that never do)."""
        return pairs(text, self._keep)

    # --- entry point ---------------------------------------------------------------------------

    def file(self, record: Mapping[str, Any]) -> list[Observation]:
        path = str(record["path"])
        lines: list[_Line] = []
        for region_index, region in enumerate(record.get("regions") or ()):
            start, offset, texts = int(region[0]), int(region[1]), region[2]
            excerpt = bool(region[3]) if len(region) > 3 else False
            for i, text in enumerate(texts):
                lines.append(_Line(start + i, text, offset, region_index, excerpt))
        return list(_FileJudge(self, path, lines).run())

    # --- helpers shared with _FileJudge ---------------------------------------------------------

    def host_class(self, text: str) -> str | None:
        match = self.rules.host_fast.search(text)
        if not match:
            return None
        host = match.group(0).lower()
        for item in self.rules.hosts:
            if item.host == host:
                return item.kind
        return "facility"

    def classify(self, key: str) -> KeyClass:
        return self.keys.classify(key)

    def identifiers_verdict(self, text: str) -> str | None:
        """ "portal" / "other" when identifiers in ``text`` (a parent line) name one, else None."""
        verdict = None
        for ident in IDENT.findall(text[:300]):
            kc = self.keys.classify(ident)
            if kc.portal:
                return "portal"
            if kc.other and verdict is None:
                verdict = "other"
        return verdict


class _FileJudge:
    def __init__(self, judge: Judge, path: str, lines: list[_Line]) -> None:
        self.j = judge
        self.rules = judge.rules
        self.values = judge.values
        self.path = path
        self.lines = lines
        self.by_number = {ln.number: i for i, ln in enumerate(lines) if not ln.excerpt}
        pure = PurePosixPath(path.replace("\\", "/"))
        self.suffix = pure.suffix.lower()
        self.code = self.suffix in CODE_SUFFIXES
        low_name = (pure.parent.name + "/" + pure.name).lower()
        self.path_portal = any(
            token in low_name.replace("_", "").replace("-", "") for token in self.rules.portal_tokens
        )
        self.storage_state = False
        self._signal_cache: dict[int, bool] = {}
        self._class_cache: dict[int, str] = {}
        self._joined_lower = ""
        self._has_http = True
        self._gates: dict[int, tuple[str, bool]] = {}

    def run(self) -> Iterator[Observation]:
        texts = [ln.text for ln in self.lines]
        joined = "\n".join(texts)
        self._joined_lower = joined.lower()
        # The plain-http pattern starts with this literal: a file without it skips the pattern.
        self._has_http = "http://" in self._joined_lower
        self.storage_state = ('"cookies"' in joined and '"origins"' in joined) or any(
            name in self.path.lower() for name in self.rules.session_names
        )
        self.file_has_portal_host = bool(self.rules.host_fast.search(joined))
        observations: list[Observation] = []
        seen: set[tuple[int, int]] = set()
        for index, line in enumerate(self.lines):
            for obs in self._line(index, line):
                spot = (obs.line, obs.column)
                if obs.kind in ("secret", "username", "staff") and spot in seen:
                    continue
                seen.add(spot)
                observations.append(obs)
        observations.extend(self._sql())
        if "machine" in self._joined_lower and "password" in self._joined_lower:
            observations.extend(self._netrc())
        observations.extend(self._file_level(joined))
        unique: dict[tuple[str, int, str, str], Observation] = {}
        for obs in observations:
            # The same secret reached twice (a COPY row read as a row and as delimited fields).
            digest = obs.value.reveal() if obs.value is not None else f"{obs.column}:{obs.key}"
            unique.setdefault((obs.kind, obs.line, obs.secret_kind, digest), obs)
        return iter(self._associate(list(unique.values())))

    # --- one line --------------------------------------------------------------------------------

    def _line(self, index: int, line: _Line) -> Iterator[Observation]:
        text = line.text
        match = self.j.plain_http.search(text) if self._has_http else None
        if match:
            yield Observation(
                "plain_http", self.path, line.number, line.offset + match.start() + 1, key="http://"
            )
        norm: str | None = None
        gate = self.j.gate
        # Only pairs whose key holds a credential word can come out of _pair: skip reading the
        # others (the gate never skips a line with such a key).
        segments: list[tuple[int, int]] | None = None
        if line.excerpt and self.j.spots is not None:
            # A cut of a very long line (a minified bundle): pairs around the keys that matter only.
            segments = self.j.spots.segments(text, code=self.code)
            may_key = bool(segments)
            found = shifted(segments, text, self.j.pairs) if segments else []
        else:
            known = self._gate_of(index)
            if known is None:
                norm = letters(text)
                may_key = gate.may_hold_credential_key(text, norm, value_key=True)
            else:
                norm, may_key = known
            found = list(self._pairs_of(text)) if may_key else []
        named = NAMED_OPEN.search(text)
        if named and index + 1 < len(self.lines) and self.lines[index + 1].number == line.number + 1:
            # <setting name="PassWordBHYT" ...> with <value>...</value> on the next line.
            nxt = self.lines[index + 1]
            inner = VALUE_LINE.match(nxt.text)
            if inner:
                pair = Pair(
                    named.group(2), inner.group(1), inner.start(1), True, "xml-named", parent=named.group(1)
                )
                yield from self._pair(index + 1, nxt, pair)
        # A getter is named after what it returns, on this line; its body returns on the next ones.
        if may_key and "(" in text and ("return" in text or "=>" in text or self._return_follows(index)):
            following = [self.lines[k].text for k in range(index + 1, min(index + 3, len(self.lines)))]
            found_getter = getter(text, following) if segments is None else _segment_getter(text, segments)
            if found_getter:
                pair, at = found_getter
                target = index if at < 0 else index + 1 + at
                if self.lines[target].number == line.number + (0 if at < 0 else 1 + at):
                    yield from self._pair(target, self.lines[target], pair)
        if "DefaultSettingValue" in text:
            following = [self.lines[k].text for k in range(index + 1, min(index + 4, len(self.lines)))]
            setting = default_setting(text, following)
            if setting:
                found.append(setting)
        for pair in found:
            if pair.key in ("value", "Value") and pair.syntax == "assign":
                previous = [self.lines[k].text for k in range(index - 1, max(-1, index - 5), -1)]
                name = named_member(text, pair.column, previous)
                if name:
                    pair = Pair(name, pair.value, pair.column, pair.quoted, "named-value", pair.parent)
            yield from self._pair(index, line, pair)
        if (
            ("\t" in text or "," in text or ";" in text or "|" in text)
            and not SQL_STATEMENT.match(text)  # a SQL statement's values are read by the SQL parser
            # A field gives something only under a key of a credential kind: a line without the
            # words of one (may_key) has no such field.
            and (segments is not None or (may_key and gate.may_name_portal(text, norm)))
        ):
            yield from self._fields(index, line, segments)

    def _gate_of(self, index: int) -> tuple[str, bool] | None:
        """The gate's reading of the plain line at ``index`` (letters, may hold a credential key),
        read for a block of lines at a time: one regex pass per block, and only one block kept."""
        known = self._gates.get(index)
        if known is None and not self.lines[index].excerpt:
            end = min(len(self.lines), index + GATE_BLOCK)
            block = [i for i in range(index, end) if not self.lines[i].excerpt]
            texts = [self.lines[i].text for i in block]
            self._gates = dict(zip(block, self.j.gate.lines_may_hold(texts), strict=True))
            known = self._gates.get(index)
        return known

    def _return_follows(self, index: int) -> bool:
        """A ``return`` on one of the two next lines (a getter's body), checked before the getter
        pattern, which costs more."""
        end = min(index + 3, len(self.lines))
        return any("return" in self.lines[k].text for k in range(index + 1, end))

    def _fields(
        self, index: int, line: _Line, segments: list[tuple[int, int]] | None = None
    ) -> Iterator[Observation]:
        """Rows of a configuration table (COPY, CSV, a client's table): a field that names the
        portal by itself (``HIS.CHECK_HEIN_CARD.BHXH.LOGIN.USER_PASS``) and the field after it."""
        keep = self.j.keys.names_portal if self.j.fast else None

        def read(text: str) -> list[Pair]:
            return list(fields(text, keep))

        # In an excerpt, only fields whose key holds a credential word can give something.
        found_all = shifted(segments, line.text, read) if segments is not None else read(line.text)
        found = [p for p in found_all if self.j.classify(p.key).portal]
        if not found:
            return
        if self._header_row(line.text):
            return
        for pair in found:
            yield from self._pair(index, line, pair)

    def _header_row(self, text: str) -> bool:
        """A header (``id,UserNameBHXH,PasswordBHXH``): every field a name, two naming credentials."""
        sep = max(FIELD_SEPARATORS, key=text.count)
        names = [part.strip().strip("\"'`") for part in text.split(sep)]
        names = [name for name in names if name]
        if not all(FIELD_NAME.match(name) for name in names):
            return False
        return sum(1 for name in names if self.j.classify(name).kind is not None) >= 2

    def _pairs_of(self, text: str) -> list[Pair]:
        if len(text) > 20000:
            return self.j.pairs(text)
        return self.j._pairs(text)

    def _pair(self, index: int, line: _Line, pair: Pair) -> Iterator[Observation]:
        kc = self.j.classify(pair.key)
        kind = kc.kind
        if pair.syntax in ("userinfo", "cli"):
            # https://user:secret@host, curl -u user:secret: the value is a password whatever
            # the label ("userinfo" reads as a user name).
            kc = NO_KEY
            kind = None
        if pair.syntax in ("securestring", "credential-pair"):
            # ConvertTo-SecureString "literal" -AsPlainText; auth=("user", "literal")
            kind = "password"
        if kind is None:
            cookie = pair.syntax == "cookie" and self.j.host_class(pair.parent)
            stored = pair.key.lower() == "value" and self.storage_state and self.file_has_portal_host
            if cookie or stored:
                kind = "session"
            elif pair.syntax in ("userinfo", "cli") and self._has_context(index, line, pair, kc):
                kind = "password"  # https://user:secret@host, curl -u user:secret
            else:
                return
        elif pair.syntax == "cookie":
            if not self.j.host_class(pair.parent):
                return
            kind = "session" if kind not in ("token", "session") else kind
        if kc.other or kc.not_secret:
            return
        column = line.offset + pair.column + 1
        if kind == "staff":
            if self.values.is_username(pair.value) and self._has_context(index, line, pair, kc):
                yield Observation("staff", self.path, line.number, column, key=pair.key, syntax=pair.syntax)
            return
        # What the value gives is decided by the value alone: decided first, so that the
        # context (the costly part: the line, its siblings, its parents) is only read for a pair
        # that would give an observation.
        plan = self._value_plan(kind, pair, column)
        if plan is None:
            return
        if kind != "session" and pair.syntax != "cookie" and not self._has_context(index, line, pair, kc):
            return
        portal_class = self._portal_class(index, line, pair.column)
        user_obs, secret = plan
        if user_obs is not None:
            user_column, username = user_obs
            yield Observation(
                "username",
                self.path,
                line.number,
                user_column,
                key=pair.key,
                username=username,
                syntax=pair.syntax,
                portal_class=portal_class,
            )
        if secret is not None:
            value, secret_column, secret_kind, username = secret
            yield Observation(
                "secret",
                self.path,
                line.number,
                secret_column,
                key=pair.key,
                secret_kind=secret_kind,
                value=Secret(value),
                username=username,
                syntax=pair.syntax,
                portal_class=portal_class,
            )

    def _value_plan(
        self, kind: str, pair: Pair, column: int
    ) -> tuple[tuple[int, str] | None, tuple[str, int, str, str] | None] | None:
        """What a pair of ``kind`` gives, from its value only: (the username observation's column
        and user, the secret's value, column, kind and user), or None when it gives nothing."""
        if kind == "username" and self._looks_userpass(pair.value):
            kind = "userpass"  # TaiKhoanBHXH = 75901_BV|secret: the account and its password
        if kind == "username":
            user_default = DEFAULTED.match(pair.value.strip())
            user_value = user_default.group("default") if user_default else pair.value
            if self.values.is_username(user_value):
                return (column, user_value.strip()), None
            return None
        value = pair.value
        username = pair.username
        secret_kind_in = kind
        user_obs: tuple[int, str] | None = None
        if kind == "userpass" or (kind == "password" and self._looks_userpass(value)):
            split = self._split(value)
            if split is None:
                secret_kind_in = "password"
            else:
                username, value, shift = split
                column += shift
                secret_kind_in = "password"
                if self.values.is_username(username):
                    user_obs = (column - shift, username)
        if pair.syntax == "header" and pair.key.endswith("basic"):
            decoded = _basic(value)
            if decoded is None:
                return (user_obs, None) if user_obs is not None else None
            username, value = decoded
            secret_kind_in = "password"
        defaulted = DEFAULTED.match(value)
        if defaulted:
            # ${BHXH_PASSWORD:Abc@123} (Spring), ${BHXH_PASSWORD:-Abc@123} (shell, compose): the
            # default written in the file is the secret.
            column += defaulted.start("default")
            value = defaulted.group("default")
        quoted = pair.quoted or bool(defaulted)
        secret_kind = self.values.secret_kind(secret_kind_in, value, quoted, self.code)
        if secret_kind is None:
            return (user_obs, None) if user_obs is not None else None
        return user_obs, (value, column, secret_kind, username)

    def _looks_userpass(self, value: str) -> bool:
        """``75901_BV:secret``, ``75901_BV|secret``, ``079201001234/secret``: a portal user (its
        form, or a citizen id) and a secret in one value."""
        return self._split_combined(value) is not None

    def _split_combined(self, value: str) -> tuple[str, str, int] | None:
        for sep in COMBINED_SEPARATORS:
            split = split_userpass(value, (sep,))
            if split and (self.rules.username_re.match(split[0]) or self.rules.cccd_re.match(split[0])):
                return split
        return None

    def _split(self, value: str) -> tuple[str, str, int] | None:
        return self._split_combined(value) or split_userpass(value)

    # --- context ---------------------------------------------------------------------------------

    def _has_context(self, index: int, line: _Line, pair: Pair, kc: KeyClass) -> bool:
        if kc.portal:
            return True
        if pair.parent:
            verdict = self.j.identifiers_verdict(pair.parent)
            if verdict == "portal" or self.j.host_class(pair.parent):
                return True
            if verdict == "other":
                return False
        if pair.syntax in ("query", "userinfo", "cli", "cli-flag", "header", "cookie"):
            # A URL, a command line or a header: its own line is its context.
            return (
                self._signal(index)
                if not line.excerpt
                else self._text_signal(self._around(line, pair.column)[0])
            )
        if self.suffix == ".har" and not line.excerpt:
            return self._har_request_is_portal(index)
        before = line.text[max(0, pair.column - 400) : pair.column]
        if ";" in before and CONNECTION_STRING.search(before):
            return False  # Server=...;User Id=...;Password=...: a database's connection string
        inline = _inline_object(*self._around(line, pair.column))
        if inline is not None:
            # { "name": "LIS", "url": "http://...", "password": ... } on one line: the object
            # itself says which system it is.
            said = self._object_verdict(inline)
            if said is not None:
                return said
        verdict = self._ancestors(index, line, pair)
        if verdict is not None:
            return verdict == "portal"
        if line.excerpt:
            lo = max(0, pair.column - EXCERPT_CONTEXT)
            return self._text_signal(line.text[lo : pair.column + EXCERPT_CONTEXT], exclude=pair.column - lo)
        if self._signal(index):
            return True
        if any(self._signal(k) for k in self._siblings(index)):
            return True
        if pair.syntax in NEAR_SYNTAXES and self._near_portal(index, NEAR_SPAN):
            # A getter's body, a SecureString, a member of an array of named values: the portal
            # is named a few lines away (the class's URL constant, the environment's baseUrl).
            return True
        if pair.syntax == "named-value" and self._only_portal_urls():
            # An API client's environment is one target: its baseUrl, however far up, is the
            # context of every variable, when no other host appears in the file.
            return True
        return self.path_portal

    def _only_portal_urls(self) -> bool:
        if not self.file_has_portal_host:
            return False
        for match in URL_HOST.finditer(self._joined_lower):
            host = match.group(1)
            if not self.j.host_class(host) and host not in TOOLING_HOSTS:
                return False
        return True

    def _har_request_is_portal(self, index: int) -> bool:
        """In an HTTP archive everything of an entry (headers, body, response) belongs to the
        request's URL, written before it: the portal's host there decides."""
        region = self.lines[index].region
        for k in range(index, max(-1, index - HAR_LOOKBACK), -1):
            if self.lines[k].region != region:
                break
            text = self.lines[k].text
            if '"url"' in text:
                return bool(self.j.host_class(text))
        return False

    def _object_verdict(self, segment: str) -> bool | None:
        if self._text_signal(segment):
            return True
        for member in NAMED_MEMBER.finditer(segment):
            kc = self.j.classify(member.group("name"))
            if kc.other:
                return False
        if "://" in segment or SYSTEM_VALUE.search(segment):
            return False  # its own URL, to another host; or "type": "ldap"
        return None

    def _text_signal(self, text: str, exclude: int = -1) -> bool:
        if (
            self.rules.host_fast.search(text)
            or self.rules.endpoint_fast.search(text)
            or _has_portal_user(text)
        ):
            return True
        if not self.j.gate.may_name_portal(text):
            return False
        if self.j.spots is not None and len(text) > SPOT_TEXT:
            found = shifted(self.j.spots.segments(text, portal=True), text, self.j.pairs)
        else:
            found = self.j.pairs(text)
        return any(self.j.classify(p.key).portal for p in found if p.column != exclude)

    def _signal(self, index: int) -> bool:
        """The line at ``index`` shows the portal: a host, an endpoint, a portal user or key."""
        cached = self._signal_cache.get(index)
        if cached is None:
            text = self.lines[index].text
            cached = bool(
                self.rules.host_fast.search(text)
                or self.rules.endpoint_fast.search(text)
                or _has_portal_user(text)
                or (
                    self.j.gate.may_name_portal(text)
                    and any(self.j.classify(p.key).portal for p in self._pairs_of(text))
                )
            )
            self._signal_cache[index] = cached
        return cached

    def _siblings(self, index: int) -> Iterator[int]:
        """Lines of the same block near ``index``: same region, not past a less-indented line."""
        base = self.lines[index]
        indent = _indent(base.text)
        for step in (-1, 1):
            k = index
            for _ in range(SIBLING_SPAN):
                k += step
                if k < 0 or k >= len(self.lines):
                    break
                other = self.lines[k]
                if other.region != base.region or other.excerpt:
                    break
                text = other.text
                if not text.strip():
                    if indent == 0:
                        break
                    continue
                if SECTION.match(text):
                    break
                if _indent(text) < indent:
                    break
                yield k

    def _ancestors(self, index: int, line: _Line, pair: Pair) -> str | None:
        """The verdict of the nearest parent that names the portal or another system."""
        for label in self._parent_labels(index, line, pair):
            verdict = self.j.identifiers_verdict(label)
            if verdict is not None:
                return verdict
        return None

    def _parent_labels(self, index: int, line: _Line, pair: Pair) -> Iterator[str]:
        # Braces: the keys before each unclosed { or [ (JSON, JS, PHP arrays, C# initialisers).
        depth = 0
        budget = ANCESTOR_CHARS
        k = index
        # In an excerpt (a window of a very long line) the braces are read back EXCERPT_REACH
        # characters at most: the windows of an anchor-dense line merge into long ones.
        text = line.text[max(0, pair.column - EXCERPT_REACH) if line.excerpt else 0 : pair.column]
        labels = 0
        while labels < 6 and budget > 0:
            if "{" in text or "[" in text or "}" in text or "]" in text:
                for match in reversed(list(BRACE.finditer(text))):
                    ch = match.group(0)
                    if ch in "}]":
                        depth += 1
                    elif depth:
                        depth -= 1
                    else:
                        before = re.split(r"[,{\[;(]", text[: match.start()])[-1]
                        labels += 1
                        if before.strip():
                            yield before
            budget -= len(text) + 1
            k -= 1
            if k < 0 or self.lines[k].region != line.region or index - k > ANCESTOR_LINES:
                break
            text = self.lines[k].text
        if line.excerpt:
            return
        # Indentation: YAML, Python, pretty-printed XML and JSON.
        indent = _indent(line.text)
        k = index - 1
        while indent > 0 and k >= 0 and self.lines[k].region == line.region and index - k <= ANCESTOR_LINES:
            text = self.lines[k].text
            if text.strip() and not COMMENT.match(text):
                level = _indent(text)
                if level < indent:
                    yield text.strip()
                    indent = level
            k -= 1
        # INI sections.
        k = index - 1
        while k >= 0 and self.lines[k].region == line.region and index - k <= ANCESTOR_LINES * 10:
            section = SECTION.match(self.lines[k].text)
            if section:
                yield section.group(1)
                break
            k -= 1

    def _portal_class(self, index: int, line: _Line, column: int = 0) -> str:
        if line.excerpt:
            # Only the text around the pair in a window of a very long line.
            near = self._around(line, column)[0]
            found = self.j.host_class(near)
            return found or ("training" if "daotao" in near.lower() else "facility")
        cached = self._class_cache.get(index)
        if cached is not None:
            return cached
        result = "training" if "daotao" in line.text.lower() else "facility"
        for k in (index, *self._siblings(index)):
            found = self.j.host_class(self.lines[k].text)
            if found:
                result = found
                break
        self._class_cache[index] = result
        return result

    def _around(self, line: _Line, column: int) -> tuple[str, int]:
        """The text around ``column`` that stands for the line (all of it, but for an excerpt of
        a very long line) and the column in it."""
        if not line.excerpt:
            return line.text, column
        lo = max(0, column - EXCERPT_REACH)
        return line.text[lo : column + EXCERPT_REACH], column - lo

    # --- SQL, file-level checks, usernames --------------------------------------------------------

    def _sql(self) -> Iterator[Observation]:
        numbered = [(ln.number, ln.text) for ln in self.lines if not ln.excerpt]
        if self.suffix in TABLE_SUFFIXES:
            yield from self._cells(sql.csv_cells(numbered, PurePosixPath(self.path).stem))
        low = self._joined_lower
        if not any(word in low for word in ("insert", "copy ", "update", "exec")) or not any(
            "insert" in ln.text[:30].lower()
            or "copy " in ln.text[:10].lower()
            or ln.text.lstrip()[:7].lower().startswith(("update ", "exec ", "execute"))
            for ln in self.lines
        ):
            return
        yield from self._cells(sql.cells(numbered))

    def _cells(self, cells: Iterable[sql.Cell]) -> Iterator[Observation]:
        """Values of table rows (SQL, CSV) named by their column: the column or table names the
        portal, the column names a credential. Rows of key/value tables (``MaThamSo``/``GiaTri``,
        ``code``/``value``) are named by their key cell instead."""
        listed = list(cells)
        settings = list(self._settings(listed))
        if settings:
            portal_rows = {line for line, kc, _, row_portal in settings if kc.portal or row_portal}
            for line, kc, cell, row_portal in settings:
                near = row_portal or any(abs(other - line) <= SIBLING_SPAN for other in portal_rows)
                if kc.portal or near or self.path_portal:
                    yield from self._cell_observation(cell, kc, cell.row)
        for cell in listed:
            kc = self.j.classify(cell.name)
            if kc.kind is None or kc.other or kc.not_secret:
                continue
            table_portal = self.j.keys.names_portal(cell.table)
            if not (kc.portal or table_portal):
                continue
            username = ""
            for col, value in cell.row:
                if self.j.classify(col).kind == "username" and self.values.is_username(value):
                    username = value
                    break
            yield from self._cell_observation(cell, kc, cell.row, username)

    def _settings(self, cells: list[sql.Cell]) -> Iterator[tuple[int, KeyClass, sql.Cell, bool]]:
        """Rows of key/value tables: (line, class of the key cell, the value cell renamed after the
        key, whether another cell of the row names the portal)."""
        name_columns = self.rules.setting_name_columns
        value_columns = self.rules.setting_value_columns
        rows: dict[int, list[sql.Cell]] = {}
        for cell in cells:
            rows.setdefault(id(cell.row), []).append(cell)
        for row_cells in rows.values():
            by_column = {normalize_key(c.name): c for c in row_cells}
            value_cell = next((by_column[c] for c in by_column if c in value_columns), None)
            if value_cell is None:
                continue
            key_cell = None
            for column in name_columns:
                candidate = by_column.get(column)
                if (
                    candidate is not None
                    and candidate is not value_cell
                    and FIELD_NAME.match(candidate.value)
                ):
                    key_cell = candidate
                    break
            if key_cell is None:
                continue
            kc = self.j.classify(key_cell.value)
            if kc.kind is None or kc.other or kc.not_secret:
                continue
            row_portal = any(
                c is not value_cell and c is not key_cell and self._text_names_portal(c.value)
                for c in row_cells
            ) or self.j.keys.names_portal(value_cell.table)
            renamed = sql.Cell(
                value_cell.line,
                value_cell.column,
                key_cell.value,
                value_cell.value,
                value_cell.quoted,
                value_cell.table,
                value_cell.row,
            )
            yield value_cell.line, kc, renamed, row_portal

    def _text_names_portal(self, text: str) -> bool:
        """A free-text cell (a description, a URL) that names the portal."""
        low = text.lower()
        return bool(self.rules.host_fast.search(text)) or any(
            token in low for token in ("bhxh", "bhyt", "giám định", "giam dinh", "baohiemxahoi")
        )

    def _cell_observation(
        self, cell: sql.Cell, kc: KeyClass, row: Sequence[tuple[str, str]], username: str = ""
    ) -> Iterator[Observation]:
        if kc.kind == "username" and not self._looks_userpass(cell.value):
            if self.values.is_username(cell.value):
                yield Observation(
                    "username",
                    self.path,
                    cell.line,
                    cell.column + 1,
                    key=cell.name,
                    username=cell.value,
                    syntax="sql",
                )
            return
        value = cell.value
        column = cell.column + 1
        kind = kc.kind
        if kind == "userpass" or (kind in ("password", "username") and self._looks_userpass(value)):
            split = self._split(value)
            if split:
                username, value, shift = split
                column += shift
            kind = "password"
        if kind == "staff" or kind is None:
            return
        secret_kind = self.values.secret_kind(kind, value, cell.quoted, False)
        if secret_kind:
            yield Observation(
                "secret",
                self.path,
                cell.line,
                column,
                key=cell.name,
                secret_kind=secret_kind,
                value=Secret(value),
                username=username,
                syntax="sql",
            )

    def _netrc(self) -> Iterator[Observation]:
        """.netrc/_netrc entries for a portal host (curl --netrc, wget, scripts)."""
        numbered = [(ln.number, ln.text) for ln in self.lines if not ln.excerpt]
        offsets = {ln.number: ln.offset for ln in self.lines if not ln.excerpt}
        for host, user, value, number, column in netrc_entries(numbered):
            portal_class = self.j.host_class(host)
            if not portal_class:
                continue
            secret_kind = self.values.secret_kind("password", value, True, False)
            if secret_kind is None:
                continue
            yield Observation(
                "secret",
                self.path,
                number,
                offsets.get(number, 0) + column + 1,
                key="netrc password",
                secret_kind=secret_kind,
                value=Secret(value),
                username=user if self.values.is_username(user) else "",
                syntax="netrc",
                portal_class=portal_class,
            )

    def _file_level(self, joined: str) -> Iterator[Observation]:
        # C06: certificate checks turned off in a file that talks to the portal.
        if self.rules.tls_disabled_fast.search(joined):
            for index, line in enumerate(self.lines):
                match = self.rules.tls_disabled_fast.search(line.text)
                if match and self._near_portal(index, 20):
                    yield Observation(
                        "tls_disabled",
                        self.path,
                        line.number,
                        line.offset + match.start() + 1,
                        key=match.group(0).strip()[:40],
                    )
                    break
        # C09: a script that drives a browser or a session into gdbhyt.
        if (self.suffix in SCRIPT_SUFFIXES or not self.suffix) and self.j.gdbhyt.search(joined):
            automation = self.rules.automation_fast.search(joined)
            if automation:
                for line in self.lines:
                    match = self.j.gdbhyt.search(line.text)
                    if match:
                        yield Observation(
                            "automation",
                            self.path,
                            line.number,
                            line.offset + match.start() + 1,
                            key=automation.group(0)[:40],
                        )
                        break
        # C09 too: a browser-automation storage state (Playwright/Puppeteer: "cookies" and
        # "origins") for gdbhyt is what a tool that logs in to the portal leaves behind.
        elif '"cookies"' in joined and '"origins"' in joined and self.j.gdbhyt.search(joined):
            for line in self.lines:
                match = self.j.gdbhyt.search(line.text)
                if match:
                    yield Observation(
                        "automation",
                        self.path,
                        line.number,
                        line.offset + match.start() + 1,
                        key="browser storage state",
                    )
                    break

    def _near_portal(self, index: int, span: int) -> bool:
        lo, hi = max(0, index - span), min(len(self.lines), index + span + 1)
        return any(self._signal(k) for k in range(lo, hi) if self.lines[k].region == self.lines[index].region)

    def _associate(self, observations: list[Observation]) -> list[Observation]:
        """Give each secret the portal username written next to it, when there is one."""
        users = sorted((o for o in observations if o.kind == "username"), key=lambda o: o.line)
        if not users:
            return observations
        numbers = [u.line for u in users]
        result = []
        for obs in observations:
            if obs.kind == "secret" and not obs.username:
                # The nearest user, the one above on a tie (the first written on its line).
                split = bisect.bisect_right(numbers, obs.line)
                candidates = []
                if split:
                    candidates.append(users[bisect.bisect_left(numbers, numbers[split - 1])])
                if split < len(users):
                    candidates.append(users[split])
                near = min(candidates, key=lambda u: (abs(u.line - obs.line), u.line > obs.line))
                if abs(near.line - obs.line) <= SIBLING_SPAN:
                    obs = Observation(
                        obs.kind,
                        obs.path,
                        obs.line,
                        obs.column,
                        obs.key,
                        obs.secret_kind,
                        obs.value,
                        near.username,
                        obs.syntax,
                        obs.portal_class,
                    )
            result.append(obs)
        return result


def _segment_getter(text: str, segments: list[tuple[int, int]]) -> tuple[Pair, int] | None:
    """The first getter written whole in one of an excerpt's segments (its columns in ``text``)."""
    for start, end in segments:
        found = getter(text[start:end], [])
        if found is not None:
            pair, at = found
            return replace(pair, column=pair.column + start), at
    return None


def _inline_object(text: str, column: int) -> str | None:
    """The ``{...}`` written whole on this line around ``column``, if there is one."""
    depth = 0
    start = -1
    for i in range(min(column, len(text)) - 1, -1, -1):
        ch = text[i]
        if ch == "}":
            depth += 1
        elif ch == "{":
            if depth == 0:
                start = i
                break
            depth -= 1
    if start < 0:
        return None
    depth = 0
    for i in range(column, len(text)):
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return text[start : i + 1]
            depth -= 1
    return None


def _has_portal_user(text: str) -> bool:
    """A ``75901_BV`` user written in ``text`` (the literal test first: it is ten times cheaper)."""
    return "_bv" in text.lower() and USERNAME_IN_TEXT.search(text) is not None


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \t"))


def _basic(value: str) -> tuple[str, str] | None:
    import base64
    import binascii

    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    split = split_userpass(decoded)
    if split is None:
        return None
    return split[0], split[1]


def judge_records(judge: Judge, records: Sequence[Mapping[str, Any]]) -> list[Observation]:
    result: list[Observation] = []
    for record in records:
        if record.get("t") == "file":
            result.extend(judge.file(record))
    return result
