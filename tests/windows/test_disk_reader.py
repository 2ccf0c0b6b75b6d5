"""The SMB disk reader's choices without a network: which places it lists, what it reads, budgets
and error entries, on an in-memory share that answers like smbprotocol (same NT statuses)."""

from __future__ import annotations

from collections.abc import Callable

from hisguard.scanners.credentials.rules import default_rules
from hisguard.scanners.windows.disk import Budget, DiskReader
from hisguard.scanners.windows.smb import Entry, SmbError, SmbShare, describe_status
from hisguard.scanners.windows.target import ShareRoot

DENIED = 0xC0000022
NOT_FOUND = 0xC0000034

CONFIG = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<configuration><appSettings>\n'
    b'<add key="UrlBHXH" value="https://egw.baohiemxahoi.gov.vn" />\n'
    b'<add key="UsernameBHXH" value="75901_BV" />\n'
    b'<add key="PasswordBHXH" value="Kt#9pLq2025!" />\n'
    b"</appSettings></configuration>\n"
)
TREE: dict[str, bytes | None] = {
    "Program Files (x86)/HIS Lab/HisClient.exe.config": CONFIG,
    "Program Files (x86)/HIS Lab/HisClient.exe": b"MZ" + b"\x00" * 4096,
    "Program Files/Common Files/system/x.config": CONFIG,  # Windows' own folder: never listed
    "Windows/System32/config/SOFTWARE": b"regf" + b"\x00" * 8192,
    "Users/ketoan/Desktop/ghi_chu.txt": b"Nho gui ho so XML truoc 17h\n",
    "Users/ketoan/Videos/phim.mp4": b"\x00" * 9000,
    "Users/Administrator/NTUSER.DAT": None,  # a folder the account may not list
    "XML130/GD_75901_001.xml": b"<?xml version='1.0'?><GIAMDINHHS><THONGTINDONVI/></GIAMDINHHS>\n",
}


class MemoryShare(SmbShare):
    def __init__(self, tree: dict[str, bytes | None], denied: frozenset[str] = frozenset()) -> None:
        self.name = "C$"
        self.tree = tree
        self.denied = {d.lower() for d in denied}
        self.listed: list[str] = []
        self.read_paths: list[str] = []

    def close(self) -> None:
        pass

    def listdir(self, path: str) -> list[Entry]:
        key = path.strip("/").lower()
        if key in self.denied:
            raise SmbError(
                f"{path}: {describe_status(DENIED)}", DENIED, where=path, reason=describe_status(DENIED)
            )
        self.listed.append(path)
        names: dict[str, Entry] = {}
        prefix = key + "/" if key else ""
        found = False
        for full, data in self.tree.items():
            low = full.lower()
            if not low.startswith(prefix):
                continue
            found = True
            rest = full[len(prefix) :]
            head, _, tail = rest.partition("/")
            if tail:
                names.setdefault(head, Entry(head, True, 0, 0, False))
            elif data is not None:
                names[head] = Entry(head, False, len(data), 1700000000, False)
        if not found:
            raise SmbError(f"{path}: {describe_status(NOT_FOUND)}", NOT_FOUND, where=path, reason="not found")
        return list(names.values())

    def read(self, path: str, limit: int, sink: Callable[[bytes], None]) -> int:
        data = next(v for k, v in self.tree.items() if k.lower() == path.strip("/").lower())
        assert data is not None
        self.read_paths.append(path)
        sink(data[:limit])
        return min(len(data), limit)


def read(
    tree: dict[str, bytes | None], budget: Budget | None = None, denied: frozenset[str] = frozenset()
) -> tuple[DiskReader, MemoryShare]:
    share = MemoryShare(tree, denied)
    reader = DiskReader("win-his-01", default_rules(), budget or Budget())
    reader.read_share(share, ShareRoot("C$", "C:"))
    reader.close()
    return reader, share


def test_known_places_only_and_names_before_bytes() -> None:
    reader, share = read(TREE, denied=frozenset({"Users/Administrator"}))
    assert set(share.read_paths) == {
        "Program Files (x86)/HIS Lab/HisClient.exe.config",
        "Users/ketoan/Desktop/ghi_chu.txt",
        "XML130/GD_75901_001.xml",
    }
    assert not any(p.startswith(("Windows", "Program Files/Common Files")) for p in share.listed)
    stats = reader.stats
    assert stats.files_read == 3 and stats.skipped_by_name >= 1
    assert "C:/Program Files (x86)/HIS Lab" in stats.places


def test_what_is_found_is_named_by_its_windows_path() -> None:
    reader, _ = read(TREE)
    secrets = [o for o in reader.result.observations if o.kind == "secret"]
    assert {o.path for o in secrets} == {"C:/Program Files (x86)/HIS Lab/HisClient.exe.config"}
    assert [c["path"] for c in reader.result.claims] == ["C:/XML130/GD_75901_001.xml"]
    # The scratch copy's mode and owner say nothing about the Windows file: they are dropped.
    assert reader.result.files and all(meta.get("mode") is None for meta in reader.result.files.values())


def test_a_denied_folder_is_an_error_entry_and_the_rest_goes_on() -> None:
    reader, share = read(TREE, denied=frozenset({"Users/Administrator"}))
    assert "C:/Users/Administrator: access denied (0xC0000022)" in reader.result.errors
    assert "Users/ketoan/Desktop/ghi_chu.txt" in share.read_paths


def test_budgets_stop_the_reading_and_say_so() -> None:
    reader, share = read(TREE, Budget(max_files=1))
    assert len(share.read_paths) == 1 and reader.stats.budget_hit == "file budget of 1 files"
    big = read(TREE, Budget(max_file_bytes=100))[0]
    assert any("too large" in e for e in big.result.errors)


def test_scratch_files_are_gone_after_reading() -> None:
    import os

    reader, _ = read(TREE)
    assert not os.path.exists(reader._scratch)
