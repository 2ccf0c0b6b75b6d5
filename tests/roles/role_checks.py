"""What each hardening role must have left on its host, read with pytest-testinfra.

Written from the roles' own promises (their READMEs and defaults), independently of the scanner's
catalog: each function reads the host as an administrator would (sshd -T, nft, psql, the files)
and returns the problems it found, one line each, so a scenario that fails names its role and
what is wrong. Nothing here prints a file's content: a store file or a log may hold a secret.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

Host = Any  # testinfra.host.Host (testinfra ships no types)
REMOTE_PROGRAMS = (
    "teamviewerd",
    "anydesk",
    "rustdesk",
    "ultraviewer",
    "x11vnc",
    "Xvnc",
    "Xtigervnc",
    "vncserver",
)


class Problems(list[str]):
    def expect(self, ok: bool, what: str) -> None:
        if not ok:
            self.append(what)


def _out(host: Host, command: str) -> tuple[int, str]:
    result = host.run(command)
    return result.rc, result.stdout


def _settings(text: str, separator: str = r"\s*=\s*|\s+") -> dict[str, str]:
    """key -> value of a config file's active lines (comments and blanks skipped; first wins)."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        parts = re.split(separator, line, maxsplit=1)
        if len(parts) == 2:
            values.setdefault(parts[0].strip(), parts[1].strip())
    return values


def ssh_hardening(host: Host) -> list[str]:
    p = Problems()
    with host.sudo():
        rc, out = _out(host, "/usr/sbin/sshd -T -C user=hisadmin,host=controller,addr=198.18.0.1")
        config = host.file("/etc/ssh/sshd_config")
        p.expect(
            config.user == "root" and config.mode & 0o022 == 0, "sshd_config is writable by others than root"
        )
    p.expect(rc == 0, f"sshd -T failed ({rc})")
    effective = _settings(out, r"\s+")
    wanted = {
        "permitrootlogin": "no",
        "passwordauthentication": "no",
        "kbdinteractiveauthentication": "no",
        "permitemptypasswords": "no",
        "x11forwarding": "no",
        "allowtcpforwarding": "no",
        "loglevel": "VERBOSE",
    }
    for key, value in wanted.items():
        p.expect(effective.get(key) == value, f"sshd {key} is {effective.get(key)!r}, not {value!r}")
    p.expect(0 < int(effective.get("maxauthtries", "99")) <= 4, "sshd MaxAuthTries above 4")
    weak = [c for c in effective.get("ciphers", "").split(",") if "cbc" in c or "3des" in c or "arcfour" in c]
    p.expect(not weak, f"sshd offers weak ciphers {weak}")
    p.expect(host.service("ssh").is_running, "sshd is not running")
    return p


def accounts(host: Host) -> list[str]:
    p = Problems()
    with host.sudo():
        password_stack = host.file("/etc/pam.d/common-password").content_string
        auth_stack = host.file("/etc/pam.d/common-auth").content_string
        quality = _settings(host.file("/etc/security/pwquality.conf").content_string)
        lockout = _settings(host.file("/etc/security/faillock.conf").content_string)
        defs = _settings(host.file("/etc/login.defs").content_string, r"\s+")
        _, empty = _out(host, "awk -F: '$2 == \"\" { print $1 }' /etc/shadow")
        _, uid0 = _out(
            host,
            'awk -F: \'NR == FNR { if ($3 == 0 && $1 != "root") x[$1]; next }'
            " ($1 in x) && $2 !~ /^!/ { print $1 }' /etc/passwd /etc/shadow",
        )
        _, nopasswd = _out(
            host,
            "grep -lE '^[[:space:]]*[^#[:space:]].*NOPASSWD[[:space:]]*:'"
            " /etc/sudoers /etc/sudoers.d/* 2>/dev/null",
        )
    p.expect(
        re.search(r"^password\s.*pam_pwquality\.so", password_stack, re.M) is not None,
        "pam_pwquality not in use",
    )
    p.expect(int(quality.get("minlen", "0")) >= 14, f"pwquality minlen {quality.get('minlen')!r} < 14")
    p.expect(
        "enforce_for_root" in host.file("/etc/security/pwquality.conf").content_string, "no enforce_for_root"
    )
    p.expect(
        re.search(r"^auth\s.*pam_faillock\.so\s+preauth", auth_stack, re.M) is not None, "no faillock preauth"
    )
    p.expect(
        re.search(r"^auth\s.*pam_faillock\.so\s+authfail", auth_stack, re.M) is not None,
        "no faillock authfail",
    )
    p.expect(0 < int(lockout.get("deny", "0")) <= 5, f"faillock deny {lockout.get('deny')!r} not 1-5")
    p.expect(0 < int(defs.get("PASS_MAX_DAYS", "99999")) <= 180, "PASS_MAX_DAYS above 180")
    p.expect(defs.get("UMASK") == "027", f"UMASK {defs.get('UMASK')!r}, not 027")
    p.expect(int(defs.get("SHA_CRYPT_MIN_ROUNDS", "0")) >= 5000, "SHA-512 hashing rounds below 5000")
    _, shell_umask = _out(host, "bash -c '. /etc/profile.d/hisguard-umask.sh; umask'")
    p.expect(shell_umask.strip() == "0027", f"interactive shells get umask {shell_umask.strip()!r}, not 0027")
    _, readonly = _out(host, "bash -c '. /etc/profile.d/hisguard-tmout.sh; readonly -p'")
    p.expect(
        re.search(r'^declare -\w*r\w* TMOUT="900"$', readonly, re.M) is not None,
        "TMOUT is not a read-only 900",
    )
    p.expect(empty.split() == [], f"accounts with an empty password: {empty.split()}")
    p.expect(uid0.split() == [], f"unlocked uid-0 accounts other than root: {uid0.split()}")
    p.expect(nopasswd.split() == [], f"sudoers files with NOPASSWD: {nopasswd.split()}")
    return p


def audit_logging(host: Host) -> list[str]:
    p = Problems()
    p.expect(host.package("auditd").is_installed, "auditd not installed")
    with host.sudo():
        rules = host.file("/etc/audit/rules.d/50-hisguard.rules").content_string
        auditd = _settings(host.file("/etc/audit/auditd.conf").content_string)
        _, journald = _out(host, "systemd-analyze cat-config systemd/journald.conf")
    for path in ("/etc/shadow", "/etc/sudoers", "/etc/ssh/sshd_config", "/etc/hisguard/"):
        p.expect(
            re.search(rf"^-w {re.escape(path)} -p wa", rules, re.M) is not None, f"no audit watch on {path}"
        )
    p.expect(auditd.get("max_log_file_action") == "keep_logs", "auditd rotates its logs away")
    p.expect(auditd.get("disk_full_action") in ("suspend", "halt", "single"), "auditd ignores a full disk")
    journal = _settings(journald)
    p.expect(journal.get("Storage") == "persistent", f"journal Storage {journal.get('Storage')!r}")
    days = re.fullmatch(r"(\d+)d", journal.get("MaxRetentionSec", ""))
    p.expect(days is not None and int(days.group(1)) >= 180, "journal retention under 6 months")
    p.expect(host.file("/var/log/journal").is_directory, "the journal is not kept on disk")
    p.expect(host.service("systemd-timesyncd").is_enabled, "systemd-timesyncd not enabled")
    return p


def firewall(host: Host) -> list[str]:
    p = Problems()
    with host.sudo():
        rc, chain = _out(host, "nft list chain inet hisguard input")
        boot = host.file("/etc/nftables.conf")
        p.expect(
            boot.mode == 0o600 and "table inet hisguard" in boot.content_string, "/etc/nftables.conf not ours"
        )
        kernel = _settings(host.file("/etc/sysctl.d/50-hisguard-network.conf").content_string)
    p.expect(rc == 0 and "policy drop" in chain, "no inet hisguard input chain with policy drop")
    p.expect(re.search(r"tcp dport .*22", chain) is not None, "SSH is not allowed in")
    p.expect(host.service("nftables").is_enabled, "nftables.service not enabled (ruleset lost at boot)")
    for key, value in (
        ("net.ipv4.conf.all.rp_filter", "1"),
        ("net.ipv4.conf.all.accept_redirects", "0"),
        ("net.ipv4.conf.all.send_redirects", "0"),
        ("net.ipv4.conf.all.accept_source_route", "0"),
        ("net.ipv4.tcp_syncookies", "1"),
    ):
        p.expect(kernel.get(key) == value, f"{key} is {kernel.get(key)!r} in the sysctl file, not {value}")
    return p


def patch_baseline(host: Host) -> list[str]:
    p = Problems()
    p.expect(host.package("unattended-upgrades").is_installed, "unattended-upgrades not installed")
    _, periodic = _out(host, "apt-config dump APT::Periodic")
    p.expect('APT::Periodic::Unattended-Upgrade "1";' in periodic, "the daily unattended upgrade is off")
    _, pending = _out(
        host, "apt-get -s -o Debug::NoLocking=1 dist-upgrade 2>/dev/null | grep -c '^Inst .*Security' || true"
    )
    p.expect(pending.strip() == "0", f"{pending.strip()} security update(s) still pending")
    agent = host.package("hisguard-lab-agent")
    p.expect(
        agent.is_installed and agent.version == "1.0-1+deb12u1", "the lab's security update is not installed"
    )
    p.expect(host.service("apt-daily-upgrade.timer").is_enabled, "apt-daily-upgrade.timer not enabled")
    return p


def workstation(host: Host) -> list[str]:
    p = Problems()
    with host.sudo():
        blocked = host.file("/etc/modprobe.d/hisguard-usb-storage.conf").content_string
        chromium = host.file("/etc/chromium/policies/managed/hisguard.json").content_string
        firefox = host.file("/etc/firefox/policies/policies.json").content_string
        locks = host.file("/etc/dconf/db/local.d/locks/00-hisguard-screensaver").content_string
        programs = "|".join(REMOTE_PROGRAMS)
        _, running = _out(
            host,
            "for f in $(grep -lE 'ExecStart=[^ ]*(" + programs + ")' /etc/systemd/system/*.service"
            " /lib/systemd/system/*.service 2>/dev/null); do u=${f##*/};"
            ' s=$(systemctl is-enabled "$u" 2>/dev/null); [ "$s" = masked ] || echo "$u:$s"; done',
        )
    for module in ("usb-storage", "uas"):
        p.expect(f"install {module} /bin/false" in blocked, f"{module} can still load")
    p.expect(
        json.loads(chromium or "{}").get("PasswordManagerEnabled") is False, "Chromium may save passwords"
    )
    policies = json.loads(firefox or "{}").get("policies", {})
    p.expect(policies.get("OfferToSaveLogins") is False, "Firefox offers to save logins")
    p.expect("/org/gnome/desktop/screensaver/lock-enabled" in locks, "the GNOME screen lock is not locked on")
    p.expect(running.split() == [], f"remote-access services not masked: {running.split()}")
    return p


def credential_store(host: Host) -> list[str]:
    p = Problems()
    with host.sudo():
        store = host.file("/etc/hisguard/portal-credentials")
        p.expect(store.is_directory and store.user == "root", "no root-owned store directory")
        p.expect(store.mode & 0o007 == 0, "others may enter the store")
        _, files = _out(host, "stat -c '%n %a %U' /etc/hisguard/portal-credentials/* 2>/dev/null")
        _, length = _out(
            host,
            "f=/etc/hisguard/portal-credentials/egw-his; if [ -f $f.cred ];"
            " then systemd-creds decrypt --name=egw-his $f.cred - | wc -c; else wc -c < $f; fi",
        )
        limits = host.file("/etc/security/limits.d/50-hisguard-core.conf").content_string
        coredump = _settings(host.file("/etc/systemd/coredump.conf.d/50-hisguard.conf").content_string)
        crontab = host.file("/etc/crontab")
        p.expect(crontab.mode & 0o077 == 0, "/etc/crontab is readable by others than root")
    entries = [line.split() for line in files.splitlines()]
    p.expect(
        any(e[0].rsplit("/", 1)[-1].startswith("egw-his") for e in entries),
        "the account egw-his is not stored",
    )
    p.expect(
        all(e[1] in ("440", "400") and e[2] == "root" for e in entries), "a store file is not root's 0440"
    )
    p.expect(int((length.split() or ["0"])[0]) > 0, "the stored account is empty or cannot be read back")
    p.expect(re.search(r"^\*\s+hard\s+core\s+0\b", limits, re.M) is not None, "login sessions may dump core")
    p.expect(coredump.get("Storage") == "none", "systemd-coredump still stores dumps")
    return p


def database(host: Host) -> list[str]:
    p = Problems()

    def sql(query: str) -> str:
        return host.run(f"runuser -u postgres -- psql -XtAc {query!r}").stdout.strip()

    with host.sudo():
        listen = sql("show listen_addresses")
        loose = sql(
            "select count(*) from pg_hba_file_rules where auth_method in ('trust', 'password', 'md5')"
        )
        ssl = sql("show ssl")
        logs = sql("show log_connections")
        # The well-known default password must not let anyone in (the value is public, not a secret).
        default = host.run("PGPASSWORD=postgres psql -X -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1'")
    p.expect(listen not in ("", "*", "0.0.0.0", "::"), f"PostgreSQL listens on {listen!r}")
    p.expect(loose == "0", f"{loose} pg_hba rule(s) with trust, password or md5")
    p.expect(ssl == "on", "TLS is off")
    p.expect(logs == "on", "connections are not logged")
    p.expect(default.rc != 0, "postgres still accepts the default password")
    return p


VERIFY: dict[str, Callable[[Host], list[str]]] = {
    "ssh_hardening": ssh_hardening,
    "accounts": accounts,
    "audit_logging": audit_logging,
    "firewall": firewall,
    "patch_baseline": patch_baseline,
    "workstation": workstation,
    "credential_store": credential_store,
    "database": database,
}
