"""Data a check and a hardening role both use, declared once in ``shared.yml``.

The configuration checks read the remote-access tools and the policy defaults from here; the
roles' defaults are verified against the same file by ``lint/shared_data.py`` (``make lint``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from hisguard.scanners.catalog import load_yaml_resource
from hisguard.scanners.errors import CatalogError

TOOL_KEYS = ("name", "packages", "paths", "services", "ports", "programs")
POLICY_KINDS = ("at_least", "at_most")


@dataclass(frozen=True)
class RemoteAccessTool:
    name: str
    packages: tuple[str, ...]
    paths: tuple[str, ...]
    services: tuple[str, ...]
    ports: tuple[int, ...]
    programs: tuple[str, ...]  # ExecStart programs; prefixes of the kernel's 15-character names


@dataclass(frozen=True)
class Policy:
    name: str
    value: int
    kind: str  # "at_least": the check wants at least value; "at_most": at most

    def met_by(self, value: int) -> bool:
        return value >= self.value if self.kind == "at_least" else value <= self.value


def _ports(values: Any, where: str) -> tuple[int, ...]:
    ports: list[int] = []
    for value in values:
        low, _, high = str(value).partition("-")
        try:
            first, last = int(low), int(high or low)
        except ValueError:
            raise CatalogError(f"{where}: port {value!r} is not a number or a range") from None
        if not 1 <= first <= last <= 65535:
            raise CatalogError(f"{where}: port {value!r} is out of range")
        ports.extend(range(first, last + 1))
    return tuple(ports)


def _tool(entry: Any, where: str) -> RemoteAccessTool:
    if not isinstance(entry, Mapping) or set(entry) != set(TOOL_KEYS):
        raise CatalogError(f"{where}: a tool has exactly the keys {', '.join(TOOL_KEYS)}")
    lists = {key: entry[key] for key in TOOL_KEYS[1:]}
    for key, value in lists.items():
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            raise CatalogError(f"{where}: {key} must be a list")
    return RemoteAccessTool(
        name=str(entry["name"]),
        packages=tuple(map(str, entry["packages"])),
        paths=tuple(map(str, entry["paths"])),
        services=tuple(map(str, entry["services"])),
        ports=_ports(entry["ports"], f"{where} {entry['name']}"),
        programs=tuple(map(str, entry["programs"])),
    )


@cache
def _data() -> Mapping[str, Any]:
    data = load_yaml_resource("shared.yml")
    if not isinstance(data, Mapping) or set(data) != {"remote_access_tools", "policy_defaults"}:
        raise CatalogError("shared.yml: needs remote_access_tools and policy_defaults, nothing else")
    return data


@cache
def remote_access_tools() -> tuple[RemoteAccessTool, ...]:
    return tuple(_tool(entry, "shared.yml: remote_access_tools") for entry in _data()["remote_access_tools"])


@cache
def policies() -> Mapping[str, Policy]:
    found = {}
    for name, entry in _data()["policy_defaults"].items():
        where = f"shared.yml: policy_defaults.{name}"
        if not isinstance(entry, Mapping) or entry.get("kind") not in POLICY_KINDS:
            raise CatalogError(f"{where}: needs value and kind ({' or '.join(POLICY_KINDS)})")
        if not isinstance(entry.get("value"), int):
            raise CatalogError(f"{where}: value must be a whole number")
        found[name] = Policy(name, entry["value"], entry["kind"])
    return found


def policy_default(name: str) -> int:
    """What a check expects for ``name`` when the inventory does not set it."""
    return policies()[name].value


def remote_access(field: str) -> tuple[Any, ...]:
    """One field of every tool, in order, without repeats (``packages``, ``programs``...)."""
    values: list[Any] = []
    for tool in remote_access_tools():
        values.extend(v for v in getattr(tool, field) if v not in values)
    return tuple(values)
