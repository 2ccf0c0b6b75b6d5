"""Collecting a Windows disk over SMB through the same judge as a Linux host, within a budget.

Known places (``roots``) are listed, files are picked by name and size before a byte is read,
and each picked file is streamed into a private memory-backed folder, judged by the credential
collector and judge exactly as a local file would be, then deleted. Only observations (redacted
by the judge) leave this module; records name the Windows path (``C:/Users/...``). Per-host
budgets (files, bytes, seconds) stop the reading; the stats say what was listed, read and skipped.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hisguard.scanners.credentials import collect
from hisguard.scanners.credentials.judge import Judge
from hisguard.scanners.credentials.local import absorb, collector_settings
from hisguard.scanners.credentials.report import HostResult
from hisguard.scanners.credentials.rules import RuleSet
from hisguard.scanners.windows import roots as places
from hisguard.scanners.windows.smb import Entry, SmbError, SmbShare
from hisguard.scanners.windows.target import ShareRoot


@dataclass(frozen=True)
class Budget:
    """What one host may cost: files read, bytes read, seconds, and the largest file read."""

    max_files: int = 5000
    max_bytes: int = 512 * 1024 * 1024
    max_seconds: float = 600.0
    max_file_bytes: int = 64 * 1024 * 1024


@dataclass
class ReadStats:
    folders_listed: int = 0
    files_seen: int = 0
    files_read: int = 0
    bytes_read: int = 0
    bytes_seen: int = 0  # sizes of every file listed in the places visited
    skipped_by_name: int = 0
    skipped_too_large: int = 0
    budget_hit: str = ""
    places: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "folders_listed": self.folders_listed,
            "files_seen": self.files_seen,
            "files_read": self.files_read,
            "bytes_read": self.bytes_read,
            "bytes_seen": self.bytes_seen,
            "skipped_by_name": self.skipped_by_name,
            "skipped_too_large": self.skipped_too_large,
            "budget_hit": self.budget_hit,
            "places": list(self.places),
        }


class BudgetSpent(Exception):
    pass


def _scratch_dir() -> str:
    # Memory-backed when the machine has it: what is read never lands on a disk here.
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    return tempfile.mkdtemp(prefix="hisguard-smb-", dir=base)


class DiskReader:
    """Reads one host's shares; every record goes into ``result`` through the judge."""

    def __init__(self, host: str, rules: RuleSet, budget: Budget, judge: Judge | None = None) -> None:
        self.host = host
        self.budget = budget
        self.judge = judge or Judge(rules)
        self.result = HostResult(host=host)
        self.stats = ReadStats()
        self._started = time.monotonic()
        self._scratch = _scratch_dir()
        os.chmod(self._scratch, 0o700)
        settings = collector_settings(rules, [self._scratch], max_bytes=budget.max_file_bytes, xdev=False)
        self._settings = collect.Settings(settings)

    def close(self) -> None:
        shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self) -> DiskReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- budgets -------------------------------------------------------------------------------

    def _check_budget(self) -> None:
        if self.stats.budget_hit:
            raise BudgetSpent
        spent = time.monotonic() - self._started
        if spent > self.budget.max_seconds:
            self.stats.budget_hit = f"time budget of {self.budget.max_seconds:g} s"
        elif self.stats.files_read >= self.budget.max_files:
            self.stats.budget_hit = f"file budget of {self.budget.max_files} files"
        elif self.stats.bytes_read >= self.budget.max_bytes:
            self.stats.budget_hit = f"byte budget of {self.budget.max_bytes} bytes"
        if self.stats.budget_hit:
            raise BudgetSpent

    # --- the places ------------------------------------------------------------------------------

    def read_share(self, share: SmbShare, where: ShareRoot) -> None:
        """Every known place of one share (a drive's admin share, or a named data share)."""
        try:
            if where.root.endswith(":"):
                for root in self._drive_roots(share, where):
                    self._read_root(share, where, root)
            else:
                self._read_root(
                    share,
                    where,
                    places.Root("", 4, places.DOCUMENT_SUFFIXES + places.CLAIM_SUFFIXES, "shared folder"),
                )
        except BudgetSpent:
            pass

    def _list(self, share: SmbShare, where: ShareRoot, path: str) -> list[Entry]:
        self._check_budget()
        try:
            entries = share.listdir(path)
        except SmbError as exc:
            if not exc.missing:
                self._error(where, path, exc.reason)
            return []
        self.stats.folders_listed += 1
        return entries

    def _drive_roots(self, share: SmbShare, where: ShareRoot) -> Iterator[places.Root]:
        top = {e.name.lower(): e for e in self._list(share, where, "") if e.is_dir}
        for web in places.WEB_ROOTS:
            if web.split("/")[0] in top:
                yield places.Root("inetpub", 6, places.CONFIG_SUFFIXES, "IIS web roots")
                break
        for parent in places.VENDOR_PARENTS:
            if parent.lower() not in top:
                continue
            for entry in self._list(share, where, top[parent.lower()].name):
                if entry.is_dir and not entry.reparse and places.is_vendor_folder(entry.name):
                    yield places.Root(
                        f"{top[parent.lower()].name}/{entry.name}", 4, places.CONFIG_SUFFIXES, "vendor folder"
                    )
        if "users" in top:
            yield from self._user_roots(share, where, top["users"].name)
        for name, entry in sorted(top.items()):
            if entry.reparse or name in ("users", "windows", "program files", "program files (x86)"):
                continue
            if name not in ("programdata", "inetpub") and places.is_export_folder(entry.name):
                yield places.Root(
                    entry.name, 4, places.CLAIM_SUFFIXES + places.CONFIG_SUFFIXES, "data folder"
                )

    def _user_roots(self, share: SmbShare, where: ShareRoot, users: str) -> Iterator[places.Root]:
        for user in self._list(share, where, users):
            if not user.is_dir or user.reparse or user.name.lower() in places.SKIP_USERS:
                continue
            home = f"{users}/{user.name}"
            # A profile that cannot be listed is reported once, and skipped.
            if not self._list(share, where, home):
                continue
            for folder in places.USER_FOLDERS:
                yield places.Root(f"{home}/{folder}", 3, places.DOCUMENT_SUFFIXES, "user folder")
            yield places.Root(f"{home}/{places.PSREADLINE}", 0, (), "PowerShell history")
            for browser, data in places.BROWSERS:
                for profile in self._list(share, where, f"{home}/{data}"):
                    if profile.is_dir and places.is_profile(profile.name):
                        for name in places.BROWSER_FILES:
                            yield places.Root(
                                f"{home}/{data}/{profile.name}/{name}", 0, (), f"{browser} profile"
                            )
            for profile in self._list(share, where, f"{home}/{places.FIREFOX_PROFILES}"):
                if profile.is_dir:
                    for name in places.FIREFOX_FILES:
                        path = f"{home}/{places.FIREFOX_PROFILES}/{profile.name}/{name}"
                        yield places.Root(path, 0, (), "Firefox profile")
            for tool in places.REMOTE_TOOL_DIRS:
                yield places.Root(f"{home}/{tool}", 1, places.CONFIG_SUFFIXES, "remote-tool settings")

    def _read_root(self, share: SmbShare, where: ShareRoot, root: places.Root) -> None:
        if root.depth == 0:
            # A known file: read it if it is there (most are not, on most PCs).
            self._read_known_file(share, where, root)
            return
        errors: list[SmbError] = []
        self._check_budget()
        label = f"{where.root}/{root.path}".rstrip("/")
        listed = False
        for path, entry in share.walk(root.path, root.depth, errors):
            if not listed:
                self.stats.places.append(label)
                listed = True
            self.stats.files_seen += 1
            self.stats.bytes_seen += entry.size
            if not places.wanted(entry.name, root.suffixes):
                self.stats.skipped_by_name += 1
                continue
            self._read_file(share, where, path, entry.size, entry.mtime)
        for error in errors:
            self._error(where, error.where.strip("/"), error.reason)

    def _read_known_file(self, share: SmbShare, where: ShareRoot, root: places.Root) -> None:
        parent, _, name = root.path.rpartition("/")
        for entry in self._list(share, where, parent):
            if entry.name.lower() == name.lower() and not entry.is_dir:
                self.stats.places.append(f"{where.root}/{root.path}")
                self.stats.files_seen += 1
                self.stats.bytes_seen += entry.size
                self._read_file(share, where, f"{parent}/{entry.name}", entry.size, entry.mtime)
                return

    # --- one file ------------------------------------------------------------------------------

    def _read_file(self, share: SmbShare, where: ShareRoot, path: str, size: int, mtime: int) -> None:
        self._check_budget()
        shown = f"{where.root}/{path}"
        if size > self.budget.max_file_bytes:
            self.stats.skipped_too_large += 1
            absorb(self.result, {"t": "skipped", "path": shown, "why": "too large", "size": size}, self.judge)
            return
        local = Path(self._scratch, *[part for part in path.split("/") if part not in ("", ".", "..")])
        local.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(local, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
            try:
                read = share.read(
                    path, min(size, self.budget.max_file_bytes), lambda block: _write_all(fd, block)
                )
            finally:
                os.close(fd)
        except SmbError as exc:
            local.unlink(missing_ok=True)
            if not exc.missing:
                self._error(where, path, exc.reason)
            return
        self.stats.files_read += 1
        self.stats.bytes_read += read
        try:
            os.utime(local, (mtime, mtime))
            for record in collect.scan_file(str(local), self._settings):
                self._absorb(record, str(local), shown)
        finally:
            local.unlink(missing_ok=True)

    def _absorb(self, record: dict[str, Any], local: str, shown: str) -> None:
        path = str(record.get("path") or "")
        if path == local or path.startswith(local + "!"):  # the file, or a member of it (book.xlsx!Sheet1)
            record["path"] = shown + path[len(local) :]
        # Mode and owner are the scratch copy's, not the Windows file's (its ACL is not read).
        for key in ("mode", "uid", "gid"):
            record.pop(key, None)
        absorb(self.result, record, self.judge)

    def _error(self, where: ShareRoot, path: str, message: str) -> None:
        shown = f"{where.root}/{path}".rstrip("/") if path else where.root
        self.result.errors.append(f"{shown}: {message}")


def _write_all(fd: int, block: bytes) -> None:
    view = memoryview(block)
    while view:
        written = os.write(fd, view)
        view = view[written:]
