"""Facilities and hosts, read from the same Ansible inventories the playbooks use.

ansible-core's own InventoryManager and VariableManager do the reading (any inventory format,
group_vars/host_vars, ansible-vault); this module only turns their answer into validated,
typed targets. A facility is a group ``facility_<code>``; function groups (``his_servers``,
``db_servers``, ``workstations``, ``scan_hosts``) say what a host is for.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from hisguard.scanners.errors import InventoryError
from hisguard.scanners.portal_register import (
    HELD_AT,
    STATUSES,
    Decision,
    Fields,
    Review,
    check_dates,
    missing_fields,
)
from hisguard.scanners.vault import (
    Keyring,
    Sealed,
    VaultLocked,
    VaultSource,
    ciphertext_of,
    is_undecryptable,
    load_keyring,
    vault_sources,
)

FACILITY_GROUP_PREFIX = "facility_"
FUNCTION_GROUPS = ("his_servers", "db_servers", "workstations", "scan_hosts")
FACILITY_CODE = re.compile(r"\A[0-9]{5}\Z")  # not \d (any script's digits), not $ (a newline)
# Ansible would read it as inventory; hisguard's waiver reader reads it (and names it in errors).
WAIVERS_FILE = "hisguard_waivers.yml"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Secret:
    """A value from the vault: usable by code, never printed, logged or compared in the clear.

    A ``!vault`` value stays sealed until ``reveal()``: the first use opens it with the secrets
    its inventory was loaded with, or raises :class:`VaultLocked` (one line, no part of it).
    """

    __slots__ = ("_sealed", "_value")

    def __init__(self, value: str | None = None, sealed: Sealed | None = None) -> None:
        if value is None and sealed is None:
            raise ValueError("a Secret needs a value or a sealed vault value")
        self._value = value
        self._sealed = sealed

    def reveal(self) -> str:
        if self._value is None:
            assert self._sealed is not None
            self._value = self._sealed.open()
        return self._value

    @property
    def available(self) -> bool:
        """Whether the vault secrets given open it (a plain value always is)."""
        return self.unavailable() is None

    def unavailable(self) -> str | None:
        """The one-line reason it cannot be opened here, or None."""
        try:
            self.reveal()
        except VaultLocked as exc:
            return str(exc)
        return None

    def locked(self) -> Sealed | None:
        """The sealed value when the vault secrets given do not open it, else None."""
        return self._sealed if not self.available else None

    def opened_by(self) -> tuple[VaultSource, ...]:
        """The given vault secrets that each open this value (nothing for a plain value)."""
        return self._sealed.opened_by() if self._sealed is not None else ()

    def __repr__(self) -> str:
        return "Secret(<hidden>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return False
        if self.available and other.available:
            return other.reveal() == self.reveal()
        # A value that cannot be opened equals only the same ciphertext.
        return (
            self._sealed is not None
            and other._sealed is not None
            and bool(self._sealed.ciphertext)
            and self._sealed.ciphertext == other._sealed.ciphertext
        )

    def __hash__(self) -> int:
        # Constant: equal secrets may be one sealed and one plain, and a hash of the value would
        # be a test of it.
        return hash("Secret")


@dataclass(frozen=True)
class PortalAccount:
    """One account of the cổng giám định BHYT in the facility's delegation register: who holds it,
    for which department, by whose decision, with which permissions, and where it is kept."""

    name: str
    username: str
    holder: str
    purpose: str
    allowed_hosts: tuple[str, ...]
    granted: date | None
    reviewed: date | None
    password: Secret | None = field(default=None, repr=False)
    department: str = ""
    holder_id: str = ""
    scope: tuple[str, ...] = ()
    decision: Decision | None = None
    revoked: date | None = None
    status: str = ""
    held_at: str = ""
    review: Review | None = None
    password_changed: date | None = None
    missing: tuple[str, ...] = ()  # expected fields an old register lacks (C18)

    @property
    def last_review(self) -> date | None:
        """The date of the last review, from the review record or an old register's ``reviewed``."""
        return self.review.reviewed if self.review else self.reviewed

    @property
    def is_revoked(self) -> bool:
        return self.status == "revoked" or self.revoked is not None


@dataclass(frozen=True)
class HostTarget:
    """One inventory host, with what hisguard needs to reach and judge it."""

    name: str
    facility: str
    address: str
    port: int
    user: str | None
    key_file: str | None
    groups: tuple[str, ...]
    allowed_tcp_ports: tuple[int, ...]
    known_hosts_file: str | None = None
    become_password: Secret | None = field(default=None, repr=False)
    variables: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def var(self, name: str, default: Any = None) -> Any:
        """A hisguard_* / facility_* / ansible_* variable of this host, templated."""
        return self.variables.get(name, default)


@dataclass(frozen=True)
class Facility:
    code: str
    name: str
    province: str
    networks: tuple[Network, ...]
    scan_exclude: tuple[Network, ...]
    management_networks: tuple[Network, ...]
    hosts: tuple[HostTarget, ...]
    portal_accounts: tuple[PortalAccount, ...] = ()
    review_period_months: int = 6
    settings: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def host(self, name: str) -> HostTarget:
        for host in self.hosts:
            if host.name == name:
                return host
        raise InventoryError(f"host {name!r} is not in facility {self.code}")


@dataclass(frozen=True)
class Inventory:
    sources: tuple[str, ...]
    facilities: Mapping[str, Facility]
    # One line each: values that load but look wrong (a typo'd key, a host outside its networks).
    warnings: tuple[str, ...] = ()

    def facility(self, code: str) -> Facility:
        if not FACILITY_CODE.match(code):
            raise InventoryError(f"facility code {code!r} is not 5 digits")
        try:
            return self.facilities[code]
        except KeyError:
            known = ", ".join(sorted(self.facilities)) or "none"
            raise InventoryError(
                f"{self.sources[0]}: no facility {code} in the inventory (known: {known})"
            ) from None

    def select(self, code: str | None) -> list[Facility]:
        """One facility when a code is given, else all of them, in code order."""
        if code:
            return [self.facility(code)]
        return [self.facilities[key] for key in sorted(self.facilities)]

    def hosts(self, code: str | None = None, limit: str | None = None) -> list[HostTarget]:
        """Hosts of the selected facilities, optionally limited by an Ansible-like pattern."""
        selected = [host for facility in self.select(code) for host in facility.hosts]
        if limit:
            selected = [host for host in selected if matches_limit(host, limit)]
            if not selected:
                raise InventoryError(f"--limit {limit!r} matches no host")
        return selected


def _secrets_in(value: Any) -> Iterator[Secret]:
    if isinstance(value, Secret):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _secrets_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _secrets_in(item)


def vault_notice(facility: Facility) -> str | None:
    """One line naming the facility's vault values (its variables, accounts and hosts') that the
    vault secrets given do not open, or None. Said when the facility is scanned, which goes on
    without them: another facility's scan host is not meant to open them."""
    secrets = [account.password for account in facility.portal_accounts if account.password is not None]
    secrets += list(_secrets_in(dict(facility.settings)))
    for host in facility.hosts:
        secrets += list(_secrets_in(dict(host.variables)))
    locked: dict[str, str] = {}  # variable -> vault label
    for secret in secrets:
        sealed = secret.locked()
        if sealed is not None:
            locked.setdefault(sealed.name, sealed.label)
    if not locked:
        return None
    labels = sorted({label for label in locked.values() if label})
    vaults = f" (vault id {', '.join(labels)})" if labels else ""
    return (
        f"facility {facility.code}: {len(locked)} vault value(s) that no vault secret given opens{vaults}: "
        f"{', '.join(sorted(locked))}; this scan goes on without them"
    )


def shared_vault_warnings(inventory: Inventory) -> list[str]:
    """One line per vault secret that opens the portal accounts of more than one facility: each
    facility's passwords belong in its own vault, so one facility's scan host opens no other's."""
    opened: dict[VaultSource, set[str]] = {}
    for code, facility in inventory.facilities.items():
        for account in facility.portal_accounts:
            for source in account.password.opened_by() if account.password is not None else ():
                opened.setdefault(source, set()).add(code)
    return [
        f"vault secret {source.option} opens the portal accounts of {len(codes)} facilities "
        f"({', '.join(sorted(codes))}): give each facility its own vault id "
        "(ansible-vault encrypt_string --vault-id CODE@FILE)"
        for source, codes in opened.items()
        if len(codes) > 1
    ]


WINDOWS_CONNECTIONS = ("winrm", "psrp")
POWERSHELL_SHELLS = ("powershell", "pwsh")


def is_windows(host: HostTarget) -> bool:
    """A Windows host, marked the Ansible way: ``ansible_connection`` winrm or psrp (any collection
    prefix), or ssh with ``ansible_shell_type`` powershell. Such hosts are read over SMB and judged
    by the Windows scanner, never by the Linux SSH scanners."""
    connection = str(host.var("ansible_connection") or "").split(".")[-1]
    if connection in WINDOWS_CONNECTIONS:
        return True
    return connection == "ssh" and str(host.var("ansible_shell_type") or "") in POWERSHELL_SHELLS


def matches_limit(host: HostTarget, pattern: str) -> bool:
    """Ansible-style limit: comma/colon separated names, groups or globs; ``!x`` excludes."""
    from fnmatch import fnmatch

    included = False
    any_positive = False
    for part in re.split(r"[,:]", pattern):
        part = part.strip()
        if not part:
            continue
        negate = part.startswith("!")
        name = part[1:] if negate else part
        hit = fnmatch(host.name, name) or any(fnmatch(group, name) for group in host.groups)
        if negate:
            if hit:
                return False
        else:
            any_positive = True
            included = included or hit
    return included or not any_positive


# Variables hisguard and its roles read: an unknown facility_*/hisguard_* key close to one of
# these is almost surely a typo (``facility_netwroks``), which would silently change a result.
KNOWN_VARIABLES = frozenset(
    {
        "facility_code",
        "facility_name",
        "facility_province",
        "facility_networks",
        "facility_scan_exclude",
        "hisguard_allowed_tcp_ports",
        "hisguard_credential_max_file_mb",
        "hisguard_credential_rules",
        "hisguard_credential_search_roots",
        "hisguard_credential_store_dir",
        "hisguard_credential_store_group",
        "hisguard_credential_sudo",
        "hisguard_credential_time_budget",
        "hisguard_credential_web_roots",
        "hisguard_known_hosts_file",
        "hisguard_lockout_max_attempts",
        "hisguard_log_retention_days",
        "hisguard_management_networks",
        "hisguard_nmap_host_timeout",
        "hisguard_nmap_max_addresses",
        "hisguard_nmap_max_rate",
        "hisguard_nmap_max_retries",
        "hisguard_nmap_scan_type",
        "hisguard_nmap_timeout",
        "hisguard_nmap_timing",
        "hisguard_nmap_version_intensity",
        "hisguard_password_max_days",
        "hisguard_password_min_length",
        "hisguard_portal_accounts",
        "hisguard_review_period_months",
        "hisguard_session_timeout_seconds",
        "hisguard_suid_allowed",
        "hisguard_waivers",
    }
)
# A facility's own LAN: a network wider than this is a mistake (0.0.0.0/0 would scan the Internet).
MIN_PREFIX = {4: 8, 6: 32}


def _check_name(name: str, what: str, source: str) -> None:
    """A host name goes into SSH, nmap, documents and terminals: it must be plain valid text."""
    from hisguard.scanners.terminal import terminal_safe

    shown = terminal_safe(name)
    if shown != name:
        raise InventoryError(
            f"{source}: {what} name '{shown}' holds bytes that are not UTF-8 or control characters"
        )


def _typo_warnings(keys: Sequence[str], where: str) -> list[str]:
    from difflib import get_close_matches

    found = []
    for key in sorted(keys):
        if key in KNOWN_VARIABLES or not key.startswith(("facility_", "hisguard_")):
            continue
        close = get_close_matches(key, KNOWN_VARIABLES, n=1, cutoff=0.85)
        if close:
            found.append(f"{where}: unknown variable {key} (did you mean {close[0]}?); it is ignored")
    return found


def _scope_warnings(facility: Facility) -> list[str]:
    """Hosts whose address (literal, or from /etc/hosts) lies outside the facility's networks."""
    found = []
    for host in facility.hosts:
        addresses = _static_addresses(host.address)
        if not addresses:
            continue  # a DNS name: resolved (and refused if outside) only before connecting
        outside = [
            a for a in addresses if not any(a in net for net in facility.networks if a.version == net.version)
        ]
        if outside:
            kind = "address" if str(outside[0]) == host.address else f"name {host.address!r} resolves to"
            found.append(
                f"facility {facility.code}: host {host.name}: {kind} {outside[0]} is outside the "
                f"facility's networks ({', '.join(map(str, facility.networks))}); scanners will refuse it"
            )
    return found


def _static_addresses(name: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """``name`` as an address, or its /etc/hosts entries: no DNS query is sent while loading."""
    try:
        return [ipaddress.ip_address(name)]
    except ValueError:
        pass
    found = []
    try:
        lines = Path("/etc/hosts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    for line in lines:
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2 and name in fields[1:]:
            try:
                found.append(ipaddress.ip_address(fields[0].split("%", 1)[0]))
            except ValueError:
                continue
    return found


# --- reading through ansible-core -------------------------------------------------------------

SECRET_NAME_HINTS = ("password", "passwd", "secret", "token", "_pass")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    if text and "decrypt" in text[0].lower():
        return "cannot decrypt a vault-encrypted file: wrong or missing vault password (--vault-id)"
    return text[0] if text else type(exc).__name__


def _origin(value: Any, fallback: str) -> str:
    """The file (and line) a variable came from, using ansible-core's origin tags."""
    try:
        from ansible._internal._datatag._tags import Origin

        tag = Origin.get_tag(value)
    except Exception:  # the tag API is internal; fall back to the inventory source
        tag = None
    return str(tag) if tag else fallback


@contextmanager
def _quiet_ansible_warnings(collected: list[str]) -> Iterator[None]:
    """Catch ansible's parse warnings so a bad inventory yields one line, not a page."""
    from ansible.utils.display import Display

    display = Display()
    originals = (display.warning, display.error_as_warning)

    def capture(msg: str = "", *args: Any, **kwargs: Any) -> None:
        exception = kwargs.get("exception")
        collected.append(f"{msg} {exception}" if exception else str(msg))

    display.warning = capture
    display.error_as_warning = capture
    try:
        yield
    finally:
        display.warning, display.error_as_warning = originals


def load_inventory(
    sources: Sequence[str | os.PathLike[str]],
    vault_password_file: str | None = None,
    vault_ids: Sequence[str] = (),
) -> Inventory:
    """Read and validate inventories; every problem is one InventoryError line naming the file.

    ``vault_ids``: ``LABEL@FILE`` secrets besides ``vault_password_file`` (the default one). Vault
    values are opened only when used (``Secret.reveal``), each with the secrets of this load.
    """
    from ansible import constants as C
    from ansible.errors import AnsibleError
    from ansible.inventory.manager import InventoryManager
    from ansible.vars.manager import VariableManager

    from hisguard.scanners.safeload import ansible_data_loader

    paths = [str(Path(source).absolute()) for source in sources]
    if not paths:
        raise InventoryError("no inventory given (use -i PATH)")
    for path in paths:
        if not Path(path).exists():
            raise InventoryError(f"{path}: inventory not found")
    # A source that no plugin can parse must fail, not be skipped with a warning.
    C.INVENTORY_UNPARSED_IS_FAILED = True
    C.INVENTORY_ANY_UNPARSED_IS_FAILED = True

    loader = ansible_data_loader(stand_ins={WAIVERS_FILE: {"all": {"vars": {}}}})
    keyring = load_keyring(loader, vault_sources(vault_password_file, vault_ids))
    warnings: list[str] = []
    try:
        with _quiet_ansible_warnings(warnings):
            manager = InventoryManager(loader=loader, sources=paths)
    except AnsibleError as exc:
        _raise_refusal(loader)
        reason = _parse_reason(warnings) or _first_line(exc)
        where = loader.failed[0] if loader.failed else paths[0]
        raise InventoryError(f"{where}: not a valid inventory ({reason})") from None
    _raise_refusal(loader)  # a refused file that ansible only warned about and skipped
    variables = VariableManager(loader=loader, inventory=manager)
    try:
        if len(paths) > 1:
            _refuse_conflicting_sources(paths, loader)
        return _build(manager, variables, loader, paths, keyring)
    except InventoryError:
        _raise_refusal(loader)
        raise
    except AnsibleError as exc:  # group_vars/host_vars read while building
        _raise_refusal(loader)
        raise InventoryError(f"{paths[0]}: not a valid inventory ({_first_line(exc)})") from None


def _refuse_conflicting_sources(paths: list[str], loader: Any) -> None:
    """Two ``-i`` sources giving one facility different values for the same variable: ansible
    would silently keep the last (a facility's networks replaced by another file's)."""
    from ansible.inventory.manager import InventoryManager

    seen: dict[tuple[str, str], tuple[str, Any]] = {}
    for path in paths:
        manager = InventoryManager(loader=loader, sources=[path])
        for name, group in sorted(manager.groups.items()):
            if not name.startswith(FACILITY_GROUP_PREFIX):
                continue
            for key, value in _group_vars(group, loader, [path], own=True).items():
                if not key.startswith(("facility_", "hisguard_")):
                    continue
                first = seen.setdefault((name, key), (path, value))
                if first[0] != path and first[1] != value:
                    raise InventoryError(
                        f"{path}: {name}: {key} is also set, differently, in {first[0]}: "
                        "give each facility's variables in one inventory source"
                    )


def _raise_refusal(loader: Any) -> None:
    """The bounded loader's own one-line reason (alias bomb, too big, FIFO), if it refused a file."""
    if loader.refusals:
        raise InventoryError(str(loader.refusals[0])) from None


def _parse_reason(warnings: list[str]) -> str:
    """The YAML parser's own complaint, when there is one: it is what the user needs to see."""
    for text in warnings:
        if "'yaml' plugin" in text:
            match = re.search(r"YAML parsing failed: [^\n]*", text)
            return match.group(0).strip() if match else text.strip().splitlines()[0]
    return ""


def _build(manager: Any, variables: Any, loader: Any, paths: list[str], keyring: Keyring) -> Inventory:
    from ansible.errors import AnsibleError
    from ansible.template import Templar

    source = paths[0]
    facilities: dict[str, Facility] = {}
    hosts_by_facility: dict[str, list[HostTarget]] = {}
    facility_groups = {
        name: group for name, group in manager.groups.items() if name.startswith(FACILITY_GROUP_PREFIX)
    }
    if not facility_groups:
        raise InventoryError(f"{source}: no facility group (a group named facility_<5-digit code>)")

    facility_of_host: dict[str, str] = {}
    warnings: list[str] = []
    for group_name, group in sorted(facility_groups.items()):
        code = group_name[len(FACILITY_GROUP_PREFIX) :]
        if not FACILITY_CODE.match(code):
            raise InventoryError(f"{source}: group {group_name}: facility code must be 5 digits")
        for host in group.get_hosts():
            previous = facility_of_host.get(host.name)
            if previous and previous != code:
                raise InventoryError(
                    f"{source}: host {host.name} is in two facilities ({previous} and {code})"
                )
            facility_of_host[host.name] = code

    for host in manager.get_hosts():
        _check_name(host.name, "host", source)
        if host.name not in facility_of_host:
            raise InventoryError(f"{source}: host {host.name} is in no facility group")

    for host in manager.get_hosts():
        raw = variables.get_vars(host=host)
        templar = Templar(loader=loader, variables=raw)
        reader = _Reader(templar, keyring, f"host {host.name}")
        try:
            wanted = {
                key: reader.value(value, key, key)
                for key, value in raw.items()
                if key.startswith(("ansible_", "facility_", "hisguard_"))
            }
        except AnsibleError as exc:
            raise InventoryError(f"{source}: host {host.name}: {_first_line(exc)}") from None
        code = facility_of_host[host.name]
        target = _host_target(host, code, wanted, raw, source)
        hosts_by_facility.setdefault(code, []).append(target)
        # The host's own variables only: what it inherits is checked once, on its group.
        warnings += _typo_warnings(list(host.get_vars()), f"{source}: host {host.name}")

    for group_name in sorted(facility_groups):
        code = group_name[len(FACILITY_GROUP_PREFIX) :]
        group_vars = _group_vars(facility_groups[group_name], loader, paths)
        templar = Templar(loader=loader, variables=group_vars)
        reader = _Reader(templar, keyring, f"facility {code}")
        try:
            plain = {key: reader.value(value, key, key) for key, value in group_vars.items()}
        except AnsibleError as exc:
            raise InventoryError(f"{source}: group {group_name}: {_first_line(exc)}") from None
        facilities[code] = _facility(code, plain, group_vars, hosts_by_facility.get(code, []), source)
        warnings += _typo_warnings(list(plain), f"{source}: group {group_name}")
        warnings += _scope_warnings(facilities[code])
    return Inventory(sources=tuple(paths), facilities=facilities, warnings=tuple(dict.fromkeys(warnings)))


def _group_vars(group: Any, loader: Any, paths: list[str], own: bool = False) -> dict[str, Any]:
    """A group's own variables: inline ones, then group_vars/ files beside each source.

    VariableManager only answers per host; a facility's variables must be readable even when
    the facility has no host yet, so ask the host_group_vars plugin for the group directly.
    ``own``: the group's alone, without what its parent groups (``all``) give it.
    """
    from ansible.plugins.loader import vars_loader
    from ansible.utils.vars import combine_vars

    entities = [group] if own else [*sorted(group.get_ancestors(), key=lambda g: g.depth), group]
    merged: dict[str, Any] = {}
    for entity in entities:
        merged = combine_vars(merged, entity.get_vars())
    plugin = vars_loader.get("ansible.builtin.host_group_vars")
    for path in paths:
        base = path if Path(path).is_dir() else str(Path(path).parent)
        merged = combine_vars(merged, plugin.get_vars(loader, base, entities))
    return merged


class _Reader:
    """Templates an inventory's variables leaf by leaf, leaving every ``!vault`` value sealed.

    ansible decrypts a vault value as soon as it templates it (or a list holding it): one value
    of another facility's vault would fail the whole load. So vault values are taken untouched,
    and a ``{{ var }}`` naming one that no secret opens becomes an unavailable Secret.
    """

    def __init__(self, templar: Any, keyring: Keyring, where: str) -> None:
        self.templar = templar
        self.keyring = keyring
        self.where = where

    def value(self, value: Any, name: str, path: str) -> Any:
        from ansible.errors import AnsibleError
        from ansible.parsing.vault import EncryptedString

        if isinstance(value, EncryptedString):
            return self._sealed(ciphertext_of(value), path)
        if isinstance(value, Mapping):
            return {str(k): self.value(v, str(k), f"{path}.{k}") for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item, name, f"{path}[{index}]") for index, item in enumerate(value)]
        try:
            templated = self.templar.template(value)
        except AnsibleError as exc:
            if not is_undecryptable(exc):
                raise
            return Secret(sealed=Sealed("", self.where, path, None))
        return self._plain(templated, name, path)

    def _sealed(self, ciphertext: str, path: str) -> Secret:
        return Secret(sealed=Sealed(ciphertext, self.where, path, self.keyring))

    def _plain(self, value: Any, name: str, path: str) -> Any:
        """Strip ansible's tagged types; vault values and secret-looking names become Secret."""
        from ansible.parsing.vault import EncryptedString

        if isinstance(value, EncryptedString):  # a {{ var }} that is a vault value, still sealed
            return self._sealed(ciphertext_of(value), path)
        if isinstance(value, Mapping):
            return {str(k): self._plain(v, str(k), f"{path}.{k}") for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self._plain(item, name, f"{path}[{index}]") for index, item in enumerate(value)]
        if isinstance(value, bool):
            return bool(value)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return float(value)
        if isinstance(value, str):
            text = str(value)
            if _is_vaulted(value) or (
                any(hint in name.lower() for hint in SECRET_NAME_HINTS) and not name.endswith("_file")
            ):
                return Secret(text)
            return text
        return value


def _is_vaulted(value: Any) -> bool:
    try:
        from ansible._internal._datatag._tags import VaultedValue

        return bool(VaultedValue.is_tagged_on(value))
    except Exception:  # internal API; the name-based rule still applies
        return False


def _networks(value: Any, what: str, where: str) -> tuple[Network, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise InventoryError(f"{where}: {what} must be a list of CIDRs")
    result = []
    for item in value:
        try:
            network = ipaddress.ip_network(str(item), strict=True)
        except ValueError as exc:
            raise InventoryError(f"{where}: {what}: {item!r} is not a valid CIDR ({exc})") from None
        if network.prefixlen < MIN_PREFIX[network.version]:
            raise InventoryError(
                f"{where}: {what}: {network} is wider than /{MIN_PREFIX[network.version]}: "
                "list the facility's own networks"
            )
        result.append(network)
    return tuple(result)


def _ports(value: Any, where: str) -> tuple[int, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InventoryError(f"{where}: hisguard_allowed_tcp_ports must be a list of port numbers")
    ports = []
    for item in value:
        try:
            port = int(item)
        except (TypeError, ValueError, OverflowError):
            raise InventoryError(f"{where}: hisguard_allowed_tcp_ports: {item!r} is not a port") from None
        if not 0 < port < 65536:
            raise InventoryError(f"{where}: hisguard_allowed_tcp_ports: {port} is out of range")
        ports.append(port)
    return tuple(sorted(set(ports)))


def _host_target(host: Any, code: str, wanted: dict[str, Any], raw: Any, source: str) -> HostTarget:
    where = _origin(raw.get("hisguard_allowed_tcp_ports"), source)
    address = wanted.get("ansible_host") or host.name
    given = wanted.get("ansible_port")
    try:
        port = 22 if given is None or given == "" else int(given)
    except (TypeError, ValueError, OverflowError):
        raise InventoryError(f"{source}: host {host.name}: ansible_port is not a number") from None
    if isinstance(given, bool) or not 0 < port < 65536:
        raise InventoryError(f"{source}: host {host.name}: ansible_port {given!r} is not a port (1-65535)")
    become = wanted.get("ansible_become_password") or wanted.get("ansible_become_pass")
    if isinstance(become, str):
        become = Secret(become)
    groups = tuple(sorted(g.name for g in host.get_groups() if g.name != "all"))
    known_hosts = wanted.get("hisguard_known_hosts_file")
    return HostTarget(
        name=host.name,
        facility=code,
        address=str(address),
        port=port,
        user=_str_or_none(wanted.get("ansible_user")),
        key_file=_str_or_none(wanted.get("ansible_ssh_private_key_file")),
        groups=groups,
        allowed_tcp_ports=_ports(wanted.get("hisguard_allowed_tcp_ports"), where),
        known_hosts_file=_str_or_none(known_hosts),
        become_password=become if isinstance(become, Secret) else None,
        variables=wanted,
    )


def _str_or_none(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _facility(code: str, plain: dict[str, Any], raw: Any, hosts: list[HostTarget], source: str) -> Facility:
    def where(key: str) -> str:
        return _origin(raw.get(key), source)

    declared = plain.get("facility_code")
    if declared is not None and str(declared) != code:
        raise InventoryError(
            f"{where('facility_code')}: facility_code {declared!r} does not match group facility_{code}"
        )
    name = plain.get("facility_name")
    if not isinstance(name, str) or not name.strip():
        raise InventoryError(f"{where('facility_name')}: facility_{code} has no facility_name")
    networks = _networks(plain.get("facility_networks"), "facility_networks", where("facility_networks"))
    if not networks:
        raise InventoryError(f"{where('facility_networks')}: facility_{code} has no facility_networks")
    try:
        review_months = int(plain.get("hisguard_review_period_months", 6))
    except (TypeError, ValueError, OverflowError):
        raise InventoryError(
            f"{where('hisguard_review_period_months')}: hisguard_review_period_months is not a number"
        ) from None
    if not 0 < review_months <= 120:
        raise InventoryError(
            f"{where('hisguard_review_period_months')}: hisguard_review_period_months {review_months} "
            "must be 1 to 120 months"
        )
    excludes = _networks(
        plain.get("facility_scan_exclude"), "facility_scan_exclude", where("facility_scan_exclude")
    )
    for exclude in excludes:
        if not any(exclude.version == n.version and exclude.subnet_of(n) for n in networks):  # type: ignore[arg-type]
            raise InventoryError(
                f"{where('facility_scan_exclude')}: facility_scan_exclude {exclude} is not inside "
                f"facility_networks ({', '.join(map(str, networks))}): it would exclude nothing"
            )
    return Facility(
        code=code,
        name=name.strip(),
        province=str(plain.get("facility_province") or ""),
        networks=networks,
        scan_exclude=excludes,
        management_networks=_networks(
            plain.get("hisguard_management_networks"),
            "hisguard_management_networks",
            where("hisguard_management_networks"),
        ),
        hosts=tuple(sorted(hosts, key=lambda h: h.name)),
        portal_accounts=_accounts(plain.get("hisguard_portal_accounts"), where("hisguard_portal_accounts")),
        review_period_months=review_months,
        settings={k: v for k, v in plain.items() if k.startswith("hisguard_")},
    )


def _date(value: Any, what: str, where: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InventoryError(f"{where}: {what} {value!r} is not a date (YYYY-MM-DD)") from None


def _accounts(value: Any, where: str) -> tuple[PortalAccount, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InventoryError(f"{where}: hisguard_portal_accounts must be a list")
    accounts = []
    seen: dict[str, int] = {}
    for index, item in enumerate(value):
        if not isinstance(item, Mapping) or not item.get("username"):
            raise InventoryError(f"{where}: hisguard_portal_accounts[{index}] needs a username")
        username = item["username"]
        if isinstance(username, Secret):
            # A vaulted username of a vault not given here: the account is listed, unnamed.
            username = username.reveal() if username.available else f"<vault {index}>"
        else:
            username = str(username)
        if username in seen:
            raise InventoryError(
                f"{where}: hisguard_portal_accounts[{index}]: username {username!r} is listed twice "
                f"(also [{seen[username]}])"
            )
        seen[username] = index
        hosts = item.get("allowed_hosts")
        if hosts is not None and not (isinstance(hosts, list) and all(isinstance(h, str) for h in hosts)):
            raise InventoryError(
                f"{where}: hisguard_portal_accounts[{index}]: allowed_hosts must be a list of host "
                'names (allowed_hosts: ["his-app-01"], not a single string)'
            )
        fields = Fields(item, f"{where}: hisguard_portal_accounts[{index}] ({username})", _date)
        fields.unknown_keys()
        granted = fields.date("granted")
        revoked = fields.date("revoked")
        status = fields.choice("status", STATUSES)
        check_dates(fields, granted, revoked, status)
        password = item.get("password")
        accounts.append(
            PortalAccount(
                name=str(item.get("name") or username),
                username=username,
                holder=fields.text("holder"),
                purpose=fields.text("purpose"),
                allowed_hosts=tuple(str(h) for h in item.get("allowed_hosts") or ()),
                granted=granted,
                reviewed=fields.date("reviewed"),
                password=password if isinstance(password, Secret) else None,
                department=fields.text("department"),
                holder_id=fields.holder_id(),
                scope=fields.scope(),
                decision=fields.decision(),
                revoked=revoked,
                status=status or ("revoked" if revoked else ""),
                held_at=fields.choice("held_at", HELD_AT),
                review=fields.review(),
                password_changed=fields.date("password_changed"),
                missing=missing_fields(item),
            )
        )
    return tuple(accounts)
