"""The vault secrets an inventory is read with, and the values they open, one by one, when needed.

Each facility keeps its portal passwords in its own vault (``--vault-id 75901@FILE``); the scan
host of facility A is given A's secret and no other. So nothing is decrypted while an inventory
loads: a ``!vault`` value becomes a :class:`Sealed` that opens on first use with the secrets of
its own load. A value no given secret opens is simply not available (:class:`VaultLocked`, one
line naming where it is and its vault id, never a part of it), and scanning another facility
never fails because of it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hisguard.scanners.errors import InventoryError

DEFAULT_LABEL = "default"
MAX_VAULT_PASSWORD_BYTES = 64 * 1024
# A vault id's label as hisguard accepts it: it is shown in messages and ansible puts it in headers.
LABEL = re.compile(r"\A[A-Za-z0-9_.-]{1,64}\Z")


class VaultLocked(InventoryError):
    """A vault value that none of the given vault secrets opens."""


@dataclass(frozen=True)
class VaultSource:
    """One vault secret as given: its label and the file (or script) holding it."""

    label: str
    path: str
    option: str  # how it was given, for messages: "--vault-id 75901@FILE" or "--vault-password-file FILE"


def parse_vault_id(text: str) -> VaultSource:
    """``LABEL@FILE`` as ``ansible-vault --vault-id`` takes it (a bare FILE is the default label)."""
    label, sep, path = text.partition("@")
    if not sep:
        label, path = DEFAULT_LABEL, text
    if not LABEL.match(label) or not path:
        raise InventoryError(f"--vault-id {text!r}: expected LABEL@FILE (LABEL: letters, digits, _ . -)")
    if path == "prompt":
        raise InventoryError(f"--vault-id {text!r}: hisguard reads vault secrets from files, not prompts")
    return VaultSource(label, path, f"--vault-id {label}@{path}")


def vault_sources(vault_password_file: str | None, vault_ids: Sequence[str] = ()) -> list[VaultSource]:
    """Every secret given: the options first, then ansible's own environment variables."""
    found: list[VaultSource] = []
    if vault_password_file:
        found.append(
            VaultSource(DEFAULT_LABEL, vault_password_file, f"--vault-password-file {vault_password_file}")
        )
    env_file = os.environ.get("ANSIBLE_VAULT_PASSWORD_FILE")
    if env_file:
        found.append(VaultSource(DEFAULT_LABEL, env_file, f"ANSIBLE_VAULT_PASSWORD_FILE {env_file}"))
    found += [parse_vault_id(text) for text in vault_ids]
    env_ids = os.environ.get("ANSIBLE_VAULT_IDENTITY_LIST", "")
    found += [parse_vault_id(text.strip()) for text in env_ids.split(",") if text.strip()]
    unique: dict[tuple[str, str], VaultSource] = {}
    for source in found:
        unique.setdefault((source.label, str(Path(source.path).absolute())), source)
    return list(unique.values())


@dataclass
class Keyring:
    """The secrets of one inventory load. What each value opened to is kept here, in memory only,
    so a value shared by many hosts is decrypted once."""

    sources: tuple[VaultSource, ...]
    secrets: tuple[tuple[str, Any], ...]  # (label, ansible VaultSecret), in the order given
    _opened: dict[str, str | None] = field(default_factory=dict, repr=False)
    _opens: dict[tuple[int, str], bool] = field(default_factory=dict, repr=False)

    def open(self, ciphertext: str) -> str | None:
        """The value, or None when no secret of this keyring opens it."""
        if ciphertext not in self._opened:
            self._opened[ciphertext] = _decrypt(ciphertext, list(self.secrets))
        return self._opened[ciphertext]

    def opened_by(self, ciphertext: str) -> tuple[VaultSource, ...]:
        """The secrets that, each on its own, open ``ciphertext`` (nothing of the value is kept)."""
        found = []
        for index, source in enumerate(self.sources):
            key = (index, ciphertext)
            if key not in self._opens:
                self._opens[key] = _decrypt(ciphertext, [self.secrets[index]]) is not None
            if self._opens[key]:
                found.append(source)
        return tuple(found)


def _decrypt(ciphertext: str, secrets: list[tuple[str, Any]]) -> str | None:
    from ansible.errors import AnsibleError
    from ansible.parsing.vault import VaultLib

    if not secrets:
        return None
    try:
        plain = VaultLib(secrets).decrypt(ciphertext.encode("utf-8"))
    except (AnsibleError, ValueError, UnicodeError):  # wrong secret, damaged envelope
        return None
    try:
        return bytes(plain).decode("utf-8")
    except UnicodeDecodeError:
        return None


def vault_label(ciphertext: str) -> str:
    """The vault id a value was encrypted with, from its header (``$ANSIBLE_VAULT;1.2;AES256;75901``)."""
    header = ciphertext.lstrip().split("\n", 1)[0].strip().split(";")
    label = header[3] if len(header) > 3 else DEFAULT_LABEL
    return label if LABEL.match(label) else "?"


@dataclass(frozen=True)
class Sealed:
    """A ``!vault`` value not yet opened: its ciphertext, where it was read and its load's keyring."""

    ciphertext: str = field(repr=False)
    where: str  # "facility 75902", "host his-app-02"
    name: str  # the variable: "hisguard_portal_accounts[0].password"
    keyring: Keyring | None = field(repr=False, compare=False)

    @property
    def label(self) -> str:
        return vault_label(self.ciphertext) if self.ciphertext else ""

    def open(self) -> str:
        plain = self.keyring.open(self.ciphertext) if self.keyring is not None else None
        if plain is None:
            raise VaultLocked(self.notice())
        return plain

    def notice(self) -> str:
        if not self.label:  # a {{ var }} naming a vault value: ansible does not say which vault
            return f"{self.where}: {self.name} names a vault value no vault secret given opens; not available"
        return (
            f"{self.where}: {self.name} is in vault {self.label!r}, which no vault secret given opens; "
            f"not available here (--vault-id {self.label}@FILE opens it)"
        )

    def opened_by(self) -> tuple[VaultSource, ...]:
        return self.keyring.opened_by(self.ciphertext) if self.keyring is not None else ()


def ciphertext_of(value: Any) -> str:
    """The ciphertext of ansible-core's ``EncryptedString`` (read without decrypting it)."""
    text = getattr(value, "_ciphertext", None)  # ansible-core 2.19 keeps it there
    if not isinstance(text, str):
        raise InventoryError("this ansible-core keeps vault values in a way hisguard does not know")
    return text


def is_undecryptable(exc: BaseException) -> bool:
    """ansible's templating error for a ``{{ var }}`` whose vault value no secret opens."""
    seen: BaseException | None = exc
    while seen is not None:
        if "UndecryptableVault" in type(seen).__name__ or "undecryptable" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def load_keyring(loader: Any, sources: Sequence[VaultSource]) -> Keyring:
    """Read every secret (an executable file is a script whose output is the secret, as in ansible)
    and give them to ansible's loader, which opens whole vault-encrypted files with them."""
    from ansible.errors import AnsibleError
    from ansible.parsing.vault import VaultSecretsContext, get_file_vault_secret

    from hisguard.scanners.safeload import InputError, check_regular_file

    secrets = []
    for source in sources:
        path = source.path
        if not Path(path).is_file():
            raise InventoryError(f"{path}: vault password file not found ({source.option.split()[0]})")
        script = os.access(path, os.X_OK)
        if not script:
            try:
                check_regular_file(path, MAX_VAULT_PASSWORD_BYTES)
            except InputError as exc:
                raise InventoryError(f"vault password file {exc}") from None
        try:
            secret = get_file_vault_secret(filename=path, vault_id=source.label, loader=loader)
            secret.load()
        except AnsibleError as exc:
            if script:  # its message quotes the script's stderr, which is not ours to print
                raise InventoryError(f"{path}: the vault password script failed or printed nothing") from None
            raise InventoryError(f"{path}: cannot read the vault password ({_first_line(exc)})") from None
        secrets.append((source.label, secret))
    loader.set_vault_secrets(secrets)
    # ansible-core 2.19 decrypts a templated ``{{ var }}`` through one process-wide context that
    # can be set only once: each load replaces its secrets with its own, so an earlier
    # inventory's secret never opens a later one's vault. Sealed values use their own keyring.
    current = VaultSecretsContext.current(optional=True)
    if current is None:
        VaultSecretsContext.initialize(VaultSecretsContext(list(secrets)))
    else:
        current.secrets[:] = secrets
    return Keyring(sources=tuple(sources), secrets=tuple(secrets))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
