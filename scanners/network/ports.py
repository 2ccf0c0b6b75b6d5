"""The TCP port set a scan probes: the curated default (``ports.yml``) or a ``--ports`` override.

A port spec reaches nmap's command line, so it is parsed into numbers here and rebuilt; nothing
the user types is passed through as text.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

import yaml

from hisguard.scanners.errors import CatalogError, HisguardError

# libyaml when present: the pure-Python parser costs a tenth of a second per scan.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_ITEM = re.compile(r"^(\d{1,5})(?:-(\d{1,5}))?$")


class PortSpecError(HisguardError):
    """A --ports value that is not a list of TCP ports and ranges."""


def parse_port_spec(spec: str, where: str = "--ports") -> tuple[int, ...]:
    """``"22,80,5900-5903"`` -> sorted unique port numbers; anything else is refused."""
    ports: set[int] = set()
    items = [item.strip() for item in spec.split(",")]
    if not spec.strip() or any(not item for item in items):
        raise PortSpecError(
            f"{where} {spec!r}: give ports and ranges separated by commas, e.g. 22,80,5900-5903"
        )
    for item in items:
        match = _ITEM.match(item)
        if not match:
            raise PortSpecError(f"{where} {spec!r}: {item!r} is not a port or a range a-b")
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if not 0 < low <= high < 65536:
            raise PortSpecError(f"{where} {spec!r}: {item!r} is outside 1-65535 or reversed")
        ports.update(range(low, high + 1))
    return tuple(sorted(ports))


def format_port_spec(ports: tuple[int, ...]) -> str:
    """Sorted port numbers -> the shortest nmap ``-p`` value (consecutive ports become ranges)."""
    parts: list[str] = []
    index = 0
    while index < len(ports):
        start = end = ports[index]
        while index + 1 < len(ports) and ports[index + 1] == end + 1:
            index += 1
            end = ports[index]
        parts.append(str(start) if start == end else f"{start}-{end}")
        index += 1
    return ",".join(parts)


def _entries(data: Any) -> list[tuple[tuple[int, ...], bool]]:
    """Each entry's ports and whether host discovery probes them."""
    entries = data.get("ports") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise CatalogError("network/ports.yml: needs a non-empty list 'ports'")
    read = []
    for index, entry in enumerate(entries):
        where = f"network/ports.yml: ports[{index}]"
        if not isinstance(entry, dict) or not entry.get("service"):
            raise CatalogError(f"{where}: needs 'ports' and 'service'")
        discovery = entry.get("discovery", False)
        if not isinstance(discovery, bool):
            raise CatalogError(f"{where}: discovery must be true or false")
        try:
            read.append((parse_port_spec(str(entry.get("ports", "")), where), discovery))
        except PortSpecError as exc:
            raise CatalogError(str(exc)) from None
    return read


def _load(data: Any) -> tuple[int, ...]:
    return tuple(sorted({port for ports, _ in _entries(data) for port in ports}))


def _load_discovery(data: Any) -> tuple[int, ...]:
    return tuple(sorted({port for ports, discovery in _entries(data) if discovery for port in ports}))


def _ports_document() -> Any:
    text = resources.files("hisguard.scanners.network").joinpath("ports.yml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=SAFE_LOADER)


@cache
def default_ports() -> tuple[int, ...]:
    return _load(_ports_document())


@cache
def discovery_ports() -> tuple[int, ...]:
    """The ports host discovery sends TCP probes to (``discovery: true`` in ports.yml)."""
    return _load_discovery(_ports_document())
