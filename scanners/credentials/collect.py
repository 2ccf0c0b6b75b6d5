"""Collect candidate lines from a file tree: the part of the scan that touches every byte.

This module is self-contained (standard library only, Python 3.9+) because it runs in two places:
imported by the local scanner, and sent over SSH to ``python3 -`` on a remote host so that only
candidate lines leave the host. It never writes anything.

Speed comes from a literal prefilter: every file is read once, lower-cased, and searched with
``bytes.find`` for a few rare anchors (bhxh, bhyt, egw, _bv...). Only files with an anchor are
looked at further, and only the lines around the anchors (whole small files) are handed on.
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
from collections.abc import Callable, Iterator
from typing import Any

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
}

CHUNK = 16 * 1024 * 1024
HEAD = 65536
LONG_LINE = 4096
EXCERPT = 2048
BOM_UTF8 = b"\xef\xbb\xbf"
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
        self.searchers = _searchers(self.anchors)
        self.small_searchers = _searchers(self.anchors + self.small_anchors)
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
        self.scanned_bytes = 0


def _searchers(anchors: list[bytes]) -> list[Any]:
    """One search per group of anchors sharing a first byte (a regex with a literal prefix is as
    fast as bytes.find), a plain find for the others."""
    groups: dict[int, list[bytes]] = {}
    for anchor in anchors:
        if anchor:
            groups.setdefault(anchor[0], []).append(anchor)
    result: list[Any] = []
    for first, items in groups.items():
        if len(items) == 1:
            result.append(items[0])
        else:
            rests = b"|".join(re.escape(item[1:]) for item in sorted(set(items), key=len, reverse=True))
            result.append(re.compile(re.escape(bytes([first])) + b"(?:" + rests + b")"))
    return result


# --- walking ----------------------------------------------------------------------------------


def walk(settings: Settings, errors: list[Record]) -> Iterator[str]:
    """Regular files under the roots: no symlinks followed, one file system per root, no /proc."""
    for root in settings.roots:
        try:
            root_stat = os.stat(root)
        except OSError as exc:
            errors.append({"t": "error", "path": root, "msg": _reason(exc)})
            continue
        if stat.S_ISREG(root_stat.st_mode):
            yield root
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
                        yield entry.path
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
        head = os.read(fd, HEAD)
        if not head:
            return
        name = os.path.basename(path)
        if name in settings.browser_stores:
            yield from _browser_store(fd, path, st, head, settings)
            return
        if name in settings.conf_names or (
            st.st_size < settings.whole_max and any(d in path for d in settings.web_conf_dirs)
        ):
            record = _server_conf(fd, path, head, name, settings)
            if record:
                yield record
        encoding, head = _sniff(head)
        if encoding == "binary":
            return
        if st.st_size > settings.max_bytes:
            yield {"t": "skipped", "path": path, "why": "too large", "size": st.st_size}
            return
        if encoding in ("utf-16-le", "utf-16-be"):
            data = _read_rest(fd, head)
            text = data.decode(encoding, "replace")
            if text.startswith("\ufeff"):
                text = text[1:]
            yield from _scan_buffer(path, st, text.encode("utf-8"), encoding, settings, fd=None)
            return
        complete = len(head) < HEAD or st.st_size <= HEAD
        yield from _scan_buffer(path, st, head, encoding, settings, fd=None if complete else fd)
    except OSError as exc:
        yield {"t": "error", "path": path, "msg": _reason(exc)}
    finally:
        os.close(fd)


def _sniff(head: bytes) -> tuple[str, bytes]:
    """The file's encoding from its first bytes: utf-8 (BOM stripped), utf-16 or binary."""
    if head.startswith(BOM_UTF8):
        return "utf-8-sig", head[3:]
    if head.startswith(b"\xff\xfe"):
        return "utf-16-le", head
    if head.startswith(b"\xfe\xff"):
        return "utf-16-be", head
    sample = head[:8192]
    if b"\x00" in sample:
        # UTF-16 without a BOM: ASCII text with every other byte zero.
        if len(sample) >= 8 and sample[1::2].count(0) > len(sample) * 0.45 and sample[0] != 0:
            return "utf-16-le", head
        if len(sample) >= 8 and sample[0::2].count(0) > len(sample) * 0.45 and sample[1] != 0:
            return "utf-16-be", head
        return "binary", head
    return "utf-8", head


def _read_rest(fd: int, head: bytes) -> bytes:
    parts = [head]
    while True:
        block = os.read(fd, CHUNK)
        if not block:
            return b"".join(parts)
        parts.append(block)


def _chunks(fd: int | None, first: bytes) -> Iterator[bytes]:
    """The file in blocks that end on a line break (the last may not)."""
    pending = first
    if fd is None:
        yield pending
        return
    while True:
        block = os.read(fd, CHUNK)
        if not block:
            if pending:
                yield pending
            return
        pending += block
        cut = pending.rfind(b"\n")
        if cut < 0:
            continue
        yield pending[: cut + 1]
        pending = pending[cut + 1 :]


def _find_anchors(lo: bytes, searchers: list[Any]) -> list[int]:
    found: list[int] = []
    for searcher in searchers:
        if isinstance(searcher, bytes):
            pos = lo.find(searcher)
        else:
            match = searcher.search(lo)
            pos = match.start() if match else -1
        while pos >= 0:
            found.append(pos)
            # One hit per line is enough, except in very long lines (bundles), where one hit per
            # excerpt is: jump to the next line or one excerpt further, whichever comes first.
            nl = lo.find(b"\n", pos)
            if nl < 0:
                nl = len(lo)
            start = min(nl, pos + EXCERPT)
            if isinstance(searcher, bytes):
                pos = lo.find(searcher, start)
            else:
                match = searcher.search(lo, start)
                pos = match.start() if match else -1
    return found


def _path_has_token(path: str, settings: Settings) -> bool:
    low = path.lower()
    return any(token in low for token in settings.path_tokens)


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
    whole = st.st_size <= settings.whole_max and not line_only
    path_context = _path_has_token(path, settings)
    anchors = list(settings.anchors)
    # Big files are logs, dumps and bundles, where credentials come with the portal's host, URL,
    # user or key names: the rarer anchors are searched in small files only.
    searchers = list(settings.small_searchers if st.st_size <= settings.small_max else settings.searchers)
    collected: dict[int, bytes] = {}
    excerpts: list[tuple[int, int, bytes]] = []
    first_line = 1
    pending_after = 0
    in_copy = False
    prev_tail: list[bytes] = []
    hits_total = 0
    for chunk in _chunks(fd, first):
        lo = chunk.lower()
        positions = _find_anchors(lo, searchers)
        if not positions and not pending_after and not in_copy and not (whole and path_context):
            first_line += chunk.count(b"\n")
            prev_tail = []
            continue
        lines = chunk.split(b"\n")
        if chunk.endswith(b"\n"):
            lines.pop()
        hit_lines: dict[int, list[int]] = {}
        if positions:
            positions.sort()
            line_index = 0
            last = 0
            for pos in positions:
                line_index += chunk.count(b"\n", last, pos)
                last = pos
                hit_lines.setdefault(line_index, []).append(pos)
        hits_total += len(hit_lines)
        if whole and (hit_lines or path_context):
            for index, line in enumerate(lines):
                collected[first_line + index] = line
        else:
            starts = (
                _line_starts(chunk, hit_lines)
                if any(len(lines[i]) > LONG_LINE for i in hit_lines if i < len(lines))
                else {}
            )
            keep = set(range(min(pending_after, len(lines))))
            pending_after = max(0, pending_after - len(lines))
            if in_copy:
                index = 0
                while index < len(lines) and len(collected) + len(keep) < settings.max_region_lines:
                    keep.add(index)
                    if lines[index].rstrip(b"\r") == b"\\.":
                        in_copy = False
                        break
                    index += 1
            before = 0 if line_only else (2 if is_sql else settings.before)
            after = 0 if line_only else (2 if is_sql else settings.after)
            for index in sorted(hit_lines):
                if index >= len(lines):
                    continue
                line = lines[index]
                if len(line) > LONG_LINE:
                    line_start = starts[index]
                    covered = -1
                    for pos in sorted(hit_lines[index]):
                        if pos - line_start <= covered:
                            continue
                        excerpt = _excerpt(first_line + index, line, pos - line_start)
                        covered = pos - line_start + EXCERPT // 2
                        excerpts.append(excerpt)
                    continue
                low_line = line.lower()
                for j in range(index - before, index + after + 1):
                    if j < 0:
                        back = -j
                        if back <= len(prev_tail):
                            collected.setdefault(first_line + j, prev_tail[-back])
                    elif j < len(lines):
                        keep.add(j)
                    else:
                        pending_after = max(pending_after, j - len(lines) + 1)
                if is_sql:
                    known = len(anchors)
                    in_copy = _sql_extend(lines, index, low_line, keep, anchors, settings) or in_copy
                    # A table with portal columns: its column-less INSERT rows become anchors too.
                    searchers.extend(anchors[known:])
            for index in keep:
                line = lines[index]
                if len(line) > LONG_LINE:
                    line = line[:LONG_LINE]
                collected[first_line + index] = line
            if len(collected) > settings.max_region_lines:
                yield {"t": "error", "path": path, "msg": "too many candidate lines; the rest was skipped"}
                break
        prev_tail = lines[-settings.before :] if settings.before else []
        first_line += chunk.count(b"\n")
    if not collected and not excerpts:
        return
    record = _meta(path, st)
    record.update(
        {
            "t": "file",
            "enc": encoding,
            "hits": hits_total,
            "regions": _regions(collected, excerpts),
        }
    )
    yield record


def _line_starts(chunk: bytes, hit_lines: dict[int, list[int]]) -> dict[int, int]:
    """Byte offset where each hit line starts (only needed for very long lines)."""
    result = {}
    for index, positions in hit_lines.items():
        result[index] = chunk.rfind(b"\n", 0, positions[0]) + 1
    return result


def _excerpt(line_no: int, line: bytes, offset: int) -> tuple[int, int, bytes]:
    """A window of a very long line (a minified bundle) around one anchor, with its column."""
    start = max(0, offset - EXCERPT)
    while start > 0 and 0x80 <= line[start] < 0xC0:
        start += 1  # do not cut a UTF-8 character in two
    end = min(len(line), offset + EXCERPT)
    column = len(line[:start].decode("utf-8", "replace"))
    return (line_no, column, line[start:end])


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
    """Count a browser's saved logins or cookies for the portal; never read a value."""
    kind = settings.browser_stores[os.path.basename(path)]
    count = _sqlite_count(path, kind) if head.startswith(b"SQLite format 3") else None
    if count is None:
        data = _read_rest(fd, head) if st.st_size <= settings.max_bytes else head
        if os.path.basename(path) == "logins.json":
            count = len(re.findall(rb'"hostname"\s*:\s*"https?://[^"]*baohiemxahoi\.gov\.vn', data))
        else:
            count = sum(data.count(host) for host in settings.store_hosts)
    if count:
        record = _meta(path, st)
        record.update({"t": "store", "store": kind, "count": count})
        yield record


def _sqlite_count(path: str, kind: str) -> int | None:
    try:
        import sqlite3
    except ImportError:
        return None
    queries = {
        "logins": [
            "SELECT count(*) FROM logins WHERE origin_url LIKE '%baohiemxahoi.gov.vn%'"
            " OR signon_realm LIKE '%baohiemxahoi.gov.vn%'",
            "SELECT count(*) FROM moz_logins WHERE hostname LIKE '%baohiemxahoi.gov.vn%'",
        ],
        "cookies": [
            "SELECT count(*) FROM cookies WHERE host_key LIKE '%baohiemxahoi.gov.vn%'",
            "SELECT count(*) FROM moz_cookies WHERE host LIKE '%baohiemxahoi.gov.vn%'",
        ],
    }
    try:
        # immutable=1: read the file as it is, create no journal or lock file next to it.
        uri = "file:" + path.replace("?", "%3f").replace("#", "%23") + "?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True, timeout=1)
    except sqlite3.Error:
        return None
    try:
        for query in queries.get(kind, []):
            try:
                return int(conn.execute(query).fetchone()[0])
            except sqlite3.Error:
                continue
        return None
    finally:
        conn.close()


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
