"""Zip, tar and gzip (and what they nest: .tar.gz, an .xlsx in a .zip in a .tgz), bounded.

Sizes written in an archive's headers are whatever its maker chose, so none is trusted: every
member is expanded through :func:`limits.read_bounded`, which counts the bytes really produced
against the member, ratio and whole-file bounds. Damage (a bad CRC, a truncated stream, a
directory that does not add up) is an error part for that member or file, and the walk goes on.
"""

from __future__ import annotations

import io
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO

from hisguard.scanners.credentials.readers import xmlsafe
from hisguard.scanners.credentials.readers.limits import Bound, Budget, Limits, check_ratio, read_bounded
from hisguard.scanners.credentials.readers.office import office_kind, read_office
from hisguard.scanners.credentials.readers.parts import Part, error, member_path

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
GZIP_MAGIC = b"\x1f\x8b"
EOCD = b"PK\x05\x06"
EOCD_SIZE = 22
BLOCK = 1024 * 1024
# Names read as containers when met on disk. Inside a container, members are recognised by
# their first bytes as well.
CONTAINER_SUFFIXES = (
    ".zip",
    ".xlsx",
    ".xlsm",
    ".docx",
    ".docm",
    ".ods",
    ".odt",
    ".tar",
    ".tgz",
    ".tar.gz",
    ".gz",
)
# Members never worth expanding: media, fonts, compiled code (no credential is typed there).
SKIP_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".bmp",
    ".ico",
    ".tif",
    ".tiff",
    ".webp",
    ".emf",
    ".wmf",
    ".mp3",
    ".mp4",
    ".avi",
    ".wav",
    ".woff",
    ".woff2",
    ".ttf",
    ".otf",
    ".exe",
    ".dll",
    ".so",
    ".class",
    ".pyc",
    ".o",
)
DAMAGE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    tarfile.TarError,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
)


class Damaged(Exception):
    pass


def is_container(name: str) -> bool:
    return name.lower().endswith(CONTAINER_SUFFIXES)


def kind_of(head: bytes) -> str | None:
    """``zip``, ``gzip`` or ``tar`` from a file's first 512 bytes, or None."""
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    return None


def read(path: str, source: bytes | IO[bytes], limits: Limits | None = None) -> Iterator[Part]:
    """The parts of the container ``path`` (a label: the file's path or a share's name).

    ``source``: the file's bytes, or a seekable binary stream positioned at its start.
    """
    budget = Budget(limits or Limits())
    stream: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        head = stream.read(512)
        stream.seek(0)
        kind = kind_of(head)
        if kind is None:
            yield error(path, "not a zip, gzip or tar file (damaged or misnamed)")
            return
        yield from _dispatch(path, kind, stream, budget, 1)
    except Bound as exc:
        yield error(path, str(exc))
    except DAMAGE as exc:
        yield error(path, f"damaged container ({type(exc).__name__})")


def _dispatch(label: str, kind: str, stream: IO[bytes], budget: Budget, depth: int) -> Iterator[Part]:
    if kind == "zip":
        yield from _zip(label, stream, budget, depth)
    elif kind == "tar":
        yield from _tar(label, stream, budget, depth)
    else:
        yield from _gzip(label, stream, budget, depth)


def _member(outer: str, name: str, data: bytes, budget: Budget, depth: int) -> Iterator[Part]:
    """A member's bytes: a text part, or (a container itself) the parts inside it."""
    path = member_path(outer, name)
    kind = kind_of(data[:512])
    if kind is None:
        yield Part("text", path, data=data)
        return
    if depth >= budget.limits.max_depth:
        yield error(path, f"containers nested more than {budget.limits.max_depth} deep: not read")
        return
    try:
        yield from _dispatch(path, kind, io.BytesIO(data), budget, depth + 1)
    except Bound as exc:
        if exc.fatal:
            raise
        yield error(path, str(exc))
    except DAMAGE as exc:
        yield error(path, f"damaged container ({type(exc).__name__})")


# --- zip --------------------------------------------------------------------------------------


def _directory_size(stream: IO[bytes]) -> int | None:
    """The size a zip's end record gives its central directory (None: no end record found)."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    tail_size = min(size, EOCD_SIZE + 65535)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    stream.seek(0)
    at = tail.rfind(EOCD)
    if at < 0 or len(tail) - at < EOCD_SIZE:
        return None
    directory_size: int = struct.unpack("<L", tail[at + 12 : at + 16])[0]
    return directory_size


def _zip(label: str, stream: IO[bytes], budget: Budget, depth: int) -> Iterator[Part]:
    directory = _directory_size(stream)
    if directory is not None and directory > budget.limits.max_directory_bytes:
        yield error(label, "zip directory too large (too many members): not read")
        return
    try:
        archive = zipfile.ZipFile(stream)
    except (*DAMAGE, NotImplementedError, KeyError) as exc:
        yield error(label, f"damaged zip archive ({type(exc).__name__})")
        return
    with archive:
        try:
            office = office_kind(archive)
        except (*DAMAGE, NotImplementedError, KeyError, RuntimeError) as exc:
            yield error(label, f"damaged zip archive ({type(exc).__name__})")
            return
        if office:
            yield from _office(label, archive, office, budget)
            return
        for info in archive.infolist():
            if info.is_dir():
                continue
            budget.member()
            path = member_path(label, info.filename)
            if info.filename.lower().endswith(SKIP_SUFFIXES):
                continue
            if info.flag_bits & 0x1:
                yield error(path, "encrypted member: not read")
                continue
            try:
                with archive.open(info) as member:
                    data = read_bounded(member, budget, info.compress_size)
            except Bound as exc:
                if exc.fatal:
                    raise
                yield error(path, str(exc))
                continue
            except (*DAMAGE, NotImplementedError, RuntimeError) as exc:
                yield error(path, f"damaged member ({type(exc).__name__})")
                continue
            yield from _member(label, info.filename, data, budget, depth)


def _office(label: str, archive: zipfile.ZipFile, kind: str, budget: Budget) -> Iterator[Part]:
    """An Office document's parts; any damage or refusal makes the whole document one error."""
    try:
        parts = list(read_office(label, archive, kind, budget))
    except Bound as exc:
        if exc.fatal:
            raise
        yield error(label, str(exc))
        return
    except xmlsafe.Refused as exc:
        yield error(label, f"{kind} document: {exc}")
        return
    except (*DAMAGE, NotImplementedError, KeyError, RuntimeError) as exc:
        yield error(label, f"damaged {kind} document ({type(exc).__name__})")
        return
    yield from parts


# --- tar --------------------------------------------------------------------------------------


def _tar(label: str, stream: IO[bytes], budget: Budget, depth: int) -> Iterator[Part]:
    try:
        archive = tarfile.open(fileobj=stream, mode="r:")  # noqa: SIM115 (closed below)
    except DAMAGE as exc:
        yield error(label, f"damaged tar archive ({type(exc).__name__})")
        return
    with archive:
        yield from _tar_members(label, archive, budget, depth)


def _tar_members(label: str, archive: tarfile.TarFile, budget: Budget, depth: int) -> Iterator[Part]:
    limit = budget.limits.max_member_bytes
    while True:
        try:
            info = archive.next()
        except (*DAMAGE, UnicodeError) as exc:
            yield error(label, f"damaged tar archive ({type(exc).__name__}): the rest was not read")
            return
        if info is None:
            return
        budget.member()
        if not info.isreg() or info.name.lower().endswith(SKIP_SUFFIXES):
            continue
        path = member_path(label, info.name)
        if info.size > limit:
            yield error(path, f"member larger than {limit >> 20} MiB: not read")
            continue
        try:
            member = archive.extractfile(info)
            data = read_bounded(member, budget, None) if member is not None else b""
        except Bound as exc:
            if exc.fatal:
                raise
            yield error(path, str(exc))
            continue
        except DAMAGE as exc:
            yield error(path, f"damaged member ({type(exc).__name__})")
            continue
        yield from _member(label, info.name, data, budget, depth)


# --- gzip -------------------------------------------------------------------------------------


def gunzip(stream: IO[bytes], budget: Budget) -> tuple[bytes, bool]:
    """The expanded bytes of a gzip stream (all its members) and whether it ended properly."""
    limits = budget.limits
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out: list[bytes] = []
    got = 0
    consumed = 0
    while True:
        chunk = stream.read(BLOCK)
        if not chunk:
            return b"".join(out), inflater.eof
        consumed += len(chunk)
        data = chunk
        while data:
            piece = inflater.decompress(data, BLOCK)
            if piece:
                got += len(piece)
                budget.charge(len(piece))
                if got > limits.max_member_bytes:
                    limit = limits.max_member_bytes >> 20
                    raise Bound(f"gzip stream expands to more than {limit} MiB: not read")
                check_ratio(got, consumed, limits)
                out.append(piece)
            data = inflater.unconsumed_tail
            if inflater.eof:
                rest = inflater.unused_data
                if not rest.startswith(GZIP_MAGIC):
                    return b"".join(out), True  # trailing padding after the last member
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                data = rest


def _gunzipped_name(label: str) -> str:
    name = label.rsplit("/", 1)[-1].rsplit("!", 1)[-1]
    low = name.lower()
    if low.endswith(".tgz"):
        return name[:-4] + ".tar"
    if low.endswith(".gz"):
        return name[:-3]
    return name


def _gzip(label: str, stream: IO[bytes], budget: Budget, depth: int) -> Iterator[Part]:
    try:
        data, complete = gunzip(stream, budget)
    except zlib.error:
        yield error(label, "damaged gzip stream")
        return
    if not complete:
        yield error(label, "truncated gzip stream: only its start was read")
    kind = kind_of(data[:512])
    if kind == "tar":
        # x.tar.gz is one container to a person: its members are x.tar.gz!member.
        yield from _tar(label, io.BytesIO(data), budget, depth)
        return
    yield from _member(label, _gunzipped_name(label), data, budget, depth)
