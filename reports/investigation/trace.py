"""Builds an account's :class:`Timeline` from the store, the inventory's register and a pack.

The store gives where and when scans found the account (through the same account query as
``report --account``) and the claim exports on those hosts; the pack gives the logs. Both
``hisguard evidence timeline`` and ``hisguard evidence notices`` call :func:`build_timeline`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from hisguard.reports.account import build_account_report
from hisguard.reports.context import account_query, facility_info, register_entries
from hisguard.reports.investigation import signals as signal_rules
from hisguard.reports.investigation.lookup import find_accounts, username_for
from hisguard.reports.investigation.packlogs import PackFacts, read_pack
from hisguard.reports.investigation.timeline import (
    CLAIM_CHECKS,
    Account,
    Observation,
    Timeline,
    audit_observations,
    data_classes,
    estimates,
    login_observations,
    ordered,
    portal_observations,
    store_observations,
)
from hisguard.reports.sources import StoreSource
from hisguard.scanners.findings import Finding, Text
from hisguard.scanners.inventory import Inventory
from hisguard.scanners.store import Store

MAX_COPIED_XML = 64 * 1024 * 1024  # bytes of copied files searched for claim records


def account_of(given: str, inventory: Inventory | None, facility: str | None) -> Account:
    username = username_for(given, inventory, facility)
    found = [(code, a) for code, a in find_accounts(username, inventory, facility) if a.username == username]
    if not found:
        return Account(username=username)
    code, entry = found[0]
    return Account(
        username=username,
        name=entry.name,
        facility=code,
        holder=entry.holder,
        allowed_hosts=tuple(sorted({h for _, a in found for h in a.allowed_hosts})),
        in_register=True,
        revoked=entry.revoked,
        is_revoked=entry.is_revoked,
    )


def known_secrets(inventory: Inventory | None) -> list[str]:
    """Every vault secret the inventory holds: redacted again wherever a pack line is quoted."""
    secrets: list[str] = []
    for facility in inventory.facilities.values() if inventory else ():
        secrets += [
            a.password.reveal() for a in facility.portal_accounts if a.password and a.password.available
        ]
        secrets += [
            h.become_password.reveal()
            for h in facility.hosts
            if h.become_password and h.become_password.available
        ]
    return secrets


def _claims(store: Store, source: StoreSource, codes: Sequence[str], hosts: set[str]) -> list[Finding]:
    found = []
    for code in codes:
        for run in store.load_runs(list(source.latest_runs(code))):
            found += [f for f in run.findings if f.check_id in CLAIM_CHECKS and f.host in hosts]
    return found


def _copied_records(root: Path, pack: PackFacts) -> dict[str, int]:
    """<HOSO> elements in the copied files (a count only; the files are never parsed as XML here)."""
    counted: dict[str, int] = {}
    budget = MAX_COPIED_XML
    for item in pack.items:
        if item.get("kind") != "file" or not isinstance(item.get("stored_as"), str) or budget <= 0:
            continue
        path = (root / item["stored_as"]).resolve()
        if root.resolve() not in path.parents:
            continue
        with path.open("rb") as stream:
            data = stream.read(min(budget, 8 * 1024 * 1024))
        budget -= len(data)
        if b"<GIAMDINHHS" in data or b"<HOSO>" in data:
            records = len(re.findall(rb"<HOSO>", data))
            if records:
                counted[str(item.get("id"))[:12]] = records
    return counted


def build_timeline(
    given: str,
    *,
    inventory: Inventory | None,
    facility: str | None,
    store: Store,
    pack_root: Path | None = None,
    threshold: int = signal_rules.LOOKUPS_PER_DAY,
    portal_networks: Sequence[str] = (),
    key: bytes | None = None,
) -> Timeline:
    account = account_of(given, inventory, facility)
    register = register_entries(account.username, inventory) if inventory else None
    source = StoreSource(store)
    sightings = source.sightings(account_query(account.username, register), facility)
    codes = sorted({s.facility for s in sightings})
    report = build_account_report(
        account.username,
        sightings,
        latest_runs={code: source.latest_runs(code) for code in codes},
        latest_time={code: t for code in codes if (t := source.latest_time(code)) is not None},
        info=lambda code: facility_info(code, inventory, source.names(code)),
        register=register,
    )
    places = (*report.places, *report.log_lines)
    pack = read_pack(pack_root, known_secrets(inventory), key) if pack_root is not None else None
    hosts = {p.finding.host for p in places} | set(pack.hosts if pack else ())
    addresses: dict[str, str] = {}
    nets_given: list[object] = []
    for code in sorted(inventory.facilities if inventory else ()):
        assert inventory is not None
        for host in inventory.facilities[code].hosts:
            addresses.setdefault(host.address, host.name)
            networks = host.var("hisguard_portal_networks")
            if isinstance(networks, list):
                nets_given += networks
    nets = signal_rules.portal_networks([{"name": "portal", "networks": [*nets_given, *portal_networks]}])
    observations: list[Observation] = store_observations(places, account)
    notes: list[Text] = []
    portal_users: list[str] = []
    if pack is not None:
        portal, users = portal_observations(pack, addresses)
        portal_users = sorted(users)
        observations += portal + audit_observations(pack)
        anchors = [o.when for o in observations if o.when is not None]
        observations += login_observations(pack, anchors)
        if pack.cut:
            notes.append(
                Text(
                    "Gói chứng cứ có quá nhiều dòng nhật ký; phần cuối chưa được đọc.",
                    "The pack holds too many log lines; the last ones were not read.",
                )
            )
        for error in pack.errors:
            notes.append(Text(f"Khi thu thập: {error}", f"While collecting: {error}"))
    else:
        notes.append(
            Text(
                "Chưa có gói chứng cứ (--pack): dòng thời gian chỉ gồm các lần quét.",
                "No evidence pack given (--pack): the timeline holds the scans only.",
            )
        )
    if not nets:
        notes.append(
            Text(
                "Chưa khai báo địa chỉ của cổng giám định BHYT (hisguard_portal_networks): các dòng tường "
                "lửa đầu "
                "ra bị chặn không được đối chiếu với cổng.",
                "The portal's addresses are not declared (hisguard_portal_networks): egress drops were not "
                "matched against the portal.",
            )
        )
    if not places:
        notes.append(
            Text(
                "Kho kết quả quét không có phát hiện nào về tài khoản này.",
                "The findings store holds no finding about this account.",
            )
        )
    if not account.in_register:
        notes.append(
            Text(
                "Tài khoản không có trong sổ đăng ký của inventory: không đánh giá được máy nào được phép "
                "giữ.",
                "The account is not in the inventory's register: which hosts may hold it cannot be judged.",
            )
        )
    claims = _claims(store, source, codes, hosts)
    signals = signal_rules.mining_signals(pack, places, account, addresses, nets, threshold)
    lookups = sum(1 for f in pack.facts if f.kind == "portal" and f.lookup) if pack else 0
    copied = _copied_records(pack_root, pack) if pack is not None and pack_root is not None else {}
    named = {o.host for o in observations if o.host} | hosts
    return Timeline(
        account=account,
        pack_id=pack.pack_id if pack else "",
        pack_created=pack.created_at if pack else None,
        observations=ordered(observations),
        signals=ordered(signals),
        data_classes=data_classes(claims, lookups),
        estimates=estimates(claims, pack, copied),
        hosts=tuple(sorted(named)),
        portal_users=tuple(portal_users),
        notes=tuple(notes),
    )
