"""Bounded reading of every YAML and JSON document the product reads.

Inventories, group_vars, waivers, catalogs and scan documents may come from anyone, so before a
parser builds anything this module checks the size, the nesting depth and how many values the
document expands to once YAML aliases are followed (a 1.2 KB "billion laughs" file expands to
hundreds of millions). The checks walk libyaml's event stream, which is flat (libyaml's own
composer recurses in C and crashes the interpreter on deep nesting), so they cost a fraction of
the parse and never build the expansion. Every refusal is an ``InputError``: one line, exit 2.

API (kept stable; other modules call it):
    read_regular_file(path, max_bytes) -> bytes
    check_regular_file(path, max_bytes) -> None
    load_yaml_file(path, max_bytes=..., max_nodes=..., max_depth=..., dates=True) -> Any
    load_yaml_text(text, where, max_nodes=..., max_depth=..., dates=True) -> Any
    check_yaml_text(text, where, max_nodes=..., max_depth=...) -> None
    load_json_bytes(data, max_bytes=..., max_depth=..., where=...) -> Any
    load_json_file(path, max_bytes=..., max_depth=...) -> Any
    ansible_data_loader() -> an ansible DataLoader that applies the YAML checks to every file
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from hisguard.scanners.errors import HisguardError

MAX_YAML_BYTES = 8 * 1024 * 1024
MAX_JSON_BYTES = 256 * 1024 * 1024
# Values after aliases are expanded: a 5,000-host inventory with its variables is ~10^5.
MAX_NODES = 2_000_000
MAX_DEPTH = 64
INT64 = 2**63
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DatesAsTextLoader(_SAFE_LOADER):  # type: ignore[misc]
    """Safe tags, but a timestamp stays the text it was: the caller judges ``2025-02-30`` itself."""


_DatesAsTextLoader.add_constructor("tag:yaml.org,2002:timestamp", _DatesAsTextLoader.construct_yaml_str)
_SURROGATE = re.compile("[\ud800-\udfff]")
_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class InputError(HisguardError):
    """A file or document refused before parsing: too big, too deep, an alias bomb, not text."""


def read_regular_file(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (never a FIFO, device or directory)."""
    where = os.fsdecode(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"{where}: cannot read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{where}: not a regular file")
        if info.st_size > max_bytes:
            raise InputError(f"{where}: {info.st_size:,} bytes is more than the limit of {max_bytes:,}")
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{where}: cannot read ({exc.strerror})") from None
    if len(data) > max_bytes:  # grew while we read it
        raise InputError(f"{where}: more than the limit of {max_bytes:,} bytes")
    return data


def check_regular_file(path: str | os.PathLike[str], max_bytes: int) -> None:
    """Refuse anything but a regular file of at most ``max_bytes`` (checked without opening it)."""
    where = os.fsdecode(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise InputError(f"{where}: cannot read ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{where}: not a regular file")
    if info.st_size > max_bytes:
        raise InputError(f"{where}: {info.st_size:,} bytes is more than the limit of {max_bytes:,}")


def _text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: not UTF-8 text (byte {exc.start})") from None


# --- YAML ----------------------------------------------------------------------------------------


def check_yaml_text(
    text: str,
    where: str,
    *,
    max_nodes: int = MAX_NODES,
    max_depth: int = MAX_DEPTH,
    syntax_errors: bool = True,
) -> None:
    """Refuse ``text`` if it nests deeper than ``max_depth`` or expands beyond ``max_nodes`` values.

    A YAML syntax error is reported too (with its line) unless ``syntax_errors`` is False (the
    caller's parser then reports it in its own words).
    """
    text = "".join((text,))  # an exact str: libyaml refuses str subclasses (ansible's tagged text)
    expanded = 0  # values so far, every alias counted as the size of what it names
    starts: list[tuple[int, str | None]] = []  # open collections: (expanded at start, anchor)
    sizes: dict[str, int] = {}
    try:
        for event in yaml.parse(text, Loader=_SAFE_LOADER):
            if isinstance(event, yaml.ScalarEvent):
                expanded += 1
                if event.anchor:
                    sizes[event.anchor] = 1
            elif isinstance(event, yaml.AliasEvent):
                expanded += sizes.get(event.anchor or "", 1)
            elif isinstance(event, _OPEN):
                if len(starts) >= max_depth:
                    raise InputError(f"{where}: nested deeper than {max_depth} levels")
                starts.append((expanded, event.anchor))
                expanded += 1
            elif isinstance(event, _CLOSE):
                began, anchor = starts.pop()
                if anchor:
                    sizes[anchor] = expanded - began
            else:
                continue
            if expanded > max_nodes:
                raise InputError(
                    f"{where}: expands to more than {max_nodes:,} values (YAML aliases nested too deep?)"
                )
    except yaml.YAMLError as exc:
        if syntax_errors:
            raise InputError(f"{where}: not valid YAML{_yaml_line(exc)}") from None


def _yaml_line(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    at = f" at line {mark.line + 1}" if mark is not None else ""
    return f"{at} ({problem})" if problem else at


def load_yaml_text(
    text: str,
    where: str,
    *,
    max_nodes: int = MAX_NODES,
    max_depth: int = MAX_DEPTH,
    dates: bool = True,
) -> Any:
    """Parse YAML (safe tags only) after ``check_yaml_text``; every failure is an InputError.

    ``dates=False`` keeps timestamps as text, so one impossible date is the caller's per-entry
    problem instead of making the whole document unreadable.
    """
    check_yaml_text(text, where, max_nodes=max_nodes, max_depth=max_depth)
    try:
        return yaml.load(text, Loader=_SAFE_LOADER if dates else _DatesAsTextLoader)
    except yaml.YAMLError as exc:
        raise InputError(f"{where}: not valid YAML{_yaml_line(exc)}") from None
    except ValueError as exc:  # a timestamp such as 2025-02-30: the constructor raises ValueError
        raise InputError(f"{where}: not valid YAML ({exc})") from None


def load_yaml_file(
    path: str | os.PathLike[str],
    max_bytes: int = MAX_YAML_BYTES,
    *,
    max_nodes: int = MAX_NODES,
    max_depth: int = MAX_DEPTH,
    dates: bool = True,
) -> Any:
    where = os.fsdecode(path)
    text = _text(read_regular_file(path, max_bytes), where)
    return load_yaml_text(text, where, max_nodes=max_nodes, max_depth=max_depth, dates=dates)


# --- JSON ----------------------------------------------------------------------------------------


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:20]} is out of range")
    return value


def _int64(text: str) -> int:
    if len(text) > 20:  # int() itself refuses > 4300 digits, and slowly; no int64 is this long
        raise ValueError("integer out of range")
    value = int(text)
    if not -INT64 <= value < INT64:
        raise ValueError("integer out of range")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def load_json_bytes(
    data: bytes,
    max_bytes: int = MAX_JSON_BYTES,
    max_depth: int = MAX_DEPTH,
    *,
    where: str = "document",
) -> Any:
    """Parse JSON with bounds: size, depth, 64-bit integers, finite floats, no lone surrogates."""
    if len(data) > max_bytes:
        raise InputError(f"{where}: {len(data):,} bytes is more than the limit of {max_bytes:,}")
    text = _text(bytes(data), where)
    try:
        value = json.loads(text, parse_float=_finite, parse_int=_int64, parse_constant=_no_constant)
    except RecursionError:
        raise InputError(f"{where}: nested deeper than {max_depth} levels") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not JSON ({exc.msg} at line {exc.lineno})") from None
    except ValueError as exc:
        raise InputError(f"{where}: not acceptable JSON ({exc})") from None
    _check_tree(value, where, max_depth)
    return value


def load_json_file(
    path: str | os.PathLike[str], max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_DEPTH
) -> Any:
    return load_json_bytes(read_regular_file(path, max_bytes), max_bytes, max_depth, where=os.fsdecode(path))


def _check_tree(value: Any, where: str, max_depth: int) -> None:
    """Depth and string checks over a parsed JSON value, without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise InputError(f"{where}: a string holds a lone surrogate (invalid Unicode)")
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > max_depth:
            raise InputError(f"{where}: nested deeper than {max_depth} levels")
        if isinstance(item, dict):
            stack.extend((key, depth) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        else:
            stack.extend((child, depth + 1) for child in item)


# --- ansible-core's loader -----------------------------------------------------------------------


def ansible_data_loader(
    max_bytes: int = MAX_YAML_BYTES,
    max_nodes: int = MAX_NODES,
    max_depth: int = MAX_DEPTH,
    stand_ins: Mapping[str, Any] | None = None,
) -> Any:
    """An ansible DataLoader whose every YAML/JSON text passes ``check_yaml_text`` first.

    ``stand_ins`` maps file names (``hisguard_waivers.yml``) that hisguard reads itself to the
    data ansible gets instead: their problems are then reported by their own reader, naming them.

    ansible-core parses inventories, group_vars and host_vars through ``DataLoader.load`` (after
    reading and decrypting the file) with PyYAML: aliases are shared while parsing, but ansible's
    copies and templating, and our own walk over the variables, expand them in full. The check
    runs on the decrypted text, so vault-encrypted files are bounded too.
    """
    from ansible.parsing.dataloader import DataLoader

    class BoundedDataLoader(DataLoader):  # type: ignore[misc]
        # ansible wraps what a loader raises in its own errors (or a warning): callers look here.
        refusals: list[InputError]

        failed: list[str]  # files ansible's own parser rejected, for a message naming them

        def __init__(self) -> None:
            super().__init__()
            self.refusals = []
            self.failed = []

        def _refuse(self, exc: InputError) -> InputError:
            self.refusals.append(exc)
            return exc

        def load(self, data: str, file_name: str | None = None, *args: Any, **kwargs: Any) -> Any:
            where = str(file_name or "<inline YAML>")
            if file_name and Path(file_name).name in (stand_ins or {}):
                return copy.deepcopy((stand_ins or {})[Path(file_name).name])
            if isinstance(data, str):
                try:
                    if len(data) > max_bytes:
                        raise InputError(f"{where}: more than the limit of {max_bytes:,} bytes")
                    check_yaml_text(
                        data, where, max_nodes=max_nodes, max_depth=max_depth, syntax_errors=False
                    )
                except InputError as exc:
                    raise self._refuse(exc) from None
            try:
                return super().load(data, file_name, *args, **kwargs)
            except Exception:
                self.failed.append(where)
                raise

        def _get_file_contents(self, file_name: str) -> tuple[bytes, bool]:
            path = Path(self.path_dwim(file_name))
            if path.exists():  # a FIFO or device as inventory or group_vars blocks or never ends
                try:
                    check_regular_file(path, max_bytes)
                except InputError as exc:
                    raise self._refuse(exc) from None
            result: tuple[bytes, bool] = super()._get_file_contents(file_name)
            return result

    return BoundedDataLoader()
