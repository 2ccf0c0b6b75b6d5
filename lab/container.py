"""One lab host's container: its overlay root, its systemd-nspawn process, its SSH readiness.

Per NOTES.md: nspawn needs ``--register=no --keep-unit`` here (no system bus), ``CAP_NET_ADMIN`` so
nftables works inside, and its own ``--hostname``; it never gets a capability that reaches the
machine's kernel state (no CAP_SYS_TIME, no writable /proc/sys).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

from hisguard.lab import cgroups, network
from hisguard.lab.errors import LabError
from hisguard.lab.paths import HOSTS_DIR, LOG_DIR
from hisguard.lab.proc import is_ours, run, start_time
from hisguard.lab.state import Proc


def host_dir(name: str) -> Path:
    return HOSTS_DIR / name


def merged_dir(name: str) -> Path:
    return host_dir(name) / "merged"


def log_path(name: str) -> Path:
    return LOG_DIR / f"{name}.log"


def mount_overlay(name: str, lower: Path) -> Path:
    """Mount ``name``'s writable root: the shared image under its own upper dir."""
    base = host_dir(name)
    upper, work, merged = base / "upper", base / "work", base / "merged"
    for directory in (upper, work, merged):
        directory.mkdir(parents=True, exist_ok=True)
    if not os.path.ismount(merged):
        run(
            [
                "mount",
                "-t",
                "overlay",
                f"hg-{name}",
                "-o",
                f"lowerdir={lower},upperdir={upper},workdir={work}",
                str(merged),
            ]
        )
    return merged


def unmount_overlay(name: str) -> None:
    merged = merged_dir(name)
    if not os.path.ismount(merged):
        return
    for _ in range(20):
        if run(["umount", str(merged)], check=False).returncode == 0:
            return
        time.sleep(0.25)
    # Still busy after 5 s (a process outside the container holding a file): detach it.
    run(["umount", "-l", str(merged)])


def spawn(name: str, root: Path) -> Proc:
    """Boot the container in the background, its console going to its log file."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    cmd = [
        "systemd-nspawn",
        "--boot",
        "--register=no",
        "--keep-unit",
        "--capability=CAP_NET_ADMIN",
        f"--network-namespace-path=/run/netns/{network.netns_name(name)}",
        f"--machine={name}",
        f"--hostname={name}",
        "-D",
        str(root),
        "--console=read-only",
        "--resolv-conf=off",
        "--timezone=off",
        "--link-journal=no",
    ]
    group = cgroups.make(name)
    with log_path(name).open("ab") as log:
        log.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(cmd)}\n".encode())
        log.flush()
        try:
            child = subprocess.Popen(
                cgroups.wrap(group, cmd),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except FileNotFoundError:
            raise LabError("systemd-nspawn is missing (apt-get install systemd-container)") from None
    started = start_time(child.pid)
    if started is None:
        raise LabError(f"{name}: systemd-nspawn exited at once; see {log_path(name)}")
    return Proc(child.pid, started)


def ssh_banner(address: str, timeout: float = 2.0) -> bool:
    """True when ``address``:22 answers with an SSH banner (a lab address, never anything else)."""
    try:
        with socket.create_connection((address, 22), timeout=timeout) as conn:
            conn.settimeout(timeout)
            return conn.recv(64).startswith(b"SSH-")
    except OSError:
        return False


def wait_ssh(name: str, address: str, proc: Proc, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ssh_banner(address):
            return
        if not is_ours(proc.pid, proc.started):
            raise LabError(f"{name}: the container stopped while booting; see {log_path(name)}")
        time.sleep(0.3)
    raise LabError(f"{name}: no SSH answer from {address} within {timeout:.0f} s; see {log_path(name)}")
