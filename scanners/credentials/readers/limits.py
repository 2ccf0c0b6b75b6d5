"""The bounds every container reader keeps: nesting depth, members, bytes, compression ratio.

A scanned host holds whatever its users put there, including a zip bomb or a document built to
exhaust a parser. Each outer file gets one :class:`Budget`; every byte a reader expands and every
member it opens is charged to it, so no nesting trick can multiply the allowance. Going past a
bound raises :class:`Bound`, which the readers turn into an error part (a ScanError in the run),
never a hang or an out-of-memory.
"""

from __future__ import annotations

from typing import IO

MIB = 1024 * 1024


class Bound(Exception):
    """A bound was reached. The message is safe to show: it names the bound, never content."""

    def __init__(self, message: str, *, fatal: bool = False) -> None:
        super().__init__(message)
        self.fatal = fatal  # True: stop the whole outer file (its budget is spent)


class Limits:
    """The bounds of one outer file (plain attributes: the collector builds them from JSON)."""

    def __init__(
        self,
        *,
        max_depth: int = 3,
        max_members: int = 5000,
        max_member_bytes: int = 64 * MIB,
        max_total_bytes: int = 256 * MIB,
        max_ratio: int = 250,
        ratio_floor: int = 1 * MIB,
        max_directory_bytes: int = 8 * MIB,
        max_rows: int = 50000,
        max_columns: int = 64,
        max_cell_chars: int = 1024,
        max_shared_strings: int = 500000,
    ) -> None:
        self.max_depth = max_depth  # containers inside containers: outer file = 1
        self.max_members = max_members  # members opened in one outer file, all levels
        self.max_member_bytes = max_member_bytes  # expanded size of one member
        self.max_total_bytes = max_total_bytes  # expanded bytes of one outer file, all levels
        self.max_ratio = max_ratio  # expanded / compressed, checked past ratio_floor bytes
        self.ratio_floor = ratio_floor
        self.max_directory_bytes = max_directory_bytes  # a zip's central directory
        self.max_rows = max_rows  # rows kept per sheet or table
        self.max_columns = max_columns  # cells kept per row
        self.max_cell_chars = max_cell_chars
        self.max_shared_strings = max_shared_strings  # xlsx shared-string table entries

    @classmethod
    def from_dict(cls, raw: dict[str, int] | None) -> Limits:
        limits = cls()
        for key, value in (raw or {}).items():
            if hasattr(limits, key):
                setattr(limits, key, int(value))
        return limits


class Budget:
    """What one outer file has used so far."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.expanded = 0
        self.members = 0

    def member(self) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise Bound(f"more than {self.limits.max_members} members: the rest was not read", fatal=True)

    def charge(self, size: int) -> None:
        self.expanded += size
        if self.expanded > self.limits.max_total_bytes:
            raise Bound(
                f"expands to more than {self.limits.max_total_bytes // MIB} MiB: the rest was not read"
                " (archive bomb?)",
                fatal=True,
            )


def read_bounded(stream: IO[bytes], budget: Budget, compressed: int | None, *, block: int = 1 * MIB) -> bytes:
    """All of ``stream`` (an expanding reader), charged to ``budget`` as it comes.

    ``compressed``: the member's stored size, for the ratio check (None when not known).
    """
    limits = budget.limits
    parts: list[bytes] = []
    got = 0
    while True:
        data = stream.read(block)
        if not data:
            return b"".join(parts)
        got += len(data)
        budget.charge(len(data))
        if got > limits.max_member_bytes:
            raise Bound(f"member expands to more than {limits.max_member_bytes // MIB} MiB: not read")
        check_ratio(got, compressed, limits)
        parts.append(data)


def check_ratio(expanded: int, compressed: int | None, limits: Limits) -> None:
    if compressed is None or expanded <= limits.ratio_floor:
        return
    if expanded > limits.max_ratio * max(compressed, 1):
        raise Bound(
            f"member expands more than {limits.max_ratio} times its stored size: not read (archive bomb?)"
        )
