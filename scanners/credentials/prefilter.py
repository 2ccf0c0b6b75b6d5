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
from collections.abc import Callable, Iterable

from hisguard.scanners.credentials.extract import Pair
from hisguard.scanners.credentials.rules import RuleSet

# What the judge keeps of a key: ASCII letters and digits (keynames.split_words drops the rest
# before lower-casing, so the same is done here).
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]+")
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

    def segments(self, text: str, portal: bool = False) -> list[tuple[int, int]]:
        """Merged (start, end) spans of ``text`` around every word that can make a pair matter."""
        low = text.lower()
        if len(low) != len(text):
            return [(0, len(text))]
        spans: list[tuple[int, int]] = []
        keyish = _KEYISH.match
        finders = [(f, True) for f in (self._portal if portal else self._credential)]
        if not portal:
            finders += [(f, False) for f in self._markers]
        for finder, check in finders:
            for match in finder.finditer(low):
                if check and keyish(low, match.end()) is None:
                    continue  # the word is in a value or a sentence, not in a key
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
