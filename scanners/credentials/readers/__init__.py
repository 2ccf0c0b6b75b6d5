"""Readers for files that hold other files: archives, Office documents (and, in :mod:`stores`,
browser stores).

The one entry point is :func:`read`: given a file's name and its bytes (or a seekable binary
stream), it yields :class:`Part` objects, each a member path (``outer.zip!inner/file.xlsx!Sheet1``)
with text, table rows or an error. It decides nothing about credentials: the caller prefilters
and judges the parts as it would a file. Every outer file is read under one :class:`Limits`
budget (depth, members, bytes, ratio); a bomb, a too-deep nesting or a damaged file is an error
part, never a hang or an out-of-memory.

Standard library only (zipfile, tarfile, zlib, xml.parsers.expat, sqlite3, json), Python 3.9+:
the collector that runs on a scanned host over SSH (``python3 -``) carries these modules with it
(:func:`bundle`), and the Windows share reader uses the same calls.
"""

from __future__ import annotations

from importlib import resources

from hisguard.scanners.credentials.readers import fold, stores
from hisguard.scanners.credentials.readers.archives import CONTAINER_SUFFIXES, is_container, kind_of, read
from hisguard.scanners.credentials.readers.limits import Bound, Budget, Limits
from hisguard.scanners.credentials.readers.parts import SEPARATOR, Part, member_path

# The package's modules in import order (each imports only the ones before it).
MODULES = ("limits", "parts", "fold", "xmlsafe", "office", "archives", "stores")
PACKAGE = __name__
PARENTS = ("hisguard", "hisguard.scanners", "hisguard.scanners.credentials")


def bundle(main_source: bytes, main_name: str) -> bytes:
    """A script for ``python3 -`` that installs this package in ``sys.modules`` under its own
    name, then runs ``main_source`` as ``__main__``: the remote host needs no hisguard installed
    and nothing is written to its disk."""
    files = resources.files(PACKAGE)
    sources = {name: files.joinpath(name + ".py").read_text("utf-8") for name in MODULES}
    sources["__init__"] = _REMOTE_INIT
    lines = [
        "import sys, types",
        "def _install(name, source, package):",
        "    module = types.ModuleType(name)",
        "    module.__package__ = package",
        "    sys.modules[name] = module",
        "    exec(compile(source, name.replace('.', '/') + '.py', 'exec'), module.__dict__)",
        "    return module",
        "for _parent in " + repr(PARENTS) + ":",
        "    _module = types.ModuleType(_parent)",
        "    _module.__path__ = []",
        "    sys.modules.setdefault(_parent, _module)",
        "_package = types.ModuleType(" + repr(PACKAGE) + ")",
        "_package.__path__ = []",
        "_package.__package__ = " + repr(PACKAGE),
        "sys.modules[" + repr(PACKAGE) + "] = _package",
        "setattr(sys.modules[" + repr(PARENTS[-1]) + "], 'readers', _package)",
    ]
    for name in MODULES:
        full = f"{PACKAGE}.{name}"
        lines.append(f"setattr(_package, {name!r}, _install({full!r}, {sources[name]!r}, {PACKAGE!r}))")
    lines.append(f"exec(compile({sources['__init__']!r}, {PACKAGE!r}, 'exec'), _package.__dict__)")
    main = main_source.decode("utf-8")
    lines.append(f"exec(compile({main!r}, {main_name!r}, 'exec'), {{'__name__': '__main__'}})")
    return ("\n".join(lines) + "\n").encode("utf-8")


# On a remote host the package's __init__ only re-exports (no importlib.resources there).
_REMOTE_INIT = (
    "from hisguard.scanners.credentials.readers import fold, stores\n"
    "from hisguard.scanners.credentials.readers.archives import"
    " CONTAINER_SUFFIXES, is_container, kind_of, read\n"
    "from hisguard.scanners.credentials.readers.limits import Bound, Budget, Limits\n"
    "from hisguard.scanners.credentials.readers.parts import SEPARATOR, Part, member_path\n"
)

__all__ = [
    "CONTAINER_SUFFIXES",
    "SEPARATOR",
    "Bound",
    "Budget",
    "Limits",
    "Part",
    "bundle",
    "fold",
    "is_container",
    "kind_of",
    "member_path",
    "read",
    "stores",
]
