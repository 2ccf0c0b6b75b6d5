"""Browser stores and browser add-ons that touch the portal. Never a password, never a cookie value.

- Chromium-family ``Login Data`` (Chrome, Edge, Cốc Cốc, Brave, Chromium: one SQLite schema):
  the saved logins whose origin or realm is a portal host, with their origins and usernames
  (kept in clear by every Chromium; the password blob is encrypted and never read).
- Firefox ``logins.json``: the saved logins for a portal origin (the hostname is in clear, the
  username and password are encrypted: only the count and the origins).
- Cookie stores: how many cookies the portal's hosts have (the values are never selected).
- Extensions (``manifest.json``) whose ``host_permissions``, ``permissions`` or
  ``content_scripts.matches`` name a portal host, and user scripts (Tampermonkey, Violentmonkey,
  Greasemonkey: a ``==UserScript==`` block) whose ``@match``/``@include`` do.

SQLite files are opened read-only and ``immutable`` (no lock, no journal, nothing written next to
them), so a running browser is not disturbed; bytes (a file copied from a share) are loaded into
memory with ``deserialize`` instead. Standard library only, like the rest of the readers.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from typing import Any

MAX_LISTED = 20  # origins, usernames or patterns kept per store
MAX_JSON = 16 * 1024 * 1024
USERSCRIPT_KEY = re.compile(r"^\s*//\s*@(match|include|name)\s+(.+?)\s*$", re.M)
LEVELDB_MATCH = re.compile(rb"@(?:match|include)\s+([^\s\\\"']{1,300})")
LEVELDB_NAME = re.compile(rb"@name\s+([^\r\n\\\"]{1,120})")


EXTENSION_STORAGE = (
    "/Local Extension Settings/",
    "/Sync Extension Settings/",
    "/IndexedDB/chrome-extension_",
)


def addon_kind(path: str) -> str | None:
    """``extension`` (a manifest), ``userscript`` (a .user.js) or ``leveldb`` (an add-on's storage,
    where script managers keep their scripts), from a file's path; None for anything else."""
    name = path.rsplit("/", 1)[-1]
    if name == "manifest.json":
        return "extension"
    if name.endswith(".user.js"):
        return "userscript"
    if name.endswith((".log", ".ldb")) and any(part in path for part in EXTENSION_STORAGE):
        return "leveldb"
    return None


class StoreInfo:
    """What a store or an add-on shows about the portal: a count and, where in clear, names."""

    __slots__ = ("count", "name", "origins", "usernames")

    def __init__(
        self, count: int, origins: Sequence[str] = (), usernames: Sequence[str] = (), name: str = ""
    ) -> None:
        self.count = count
        self.origins = sorted(set(origins))[:MAX_LISTED]
        self.usernames = sorted(set(u for u in usernames if u))[:MAX_LISTED]
        self.name = name

    def record(self) -> dict[str, Any]:
        return {"count": self.count, "origins": self.origins, "usernames": self.usernames, "name": self.name}


def _portal(text: str, hosts: Sequence[str]) -> bool:
    low = text.lower()
    return any(host in low for host in hosts)


def _origin(url: str) -> str:
    """``https://gdbhyt.baohiemxahoi.gov.vn/`` from a saved login's URL (no path, no query)."""
    match = re.match(r"^([a-z][a-z0-9+.\-]*://[^/?#\s]+)", url.strip(), re.I)
    return match.group(1).lower() if match else url.strip()[:100]


# --- SQLite stores ------------------------------------------------------------------------------


def open_sqlite(source: str | bytes) -> sqlite3.Connection | None:
    """A read-only connection to a file path (immutable) or to bytes (in memory); None if neither."""
    try:
        if isinstance(source, bytes):
            conn = sqlite3.connect(":memory:")
            deserialize = getattr(conn, "deserialize", None)  # Python 3.11+
            if deserialize is None:
                conn.close()
                return None
            deserialize(source)
            return conn
        uri = (
            "file:"
            + source.replace("%", "%25").replace("?", "%3f").replace("#", "%23")
            + "?mode=ro&immutable=1"
        )
        return sqlite3.connect(uri, uri=True, timeout=1)
    except (sqlite3.Error, ValueError, OverflowError):
        return None


def _like(hosts: Sequence[str]) -> tuple[str, list[str]]:
    return " OR ".join(["{col} LIKE ?"] * len(hosts)), [f"%{h}%" for h in hosts]


def sqlite_store(source: str | bytes, kind: str, hosts: Sequence[str]) -> StoreInfo | None:
    """Saved logins (``kind == "logins"``) or cookies of the portal; None when not such a store."""
    conn = open_sqlite(source)
    if conn is None:
        return None
    where, params = _like(hosts)
    try:
        if kind == "logins":
            return _chromium_logins(conn, where, params) or _firefox_signons(conn, where, params)
        for table, column in (("cookies", "host_key"), ("moz_cookies", "host")):
            try:
                query = f"SELECT count(*) FROM {table} WHERE " + where.format(col=column)
                row = conn.execute(query, params).fetchone()
            except sqlite3.Error:
                continue
            return StoreInfo(int(row[0]))
        return None
    finally:
        conn.close()


def _chromium_logins(conn: sqlite3.Connection, where: str, params: list[str]) -> StoreInfo | None:
    condition = "(" + where.format(col="origin_url") + " OR " + where.format(col="signon_realm") + ")"
    query = "SELECT origin_url, username_value FROM logins WHERE " + condition + " LIMIT 1000"
    try:
        rows = conn.execute(query, params + params).fetchall()
    except sqlite3.Error:
        return None
    return StoreInfo(len(rows), [_origin(str(r[0] or "")) for r in rows], [str(r[1] or "") for r in rows])


def _firefox_signons(conn: sqlite3.Connection, where: str, params: list[str]) -> StoreInfo | None:
    query = "SELECT hostname FROM moz_logins WHERE " + where.format(col="hostname") + " LIMIT 1000"
    try:
        rows = conn.execute(query, params).fetchall()
    except sqlite3.Error:
        return None
    return StoreInfo(len(rows), [_origin(str(r[0] or "")) for r in rows])


# --- JSON stores and add-ons --------------------------------------------------------------------


def _json(data: bytes) -> Any:
    if len(data) > MAX_JSON:
        return None
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def firefox_logins(data: bytes, hosts: Sequence[str]) -> StoreInfo | None:
    """Firefox's ``logins.json``: the logins whose ``hostname`` is a portal origin."""
    document = _json(data)
    logins = document.get("logins") if isinstance(document, dict) else None
    if not isinstance(logins, list):
        return None
    origins = [
        _origin(str(item.get("hostname") or item.get("formSubmitURL") or ""))
        for item in logins
        if isinstance(item, dict)
        and _portal(str(item.get("hostname", "")) + str(item.get("formSubmitURL", "")), hosts)
    ]
    return StoreInfo(len(origins), origins)


def _patterns(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str)]
    return []


def extension(data: bytes, hosts: Sequence[str]) -> StoreInfo | None:
    """A WebExtension ``manifest.json`` with host access to the portal (patterns naming it)."""
    if b"manifest_version" not in data[:65536] and b"manifest_version" not in data:
        return None
    manifest = _json(data)
    if not isinstance(manifest, dict) or "manifest_version" not in manifest:
        return None
    patterns = _patterns(manifest.get("host_permissions")) + _patterns(manifest.get("permissions"))
    patterns += _patterns(manifest.get("optional_host_permissions"))
    for script in manifest.get("content_scripts") or []:
        if isinstance(script, dict):
            patterns += _patterns(script.get("matches")) + _patterns(script.get("include_globs"))
    externally = manifest.get("externally_connectable")
    if isinstance(externally, dict):
        patterns += _patterns(externally.get("matches"))
    portal = [p for p in patterns if _portal(p, hosts)]
    if not portal:
        return None
    name = manifest.get("name")
    label = name if isinstance(name, str) and not name.startswith("__MSG_") else ""
    return StoreInfo(len(portal), portal, name=label[:100])


def userscript(text: str, hosts: Sequence[str]) -> StoreInfo | None:
    """A user script (``// ==UserScript==`` block) whose ``@match``/``@include`` name the portal."""
    start = text.find("==UserScript==")
    if start < 0:
        return None
    end = text.find("==/UserScript==", start)
    block = text[start : end if end > 0 else start + 20000]
    patterns = []
    name = ""
    for key, value in USERSCRIPT_KEY.findall(block):
        if key == "name":
            name = name or value
        elif _portal(value, hosts):
            patterns.append(value)
    if not patterns:
        return None
    return StoreInfo(len(patterns), patterns, name=name[:100])


def leveldb_userscripts(data: bytes, hosts: Sequence[str]) -> StoreInfo | None:
    """User scripts kept by Tampermonkey/Violentmonkey in their extension storage (LevelDB files:
    the script's source sits there as JSON text, ``\\n`` escaped; compressed blocks are not read)."""
    patterns = [m.decode("utf-8", "replace") for m in LEVELDB_MATCH.findall(data)]
    portal = [p for p in patterns if _portal(p, hosts)]
    if not portal:
        return None
    names = LEVELDB_NAME.findall(data)
    return StoreInfo(
        len(set(portal)), portal, name=names[0].decode("utf-8", "replace").strip()[:100] if names else ""
    )
