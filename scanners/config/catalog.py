"""The configuration check catalog: ``checks/<id>.yml`` metadata joined to registered code.

Loading refuses, naming the check, any entry that :func:`scanners.catalog.parse_metadata`
refuses (unknown role, tag or reference, missing vi/en text, id not equal to the file name) and
also: unknown keys, Vietnamese text without Vietnamese letters, unknown host groups, metadata
without code, code without metadata, and code that reads an unknown fact section.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from hisguard.scanners.catalog import CheckMeta, ids, parse_metadata
from hisguard.scanners.config.model import CheckCode, registered
from hisguard.scanners.config.sections import SECTIONS
from hisguard.scanners.errors import CatalogError
from hisguard.scanners.inventory import FUNCTION_GROUPS

SCANNER = "config"
CHECKS_DIR = Path(__file__).parent / "checks"
CHECK_ID = re.compile(r"^H\d{2}\.\d+$")


@dataclass(frozen=True)
class Check:
    meta: CheckMeta
    code: CheckCode

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def family(self) -> str:
        return ids.family(self.meta.id)

    def applies_to(self, groups: Iterable[str]) -> bool:
        """True when the host is in one of the check's groups.

        A host in no function group at all gets only the checks meant for every group.
        """
        host_groups = set(groups) & set(FUNCTION_GROUPS)
        if not host_groups:
            return set(FUNCTION_GROUPS) <= set(self.meta.groups)
        return bool(host_groups & set(self.meta.groups))


def load_checks(directory: Path | None = None, code: Mapping[str, CheckCode] | None = None) -> list[Check]:
    """Every check of ``directory`` (default: the package's), validated, in id order."""
    folder = directory or CHECKS_DIR
    code = registered() if code is None else code
    checks = []
    seen = set()
    for path in sorted(folder.glob("*.yml")):
        check_id = path.stem
        where = f"check {check_id} ({path.name})"
        if not CHECK_ID.match(check_id):
            raise CatalogError(f"{where}: file name is not a check id like H02.1")
        entry = _read(path, where)
        meta = _validate(entry, where, check_id)
        if check_id not in code:
            raise CatalogError(f"{where}: no code registered for this check")
        unknown = [name for name in code[check_id].needs if name not in SECTIONS]
        if unknown:
            raise CatalogError(f"{where}: code reads unknown fact sections {unknown}")
        checks.append(Check(meta, code[check_id]))
        seen.add(check_id)
    orphans = sorted(set(code) - seen)
    if orphans:
        raise CatalogError(f"check {orphans[0]}: code registered but {orphans[0]}.yml is missing")
    return sorted(checks, key=lambda c: _sort_key(c.id))


@cache
def catalog() -> tuple[Check, ...]:
    """The package's checks, loaded and validated once per process (and registered: catalog.ids)."""
    checks = tuple(load_checks())
    ids.register(SCANNER, (c.meta for c in checks))
    return checks


def select(
    checks: Iterable[Check],
    *,
    check_ids: Iterable[str] | None = None,
    role: str | None = None,
    tags: Iterable[str] | None = None,
) -> list[Check]:
    """Checks by id (a family id like H02 selects its members), fixing role, and fixing tags."""
    chosen = list(checks)
    if check_ids is not None:
        wanted = list(check_ids)
        unknown = [w for w in wanted if not any(ids.covers(w, c.id) for c in chosen)]
        if unknown:
            raise CatalogError(f"unknown check id {unknown[0]!r}")
        chosen = [c for c in chosen if any(ids.covers(w, c.id) for w in wanted)]
    if role is not None:
        chosen = [c for c in chosen if c.meta.remediation.role == role]
    if tags is not None:
        wanted_tags = set(tags)
        chosen = [c for c in chosen if wanted_tags & set(c.meta.remediation.tags)]
    return chosen


def _read(path: Path, where: str) -> Mapping[str, Any]:
    try:
        entry = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{where}: cannot read ({str(exc).splitlines()[0]})") from None
    if not isinstance(entry, Mapping):
        raise CatalogError(f"{where}: not a mapping")
    return entry


def _validate(entry: Mapping[str, Any], where: str, check_id: str) -> CheckMeta:
    meta = parse_metadata(entry, where, expected_id=check_id, extra_keys=("groups",))
    if not meta.groups:
        raise CatalogError(f"{where}: groups is missing (one or more of {', '.join(FUNCTION_GROUPS)})")
    bad = [g for g in meta.groups if g not in FUNCTION_GROUPS]
    if bad:
        raise CatalogError(f"{where}: unknown group {bad[0]!r}")
    return meta


def _sort_key(check_id: str) -> tuple[int, int]:
    family, _, number = check_id[1:].partition(".")
    return int(family), int(number)
