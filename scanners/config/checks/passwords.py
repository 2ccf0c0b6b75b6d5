"""H05: password quality, lockout after failed logins, and password aging (PAM and login.defs)."""

from __future__ import annotations

from hisguard.scanners.catalog.shared import policy_default
from hisguard.scanners.config import parsers
from hisguard.scanners.config.model import Verdict, check, failed, passed
from hisguard.scanners.config.snapshot import Facts

# QD-326: 8+ characters, lock after failed logins, change every 6 months; ND-331: 14 without MFA.
FLOOR_MIN_LENGTH = 8
DEFAULT_MIN_LENGTH = policy_default("hisguard_password_min_length")
DEFAULT_MAX_ATTEMPTS = policy_default("hisguard_lockout_max_attempts")
MIN_UNLOCK_SECONDS = 900
DEFAULT_MAX_DAYS = policy_default("hisguard_password_max_days")
# libpwquality's and pam_faillock's own defaults when nothing is configured.
PWQUALITY_DEFAULTS = {
    "minlen": "8",
    "minclass": "0",
    "dcredit": "0",
    "ucredit": "0",
    "lcredit": "0",
    "ocredit": "0",
}
FAILLOCK_DEFAULTS = {"deny": "3", "unlock_time": "600"}


def _module_args(facts: Facts, pam_file: str, modules: tuple[str, ...]) -> dict[str, str] | None:
    """Arguments of the first line of ``pam_file`` using one of ``modules``; None if none does."""
    for path, _, content in parsers.grep_lines(facts.text("pam")):
        if not path.endswith(pam_file):
            continue
        tokens = content.split()
        for index, token in enumerate(tokens):
            if any(token.startswith(module) for module in modules):
                args = {}
                for arg in tokens[index + 1 :]:
                    key, _, value = arg.partition("=")
                    args[key] = value
                return args
    return None


def _int(value: str, default: int = 0) -> int:
    try:
        return int(value)
    except ValueError:
        return default


def _quality(facts: Facts) -> dict[str, str] | None:
    """Effective pwquality settings (conf, then module arguments), or None when not in PAM."""
    args = _module_args(facts, "common-password", ("pam_pwquality.so", "pam_cracklib.so"))
    if args is None:
        return None
    settings = dict(PWQUALITY_DEFAULTS)
    settings.update(parsers.key_values(facts.text("pwquality")))
    settings.update(args)
    return settings


def _min_length_outcome(facts: Facts, resource: str, wanted: int) -> Verdict:
    settings = _quality(facts)
    if settings is None:
        return failed(resource, NO_PWQUALITY, "no-pwquality", vi=NO_PWQUALITY_VI)
    minlen = _int(settings["minlen"])
    if minlen < wanted:
        return failed(
            resource,
            f"minlen {minlen} (needs {wanted} or more)",
            str(minlen),
            minlen=minlen,
            vi=f"minlen {minlen} (cần từ {wanted} trở lên)",
        )
    return passed(resource, f"minlen {minlen}", str(minlen))


NO_PWQUALITY = "pam_pwquality is not used in /etc/pam.d/common-password"
NO_PWQUALITY_VI = "không dùng pam_pwquality trong /etc/pam.d/common-password"


@check("H05.1", needs=("pam", "pwquality"), resource="pam:pwquality:minlen")
def min_length_floor(facts: Facts) -> Verdict:
    """QD-326's floor: no password quality at all, or passwords shorter than 8."""
    return _min_length_outcome(facts, "pam:pwquality:minlen", FLOOR_MIN_LENGTH)


@check("H05.5", needs=("pam", "pwquality"), resource="pam:pwquality:minlen")
def min_length_target(facts: Facts) -> Verdict:
    """ND-331's length without MFA (14), or the facility's own ``hisguard_password_min_length``."""
    value = facts.target.var("hisguard_password_min_length", DEFAULT_MIN_LENGTH)
    return _min_length_outcome(facts, "pam:pwquality:minlen", _int(str(value), DEFAULT_MIN_LENGTH))


@check("H05.2", needs=("pam", "pwquality"), resource="pam:pwquality:complexity")
def complexity(facts: Facts) -> Verdict:
    resource = "pam:pwquality:complexity"
    settings = _quality(facts)
    if settings is None:
        return failed(resource, NO_PWQUALITY, "no-pwquality", vi=NO_PWQUALITY_VI)
    minclass = _int(settings["minclass"])
    required = [k for k in ("dcredit", "ucredit", "lcredit", "ocredit") if _int(settings[k]) < 0]
    evidence = f"minclass {minclass}, required classes: {', '.join(required) or 'none'}"
    if minclass >= 3 or len(required) >= 3:
        return passed(resource, evidence, evidence)
    return failed(
        resource, evidence + " (needs 3 character classes)", evidence, vi=evidence + " (cần 3 loại ký tự)"
    )


@check("H05.3", needs=("pam", "faillock"), resource="pam:faillock")
def lockout(facts: Facts) -> Verdict:
    resource = "pam:faillock"
    args = _module_args(facts, "common-auth", ("pam_faillock.so", "pam_tally2.so"))
    if args is None:
        return failed(
            resource,
            "no pam_faillock in /etc/pam.d/common-auth: no lockout",
            "no-faillock",
            vi="không có pam_faillock trong /etc/pam.d/common-auth: không khóa tài khoản",
        )
    settings = dict(FAILLOCK_DEFAULTS)
    settings.update(parsers.key_values(facts.text("faillock")))
    settings.update({k: v for k, v in args.items() if k in ("deny", "unlock_time")})
    deny = _int(settings["deny"])
    unlock = _int(settings["unlock_time"], 0) if settings["unlock_time"] != "never" else 0
    limit = _int(
        str(facts.target.var("hisguard_lockout_max_attempts", DEFAULT_MAX_ATTEMPTS)), DEFAULT_MAX_ATTEMPTS
    )
    evidence = f"deny {deny}, unlock_time {unlock}"
    problems: list[tuple[str, str]] = []  # (English, Vietnamese)
    if not 0 < deny <= limit:
        problems.append((f"deny must be 1..{limit}", f"deny phải từ 1 đến {limit}"))
    if 0 < unlock < MIN_UNLOCK_SECONDS:
        problems.append(
            (
                f"unlock_time must be 0 or at least {MIN_UNLOCK_SECONDS}",
                f"unlock_time phải bằng 0 hoặc từ {MIN_UNLOCK_SECONDS} trở lên",
            )
        )
    if problems:
        return failed(
            resource,
            f"{evidence} ({'; '.join(en for en, _ in problems)})",
            evidence,
            vi=f"{evidence} ({'; '.join(vi for _, vi in problems)})",
        )
    return passed(resource, evidence, evidence)


@check("H05.4", needs=("login_defs",), resource="login.defs:PASS_MAX_DAYS")
def aging(facts: Facts) -> Verdict:
    resource = "login.defs:PASS_MAX_DAYS"
    limit = _int(str(facts.target.var("hisguard_password_max_days", DEFAULT_MAX_DAYS)), DEFAULT_MAX_DAYS)
    value = parsers.whitespace_values(facts.text("login_defs")).get("PASS_MAX_DAYS", "99999")
    days = _int(value, 99999)
    if days <= 0 or days > limit:
        return failed(
            resource,
            f"PASS_MAX_DAYS {value} (needs 1..{limit})",
            value,
            vi=f"PASS_MAX_DAYS {value} (cần từ 1 đến {limit})",
        )
    return passed(resource, f"PASS_MAX_DAYS {value}", value)
