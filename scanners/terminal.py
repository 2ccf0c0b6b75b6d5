r"""Text shown on a terminal: one function for every value a scanned host or document supplied.

A file name, a host name or a line of a scanned file may hold terminal escape sequences (an OSC
sequence can retitle the window, forge a hyperlink or, on some terminals, write the clipboard),
line breaks that forge table rows, bidi controls that reorder what is read, lone surrogates that
crash the output encoder, and rich markup (``[/]`` crashes a table, ``[link=...]`` changes what
is shown). ``terminal_safe`` turns every such character into a visible ``\xNN``/``\uNNNN``
escape, and ``cell`` wraps the result in a rich ``Text`` so no markup is ever parsed from it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

# C0 controls, DEL, C1 controls, lone surrogates, line/paragraph separators, bidi embeddings,
# overrides and isolates, and the BOM/zero-width no-break space.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (os.fsdecode)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_safe(value: object) -> str:
    """``value`` as text with every control, bidi or unencodable character shown escaped."""
    text = value if isinstance(value, str) else str(value)
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def cell(value: object, style: str = "") -> Text:
    """A rich table cell or line that shows ``value`` literally (escaped, never markup)."""
    from rich.text import Text

    return Text(terminal_safe(value), style=style)
