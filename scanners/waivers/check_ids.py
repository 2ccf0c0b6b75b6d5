"""The check ids a waiver may name: every catalog entry of the scanners, plus the check families.

Catalog entries (configuration checks, credential rules, network risks) are data files in the
scanner packages; every mapping there with ``id``, ``severity`` and ``title`` is an entry (see
docs/contributing.md, "Catalog entry shape"). Reading the data rather than importing each
scanner's code keeps this independent of how each scanner loads its own catalog.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import yaml

from hisguard.scanners.errors import CatalogError

CATALOG_PACKAGES = ("hisguard.scanners.config", "hisguard.scanners.credentials", "hisguard.scanners.network")

# The families of /work/shared/domain/checks.md (H04 and H11 are not defined there).
FAMILY_IDS = frozenset(
    [f"C{n:02d}" for n in range(1, 11)]
    + ["D01", "D02", "D03"]
    + [f"H{n:02d}" for n in range(1, 15) if n not in (4, 11)]
    + ["N01", "N02", "N03", "N04"]
)


@cache
def catalog_ids() -> frozenset[str]:
    """Ids of every catalog entry shipped in the scanner packages that are installed."""
    ids: set[str] = set()
    for package in CATALOG_PACKAGES:
        try:
            root = resources.files(package)
        except ModuleNotFoundError:
            continue  # that scanner is not part of this installation
        for path in _yaml_files(root):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise CatalogError(
                    f"{package}: {path.name}: unreadable catalog file ({type(exc).__name__})"
                ) from None
            ids.update(_entry_ids(data))
    return frozenset(ids)


def known_check_ids() -> frozenset[str]:
    return FAMILY_IDS | catalog_ids()


def is_known(check: str, known: frozenset[str]) -> bool:
    """A known id, or a family of one (``H02`` when the catalog has ``H02.1``)."""
    if check in known:
        return True
    return any(k.startswith(check) and not k[len(check)].isalnum() for k in known if len(k) > len(check))


def _yaml_files(root: Traversable) -> Iterator[Traversable]:
    for item in root.iterdir():
        if item.is_dir():
            if item.name != "__pycache__":
                yield from _yaml_files(item)
        elif item.name.endswith((".yml", ".yaml")):
            yield item


def _entry_ids(data: Any) -> Iterator[str]:
    if isinstance(data, Mapping):
        if isinstance(data.get("id"), str) and "severity" in data and "title" in data:
            yield data["id"]
            return
        for value in data.values():
            yield from _entry_ids(value)
    elif isinstance(data, list):
        for item in data:
            yield from _entry_ids(item)
