"""H05 (password policy), H06 (unsafe accounts) and H07 (idle sessions)."""

from __future__ import annotations

from tests.config.fakes import run_check, statuses, target

PAM_WITH_QUALITY = (
    "/etc/pam.d/common-password:25:password requisite pam_pwquality.so retry=3\n"
    "/etc/pam.d/common-password:26:password [success=1 default=ignore] pam_unix.so use_authtok yescrypt\n"
)
PAM_PLAIN = "/etc/pam.d/common-password:25:password [success=1 default=ignore] pam_unix.so obscure yescrypt\n"


def test_h05_1_floor_needs_pwquality_and_8() -> None:
    missing = run_check("H05.1", {"pam": PAM_PLAIN, "pwquality": ""})
    assert statuses(missing) == ["fail"] and "pam_pwquality" in missing[0].evidence
    assert statuses(run_check("H05.1", {"pam": PAM_WITH_QUALITY, "pwquality": "minlen = 6\n"})) == ["fail"]
    # libpwquality's default minlen is 8: enabled and untouched meets the floor.
    assert statuses(run_check("H05.1", {"pam": PAM_WITH_QUALITY, "pwquality": ""})) == ["pass"]


def test_h05_5_target_length_default_14_and_per_facility() -> None:
    twelve = {"pam": PAM_WITH_QUALITY, "pwquality": "minlen = 12\n"}
    assert statuses(run_check("H05.5", twelve)) == ["fail"]
    assert statuses(run_check("H05.5", twelve, target(hisguard_password_min_length=12))) == ["pass"]
    module_arg = PAM_WITH_QUALITY.replace("retry=3", "retry=3 minlen=16")
    assert statuses(run_check("H05.5", {"pam": module_arg, "pwquality": "minlen = 12\n"})) == ["pass"]


def test_h05_2_complexity() -> None:
    assert statuses(run_check("H05.2", {"pam": PAM_WITH_QUALITY, "pwquality": "minclass = 3\n"})) == ["pass"]
    credits = "dcredit = -1\nucredit = -1\nlcredit = -1\n"
    assert statuses(run_check("H05.2", {"pam": PAM_WITH_QUALITY, "pwquality": credits})) == ["pass"]
    assert statuses(run_check("H05.2", {"pam": PAM_WITH_QUALITY, "pwquality": "minclass = 2\n"})) == ["fail"]
    assert statuses(run_check("H05.2", {"pam": PAM_PLAIN, "pwquality": "minclass = 4\n"})) == ["fail"]


FAILLOCK_AUTH = (
    "/etc/pam.d/common-auth:17:auth required pam_faillock.so preauth\n"
    "/etc/pam.d/common-auth:18:auth [success=1 default=ignore] pam_unix.so nullok\n"
)


def test_h05_3_lockout() -> None:
    good = {"pam": FAILLOCK_AUTH, "faillock": "deny = 5\nunlock_time = 900\n"}
    assert statuses(run_check("H05.3", good)) == ["pass"]
    assert statuses(
        run_check("H05.3", {"pam": FAILLOCK_AUTH, "faillock": "deny = 5\nunlock_time = 0\n"})
    ) == ["pass"]
    too_many = run_check("H05.3", {"pam": FAILLOCK_AUTH, "faillock": "deny = 10\nunlock_time = 900\n"})
    assert statuses(too_many) == ["fail"] and "deny 10" in too_many[0].evidence
    # pam_faillock's own unlock_time default (600 s) is shorter than asked.
    assert statuses(run_check("H05.3", {"pam": FAILLOCK_AUTH, "faillock": ""})) == ["fail"]
    assert statuses(run_check("H05.3", {"pam": PAM_PLAIN, "faillock": ""})) == ["fail"]


def test_h05_4_password_aging() -> None:
    assert statuses(run_check("H05.4", {"login_defs": "PASS_MAX_DAYS\t180\n"})) == ["pass"]
    bad = run_check("H05.4", {"login_defs": "PASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\n"})
    assert statuses(bad) == ["fail"] and "99999" in bad[0].evidence
    assert statuses(run_check("H05.4", {"login_defs": ""})) == ["fail"]


PASSWD = """\
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
postgres:x:101:104:PostgreSQL administrator:/var/lib/postgresql:/bin/bash
hisadmin:x:1000:1000::/home/hisadmin:/bin/bash
nhanvien:x:1001:1001::/home/nhanvien:/bin/bash
"""
SHADOW = "root:locked\ndaemon:locked\npostgres:locked\nhisadmin:set\nnhanvien:set\n"


def test_h06_1_empty_password() -> None:
    bad = run_check("H06.1", {"shadow": SHADOW + "khach:empty\n"})
    assert statuses(bad) == ["fail"] and bad[0].resource == "account:khach"
    assert statuses(run_check("H06.1", {"shadow": SHADOW})) == ["pass"]


def test_h06_2_extra_uid0() -> None:
    bad = run_check("H06.2", {"passwd": PASSWD + "toor:x:0:0::/root:/bin/sh\n"})
    assert statuses(bad) == ["fail"] and bad[0].resource == "account:toor"
    assert statuses(run_check("H06.2", {"passwd": PASSWD})) == ["pass"]


def test_h06_3_nopasswd_sudo() -> None:
    installed = {"packages": "sudo\tii \t1.9.13p3-1+deb12u1\n"}
    rule = "/etc/sudoers.d/nhanvien:1:nhanvien ALL=(ALL) NOPASSWD: ALL\n"
    bad = run_check("H06.3", {**installed, "sudoers": rule})
    assert statuses(bad) == ["fail"]
    assert bad[0].resource == "/etc/sudoers.d/nhanvien" and bad[0].line == 1
    # sudo never reads files in sudoers.d whose names hold a dot or end with "~".
    ignored = (
        "/etc/sudoers.d/README.dpkg-old:3:x ALL=(ALL) NOPASSWD: ALL\n"
        "/etc/sudoers.d/a~:1:y ALL=NOPASSWD: ALL\n"
    )
    assert statuses(run_check("H06.3", {**installed, "sudoers": ignored})) == ["pass"]
    assert statuses(run_check("H06.3", {**installed, "sudoers": ""})) == ["pass"]
    assert statuses(run_check("H06.3", {"packages": "", "sudoers": (1, "")})) == ["not_applicable"]


def test_h06_4_system_account_with_shell_and_password() -> None:
    bad = run_check("H06.4", {"passwd": PASSWD, "shadow": SHADOW.replace("postgres:locked", "postgres:set")})
    assert statuses(bad) == ["fail"] and bad[0].resource == "account:postgres"
    assert statuses(run_check("H06.4", {"passwd": PASSWD, "shadow": SHADOW})) == ["pass"]


def test_h07_1_tmout_effective_value() -> None:
    good = "/etc/profile.d/tmout.sh:2:TMOUT=900\n/etc/profile.d/tmout.sh:3:readonly TMOUT\n"
    assert statuses(run_check("H07.1", {"tmout": good})) == ["pass"]
    # The last file read wins: bash.bashrc after profile.d.
    overridden = good + "/etc/bash.bashrc:40:export TMOUT=0\n"
    assert statuses(run_check("H07.1", {"tmout": overridden})) == ["fail"]
    assert statuses(run_check("H07.1", {"tmout": "/etc/profile:5:# TMOUT=600\n"})) == ["fail"]
    assert statuses(run_check("H07.1", {"tmout": "/etc/profile.d/x.sh:1:readonly TMOUT=3600\n"})) == ["fail"]


def test_h07_2_screen_lock_only_with_a_desktop() -> None:
    desktop = {"desktop": "xfce.desktop\n"}
    good = (
        "/etc/dconf/db/local.d/00-lock:2:lock-enabled=true\n"
        "/etc/dconf/db/local.d/00-lock:5:idle-delay=uint32 600\n"
    )
    assert statuses(run_check("H07.2", {**desktop, "dconf": good})) == ["pass"]
    assert statuses(run_check("H07.2", {**desktop, "dconf": good.replace("600", "3600")})) == ["fail"]
    assert statuses(run_check("H07.2", {**desktop, "dconf": ""})) == ["fail"]
    assert statuses(run_check("H07.2", {"desktop": "", "dconf": ""})) == ["not_applicable"]
