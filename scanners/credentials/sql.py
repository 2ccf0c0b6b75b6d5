"""SQL dumps: map the values of INSERT rows and COPY blocks to their column names.

A dump names its columns once (``INSERT INTO t (cols)``, ``COPY t (cols) FROM stdin``, or
``CREATE TABLE`` before column-less ``INSERT INTO t VALUES``) and then carries rows that have no
key names at all, so the column of each value is what says it is ``api_bhxh_password``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

CREATE = re.compile(r"^\s*create\s+table\s+(?:if\s+not\s+exists\s+)?(?P<name>[`\"\[\]\w.]+)\s*\(?", re.I)
# SSMS writes ``INSERT [dbo].[T] ([a], [b]) VALUES (...)`` (no INTO); MySQL ``INSERT IGNORE INTO``.
INSERT = re.compile(
    r"^\s*(?:insert|replace)\s+(?:ignore\s+)?(?:into\s+)?(?P<name>[`\"\[\]\w.]+)\s*(?:\((?P<cols>[^)]*)\))?\s*values\s*",
    re.I,
)
COPY = re.compile(r"^\s*copy\s+(?P<name>[`\"\[\]\w.]+)\s*\((?P<cols>[^)]*)\)\s*from\s+stdin", re.I)
# UPDATE t SET col = v[, ...] [WHERE key = v]; EXEC proc @Name = v, ... (or positional values);
# INSERT INTO t (cols) SELECT v, v [UNION ALL SELECT v, v]: statements vendors' scripts set
# parameters with.
UPDATE = re.compile(r"^\s*update\s+(?P<name>[`\"\[\]\w.]+)\s+set\s+", re.I)
ASSIGNED = re.compile(r"(?P<col>@?[`\"\[]?[A-Za-z_]\w*[`\"\]]?)\s*=\s*", re.I)
NAMED_PARAM = re.compile(r"\s*@\w+\s*=")
EXEC = re.compile(r"^\s*exec(?:ute)?\s+(?P<name>[`\"\[\]\w.]+)\s+", re.I)
INSERT_SELECT = re.compile(
    r"^\s*insert\s+(?:into\s+)?(?P<name>[`\"\[\]\w.]+)\s*\((?P<cols>[^)]*)\)\s*select\s+", re.I
)
UNION_SELECT = re.compile(r"\s+union(?:\s+all)?\s+select\s+", re.I)
COLUMN_DEF = re.compile(r"^\s*[`\"\[]?(?P<col>[A-Za-z_]\w*)[`\"\]]?\s+\w+")
CONSTRAINT = re.compile(r"^\s*(?:primary|unique|key|constraint|index|foreign|check|fulltext)\b", re.I)


@dataclass(frozen=True)
class Cell:
    line: int
    column: int
    name: str  # the column name
    value: str = field(repr=False)
    quoted: bool
    table: str
    row: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (column, value) of the row


def table_name(raw: str) -> str:
    return raw.strip('`"[]').split(".")[-1].strip('`"[]').lower()


def _columns(raw: str) -> list[str]:
    return [c.strip().strip('`"[]').lower() for c in raw.split(",")]


def cells(lines: Sequence[tuple[int, str]]) -> Iterator[Cell]:
    """Every value of every row in the given (line number, text) lines, with its column name."""
    schemas: dict[str, list[str]] = {}
    index = 0
    while index < len(lines):
        number, text = lines[index]
        create = CREATE.match(text)
        if create:
            name = table_name(create.group("name"))
            index += 1
            if text.rstrip().endswith(";"):
                # One-line CREATE TABLE t (a int, b text);
                inner = text[text.find("(") + 1 : text.rfind(")")]
                schemas[name] = [
                    m.group("col").lower()
                    for part in inner.split(",")
                    if (m := COLUMN_DEF.match(part)) and not CONSTRAINT.match(part)
                ]
                continue
            cols: list[str] = []
            while index < len(lines) and lines[index][0] == lines[index - 1][0] + 1:
                body = lines[index][1]
                if (
                    body.strip().startswith(")")
                    or INSERT.match(body)
                    or COPY.match(body)
                    or CREATE.match(body)
                ):
                    break
                col = COLUMN_DEF.match(body)
                if col and not CONSTRAINT.match(body):
                    cols.append(col.group("col").lower())
                index += 1
            schemas[name] = cols
            continue
        copy = COPY.match(text)
        if copy:
            name = table_name(copy.group("name"))
            cols = _columns(copy.group("cols"))
            index += 1
            while index < len(lines) and lines[index][1].rstrip() != "\\.":
                row_no, row = lines[index]
                fields = row.split("\t")
                row_pairs = tuple(zip(cols, fields, strict=False))
                offset = 0
                for column_name, value in zip(cols, fields, strict=False):
                    if value != "\\N":
                        yield Cell(row_no, offset, column_name, value, True, name, row_pairs)
                    offset += len(value) + 1
                index += 1
            continue
        special = _update(number, text) or _exec(number, text) or _insert_select(number, text)
        if special:
            yield from special
            index += 1
            continue
        insert = INSERT.match(text)
        if insert:
            name = table_name(insert.group("name"))
            cols = _columns(insert.group("cols")) if insert.group("cols") else schemas.get(name, [])
            statement = [(number, text, insert.end())]
            index += 1
            while not text.rstrip().endswith(";") and index < len(lines):
                number, text = lines[index]
                if INSERT.match(text) or COPY.match(text) or CREATE.match(text):
                    break
                statement.append((number, text, 0))
                index += 1
            if cols:
                yield from _rows(statement, cols, name)
            continue
        index += 1


def _rows(statement: list[tuple[int, str, int]], cols: list[str], table: str) -> Iterator[Cell]:
    for row in _tuples(statement):
        row_pairs = tuple((col, value) for col, (_, _, value, _) in zip(cols, row, strict=False))
        for col, (line, column, value, quoted) in zip(cols, row, strict=False):
            if quoted or value.upper() != "NULL":
                yield Cell(line, column, col, value, quoted, table, row_pairs)


def _tuples(statement: list[tuple[int, str, int]]) -> Iterator[list[tuple[int, int, str, bool]]]:
    """The value tuples of an INSERT, each value with its line, column and quoting."""
    row: list[tuple[int, int, str, bool]] | None = None
    for number, text, start in statement:
        i = start
        n = len(text)
        while i < n:
            ch = text[i]
            if row is None:
                if ch == "(":
                    row = []
                i += 1
                continue
            if ch in " \t,":
                i += 1
            elif ch == ")":
                yield row
                row = None
                i += 1
            elif ch in "Nn" and i + 1 < n and text[i + 1] == "'":
                i += 1  # N'...': a SQL Server Unicode literal, the N is not part of the value
            elif ch in "'\"":
                j = i + 1
                buf = []
                while j < n:
                    if text[j] == "\\" and j + 1 < n:
                        buf.append(text[j + 1])
                        j += 2
                        continue
                    if text[j] == ch:
                        if j + 1 < n and text[j + 1] == ch:
                            buf.append(ch)
                            j += 2
                            continue
                        break
                    buf.append(text[j])
                    j += 1
                row.append((number, i + 1, "".join(buf), True))
                i = j + 1
            else:
                j = i
                depth = 0
                while j < n and (depth or text[j] not in ",)"):
                    if text[j] == "(":
                        depth += 1
                    elif text[j] == ")":
                        depth -= 1
                    j += 1
                row.append((number, i, text[i:j].strip(), False))
                i = j


def csv_cells(lines: Sequence[tuple[int, str]], table: str) -> Iterator[Cell]:
    """The cells of a CSV or TSV export whose header (line 1) is among ``lines``."""
    if not lines or lines[0][0] != 1:
        return
    header = lines[0][1]
    delimiter = max("\t,;|", key=header.count)
    if not header.count(delimiter):
        return
    cols = [c.strip().strip('"').lower() for c in next(csv.reader([header], delimiter=delimiter))]
    for number, text in lines[1:]:
        try:
            values = next(csv.reader([text], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        if len(values) != len(cols):
            continue
        row_pairs = tuple(zip(cols, values, strict=True))
        offset = 0
        for column_name, value in row_pairs:
            found = text.find(value, offset) if value else -1
            column = found if found >= 0 else offset
            if value:
                quoted = column > 0 and text[column - 1] == '"'
                yield Cell(number, column, column_name, value, quoted, table, row_pairs)
                offset = column + len(value)


def _scalar(text: str, i: int) -> tuple[int, int, str, bool]:
    """One SQL value at ``i``: (start of its text, end, value, quoted); N'..' and '' escapes."""
    n = len(text)
    if text[i] in "Nn" and i + 1 < n and text[i + 1] == "'":
        i += 1
    if text[i] in "'\"":
        quote = text[i]
        j = i + 1
        buf = []
        while j < n:
            if text[j] == quote:
                if j + 1 < n and text[j + 1] == quote:
                    buf.append(quote)
                    j += 2
                    continue
                break
            buf.append(text[j])
            j += 1
        return i + 1, j + 1, "".join(buf), True
    j = i
    while j < n and text[j] not in ",;" and not text[j].isspace():
        j += 1
    return i, j, text[i:j], False


def _named(number: int, text: str, start: int, table: str) -> list[Cell]:
    """``col = value`` pairs from ``start`` on (SET and WHERE of an UPDATE, EXEC's @params)."""
    found: list[tuple[str, int, str, bool]] = []
    pos = start
    while True:
        match = ASSIGNED.search(text, pos)
        if not match or match.end() >= len(text):
            break
        col_start, end, value, quoted = _scalar(text, match.end())
        name = match.group("col").lstrip("@").strip('`"[]').lower()
        found.append((name, col_start, value, quoted))
        pos = max(end, match.end() + 1)
    row = tuple((name, value) for name, _, value, _ in found)
    return [Cell(number, column, name, value, quoted, table, row) for name, column, value, quoted in found]


def _update(number: int, text: str) -> list[Cell] | None:
    match = UPDATE.match(text)
    if not match:
        return None
    return _named(number, text, match.end(), table_name(match.group("name")))


def _exec(number: int, text: str) -> list[Cell] | None:
    """EXEC proc @MaThamSo = N'..', @GiaTri = N'..'; or EXEC proc N'KEY', N'value' (a key and its value)."""
    match = EXEC.match(text)
    if not match:
        return None
    table = table_name(match.group("name"))
    if NAMED_PARAM.match(text, match.end()):
        return _named(number, text, match.end(), table)
    values = _list(text, match.end(), len(text))
    if len(values) < 2:
        return []
    (_, key, _), (column, value, quoted) = values[0], values[1]
    row = (("key", key), ("value", value))
    return [
        Cell(number, column, "value", value, quoted, table, row),
        Cell(number, 0, "key", key, True, table, row),
    ]


def _insert_select(number: int, text: str) -> list[Cell] | None:
    match = INSERT_SELECT.match(text)
    if not match:
        return None
    cols = _columns(match.group("cols"))
    table = table_name(match.group("name"))
    cells: list[Cell] = []
    bounds = [match.end()]
    ends = []
    for union in UNION_SELECT.finditer(text, match.end()):
        ends.append(union.start())
        bounds.append(union.end())
    ends.append(len(text))
    for start, end in zip(bounds, ends, strict=True):
        values = _list(text, start, end)
        row = tuple((col, value) for col, (_, value, _) in zip(cols, values, strict=False))
        cells.extend(
            Cell(number, column, col, value, quoted, table, row)
            for col, (column, value, quoted) in zip(cols, values, strict=False)
        )
    return cells


def _list(text: str, start: int, end: int) -> list[tuple[int, str, bool]]:
    """A comma-separated list of values between ``start`` and ``end``."""
    values = []
    i = start
    while i < end:
        if text[i] in " \t,":
            i += 1
            continue
        if text[i] == ";":
            break
        column, stop, value, quoted = _scalar(text, i)
        values.append((column, value, quoted))
        i = stop
    return values
