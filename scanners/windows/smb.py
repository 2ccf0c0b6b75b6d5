"""Reading a Windows disk over SMB 2/3 (smbprotocol), read-only, with signing required by default.

What the server negotiated is kept as facts (dialect, whether it requires signing, whether this
session is signed or encrypted) so a run can say how it read the disk. A session that is neither
signed nor encrypted is refused unless the inventory turns signing off for that host.

Every failure becomes an :class:`SmbError` with a one-line message naming the NT status
(``access denied (0xC0000022)``); the message never holds a password or file content.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from hisguard.scanners.errors import TransportError

# Server SecurityMode bits in the NEGOTIATE response (MS-SMB2 2.2.4).
SIGNING_ENABLED = 0x01
SIGNING_REQUIRED = 0x02
# NT status codes a scan meets, with the words a report shows.
STATUS_TEXT = {
    0xC0000022: "access denied",
    0xC0000043: "file in use by another program (sharing violation)",
    0xC0000034: "not found",
    0xC000003A: "path not found",
    0xC0000033: "invalid name",
    0xC00000BA: "is a directory",
    0xC0000103: "not a directory",
    0xC000006D: "logon failure (wrong user name or password)",
    0xC0000072: "account disabled",
    0xC0000234: "account locked out",
    0xC00000CC: "no such share",
    0xC0000203: "user session deleted",
}
MISSING = frozenset({0xC0000034, 0xC000003A, 0xC0000033})
READ_BLOCK = 1024 * 1024
DIALECTS = {0x0202: "2.0.2", 0x0210: "2.1", 0x0300: "3.0", 0x0302: "3.0.2", 0x0311: "3.1.1"}


class SmbError(TransportError):
    """One SMB operation failed; ``status`` is the NT status when the server gave one."""

    def __init__(self, message: str, status: int | None = None, *, where: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.where = where  # the share-relative path or the step that failed
        self.reason = reason or message

    @property
    def missing(self) -> bool:
        return self.status in MISSING


def describe_status(status: int) -> str:
    return f"{STATUS_TEXT.get(status, 'error')} (0x{status:08X})"


def _status_of(exc: BaseException) -> int | None:
    status = getattr(exc, "ntstatus", None) or getattr(exc, "status", None)
    return int(status) if isinstance(status, int) else None


def _error(what: str, exc: BaseException) -> SmbError:
    status = _status_of(exc)
    if status is not None:
        reason = describe_status(status)
    else:
        text = str(exc).strip().splitlines()
        reason = text[0][:160] if text else type(exc).__name__
    return SmbError(f"{what}: {reason}", status, where=what, reason=reason)


@dataclass(frozen=True)
class SessionFacts:
    dialect: str
    server_signing_enabled: bool
    server_signing_required: bool
    signed: bool  # this session's messages carry signatures that were verified
    encrypted: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "dialect": self.dialect,
            "server_signing_enabled": self.server_signing_enabled,
            "server_signing_required": self.server_signing_required,
            "signed": self.signed,
            "encrypted": self.encrypted,
        }


@dataclass(frozen=True)
class Entry:
    name: str
    is_dir: bool
    size: int
    mtime: int  # seconds since 1970
    reparse: bool  # a junction or symbolic link: never followed


_FILETIME_EPOCH = 116444736000000000  # 1601-01-01 to 1970-01-01 in 100 ns


def _unix_time(value: Any) -> int:
    if hasattr(value, "timestamp"):
        return int(value.timestamp())
    try:
        return max(0, (int(value) - _FILETIME_EPOCH) // 10_000_000)
    except (TypeError, ValueError):
        return 0


class SmbSession:
    """One authenticated SMB session to a host; shares are opened from it."""

    def __init__(
        self,
        address: str,
        user: str,
        password: str,
        *,
        port: int = 445,
        require_signing: bool = True,
        timeout: float = 30.0,
    ) -> None:
        self.address = address
        self.port = port
        self.timeout = timeout
        self.require_signing = require_signing
        self._user = user
        self._password = password
        self._connection: Any = None
        self._session: Any = None
        self.facts: SessionFacts | None = None

    def __enter__(self) -> SmbSession:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        from smbprotocol.connection import Connection
        from smbprotocol.exceptions import LogonFailure, SMBAuthenticationError, SMBException
        from smbprotocol.session import Session

        where = f"SMB {self.address}:{self.port}"
        connection = Connection(uuid.uuid4(), self.address, self.port, require_signing=self.require_signing)
        try:
            connection.connect(timeout=self.timeout)
        except (OSError, ValueError, SMBException) as exc:
            raise SmbError(f"{where}: cannot connect ({_reason(exc)})") from None
        self._connection = connection
        session = Session(
            connection, self._user, self._password, require_encryption=False, auth_protocol="ntlm"
        )
        try:
            session.connect()
        except LogonFailure:
            self.close()
            raise SmbError(f"{where}: {describe_status(0xC000006D)}", 0xC000006D) from None
        except (SMBAuthenticationError, SMBException, OSError, ValueError) as exc:
            self.close()
            raise _error(f"{where}: session set-up failed", exc) from None
        self._session = session
        mode = int(connection.server_security_mode or 0)
        signed = bool(session.signing_required and session.signing_key)
        encrypted = bool(session.encrypt_data)
        self.facts = SessionFacts(
            dialect=DIALECTS.get(int(connection.dialect), hex(int(connection.dialect))),
            server_signing_enabled=bool(mode & SIGNING_ENABLED),
            server_signing_required=bool(mode & SIGNING_REQUIRED),
            signed=signed,
            encrypted=encrypted,
        )
        if self.require_signing and not (signed or encrypted):
            self.close()
            raise SmbError(
                f"{where}: the session is neither signed nor encrypted; refused (signing required)"
            )

    def close(self) -> None:
        if self._session is not None:
            with suppress(Exception):
                self._session.disconnect(close=True)
            self._session = None
        if self._connection is not None:
            with suppress(Exception):
                self._connection.disconnect(close=True)
            self._connection = None

    def share(self, name: str) -> SmbShare:
        from smbprotocol.exceptions import SMBException
        from smbprotocol.tree import TreeConnect

        if self._session is None:
            raise SmbError("SMB session is not open")
        tree = TreeConnect(self._session, rf"\\{self.address}\{name}")
        try:
            tree.connect()
        except (SMBException, OSError, ValueError) as exc:
            raise _error(f"share {name}", exc) from None
        return SmbShare(name, tree, int(self._connection.max_read_size or READ_BLOCK))


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__


class SmbShare:
    """A connected share; paths are share-relative with ``/`` or ``\\`` separators."""

    def __init__(self, name: str, tree: Any, max_read: int) -> None:
        self.name = name
        self._tree = tree
        self._max_read = max(64 * 1024, min(READ_BLOCK, max_read))

    def close(self) -> None:
        with suppress(Exception):
            self._tree.disconnect()

    def __enter__(self) -> SmbShare:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open(self, path: str, *, directory: bool) -> Any:
        from smbprotocol.exceptions import SMBException
        from smbprotocol.open import (
            CreateDisposition,
            CreateOptions,
            DirectoryAccessMask,
            FileAttributes,
            FilePipePrinterAccessMask,
            ImpersonationLevel,
            Open,
            ShareAccess,
        )

        handle = Open(self._tree, path.replace("/", "\\").strip("\\"))
        if directory:
            access = DirectoryAccessMask.FILE_LIST_DIRECTORY | DirectoryAccessMask.FILE_READ_ATTRIBUTES
            options = CreateOptions.FILE_DIRECTORY_FILE
            attributes = FileAttributes.FILE_ATTRIBUTE_DIRECTORY
        else:
            # Read data and attributes only; let others keep reading, writing and deleting.
            access = FilePipePrinterAccessMask.FILE_READ_DATA | FilePipePrinterAccessMask.FILE_READ_ATTRIBUTES
            options = CreateOptions.FILE_NON_DIRECTORY_FILE | CreateOptions.FILE_OPEN_REPARSE_POINT
            attributes = FileAttributes.FILE_ATTRIBUTE_NORMAL
        share = ShareAccess.FILE_SHARE_READ | ShareAccess.FILE_SHARE_WRITE | ShareAccess.FILE_SHARE_DELETE
        try:
            handle.create(
                ImpersonationLevel.Impersonation,
                access,
                attributes,
                share,
                CreateDisposition.FILE_OPEN,
                options,
            )
        except (SMBException, OSError, ValueError) as exc:
            raise _error(path or "/", exc) from None
        return handle

    def listdir(self, path: str) -> list[Entry]:
        """The entries of a directory (without ``.`` and ``..``)."""
        from smbprotocol.exceptions import NoMoreFiles, NoSuchFile, SMBException
        from smbprotocol.file_info import FileAttributes, FileInformationClass
        from smbprotocol.open import QueryDirectoryFlags

        handle = self._open(path, directory=True)
        entries: list[Entry] = []
        flags = QueryDirectoryFlags.SMB2_RESTART_SCANS
        try:
            while True:
                try:
                    batch = handle.query_directory(
                        "*", FileInformationClass.FILE_ID_FULL_DIRECTORY_INFORMATION, flags=flags
                    )
                except (NoMoreFiles, NoSuchFile):
                    break
                except (SMBException, OSError, ValueError) as exc:
                    raise _error(path or "/", exc) from None
                flags = 0
                for raw in batch:
                    name = raw["file_name"].get_value().decode("utf-16-le", "replace")
                    if name in (".", ".."):
                        continue
                    attributes = int(raw["file_attributes"].get_value())
                    entries.append(
                        Entry(
                            name=name,
                            is_dir=bool(attributes & FileAttributes.FILE_ATTRIBUTE_DIRECTORY),
                            size=int(raw["end_of_file"].get_value()),
                            mtime=_unix_time(raw["last_write_time"].get_value()),
                            reparse=bool(attributes & FileAttributes.FILE_ATTRIBUTE_REPARSE_POINT),
                        )
                    )
        finally:
            with suppress(Exception):
                handle.close(False)
        return entries

    def read(self, path: str, limit: int, sink: Callable[[bytes], None]) -> int:
        """Stream up to ``limit`` bytes of a file into ``sink``; returns the bytes read."""
        from smbprotocol.exceptions import SMBException

        handle = self._open(path, directory=False)
        done = 0
        try:
            size = int(handle.end_of_file or 0)
            wanted = min(size, limit)
            while done < wanted:
                try:
                    block = handle.read(done, min(self._max_read, wanted - done))
                except (SMBException, OSError, ValueError) as exc:
                    raise _error(path, exc) from None
                if not block:
                    break
                sink(block)
                done += len(block)
        finally:
            with suppress(Exception):
                handle.close(False)
        return done

    def walk(self, path: str, max_depth: int, errors: list[SmbError]) -> Iterator[tuple[str, Entry]]:
        """Files under ``path`` to ``max_depth`` levels, junctions not followed.

        A folder that cannot be listed is added to ``errors`` (unless it does not exist) and
        skipped; the walk goes on with the others.
        """
        stack = [(path.strip("/"), 0)]
        while stack:
            folder, depth = stack.pop()
            try:
                listing = self.listdir(folder)
            except SmbError as exc:
                if not exc.missing:
                    errors.append(exc)
                continue
            for entry in sorted(listing, key=lambda e: e.name.lower()):
                child = f"{folder}/{entry.name}" if folder else entry.name
                if entry.reparse:
                    continue
                if entry.is_dir:
                    if depth + 1 < max_depth:
                        stack.append((child, depth + 1))
                else:
                    yield child, entry
