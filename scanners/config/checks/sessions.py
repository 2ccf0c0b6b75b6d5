"""H07: idle sessions end by themselves: shell TMOUT everywhere, screen lock on workstations."""

from __future__ import annotations

import re

from hisguard.scanners.catalog.shared import policy_default
from hisguard.scanners.config import parsers
from hisguard.scanners.config.model import Verdict, bilingual, check, failed, not_applicable, passed
from hisguard.scanners.config.snapshot import Facts

DEFAULT_MAX_IDLE = policy_default("hisguard_session_timeout_seconds")  # QD-326: idle sessions end
TMOUT = re.compile(
    r"(?:^|[\s;])(?:readonly\s+|export\s+|declare\s+-\w+\s+|typeset\s+-\w+\s+)?TMOUT=['\"]?(\d+)"
)


def _load_order(path: str) -> tuple[int, str]:
    """Login shells read /etc/profile, then /etc/profile.d/* in name order, then bash.bashrc."""
    if path == "/etc/environment":
        return 0, path
    if path == "/etc/profile":
        return 1, path
    if path.startswith("/etc/profile.d/"):
        return 2, path
    return 3, path


def _max_idle(facts: Facts) -> int:
    value = facts.target.var("hisguard_session_timeout_seconds", DEFAULT_MAX_IDLE)
    return int(value) if str(value).isdigit() else DEFAULT_MAX_IDLE


@check("H07.1", needs=("tmout",), resource="shell:TMOUT")
def shell_timeout(facts: Facts) -> Verdict:
    resource = "shell:TMOUT"
    limit = _max_idle(facts)
    settings = []
    for path, line, content in parsers.grep_lines(facts.text("tmout")):
        code = content.split("#", 1)[0]
        for match in TMOUT.finditer(code):
            settings.append((_load_order(path), line or 0, path, int(match.group(1))))
    if not settings:
        return failed(
            resource,
            "TMOUT is not set: idle shells stay open",
            "unset",
            evidence_text=bilingual(
                "Chưa đặt TMOUT: phiên shell bỏ trống không tự đóng",
                "TMOUT is not set: idle shells stay open",
            ),
        )
    _, line, path, seconds = max(settings)
    evidence = f"TMOUT={seconds} ({path})"
    if 0 < seconds <= limit:
        return passed(resource, evidence, str(seconds))
    return failed(
        resource,
        f"{evidence}: needs 1..{limit} seconds",
        str(seconds),
        line=line or None,
        evidence_text=bilingual(
            f"{evidence}: cần từ 1 đến {limit} giây", f"{evidence}: needs 1..{limit} seconds"
        ),
    )


def _dconf(facts: Facts) -> dict[str, str]:
    values = {}
    for _, _, content in parsers.grep_lines(facts.text("dconf")):
        key, sep, value = content.partition("=")
        if sep:
            values[key.strip()] = value.strip()
    return values


@check("H07.2", needs=("desktop", "dconf"), resource="dconf:screensaver")
def screen_lock(facts: Facts) -> Verdict:
    resource = "dconf:screensaver"
    if not facts.text("desktop").strip():
        return not_applicable(resource, "no graphical session installed")
    limit = _max_idle(facts)
    values = _dconf(facts)
    enabled = values.get("lock-enabled", "").lower() == "true"
    delay_text = values.get("idle-delay", "").split()[-1:] or [""]
    delay = int(delay_text[0]) if delay_text[0].isdigit() else 0
    evidence = f"lock-enabled {values.get('lock-enabled', 'unset')}, idle-delay {delay or 'unset'}"
    if enabled and 0 < delay <= limit:
        return passed(resource, evidence, evidence)
    return failed(
        resource,
        f"{evidence}: needs the lock on after at most {limit} s idle",
        evidence,
        evidence_text=bilingual(
            f"{evidence}: cần bật khóa màn hình sau tối đa {limit} giây không thao tác",
            f"{evidence}: needs the lock on after at most {limit} s idle",
        ),
    )
