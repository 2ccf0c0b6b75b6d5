"""The raw facts the checks read, each one shell snippet run on the host as root.

All snippets run in ONE command (one round trip) that prints delimited sections; the checks
then judge the snapshot locally. Nothing here changes the host, and nothing brings a secret back:
``shadow`` reports only whether each password is empty, locked or set (the hash never leaves
the host), and ``redis`` only whether ``requirepass`` is set.

A snippet exits 127 when the command it needs is missing, so a check can tell "not installed"
from "failed". ``{credstore}`` is replaced by the host's credential-store directory (quoted).
"""

from __future__ import annotations

from hisguard.scanners.catalog.shared import remote_access

UNITS = (
    "ssh.service",
    "auditd.service",
    "systemd-journald.service",
    "systemd-timesyncd.service",
    "chrony.service",
    "ntp.service",
    "ntpsec.service",
    "openntpd.service",
    "nftables.service",
    "ufw.service",
    "firewalld.service",
    "unattended-upgrades.service",
    "apt-daily.timer",
    "apt-daily-upgrade.timer",
    *remote_access("services"),
    "postgresql.service",
    "mariadb.service",
    "mysql.service",
    "mongod.service",
    "redis-server.service",
)

PACKAGES = (
    *remote_access("packages"),
    "unattended-upgrades",
    "auditd",
    "chrony",
    "systemd-timesyncd",
    "ntp",
    "ntpsec",
    "openntpd",
    "nftables",
    "libpam-pwquality",
    "sudo",
)

REMOTE_ACCESS_PATHS = remote_access("paths")

# Where world-writable files and SUID programs are looked for: system paths, plus the places
# an intruder drops a SUID copy. -xdev keeps find off data mounts; timeout and head bound it.
FS_ROOTS = (
    "/etc",
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib64",
    "/boot",
    "/opt",
    "/root",
    "/srv",
    "/var/spool",
    "/var/lib/dpkg",
    "/home",
    "/tmp",
    "/var/tmp",
    "/dev/shm",
)

SECTIONS: dict[str, str] = {
    "virt": """
        echo "detect=$(systemd-detect-virt -c 2>/dev/null)"
        [ -r /run/systemd/container ] && echo "run=$(cat /run/systemd/container)"
        [ -e /.dockerenv ] && echo "run=docker"
        true""",
    "os": "cat /etc/os-release",
    "sshd": """
        command -v sshd >/dev/null || exit 127
        sshd -T""",
    "passwd": "cat /etc/passwd",
    "shadow": r"""
        awk -F: '{ s = "set"; if ($2 == "") s = "empty"; else if ($2 ~ /^[!*]/) s = "locked";
                   print $1 ":" s }' /etc/shadow""",
    "sudoers": r"""
        grep -rHnE '^[[:space:]]*[^#[:space:]].*(NOPASSWD|!authenticate)' /etc/sudoers /etc/sudoers.d
        [ $? -le 1 ]""",
    "login_defs": r"""
        grep -E '^[[:space:]]*PASS_(MAX_DAYS|MIN_DAYS|WARN_AGE|MIN_LEN)[[:space:]]' /etc/login.defs
        [ $? -le 1 ]""",
    "pwquality": """
        for f in /etc/security/pwquality.conf /etc/security/pwquality.conf.d/*.conf; do
            [ -f "$f" ] && grep -vE '^[[:space:]]*(#|$)' "$f"
        done
        true""",
    "pam": r"""
        grep -HnE '^[[:space:]]*[^#[:space:]].*pam_(pwquality|cracklib|faillock|tally2|unix)' \
            /etc/pam.d/common-password /etc/pam.d/common-auth /etc/pam.d/common-account
        [ $? -le 1 ]""",
    "faillock": r"""
        [ -f /etc/security/faillock.conf ] || exit 0
        grep -vE '^[[:space:]]*(#|$)' /etc/security/faillock.conf
        [ $? -le 1 ]""",
    "tmout": r"""
        grep -rHnsE 'TMOUT' /etc/profile /etc/profile.d /etc/bash.bashrc /etc/environment
        [ $? -le 1 ]""",
    "desktop": """
        ls -1 /usr/share/xsessions /usr/share/wayland-sessions 2>/dev/null
        true""",
    "dconf": r"""
        grep -rHnsE '^[[:space:]]*(lock-enabled|idle-delay|lock-delay|idle-activation-enabled)' /etc/dconf/db
        [ $? -le 1 ]""",
    "listen": """
        command -v ss >/dev/null || exit 127
        ss -tulnpH""",
    "units": """
        command -v systemctl >/dev/null || exit 127
        systemctl show --no-pager -p Id,LoadState,ActiveState,SubState,UnitFileState """
    + " ".join(UNITS),
    "packages": """
        command -v dpkg-query >/dev/null || exit 127
        dpkg-query -W -f='${Package}\\t${db:Status-Abbrev}\\t${Version}\\n' """
    + " ".join(PACKAGES)
    + """ 2>/dev/null
        true""",
    "remote_paths": "ls -d " + " ".join(REMOTE_ACCESS_PATHS) + " 2>/dev/null; true",
    "nft": """
        command -v nft >/dev/null || exit 127
        nft -j list ruleset""",
    "apt_config": r"""
        command -v apt-config >/dev/null || exit 127
        apt-config dump | grep -E '^(APT::Periodic|Unattended-Upgrade::(Origins-Pattern|Allowed-Origins))'
        [ $? -le 1 ]""",
    # As nobody: a stale apt cache is then rebuilt in memory, never rewritten on the host.
    "apt_pending": """
        command -v apt-get >/dev/null || exit 127
        command -v runuser >/dev/null && set -- runuser -u nobody --
        "$@" apt-get -s -q -o Debug::NoLocking=1 dist-upgrade | grep '^Inst '
        [ $? -le 1 ]""",
    "apt_lists": """
        find /var/lib/apt/lists -maxdepth 1 -name '*Release' -printf '%T@ %f\\n' 2>/dev/null
        true""",
    "journald": """
        systemd-analyze cat-config systemd/journald.conf 2>/dev/null && exit 0
        for f in /etc/systemd/journald.conf /etc/systemd/journald.conf.d/*.conf; do
            [ -f "$f" ] && cat "$f"
        done
        true""",
    "journal_dir": "[ -d /var/log/journal ] && echo present; true",
    "audit_rules": r"""
        for f in /etc/audit/rules.d/*.rules /etc/audit/audit.rules; do
            [ -f "$f" ] && grep -HvE '^[[:space:]]*(#|$)' "$f"
        done
        true""",
    "credstore": """
        d={credstore}
        [ -e "$d" ] || exit 3
        find "$d" -maxdepth 1 -printf '%p\\t%y\\t%m\\t%u\\t%g\\n'""",
    # "END <status>" closes a complete listing: 124 is the timeout's, and a missing END means the
    # listing was cut at 2000 lines. Either way the checks know they saw only part.
    "fs_perms": "{ timeout 20 find "
    + " ".join(FS_ROOTS)
    + r""" -xdev \( -type f -o -type d \) \
            \( \( -type f -perm -4000 -printf 'S\t%m\t%u\t%p\n' \) , \
               \( -perm -0002 -printf 'W\t%y\t%m\t%u\t%p\n' \) \) 2>/dev/null
        echo "END $?"; } | head -n 2001
        true""",
    "pg_hba": r"""
        for f in /etc/postgresql/*/*/pg_hba.conf; do
            [ -f "$f" ] && grep -HnvE '^[[:space:]]*(#|$)' "$f"
        done
        true""",
    # Tests a few default passwords against PostgreSQL's stored verifiers ON THE HOST: only the
    # names of roles that accept one come back, never a verifier. Exit 4: the server did not answer.
    "pg_default_pw": r"""
        [ -d /etc/postgresql ] || { echo no-postgresql; exit 0; }
        set -- /var/run/postgresql/.s.PGSQL.*
        [ -S "$1" ] || { echo postgresql-not-running; exit 0; }
        command -v psql >/dev/null && command -v python3 >/dev/null || exit 127
        q="select rolname, rolpassword from pg_authid where rolcanlogin and rolpassword is not null"
        rows=$(runuser -u postgres -- psql -XAtq -F '|' -c "$q") || exit 4
        printf '%s\n' "$rows" | python3 -c '
import base64, hashlib, hmac, sys
WORDS = ["postgres", "password", "123456", "12345678", "123456789", "admin", "root", "his", "abc123"]
for line in sys.stdin:
    name, _, stored = line.rstrip("\n").partition("|")
    for word in WORDS + [name, name + "123"]:
        pw = word.encode()
        if stored.startswith("md5"):
            ok = stored == "md5" + hashlib.md5(pw + name.encode()).hexdigest()
        elif stored.startswith("SCRAM-SHA-256$"):
            params, _, keys = stored[14:].partition("$")
            rounds, _, salt = params.partition(":")
            salted = hashlib.pbkdf2_hmac("sha256", pw, base64.b64decode(salt), int(rounds))
            client = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
            ok = base64.b64encode(hashlib.sha256(client).digest()).decode() == keys.partition(":")[0]
        else:
            ok = False
        if ok:
            print("postgresql:" + name)
            break
'""",
    "mysql": r"""
        [ -d /etc/mysql ] || exit 0
        grep -rHnsE '^[[:space:]]*(skip[-_]grant[-_]tables|bind[-_]address|skip[-_]networking)' /etc/mysql
        [ $? -le 1 ]""",
    "redis": r"""
        for f in /etc/redis/redis.conf /etc/redis.conf; do
            [ -f "$f" ] || continue
            awk -v f="$f" '
                /^[[:space:]]*requirepass[[:space:]]+[^[:space:]]/ { print f ":requirepass set"; next }
                /^[[:space:]]*(protected-mode|bind)[[:space:]]/ { print f ":" $0 }' "$f"
        done
        true""",
    "mongod": r"""
        [ -f /etc/mongod.conf ] || exit 0
        grep -HnsE '^[[:space:]]*(authorization|bindIp|bindIpAll)' /etc/mongod.conf
        [ $? -le 1 ]""",
}

# Runs every section as a function in a subshell: stdout straight to the output, stderr kept
# to report a failure, and the exit status in the END marker.
_PRELUDE = r"""export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
exec 3>&1
hg_run() {
    printf '%s BEGIN %s\n' "$HG_M" "$1"
    hg_rc=0
    hg_err=$("hg_f_$1" 2>&1 >&3) || hg_rc=$?
    [ -n "$hg_err" ] && printf '\n%s ERR %s\n%s' "$HG_M" "$1" "$hg_err"
    printf '\n%s END %s %s\n' "$HG_M" "$1" "$hg_rc"
}
"""


def build_script(names: list[str] | tuple[str, ...], marker: str, credstore: str) -> str:
    """One POSIX sh script printing the named sections between ``marker`` lines."""
    import shlex

    parts = [_PRELUDE, f"HG_M={shlex.quote(marker)}\n"]
    for name in names:
        body = SECTIONS[name].replace("{credstore}", shlex.quote(credstore))
        parts.append(f"hg_f_{name}() (\n{body.strip()}\n)\n")
    parts.extend(f"hg_run {name}\n" for name in names)
    return "".join(parts)
