"""The lab's pending security update: a tiny package and the local apt repository that serves it.

The image carries ``hisguard-lab-agent`` 1.0-1; the machine serves 1.0-1+deb12u1 from a repository
whose Release file says ``Label: Debian-Security`` / ``Codename: bookworm-security``, the way
Debian's security archive does, so ``apt list --upgradable`` shows it and unattended-upgrades'
default origin pattern takes it.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
import sys
import tempfile
from email.utils import formatdate
from pathlib import Path

from hisguard.lab.proc import run

AGENT = "hisguard-lab-agent"
INSTALLED_VERSION = "1.0-1"
UPDATE_VERSION = "1.0-1+deb12u1"
SUITE = "bookworm-security"
PORT = 8990


def build_agent_deb(version: str, out_dir: Path) -> Path:
    """Build the agent package of ``version`` into ``out_dir`` with dpkg-deb; return its path."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "pkg"
        (root / "DEBIAN").mkdir(parents=True)
        (root / "usr" / "bin").mkdir(parents=True)
        (root / "DEBIAN" / "control").write_text(
            f"Package: {AGENT}\n"
            f"Version: {version}\n"
            "Architecture: all\n"
            "Section: admin\n"
            "Priority: optional\n"
            "Maintainer: hisguard lab <lab@hisguard.invalid>\n"
            "Description: hisguard lab agent (stands in for a package with a pending security fix)\n"
        )
        script = root / "usr" / "bin" / AGENT
        script.write_text(f"#!/bin/sh\necho '{AGENT} {version}'\n")
        script.chmod(0o755)
        out = out_dir / f"{AGENT}_{version.replace(':', '%3a')}_all.deb"
        run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(root), str(out)])
        return out


def build_repo(repo: Path) -> None:
    """(Re)write the repository under ``repo``: pool/ with the update, dists/ with its indexes."""
    if repo.exists():
        shutil.rmtree(repo)
    pool = repo / "pool" / "main"
    pool.mkdir(parents=True)
    deb = build_agent_deb(UPDATE_VERSION, pool)
    control = run(["dpkg-deb", "--field", str(deb)]).stdout.decode().strip()
    data = deb.read_bytes()
    entry = (
        f"{control}\n"
        f"Filename: {deb.relative_to(repo)}\n"
        f"Size: {len(data)}\n"
        f"MD5sum: {hashlib.md5(data).hexdigest()}\n"
        f"SHA256: {hashlib.sha256(data).hexdigest()}\n\n"
    ).encode()
    binary = repo / "dists" / SUITE / "main" / "binary-amd64"
    binary.mkdir(parents=True)
    (binary / "Packages").write_bytes(entry)
    (binary / "Packages.gz").write_bytes(gzip.compress(entry, mtime=0))
    lines = []
    for name in ("Packages", "Packages.gz"):
        blob = (binary / name).read_bytes()
        lines.append(f" {hashlib.sha256(blob).hexdigest()} {len(blob)} main/binary-amd64/{name}")
    (repo / "dists" / SUITE / "Release").write_text(
        "Origin: Debian\n"
        "Label: Debian-Security\n"
        f"Suite: {SUITE}\n"
        f"Codename: {SUITE}\n"
        f"Date: {formatdate(usegmt=True)}\n"
        "Architectures: amd64\n"
        "Components: main\n"
        "Description: hisguard lab stand-in for Debian's security archive\n"
        "SHA256:\n" + "\n".join(lines) + "\n"
    )


def serve(repo: Path, address: str, log: Path) -> subprocess.Popen[bytes]:
    """Serve ``repo`` over HTTP on ``address`` (a bridge address of ours) in a new session."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "http.server", str(PORT), "--bind", address, "--directory", str(repo)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
