"""The per-installation key and the data directory it lives in.

The key is 32 random bytes created on first use with mode 0600. Fingerprints and keyed digests
are HMACs under it, so two installations cannot correlate each other's findings and a stolen
store does not let anyone test password guesses against it.
"""

from __future__ import annotations

import os
import secrets
from functools import cache
from pathlib import Path

from scanners.errors import HisguardError

KEY_FILE_NAME = "fingerprint.key"


def data_dir() -> Path:
    """Where hisguard keeps its key and default store: $HISGUARD_HOME, else XDG data home."""
    explicit = os.environ.get("HISGUARD_HOME")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "hisguard"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (mode 0700) if missing; leave an existing directory's mode alone."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise HisguardError(f"cannot create {path}: {exc.strerror}") from None
    return path


def _read_or_create_key(path: Path) -> bytes:
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        ensure_private_dir(path.parent)
        key = secrets.token_bytes(32)
        try:
            # O_EXCL: two processes starting at once must not end up with different keys.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            key = path.read_bytes()
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(key)
    except OSError as exc:
        raise HisguardError(f"cannot read the installation key {path}: {exc.strerror}") from None
    if len(key) < 32:
        raise HisguardError(f"the installation key {path} is damaged (too short)")
    return key


@cache
def _key_for(path: str) -> bytes:
    return _read_or_create_key(Path(path))


def installation_key() -> bytes:
    """The installation key, read once per process (per data directory)."""
    return _key_for(str(data_dir() / KEY_FILE_NAME))
