"""Pure parsers of the raw section texts: text in, plain data out, no I/O."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


def key_values(text: str, *, sep: str = "=") -> dict[str, str]:
    """``key = value`` lines (comments and blanks skipped, last one wins); bare words map to ""."""
    result: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if sep in line:
            key, value = line.split(sep, 1)
            result[key.strip()] = value.strip()
        else:
            result[line] = ""
    return result


def whitespace_values(text: str) -> dict[str, str]:
    """``KEY value`` lines (login.defs style), last one wins."""
    result: dict[str, str] = {}
    for raw in text.splitlines():
        parts = raw.split("#", 1)[0].split(None, 1)
        if len(parts) == 2:
            result[parts[0]] = parts[1].strip()
    return result


def sshd_settings(text: str) -> dict[str, list[str]]:
    """``sshd -T`` output: lower-case keyword -> its values (keywords like hostkey repeat)."""
    result: dict[str, list[str]] = {}
    for line in text.splitlines():
        parts = line.strip().split(None, 1)
        if parts:
            result.setdefault(parts[0].lower(), []).append(parts[1] if len(parts) > 1 else "")
    return result


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int
    home: str
    shell: str

    @property
    def can_log_in(self) -> bool:
        return not self.shell.endswith(("nologin", "/false")) and self.shell not in ("", "/bin/sync")


def passwd_entries(text: str) -> list[Account]:
    accounts = []
    for line in text.splitlines():
        fields = line.split(":")
        if len(fields) < 7 or not fields[2].lstrip("-").isdigit():
            continue
        accounts.append(Account(fields[0], int(fields[2]), int(fields[3] or 0), fields[5], fields[6]))
    return accounts


def shadow_states(text: str) -> dict[str, str]:
    """name -> "empty" | "locked" | "set" (the section never carries the hash itself)."""
    states = {}
    for line in text.splitlines():
        name, _, state = line.partition(":")
        if name and state:
            states[name] = state.strip()
    return states


def grep_lines(text: str) -> Iterator[tuple[str, int | None, str]]:
    """``grep -H[n]`` output: (file, line number or None, content)."""
    for raw in text.splitlines():
        match = re.match(r"^([^:]+):(\d+):(.*)$", raw)
        if match:
            yield match.group(1), int(match.group(2)), match.group(3)
            continue
        path, sep, rest = raw.partition(":")
        if sep:
            yield path, None, rest


def systemd_units(text: str) -> dict[str, dict[str, str]]:
    """``systemctl show -p ...`` of several units: blocks separated by blank lines, keyed by Id."""
    units: dict[str, dict[str, str]] = {}
    for block in re.split(r"\n\s*\n", text.strip()):
        props = key_values_plain(block)
        if "Id" in props:
            units[props["Id"]] = props
    return units


def key_values_plain(text: str) -> dict[str, str]:
    """``Key=Value`` lines with no comment handling (values may hold '#')."""
    result = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            result[key.strip()] = value.strip()
    return result


@dataclass(frozen=True)
class Socket:
    proto: str
    address: str
    port: int
    processes: tuple[str, ...]

    @property
    def all_interfaces(self) -> bool:
        return self.address in ("0.0.0.0", "*", "::", "[::]")

    @property
    def loopback(self) -> bool:
        return self.address.startswith(("127.", "[::1]", "::1"))

    def __str__(self) -> str:
        return f"{self.proto}:{self.address}:{self.port}"


def listening_sockets(text: str) -> list[Socket]:
    """``ss -tulnpH``: Netid State Recv-Q Send-Q Local:Port Peer:Port [users:(("name",pid=..))]."""
    sockets = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 5:
            continue
        local = fields[4]
        address, _, port = local.rpartition(":")
        if not port.isdigit():
            continue
        address = address.split("%", 1)[0]  # 127.0.0.53%lo
        names = tuple(dict.fromkeys(re.findall(r'\("([^"]+)",pid=', line)))
        sockets.append(Socket(fields[0], address, int(port), names))
    return sockets


def dpkg_packages(text: str) -> dict[str, str]:
    """Installed packages: name -> version (dpkg-query lines ``name\\tii \\tversion``)."""
    installed = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and len(fields[1]) >= 2 and fields[1][1] in "iWt":
            installed[fields[0]] = fields[2].strip()
    return installed


@dataclass(frozen=True)
class Chain:
    family: str
    table: str
    name: str
    hook: str | None
    policy: str | None
    last_verdict: str | None  # the verdict of an unconditional last rule ("drop", "reject"), if any


def nft_chains(text: str) -> list[Chain]:
    """Base and regular chains of ``nft -j list ruleset`` with their policy and closing verdict."""
    data = json.loads(text) if text.strip() else {"nftables": []}
    items = data.get("nftables", [])
    rules: dict[tuple[str, str, str], list[list[dict[str, Any]]]] = {}
    for item in items:
        rule = item.get("rule")
        if rule:
            key = (rule.get("family", ""), rule.get("table", ""), rule.get("chain", ""))
            rules.setdefault(key, []).append(rule.get("expr") or [])
    chains = []
    for item in items:
        chain = item.get("chain")
        if not chain:
            continue
        key = (chain.get("family", ""), chain.get("table", ""), chain.get("name", ""))
        body = rules.get(key, [])
        chains.append(
            Chain(
                family=key[0],
                table=key[1],
                name=key[2],
                hook=chain.get("hook"),
                policy=chain.get("policy"),
                last_verdict=_unconditional_verdict(body[-1]) if body else None,
            )
        )
    return chains


def _unconditional_verdict(expr: list[dict[str, Any]]) -> str | None:
    """``drop`` / ``reject`` when a rule has no match, only counters/logs and that verdict."""
    verdict = None
    for statement in expr:
        (kind,) = statement.keys() if len(statement) == 1 else (None,)
        if kind in ("counter", "log", "limit"):
            continue
        if kind in ("drop", "reject"):
            verdict = kind
            continue
        return None
    return verdict


def os_release(text: str) -> dict[str, str]:
    return {key: value.strip().strip('"') for key, value in key_values_plain(text).items()}


def ini_values(text: str, section: str) -> dict[str, str]:
    """``Key=Value`` pairs of one ``[section]`` across concatenated files; later files win."""
    result: dict[str, str] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            continue
        if current == section and "=" in line:
            key, value = line.split("=", 1)
            result[key.strip()] = value.strip()
    return result


_SPAN_UNITS = {
    "us": 1e-6, "usec": 1e-6, "ms": 1e-3, "msec": 1e-3,
    "s": 1, "sec": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "week": 604800, "weeks": 604800,
    "M": 2629800, "month": 2629800, "months": 2629800,
    "y": 31557600, "year": 31557600, "years": 31557600,
}  # fmt: skip


def timespan_seconds(value: str) -> float | None:
    """A systemd time span ("6month", "180d", "1y 2w", "3600") in seconds; None if unreadable."""
    text = value.strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    total = 0.0
    position = 0
    for match in re.finditer(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)", text):
        if match.start() != position:
            return None
        unit = match.group(2)
        factor = _SPAN_UNITS.get(unit, _SPAN_UNITS.get(unit.lower()))  # "M" is month, "m" minute
        if factor is None:
            return None
        total += float(match.group(1)) * factor
        position = match.end()
    return total if position == len(text) and position else None


@dataclass(frozen=True)
class FsEntry:
    kind: str  # "S" SUID file, "W" world-writable
    file_type: str  # "f" or "d"
    mode: int
    owner: str
    path: str


def fs_entries(text: str) -> list[FsEntry]:
    """The ``fs_perms`` section: ``S\\tmode\\towner\\tpath`` and ``W\\ttype\\tmode\\towner\\tpath``."""
    entries = []
    for line in text.splitlines():
        fields = line.split("\t")
        if fields[0] == "S" and len(fields) == 4:
            entries.append(FsEntry("S", "f", int(fields[1], 8), fields[2], fields[3]))
        elif fields[0] == "W" and len(fields) == 5:
            entries.append(FsEntry("W", fields[1], int(fields[2], 8), fields[3], fields[4]))
    return entries


def fs_listing_state(text: str) -> str:
    """ "complete", "timeout" (find ran out of time) or "truncated" (cut at the line limit)."""
    for line in reversed(text.splitlines()):
        if line.startswith("END "):
            return "timeout" if line.split()[1] == "124" else "complete"
    return "truncated"


@dataclass(frozen=True)
class StatEntry:
    path: str
    file_type: str  # find %y: f d l ...
    mode: int
    owner: str
    group: str


def stat_entries(text: str) -> list[StatEntry]:
    """``find -printf '%p\\t%y\\t%m\\t%u\\t%g\\n'`` lines."""
    entries = []
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) == 5:
            entries.append(StatEntry(fields[0], fields[1], int(fields[2], 8), fields[3], fields[4]))
    return entries
