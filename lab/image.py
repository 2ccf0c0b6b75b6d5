"""The lab image: a Debian 12 root built with debootstrap, cached as a tarball keyed by its recipe.

The recipe (packages, post-install script, agent version) is hashed; the tarball
``/var/cache/hisguard-lab/image-<hash>.tar.zst`` is built in a temporary directory and renamed into
place only when complete, so a killed build never leaves a half cache. Hosts share one read-only
extraction of it (``/var/lib/hisguard-lab/images/<hash>``) under their own overlay.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hisguard.lab import aptrepo
from hisguard.lab.errors import LabError
from hisguard.lab.paths import CACHE_DIR, IMAGES_DIR
from hisguard.lab.proc import run

RECIPE_VERSION = 1
SUITE = "bookworm"
# What debootstrap needs to give a bootable host with sshd and Python.
BASE_INCLUDE = ("systemd", "systemd-sysv", "dbus", "openssh-server", "iproute2", "python3")
# Everything the roles and planted weaknesses need, present but not configured. Installed with
# --no-install-recommends so no daemon nobody asked for starts (exim on :25 was seen otherwise).
PACKAGES = (
    "sudo",
    "nftables",
    "auditd",
    "unattended-upgrades",
    "libpam-pwquality",
    "systemd-timesyncd",
    "postgresql",
    # community.postgresql's modules (role database) on the database host and its HIS clients.
    "python3-psycopg2",
    "tigervnc-standalone-server",
    "xfonts-base",
    "inetutils-telnetd",
    "openbsd-inetd",
    "lynis",
    "curl",
    "ca-certificates",
    "procps",
    "cron",
    "nmap",
    "less",
    # A scan host runs hisguard from its own virtual environment (scan_schedule role).
    "python3-venv",
    # Windows-shaped hosts: a real SMB server (Samba 4.17) and RDP server (xrdp 0.9). xrdp reads
    # its TLS key through the ssl-cert group (without it TLS silently switches off).
    "samba",
    "xrdp",
    "ssl-cert",
)
# Daemons that come enabled but belong only to the hosts whose profile enables them.
DISABLED_UNITS = (
    "auditd.service",  # cannot run in a container (no audit netlink socket)
    "inetd.service",
    "postgresql.service",
    "lynis.timer",
    "e2scrub_all.timer",
    "e2scrub_reap.service",
    "fstrim.timer",
    "getty@tty1.service",
    "smbd.service",
    "nmbd.service",
    "xrdp.service",
    "xrdp-sesman.service",
)
POST_INSTALL = r"""
set -eu
systemctl disable {disabled} >/dev/null 2>&1
# Unconfigured: each host's profile says whether automatic updates are on.
rm -f /etc/apt/apt.conf.d/20auto-upgrades
# Each host gets its own host keys and machine id when it is planted.
rm -f /etc/ssh/ssh_host_*
: > /etc/machine-id
rm -f /etc/hostname
# The facility team's admin account (password and key are planted per host).
useradd --create-home --shell /bin/bash --groups sudo hisadmin
install -d -m 0700 -o hisadmin -g hisadmin /home/hisadmin/.ssh
# timesyncd skips itself in containers; the lab host should look like a real one (it has no NTP
# route, so it never changes any clock, and it gets no CAP_SYS_TIME).
mkdir -p /etc/systemd/system/systemd-timesyncd.service.d
printf '[Unit]\nConditionVirtualization=\nConditionCapability=\n' \
  > /etc/systemd/system/systemd-timesyncd.service.d/lab-container.conf
# What apt-daily would do on a real host: fetch the indexes, so pending updates show at once.
cat > /etc/systemd/system/hisguard-lab-apt-update.service <<'UNIT'
[Unit]
Description=hisguard lab: refresh apt indexes from the facility's update server
After=network.target
[Service]
Type=oneshot
ExecStart=/usr/bin/apt-get -q update
TimeoutStartSec=60
[Install]
WantedBy=multi-user.target
UNIT
systemctl enable hisguard-lab-apt-update.service >/dev/null 2>&1
"""


@dataclass(frozen=True)
class Image:
    key: str
    tarball: Path
    rootfs: Path


def recipe() -> dict[str, object]:
    return {
        "version": RECIPE_VERSION,
        "suite": SUITE,
        "include": BASE_INCLUDE,
        "packages": PACKAGES,
        "disabled": DISABLED_UNITS,
        "post_install": POST_INSTALL,
        "agent": [aptrepo.AGENT, aptrepo.INSTALLED_VERSION],
    }


def recipe_key() -> str:
    blob = json.dumps(recipe(), sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def current() -> Image:
    key = recipe_key()
    return Image(key, CACHE_DIR / f"image-{key}.tar.zst", IMAGES_DIR / key)


def ensure(log: Path, *, rebuild: bool = False) -> tuple[Image, float]:
    """The image of the current recipe, built if not cached and extracted if needed.

    Returns the image and the seconds spent building (0.0 when it came from the cache).
    """
    image = current()
    built = 0.0
    if rebuild or not image.tarball.is_file():
        start = time.monotonic()
        build(image, log)
        built = time.monotonic() - start
        if image.rootfs.exists():
            shutil.rmtree(image.rootfs)
    if not (image.rootfs / "etc" / "os-release").exists():
        extract(image)
    return image, built


def prune(keep: str) -> None:
    """Remove tarballs and extractions of other recipes (call only when no host runs on them)."""
    for tarball in CACHE_DIR.glob("image-*.tar.zst"):
        if tarball.name != f"image-{keep}.tar.zst":
            tarball.unlink()
    if IMAGES_DIR.is_dir():
        for extracted in IMAGES_DIR.iterdir():
            if extracted.name != keep:
                _remove_tree(extracted)


def mirror_entries(apt_dir: Path = Path("/etc/apt")) -> list[tuple[str, str, tuple[str, ...]]]:
    """The machine's Debian apt sources as (uri, suite, components) for bookworm and its updates."""
    entries: list[tuple[str, str, tuple[str, ...]]] = []
    sources = apt_dir / "sources.list.d"
    files = sorted(sources.glob("*.sources")) + sorted(sources.glob("*.list"))
    if (apt_dir / "sources.list").is_file():
        files.append(apt_dir / "sources.list")
    for path in files:
        text = path.read_text(errors="replace")
        if path.suffix == ".sources":
            for stanza in re.split(r"\n\s*\n", text):
                fields = _deb822(stanza)
                if "deb" not in fields.get("types", "").split() or fields.get("enabled", "yes") == "no":
                    continue
                for uri in fields.get("uris", "").split():
                    for suite in fields.get("suites", "").split():
                        entries.append((uri, suite, tuple(fields.get("components", "").split())))
        else:
            for line in text.splitlines():
                words = re.sub(r"\[[^]]*\]", "", line.split("#", 1)[0]).split()
                if len(words) >= 4 and words[0] == "deb":
                    entries.append((words[1], words[2], tuple(words[3:])))
    wanted = {SUITE, f"{SUITE}-updates", f"{SUITE}-security"}
    found = [(u, s, c) for u, s, c in entries if s in wanted and "main" in c]
    if not any(s == SUITE for _, s, _ in found):
        raise LabError(f"no Debian {SUITE} main source in /etc/apt/sources.list.d to build the lab image")
    return found


def _deb822(stanza: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    key = ""
    for line in stanza.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace() and key:
            fields[key] += " " + line.strip()
        elif ":" in line:
            key, value = line.split(":", 1)
            key = key.strip().lower()
            fields[key] = value.strip()
    return fields


@contextmanager
def _proc_mounted(root: Path) -> Iterator[None]:
    # Some maintainer scripts (postgresql's initdb) read /proc.
    run(["mount", "-t", "proc", "proc", str(root / "proc")])
    try:
        yield
    finally:
        run(["umount", "-l", str(root / "proc")], check=False)


def build(image: Image, log: Path) -> None:
    """Build the image tarball of the current recipe; log every step's output to ``log``."""
    if shutil.which("debootstrap") is None:
        raise LabError("debootstrap is not installed on this machine (apt-get install debootstrap)")
    if shutil.which("zstd") is None:
        raise LabError("zstd is not installed on this machine (apt-get install zstd)")
    entries = mirror_entries()
    mirror = next(u for u, s, _ in entries if s == SUITE)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for stale in CACHE_DIR.glob("build-*"):  # left by a killed build (we hold the lab lock)
        _remove_tree(stale)
    work = Path(tempfile.mkdtemp(prefix="build-", dir=CACHE_DIR))
    root = work / "root"
    try:
        with log.open("ab") as out:

            def step(cmd: list[str], stdin: bytes | None = None, timeout: float = 900) -> None:
                out.write(f"\n$ {' '.join(cmd)}\n".encode())
                out.flush()
                done = run(cmd, stdin=stdin, check=False, timeout=timeout)
                out.write(done.stdout + done.stderr)
                out.flush()
                if done.returncode != 0:
                    raise LabError(f"image build step {cmd[0]} {cmd[1:3]} failed; see {log}")

            step(
                [
                    "debootstrap",
                    "--variant=minbase",
                    f"--include={','.join(BASE_INCLUDE)}",
                    SUITE,
                    str(root),
                    mirror,
                ]
            )
            policy = root / "usr" / "sbin" / "policy-rc.d"
            policy.write_text("#!/bin/sh\n# no daemon starts while the image is built\nexit 101\n")
            policy.chmod(0o755)
            (root / "etc" / "apt" / "sources.list").write_text(
                "".join(f"deb {u} {s} {' '.join(c)}\n" for u, s, c in entries)
            )
            agent = aptrepo.build_agent_deb(aptrepo.INSTALLED_VERSION, root / "tmp")
            env = ["env", "DEBIAN_FRONTEND=noninteractive", "LC_ALL=C.UTF-8"]
            with _proc_mounted(root):
                step(["chroot", str(root), *env, "apt-get", "-q", "update"])
                step(
                    [
                        "chroot",
                        str(root),
                        *env,
                        "apt-get",
                        "-q",
                        "-y",
                        "--no-install-recommends",
                        "install",
                        *PACKAGES,
                    ]
                )
                step(["chroot", str(root), *env, "dpkg", "-i", f"/tmp/{agent.name}"])
                script = POST_INSTALL.format(disabled=" ".join(DISABLED_UNITS))
                step(["chroot", str(root), *env, "sh", "-s"], stdin=script.encode())
                step(["chroot", str(root), *env, "apt-get", "clean"])
            agent.unlink()
            policy.unlink()
            # The hosts reach no mirror: their only source is the lab's update server (planted).
            (root / "etc" / "apt" / "sources.list").write_text("")
            for lists in (root / "var" / "lib" / "apt" / "lists").glob("*"):
                if lists.is_file():
                    lists.unlink()
            partial = work / "image.tar.zst"
            step(
                [
                    "tar",
                    "--numeric-owner",
                    "--xattrs",
                    "--xattrs-include=*",
                    "--acls",
                    "-I",
                    "zstd -T0 -3",
                    "-C",
                    str(root),
                    "-cf",
                    str(partial),
                    ".",
                ]
            )
            os.replace(partial, image.tarball)
    finally:
        _remove_tree(work)


def extract(image: Image) -> None:
    """Extract the cached tarball to the shared read-only lower dir, atomically."""
    IMAGES_DIR.mkdir(parents=True, exist_ok=True)
    partial = IMAGES_DIR / f"{image.key}.partial"
    _remove_tree(partial)
    partial.mkdir()
    run(
        [
            "tar",
            "--numeric-owner",
            "--xattrs",
            "--xattrs-include=*",
            "--acls",
            "-I",
            "zstd",
            "-C",
            str(partial),
            "-xf",
            str(image.tarball),
        ]
    )
    if image.rootfs.exists():
        _remove_tree(image.rootfs)
    os.replace(partial, image.rootfs)


def _remove_tree(path: Path) -> None:
    # A build killed mid-way may leave /proc mounted inside: unmount before deleting.
    proc = path / "root" / "proc"
    if proc.is_dir() and os.path.ismount(proc):
        run(["umount", "-l", str(proc)], check=False)
    if path.exists():
        shutil.rmtree(path, ignore_errors=True)
