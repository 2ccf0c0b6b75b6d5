"""Alternations of catalog patterns, searched faster than one big ``re`` alternation.

The catalog's pattern lists (portal hosts, reads from the environment, disabled TLS checks...)
are joined into one alternation, which Python's regex engine tries at every offset of the text,
every branch in turn, case-insensitively: tens of microseconds on one log line, paid for every
candidate line and value. :class:`FastPattern` gives the same answer cheaper:

- branches anchored with ``^`` are only tried at the start of the text;
- for the others, a *literal gate*: each branch's longest run of plain characters that every
  match must contain (``os.environ`` for ``os\\.environ``, ``verify`` for ``verify\\s*=\\s*False``).
  When the text contains none of them, nothing can match and the regex is not run;
- a case-insensitive pattern that lower-casing does not change in meaning is also compiled
  lower-cased, and searched in the lower-cased text (same offsets for ASCII text), which lets
  the engine use literal prefixes; the match returned is always one of the original pattern.

A branch the gate cannot read (its literals are all inside groups or classes) turns the gate
off for that list: the answer is then the plain regex's, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Escapes whose meaning changes with the letter's case (\S vs \s...), characters given by code
# (\x41 is "A", which a lower-cased text never holds), named groups: a pattern with one of them
# is not searched lower-cased.
_CASE_SENSITIVE_SYNTAX = re.compile(r"\\[A-Z]|\\[xuU0-7]|\(\?P|\\[pN]\{")
_MIN_LITERAL = 2
_BACKREF = re.compile(r"\\[1-9]|\(\?P=")


def _skip_class(pattern: str, i: int) -> int:
    """The index after the character class that starts at ``pattern[i] == '['``."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def _skip_group(pattern: str, i: int) -> int:
    """The index after the group that starts at ``pattern[i] == '('``."""
    depth = 0
    j = i
    while j < len(pattern):
        ch = pattern[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            j = _skip_class(pattern, j)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return j


def _skip_escape(pattern: str, i: int) -> int:
    """The index after the letter or digit escape at ``pattern[i] == '\\'``."""
    kind = pattern[i + 1]
    if kind in "xuU":
        return i + 2 + {"x": 2, "u": 4, "U": 8}[kind]
    if kind == "N":
        close = pattern.find("}", i)
        return len(pattern) if close < 0 else close + 1
    j = i + 2
    if kind.isdigit():
        while j < len(pattern) and j < i + 4 and pattern[j].isdigit():
            j += 1
    return j


def _top_level_bar(pattern: str) -> bool:
    """Whether ``pattern`` is an alternation at its top level (``^a|b`` is not anchored)."""
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
        elif ch == "[":
            i = _skip_class(pattern, i)
        elif ch == "(":
            i = _skip_group(pattern, i)
        elif ch == "|":
            return True
        else:
            i += 1
    return False


def required_literal(pattern: str) -> str | None:
    """The longest run of plain characters that every match of ``pattern`` contains, or None.

    Conservative: groups, classes, escapes of character types and anything quantified end a
    run; a ``|`` outside a group means the pattern has no single required run.
    """
    runs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            runs.append("".join(current))
            current.clear()

    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= n:
                return None
            nxt = pattern[i + 1]
            if nxt.isalnum():
                flush()  # \s \d \b \1 \x41 ...: not read as a plain character
                i = _skip_escape(pattern, i)
                continue
            current.append(nxt)
            i += 2
        elif ch in ".^$":
            flush()
            i += 1
        elif ch == "[":
            flush()
            i = _skip_class(pattern, i)
        elif ch == "(":
            flush()
            i = _skip_group(pattern, i)
        elif ch in ")|":
            return None
        elif ch in "*?{":
            # The atom before is optional (or its count unknown): it is not part of the run.
            if current:
                current.pop()
            flush()
            if ch == "{":
                close = pattern.find("}", i)
                i = n if close < 0 else close + 1
            else:
                i += 1
            if i < n and pattern[i] in "?+":
                i += 1
            continue
        elif ch == "+":
            flush()  # the atom before is there at least once, but may repeat
            i += 1
            if i < n and pattern[i] in "?+":
                i += 1
            continue
        else:
            current.append(ch)
            i += 1
        # A quantifier right after an escaped or plain character applies to it alone.
    flush()
    best = max(runs, key=len, default="")
    return best if len(best) >= _MIN_LITERAL else None


def _split_bar(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern``."""
    parts: list[str] = []
    i = start = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
        elif ch == "[":
            i = _skip_class(pattern, i)
        elif ch == "(":
            i = _skip_group(pattern, i)
        elif ch == "|":
            parts.append(pattern[start:i])
            i += 1
            start = i
        else:
            i += 1
    parts.append(pattern[start:])
    return parts


def _group_body(group: str) -> str | None:
    """The inside of ``(...)`` when it is a plain group, None for look-arounds and inline flags
    (a literal under ``(?i:...)`` is not one of the pattern's own case)."""
    body = group[1:-1]
    if not body.startswith("?"):
        return body
    if body.startswith("?:"):
        return body[2:]
    if body.startswith("?P<") and ">" in body:
        return body[body.index(">") + 1 :]
    return None


def _optional_quantifier(pattern: str, j: int) -> bool:
    if j >= len(pattern):
        return False
    if pattern[j] in "*?":
        return True
    if pattern[j] == "{":
        inside = pattern[j + 1 : pattern.find("}", j) if "}" in pattern[j:] else len(pattern)]
        low = inside.split(",")[0].strip()
        return not low.isdigit() or int(low) == 0
    return False


def required_any(pattern: str, depth: int = 0) -> tuple[str, ...] | None:
    r"""Literals one of which every match of ``pattern`` contains (None when none can be told).

    Like :func:`required_literal`, and also through groups of alternatives: every match of
    ``(^|\s)(-k|--insecure)`` contains ``-k`` or ``--insecure``.
    """
    if depth > 20:
        return None
    alternatives = _split_bar(pattern)
    if len(alternatives) > 1:
        union: list[str] = []
        for alternative in alternatives:
            found = required_any(alternative, depth + 1)
            if not found:
                return None
            union.extend(found)
        return _minimal(union)
    candidates: list[tuple[str, ...]] = []
    single = required_literal(pattern)
    if single:
        candidates.append((single,))
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
        elif ch == "[":
            i = _skip_class(pattern, i)
        elif ch == "(":
            j = _skip_group(pattern, i)
            body = _group_body(pattern[i:j])
            if body is not None and not _optional_quantifier(pattern, j):
                found = required_any(body, depth + 1)
                if found:
                    candidates.append(found)
            i = j
        else:
            i += 1
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (min(len(x) for x in c), -len(c)))
    return best if min(len(x) for x in best) >= _MIN_LITERAL else None


# Characters that re.IGNORECASE matches to an ASCII letter but str.lower() does not lower to it
# (dotless i, long s, the Kelvin sign): a text with one of them is not searched lower-cased.
_CASE_ODD = ("\u0131", "\u017f", "\u212a")


def _minimal(literals: Sequence[str]) -> tuple[str, ...]:
    """Drop a literal that contains another one: the shorter is present whenever it is."""
    unique = sorted(set(literals), key=len)
    kept: list[str] = []
    for literal in unique:
        if not any(other in literal for other in kept):
            kept.append(literal)
    return tuple(kept)


_LOWERED: list[tuple[str, str]] = []
_LOWERED_KEPT = 4


def lower(text: str) -> str:
    """``text.lower()``, remembered for the last few texts (by identity): the judge asks several
    patterns about the same line (hosts, endpoints, plain http) and reads it for words, each of
    which would lower-case it again; an excerpt of Vietnamese text costs milliseconds to lower."""
    for known, lowered in _LOWERED:
        if known is text:
            return lowered
    lowered = text.lower()
    _LOWERED.insert(0, (text, lowered))
    del _LOWERED[_LOWERED_KEPT:]
    return lowered


_lower = lower


class FastPattern:
    """An alternation of ``patterns`` with ``flags``; :meth:`search` answers as ``re`` would."""

    def __init__(self, patterns: Sequence[str], flags: int = 0) -> None:
        items = [p for p in patterns if p]
        self.pattern = "|".join(f"(?:{p})" for p in items) or r"(?!x)x"
        self.flags = flags
        ignore_case = bool(flags & re.IGNORECASE)
        anchored = [p for p in items if p.startswith("^") and not _top_level_bar(p)]
        floating = [p for p in items if p not in anchored]
        self._anchored = re.compile("|".join(f"(?:{p})" for p in anchored), flags) if anchored else None
        self._floating = re.compile("|".join(f"(?:{p})" for p in floating), flags) if floating else None
        self._ignore_case = ignore_case
        literals = [required_any(p) for p in floating]
        if floating and all(literals):
            gate = [lit.lower() if ignore_case else lit for found in literals if found for lit in found]
            self._gate: tuple[str, ...] | None = _minimal(gate)
        else:
            self._gate = None
        self._lowered: re.Pattern[str] | None = None
        if ignore_case and floating and not any(_CASE_SENSITIVE_SYNTAX.search(p) for p in floating):
            try:
                self._lowered = re.compile(
                    "|".join(f"(?:{p.lower()})" for p in floating), flags & ~re.IGNORECASE
                )
            except re.error:
                self._lowered = None
        # Each branch on its own too, behind its own literals: one regex per branch starts with
        # a literal the engine skips to, where the alternation of all of them is tried at every
        # offset. The earliest start among the branches is where the alternation matches first.
        self._branches: list[tuple[re.Pattern[str], re.Pattern[str] | None, tuple[str, ...] | None]] = []
        # A back-reference counts groups across the whole alternation: not on its own then.
        if len(floating) > 1 and not any(_BACKREF.search(p) for p in floating):
            for branch, found in zip(floating, literals, strict=True):
                lowered = None
                if self._lowered is not None:
                    try:
                        lowered = re.compile(branch.lower(), flags & ~re.IGNORECASE)
                    except re.error:
                        lowered = None
                gate_literals = tuple(x.lower() if ignore_case else x for x in found) if found else None
                self._branches.append((re.compile(branch, flags), lowered, gate_literals))

    def search(self, text: str) -> re.Match[str] | None:
        if self._anchored is not None:
            match = self._anchored.match(text)
            if match is not None:
                return match
        floating = self._floating
        if floating is None:
            return None
        low: str | None = None
        if self._gate is not None:
            low = _lower(text) if self._ignore_case else text
            for literal in self._gate:
                if literal in low:
                    break
            else:
                return None
        use_low = False
        if self._lowered is not None:
            if low is None or not self._ignore_case:
                low = _lower(text)
            # Lower-casing kept every offset (same length) and matched case as re.I does.
            use_low = text.isascii() or (len(low) == len(text) and not any(c in text for c in _CASE_ODD))
        if self._branches:
            gate_text = low if low is not None and self._ignore_case else text
            first: int | None = None
            for plain, lowered, gate in self._branches:
                if gate is not None and not any(literal in gate_text for literal in gate):
                    continue
                # (No end bound at the best start so far: "$" and look-aheads read past it.)
                hit = (
                    lowered.search(low)
                    if use_low and lowered is not None and low is not None
                    else plain.search(text)
                )
                if hit is not None and (first is None or hit.start() < first):
                    first = hit.start()
            return None if first is None else floating.search(text, first)
        if use_low and self._lowered is not None and low is not None:
            found = self._lowered.search(low)
            if found is None:
                return None
            return floating.search(text, found.start())
        return floating.search(text)

    def __repr__(self) -> str:
        return f"FastPattern({self.pattern!r})"
