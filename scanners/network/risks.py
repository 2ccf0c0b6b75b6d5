"""The network risk table (``risks.yml``): loaded, validated, and matched against one open port.

The metadata of every entry goes through ``scanners.catalog.parse_metadata`` like every other
catalog entry; this module adds the ``match`` part (which ports an entry covers) and the rule
that the families are N01..N04. A bad entry stops the load with a message naming it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from hisguard.scanners.catalog import CheckMeta, ids, parse_metadata
from hisguard.scanners.errors import CatalogError
from hisguard.scanners.network.ports import PortSpecError, parse_port_spec
from hisguard.scanners.network.xmlreport import Port

# libyaml when present: the pure-Python parser costs a tenth of a second per scan.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CHECK_ID = re.compile(r"^N0[1-5](\.[a-z0-9_]+)?$")
_VERSION = re.compile(r"^\d+(\.\d+)*$")
_LEADING_VERSION = re.compile(r"^(\d+)(?:\.(\d+))?")
_PROTOCOL = re.compile(r"protocol (\d+)\.(\d+)")
# Names nmap gives when it could not tell what answers: then only the port number can decide.
UNIDENTIFIED = frozenset({"", "unknown", "tcpwrapped"})
_MATCH_KEYS = frozenset(
    {
        "services",
        "ports",
        "products",
        "port_decides",
        "plaintext",
        "product",
        "version_below",
        "protocol_below",
    }
)


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def leading_version(text: str) -> tuple[int, ...] | None:
    """``"7.4p1 Debian 10+deb9u7"`` -> (7, 4); None when the text starts with no number."""
    found = _LEADING_VERSION.match(text.strip())
    if not found:
        return None
    return tuple(int(group) for group in found.groups() if group is not None)


def uses_tls(port: Port) -> bool:
    service = port.service
    return service.tunnel == "ssl" or service.name.startswith(("https", "ssl"))


@dataclass(frozen=True)
class Match:
    """Which open ports an entry covers; see the header of risks.yml for the meaning of each field."""

    services: frozenset[str] = frozenset()
    ports: frozenset[int] = frozenset()
    products: tuple[str, ...] = ()
    port_decides: bool = False
    plaintext: bool = False
    product: str = ""
    version_below: tuple[int, ...] | None = None
    protocol_below: tuple[int, ...] | None = None

    def covers(self, port: Port) -> bool:
        service = port.service
        if self.plaintext and uses_tls(port):
            return False
        identified = service.probed and service.name not in UNIDENTIFIED
        product = service.product.lower()
        hit = any(word in product for word in self.products) or (identified and service.name in self.services)
        if not hit and port.number in self.ports:
            hit = self.port_decides or not identified
        if not hit:
            return False
        if self.version_below is not None:
            version = leading_version(service.version)
            if not product.startswith(self.product) or version is None or version >= self.version_below:
                return False
        if self.protocol_below is not None:
            found = _PROTOCOL.search(service.extrainfo)
            if not found or (int(found.group(1)), int(found.group(2))) >= self.protocol_below:
                return False
        return True


# N05.*: what a protocol says about itself (SMB dialects and signing, RDP's security negotiation,
# WinRM's transport, SQL Server on the workstation LAN), judged by scanners.network.protocols.
PROTOCOL_FACTS = frozenset({"smb1", "smb_signing_not_required", "rdp_without_nla", "winrm_http", "mssql_lan"})


@dataclass(frozen=True)
class Risk:
    meta: CheckMeta
    match: Match | None = None
    allowable: bool = False  # the group's allow-list may declare the port (N01 only)
    fact: str = ""  # N05 only: the protocol fact that makes it a finding

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class RiskTable:
    services: tuple[Risk, ...]  # N01.*, first match wins
    interfaces: tuple[Risk, ...]  # N04.*, every match counts
    unexpected_port: Risk  # N02
    unmanaged_host: Risk  # N03
    protocols: tuple[Risk, ...] = ()  # N05.*, one per protocol fact

    def protocol_risk(self, fact: str) -> Risk | None:
        return next((risk for risk in self.protocols if risk.fact == fact), None)

    def entries(self) -> list[CheckMeta]:
        """Every entry's metadata, in table order."""
        risks = (*self.services, *self.interfaces, self.unexpected_port, self.unmanaged_host, *self.protocols)
        return [risk.meta for risk in risks]

    def service_risk(self, port: Port) -> Risk | None:
        for risk in self.services:
            if risk.match is not None and risk.match.covers(port):
                return risk
        return None

    def interface_risks(self, port: Port) -> list[Risk]:
        return [risk for risk in self.interfaces if risk.match is not None and risk.match.covers(port)]


def _strings(value: Any, field: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise CatalogError(f"{where}: match.{field} must be a list of names")
    return tuple(item.strip().lower() for item in value)


def _version(value: Any, field: str, where: str) -> tuple[int, ...] | None:
    if value is None:
        return None
    if not _VERSION.match(str(value)):
        raise CatalogError(f"{where}: match.{field} {value!r} is not a version like 8.0")
    return _numbers(str(value))


def _match(data: Any, where: str) -> Match:
    if not isinstance(data, Mapping) or not data:
        raise CatalogError(f"{where}: needs a match")
    unknown = set(data) - _MATCH_KEYS
    if unknown:
        raise CatalogError(f"{where}: match has unknown keys {sorted(unknown)}")
    raw_ports = data.get("ports") or []
    if not isinstance(raw_ports, list):
        raise CatalogError(f"{where}: match.ports must be a list")
    try:
        ports = (
            parse_port_spec(",".join(str(p) for p in raw_ports), f"{where}: match.ports") if raw_ports else ()
        )
    except PortSpecError as exc:
        raise CatalogError(str(exc)) from None
    for flag in ("port_decides", "plaintext"):
        if not isinstance(data.get(flag, False), bool):
            raise CatalogError(f"{where}: match.{flag} must be true or false")
    match = Match(
        services=frozenset(_strings(data.get("services"), "services", where)),
        ports=frozenset(ports),
        products=_strings(data.get("products"), "products", where),
        port_decides=bool(data.get("port_decides", False)),
        plaintext=bool(data.get("plaintext", False)),
        product=str(data.get("product") or "").strip().lower(),
        version_below=_version(data.get("version_below"), "version_below", where),
        protocol_below=_version(data.get("protocol_below"), "protocol_below", where),
    )
    if not (match.services or match.ports or match.products):
        raise CatalogError(f"{where}: match needs services, ports or products")
    if (match.version_below is None) != (not match.product):
        raise CatalogError(f"{where}: match.product and match.version_below go together")
    return match


def load_table(data: Any, source: str = "network/risks.yml") -> RiskTable:
    if not isinstance(data, Mapping) or not data:
        raise CatalogError(f"{source}: needs a mapping of check ids to entries")
    services: list[Risk] = []
    interfaces: list[Risk] = []
    protocols: list[Risk] = []
    singles: dict[str, Risk] = {}
    for key, entry in data.items():
        where = f"{source}: {key}"
        if not isinstance(key, str) or not CHECK_ID.match(key):
            raise CatalogError(f"{where}: id must be N01..N05, optionally with .class (e.g. N01.telnet)")
        if not isinstance(entry, Mapping):
            raise CatalogError(f"{where}: entry must be a mapping")
        meta = parse_metadata(entry, where, expected_id=key, extra_keys=("match", "allowable", "fact"))
        family = key[:3]
        allowable = entry.get("allowable", False)
        if not isinstance(allowable, bool) or (allowable and family != "N01"):
            raise CatalogError(f"{where}: allowable is true or false, and only for N01 entries")
        if family == "N05":
            fact = entry.get("fact")
            if fact not in PROTOCOL_FACTS or "match" in entry:
                raise CatalogError(
                    f"{where}: an N05 entry names one fact of {sorted(PROTOCOL_FACTS)}, no match"
                )
            protocols.append(Risk(meta=meta, fact=str(fact)))
        elif family in ("N01", "N04"):
            risk = Risk(meta=meta, match=_match(entry.get("match"), where), allowable=allowable)
            (services if family == "N01" else interfaces).append(risk)
        else:
            if key != family or "match" in entry:
                raise CatalogError(f"{where}: {family} is a single entry without match")
            singles[family] = Risk(meta=meta)
    for family in ("N02", "N03"):
        if family not in singles:
            raise CatalogError(f"{source}: entry {family} is missing")
    return RiskTable(
        services=tuple(services),
        interfaces=tuple(interfaces),
        unexpected_port=singles["N02"],
        unmanaged_host=singles["N03"],
        protocols=tuple(protocols),
    )


@cache
def risk_table() -> RiskTable:
    text = resources.files("hisguard.scanners.network").joinpath("risks.yml").read_text(encoding="utf-8")
    table = load_table(yaml.load(text, Loader=SAFE_LOADER))
    ids.register("network", table.entries())
    return table
