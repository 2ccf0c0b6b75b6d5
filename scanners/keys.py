"""The per-installation key and the data directory it lives in.

The key is 32 random bytes created on first use with mode 0600. Fingerprints and keyed digests
are HMACs under it, so two installations cannot correlate each other's findings and a stolen
store does not let anyone test password guesses against it.
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from functools import cache
from pathlib import Path

from hisguard.scanners.errors import HisguardError

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
        key = _read_private(path)
    except FileNotFoundError:
        ensure_private_dir(path.parent)
        key = _create_key(path)
    except OSError as exc:
        raise HisguardError(f"cannot read the installation key {path}: {exc.strerror}") from None
    if len(key) < 32:
        raise HisguardError(f"the installation key {path} is damaged (too short)")
    return key


def _read_private(path: Path) -> bytes:
    """The key, refused (as ssh refuses a private key) if others may read or write it.

    Anyone who read it can recompute fingerprints and test password guesses against the store's
    keyed digests, so fixing the mode quietly would hide that it was exposed: the user decides.
    """
    with path.open("rb") as handle:
        info = os.fstat(handle.fileno())
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            raise HisguardError(
                f"the installation key {path} is open to others (mode {mode:04o}): run "
                f"`chmod 600 {path}` if nobody else could read it, else replace it (all fingerprints change)"
            )
        if info.st_uid != os.geteuid():
            raise HisguardError(f"the installation key {path} belongs to another user (uid {info.st_uid})")
        return handle.read(4096)


def _create_key(path: Path) -> bytes:
    """Write a new key to a private temporary file, then link it into place.

    The link is atomic and fails if the key already exists, so two processes (or threads)
    starting at once agree on one key, and nobody ever reads a half-written file.
    """
    key = secrets.token_bytes(32)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return _read_private(path)
    except OSError as exc:
        raise HisguardError(f"cannot create the installation key {path}: {exc.strerror}") from None
    finally:
        os.unlink(temporary)
    return key


@cache
def _key_for(path: str) -> bytes:
    return _read_or_create_key(Path(path))


@cache
def _key_file(home: str | None, xdg: str | None, user_home: str | None) -> str:
    return str(data_dir() / KEY_FILE_NAME)


def installation_key() -> bytes:
    """The installation key, read once per process (per data directory).

    Every finding's fingerprint asks for it: the data directory is worked out once for the
    variables it depends on, not once per finding (pathlib costs more than the HMAC).
    """
    env = os.environ
    return _key_for(_key_file(env.get("HISGUARD_HOME"), env.get("XDG_DATA_HOME"), env.get("HOME")))
