"""The Windows configuration judge: facts.ps1's JSON document in, findings out (pure).

Each check reads the facts it needs; a fact the script could not read (``<name>_error``) makes that
check an ERROR finding naming why, never a guess. Catalog text comes from ``checks.yml`` and the
end-of-support table from ``lifecycle.yml``. Thresholds are the host's inventory variables
(``hisguard_windows_*``), passed in as :class:`Policy`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

from hisguard.scanners.catalog import CheckMeta, ids, parse_metadata
from hisguard.scanners.errors import CatalogError
from hisguard.scanners.findings import Finding, Status

SCANNER = "windows"
REMOTE_TOOLS = re.compile(
    r"teamviewer|anydesk|ultraviewer|rustdesk|ultravnc|tightvnc|realvnc|vnc server|radmin|ammyy|"
    r"chrome remote desktop|supremo|dwservice|splashtop|remote utilities",
    re.I,
)
READ_RECORD = "W00"
BUILTIN_ADMIN_RID = "-500"
DOMAIN_ADMINS_RID = "-512"


@dataclass(frozen=True)
class Policy:
    """What a facility accepts; defaults follow QĐ 326 and common Windows baselines."""

    min_password_length: int = 8
    max_lockout_threshold: int = 10
    max_inactivity_seconds: int = 900
    max_signature_age_days: int = 7
    max_update_age_days: int = 60
    allowed_admins: tuple[str, ...] = ()
    allowed_remote_tools: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    status: Status
    evidence: str
    details: Mapping[str, Any] = field(default_factory=dict)


class MissingFact(Exception):
    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name)
        self.name = name
        self.reason = reason


def _fact(facts: Mapping[str, Any], name: str) -> Any:
    if f"{name}_error" in facts:
        raise MissingFact(name, str(facts[f"{name}_error"])[:200])
    if name not in facts or facts[name] is None:
        raise MissingFact(name, "not in the facts document")
    return facts[name]


def _items(value: Any) -> list[Mapping[str, Any]]:
    # ConvertTo-Json writes a one-element array as the element itself in some versions.
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, Mapping)]
    return []


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _true(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1")


# --- W01 end of support --------------------------------------------------------------------------


@cache
def lifecycle() -> tuple[Mapping[str, Any], ...]:
    text = resources.files("hisguard.scanners.windows").joinpath("lifecycle.yml").read_text(encoding="utf-8")
    rows = yaml.safe_load(text).get("releases")
    if not isinstance(rows, list):
        raise CatalogError("windows/lifecycle.yml: releases must be a list")
    for row in rows:
        if row.get("kind") not in ("client", "server") or not isinstance(row.get("end"), str | date):
            raise CatalogError(f"windows/lifecycle.yml: bad row {row!r}")
    return tuple(rows)


def release_of(os_fact: Mapping[str, Any]) -> Mapping[str, Any] | None:
    build = _int(os_fact.get("build"))
    if build is None:
        version = str(os_fact.get("version") or "")
        build = _int(version.split(".")[-1]) if version.count(".") == 2 else None
    if build is None:
        return None
    kind = "client" if _int(os_fact.get("product_type")) in (1, None) else "server"
    text = f"{os_fact.get('caption', '')} {os_fact.get('edition', '')}".lower()
    edition = "ltsc" if ("ltsc" in text or "ltsb" in text or "enterprises" in text) else "home_pro"
    for row in lifecycle():
        if row["kind"] != kind or row.get("edition", edition) != edition:
            continue
        if row.get("build") == build or ("build_below" in row and build < int(row["build_below"])):
            return row
    return None


def end_of_support(facts: Mapping[str, Any], policy: Policy, today: date) -> Verdict:
    os_fact = _fact(facts, "os")
    row = release_of(os_fact)
    caption = str(os_fact.get("caption") or "Windows")
    shown = f"{caption} (build {os_fact.get('build', '?')})"
    if row is None:
        return Verdict(Status.NOT_APPLICABLE, f"{shown}: release not in the lifecycle table")
    end = row["end"] if isinstance(row["end"], date) else date.fromisoformat(str(row["end"]))
    details = {"release": row["name"], "end_of_support": end.isoformat(), "build": os_fact.get("build")}
    if end <= today:
        return Verdict(
            Status.FAIL, f"{shown}: {row['name']}, security updates ended {end.isoformat()}", details
        )
    return Verdict(Status.PASS, f"{shown}: supported until {end.isoformat()}", details)


# --- W02 .. W11 ----------------------------------------------------------------------------------


def firewall_off(facts: Mapping[str, Any], policy: Policy, today: date) -> Verdict:
    profiles = _items(_fact(facts, "firewall"))
    if not profiles:
        raise MissingFact("firewall", "no firewall profile listed")
    off = [str(p.get("name")) for p in profiles if not _true(p.get("enabled"))]
    if off:
        return Verdict(Status.FAIL, f"firewall off for: {', '.join(off)}", {"off": off})
    return Verdict(Status.PASS, "firewall on for every profile")


def defender_off(facts: Mapping[str, Any], policy: Policy, today: date) -> Verdict:
    others = [
        str(p.get("name"))
        for p in _items(facts.get("antivirus"))
        if "defender" not in str(p.get("name", "")).lower() and (_int(p.get("state")) or 0) & 0x1000
    ]
    try:
        mp = _fact(facts, "defender")
    except MissingFact:
        if others:
            return Verdict(Status.PASS, f"antivirus active: {', '.join(others)}")
        raise
    problems = []
    if not _true(mp.get("am_service_enabled")) or not _true(mp.get("antivirus_enabled")):
        problems.append("Defender antivirus off")
    elif not _true(mp.get("real_time_enabled")):
        problems.append("real-time protection off")
    age = _int(mp.get("signature_age_days"))
    if age is not None and age > policy.max_signature_age_days and not problems:
        problems.append(f"signatures {age} days old (more than {policy.max_signature_age_days})")
    if problems and others:
        return Verdict(Status.PASS, f"{'; '.join(problems)}, but antivirus active: {', '.join(others)}")
    if problems:
        return Verdict(Status.FAIL, "; ".join(problems), {"signature_age_days": age})
    return Verdict(Status.PASS, f"Defender on, signatures {age} days old")


def smb1_enabled(facts: Mapping[str, Any], policy: Policy, today: date) -> Verdict:
    smb = _fact(facts, "smb")
    if _true(smb.get("smb1")):
        return Verdict(Status.FAIL, "EnableSMB1Protocol = True")
    return Verdict(Status.PASS, "EnableSMB1Protocol = False")


def rdp_without_nla(facts: Mapping[str, Any], policy: Policy, today: date) -> Verdict:
    rdp = _fact(facts, "rdp")
    deny = rdp.get("policy_deny_connections", None)
    deny = rdp.get("deny_connections") if deny is None else deny
    if _int(deny) == 1:
        return Verdict(Status.PASS, "Remote Desktop off (fDenyTSConnections = 1)")
    nla = rdp.get("policy_user_authentication", None)
    nla = rdp.get("user_authentication") if nla is None else nla
    if _int(nla) == 1:
        return Verdict(Status.PASS, "Remote Desktop on, NLA required (UserAuthentication = 1)")
    return Verdict(
        Status.FAIL, f"Remote Desktop on, UserAuthentication = {nla if nla is not None else 'not set'}"
    )


def extra_admins(facts: Mapping[str, Any], policy: Policy, today: date) -> Verdict:
    members = _items(_fact(facts, "administrators"))
    allowed = {a.lower() for a in policy.allowed_admins}
    extra = []
    for member in members:
        name, sid = str(member.get("name", "")), str(member.get("sid", ""))
        short = name.split("\\")[-1].lower()
        if sid.endswith(BUILTIN_ADMIN_RID) or sid.endswith(DOMAIN_ADMINS_RID):
            continue
        if name.lower() in allowed or short in allowed:
            continue
        extra.append(name)
    if extra:
        return Verdict(Status.FAIL, f"Administrators also holds: {', '.join(extra)}", {"extra": extra})
    return Verdict(Status.PASS, f"Administrators: {len(members)} member(s), all allowed")


# `net accounts` prints its lines in this order whatever the display language; the English labels
# are used when present, the position otherwise (a Vietnamese Windows translates the labels).
NET_ACCOUNTS = (
    ("force_logoff", "force user logoff"),
    ("min_age", "minimum password age"),
    ("max_age", "maximum password age"),
    ("min_length", "minimum password length"),
    ("history", "length of password history"),
    ("lockout_threshold", "lockout threshold"),
    ("lockout_duration", "lockout duration"),
    ("lockout_window", "lockout observation window"),
)


def parse_net_accounts(lines: Sequence[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    rows = [line for line in lines if ":" in line]
    for index, line in enumerate(rows):
        label, _, value = line.partition(":")
        key = next((k for k, words in NET_ACCOUNTS if label.strip().lower().startswith(words)), None)
        if key is None and index < len(NET_ACCOUNTS):
            key = NET_ACCOUNTS[index][0]
        if key is not None and key not in values:
            values[key] = value.strip()
    return values


def weak_accounts_policy(facts: Mapping[str, Any], policy: Policy, today: date) -> Verdict:
    raw = _fact(facts, "net_accounts")
    lines = raw.splitlines() if isinstance(raw, str) else [str(x) for x in raw]
    values = parse_net_accounts(lines)
    if "min_length" not in values or "lockout_threshold" not in values:
        raise MissingFact("net_accounts", "output not recognised")
    problems = []
    length = _int(values["min_length"]) or 0
    if length < policy.min_password_length:
        problems.append(f"minimum password length {length} (less than {policy.min_password_length})")
    threshold = _int(values["lockout_threshold"])
    if threshold is None or threshold == 0:
        problems.append(f"no account lockout (threshold {values['lockout_threshold']})")
    elif threshold > policy.max_lockout_threshold:
        problems.append(f"lockout only after {threshold} failures (more than {policy.max_lockout_threshold})")
    details = {"min_length": length, "lockout_threshold": values["lockout_threshold"]}
    if problems:
        return Verdict(Status.FAIL, "; ".join(problems), details)
    return Verdict(Status.PASS, f"minimum length {length}, lockout after {threshold} failures", details)


def no_screen_lock(facts: Mapping[str, Any], policy: Policy, today: date) -> Verdict:
    lock = _fact(facts, "screen_lock")
    limit = policy.max_inactivity_seconds
    timeout = _int(lock.get("inactivity_timeout"))
    if timeout is not None and 0 < timeout <= limit:
        return Verdict(Status.PASS, f"machine inactivity limit {timeout} s")
    saver = _int(lock.get("policy_screensaver_timeout"))
    if (
        str(lock.get("policy_screensaver_active")) == "1"
        and str(lock.get("policy_screensaver_secure")) == "1"
        and saver is not None
        and 0 < saver <= limit
    ):
        return Verdict(Status.PASS, f"password-protected screen saver after {saver} s (policy)")
    shown = f"{timeout} s" if timeout else "not set"
    return Verdict(Status.FAIL, f"no screen lock within {limit} s (machine inactivity limit {shown})")


def autorun_on(facts: Mapping[str, Any], policy: Policy, today: date) -> Verdict:
    autorun = _fact(facts, "autorun")
    value = _int(autorun.get("no_drive_type_autorun"))
    if (value is not None and value & 0xFF == 0xFF) or _int(autorun.get("no_autorun")) == 1:
        return Verdict(
            Status.PASS,
            f"AutoRun off (NoDriveTypeAutoRun = {value}, NoAutorun = {autorun.get('no_autorun')})",
        )
    shown = "not set" if value is None else f"0x{value:02X}"
    return Verdict(Status.FAIL, f"AutoRun not off for every drive (NoDriveTypeAutoRun = {shown})")


def remote_tools(facts: Mapping[str, Any], policy: Policy, today: date) -> Verdict:
    software = _items(_fact(facts, "software"))
    allowed = [a.lower() for a in policy.allowed_remote_tools]
    found = sorted(
        {
            f"{s.get('name')} {s.get('version') or ''}".strip()
            for s in software
            if REMOTE_TOOLS.search(str(s.get("name", "")))
            and not any(a in str(s.get("name", "")).lower() for a in allowed)
        }
    )
    if found:
        return Verdict(Status.FAIL, f"installed: {', '.join(found)}", {"tools": found})
    return Verdict(Status.PASS, f"no remote-control tool among {len(software)} installed programs")


def stale_updates(facts: Mapping[str, Any], policy: Policy, today: date) -> Verdict:
    hotfixes = _items(_fact(facts, "hotfixes"))
    dates = []
    for fix in hotfixes:
        try:
            dates.append(date.fromisoformat(str(fix.get("installed_on"))[:10]))
        except ValueError:
            continue
    if not dates:
        return Verdict(Status.FAIL, f"no installed update with a date ({len(hotfixes)} listed)")
    latest = max(dates)
    age = (today - latest).days
    if age > policy.max_update_age_days:
        return Verdict(
            Status.FAIL,
            f"last update installed {latest.isoformat()} "
            f"({age} days ago, more than {policy.max_update_age_days})",
            {"latest": latest.isoformat(), "age_days": age},
        )
    return Verdict(Status.PASS, f"last update installed {latest.isoformat()} ({age} days ago)")


Judge = Callable[[Mapping[str, Any], Policy, date], Verdict]
JUDGES: dict[str, Judge] = {
    "W01": end_of_support,
    "W02": firewall_off,
    "W03": defender_off,
    "W04": smb1_enabled,
    "W05": rdp_without_nla,
    "W06": extra_admins,
    "W07": weak_accounts_policy,
    "W08": no_screen_lock,
    "W09": autorun_on,
    "W10": remote_tools,
    "W11": stale_updates,
}


@cache
def catalog() -> tuple[CheckMeta, ...]:
    text = resources.files("hisguard.scanners.windows").joinpath("checks.yml").read_text(encoding="utf-8")
    metas = load_table(yaml.safe_load(text))
    ids.register("windows", (*metas, read_record_meta()))
    return metas


def load_table(data: Any) -> tuple[CheckMeta, ...]:
    """Every check entry of ``checks.yml`` (already parsed) through the one strict validator."""
    if not isinstance(data, Mapping):
        raise CatalogError("windows/checks.yml: needs a mapping of check ids to entries")
    metas = tuple(
        parse_metadata(entry, f"windows/checks.yml: {key}", expected_id=key, extra_keys=("groups",))
        for key, entry in data.items()
        if key != READ_RECORD
    )
    if {m.id for m in metas} != set(JUDGES) or READ_RECORD not in data:
        raise CatalogError("windows/checks.yml: entries and judges differ")
    return metas


@cache
def read_record_meta() -> CheckMeta:
    """W00: not a check but the record of what an SMB scan read (an info, PASS finding)."""
    text = resources.files("hisguard.scanners.windows").joinpath("checks.yml").read_text(encoding="utf-8")
    return parse_metadata(
        yaml.safe_load(text)[READ_RECORD],
        f"windows/checks.yml: {READ_RECORD}",
        READ_RECORD,
        extra_keys=("groups",),
    )


def judge(
    facts: Mapping[str, Any],
    *,
    host: str,
    facility: str,
    groups: Sequence[str],
    policy: Policy = Policy(),
    today: date | None = None,
) -> list[Finding]:
    """One finding per check that applies to the host's groups: FAIL, PASS, NOT_APPLICABLE or ERROR."""
    today = today or date.today()
    findings = []
    for meta in catalog():
        if groups and not set(groups) & set(meta.groups):
            continue
        try:
            verdict = JUDGES[meta.id](facts, policy, today)
        except MissingFact as exc:
            verdict = Verdict(Status.ERROR, f"fact {exc.name} unavailable: {exc.reason}")
        findings.append(
            meta.finding(
                scanner=SCANNER,
                facility=facility,
                host=host,
                resource=host,
                material=verdict.status.value,
                status=verdict.status,
                evidence=verdict.evidence,
                details=verdict.details,
            )
        )
    return findings
