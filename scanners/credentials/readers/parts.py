"""What a reader yields: the text of a member, the rows of a table, or an error."""

from __future__ import annotations

from typing import Any

# Member paths join the outer file and each inner name with "!": outer.zip!dir/file.xlsx!Sheet1.
SEPARATOR = "!"
MAX_NAME = 300


class Part:
    """One thing found inside a container.

    ``kind``: ``text`` (``data`` holds the member's bytes, undecoded), ``table`` (``rows`` holds
    ``[row number, [cell, ...]]`` lists, the first rows usually a title and the header), or
    ``error`` (``message`` says which bound or which damage; it never quotes content).
    """

    __slots__ = ("data", "kind", "message", "path", "rows")

    def __init__(
        self,
        kind: str,
        path: str,
        *,
        data: bytes = b"",
        rows: list[list[Any]] | None = None,
        message: str = "",
    ) -> None:
        self.kind = kind
        self.path = path
        self.data = data
        self.rows = rows if rows is not None else []
        self.message = message

    def __repr__(self) -> str:  # never the data: it may hold a secret
        return f"Part({self.kind!r}, {self.path!r}, {len(self.data)} bytes, {len(self.rows)} rows)"


def error(path: str, message: str) -> Part:
    return Part("error", path, message=message)


def member_path(outer: str, name: str) -> str:
    """``outer!name`` with the inner name made safe to show: no control characters, no leading
    slash, bounded length (a member name is chosen by whoever made the archive)."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in name.replace("\\", "/")).lstrip("/")
    if len(clean) > MAX_NAME:
        clean = clean[: MAX_NAME - 3] + "..."
    return outer + SEPARATOR + (clean or "?")
