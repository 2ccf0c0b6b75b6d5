"""The evidence pack on disk: a 0700 directory of 0600 items and a signed manifest.

The manifest lists every item with its SHA-256, source host and path, collection time and
collector; its signature is an HMAC-SHA256 under the installation key over the manifest's
canonical JSON, so an item changed, added or removed, or a manifest edited, is detected by
``verify_pack``. Only the copied files may hold a secret in the clear; the manifest says so.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from hisguard.scanners.errors import HisguardError
from hisguard.scanners.keys import installation_key

MANIFEST = "manifest.json"
FORMAT = "hisguard-evidence/1"
SIGNATURE_PURPOSE = b"evidence-manifest\x00"
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
SECRET_STATEMENT = {
    "vi": (
        "Chỉ các tệp được sao chép nguyên trạng (kind = file) có thể chứa giá trị bí mật; trích đoạn "
        "nhật ký, thông tin máy và bản kê này đã được che mọi giá trị bí mật."
    ),
    "en": (
        "Only the files copied as they were (kind = file) may hold a secret value in the clear; log "
        "excerpts, host facts and this manifest have every secret value redacted."
    ),
}


class EvidenceError(HisguardError):
    """A pack that cannot be written or read (one line, no secret)."""


@dataclass(frozen=True)
class Item:
    """One stored piece of evidence."""

    id: str
    kind: str  # file | log | facts
    host: str
    source_path: str
    stored_as: str  # relative to the pack
    sha256: str  # of the stored bytes
    size: int
    collected_at: str
    collector: str
    source_sha256: str = ""  # of the whole file on the host (files only)
    source_size: int = 0
    truncated: bool = False
    redacted: bool = False
    note: str = ""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(body: dict[str, Any], key: bytes | None = None) -> str:
    mac_key = key if key is not None else installation_key()
    return hmac.new(mac_key, SIGNATURE_PURPOSE + _canonical(body), hashlib.sha256).hexdigest()


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def stored_name(index: int, host: str, source_path: str) -> str:
    """A flat, safe relative name: a hostile path never escapes the pack."""
    flat = _UNSAFE.sub("_", source_path.strip("/"))[-80:] or "item"
    return f"items/{_UNSAFE.sub('_', host)[:40]}/{index:04d}-{flat}"


class PackWriter:
    """Writes items into a new pack directory; ``finish`` writes the signed manifest."""

    def __init__(self, root: Path, pack_id: str, meta: dict[str, Any]) -> None:
        if root.exists():
            raise EvidenceError(f"{root} already exists: an evidence pack is never overwritten")
        old = os.umask(0o077)
        try:
            root.mkdir(mode=0o700, parents=False)
        except OSError as exc:
            raise EvidenceError(f"cannot create the pack {root}: {exc.strerror}") from None
        finally:
            os.umask(old)
        self.root = root
        self.pack_id = pack_id
        self.meta = meta
        self.items: list[Item] = []

    def add(self, kind: str, host: str, source_path: str, data: bytes, **extra: Any) -> Item:
        index = len(self.items) + 1
        rel = stored_name(index, host, source_path)
        path = self.root / rel
        # Each folder between the pack and the item is private too (mkdir's mode is masked by
        # the umask, and parents=True would give the folders in between the default mode).
        folder = self.root
        for part in path.parent.relative_to(self.root).parts:
            folder = folder / part
            folder.mkdir(mode=0o700, exist_ok=True)
            os.chmod(folder, 0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        item = Item(
            id=f"E{index:04d}",
            kind=kind,
            host=host,
            source_path=source_path,
            stored_as=rel,
            sha256=sha256_bytes(data),
            size=len(data),
            **extra,
        )
        self.items.append(item)
        return item

    def finish(self, key: bytes | None = None) -> Path:
        body = {
            "format": FORMAT,
            "pack_id": self.pack_id,
            **self.meta,
            "secrets": SECRET_STATEMENT,
            "items": [asdict(item) for item in self.items],
        }
        document = {"manifest": body, "signature": {"algorithm": "HMAC-SHA256", "value": sign(body, key)}}
        fd = os.open(self.root / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, indent=2, sort_keys=True)
            out.write("\n")
        return self.root / MANIFEST


@dataclass(frozen=True)
class Verification:
    pack_id: str
    items: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def read_manifest(root: Path) -> dict[str, Any]:
    path = root / MANIFEST
    try:
        if not path.is_file() or path.stat().st_size > MAX_MANIFEST_BYTES:
            raise EvidenceError(f"{root}: no readable {MANIFEST} (not an evidence pack?)")
        document = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvidenceError(f"{root}: {MANIFEST} cannot be read ({type(exc).__name__})") from None
    if not isinstance(document, dict) or not isinstance(document.get("manifest"), dict):
        raise EvidenceError(f"{root}: {MANIFEST} is not an evidence manifest")
    if document["manifest"].get("format") != FORMAT:
        raise EvidenceError(f"{root}: unknown evidence format")
    return document


def verify_pack(root: Path, key: bytes | None = None) -> Verification:
    """Recheck the signature, every item's hash and size, and that nothing was added."""
    document = read_manifest(root)
    body = document["manifest"]
    problems: list[str] = []
    signature = document.get("signature")
    given = signature.get("value") if isinstance(signature, dict) else None
    if not isinstance(given, str) or not hmac.compare_digest(given, sign(body, key)):
        problems.append("manifest signature does not match (edited, or signed with another key)")
    items = body.get("items")
    if not isinstance(items, list):
        return Verification(str(body.get("pack_id", "")), 0, (*problems, "manifest lists no items"))
    listed: set[str] = set()
    for entry in items:
        problems.extend(_check_item(root, entry, listed))
    for path in sorted((root / "items").rglob("*")) if (root / "items").is_dir() else ():
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel not in listed:
            problems.append(f"{rel}: in the pack but not in the manifest")
    return Verification(str(body.get("pack_id", "")), len(items), tuple(problems))


def _check_item(root: Path, entry: Any, listed: set[str]) -> Sequence[str]:
    if not isinstance(entry, dict) or not isinstance(entry.get("stored_as"), str):
        return ["a manifest item is malformed"]
    rel = entry["stored_as"]
    ident = str(entry.get("id", "?"))[:12]
    path = (root / rel).resolve()
    if not rel.startswith("items/") or root.resolve() not in path.parents:
        return [f"{ident}: stored path leaves the pack"]
    listed.add(rel)
    try:
        data = path.read_bytes()
    except OSError:
        return [f"{ident} {rel}: missing"]
    if sha256_bytes(data) != entry.get("sha256"):
        return [f"{ident} {rel}: SHA-256 differs from the manifest"]
    if len(data) != entry.get("size"):
        return [f"{ident} {rel}: size differs from the manifest"]
    return []
