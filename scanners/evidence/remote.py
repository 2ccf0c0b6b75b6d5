"""The shell commands a collection runs on a host: read-only, bounded, as root through sudo.

The one write is the marker: a root-only list of the files this pack copied with their SHA-256
(``MARKER_DIR/<pack id>.list``). Remediations that would change those files (the credential_store
role's rewrite area) look for it before they touch anything.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hisguard.scanners.evidence.pack import EvidenceError
from hisguard.scanners.transport.base import Transport

MARKER_DIR = "/var/lib/hisguard/evidence"
MAX_FILE_BYTES = 8 * 1024 * 1024  # a copied file bigger than this is kept as its first 8 MiB
MAX_EXCERPT_BYTES = 1024 * 1024  # one log excerpt
MAX_EXCERPT_LINES = 5000
TIMEOUT = 120.0

# Where the logs an investigation asks for usually are (missing ones are skipped).
AUTH_LOGS = ("/var/log/auth.log", "/var/log/secure")
SUDO_LOGS = ("/var/log/sudo.log",)
AUDIT_LOGS = ("/var/log/audit/audit.log",)
CRON_LOGS = ("/var/log/cron", "/var/log/cron.log", "/var/log/syslog")
WEB_LOGS = (
    "/var/log/nginx/access.log",
    "/var/log/apache2/access.log",
    "/var/log/httpd/access_log",
    "/var/log/his/access.log",
)
# Where the firewall role's egress allow-list logs what it drops (kernel log; its prefix is
# firewall_log_prefix, "hisguard drop: " by default, then "out: ").
EGRESS_LOGS = ("/var/log/kern.log", "/var/log/messages", "/var/log/syslog")
EGRESS_MARK = "drop: out: "
HISTORIES = "/root/.bash_history /home/*/.bash_history /root/.zsh_history /home/*/.zsh_history"

# What each kind of log is searched for (grep -E, case-insensitive).
PORTAL = r"egw|api/token|giamdinh|gdbhyt|baohiemxahoi|bhxh|NhanLichSuKCB|Lskcb"
PATTERNS = {
    "auth": r"sshd|sudo|session opened|session closed|Accepted|Failed password|authentication failure",
    "sudo": r".",
    "cron": r"CRON|cron",
    "web": PORTAL,
    "egress": EGRESS_MARK,
    "history": PORTAL + r"|curl|wget|cat |less |cp |scp |rsync",
}


@dataclass(frozen=True)
class RemoteFile:
    path: str
    data: bytes
    size: int
    sha256: str
    mtime: str
    owner: str
    mode: str

    @property
    def truncated(self) -> bool:
        return len(self.data) < self.size


def _run(transport: Transport, command: str, what: str) -> bytes:
    result = transport.run(command, sudo=True, timeout=TIMEOUT)
    if not result.ok:
        raise EvidenceError(f"{transport.name}: cannot read {what} (exit {result.exit_status})")
    return result.stdout


def read_file(transport: Transport, path: str) -> RemoteFile | None:
    """The file's stat, its whole-file SHA-256 and its first MAX_FILE_BYTES; None if not a file."""
    q = shlex.quote(path)
    head = transport.run(
        f"[ -f {q} ] && [ ! -L {q} ] || exit 3; "
        f"stat -c '%s|%Y|%U|%a' -- {q} && sha256sum -- {q} | cut -c1-64",
        sudo=True,
        timeout=TIMEOUT,
    )
    if head.exit_status == 3:
        return None
    if not head.ok:
        raise EvidenceError(f"{transport.name}: cannot stat a listed file (exit {head.exit_status})")
    lines = head.text().split("\n")
    try:
        size, mtime, owner, mode = lines[0].strip().split("|")
        sha256 = lines[1].strip()
        size_n = int(size)
    except (IndexError, ValueError):
        raise EvidenceError(f"{transport.name}: unexpected stat output for a listed file") from None
    data = _run(transport, f"head -c {MAX_FILE_BYTES} -- {q}", "a listed file")
    return RemoteFile(path, data, size_n, sha256, mtime, owner, mode)


def excerpt(transport: Transport, paths: Iterable[str], pattern: str) -> list[tuple[str, bytes]]:
    """Per existing log file (rotated .1 too), its last matching lines, bounded."""
    found = []
    for path in paths:
        for candidate in (path, path + ".1"):
            q = shlex.quote(candidate)
            result = transport.run(
                f"[ -f {q} ] || exit 3; grep -a -i -E -e {shlex.quote(pattern)} -- {q} "
                f"| tail -n {MAX_EXCERPT_LINES} | head -c {MAX_EXCERPT_BYTES}; exit 0",
                sudo=True,
                timeout=TIMEOUT,
            )
            if result.ok and result.stdout:
                found.append((candidate, result.stdout))
    return found


def histories(transport: Transport) -> list[tuple[str, bytes]]:
    listing = transport.run(f"ls -1d -- {HISTORIES} 2>/dev/null; exit 0", sudo=True, timeout=TIMEOUT)
    paths = [line for line in listing.text().splitlines() if line.startswith("/")]
    return excerpt(transport, paths[:50], PATTERNS["history"])


def audit_records(transport: Transport, watched: Sequence[str]) -> list[tuple[str, bytes]]:
    """auditd records naming the copied files or the credential store (key hisguard*)."""
    if not watched:
        return []
    names = "|".join(_ere_literal(p) for p in watched[:40])
    return excerpt(transport, AUDIT_LOGS, names + r"|key=\"?hisguard")


def journal(transport: Transport, since: str, until: str) -> bytes:
    """sshd, sudo and cron from the journal around the first sighting (empty without journald)."""
    result = transport.run(
        "command -v journalctl >/dev/null || exit 0; journalctl -q --no-pager -o short-iso "
        f"--since {shlex.quote(since)} --until {shlex.quote(until)} "
        "_COMM=sshd _COMM=sudo _COMM=cron _COMM=CRON 2>/dev/null "
        f"| tail -n {MAX_EXCERPT_LINES} | head -c {MAX_EXCERPT_BYTES}; exit 0",
        sudo=True,
        timeout=TIMEOUT,
    )
    return result.stdout if result.ok else b""


def egress_journal(transport: Transport) -> bytes:
    """The egress allow-list's drops from the kernel journal (hosts without a kern.log)."""
    result = transport.run(
        "command -v journalctl >/dev/null || exit 0; journalctl -k -q --no-pager -o short-iso 2>/dev/null "
        f"| grep -a -F -e {shlex.quote(EGRESS_MARK)} | tail -n {MAX_EXCERPT_LINES} | head -c "
        f"{MAX_EXCERPT_BYTES}; "
        "exit 0",
        sudo=True,
        timeout=TIMEOUT,
    )
    return result.stdout if result.ok else b""


FACTS = (
    "echo '# date -u'; date -u '+%Y-%m-%dT%H:%M:%SZ'; echo '# timezone'; "
    "(timedatectl show -p Timezone --value 2>/dev/null || cat /etc/timezone 2>/dev/null"
    " || readlink /etc/localtime); "
    "echo '# hostname'; hostname; echo '# uname'; uname -a; echo '# uptime'; uptime; "
    "echo '# users (getent passwd: name uid home shell)'; getent passwd | cut -d: -f1,3,6,7; "
    "echo '# sudo group'; getent group sudo wheel 2>/dev/null; "
    "echo '# last logins'; (last -n 50 -F 2>/dev/null || true); exit 0"
)


def host_facts(transport: Transport) -> bytes:
    return _run(transport, FACTS, "host facts")


def leave_marker(transport: Transport, pack_id: str, copied: Sequence[RemoteFile]) -> str:
    """Write MARKER_DIR/<pack id>.list (root only): "sha256  path" per copied file."""
    body = "".join(f"{f.sha256}  {f.path}\n" for f in copied if "\n" not in f.path).encode("utf-8")
    target = f"{MARKER_DIR}/{pack_id}.list"
    result = transport.run(
        f"umask 077; mkdir -p {MARKER_DIR} && chmod 0700 {MARKER_DIR} && cat > {shlex.quote(target)}",
        sudo=True,
        timeout=TIMEOUT,
        stdin=body,
    )
    if not result.ok:
        raise EvidenceError(f"{transport.name}: cannot write the evidence marker (exit {result.exit_status})")
    return target


def _ere_literal(text: str) -> str:
    return "".join("\\" + c if c in r".^$*+?()[]{}|\\" else c for c in text)
