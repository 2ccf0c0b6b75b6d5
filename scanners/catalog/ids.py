"""The check-id registry: every id the catalogs declare, filled by each catalog as it loads.

Configuration checks, credential rules and network risks (and any scanner added later) register
their entries here when their catalog is loaded (see ``catalog`` in
:mod:`hisguard.scanners.registry`). Waivers, reports and the role documentation ask this module
which ids exist, which family an id belongs to, and which checks a role's tag closes: nobody
crawls the catalogs' files or keeps a list of its own.

A family is the part of an id before its first "." or "-": ``H02`` for ``H02.1``, ``N01`` for
``N01.telnet``. :func:`covers` is the one rule for "this id or family names that check".
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from hisguard.scanners.errors import CatalogError

if TYPE_CHECKING:
    from hisguard.scanners.catalog import CheckMeta

_FAMILY = re.compile(r"^[A-Z]\d{2}")
_lock = threading.Lock()
_entries: dict[str, tuple[str, CheckMeta]] = {}  # id -> (catalog name, metadata)


def family(check_id: str) -> str:
    """``H02.1`` -> ``H02``, ``N01.telnet`` -> ``N01``, ``C01`` -> ``C01``."""
    return re.split(r"[.\-]", check_id, maxsplit=1)[0]


def covers(name: str, check_id: str) -> bool:
    """True when ``name`` is ``check_id`` or its family: ``H02`` covers ``H02.1`` and
    ``H02-root``, never ``H021``."""
    if check_id == name:
        return True
    return check_id.startswith(name) and len(check_id) > len(name) and check_id[len(name)] in ".-"


def register(catalog: str, metas: Iterable[CheckMeta]) -> None:
    """Record a loaded catalog's entries; an id two catalogs declare is a CatalogError."""
    with _lock:
        for meta in metas:
            if not _FAMILY.match(meta.id):
                raise CatalogError(f"{catalog}: check id {meta.id!r} does not start with a family like H02")
            owner = _entries.get(meta.id)
            if owner is not None and owner[0] != catalog:
                raise CatalogError(
                    f"{catalog}: check id {meta.id} is already declared by the {owner[0]} catalog"
                )
            _entries[meta.id] = (catalog, meta)


def load_all() -> None:
    """Load every registered scanner's catalog (each registers its entries as it loads)."""
    from hisguard.scanners.registry import ENTRIES

    for entry in ENTRIES:
        module_name, attribute = entry.catalog.split(":")
        getattr(importlib.import_module(module_name), attribute)()


def entries() -> Mapping[str, CheckMeta]:
    """id -> metadata of every catalog entry of every scanner."""
    load_all()
    with _lock:
        return {check_id: meta for check_id, (_, meta) in _entries.items()}


def catalog_of(check_id: str) -> str:
    """The catalog (scanner) that declares ``check_id``; KeyError when none does."""
    load_all()
    with _lock:
        return _entries[check_id][0]


def check_ids() -> frozenset[str]:
    return frozenset(entries())


def families() -> frozenset[str]:
    return frozenset(family(check_id) for check_id in entries())


def known_ids() -> frozenset[str]:
    """Every id a waiver, report or role may name: the entries and their families."""
    return check_ids() | families()


def is_known(name: str, known: Iterable[str] | None = None) -> bool:
    """An entry id, or a family that covers at least one entry."""
    pool = check_ids() if known is None else frozenset(known)
    return any(covers(name, check_id) for check_id in pool)


def closed_by(role: str, tag: str | None = None, effect: str | None = None) -> list[str]:
    """The ids whose fix names ``role`` (and ``tag``, when given; only those whose entry says
    ``effect``, "fixes" or "mitigates", when given), in id order."""
    found = [
        check_id
        for check_id, meta in entries().items()
        if meta.remediation.role == role
        and (tag is None or tag in meta.remediation.tags)
        and (effect is None or meta.remediation.effect == effect)
    ]
    return sorted(found)
