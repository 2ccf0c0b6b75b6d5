"""Which inventory hosts are Windows, and how hisguard reaches each: the Ansible way of saying it.

Ansible marks a Windows host by its connection (``ansible_connection: winrm`` or ``psrp``, or ``ssh``
with ``ansible_shell_type: powershell``); its account is ``ansible_user`` / ``ansible_password``.
hisguard reads the disk over SMB with that account and runs its facts script over PSRP or OpenSSH.
"""

from __future__ import annotations

from dataclasses import dataclass

from hisguard.scanners.errors import InventoryError
from hisguard.scanners.inventory import HostTarget, Secret, is_windows

SMB_PORT = 445
__all__ = ["is_windows"]


def facts_transport(host: HostTarget) -> str:
    """How the facts script reaches the host: ``psrp`` (WinRM/PSRP) or ``ssh`` (OpenSSH + PowerShell)."""
    connection = str(host.var("ansible_connection") or "").split(".")[-1]
    return "ssh" if connection == "ssh" else "psrp"


@dataclass(frozen=True)
class WindowsAccount:
    user: str
    password: Secret

    def __repr__(self) -> str:
        return f"WindowsAccount(user={self.user!r}, password=<hidden>)"


def account(host: HostTarget) -> WindowsAccount:
    """The account Ansible would use; a host without one cannot be read (one-line error)."""
    user = host.var("ansible_user") or host.user
    password = host.var("ansible_password") or host.var("ansible_pass")
    if not user:
        raise InventoryError(f"{host.name}: Windows host without ansible_user")
    if not isinstance(password, Secret):
        raise InventoryError(f"{host.name}: Windows host without ansible_password (keep it in the vault)")
    return WindowsAccount(user=str(user), password=password)


@dataclass(frozen=True)
class ShareRoot:
    """A share and the Windows path it stands for (``C$`` is ``C:``; ``DuLieu`` may be ``D:/DuLieu``)."""

    share: str
    root: str  # "C:" or "D:/DuLieu": what findings name, with forward slashes


def shares(host: HostTarget) -> tuple[ShareRoot, ...]:
    """``hisguard_smb_shares`` (``[C$, {share: DuLieu, root: "D:/DuLieu"}]``), default the admin share C$."""
    value = host.var("hisguard_smb_shares")
    if value is None:
        return (ShareRoot("C$", "C:"),)
    if not isinstance(value, list) or not value:
        raise InventoryError(f"{host.name}: hisguard_smb_shares must be a non-empty list")
    found = []
    for item in value:
        if isinstance(item, str):
            name, root = item, _root_of(item)
        elif isinstance(item, dict) and isinstance(item.get("share"), str):
            name = item["share"]
            root = str(item.get("root") or _root_of(name))
        else:
            raise InventoryError(f"{host.name}: hisguard_smb_shares: {item!r} is not a share name or mapping")
        if not name or any(c in name for c in '\\/:*?"<>|'):
            raise InventoryError(f"{host.name}: hisguard_smb_shares: {name!r} is not a share name")
        found.append(ShareRoot(name, root.replace("\\", "/").rstrip("/")))
    return tuple(found)


def _root_of(share: str) -> str:
    """``C$`` -> ``C:``; any other share is named by itself (``//host/Share``)."""
    if len(share) == 2 and share[1] == "$" and share[0].isalpha():
        return f"{share[0].upper()}:"
    return f"//{share}"


def smb_port(host: HostTarget) -> int:
    value = host.var("hisguard_smb_port", SMB_PORT)
    try:
        port = int(value)
    except (TypeError, ValueError):
        raise InventoryError(f"{host.name}: hisguard_smb_port is not a number") from None
    if not 0 < port < 65536:
        raise InventoryError(f"{host.name}: hisguard_smb_port {port} is out of range")
    return port


def reached_by(host: HostTarget) -> str:
    """How hisguard reaches the host, for ``hisguard inventory show``."""
    if not is_windows(host):
        return f"Linux: SSH {host.port}"
    try:
        disk = f"SMB {smb_port(host)} ({', '.join(s.share for s in shares(host))})"
    except InventoryError as exc:
        disk = f"SMB: {exc}"
    if facts_transport(host) == "ssh":
        return f"Windows: {disk} + OpenSSH {host.port} (PowerShell)"
    protocol = str(host.var("ansible_psrp_protocol") or ("https" if host.port == 5986 else "http"))
    return f"Windows: {disk} + PSRP {protocol} {host.port}"
