"""The lab's secrets, read from the lab inventory's ansible-vault values (one source of truth).

The planted portal credentials and the admin's sudo password are the very values the inventory
keeps in the vault, so the scanners can match what they find against what the facility declares.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from hisguard.lab.errors import LabError
from hisguard.lab.paths import INVENTORY_DIR


class _Vaulted(str):
    """Ciphertext of a ``!vault`` value, kept apart from plain strings."""


class _Loader(yaml.SafeLoader):
    pass


def _vault_constructor(loader: yaml.SafeLoader, node: yaml.Node) -> _Vaulted:
    return _Vaulted(loader.construct_scalar(node))  # type: ignore[arg-type]


_Loader.add_constructor("!vault", _vault_constructor)


@dataclass(frozen=True)
class PortalAccount:
    username: str
    password: str

    @property
    def md5_lower(self) -> str:
        return hashlib.md5(self.password.encode()).hexdigest()

    @property
    def md5_upper(self) -> str:
        return self.md5_lower.upper()


# Each lab facility's portal passwords are in its own vault (vault id = facility code); the
# fleet's admin values (sudo, Windows, database) in the lab's shared one.
FACILITY_VAULTS = ("75901", "75902")


def vault_password_file() -> Path:
    return INVENTORY_DIR / "vault-password.txt"


def facility_vault_file(facility: str) -> Path:
    return INVENTORY_DIR / f"vault-{facility}.txt"


def vault_ids() -> tuple[str, ...]:
    """``--vault-id`` values that open every lab facility's vault (``load_inventory(vault_ids=...)``)."""
    return tuple(f"{code}@{facility_vault_file(code)}" for code in FACILITY_VAULTS)


def vault_options() -> list[str]:
    """The command-line options that open every lab vault."""
    options = ["--vault-password-file", str(vault_password_file())]
    for value in vault_ids():
        options += ["--vault-id", value]
    return options


def _decrypt(ciphertext: str, password_file: Path | None = None) -> str:
    from ansible.parsing.vault import VaultLib, VaultSecret

    password_file = password_file or vault_password_file()
    try:
        secret = password_file.read_bytes().strip()
    except OSError:
        raise LabError(f"cannot read the lab vault password {password_file}") from None
    try:
        plain = VaultLib([("default", VaultSecret(secret))]).decrypt(ciphertext.encode())
    except Exception:  # ansible raises its own error types; the message must not echo data
        raise LabError(f"cannot decrypt a lab vault value with {password_file}") from None
    return bytes(plain).decode()


def _group_vars(group: str) -> dict[str, Any]:
    path = INVENTORY_DIR / "group_vars" / f"{group}.yml"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        raise LabError(f"cannot read {path}: {type(exc).__name__}") from None
    if not isinstance(data, dict):
        raise LabError(f"{path} is not a mapping")
    return data


def _secret(value: object, where: str, password_file: Path | None = None) -> str:
    if not isinstance(value, _Vaulted):
        raise LabError(f"{where} must be an ansible-vault value")
    return _decrypt(value, password_file)


@cache
def admin_password() -> str:
    """The lab admin's sudo password (``ansible_become_password`` of group ``all``)."""
    return _secret(_group_vars("all").get("ansible_become_password"), "all.ansible_become_password")


@cache
def windows_admin_password() -> str:
    """The Windows-shaped hosts' administrator password (``ansible_password`` of group ``windows``)."""
    return _secret(_group_vars("windows").get("ansible_password"), "windows.ansible_password")


@cache
def portal_account(facility: str) -> PortalAccount:
    """The facility's first declared portal account: the one the planted files leak."""
    accounts = _group_vars(f"facility_{facility}").get("hisguard_portal_accounts")
    if not isinstance(accounts, list) or not accounts or not isinstance(accounts[0], dict):
        raise LabError(f"facility_{facility}.hisguard_portal_accounts must list at least one account")
    first = accounts[0]
    where = f"facility_{facility}.hisguard_portal_accounts[0]"
    username = first.get("username")
    if not isinstance(username, str):
        raise LabError(f"{where}.username must be a string")
    own_vault = facility_vault_file(facility) if facility in FACILITY_VAULTS else None
    password = _secret(first.get("password"), f"{where}.password", own_vault)
    return PortalAccount(username=username, password=password)


@cache
def his_db_account() -> tuple[str, str]:
    """The HIS database's read-only account (``db_servers.hisguard_his_db``): user and password."""
    account = _group_vars("db_servers").get("hisguard_his_db")
    if not isinstance(account, dict) or not isinstance(account.get("user"), str):
        raise LabError("db_servers.hisguard_his_db must give a user and a password")
    return account["user"], _secret(account.get("password"), "db_servers.hisguard_his_db.password")


def inventory_path() -> Path:
    return INVENTORY_DIR
