"""The numbered demands of the four letters (``demands.yml``), validated as they load.

Each demand names its letter by regulation catalog key, the checks whose results show it met and
the kinds of evidence that do. A wrong key, an unknown check id or evidence kind, a duplicate
item or a missing Vietnamese text is a one-line :class:`CatalogError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from hisguard.scanners.catalog import ids, regulations
from hisguard.scanners.errors import CatalogError
from hisguard.scanners.findings import Text
from hisguard.scanners.safeload import load_yaml_text

EVIDENCE_KINDS = ("scan", "register", "manual")
FILE = "demands.yml"


@dataclass(frozen=True)
class Demand:
    letter: str  # regulation catalog key
    item: int
    text: Text
    checks: tuple[str, ...]
    evidence: tuple[str, ...]
    numbered: bool  # the item number is the letter's own (else: the catalog summary's order)


def parse(data: Any, where: str = FILE) -> tuple[Demand, ...]:
    if not isinstance(data, Mapping) or not data:
        raise CatalogError(f"{where}: must map regulation keys to their demands")
    catalog = regulations()
    demands: list[Demand] = []
    for key, entry in data.items():
        here = f"{where}: {key}"
        regulation = catalog.get(str(key))
        if regulation is None:
            raise CatalogError(f"{here}: not a key of the regulation catalog")
        if regulation.confidence != "letter":
            raise CatalogError(f"{here}: only the letters hisguard answers have demands")
        if not isinstance(entry, Mapping) or set(entry) != {"numbered", "items"}:
            raise CatalogError(f"{here}: needs exactly 'numbered' and 'items'")
        if not isinstance(entry["numbered"], bool):
            raise CatalogError(f"{here}: numbered must be true or false")
        items = entry["items"]
        if not isinstance(items, list) or not items:
            raise CatalogError(f"{here}: items must be a non-empty list")
        seen: set[int] = set()
        for index, item in enumerate(items):
            demand = _demand(str(key), item, f"{here}: items[{index}]", entry["numbered"])
            if demand.item in seen:
                raise CatalogError(f"{here}: item {demand.item} is declared twice")
            seen.add(demand.item)
            demands.append(demand)
    return tuple(demands)


def _demand(letter: str, item: Any, where: str, numbered: bool) -> Demand:
    keys = {"item", "demand", "checks", "evidence"}
    if not isinstance(item, Mapping) or set(item) != keys:
        raise CatalogError(f"{where}: needs exactly {', '.join(sorted(keys))}")
    number = item["item"]
    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 100:
        raise CatalogError(f"{where}: item must be a number from 1 to 99")
    text = item["demand"]
    if not isinstance(text, Mapping) or set(text) != {"vi", "en"}:
        raise CatalogError(f"{where}: demand needs vi and en")
    if not all(isinstance(text[lang], str) and text[lang].strip() for lang in ("vi", "en")):
        raise CatalogError(f"{where}: demand vi and en must be non-empty text")
    checks = item["checks"]
    if not isinstance(checks, list) or not all(isinstance(c, str) for c in checks):
        raise CatalogError(f"{where}: checks must be a list of check ids")
    for name in checks:
        if not ids.is_known(name):
            raise CatalogError(f"{where}: {name!r} is not a known check id or family")
    evidence = item["evidence"]
    if not isinstance(evidence, list) or not evidence or not all(e in EVIDENCE_KINDS for e in evidence):
        raise CatalogError(f"{where}: evidence must be a non-empty list of {', '.join(EVIDENCE_KINDS)}")
    if "scan" in evidence and not checks:
        raise CatalogError(f"{where}: evidence 'scan' needs the checks that show it")
    return Demand(
        letter=letter,
        item=number,
        text=Text(vi=text["vi"].strip(), en=text["en"].strip()),
        checks=tuple(checks),
        evidence=tuple(evidence),
        numbered=numbered,
    )


@cache
def demands() -> tuple[Demand, ...]:
    text = resources.files("hisguard.reports.documents").joinpath(FILE).read_text(encoding="utf-8")
    return parse(load_yaml_text(text, FILE, dates=False))
