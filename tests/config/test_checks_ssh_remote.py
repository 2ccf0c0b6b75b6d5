"""H01 (remote-access tools) and H02 (SSH effective settings): pass and fail on fake hosts."""

from __future__ import annotations

from tests.config.fakes import run_check, statuses

HARDENED_SSHD = """\
port 22
permitrootlogin no
passwordauthentication no
kbdinteractiveauthentication no
usepam yes
permitemptypasswords no
maxauthtries 3
ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-ctr
macs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com
kexalgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256
hostkeyalgorithms ssh-ed25519,rsa-sha2-512
pubkeyacceptedalgorithms ssh-ed25519,rsa-sha2-256
"""


def sshd(**overrides: str) -> dict[str, str]:
    lines = dict(line.split(" ", 1) for line in HARDENED_SSHD.splitlines())
    lines.update(overrides)
    return {"sshd": "".join(f"{k} {v}\n" for k, v in lines.items())}


def test_h02_1_root_login_yes_fails_and_no_passes() -> None:
    bad = run_check("H02.1", sshd(permitrootlogin="yes"))
    assert statuses(bad) == ["fail"]
    assert bad[0].resource == "sshd:PermitRootLogin" and bad[0].evidence == "PermitRootLogin yes"
    assert statuses(run_check("H02.1", sshd())) == ["pass"]
    # Key-only root login is H02.6's business, not this high-severity check's.
    assert statuses(run_check("H02.1", sshd(permitrootlogin="prohibit-password"))) == ["pass"]


def test_h02_checks_not_applicable_without_sshd() -> None:
    for check_id in ("H02.1", "H02.2", "H02.3", "H02.4", "H02.5", "H02.6"):
        assert statuses(run_check(check_id, {"sshd": (127, "")})) == ["not_applicable"], check_id


def test_h02_2_password_login() -> None:
    assert statuses(run_check("H02.2", sshd(passwordauthentication="yes"))) == ["fail"]
    through_pam = run_check("H02.2", sshd(kbdinteractiveauthentication="yes"))
    assert statuses(through_pam) == ["fail"]
    assert through_pam[0].resource == "sshd:KbdInteractiveAuthentication"
    assert statuses(run_check("H02.2", sshd())) == ["pass"]


def test_h02_3_weak_algorithms_named_in_evidence() -> None:
    bad = run_check(
        "H02.3",
        sshd(
            ciphers="aes128-ctr,aes256-cbc,3des-cbc",
            macs="hmac-sha2-256,hmac-sha1,umac-64@openssh.com,umac-128@openssh.com",
            kexalgorithms="curve25519-sha256,diffie-hellman-group14-sha1",
            hostkeyalgorithms="ssh-ed25519,ssh-rsa",
        ),
    )
    assert statuses(bad) == ["fail"]
    evidence = bad[0].evidence
    for weak in ("aes256-cbc", "3des-cbc", "hmac-sha1", "umac-64@openssh.com", "group14-sha1", "ssh-rsa"):
        assert weak in evidence
    for strong in ("aes128-ctr", "hmac-sha2-256", "umac-128", "curve25519-sha256", "ssh-ed25519"):
        assert strong not in evidence
    assert statuses(run_check("H02.3", sshd())) == ["pass"]


def test_h02_4_empty_passwords() -> None:
    assert statuses(run_check("H02.4", sshd(permitemptypasswords="yes"))) == ["fail"]
    assert statuses(run_check("H02.4", sshd())) == ["pass"]


def test_h02_5_max_auth_tries() -> None:
    bad = run_check("H02.5", sshd(maxauthtries="6"))
    assert statuses(bad) == ["fail"] and "6" in bad[0].evidence
    assert statuses(run_check("H02.5", sshd(maxauthtries="4"))) == ["pass"]


def test_h02_6_root_key_login() -> None:
    for value in ("prohibit-password", "without-password", "forced-commands-only"):
        assert statuses(run_check("H02.6", sshd(permitrootlogin=value))) == ["fail"]
    assert statuses(run_check("H02.6", sshd())) == ["pass"]


NOTHING_REMOTE = {"packages": "sudo\tii \t1.9.13\n", "remote_paths": "", "units": "", "listen": ""}


def test_h01_1_installed_package_or_binary() -> None:
    by_package = run_check(
        "H01.1", {**NOTHING_REMOTE, "packages": "tigervnc-standalone-server\tii \t1.12.0+dfsg-8\n"}
    )
    assert statuses(by_package) == ["fail"]
    assert by_package[0].resource == "package:tigervnc-standalone-server"
    assert "VNC" in by_package[0].evidence
    by_binary = run_check("H01.1", {**NOTHING_REMOTE, "remote_paths": "/usr/bin/anydesk\n"})
    assert [o.resource for o in by_binary] == ["/usr/bin/anydesk"]
    removed = run_check("H01.1", {**NOTHING_REMOTE, "packages": "anydesk\trc \t6.3.0\n"})
    assert statuses(removed) == ["pass"]  # only its configuration files are left
    assert statuses(run_check("H01.1", NOTHING_REMOTE)) == ["pass"]


def test_h01_2_listening_or_running() -> None:
    vnc = 'tcp LISTEN 0 5 0.0.0.0:5900 0.0.0.0:* users:(("Xtigervnc",pid=812,fd=7))\n'
    listening = run_check("H01.2", {**NOTHING_REMOTE, "listen": vnc})
    assert statuses(listening) == ["fail"]
    assert listening[0].resource == "tcp:0.0.0.0:5900"
    assert "Xtigervnc" in listening[0].evidence
    service = "Id=anydesk.service\nLoadState=loaded\nActiveState=active\nUnitFileState=enabled\n"
    running = run_check("H01.2", {**NOTHING_REMOTE, "units": service})
    assert [o.resource for o in running] == ["service:anydesk.service"]
    ssh_only = 'tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=90,fd=3))\n'
    assert statuses(run_check("H01.2", {**NOTHING_REMOTE, "listen": ssh_only})) == ["pass"]
