"""Planting: writing a host's identity, access and weaknesses into its root before it boots.

Steps come from the profiles (accounts, files, line edits, units). Text is rendered with ``@@name@@``
markers (portal credentials from the vault, the host's facility and gateway) so the same profile
works for every facility. Nothing here logs a value it writes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from hisguard.lab import aptrepo, generators, sshkeys, vault
from hisguard.lab.errors import LabError
from hisguard.lab.paths import FILES_DIR
from hisguard.lab.proc import run
from hisguard.lab.profile import FileSpec, Fleet, Host, Steps, UserSpec


def context(fleet: Fleet, host: Host) -> dict[str, str]:
    """Values the ``@@name@@`` markers of ``host``'s profile stand for."""
    facility = fleet.facility(host.facility)
    account = vault.portal_account(host.facility)
    db_user, db_password = vault.his_db_account()
    return {
        "hostname": host.name,
        "address": host.address,
        "facility_code": facility.code,
        "gateway": facility.gateway,
        "apt_port": str(aptrepo.PORT),
        "portal_username": account.username,
        "portal_password": account.password,
        "portal_md5_lower": account.md5_lower,
        "portal_md5_upper": account.md5_upper,
        "his_db_user": db_user,
        "his_db_password": db_password,
        # Only the Windows-shaped hosts' Samba account file uses it (root-only, removed at boot).
        "windows_admin_password": vault.windows_admin_password(),
    }


def render(text: str, values: Mapping[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise LabError(f"unknown template marker @@{name}@@ in a lab profile")
        return values[name]

    return re.sub(r"@@([a-z0-9_]+)@@", one, text)


def plant_host(root: Path, fleet: Fleet, host: Host) -> None:
    """Give ``host`` its identity and access, then apply its profile: common, setup, planted."""
    values = context(fleet, host)
    _identity(root, host)
    apply_steps(root, fleet.common_setup, values)
    apply_steps(root, host.setup, values)
    for item in fleet.planted_on(host):
        apply_steps(root, item.steps, values)


def _identity(root: Path, host: Host) -> None:
    _write(root, "/etc/hostname", f"{host.name}\n".encode())
    _write(root, "/etc/hosts", f"127.0.0.1\tlocalhost\n127.0.1.1\t{host.name}\n".encode())
    # Stable per host, distinct across hosts: journald, dbus and DHCP-less tools key on it.
    machine_id = hashlib.md5(f"hisguard-lab:{host.name}".encode()).hexdigest()
    _write(root, "/etc/machine-id", f"{machine_id}\n".encode())
    keys = sshkeys.host_key_dir(host.name)
    for kind in sshkeys.HOST_KEY_TYPES:
        name = f"ssh_host_{kind}_key"
        _write(root, f"/etc/ssh/{name}", (keys / name).read_bytes(), mode=0o600)
        _write(root, f"/etc/ssh/{name}.pub", (keys / f"{name}.pub").read_bytes())
    uid, gid = _ids(root, "hisadmin", "hisadmin")
    _write(
        root,
        "/home/hisadmin/.ssh/authorized_keys",
        f"{sshkeys.client_public_key()}\n".encode(),
        mode=0o600,
        uid=uid,
        gid=gid,
    )
    _set_password(root, "hisadmin", vault.admin_password())


def apply_steps(root: Path, steps: Steps, values: Mapping[str, str]) -> None:
    for user in steps.users:
        _user(root, user)
    for spec in steps.files:
        _file(root, spec, values)
    for edit in steps.edits:
        path = _inside(root, edit.path)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            raise LabError(f"cannot edit {edit.path}: not in the image") from None
        pattern = re.compile(edit.regexp)
        line = render(edit.line, values)
        replaced = [line if pattern.search(old) else old for old in lines]
        if replaced == lines and line not in lines:
            replaced.append(line)
        path.write_text("\n".join(replaced) + "\n", encoding="utf-8")
    for unit in steps.disable:
        run(["systemctl", f"--root={root}", "disable", unit])
    for unit in steps.enable:
        run(["systemctl", f"--root={root}", "enable", unit])


def _user(root: Path, user: UserSpec) -> None:
    passwd = _inside(root, "/etc/passwd").read_text()
    if not re.search(rf"^{re.escape(user.name)}:", passwd, re.M):
        cmd = ["chroot", str(root), "useradd", "--create-home", "--shell", user.shell]
        if user.groups:
            cmd += ["--groups", ",".join(user.groups)]
        run([*cmd, user.name])
    if user.empty_password:
        _set_shadow_hash(root, user.name, "")
    elif user.password is not None:
        _set_password(root, user.name, user.password)


def _set_password(root: Path, name: str, password: str) -> None:
    # Hashed on the machine, the clear text passed on stdin only.
    digest = run(["openssl", "passwd", "-6", "-stdin"], stdin=password.encode()).stdout.decode().strip()
    _set_shadow_hash(root, name, digest)


def _set_shadow_hash(root: Path, name: str, digest: str) -> None:
    shadow = _inside(root, "/etc/shadow")
    lines = shadow.read_text().splitlines()
    for i, line in enumerate(lines):
        fields = line.split(":")
        if fields[0] == name:
            fields[1] = digest
            lines[i] = ":".join(fields)
            break
    else:
        raise LabError(f"no account {name} in the host's /etc/shadow")
    shadow.write_text("\n".join(lines) + "\n")
    shadow.chmod(0o640)


def _file(root: Path, spec: FileSpec, values: Mapping[str, str]) -> None:
    if spec.generator is not None:
        data = generators.generate(spec.generator, spec.args, values)
    else:
        text = spec.content if spec.content is not None else (FILES_DIR / str(spec.source)).read_text()
        if spec.template:
            text = render(text, values)
        if spec.crlf:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        # Windows-made configs are UTF-16 LE with a byte-order mark.
        data = b"\xff\xfe" + text.encode("utf-16-le") if spec.encoding == "utf-16-le-bom" else text.encode()
    uid, gid = _ids(root, spec.owner, spec.group)
    _write(root, spec.path, data, mode=spec.mode, uid=uid, gid=gid)


def _write(root: Path, path: str, data: bytes, *, mode: int = 0o644, uid: int = 0, gid: int = 0) -> None:
    target = _inside(root, path)
    missing = []
    parent = target.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    for directory in reversed(missing):
        directory.mkdir(mode=0o755)
        # Directories made inside a user's home belong to that user, as the user would have made them.
        if uid and str(directory).startswith(str(root / "home")):
            os.chown(directory, uid, gid)
            directory.chmod(0o700)
    if target.is_symlink() or target.is_file():
        target.unlink()
    target.write_bytes(data)
    os.chown(target, uid, gid)
    target.chmod(mode)


def _ids(root: Path, owner: str, group: str) -> tuple[int, int]:
    def lookup(table: str, name: str) -> int:
        for line in _inside(root, table).read_text().splitlines():
            fields = line.split(":")
            if fields[0] == name:
                return int(fields[2])
        raise LabError(f"no {name} in the host's {table}")

    return lookup("/etc/passwd", owner), lookup("/etc/group", group)


def _inside(root: Path, path: str) -> Path:
    """``path`` of the host, under ``root``; refuse anything that would escape it."""
    target = root / path.lstrip("/")
    resolved_root = root.resolve()
    if not target.parent.resolve(strict=False).is_relative_to(resolved_root):
        raise LabError(f"{path} leads outside the host's root")
    return target


def wipe(directory: Path) -> None:
    """Delete a host's overlay upper or work dir (it is never a mount point)."""
    if directory.exists():
        shutil.rmtree(directory)
