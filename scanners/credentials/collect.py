"""Collect candidate lines from a file tree: the part of the scan that touches every byte.

This module uses the standard library only (Python 3.9+) because it runs in two places: imported
by the local scanner, and sent over SSH to ``python3 -`` on a remote host so that only candidate
lines leave the host; the container readers (``readers/``, also standard library only) travel
with it (``readers.bundle``). It never writes anything.

Speed comes from a literal prefilter: every file is read once (a small file in one read, a big one
in blocks that end on a line break), lower-cased once, and searched for the anchors (bhxh, bhyt,
egw, _bv...). The anchors are grouped by a rare "pivot" byte they contain, and each group is one
regular expression that starts with that byte (``x(?:(?<=bh)h|...)``): the regex engine skips to
the pivot byte in a tight loop, so the whole anchor set costs one or two passes over the buffer
instead of one per anchor. Lines are only counted up to the last anchor of a block, and only the
lines around the anchors (whole small files) are handed on.
"""

from __future__ import annotations

import base64
import json
import os
import re
import stat
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from hisguard.scanners.credentials import readers  # on a remote host: bundled with this script

Record = dict[str, Any]

DEFAULTS: dict[str, Any] = {
    "roots": [],
    "exclude": ["/proc", "/sys", "/dev", "/run"],
    "xdev": True,
    "max_bytes": 256 * 1024 * 1024,
    "budget": 0.0,
    "anchors": [],
    "small_anchors": [],
    "small_max": 1024 * 1024,
    "claim_roots": [],
    "browser_stores": {},
    "store_hosts": ["baohiemxahoi.gov.vn"],
    "path_tokens": [],
    "whole_max": 65536,
    "before": 40,
    "after": 60,
    "line_only_suffixes": [".log", ".out", ".err"],
    "line_only_names": [],
    "line_only_dirs": ["/var/log/"],
    "sql_suffixes": [".sql", ".dump", ".psql", ".mysql", ".bak"],
    "conf_names": ["smb.conf", "exports"],
    "web_conf_dirs": ["/nginx/", "/apache2/", "/httpd/", "/lighttpd/", "/caddy/"],
    "hiv_type": "XML6",
    "max_region_lines": 200000,
    "container_limits": {},
    "table_words": [],
}

CHUNK = 16 * 1024 * 1024
HEAD = 65536
PROBE = 8192  # bytes that tell a binary file (_sniff looks at no more)
LONG_LINE = 4096
EXCERPT = 2048
MERGED_EXCERPT = 64 * 1024
BOM_UTF8 = b"\xef\xbb\xbf"
TABLE_SUFFIXES = (".csv", ".tsv")
WEB_DIRECTIVE = re.compile(rb"^\s*(root|alias|documentroot|alias\s+\S+)\s+[\"']?(/[^\s;\"']*)", re.I)
CREATE_TABLE = re.compile(rb"^\s*create\s+table\s+(?:if\s+not\s+exists\s+)?([`\"\[\]\w.]+)", re.I)
ROOT_ELEMENT = re.compile(rb"<([A-Za-z_][\w.\-]*)")
XML_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.S)


class Settings:
    """The collector's settings, from a plain dict (JSON on the remote side)."""

    def __init__(self, raw: dict[str, Any]) -> None:
        merged = dict(DEFAULTS)
        merged.update(raw)
        self.raw = merged
        self.roots: list[str] = list(merged["roots"])
        self.exclude = tuple(p.rstrip("/") for p in merged["exclude"])
        self.xdev = bool(merged["xdev"])
        self.max_bytes = int(merged["max_bytes"])
        self.budget = float(merged["budget"])
        self.anchors = [a.lower().encode("utf-8") for a in merged["anchors"]]
        self.small_anchors = [a.lower().encode("utf-8") for a in merged["small_anchors"]]
        self.small_max = int(merged["small_max"])
        self.searchers = searchers(self.anchors)
        self.small_searchers = searchers(self.anchors + self.small_anchors)
        self.claim_roots = {r.upper() for r in merged["claim_roots"]}
        self.claim_needles = [b"<" + r.lower().encode() for r in merged["claim_roots"]]
        self.browser_stores: dict[str, str] = dict(merged["browser_stores"])
        self.store_hosts = [h.encode() for h in merged["store_hosts"]]
        self.path_tokens = [t.lower() for t in merged["path_tokens"]]
        self.whole_max = int(merged["whole_max"])
        self.before = int(merged["before"])
        self.after = int(merged["after"])
        self.line_only_suffixes = tuple(merged["line_only_suffixes"])
        self.line_only_names = set(merged["line_only_names"])
        self.line_only_dirs = tuple(merged["line_only_dirs"])
        self.sql_suffixes = tuple(merged["sql_suffixes"])
        self.conf_names = set(merged["conf_names"])
        self.web_conf_dirs = tuple(merged["web_conf_dirs"])
        self.hiv_type = str(merged["hiv_type"]).lower().encode()
        self.max_region_lines = int(merged["max_region_lines"])
        self.container_limits = readers.Limits.from_dict(merged["container_limits"])
        self.table_words = tuple(str(w) for w in merged["table_words"])
        self.scanned_bytes = 0


# Rough share (per cent) of each byte in the text a HIS host keeps: logs, code, configuration,
# unaccented Vietnamese, lower-cased. Bytes not listed count as rare. Only the order of magnitude
# matters: an anchor is searched through a rare byte so that the regex engine stops seldom.
BYTE_SHARE = {
    " ": 12.0,
    "e": 7.0,
    "t": 6.0,
    "a": 6.0,
    "o": 5.0,
    "i": 5.0,
    "n": 5.0,
    "s": 4.5,
    "r": 4.0,
    "c": 3.0,
    "d": 3.0,
    "l": 3.0,
    "h": 3.0,
    "0": 3.0,
    "u": 2.5,
    "1": 2.5,
    ".": 2.0,
    "2": 2.0,
    "p": 2.0,
    "m": 2.0,
    "g": 1.8,
    '"': 1.5,
    ":": 1.2,
    "/": 1.2,
    "=": 1.0,
    "-": 1.0,
    "_": 1.0,
    "3": 1.0,
    "5": 1.0,
    "f": 1.0,
    "v": 1.0,
    "b": 1.0,
    "y": 1.0,
    "9": 0.8,
    "4": 0.8,
    "6": 0.8,
    "7": 0.8,
    "8": 0.8,
    ",": 0.8,
    "k": 0.6,
    "w": 0.6,
    "x": 0.4,
    "(": 0.5,
    ")": 0.5,
    "\n": 2.0,
}
# Cost of one regex pass over a buffer, in passes: 1 plus the stops at the pivot byte (a stop
# costs about a hundred times a skipped byte).
STOP_COST = 100.0


def _pass_cost(byte: int) -> float:
    return 1.0 + STOP_COST * BYTE_SHARE.get(chr(byte), 0.1) / 100.0


def searchers(anchors: list[bytes]) -> list[Any]:
    """Compiled regexes that together find every anchor in a lower-cased buffer.

    Each regex starts with one literal byte (the pivot) and checks the rest of each anchor with a
    look-behind and the bytes after it, e.g. ``b(?:hxh|hyt|(?<=_b)v)``: Python's regex engine
    scans for a leading literal byte in a tight C loop, so one regex costs about one pass over the
    buffer whatever the number of anchors in it. Pivots are chosen greedily (weighted set cover):
    the byte that covers the most anchors per unit of expected cost.
    """
    todo = sorted({a for a in anchors if a})
    result: list[Any] = []
    while todo:
        best = None
        best_score = 0.0
        for byte in sorted({b for anchor in todo for b in anchor}):
            covered = [a for a in todo if byte in a]
            score = len(covered) / _pass_cost(byte)
            if score > best_score:
                best, best_score = byte, score
        assert best is not None
        group = [a for a in todo if best in a]
        todo = [a for a in todo if best not in a]
        branches = []
        for anchor in sorted(group, key=len, reverse=True):
            cut = anchor.index(best)
            before, after = anchor[:cut], anchor[cut + 1 :]
            # The look-behind runs after the pivot byte, so it includes it.
            behind = b"(?<=" + re.escape(before + bytes([best])) + b")" if before else b""
            branch = behind + re.escape(after)
            branches.append(branch)
        pattern = re.escape(bytes([best]))
        if any(branches):
            pattern += b"(?:" + b"|".join(branches) + b")"
        result.append(re.compile(pattern))
    return result


def tune_malloc() -> None:
    """Keep freed memory for the next file instead of handing it back to the kernel (glibc only).

    Every file is read into a fresh buffer and lower-cased into another. By default glibc maps
    big buffers afresh and returns them on free, so each file costs page faults on megabytes of
    new memory: about a third of the scan's time. Raising the mmap and trim thresholds makes the
    buffers come from the heap and stay there; peak memory is unchanged (one file at a time).
    Anything but glibc on Linux: nothing happens.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError, ImportError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 32 * 1024 * 1024)  # the largest value glibc accepts on 64-bit
    mallopt(m_trim_threshold, 64 * 1024 * 1024)


# --- walking ----------------------------------------------------------------------------------


def walk(settings: Settings, errors: list[Record]) -> Iterator[str]:
    """Regular files under the roots: no symlinks followed, one file system per root, no /proc."""
    for path, _ in _walk(settings, errors):
        yield path


def walk_sized(settings: Settings, errors: list[Record]) -> Iterator[tuple[str, int]]:
    """The same files with their sizes (to share them out among workers by bytes)."""
    for path, entry in _walk(settings, errors):
        try:
            size = entry.stat(follow_symlinks=False).st_size if entry is not None else os.lstat(path).st_size
        except OSError:
            size = 0
        yield path, size


def _walk(settings: Settings, errors: list[Record]) -> Iterator[tuple[str, os.DirEntry[str] | None]]:
    for root in settings.roots:
        try:
            root_stat = os.stat(root)
        except FileNotFoundError:
            continue  # a default root this host does not have (no /var/www on a workstation)
        except OSError as exc:
            errors.append({"t": "error", "path": root, "msg": _reason(exc)})
            continue
        if stat.S_ISREG(root_stat.st_mode):
            yield root, None
            continue
        stack = [root]
        while stack:
            directory = stack.pop()
            try:
                with os.scandir(directory) as entries:
                    items = list(entries)
            except OSError as exc:
                errors.append({"t": "error", "path": directory, "msg": _reason(exc)})
                continue
            subdirs = []
            for entry in items:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        path = entry.path
                        if path.rstrip("/") in settings.exclude:
                            continue
                        if settings.xdev and entry.stat(follow_symlinks=False).st_dev != root_stat.st_dev:
                            continue
                        subdirs.append(path)
                    elif entry.is_file(follow_symlinks=False):
                        yield entry.path, entry
                except OSError as exc:
                    errors.append({"t": "error", "path": entry.path, "msg": _reason(exc)})
            stack.extend(reversed(subdirs))


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


# --- one file ---------------------------------------------------------------------------------


def _meta(path: str, st: os.stat_result) -> Record:
    return {
        "path": path,
        "size": st.st_size,
        "mode": stat.S_IMODE(st.st_mode),
        "uid": st.st_uid,
        "gid": st.st_gid,
        "mtime": int(st.st_mtime),
    }


def scan_file(path: str, settings: Settings) -> Iterator[Record]:
    """Records for one file: candidate regions, a claim file, a browser store, a server config."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        yield {"t": "error", "path": path, "msg": _reason(exc)}
        return
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return
        settings.scanned_bytes += st.st_size
        name = os.path.basename(path)
        if name in settings.browser_stores:
            yield from _browser_store(fd, path, st, _read_upto(fd, HEAD), settings)
            return
        if readers.is_container(name):
            yield from _container(fd, path, st, settings)
            return
        addon = readers.stores.addon_kind(path)
        if addon:
            record = _addon(fd, path, st, addon, settings)
            if record:
                yield record
            if addon == "leveldb":
                return
        # Binary files (most bytes of /usr/local, /opt) are told apart by their first block: a
        # probe, without moving the file offset, before reading a whole file for nothing.
        probe = st.st_size > PROBE and hasattr(os, "pread")
        if probe and _sniff(os.pread(fd, PROBE, 0)) == "binary":
            return
        # A file that fits in one block is read in one call (one byte more than its size, to see
        # the end of the file); a bigger one starts with its head.
        one_block = st.st_size <= min(CHUNK, settings.max_bytes)
        wanted = max(HEAD, st.st_size + 1) if one_block else HEAD
        first = _read_upto(fd, wanted)
        if not first:
            return
        complete = len(first) < wanted
        head = first if len(first) <= HEAD else first[:HEAD]
        if name in settings.conf_names or (
            st.st_size < settings.whole_max and any(d in path for d in settings.web_conf_dirs)
        ):
            record = _server_conf(fd, path, head, name, settings)
            if record:
                yield record
        encoding = _sniff(head)
        if encoding == "binary":
            return
        if st.st_size > settings.max_bytes:
            yield {"t": "skipped", "path": path, "why": "too large", "size": st.st_size}
            return
        if encoding in ("utf-16-le", "utf-16-be"):
            data = first if complete else _read_rest(fd, first)
            text = data.decode(encoding, "replace")
            if text.startswith("\ufeff"):
                text = text[1:]
            yield from _scan_buffer(path, st, text.encode("utf-8"), encoding, settings, fd=None)
            return
        if encoding == "utf-8-sig":
            first = first[len(BOM_UTF8) :]
        yield from _scan_buffer(path, st, first, encoding, settings, fd=None if complete else fd)
    except OSError as exc:
        yield {"t": "error", "path": path, "msg": _reason(exc)}
    finally:
        os.close(fd)


def _sniff(head: bytes) -> str:
    """The file's encoding from its first bytes: utf-8, utf-8-sig, utf-16-le/be or binary."""
    if head.startswith(BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(b"\xff\xfe"):
        return "utf-16-le"
    if head.startswith(b"\xfe\xff"):
        return "utf-16-be"
    sample = head[:PROBE]
    if b"\x00" in sample:
        # UTF-16 without a BOM: text with every other byte zero. A binary full of zeros (an ELF
        # library) has that too, so the other bytes must also be text.
        if len(sample) >= 8 and _utf16_text(sample[0::2], sample[1::2]):
            return "utf-16-le"
        if len(sample) >= 8 and _utf16_text(sample[1::2], sample[0::2]):
            return "utf-16-be"
        return "binary"
    return "utf-8"


# Bytes of ASCII text: tab, line breaks and the printable range.
_TEXT_BYTES = bytes([9, 10, 13, *range(32, 127)])


def _utf16_text(low: bytes, high: bytes) -> bool:
    """``low``/``high``: the low and high bytes of the code units of a UTF-16 sample."""
    if not low or low[0] == 0 or high.count(0) < len(high) * 0.9:
        return False
    return len(low.translate(None, _TEXT_BYTES)) < len(low) * 0.1


def _read_upto(fd: int, size: int) -> bytes:
    """Up to ``size`` bytes (fewer only at the end of the file)."""
    data = os.read(fd, size)
    if len(data) >= size or not data:
        return data
    parts = [data]
    got = len(data)
    while got < size:
        block = os.read(fd, size - got)
        if not block:
            break
        parts.append(block)
        got += len(block)
    return b"".join(parts)


def _read_rest(fd: int, head: bytes) -> bytes:
    parts = [head]
    while True:
        block = os.read(fd, CHUNK)
        if not block:
            return b"".join(parts)
        parts.append(block)


def _chunks(fd: int | None, first: bytes) -> Iterator[tuple[bytes, bool]]:
    """The file in blocks that end on a line break (the last may not), each with "is it the last"."""
    if fd is None:
        yield first, True
        return
    pending = [first]  # a line longer than a block builds up here, joined once (not re-copied)
    while True:
        block = _read_upto(fd, CHUNK)
        if not block:
            if any(pending):
                yield b"".join(pending), True
            return
        cut = block.rfind(b"\n")
        if cut < 0:
            pending.append(block)
            continue
        pending.append(block[: cut + 1])
        yield b"".join(pending), False
        pending = [block[cut + 1 :]]


def _find_anchors(lo: bytes, finders: list[Any], start: int = 0) -> list[int]:
    """Offsets of anchors in ``lo`` (lower-cased): per finder, the first one on each line, and in
    very long lines (bundles) one per excerpt."""
    found: list[int] = []
    for finder in finders:
        search = finder.search
        match = search(lo, start)
        while match is not None:
            pos = match.start()
            found.append(pos)
            # One hit per line is enough, except in very long lines, where one hit per excerpt
            # is: go on at the next line or one excerpt further, whichever comes first.
            nl = lo.find(b"\n", pos, pos + EXCERPT)
            match = search(lo, nl + 1 if nl >= 0 else pos + EXCERPT)
    return found


def _hit_lines(chunk: bytes, positions: list[int]) -> dict[int, list[int]]:
    """{line index in the chunk: anchor offsets on it}; lines are counted up to the last hit only."""
    positions.sort()
    hit_lines: dict[int, list[int]] = {}
    line_index = 0
    last = 0
    for pos in positions:
        line_index += chunk.count(b"\n", last, pos)
        last = pos
        hit_lines.setdefault(line_index, []).append(pos)
    return hit_lines


def _tail(chunk: bytes, count: int) -> list[bytes]:
    """The last ``count`` lines of a block that ends with a line break."""
    if count <= 0:
        return []
    start = len(chunk) - 1
    for _ in range(count):
        if start <= 0:
            start = 0
            break
        start = chunk.rfind(b"\n", 0, start) + 1
        if start == 0:
            break
        start -= 1
    else:
        start += 1
    lines = chunk[start:].split(b"\n")
    if chunk.endswith(b"\n"):
        lines.pop()
    return lines[-count:]


def _path_has_token(path: str, settings: Settings) -> bool:
    low = path.lower()
    return any(token in low for token in settings.path_tokens)


class _Collector:
    """The lines (and excerpts of very long lines) kept from one file, block by block."""

    def __init__(self, settings: Settings, line_only: bool, is_sql: bool) -> None:
        self.settings = settings
        self.collected: dict[int, bytes] = {}
        self.excerpts: list[tuple[int, int, bytes]] = []
        self.before = 0 if line_only else (2 if is_sql else settings.before)
        self.after = 0 if line_only else (2 if is_sql else settings.after)
        self.pending_after = 0
        self.in_copy = False
        self.prev_tail: list[bytes] = []
        self.hits = 0

    def keep(self, number: int, line: bytes) -> None:
        if len(line) > LONG_LINE:
            line = line[:LONG_LINE]
        self.collected[number] = line

    def whole(self, chunk: bytes, first_line: int) -> None:
        lines = chunk.split(b"\n")
        if chunk.endswith(b"\n"):
            lines.pop()
        for index, line in enumerate(lines):
            self.collected[first_line + index] = line

    def _excerpts(self, chunk: bytes, line_start: int, line_no: int, positions: list[int]) -> None:
        end = chunk.find(b"\n", line_start)
        # A view, not a copy: the line may be most of a block of many megabytes.
        line = memoryview(chunk)[line_start : end if end >= 0 else len(chunk)]
        # One excerpt per run of anchors whose windows (EXCERPT each side) touch, up to
        # MERGED_EXCERPT long: overlapping windows would carry (and have judged) the same text
        # twice or more, which made a bundle dense in anchors cost several times its size.
        # Columns are counted from the last excerpt on (decoding the whole line before each
        # excerpt made a bundle with thousands of anchors quadratic).
        mark = (0, 0)
        spans: list[list[int]] = []
        for pos in sorted(positions):
            offset = pos - line_start
            lo, hi = max(0, offset - EXCERPT), min(len(line), offset + EXCERPT)
            if spans and lo <= spans[-1][1] and hi - spans[-1][0] <= MERGED_EXCERPT:
                spans[-1][1] = max(spans[-1][1], hi)
            else:
                spans.append([lo, hi])
        for lo, hi in spans:
            excerpt, mark = _window(line_no, line, lo, hi, mark)
            self.excerpts.append(excerpt)

    def windows(self, chunk: bytes, first_line: int, hit_lines: dict[int, list[int]]) -> None:
        """Each hit line with ``before``/``after`` lines around it, without splitting the block."""
        before, after = self.before, self.after
        if self.pending_after:
            end = 0
            taken = 0
            while taken < self.pending_after:
                nl = chunk.find(b"\n", end)
                if nl < 0:
                    if end < len(chunk):
                        self.keep(first_line + taken, chunk[end:])
                        taken += 1
                    break
                self.keep(first_line + taken, chunk[end:nl])
                end = nl + 1
                taken += 1
            self.pending_after = max(0, self.pending_after - taken)
        groups: list[list[int]] = []  # [first hit index, its start, last hit index, its start]
        for index in sorted(hit_lines):
            positions = hit_lines[index]
            start = chunk.rfind(b"\n", 0, positions[0]) + 1
            end = chunk.find(b"\n", start, start + LONG_LINE + 1)
            if end < 0 and len(chunk) - start > LONG_LINE:
                self._excerpts(chunk, start, first_line + index, positions)
                continue
            if groups and index - before <= groups[-1][2] + after + 1:
                groups[-1][2] = index
                groups[-1][3] = start
            else:
                groups.append([index, start, index, start])
        for first_index, first_start, last_index, last_start in groups:
            start = first_start
            index = first_index
            while index > first_index - before and start > 0:
                start = chunk.rfind(b"\n", 0, start - 1) + 1
                index -= 1
            for j in range(first_index - before, index):
                # Lines before the block: the tail of the previous block.
                if j < 0 and -j <= len(self.prev_tail):
                    self.collected.setdefault(first_line + j, self.prev_tail[j])
            end = last_start
            reached_end = False
            for _ in range(after + 1):
                nl = chunk.find(b"\n", end)
                if nl < 0:
                    end = len(chunk)
                    reached_end = True
                    break
                end = nl + 1
            lines = chunk[start:end].split(b"\n")
            if chunk[start:end].endswith(b"\n"):
                lines.pop()
            for offset, line in enumerate(lines):
                self.keep(first_line + index + offset, line)
            if reached_end or end >= len(chunk):
                shown = index + len(lines) - 1
                self.pending_after = max(self.pending_after, last_index + after - shown)

    def lines_sql(
        self,
        chunk: bytes,
        lo: bytes,
        first_line: int,
        hit_lines: dict[int, list[int]],
        sql_anchors: list[bytes],
        finders: list[Any],
    ) -> None:
        """SQL dumps: the lines around each hit, COPY blocks, multi-line INSERTs, CREATE TABLE."""
        settings = self.settings
        lines = chunk.split(b"\n")
        if chunk.endswith(b"\n"):
            lines.pop()
        keep = set(range(min(self.pending_after, len(lines))))
        self.pending_after = max(0, self.pending_after - len(lines))
        if self.in_copy:
            index = 0
            while index < len(lines) and len(self.collected) + len(keep) < settings.max_region_lines:
                keep.add(index)
                if lines[index].rstrip(b"\r") == b"\\.":
                    self.in_copy = False
                    break
                index += 1
        before, after = self.before, self.after
        done: set[int] = set()
        todo = hit_lines
        while todo:
            added: list[Any] = []
            for index in sorted(todo):
                done.add(index)
                if index >= len(lines):
                    continue
                if len(lines[index]) > LONG_LINE:
                    start = chunk.rfind(b"\n", 0, todo[index][0]) + 1
                    self._excerpts(chunk, start, first_line + index, todo[index])
                    continue
                for j in range(index - before, index + after + 1):
                    if j < 0:
                        if -j <= len(self.prev_tail):
                            self.collected.setdefault(first_line + j, self.prev_tail[j])
                    elif j < len(lines):
                        keep.add(j)
                    else:
                        self.pending_after = max(self.pending_after, j - len(lines) + 1)
                known = len(sql_anchors)
                low_line = lines[index].lower()
                in_copy = _sql_extend(lines, index, low_line, keep, sql_anchors, settings)
                self.in_copy = in_copy or self.in_copy
                if len(sql_anchors) > known:
                    # A table with portal columns: its column-less INSERT rows become anchors too,
                    # in the rest of this block and in the next ones.
                    added.extend(searchers(sql_anchors[known:]))
            finders.extend(added)
            new = _find_anchors(lo, added) if added else []
            todo = {k: v for k, v in _hit_lines(chunk, new).items() if k not in done} if new else {}
            self.hits += len(todo)
        for index in keep:
            self.keep(first_line + index, lines[index])


def _scan_buffer(
    path: str, st: os.stat_result, first: bytes, encoding: str, settings: Settings, fd: int | None
) -> Iterator[Record]:
    """Prefilter the file block by block; keep the lines around each anchor."""
    lower_head = first[:4096].lower()
    if b"<" in lower_head and any(needle in lower_head for needle in settings.claim_needles):
        root = _xml_root(first)
        if root and root.upper() in settings.claim_roots:
            data = first if fd is None else _read_rest(fd, first)
            yield _claim(path, st, root, data, settings)
            return
    name = os.path.basename(path)
    low_path = path.lower()
    line_only = (
        name in settings.line_only_names
        or low_path.endswith(settings.line_only_suffixes)
        or any(d in path for d in settings.line_only_dirs)
        or ".log." in name
    )
    is_sql = low_path.endswith(settings.sql_suffixes) or ".sql." in name.lower()
    # An export of a table: its header (line 1) names the columns of the rows found further down.
    tabular = low_path.endswith(TABLE_SUFFIXES)
    whole = st.st_size <= settings.whole_max and not line_only
    path_context = _path_has_token(path, settings)
    # Big files are logs, dumps and bundles, where credentials come with the portal's host, URL,
    # user or key names: the rarer anchors are searched in small files only.
    finders = list(settings.small_searchers if st.st_size <= settings.small_max else settings.searchers)
    sql_anchors: list[bytes] = []
    out = _Collector(settings, line_only, is_sql)
    first_line = 1
    for chunk, last in _chunks(fd, first):
        lo = chunk.lower()
        positions = _find_anchors(lo, finders)
        if positions or out.pending_after or out.in_copy or (whole and path_context):
            hit_lines = _hit_lines(chunk, positions)
            out.hits += len(hit_lines)
            if whole:
                if hit_lines or path_context:
                    out.whole(chunk, first_line)
            elif is_sql:
                out.lines_sql(chunk, lo, first_line, hit_lines, sql_anchors, finders)
            else:
                out.windows(chunk, first_line, hit_lines)
            if tabular and first_line == 1 and hit_lines and 1 not in out.collected:
                header_end = chunk.find(b"\n")
                out.keep(1, chunk[: header_end if header_end >= 0 else len(chunk)])
            if len(out.collected) > settings.max_region_lines:
                yield {"t": "error", "path": path, "msg": "too many candidate lines; the rest was skipped"}
                break
        if not last:
            first_line += chunk.count(b"\n")
            tail = _tail(chunk, out.before)
            if len(tail) < out.before:
                tail = (out.prev_tail + tail)[-out.before :]  # a block of few (long) lines
            out.prev_tail = tail
    # The blocks are no longer needed: drop them before the record is judged (the caller
    # judges while this generator waits at its yield).
    chunk = lo = b""
    del chunk, lo
    if not out.collected and not out.excerpts:
        return
    record = _meta(path, st)
    record.update(
        {
            "t": "file",
            "enc": encoding,
            "hits": out.hits,
            "regions": _regions(out.collected, out.excerpts),
        }
    )
    out.collected.clear()  # now in the record, as text: not kept twice while it is judged
    out.excerpts.clear()
    yield record


def _excerpt(
    line_no: int, line: bytes, offset: int, mark: tuple[int, int] = (0, 0)
) -> tuple[tuple[int, int, bytes], tuple[int, int]]:
    """A window of a very long line (a minified bundle) around one anchor, with its column."""
    return _window(line_no, line, max(0, offset - EXCERPT), min(len(line), offset + EXCERPT), mark)


def _window(
    line_no: int, line: bytes | memoryview, start: int, end: int, mark: tuple[int, int] = (0, 0)
) -> tuple[tuple[int, int, bytes], tuple[int, int]]:
    """The bytes ``start:end`` of a very long line, with the column (in characters) they start at.

    ``mark`` is a (byte offset, column) pair already known on this line at or before the window
    (the previous excerpt's start): the column is counted from there, not from the line's start.
    Returns the excerpt and the new mark.
    """
    while start > 0 and 0x80 <= line[start] < 0xC0:
        start += 1  # do not cut a UTF-8 character in two
    known, column = mark if mark[0] <= start else (0, 0)
    # Both ends start a character, so the pieces decode to as many characters as the whole.
    column += len(str(line[known:start], "utf-8", "replace"))
    return (line_no, column, bytes(line[start:end])), (start, column)


def _sql_extend(
    lines: list[bytes], index: int, low_line: bytes, keep: set[int], anchors: list[bytes], settings: Settings
) -> bool:
    """Follow an SQL statement past its anchor line: COPY rows, multi-line INSERTs, CREATE TABLE.

    Returns True when a COPY block continues past this block of the file.
    """
    stripped = low_line.strip()
    if stripped.startswith(b"copy ") and b"from stdin" in stripped:
        j = index + 1
        while j < len(lines) and len(keep) < settings.max_region_lines:
            keep.add(j)
            if lines[j].rstrip(b"\r") == b"\\.":
                return False
            j += 1
        return j >= len(lines)
    if stripped.startswith(b"insert") and not stripped.rstrip().endswith(b";"):
        j = index + 1
        while j < len(lines) and j - index < 100000:
            keep.add(j)
            if lines[j].rstrip().endswith(b";"):
                break
            j += 1
        return False
    # A portal column inside CREATE TABLE: keep the statement, and watch for rows of that table.
    j = index
    while j >= 0 and index - j < 200:
        match = CREATE_TABLE.match(lines[j])
        if match:
            for k in range(j, index + 1):
                keep.add(k)
            k = index + 1
            while k < len(lines) and k - index < 400:
                keep.add(k)
                if lines[k].rstrip().endswith(b";"):
                    break
                k += 1
            table = match.group(1).strip(b'`"[]').split(b".")[-1].lower()
            needle = table.strip(b'`"[]')
            if len(needle) >= 3 and needle not in anchors:
                anchors.append(needle)
            break
        if lines[j].rstrip().endswith(b";") and j != index:
            break
        j -= 1
    return False


def _regions(collected: dict[int, bytes], excerpts: list[tuple[int, int, bytes]]) -> list[list[Any]]:
    """Contiguous runs of kept lines as [first line, 0, [text...], False], and excerpts of very long
    lines as [line, column offset, [text], True]."""
    regions: list[list[Any]] = []
    current: list[Any] | None = None
    previous = -2
    for line_no in sorted(collected):
        text = collected[line_no].rstrip(b"\r").decode("utf-8", "replace")
        if current is not None and line_no == previous + 1:
            current[2].append(text)
        else:
            current = [line_no, 0, [text], False]
            regions.append(current)
        previous = line_no
    for line_no, column, raw in excerpts:
        regions.append([line_no, column, [raw.decode("utf-8", "replace")], True])
    return regions


# --- archives and Office documents (scanners/credentials/readers) -----------------------------


def _container(fd: int, path: str, st: os.stat_result, settings: Settings) -> Iterator[Record]:
    """The members of an archive or an Office document, each scanned as a file of its own."""
    if st.st_size > settings.max_bytes:
        yield {"t": "skipped", "path": path, "why": "too large", "size": st.st_size}
        return
    with os.fdopen(os.dup(fd), "rb") as stream:
        yield from part_records(readers.read(path, stream, settings.container_limits), st, settings)


def part_records(parts: Iterable[readers.Part], st: os.stat_result, settings: Settings) -> Iterator[Record]:
    """Collector records for the parts of one container (any caller: a share reader too).

    ``st``: the outer file's facts (mode, owner, time), given to every member.
    """
    for part in parts:
        if part.kind == "error":
            yield {"t": "error", "path": part.path, "msg": part.message}
        elif part.kind == "table":
            record = _table(part, st, settings)
            if record:
                yield record
        else:
            yield from scan_bytes(part.path, _sized(st, len(part.data)), part.data, settings)


def _sized(st: os.stat_result, size: int) -> os.stat_result:
    """The outer file's facts (owner, mode, time) with a member's size."""
    return os.stat_result((st.st_mode, 0, st.st_dev, 1, st.st_uid, st.st_gid, size, 0, int(st.st_mtime), 0))


def scan_bytes(path: str, st: os.stat_result, data: bytes, settings: Settings) -> Iterator[Record]:
    """Records for a file already in memory (a member of a container), as :func:`scan_file`."""
    encoding = _sniff(data[:HEAD])
    if encoding == "binary":
        return
    if encoding in ("utf-16-le", "utf-16-be"):
        text = data.decode(encoding, "replace")
        data = (text[1:] if text.startswith("\ufeff") else text).encode("utf-8")
    elif encoding == "utf-8-sig":
        data = data[len(BOM_UTF8) :]
    yield from _scan_buffer(path, st, data, encoding, settings, fd=None)


def _table(part: readers.Part, st: os.stat_result, settings: Settings) -> Record | None:
    """A sheet or a document's table, when its cells (diacritics off) or its path hold an anchor."""
    text = "\n".join("\t".join(cells) for _, cells in part.rows)
    low = readers.fold.strip_marks(text).lower().encode("utf-8", "replace")
    folded_path = readers.fold.strip_marks(part.path).replace(" ", "")  # sheet "Giám định"
    if not (
        _find_anchors(low, settings.small_searchers)
        or _find_anchors(low.replace(b" ", b""), settings.small_searchers)
        or _path_has_token(folded_path, settings)
    ):
        return None
    if settings.table_words and not _labels_credential(part.rows, settings.table_words):
        return None  # a patient list with BHYT card numbers, say: its rows stay on the host
    record = _meta(part.path, _sized(st, len(text)))
    record.update({"t": "table", "rows": part.rows})
    return record


LABEL_CHARS = 60


def _labels_credential(rows: list[Any], words: tuple[str, ...]) -> bool:
    """A cell that reads as a credential label ("Mật khẩu", "MK", "Password (MD5)")."""
    for _, cells in rows:
        for cell in cells:
            if not cell or len(cell) > LABEL_CHARS:
                continue
            squashed = "".join(ch for ch in readers.fold.strip_marks(cell).lower() if ch.isalnum())
            if squashed and any(squashed.startswith(w) or squashed.endswith(w) for w in words):
                return True
    return False


# --- claim files, browser stores, server configs ----------------------------------------------


def _xml_root(head: bytes) -> str | None:
    pos = 0
    while True:
        match = XML_PROLOG.match(head, pos)
        if not match or match.end() == pos:
            break
        pos = match.end()
    match = ROOT_ELEMENT.match(head, pos) if pos < len(head) else None
    if not match:
        stripped = head[pos:].lstrip()
        match = ROOT_ELEMENT.match(stripped)
    return match.group(1).decode("ascii", "replace") if match else None


def _claim(path: str, st: os.stat_result, root: str, data: bytes, settings: Settings) -> Record:
    """A claim XML file: its root and whether it embeds an HIV record. No content leaves."""
    record = _meta(path, st)
    record.update({"t": "claim", "root": root.upper(), "xml6": _has_hiv_record(data, settings)})
    return record


LOAIHOSO = re.compile(rb"<loaihoso>\s*([^<\s]+)\s*</loaihoso>", re.I)
NOIDUNG = re.compile(rb"<noidungfile>\s*([^<]*?)\s*</noidungfile>", re.I | re.S)


def _has_hiv_record(data: bytes, settings: Settings) -> bool:
    for match in LOAIHOSO.finditer(data):
        if match.group(1).lower() != settings.hiv_type:
            continue
        block_start = data.rfind(b"<FILEHOSO", 0, match.start())
        if block_start < 0:
            block_start = max(0, match.start() - 512)
        block_end = data.find(b"</FILEHOSO>", match.end())
        if block_end < 0:
            block_end = len(data)
        content = NOIDUNG.search(data, block_start, block_end)
        if content and _decodes_to_xml(content.group(1)):
            return True
    return False


def _decodes_to_xml(blob: bytes) -> bool:
    try:
        decoded = base64.b64decode(re.sub(rb"\s+", b"", blob), validate=True)
    except (ValueError, TypeError):
        return False
    head = decoded[:256].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = decoded[:512].decode("utf-16", "replace").lstrip("\ufeff \r\n").encode()
    return head.startswith(b"<")


def _browser_store(
    fd: int, path: str, st: os.stat_result, head: bytes, settings: Settings
) -> Iterator[Record]:
    """A browser's saved logins or cookies for the portal (readers/stores.py); never a value."""
    kind = settings.browser_stores[os.path.basename(path)]
    hosts = [h.decode() for h in settings.store_hosts]
    info = readers.stores.sqlite_store(path, kind, hosts) if head.startswith(b"SQLite format 3") else None
    if info is None:
        data = _read_rest(fd, head) if st.st_size <= settings.max_bytes else head
        if os.path.basename(path) == "logins.json":
            info = readers.stores.firefox_logins(data, hosts)
        if info is None:  # a store we cannot open (damaged, locked copy): count the host's name
            info = readers.stores.StoreInfo(sum(data.count(host) for host in settings.store_hosts))
    if info.count:
        record = _meta(path, st)
        record.update({"t": "store", "store": kind, **info.record()})
        yield record


def _addon(fd: int, path: str, st: os.stat_result, kind: str, settings: Settings) -> Record | None:
    """An extension manifest or a user script with host access to the portal (C09)."""
    if st.st_size > settings.small_max:
        return None
    data = os.pread(fd, st.st_size, 0) if hasattr(os, "pread") else b""
    hosts = [h.decode() for h in settings.store_hosts]
    if kind == "extension":
        info = readers.stores.extension(data, hosts)
    elif kind == "userscript":
        info = readers.stores.userscript(data.decode("utf-8", "replace"), hosts)
    else:
        info = readers.stores.leveldb_userscripts(data, hosts)
    if info is None:
        return None
    record = _meta(path, st)
    record.update({"t": "store", "store": "userscript" if kind == "leveldb" else kind, **info.record()})
    return record


def _server_conf(fd: int, path: str, head: bytes, name: str, settings: Settings) -> Record | None:
    """Share definitions (smb.conf, exports) and web roots (nginx/apache), for D03 and C07."""
    if len(head) >= HEAD:
        return None
    if name == "smb.conf" or "/samba/" in path:
        kind = "smb"
    elif name == "exports" or "/exports.d/" in path:
        kind = "exports"
    else:
        kind = "web"
    lines = []
    for number, raw in enumerate(head.split(b"\n"), start=1):
        if kind == "web":
            match = WEB_DIRECTIVE.match(raw)
            if not match:
                continue
        text = raw.rstrip(b"\r").decode("utf-8", "replace")
        if text.strip() and not text.lstrip().startswith(("#", ";")):
            lines.append([number, text])
    if not lines:
        return None
    return {"t": "conf", "path": path, "kind": kind, "lines": lines}


# --- driving a whole collection ---------------------------------------------------------------


def collect(settings: Settings, emit: Callable[[Record], None]) -> None:
    """Walk the roots and emit every record, then one stats record; stop at the time budget."""
    started = time.monotonic()
    tune_malloc()
    errors: list[Record] = []
    files = 0
    budget_hit = False
    for path in walk(settings, errors):
        for error in errors:
            emit(error)
        errors.clear()
        if settings.budget and time.monotonic() - started > settings.budget:
            budget_hit = True
            break
        files += 1
        for record in scan_file(path, settings):
            emit(record)
    for error in errors:
        emit(error)
    emit(
        {
            "t": "stats",
            "files": files,
            "bytes": settings.scanned_bytes,
            "elapsed": round(time.monotonic() - started, 3),
            "budget_hit": budget_hit,
        }
    )


def main(argv: list[str]) -> int:
    """Remote entry point: settings as base64(zlib(JSON)) in argv[1]; JSON lines on stdout."""
    raw = json.loads(zlib.decompress(base64.b64decode(argv[1])).decode("utf-8"))
    settings = Settings(raw)
    out = sys.stdout

    def emit(record: Record) -> None:
        out.write(json.dumps(record, ensure_ascii=True, separators=(",", ":")))
        out.write("\n")

    collect(settings, emit)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
