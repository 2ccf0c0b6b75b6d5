"""H02: the SSH server's effective settings (``sshd -T``), not what sshd_config seems to say."""

from __future__ import annotations

import re

from hisguard.scanners.config.model import Verdict, check, failed, not_applicable, passed
from hisguard.scanners.config.snapshot import Facts

NEEDS = ("sshd",)

# Names OpenSSH still accepts that are broken or too weak (CBC/RC4/3DES ciphers, MD5/SHA-1 and
# 64-bit-tag MACs, SHA-1 key exchange, DSA and SHA-1 RSA signatures).
WEAK = {
    "ciphers": re.compile(r"cbc|3des|arcfour|blowfish|cast128|rijndael"),
    "macs": re.compile(r"md5|sha1|ripemd|umac-64"),
    "kexalgorithms": re.compile(r"sha1$|sha1-|group1-"),
    "hostkeyalgorithms": re.compile(r"^ssh-(dss|rsa)(-cert-v01@openssh\.com)?$"),
    "pubkeyacceptedalgorithms": re.compile(r"^ssh-(dss|rsa)(-cert-v01@openssh\.com)?$"),
}
MAX_AUTH_TRIES = 4


def _setting(facts: Facts, key: str) -> str | None:
    """The effective value, or None when there is no SSH server to judge."""
    if facts.missing("sshd"):
        return None
    values = facts.sshd().get(key)
    return values[0] if values else ""


@check("H02.1", needs=NEEDS, resource="sshd:PermitRootLogin")
def root_password_login(facts: Facts) -> Verdict:
    resource = "sshd:PermitRootLogin"
    value = _setting(facts, "permitrootlogin")
    if value is None:
        return not_applicable(resource, "no SSH server (sshd) installed")
    if value == "yes":
        return failed(resource, "PermitRootLogin yes", value)
    return passed(resource, f"PermitRootLogin {value}", value)


@check("H02.6", needs=NEEDS, resource="sshd:PermitRootLogin")
def root_key_login(facts: Facts) -> Verdict:
    resource = "sshd:PermitRootLogin"
    value = _setting(facts, "permitrootlogin")
    if value is None:
        return not_applicable(resource, "no SSH server (sshd) installed")
    if value in ("prohibit-password", "without-password", "forced-commands-only"):
        return failed(resource, f"PermitRootLogin {value}", value)
    return passed(resource, f"PermitRootLogin {value}", value)


@check("H02.2", needs=NEEDS, resource="sshd:PasswordAuthentication")
def password_login(facts: Facts) -> Verdict:
    resource = "sshd:PasswordAuthentication"
    password = _setting(facts, "passwordauthentication")
    if password is None:
        return not_applicable(resource, "no SSH server (sshd) installed")
    if password == "yes":
        return failed(resource, "PasswordAuthentication yes", "password")
    # Keyboard-interactive through PAM asks for the same password.
    if _setting(facts, "kbdinteractiveauthentication") == "yes" and _setting(facts, "usepam") == "yes":
        return failed(
            "sshd:KbdInteractiveAuthentication",
            "KbdInteractiveAuthentication yes with UsePAM yes (password through PAM)",
            "kbdinteractive",
            vi="KbdInteractiveAuthentication yes cùng UsePAM yes (mật khẩu qua PAM)",
        )
    return passed(resource, "PasswordAuthentication no", "no")


@check("H02.3", needs=NEEDS, resource="sshd:algorithms")
def weak_algorithms(facts: Facts) -> Verdict:
    resource = "sshd:algorithms"
    if facts.missing("sshd"):
        return not_applicable(resource, "no SSH server (sshd) installed")
    settings = facts.sshd()
    weak: dict[str, list[str]] = {}
    for key, pattern in WEAK.items():
        for value in settings.get(key, []):
            names = [name for name in value.split(",") if pattern.search(name)]
            if names:
                weak.setdefault(key, []).extend(names)
    if not weak:
        return passed(resource, "no weak cipher, MAC, key exchange or host key algorithm")
    evidence = "; ".join(f"{key}: {', '.join(names)}" for key, names in sorted(weak.items()))
    return failed(resource, evidence, evidence, weak=weak)


@check("H02.4", needs=NEEDS, resource="sshd:PermitEmptyPasswords")
def empty_passwords(facts: Facts) -> Verdict:
    resource = "sshd:PermitEmptyPasswords"
    value = _setting(facts, "permitemptypasswords")
    if value is None:
        return not_applicable(resource, "no SSH server (sshd) installed")
    if value == "yes":
        return failed(resource, "PermitEmptyPasswords yes", value)
    return passed(resource, f"PermitEmptyPasswords {value}", value)


@check("H02.5", needs=NEEDS, resource="sshd:MaxAuthTries")
def max_auth_tries(facts: Facts) -> Verdict:
    resource = "sshd:MaxAuthTries"
    value = _setting(facts, "maxauthtries")
    if value is None:
        return not_applicable(resource, "no SSH server (sshd) installed")
    if not value.isdigit() or int(value) > MAX_AUTH_TRIES:
        return failed(
            resource,
            f"MaxAuthTries {value} (more than {MAX_AUTH_TRIES})",
            value,
            vi=f"MaxAuthTries {value} (nhiều hơn {MAX_AUTH_TRIES})",
        )
    return passed(resource, f"MaxAuthTries {value}", value)
