"""Cheap tests that tell the judge a line cannot hold a pair that matters, before reading its pairs.

Reading every key/value pair of a line (:func:`extract.pairs`) runs a dozen regexes in Python:
tens of microseconds a line, the whole cost of a log or a dump where the portal's anchors are on
every line. Yet a pair only matters when its key holds a credential word (``password``,
``token``, ``MatKhau``...) or names the portal. A key is part of its line, and the judge compares
keys by their letters and digits only (``mat_khau`` is ``matkhau``), so when the line's letters and
digits, taken together, contain none of those words, no key on it can: the pairs are not read.
The test is a superset of the rule's own, never a guess: it only skips work that finds nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate

from hisguard.scanners.credentials.extract import Pair
from hisguard.scanners.credentials.fastre import lower
from hisguard.scanners.credentials.keynames import KeyClassifier
from hisguard.scanners.credentials.rules import RuleSet
from hisguard.scanners.credentials.values import ValueJudge

# What the judge keeps of a key: ASCII letters and digits (keynames.split_words drops the rest
# before lower-casing, so the same is done here).
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_NOT_ALNUM_KEEP_LINES = re.compile(r"[^0-9A-Za-z\n]+")
# Characters whose lower case is an ASCII letter (the Kelvin sign) or two characters (dotted
# capital I): rules.normalize_key lower-cases before it drops, so with these about the two ways
# of reading a key could differ. A line with one of them is never skipped.
_ODD = ("\u212a", "\u0130")


# Syntaxes whose pair is named by the syntax, not by a key written on the line (extract.py):
# ConvertTo-SecureString "..." -AsPlainText; credentials handed to an HTTP client (requests'
# auth=(...), HTTPBasicAuth, setBasicAuth, okhttp Credentials.basic). A new one of those must add
# its marker here.
KEYLESS_MARKERS = ("securestring", "auth", "basic")


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    unique = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return re.compile("|".join(re.escape(w) for w in unique) or r"(?!x)x")


def letters(text: str) -> str:
    """The ASCII letters and digits of ``text``, lower-cased, in order."""
    return _NOT_ALNUM.sub("", text).lower()


class LineGate:
    """Which parts of the judge can find something on a line."""

    def __init__(self, rules: RuleSet, enabled: bool = True) -> None:
        credential = [w for w, (category, _) in rules.words.items() if category == "cred"]
        portal = [w for w, (category, _) in rules.words.items() if category == "portal"]
        self._credential = _alternation([*credential, *rules.portal_keys])
        self._portal = _alternation([*portal, *rules.portal_keys])
        # What may_hold_credential_key looks for in a line's letters (with value_key).
        self._key_words = _alternation([*credential, *rules.portal_keys, *KEYLESS_MARKERS, "value"])
        self.enabled = enabled

    def _odd(self, text: str) -> bool:
        return not text.isascii() and any(c in text for c in _ODD)

    def may_hold_credential_key(self, text: str, norm: str | None = None, value_key: bool = False) -> bool:
        """Whether a key on this line can hold a credential (or be ``value`` with ``value_key``).

        Syntaxes whose pairs matter whatever their key (user info in a URL, curl -u, Netscape
        cookie lines) always pass.
        """
        if not self.enabled or "://" in text or "-u" in text or "\t" in text or self._odd(text):
            return True
        norm = letters(text) if norm is None else norm
        if self._credential.search(norm) is not None or any(m in norm for m in KEYLESS_MARKERS):
            return True
        return value_key and "value" in norm

    def lines_may_hold(self, texts: Sequence[str]) -> list[tuple[str, bool]]:
        """(letters, may_hold_credential_key(text, value_key=True)) of every one-line text, read
        in one pass over all of them: a log of a million lines costs a regex run, not a million
        calls. The words hold letters and digits only, so no match runs from a line into the next."""
        joined = "\n".join(texts)
        if not texts or joined.count("\n") != len(texts) - 1:
            return [(letters(t), self.may_hold_credential_key(t, value_key=True)) for t in texts]
        norms = _NOT_ALNUM_KEEP_LINES.sub("", joined).lower().split("\n")
        starts = list(accumulate((len(n) + 1 for n in norms[:-1]), initial=0))
        found = set()
        for match in self._key_words.finditer("\n".join(norms)):
            found.add(bisect_right(starts, match.start()) - 1)
        return [
            (
                norm,
                not self.enabled
                or index in found
                or "://" in text
                or "-u" in text
                or "\t" in text
                or self._odd(text),
            )
            for index, (norm, text) in enumerate(zip(norms, texts, strict=True))
        ]

    def key_may_matter(self, norm: str) -> bool:
        """Whether a key whose letters and digits are ``norm`` can hold a credential, name the
        portal or be ``value`` (an ASCII key: its letters are what the classifier reads)."""
        return (
            self._credential.search(norm) is not None
            or self._portal.search(norm) is not None
            or norm == "value"
        )

    def may_name_portal(self, text: str, norm: str | None = None) -> bool:
        """Whether a key (or a field) on this line can name the portal."""
        if not self.enabled or self._odd(text):
            return True
        norm = letters(text) if norm is None else norm
        return self._portal.search(norm) is not None


# --- very long lines: read pairs around the words that matter only ------------------------------

# Around a word that may be part of a key: enough before it for the key (quoted keys run to 100
# characters) and whatever sits in front of it on the same statement, and after it for the value.
SPOT_BEFORE = 160
SPOT_AFTER = 200
SPOT_VALUE_MAX = 8192  # the longest value the judge takes (a token)
_VALUE_END = re.compile(r"[\s,;\"'<>)}\]|&]")
# Markers of the syntaxes whose key is not the pair's own name.
_MARKERS = ("://", "-u", "uthorization", "<value>", "securestring")
# What follows a word inside a key: the rest of the identifier, a closing quote or bracket, then
# an assignment, a call (setPassword(...)), a quoted key's comma ("password", "..."), the end of
# an XML tag or the value attribute after a name attribute.
_KEYISH = re.compile(
    r"\w*\s*\(|[\w$@.\-]*(?:[\"'`\]]?\s*(?:=>|:=|=|:)|[\"'`]\s*(?:,\s*[\"'`]|/?>|\s\w*\s*=)|>)"
)
# A key's word followed by an assignment (the separator of extract.ASSIGN), then its value:
# a member expression (``e.bhxhToken=d6.data.access_token``: in source code an unquoted value is
# read from elsewhere, values.secret_kind, and a dotted name is no user name, values.is_username),
# or a plain quoted literal (no escape, no other quote). Neither holds the "=", ":", call, "${" or
# pipe that another reading of the pair could use.
_ASSIGNED = re.compile(r"[\w$@.\-]*[\"'`\]]?\s*(?:=>|:=|=|:)(?![=/])[ \t]*")
_MEMBER = re.compile(r"[a-z_$][\w$]*(?:\.[\w$]+)+(?=[\s,;\"'<>)}\]]|$)")
_LITERAL = re.compile(r"([\"'])([^\"'\\\n]*)\1")
# The end of a quoted key whose word ends at the match's start: the rest of the key, its closing
# quote and the separator (``"PasswordBHXHRequired":``).
_QUOTED_KEY_END = re.compile(r"[\w$@.\-]*([\"'])\s*(?:=>|:=|=|:)(?![=/])")
# The characters of a key name (extract.ASSIGN), those it may start with, and the rest of one.
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$@.-")
_KEY_FIRST = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$@")
_NAME_RUN = re.compile(r"[\w$@.\-]*(?=\s*(?:=>|:=|=|:)(?![=/]))", re.A)
# A JSON member's key (what _mask_dead_keys reads), and how many distinct ones it blanks at most.
_JSON_KEY = re.compile(r'"([A-Za-z0-9_$@.\-]{1,100})":')
MAX_MASKED_KEYS = 64
# What an Authorization header needs after its name (extract.AUTH_HEADER).
_AUTH_AFTER = re.compile(r"\s*[:=]\s*[\"']?(?:bearer|basic)\s+[\w\-.~+/=]")
# What an Authorization header's value starts with (extract.AUTH_HEADER).
_AUTH_VALUE = re.compile(r"[\"']?(?:bearer|basic)\s+[\w\-.~+/=]")
# Every kind a key can give a value (keynames.KIND_ORDER), and the one a stored value gets.
_KINDS = ("userpass", "password_hash", "password", "token", "session", "staff", "username")
# What user info in a URL needs after its "://" (extract.USERINFO): a user, ":", a secret, "@".
_USERINFO_AFTER = re.compile(r"[^:/@\s\"'<>]+:[^/\s\"'<>]+@[\w.\-]")
# Keys written with a separator inside one of the words (the judge reads them without it).
SPLIT_WORDS = (
    "api_key",
    "api-key",
    "mat_khau",
    "mat-khau",
    "tai_khoan",
    "tai-khoan",
    "dang_nhap",
    "dang-nhap",
)


def _searchers(words: Iterable[str]) -> list[re.Pattern[str]]:
    """collect.searchers' rare-byte regexes, for text (the same patterns: the words are ASCII)."""
    from hisguard.scanners.credentials.collect import searchers

    encoded = sorted({w.encode("ascii") for w in words if w and w.isascii()})
    return [re.compile(p.pattern.decode("ascii")) for p in searchers(encoded)]


class Spots:
    """Pairs of a very long line (an excerpt of a minified bundle, a one-line JSON document).

    Reading every pair of a 4 KB excerpt costs milliseconds, and a bundle whose every screen says
    BHYT is all excerpts. Only pairs whose key holds a credential word (or names the portal, for
    context) matter, so the pairs are read in short segments around those words: a key is never
    longer than a segment's lead. An excerpt is already a cut of its line, so its pairs are read
    from an arbitrary start either way.
    """

    def __init__(self, rules: RuleSet) -> None:
        credential = [w for w, (category, _) in rules.words.items() if category == "cred"]
        portal = [w for w, (category, _) in rules.words.items() if category == "portal"]
        self._credential = _searchers([*credential, *rules.portal_keys, *SPLIT_WORDS, '"value', "'value"])
        self._markers = _searchers(_MARKERS)
        portal_words = [*portal, *rules.portal_keys]
        self._portal = _searchers(portal_words)
        self._user_forms = (rules.username_re, rules.cccd_re)
        self._values = ValueJudge(rules)
        self._keys = KeyClassifier(rules)

    def _keys_at(self, text: str, low: str, pivot: int, at: int) -> list[str] | None:
        """The keys extract.ASSIGN can read around a word (from ``pivot`` to ``at``) that an
        assignment follows: the quoted key, or each identifier the run of name characters can
        start (``e.bhxhToken``, ``bhxhToken``); None when they cannot be told."""
        end = _QUOTED_KEY_END.match(low, at)
        if end is not None:
            quote = end.group(1)
            close = end.start(1)
            open_at = text.rfind(quote, max(0, pivot - 101), pivot)
            if open_at < 0 or close - open_at - 1 > 100:
                return None
            return [text[open_at + 1 : close]]
        run_end = _NAME_RUN.match(text, at)
        if run_end is None:
            return None
        start = pivot
        while start > 0 and text[start - 1] in _NAME_CHARS:
            start -= 1
        if run_end.end() - start > 100:
            return None
        run = text[start : run_end.end()]
        keys = [
            run[i:]
            for i in range(len(run))
            if run[i] in _KEY_FIRST and (i == 0 or run[i - 1] not in _KEY_FIRST)
        ]
        return keys or None

    def _key_gives_nothing(self, key: str) -> bool:
        """_FileJudge._pair returns at once for an assignment to ``key``."""
        kc = self._keys.classify(key)
        return (kc.kind is None and key.lower() != "value") or kc.other or kc.not_secret

    def _dead_key(self, text: str, low: str, pivot: int, at: int) -> bool:
        """The word is in a key that gives no pair whatever its value: no credential kind and not
        ``value``, another system's, or a label, a length, a path (``"PasswordBHXHRequired": 18``)."""
        keys = self._keys_at(text, low, pivot, at)
        return keys is not None and all(self._key_gives_nothing(key) for key in keys)

    def _dead_value(self, text: str, low: str, pivot: int, at: int, code: bool) -> bool:
        """The key whose word ends at ``at`` is given a value that no kind of key could report
        (the judge's _value_plan would give nothing for it): its pair needs no segment."""
        head = _ASSIGNED.match(low, at)
        if head is None:
            return False
        start = head.end()
        if _AUTH_VALUE.match(low, start):
            return False
        if code:
            member = _MEMBER.match(low, start)
            if member is not None:
                value = text[start : member.end()]
                return not any(form.match(value) for form in self._user_forms)
        literal = _LITERAL.match(text, start)
        if literal is None:
            return False
        value = literal.group(2)
        if value[:1] in ("{", "[") or any(c in value for c in ":|/$@"):
            return False  # nested pairs, a user and a password, a default, a URL
        keys = self._keys_at(text, low, pivot, at)
        kinds: set[str] = set(_KINDS)
        if keys is not None:
            classes = [self._keys.classify(key) for key in keys if not self._key_gives_nothing(key)]
            kinds = {kc.kind or "session" for kc in classes}  # a stored "value" is a session
        if kinds & {"username", "staff"} and self._values.is_username(value):
            return False
        return all(self._values.secret_kind(kind, value, True, code) is None for kind in kinds)

    def _gives_nothing(self, text: str, low: str, pivot: int, at: int, code: bool) -> bool:
        """The pair of the key whose word runs from ``pivot`` to ``at`` can give no observation."""
        return self._dead_key(text, low, pivot, at) or self._dead_value(text, low, pivot, at, code)

    @staticmethod
    def _marker_may_give(low: str, at: int) -> bool:
        """A marker that ends at ``at`` is followed by what its syntax needs: user info after
        "://" (extract.USERINFO), a scheme and a value after "Authorization" (AUTH_HEADER)."""
        if low.startswith("://", at - 3):
            return _USERINFO_AFTER.match(low, at) is not None
        if low.startswith("uthorization", at - 12):
            return _AUTH_AFTER.match(low, at) is not None
        return True

    def _mask_dead_keys(self, text: str, low: str) -> str:
        """``low`` with the JSON keys that give no pair blanked out (same length): a long line
        of ``"PasswordBHXHRequired":18,...`` members costs one pass per such key, not a look at
        every word. A lower-cased key is blanked only when no spelling of it gives a pair."""
        if any(c in text for c in _ODD):
            return low  # a character whose lower case is ASCII: spellings could merge
        dead: set[str] = set()
        alive: set[str] = set()
        for key in set(_JSON_KEY.findall(text)):
            folded = key.lower()
            if not any(f.search(folded) for f in self._credential):
                continue  # no word of a key that matters in it: nothing to blank
            kc = self._keys.classify(key)
            if (kc.kind is None and folded != "value") or kc.other or kc.not_secret:
                dead.add(folded)
            else:
                alive.add(folded)
        dead -= alive
        if len(dead) > MAX_MASKED_KEYS:
            return low  # many distinct keys: the look at each word is cheaper
        for folded in dead:
            low = low.replace(f'"{folded}":', '"' + "\0" * len(folded) + '":')
        return low

    def segments(self, text: str, portal: bool = False, code: bool = False) -> list[tuple[int, int]]:
        """Merged (start, end) spans of ``text`` around every word that can make a pair matter.

        ``code``: the text is source code (the judge's CODE_SUFFIXES), where a member expression
        given to a key is no value.
        """
        low = lower(text)
        if len(low) != len(text):
            return [(0, len(text))]
        if not portal:
            low = self._mask_dead_keys(text, low)
        spans: list[tuple[int, int]] = []
        keyish = _KEYISH.match
        finders = [(f, True) for f in (self._portal if portal else self._credential)]
        if not portal:
            finders += [(f, False) for f in self._markers]
        for finder, check in finders:
            for match in finder.finditer(low):
                if check and keyish(low, match.end()) is None:
                    continue  # the word is in a value or a sentence, not in a key
                if check and not portal and self._gives_nothing(text, low, match.start(), match.end(), code):
                    continue
                if not check and not self._marker_may_give(low, match.end()):
                    continue
                pos = match.start()
                start = max(0, pos - SPOT_BEFORE)
                end = min(len(text), pos + SPOT_AFTER)
                if end < len(text):
                    stop = _VALUE_END.search(text, end, min(len(text), end + SPOT_VALUE_MAX))
                    end = stop.end() if stop else min(len(text), end + SPOT_VALUE_MAX)
                spans.append((start, end))
        if not spans:
            return []
        spans.sort()
        merged = [list(spans[0])]
        for start, end in spans[1:]:
            if start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return [(a, b) for a, b in merged]


def shifted(segments: list[tuple[int, int]], text: str, read: Callable[[str], Iterable[Pair]]) -> list[Pair]:
    """``read`` (pairs, fields) over each segment of ``text``, with columns of the whole text."""
    found: dict[tuple[str, int], Pair] = {}
    for start, end in segments:
        for pair in read(text[start:end]):
            moved = pair
            if start:  # built directly: dataclasses.replace costs more than the pair's regex
                moved = Pair(
                    pair.key,
                    pair.value,
                    pair.column + start,
                    pair.quoted,
                    pair.syntax,
                    pair.parent,
                    pair.username,
                )
            found.setdefault((moved.key, moved.column), moved)
    return sorted(found.values(), key=lambda p: p.column)
