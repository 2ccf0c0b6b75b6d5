"""The account register (``hisguard_portal_accounts``): whose credential was found, and where.

A found secret is tied to a registered account by the username written next to it, or by keyed
digests: the HMAC of the found value (and of its MD5 in both cases) against the HMAC of the
vault's password (and of its MD5). Neither value is printed or kept.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from hisguard.scanners.credentials.judge import Observation
from hisguard.scanners.credentials.redact import username_label
from hisguard.scanners.credentials.report import HostResult, Reporter
from hisguard.scanners.findings import Finding, Text, keyed_digest
from hisguard.scanners.inventory import Facility, PortalAccount

PURPOSE = "portal-password"
HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")
HOME = re.compile(r"^(?:/home/([^/]+)|/root)(?:/|$)|/Users/([^/]+)/")


def _variants(value: str) -> set[str]:
    md5 = hashlib.md5(value.encode("utf-8")).hexdigest()
    found = {value, md5, md5.upper()}
    if HEX32.match(value):
        found.update({value.lower(), value.upper()})
    return found


def holder_of(path: str) -> str | None:
    """The person whose home directory holds ``path`` (root for /root), if any."""
    match = HOME.match(path)
    if not match:
        return None
    return match.group(1) or match.group(2) or "root"


@dataclass
class Register:
    facility: Facility
    _digests: dict[str, str] = field(default_factory=dict)  # keyed digest -> account name
    _users: dict[str, PortalAccount] = field(default_factory=dict)
    seen: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))

    def __post_init__(self) -> None:
        for account in self.facility.portal_accounts:
            self._users[account.username.lower()] = account
            # Another facility's vault, not given here: identified by username only.
            if account.password is not None and account.password.available:
                for variant in _variants(account.password.reveal()):
                    self._digests[keyed_digest(variant, PURPOSE)] = account.name

    @property
    def declared(self) -> bool:
        return bool(self.facility.portal_accounts)

    def account(self, name: str) -> PortalAccount | None:
        return next((a for a in self.facility.portal_accounts if a.name == name), None)

    def identify(self, obs: Observation) -> str | None:
        """The registered account a found secret belongs to, or None."""
        if obs.username and obs.username.lower() in self._users:
            return self._users[obs.username.lower()].name
        if obs.value is not None and self._digests:
            for variant in _variants(obs.value.reveal()):
                name = self._digests.get(keyed_digest(variant, PURPOSE))
                if name:
                    return name
        return None

    def findings(self, reporter: Reporter, result: HostResult) -> list[Finding]:
        """C11 (registered account on a host not allowed) and C12 (unregistered username)."""
        found: list[Finding] = []
        reported: set[tuple[str, str, str]] = set()
        for obs in result.observations:
            if obs.kind == "secret":
                name = self.identify(obs)
                key = name or (obs.username.lower() if obs.username else "")
                if key:
                    self.seen[key].add((result.host, holder_of(obs.path) or ""))
                account = self.account(name) if name else None
                if account and result.host not in account.allowed_hosts:
                    allowed = ", ".join(account.allowed_hosts) or "-"
                    spot = ("C11", account.name, obs.path)
                    if spot not in reported:
                        reported.add(spot)
                        found.append(
                            reporter.finding(
                                "C11",
                                result.host,
                                obs.path,
                                f"C11:{account.name}:{obs.path}",
                                evidence_text=f"account {account.name} (allowed: {allowed})",
                                evidence_vi=f"tài khoản {account.name} (máy được phép: {allowed})",
                                line=obs.line,
                                column=obs.column,
                                details={
                                    "account": account.name,
                                    "holder": account.holder,
                                    "allowed_hosts": list(account.allowed_hosts),
                                },
                            )
                        )
            if obs.kind in ("username", "secret") and obs.username and self.declared:
                user = obs.username
                if user.lower() in self._users or not (
                    reporter.rules.username_re.match(user) or reporter.rules.cccd_re.match(user)
                ):
                    continue
                if obs.kind == "username":
                    self.seen[user.lower()].add((result.host, holder_of(obs.path) or ""))
                spot = ("C12", user.lower(), obs.path)
                if spot in reported:
                    continue
                reported.add(spot)
                label = username_label(user)
                found.append(
                    reporter.finding(
                        "C12",
                        result.host,
                        obs.path,
                        f"C12:{user.lower()}:{obs.path}",
                        evidence_text=f"username {label} is not in hisguard_portal_accounts",
                        evidence_vi=f"tên đăng nhập {label} không có trong hisguard_portal_accounts",
                        line=obs.line,
                        column=obs.column,
                        details={"username": label},
                    )
                )
        return found

    def facility_findings(self, reporter: Reporter, today: date | None = None) -> list[Finding]:
        """C10 (one account held beyond its register) and C13 (review overdue), once per run."""
        today = today or reporter.now.date()
        found: list[Finding] = []
        for key, places in sorted(self.seen.items()):
            account = self.account(key) or self._users.get(key)
            hosts = {host for host, _ in places}
            holders = {holder for _, holder in places if holder}
            allowed = set(account.allowed_hosts) if account else set()
            beyond = hosts - allowed if account else set()
            if len(holders) >= 2 or (len(hosts) >= 2 and (not account or beyond)):
                label = account.name if account else username_label(key)
                found.append(
                    reporter.finding(
                        "C10",
                        sorted(hosts)[0],
                        f"account:{label}",
                        f"C10:{key}",
                        evidence_text=f"account {label} on {len(hosts)} host(s), {len(holders)} holder(s)",
                        evidence_vi=f"tài khoản {label} trên {len(hosts)} máy, {len(holders)} người giữ",
                        details={
                            "hosts": sorted(hosts),
                            "holders": sorted(holders),
                            "allowed_hosts": sorted(allowed),
                        },
                    )
                )
        period = self.facility.review_period_months
        for account in self.facility.portal_accounts:
            if account.is_revoked:
                continue  # a revoked account is judged by C15/C17, not reviewed again
            reviewed = account.last_review or account.granted
            overdue = reviewed is None or _months_between(reviewed, today) >= period
            if overdue:
                when = reviewed.isoformat() if reviewed else "never"
                found.append(
                    reporter.finding(
                        "C13",
                        "register",
                        f"hisguard_portal_accounts/{account.name}",
                        f"C13:{account.name}:{when}",
                        evidence_text=f"account {account.name}: last review {when}, period {period} months",
                        evidence_vi=f"tài khoản {account.name}: rà soát gần nhất {when}, "
                        f"chu kỳ {period} tháng",
                        details={"account": account.name, "reviewed": when, "period_months": period},
                        title=None,
                    )
                )
        found.extend(self._delegation_findings(reporter))
        return found

    def _delegation_findings(self, reporter: Reporter) -> list[Finding]:
        """C14-C18: what the register itself says is wrong with a delegation."""
        found: list[Finding] = []

        def add(check: str, account: PortalAccount, evidence: tuple[str, str], **details: object) -> None:
            """``evidence``: (English, Vietnamese)."""
            found.append(
                reporter.finding(
                    check,
                    "register",
                    f"hisguard_portal_accounts/{account.name}",
                    f"{check}:{account.name}",
                    evidence_text=evidence[0],
                    evidence_vi=evidence[1],
                    details={"account": account.name, "department": account.department, **details},
                )
            )

        for account in self.facility.portal_accounts:
            if not account.is_revoked and account.decision is None:
                add(
                    "C14",
                    account,
                    (
                        f"account {account.name}: no authorising decision in the register",
                        f"tài khoản {account.name}: sổ đăng ký không có quyết định giao tài khoản",
                    ),
                )
            if account.is_revoked:
                places = self.seen.get(account.name, set()) | self.seen.get(account.username.lower(), set())
                if places:
                    hosts = sorted({host for host, _ in places})
                    add(
                        "C15",
                        account,
                        (
                            f"account {account.name} revoked {_iso(account.revoked)}, "
                            f"found on {', '.join(hosts)}",
                            f"tài khoản {account.name} đã thu hồi ngày {_iso(account.revoked)}, "
                            f"vẫn thấy trên {', '.join(hosts)}",
                        ),
                        hosts=hosts,
                        revoked=_iso(account.revoked),
                    )
                changed = account.password_changed
                if changed is None or (account.revoked is not None and changed < account.revoked):
                    add(
                        "C17",
                        account,
                        (
                            f"account {account.name} revoked {_iso(account.revoked)}, "
                            f"password last changed {_iso(changed)}",
                            f"tài khoản {account.name} đã thu hồi ngày {_iso(account.revoked)}, "
                            f"mật khẩu đổi lần cuối {_iso(changed) or 'chưa ghi'}",
                        ),
                        revoked=_iso(account.revoked),
                        password_changed=_iso(changed),
                    )
            lacking = [name for name in account.missing if name != "decision"]  # C14 says that one
            if lacking:
                add(
                    "C18",
                    account,
                    (
                        f"account {account.name}: register lacks {', '.join(lacking)}",
                        f"tài khoản {account.name}: sổ đăng ký thiếu {', '.join(lacking)}",
                    ),
                    missing=lacking,
                )
        found.extend(self._holders_across_departments(reporter))
        return found

    def _holders_across_departments(self, reporter: Reporter) -> list[Finding]:
        """C16: one person (by id, else by name) holding active accounts of several departments,
        where some of those accounts lack the administration scope."""
        by_holder: dict[str, list[PortalAccount]] = defaultdict(list)
        for account in self.facility.portal_accounts:
            person = account.holder_id or account.holder
            if person and account.department and not account.is_revoked:
                by_holder[person.casefold()].append(account)
        found = []
        for accounts in by_holder.values():
            departments = sorted({a.department for a in accounts})
            if len(departments) < 2 or all("admin" in a.scope for a in accounts):
                continue
            names = sorted(a.name for a in accounts)
            holder = accounts[0].holder or accounts[0].holder_id
            found.append(
                reporter.finding(
                    "C16",
                    "register",
                    f"hisguard_portal_accounts/{names[0]}",
                    f"C16:{holder.casefold()}:{','.join(names)}",
                    evidence_text=f"{holder} holds {len(names)} account(s) of {', '.join(departments)}",
                    evidence_vi=f"{holder} giữ {len(names)} tài khoản của {', '.join(departments)}",
                    details={"holder": holder, "accounts": names, "departments": departments},
                )
            )
        return found


def _iso(day: date | None) -> str:
    return day.isoformat() if day else "never"


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


def no_register_findings(reporter: Reporter, results: Sequence[HostResult]) -> list[Finding]:
    """Without a register, C10 still shows one portal username held by several people or hosts."""
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for result in results:
        for obs in result.observations:
            if obs.username and reporter.rules.username_re.match(obs.username):
                seen[obs.username.lower()].add((result.host, holder_of(obs.path) or ""))
    found = []
    for user, places in sorted(seen.items()):
        hosts = {h for h, _ in places}
        holders = {p for _, p in places if p}
        if len(hosts) >= 2 or len(holders) >= 2:
            label = username_label(user)
            found.append(
                reporter.finding(
                    "C10",
                    sorted(hosts)[0],
                    f"account:{label}",
                    f"C10:{user}",
                    evidence_text=f"username {label} found on {len(hosts)} host(s), {len(holders)} holder(s)",
                    evidence_vi=f"tên đăng nhập {label} thấy trên {len(hosts)} máy, {len(holders)} người giữ",
                    details={"hosts": sorted(hosts), "holders": sorted(holders)},
                    title=Text(
                        vi="Một tài khoản cổng giám định BHYT bị dùng chung",
                        en="One BHXH portal account shared by many",
                    ),
                )
            )
    return found
