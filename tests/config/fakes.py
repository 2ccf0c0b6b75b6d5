"""Fake hosts for the config tests: canned fact sections, no SSH."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from hisguard.scanners.config.model import Verdict, registered
from hisguard.scanners.config.snapshot import Facts
from hisguard.scanners.inventory import HostTarget
from hisguard.scanners.transport import CommandResult

ALL_GROUPS = ("his_servers", "db_servers", "workstations", "scan_hosts")


def target(
    name: str = "ws-09",
    groups: tuple[str, ...] = ("workstations",),
    facility: str = "75901",
    **variables: Any,
) -> HostTarget:
    return HostTarget(
        name=name,
        facility=facility,
        address="198.18.0.250",
        port=22,
        user="hisadmin",
        key_file=None,
        groups=(f"facility_{facility}", *groups),
        allowed_tcp_ports=(22,),
        variables=variables,
    )


class ScriptedHost:
    """A transport that answers the batched fact script with canned sections.

    ``sections`` maps a section name to its text, or to (exit status, text). Sections not given
    answer exit 0 with no text. Every command is recorded; ``fail`` raises instead.
    """

    def __init__(
        self,
        sections: Mapping[str, str | tuple[int, str]] | None = None,
        name: str = "ws-09",
        fail: Exception | None = None,
    ) -> None:
        self.name = name
        self.sections = dict(sections or {})
        self.fail = fail
        self.commands: list[tuple[str, bool]] = []
        self.closed = False

    def run(
        self, command: str, *, sudo: bool = False, timeout: float = 60.0, stdin: bytes | None = None
    ) -> CommandResult:
        self.commands.append((command, sudo))
        if self.fail is not None:
            raise self.fail
        marker_match = re.search(r"^HG_M='?([^'\n]+)'?$", command, re.MULTILINE)
        if marker_match is None:
            return CommandResult(127, b"", b"sh: not scripted\n")
        marker = marker_match.group(1)
        out = []
        for name in re.findall(r"^hg_run (\w+)$", command, re.MULTILINE):
            value = self.sections.get(name, "")
            status, text = value if isinstance(value, tuple) else (0, value)
            out.append(f"{marker} BEGIN {name}\n{text}\n{marker} END {name} {status}\n")
        return CommandResult(0, "".join(out).encode(), b"")

    def close(self) -> None:
        self.closed = True


def run_check(
    check_id: str,
    sections: Mapping[str, str | tuple[int, str]],
    host: HostTarget | None = None,
) -> list[Verdict]:
    """The outcomes of one registered check on a snapshot made of ``sections``."""
    code = registered()[check_id]
    facts = Facts.from_texts(host or target(), {"virt": "detect=none\n", **sections})
    result = code.func(facts)
    return [result] if isinstance(result, Verdict) else list(result)


def statuses(outcomes: list[Verdict]) -> list[str]:
    return [o.status.value for o in outcomes]


def _unit(name: str, active: bool = True) -> str:
    state = "active" if active else "inactive"
    return f"Id={name}\nLoadState=loaded\nActiveState={state}\nSubState=running\nUnitFileState=enabled\n\n"


# A hardened Debian 12 host outside a container: every check of the catalog passes (or is not
# applicable) on it.
CLEAN: dict[str, str | tuple[int, str]] = {
    "virt": "detect=none\n",
    "os": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n',
    "sshd": (
        "permitrootlogin no\npasswordauthentication no\nkbdinteractiveauthentication no\nusepam yes\n"
        "permitemptypasswords no\nmaxauthtries 3\n"
        "ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com\n"
        "macs hmac-sha2-512-etm@openssh.com\nkexalgorithms curve25519-sha256\nhostkeyalgorithms ssh-ed25519\n"
    ),
    "passwd": "root:x:0:0:root:/root:/bin/bash\nhisadmin:x:1000:1000::/home/hisadmin:/bin/bash\n",
    "shadow": "root:locked\nhisadmin:set\n",
    "sudoers": "",
    "login_defs": "PASS_MAX_DAYS\t180\n",
    "pwquality": "minlen = 14\nminclass = 3\n",
    "pam": (
        "/etc/pam.d/common-password:25:password requisite pam_pwquality.so retry=3\n"
        "/etc/pam.d/common-auth:17:auth required pam_faillock.so preauth\n"
    ),
    "faillock": "deny = 5\nunlock_time = 900\n",
    "tmout": "/etc/profile.d/tmout.sh:2:TMOUT=900\n",
    "desktop": "",
    "dconf": "",
    "listen": 'tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=9,fd=3))\n',
    "units": "".join(
        _unit(u)
        for u in (
            "auditd.service",
            "systemd-timesyncd.service",
            "nftables.service",
            "apt-daily-upgrade.timer",
        )
    ),
    "packages": "sudo\tii \t1.9\nauditd\tii \t3.0\nunattended-upgrades\tii \t2.9\nnftables\tii \t1.0\n",
    "remote_paths": "",
    "nft": (
        '{"nftables": [{"chain": {"family": "inet", "table": "filter", "name": "input", "type": "filter",'
        ' "hook": "input", "prio": 0, "policy": "drop"}}]}'
    ),
    "apt_config": (
        'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n'
        'Unattended-Upgrade::Origins-Pattern:: "origin=Debian,label=Debian-Security";\n'
    ),
    "apt_pending": "",
    "apt_lists": "1795000000.0 deb.debian.org_debian-security_dists_bookworm-security_InRelease\n",
    "journald": "[Journal]\nStorage=persistent\nMaxRetentionSec=6month\n",
    "journal_dir": "present\n",
    "audit_rules": "".join(
        f"/etc/audit/rules.d/hisguard.rules:-w {p} -p wa -k identity\n"
        for p in (
            "/etc/passwd",
            "/etc/shadow",
            "/etc/group",
            "/etc/gshadow",
            "/etc/hisguard/portal-credentials",
        )
    ),
    "credstore": (3, ""),
    "fs_perms": "S\t4755\troot\t/usr/bin/passwd\nW\td\t1777\troot\t/tmp\nEND 0\n",
    "pg_hba": "",
    "pg_default_pw": "no-postgresql\n",
    "mysql": "",
    "redis": "",
    "mongod": "",
}
