"""Key/value pairs out of one line of text, in every syntax a HIS keeps settings in.

XML attributes and elements, .NET ``<add key= value=>``, JSON/YAML/INI/.env/properties, code
assignments (Python, C#, VB, PHP, JS), setters, ``('KEY', 'value')`` rows, URL query strings and
user info, curl ``-u``, Authorization headers, Netscape cookie lines. SQL statements are handled by
:mod:`scanners.credentials.sql` because their context spans lines.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from hisguard.scanners.credentials.values import unquote

QUOTED = r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
ASSIGN = re.compile(
    r"(?P<key>\$env:[\w]+|\"[^\"\n]{1,100}\"|'[^'\n]{1,100}'"
    # An identifier: never started inside another one, never given back (possessive *+): what
    # follows it cannot be an identifier character, so both only save the engine from trying
    # every suffix of every long token (a JWT in a log line) without changing any match.
    r"|(?<![A-Za-z_$@])[A-Za-z_$@][\w$@.\-]*+(?:\[\s*[\"'][^\"'\]\n]{1,100}[\"']\s*\])?)"
    r"(?:\s+As\s+\w+)?(?:\s*\{\s*get;\s*(?:(?:private|protected|internal)\s+)?set;\s*\})?"
    r"\s*(?P<sep>=>|:=|=|:)(?![=/])\s*"
    r"(?P<val>" + QUOTED + r"|`[^`\n]*`|[^\s,;\"'<>)}\]|]+)?"
)
SETTER = re.compile(r"\bset(?P<key>[A-Z][\w]*)\s*\(\s*(?P<val>" + QUOTED + r")")
KEY_STRING_PAIR = re.compile(
    r"(?P<key>\"[A-Za-z_][\w.:\-]{1,100}\"|'[A-Za-z_][\w.:\-]{1,100}')\s*,\s*(?P<val>" + QUOTED + r")"
)
XML_TAG = re.compile(r"<(?P<tag>[A-Za-z_][\w:.\-]*)(?P<attrs>(?:\s+[^<>]*?)?)\s*(?P<close>/?)>")
XML_ATTR = re.compile(r"(?P<name>[A-Za-z_][\w:.\-]*)\s*=\s*(?P<val>\"[^\"\n]*\"|'[^'\n]*')")
XML_ELEMENT = re.compile(r"<(?P<tag>[A-Za-z_][\w:.\-]*)(?:\s[^<>]*)?>(?P<text>[^<>\n]*)</(?P=tag)\s*>")
XML_VALUE = re.compile(r"<value>(?P<text>[^<>\n]*)</value>", re.I)
QUERY = re.compile(r"[?&;](?P<key>[A-Za-z_][\w.\-\[\]]*)=(?P<val>[^&\s\"'#<>;]*)")
USERINFO = re.compile(
    # The secret runs to the last "@" before the host: a password with an unescaped "@" in it
    # (common, though RFC 3986 wants %40) must not leave part of itself as the host.
    r"\b[a-z][a-z0-9+.\-]*://(?P<user>[^:/@\s\"'<>]+):(?P<val>[^/\s\"'<>]+)@(?P<host>[\w.\-]+)"
)
CURL_USER = re.compile(r"(?:^|\s)(?:-u|--user)\s*[\"']?(?P<user>[^\s\"':]+):(?P<val>[^\s\"']+)")
AUTH_HEADER = re.compile(
    r"\bAuthorization\s*[:=]\s*[\"']?(?P<scheme>Bearer|Basic)\s+(?P<val>[\w\-.~+/=]+)", re.I
)
DEFAULT_SETTING = re.compile(r"DefaultSettingValue(?:Attribute)?\(\s*@?\"(?P<val>[^\"\n]*)\"\s*\)")
PROPERTY_NAME = re.compile(r"\b(?:public|internal|private)\s+[\w.<>\[\]]+\s+(?P<key>[A-Za-z_]\w*)\b")
COOKIE_LINE = re.compile(
    r"^(?:#HttpOnly_)?(?P<domain>\.?[\w.\-]+)\t(?:TRUE|FALSE)\t\S*\t(?:TRUE|FALSE)\t\d+\t(?P<name>[^\t]+)\t(?P<val>[^\t]*)$"
)
NAMED_KEYS = ("key", "name", "id")
# password = md5("secret"): the portal wants the MD5 of the password, so code often computes it
# from the literal (hashlib.md5(b"..."), GetMD5("..."), md5('...')): the literal is the password.
MD5_CALL = re.compile(
    r"(?P<key>\"[^\"\n]{1,100}\"|'[^'\n]{1,100}'|(?<![A-Za-z_$@])[A-Za-z_$@][\w$@.\-]*+)"
    r"\s*(?:=>|:=|=|:)\s*(?:[A-Za-z_][\w]*\.)*(?:get|create|compute|to)?_?md5\w*\s*\(\s*b?"
    r"(?P<q>[\"'])(?P<val>[^\"'\\\n]{1,128})(?P=q)",
    re.I,
)
# PowerShell: ConvertTo-SecureString "literal" -AsPlainText: the literal is a password.
SECURE_STRING = re.compile(
    r"ConvertTo-SecureString\s+(?:-String\s+)?(?P<val>" + QUOTED + r")[^\n]*?-AsPlainText", re.I
)
# A getter whose body returns a literal: getInsurancePassword() { return "..."; }, def get_x(): return '...'
GETTER = re.compile(
    r"(?:\bdef\s+|\bfunction\s+|\b(?:public|private|protected|internal|static|final|override|virtual|"
    r"async|String|string|str|var)\s+)(?P<key>[A-Za-z_]\w*)\s*\(\s*(?:self|this)?\s*\)"
    r"\s*(?:->\s*[\w.\[\]]+\s*)?(?::\s*[\w.<>\[\]]+\s*)?(?:throws\s+[\w., ]+)?\s*(?P<open>[{:]|=>)?"
)
RETURN_LITERAL = re.compile(r"^\s*(?:\{\s*)?(?:return\s+|=>\s*)?(?P<val>" + QUOTED + r")\s*;?\s*\}?\s*$")
RETURN_INLINE = re.compile(r"(?:\breturn\s+|=>\s*)(?P<val>" + QUOTED + r")\s*;?\s*\}?\s*$")
# {"key": "password", "value": "..."} (Postman, Insomnia, Thunder Client, HAR headers): the name
# of the value is in a sibling member.
NAMED_MEMBER = re.compile(r"[\"'](?:key|name)[\"']\s*:\s*[\"'](?P<name>[^\"'\n]{1,100})[\"']")
NETRC_TOKEN = re.compile(r"\S+")
# A user and a password given together to an HTTP client: requests' auth=("u", "p"),
# HTTPBasicAuth("u", "p"), .NET NetworkCredential("u", "p"), Java setBasicAuth / okhttp
# Credentials.basic("u", "p"), PowerShell PSCredential("u", ...) is the SecureString case.
CREDENTIAL_PAIR = re.compile(
    r"(?:\bauth\s*=\s*\(|\b(?:HTTPBasicAuth|HTTPDigestAuth|NetworkCredential|UsernamePasswordCredentials|"
    r"setBasicAuth|basicAuth|BasicAuth|basic)\s*\()\s*(?P<user>" + QUOTED + r"|[A-Za-z_][\w.]*)\s*,"
    r"\s*(?P<val>" + QUOTED + r")"
)
# Command-line flags: hisclient --username 75901_BV --password 'x', Connect-Bhxh -Password x,
# tool.exe /password:x (the "=" form is an assignment already).
CLI_FLAG = re.compile(
    r"(?:^|\s)(?:--?|/)(?P<key>(?:[A-Za-z][\w-]{0,40}?)?(?:pass(?:word)?|passwd|pwd|matkhau|mat-khau|token|secret)"
    r"[\w-]{0,20})(?:\s+|:)(?P<val>" + QUOTED + r"|[^\s\"'|;&<>-][^\s\"'|;&<>]*)",
    re.I,
)
PIPE_TAIL = re.compile(r"\|[^\s,;\"'<>)}\]|]+")
QUERY_TAIL = re.compile(r"&[A-Za-z_][\w.\-\[\]]*=")
NESTED_ASSIGN = re.compile(r"[A-Za-z_][\w.]*=\S")
FIELD_SEPARATORS = ("\t", ",", ";", "|")
FIELD_KEY = re.compile(r"^[A-Za-z_][\w.\-]{2,100}$")


@dataclass(frozen=True)
class Pair:
    """One key and its value on a line. ``value`` may be a secret: it is never shown."""

    key: str
    value: str = field(repr=False)
    column: int  # 0-based offset of the value in the line
    quoted: bool
    syntax: str
    parent: str = ""  # the element or object the key sits in, when the line says so
    username: str = ""  # the user that goes with this value (user info, curl -u, user:pass)


def _value_offset(match: re.Match[str], group: str, quoted: bool) -> int:
    return match.start(group) + (1 if quoted else 0)


def pairs(line: str, keep: Callable[[str], bool] | None = None) -> list[Pair]:
    """Every key/value pair on one line (duplicates removed, in line order).

    ``keep``, when given, is asked about each key of a plain assignment before its pair is
    built: pairs whose key it refuses are left out (the judge passes the keys that can matter, so
    that the hundreds of ``a:b`` pairs of a minified line cost no more than their regex match).
    """
    found: dict[tuple[str, int], Pair] = {}
    for pair in _all(line, keep):
        found.setdefault((pair.key, pair.column), pair)
    return sorted(found.values(), key=lambda p: p.column)


def _all(line: str, keep: Callable[[str], bool] | None = None) -> Iterator[Pair]:
    if "<" in line:
        yield from _xml(line)
    if "\t" in line:
        yield from _cookie(line)
    if "set" in line:
        for match in SETTER.finditer(line):
            value, quoted = unquote(match.group("val"))
            yield Pair(match.group("key"), value, _value_offset(match, "val", quoted), quoted, "setter")
    if "," in line:
        for match in KEY_STRING_PAIR.finditer(line):
            key, _ = unquote(match.group("key"))
            value, quoted = unquote(match.group("val"))
            yield Pair(key, value, _value_offset(match, "val", quoted), quoted, "row")
    if "=" in line and ("?" in line or "&" in line):
        for match in QUERY.finditer(line):
            yield Pair(match.group("key"), match.group("val"), match.start("val"), False, "query")
    yield from _assignments(line, keep)
    if "md5" in line or "MD5" in line or "Md5" in line:
        for match in MD5_CALL.finditer(line):
            key, _ = unquote(match.group("key"))
            yield Pair(key, match.group("val"), match.start("val"), True, "md5-call")
    if "://" in line:
        for match in USERINFO.finditer(line):
            yield Pair(
                "userinfo",
                match.group("val"),
                match.start("val"),
                False,
                "userinfo",
                parent=match.group("host"),  # the host says which system the secret opens
                username=match.group("user"),
            )
    if "-u" in line:
        for match in CURL_USER.finditer(line):
            yield Pair(
                "curl -u", match.group("val"), match.start("val"), False, "cli", username=match.group("user")
            )
    if "ecureString" in line or "ECURESTRING" in line or "ecurestring" in line:
        for match in SECURE_STRING.finditer(line):
            value, quoted = unquote(match.group("val"))
            yield Pair(
                "ConvertTo-SecureString", value, _value_offset(match, "val", quoted), quoted, "securestring"
            )
    if "(" in line and ("uth" in line or "redential" in line or "asic" in line):
        for match in CREDENTIAL_PAIR.finditer(line):
            user, user_quoted = unquote(match.group("user"))
            value, quoted = unquote(match.group("val"))
            user = user if user_quoted else ""  # auth=(USERNAME, "literal"): the user is read elsewhere
            yield Pair(
                "credential pair",
                value,
                _value_offset(match, "val", quoted),
                quoted,
                "credential-pair",
                username=user,
            )
    if " -" in line or " /" in line or line.startswith("-"):
        for match in CLI_FLAG.finditer(line):
            value, quoted = unquote(match.group("val"))
            yield Pair(match.group("key"), value, _value_offset(match, "val", quoted), quoted, "cli-flag")
    if "uthorization" in line or "UTHORIZATION" in line:
        for match in AUTH_HEADER.finditer(line):
            scheme = match.group("scheme").lower()
            yield Pair(f"Authorization {scheme}", match.group("val"), match.start("val"), False, "header")


@lru_cache(maxsize=65536)
def _key_name(raw: str) -> str:
    """The key of an assignment as _assignments reads it (index, quotes and $env: removed)."""
    key = raw
    bracket = key.find("[")
    if bracket > 0 and key.endswith("]"):
        key = key[bracket + 1 : -1].strip().strip("\"'")
    key, _ = unquote(key)
    return key[5:] if key.startswith("$env:") else key


def _assignments(line: str, keep: Callable[[str], bool] | None = None) -> Iterator[Pair]:
    for match in ASSIGN.finditer(line):
        raw_value = match.group("val")
        if raw_value is None:
            continue
        key = match.group("key")
        # A key left out by ``keep``: only an assignment inside its value (Environment=KEY=v,
        # '{"password": ...}') could still count, and that needs an "=" or a ":" in it.
        if keep is not None and "=" not in raw_value and ":" not in raw_value and not keep(_key_name(key)):
            continue
        bracket = key.find("[")
        if bracket > 0 and key.endswith("]"):
            key = key[bracket + 1 : -1].strip().strip("\"'")
        key, _ = unquote(key)
        if key.startswith("$env:"):
            key = key[5:]
        value, quoted = unquote(raw_value)
        end = match.end("val")
        if not quoted and value and end < len(line) - 1 and line[end] == "|" and not line[end + 1].isspace():
            # KEY=75901_BV|secret: a pipe with no space around it joins a user and a password
            # (a table or a shell pipe has spaces).
            tail = PIPE_TAIL.match(line, end)
            if tail:
                value += tail.group(0)
        if not quoted and "&" in value:
            # A query string without its "?" (IIS logs the query in a field of its own):
            # token=abc&username=...: the first value ends at the next parameter.
            tail = QUERY_TAIL.search(value)
            if tail:
                value = value[: tail.start()]
        offset = _value_offset(match, "val", quoted)
        if keep is None or keep(key):
            yield Pair(key, value, offset, quoted, "assign")
        if NESTED_ASSIGN.match(value) or (quoted and value[:1] in ("{", "[")):
            # systemd Environment=KEY=value, docker --env "KEY=value", env KEY=value, wget
            # --post-data='{"password": ...}': the assignment inside the value is the one that
            # names the secret. A JSON body kept as a JSON string (a HAR's postData, a Postman
            # raw body) has its quotes escaped: read it unescaped (columns then shift a little).
            inner_text = value.replace('\\"', '"') if '\\"' in value else value
            for inner in _assignments(inner_text, keep):
                yield Pair(inner.key, inner.value, offset + inner.column, inner.quoted, inner.syntax)


def fields(line: str, keep: Callable[[str], bool] | None = None) -> Iterator[Pair]:
    """``key<sep>value`` fields of a delimited row (tab, comma, semicolon, pipe): a COPY row, a
    CSV or TSV export, a mysql client table. Every field that looks like a key name is given with
    the field after it; the judge keeps only keys that name the portal by themselves (such as
    ``HIS.CHECK_HEIN_CARD.BHXH.LOGIN.USER_PASS``), since a row says nothing else about them."""
    for sep in FIELD_SEPARATORS:
        if sep not in line:
            continue
        starts = [0]
        parts = line.split(sep)
        for part in parts[:-1]:
            starts.append(starts[-1] + len(part) + 1)
        for index in range(len(parts) - 1):
            key = parts[index].strip().strip("\"'`")
            if not FIELD_KEY.match(key) or (keep is not None and not keep(key)):
                continue
            raw = parts[index + 1]
            stripped = raw.strip()
            value, quoted = unquote(stripped)
            if not value:
                continue
            column = starts[index + 1] + (len(raw) - len(raw.lstrip())) + (1 if quoted else 0)
            yield Pair(key, value, column, quoted, "field")


def _xml(line: str) -> Iterator[Pair]:
    for match in XML_TAG.finditer(line):
        tag = match.group("tag")
        attrs = {m.group("name").lower(): m for m in XML_ATTR.finditer(match.group("attrs") or "")}
        base = match.start("attrs")
        name_attr = next((attrs[k] for k in NAMED_KEYS if k in attrs), None)
        if name_attr is not None and "value" in attrs:
            name, _ = unquote(name_attr.group("val"))
            value_match = attrs["value"]
            value, quoted = unquote(value_match.group("val"))
            yield Pair(name, value, base + value_match.start("val") + 1, quoted, "xml-named", parent=tag)
            continue
        if name_attr is not None and not match.group("close"):
            # <setting name="PassWordBHYT"><value>...</value> or <entry key="...">text</entry>
            rest = line[match.end() :]
            inner = XML_VALUE.search(rest)
            name, _ = unquote(name_attr.group("val"))
            if inner:
                yield Pair(
                    name,
                    inner.group("text"),
                    match.end() + inner.start("text"),
                    True,
                    "xml-named",
                    parent=tag,
                )
            else:
                text_end = rest.find("<")
                text = rest[:text_end] if text_end >= 0 else ""
                if text.strip() and text_end >= 0:
                    yield Pair(name, text, match.end(), True, "xml-named", parent=tag)
        for attr in attrs.values():
            value, quoted = unquote(attr.group("val"))
            yield Pair(
                attr.group("name"), value, base + attr.start("val") + 1, quoted, "xml-attr", parent=tag
            )
    for match in XML_ELEMENT.finditer(line):
        yield Pair(match.group("tag"), match.group("text"), match.start("text"), True, "xml-element")


def _cookie(line: str) -> Iterator[Pair]:
    match = COOKIE_LINE.match(line)
    if match:
        yield Pair(
            match.group("name"),
            match.group("val"),
            match.start("val"),
            True,
            "cookie",
            parent=match.group("domain"),
        )


def default_setting(line: str, following: list[str]) -> Pair | None:
    """C# Settings.Designer: ``[DefaultSettingValue("v")]`` above ``public string Key {``."""
    match = DEFAULT_SETTING.search(line)
    if not match:
        return None
    for text in following[:3]:
        prop = PROPERTY_NAME.search(text)
        if prop:
            return Pair(prop.group("key"), match.group("val"), match.start("val"), True, "settings")
    return None


def split_userpass(value: str, separators: tuple[str, ...] = (":", "|")) -> tuple[str, str, int] | None:
    """``user:secret`` (or ``user|secret``): the user, the secret and the secret's offset."""
    for sep in separators:
        if sep in value:
            user, _, secret = value.partition(sep)
            if user and secret and " " not in user:
                return user, secret, len(user) + 1
    return None


def getter(line: str, following: list[str]) -> tuple[Pair, int] | None:
    """A getter returning a literal: the pair (named after the getter) and the index, in
    ``following`` (-1 for ``line`` itself), of the line that holds the literal."""
    match = GETTER.search(line)
    if not match:
        return None
    rest = line[match.end() :]
    inline = RETURN_INLINE.search(rest)
    if inline:
        value, quoted = unquote(inline.group("val"))
        offset = match.end() + inline.start("val") + (1 if quoted else 0)
        return Pair(match.group("key"), value, offset, quoted, "getter"), -1
    if rest.strip() not in ("", "{", ":", "=>"):
        return None
    for index, text in enumerate(following[:2]):
        if not text.strip() or text.strip() == "{":
            continue
        body = RETURN_LITERAL.match(text)
        if body is None or ("return" not in text and "=>" not in line):
            return None
        value, quoted = unquote(body.group("val"))
        return Pair(
            match.group("key"), value, body.start("val") + (1 if quoted else 0), quoted, "getter"
        ), index
    return None


@lru_cache(maxsize=64)
def _named_members(line: str) -> tuple[list[int], list[str]]:
    """Where each ``"key": "..."`` member of a line ends, and its name (read once per line: an
    excerpt of a long line has hundreds of ``value`` members to name)."""
    found = list(NAMED_MEMBER.finditer(line))
    return [m.end() for m in found], [m.group("name") for m in found]


def named_member(line: str, column: int, previous: list[str]) -> str | None:
    """The name a ``"value":`` member gets from its ``"key"``/``"name"`` sibling: on the same line
    before it, or on the lines just above it in the same object (nearest first)."""
    ends, names = _named_members(line)
    at = bisect.bisect_right(ends, column)
    if at:
        return names[at - 1]
    for text in previous[:4]:
        names = _named_members(text)[1]
        if names:
            return names[-1]
        if "{" in text or "}" in text:
            return None
    return None


def netrc_entries(lines: list[tuple[int, str]]) -> Iterator[tuple[str, str, str, int, int]]:
    """``machine HOST login USER password SECRET`` entries (one line or many): host, user, secret
    and the secret's line and 0-based column."""
    host = user = ""
    expect = ""
    for number, text in lines:
        if text.lstrip().startswith("#"):
            continue
        for match in NETRC_TOKEN.finditer(text):
            token = match.group(0)
            if expect:
                if expect == "machine":
                    host, user = token, ""
                elif expect == "login":
                    user = token
                elif expect == "password" and host:
                    yield host, user, token, number, match.start()
                expect = ""
            elif token in ("machine", "login", "password", "account"):
                expect = token
            elif token == "default":
                host, user = "default", ""
