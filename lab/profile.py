"""Lab profiles: facilities, their hosts and the weaknesses planted on each, loaded from YAML.

Everything the lab boots and plants is data in ``lab/profiles/``: ``fleet.yml`` (what every host
gets) and one ``facility-<code>.yml`` per facility. Loading validates the whole tree, so a typo in
a profile fails at once with the file and the field named, never half-way through ``lab up``.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hisguard.lab import generators
from hisguard.lab.errors import ProfileError
from hisguard.lab.paths import FILES_DIR, PROFILES_DIR

# Every lab address lies in this block (RFC 2544 benchmarking space): nothing else is a target.
LAB_SPACE = ipaddress.IPv4Network("198.18.0.0/16")
CHECK_ID = re.compile(r"^[CDHN]\d{2}$")
# Host names become interface names ("hgv-" + name) and those are limited to 15 characters.
HOST_NAME = re.compile(r"^[a-z][a-z0-9-]{0,10}$")
KINDS = ("file", "listener", "setting")
# A Windows-shaped host is a Debian container speaking the Windows protocols (Samba, xrdp): the
# scanners reach it the Windows way (SMB, RDP), its planted files lie in its exported tree.
PLATFORMS = ("linux", "windows")
GENERATORS = generators.NAMES
ENCODINGS = ("utf-8", "utf-16-le-bom")


@dataclass(frozen=True)
class FileSpec:
    """A file written into a host's root before boot."""

    path: str
    mode: int = 0o644
    owner: str = "root"
    group: str = "root"
    content: str | None = None
    source: str | None = None  # relative to lab/profiles/files/
    generator: str | None = None
    args: Mapping[str, Any] = field(default_factory=dict)
    template: bool = False
    encoding: str = "utf-8"
    crlf: bool = False


@dataclass(frozen=True)
class EditSpec:
    """Replace the lines matching ``regexp`` with ``line`` (append it if none match)."""

    path: str
    regexp: str
    line: str


@dataclass(frozen=True)
class UserSpec:
    """An account to create (if missing) and set a password on."""

    name: str
    groups: tuple[str, ...] = ()
    shell: str = "/bin/bash"
    password: str | None = None  # clear text, hashed inside the host; a planted lab value
    empty_password: bool = False


@dataclass(frozen=True)
class Steps:
    """How something is planted: accounts first, then files and edits, then units."""

    users: tuple[UserSpec, ...] = ()
    files: tuple[FileSpec, ...] = ()
    edits: tuple[EditSpec, ...] = ()
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()


@dataclass(frozen=True)
class Planted:
    """One planted weakness, the check ids that must find it and how a test verifies it."""

    id: str
    description: str
    check_ids: tuple[str, ...]
    kind: str
    path: str | None = None  # file
    mode: int | None = None  # file: expected mode
    contains: str | None = None  # file: text the file holds (template markers allowed)
    port: int | None = None  # listener (TCP)
    command: str | None = None  # setting: run with sudo on the host
    expect: tuple[str, ...] = ()  # setting: substrings of the command's output
    steps: Steps = field(default_factory=Steps)


@dataclass(frozen=True)
class Host:
    name: str
    facility: str
    address: str
    groups: tuple[str, ...]
    in_inventory: bool
    description: str
    clean: bool
    setup: Steps
    planted: tuple[Planted, ...]
    platform: str = "linux"


@dataclass(frozen=True)
class Facility:
    code: str
    name: str
    province: str
    network: str  # CIDR
    bridge: str
    gateway: str  # the machine's address on the facility's bridge
    boot_by_default: bool
    hosts: tuple[Host, ...]

    @property
    def prefix_len(self) -> int:
        return ipaddress.ip_network(self.network).prefixlen


@dataclass(frozen=True)
class Fleet:
    facilities: tuple[Facility, ...]
    common_setup: Steps
    common_planted: tuple[Planted, ...]

    def hosts(self) -> list[Host]:
        return [h for f in self.facilities for h in f.hosts]

    def host(self, name: str) -> Host:
        for h in self.hosts():
            if h.name == name:
                return h
        raise ProfileError(f"no lab host named {name!r} (known: {', '.join(h.name for h in self.hosts())})")

    def facility(self, code: str) -> Facility:
        for f in self.facilities:
            if f.code == code:
                return f
        known = ", ".join(f.code for f in self.facilities)
        raise ProfileError(f"no lab facility {code!r} (known: {known})")

    def planted_on(self, host: Host) -> list[Planted]:
        """Every weakness on ``host``: the fleet-wide ones and its own."""
        return [*self.common_planted, *host.planted]


class _Fields:
    """Reads one mapping of a profile, naming the file and field in every error."""

    def __init__(self, data: object, where: str, allowed: set[str]) -> None:
        if not isinstance(data, dict):
            raise ProfileError(f"{where}: expected a mapping")
        unknown = set(data) - allowed
        if unknown:
            raise ProfileError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        self.data: dict[str, Any] = data
        self.where = where

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or (default is None and not value):
            raise ProfileError(f"{self.where}: {key} must be a non-empty string")
        return value

    def opt_text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is not None and not isinstance(value, str):
            raise ProfileError(f"{self.where}: {key} must be a string")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise ProfileError(f"{self.where}: {key} must be true or false")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ProfileError(f"{self.where}: {key} must be a list of strings")
        return tuple(value)

    def items(self, key: str) -> list[object]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise ProfileError(f"{self.where}: {key} must be a list")
        return value

    def mode(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not re.fullmatch(r"0[0-7]{3,4}", value):
            raise ProfileError(f'{self.where}: {key} must be an octal string such as "0644"')
        return int(value, 8)


def _file_spec(data: object, where: str) -> FileSpec:
    f = _Fields(
        data,
        where,
        {
            "path",
            "mode",
            "owner",
            "group",
            "content",
            "source",
            "generator",
            "args",
            "template",
            "encoding",
            "crlf",
        },
    )
    return _file_from(f, where)


def _file_from(f: _Fields, where: str) -> FileSpec:
    path = f.text("path")
    if not path.startswith("/"):
        raise ProfileError(f"{where}: path must be absolute")
    content, source, generator = f.opt_text("content"), f.opt_text("source"), f.opt_text("generator")
    if sum(x is not None for x in (content, source, generator)) != 1:
        raise ProfileError(f"{where}: give exactly one of content, source, generator")
    if source is not None and not (FILES_DIR / source).is_file():
        raise ProfileError(f"{where}: source {source} not found under {FILES_DIR}")
    if generator is not None and generator not in GENERATORS:
        raise ProfileError(f"{where}: generator must be one of {', '.join(GENERATORS)}")
    args = f.data.get("args", {})
    if not isinstance(args, dict):
        raise ProfileError(f"{where}: args must be a mapping")
    encoding = f.text("encoding", "utf-8")
    if encoding not in ENCODINGS:
        raise ProfileError(f"{where}: encoding must be one of {', '.join(ENCODINGS)}")
    mode = f.mode("mode")
    return FileSpec(
        path=path,
        mode=0o644 if mode is None else mode,
        owner=f.text("owner", "root"),
        group=f.text("group", "root"),
        content=content,
        source=source,
        generator=generator,
        args=args,
        template=f.flag("template", False),
        encoding=encoding,
        crlf=f.flag("crlf", False),
    )


def _steps(data: object, where: str) -> Steps:
    if data is None:
        return Steps()
    f = _Fields(data, where, {"users", "files", "edits", "enable", "disable"})
    users = []
    for i, item in enumerate(f.items("users")):
        u = _Fields(item, f"{where}.users[{i}]", {"name", "groups", "shell", "password", "empty_password"})
        users.append(
            UserSpec(
                name=u.text("name"),
                groups=u.texts("groups"),
                shell=u.text("shell", "/bin/bash"),
                password=u.opt_text("password"),
                empty_password=u.flag("empty_password", False),
            )
        )
    edits = []
    for i, item in enumerate(f.items("edits")):
        e = _Fields(item, f"{where}.edits[{i}]", {"path", "regexp", "line"})
        try:
            re.compile(e.text("regexp"))
        except re.error as exc:
            raise ProfileError(f"{where}.edits[{i}]: bad regexp: {exc}") from None
        edits.append(EditSpec(path=e.text("path"), regexp=e.text("regexp"), line=e.text("line", "")))
    files = [_file_spec(item, f"{where}.files[{i}]") for i, item in enumerate(f.items("files"))]
    return Steps(
        users=tuple(users),
        files=tuple(files),
        edits=tuple(edits),
        enable=f.texts("enable"),
        disable=f.texts("disable"),
    )


_PLANTED_FIELDS = {
    "id",
    "description",
    "check_ids",
    "kind",
    "path",
    "mode",
    "contains",
    "port",
    "command",
    "expect",
    "steps",
    # kind: file may carry its own content, making the step that writes it implicit
    "owner",
    "group",
    "content",
    "source",
    "generator",
    "args",
    "template",
    "encoding",
    "crlf",
}


def _planted(data: object, where: str) -> Planted:
    f = _Fields(data, where, _PLANTED_FIELDS)
    pid = f.text("id")
    where = f"{where} ({pid})"
    check_ids = f.texts("check_ids")
    if not check_ids or not all(CHECK_ID.match(c) for c in check_ids):
        raise ProfileError(f"{where}: check_ids must list ids such as C01, H02, N01")
    kind = f.text("kind")
    if kind not in KINDS:
        raise ProfileError(f"{where}: kind must be one of {', '.join(KINDS)}")
    steps = _steps(f.data.get("steps"), f"{where}.steps")
    port = f.data.get("port")
    expect = f.texts("expect")
    if kind == "file":
        f.text("path")
        if any(k in f.data for k in ("content", "source", "generator")):
            steps = Steps(
                users=steps.users,
                files=(*steps.files, _file_from(f, where)),
                edits=steps.edits,
                enable=steps.enable,
                disable=steps.disable,
            )
    elif kind == "listener":
        if not isinstance(port, int) or not 0 < port < 65536:
            raise ProfileError(f"{where}: a listener needs a TCP port")
    elif not f.opt_text("command") or not expect:
        raise ProfileError(f"{where}: a setting needs a command and the output it must show (expect)")
    return Planted(
        id=pid,
        description=f.text("description"),
        check_ids=check_ids,
        kind=kind,
        path=f.opt_text("path"),
        mode=f.mode("mode"),
        contains=f.opt_text("contains"),
        port=port if isinstance(port, int) else None,
        command=f.opt_text("command"),
        expect=expect,
        steps=steps,
    )


def _host(data: object, where: str, code: str, network: ipaddress.IPv4Network, gateway: str) -> Host:
    f = _Fields(
        data,
        where,
        {"name", "address", "groups", "in_inventory", "description", "clean", "setup", "planted", "platform"},
    )
    name = f.text("name")
    if not HOST_NAME.match(name):
        raise ProfileError(f"{where}: host name {name!r} must be lower case, at most 11 characters")
    where = f"{where} ({name})"
    address = f.text("address")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise ProfileError(f"{where}: address {address!r} is not an IP address") from None
    if ip not in network or ip in (network.network_address, network.broadcast_address) or address == gateway:
        raise ProfileError(f"{where}: address {address} is not a free host address of {network}")
    planted = tuple(_planted(p, f"{where}.planted[{i}]") for i, p in enumerate(f.items("planted")))
    clean = f.flag("clean", False)
    if clean and planted:
        raise ProfileError(f"{where}: a clean host plants nothing")
    platform = f.text("platform", "linux")
    if platform not in PLATFORMS:
        raise ProfileError(f"{where}: platform must be one of {', '.join(PLATFORMS)}")
    return Host(
        name=name,
        facility=code,
        address=address,
        groups=f.texts("groups"),
        in_inventory=f.flag("in_inventory", True),
        description=f.text("description", ""),
        clean=clean,
        setup=_steps(f.data.get("setup"), f"{where}.setup"),
        planted=planted,
        platform=platform,
    )


def _facility(data: object, where: str) -> Facility:
    top = _Fields(data, where, {"facility", "hosts"})
    f = _Fields(
        top.data.get("facility"),
        f"{where}: facility",
        {"code", "name", "province", "network", "bridge", "gateway", "boot_by_default"},
    )
    code = f.text("code")
    if not re.fullmatch(r"\d{5}", code):
        raise ProfileError(f"{where}: facility code must be 5 digits")
    try:
        network = ipaddress.ip_network(f.text("network"))
        gateway = ipaddress.ip_address(f.text("gateway"))
    except ValueError as exc:
        raise ProfileError(f"{where}: {exc}") from None
    if not isinstance(network, ipaddress.IPv4Network) or not network.subnet_of(LAB_SPACE):
        raise ProfileError(f"{where}: network must lie inside {LAB_SPACE}")
    if gateway not in network:
        raise ProfileError(f"{where}: gateway {gateway} is outside {network}")
    bridge = f.text("bridge")
    if not re.fullmatch(r"hgbr\d", bridge):
        raise ProfileError(f"{where}: bridge must be named hgbrN")
    hosts = tuple(
        _host(h, f"{where}: hosts[{i}]", code, network, str(gateway))
        for i, h in enumerate(top.items("hosts"))
    )
    return Facility(
        code=code,
        name=f.text("name"),
        province=f.text("province"),
        network=str(network),
        bridge=bridge,
        gateway=str(gateway),
        boot_by_default=f.flag("boot_by_default", False),
        hosts=hosts,
    )


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ProfileError(f"cannot read lab profile {path.name}: {exc}") from None


def _more_hosts(path: Path, facilities: list[Facility]) -> None:
    """``hosts-*.yml``: more hosts for a facility defined elsewhere (the Windows-shaped ones)."""
    where = path.name
    top = _Fields(_read_yaml(path), where, {"facility", "hosts"})
    code = top.text("facility")
    for index, facility in enumerate(facilities):
        if facility.code == code:
            network = ipaddress.IPv4Network(facility.network)
            extra = tuple(
                _host(h, f"{where}: hosts[{i}]", code, network, facility.gateway)
                for i, h in enumerate(top.items("hosts"))
            )
            facilities[index] = dataclasses.replace(facility, hosts=(*facility.hosts, *extra))
            return
    raise ProfileError(f"{where}: no facility-*.yml profile defines facility {code!r}")


def load_fleet(directory: Path = PROFILES_DIR) -> Fleet:
    """Load and validate ``fleet.yml``, every ``facility-*.yml`` and ``hosts-*.yml`` of ``directory``."""
    common = _Fields(_read_yaml(directory / "fleet.yml"), "fleet.yml", {"setup", "planted"})
    loaded = [_facility(_read_yaml(p), p.name) for p in sorted(directory.glob("facility-*.yml"))]
    if not loaded:
        raise ProfileError(f"no facility-*.yml profile in {directory}")
    for path in sorted(directory.glob("hosts-*.yml")):
        _more_hosts(path, loaded)
    facilities = tuple(loaded)
    fleet = Fleet(
        facilities=facilities,
        common_setup=_steps(common.data.get("setup"), "fleet.yml: setup"),
        common_planted=tuple(
            _planted(p, f"fleet.yml: planted[{i}]") for i, p in enumerate(common.items("planted"))
        ),
    )
    _check_unique(fleet)
    return fleet


def _check_unique(fleet: Fleet) -> None:
    def dupes(values: list[str]) -> list[str]:
        return sorted({v for v in values if values.count(v) > 1})

    checks = {
        "facility code": [f.code for f in fleet.facilities],
        "bridge": [f.bridge for f in fleet.facilities],
        "host name": [h.name for h in fleet.hosts()],
        "host address": [h.address for h in fleet.hosts()],
    }
    for what, values in checks.items():
        if dupes(values):
            raise ProfileError(f"duplicate {what}: {', '.join(dupes(values))}")
    networks = [ipaddress.ip_network(f.network) for f in fleet.facilities]
    for i, a in enumerate(networks):
        if any(a.overlaps(b) for b in networks[i + 1 :]):
            raise ProfileError(f"facility network {a} overlaps another facility's")
    for host in fleet.hosts():
        ids = [p.id for p in fleet.planted_on(host)]
        if dupes(ids):
            raise ProfileError(f"{host.name}: duplicate planted id {', '.join(dupes(ids))}")
