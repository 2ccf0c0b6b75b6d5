"""Build a :class:`FacilityReport` from a facility's history: diff, score, trend, actions.

Findings are grouped by the action that fixes them (one hardening role with its tags, or a
manual fix), then by check inside an action, so a check's rationale, references and remediation
are shown once above the hosts and files it fails on.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import NamedTuple

from hisguard.reports import facts
from hisguard.reports.diff import Comparison, compare, snapshots, trend
from hisguard.reports.harden_plays import NOT_HARDENED, reaches
from hisguard.reports.model import (
    Action,
    Change,
    CheckGroup,
    FacilityInfo,
    FacilityReport,
    Priority,
    Reference,
    Row,
    ScanInfo,
    SeverityCounts,
)
from hisguard.reports.scans import FacilityHistory, Scan
from hisguard.reports.score import host_scores, score
from hisguard.scanners import __version__
from hisguard.scanners.catalog import CheckMeta, ids, known_fix, regulations
from hisguard.scanners.findings import FIXES, Finding, Remediation, Severity, Status, Text, utcnow

DEFAULT_TREND_LENGTH = 8
INVENTORY_PLACEHOLDER = "<inventory>"
MANUAL = "manual"
LISTED = (Status.FAIL, Status.WAIVED, Status.ERROR)


# What may stand in an Ansible --limit or hosts: pattern. Anything else (a name with a comma,
# a glob, "all") could widen a run to hosts nobody asked for, so it is left out of commands.
_PLAIN_HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_PATTERN_WORDS = frozenset({"all", "ungrouped"})


def managed_hosts(
    scan: Scan, inventory_managed: Mapping[str, tuple[str, ...]] | None
) -> frozenset[str] | None:
    """The hosts harden.yml manages: the inventory's word when the report has one; else the
    hosts the scan targeted except those the Windows scanner read (a host the network scanner
    only found on the LAN is in neither). None: an older document that lists no hosts."""
    if inventory_managed is not None:
        return frozenset(inventory_managed)
    if not scan.hosts:
        return None
    windows = {f.host for f in scan.findings if f.scanner == NOT_HARDENED}
    windows |= {e.target for e in scan.errors if e.scanner == NOT_HARDENED}
    return frozenset(scan.hosts) - windows


def effect_of(finding: Finding, catalog: Mapping[str, CheckMeta]) -> str:
    """What the finding's command does to it. The catalog entry of a known id has the last word
    (a stored or older document may claim a fix the catalog no longer makes): its effect when it
    names the same role, else manual work. An id no catalog knows keeps what it says."""
    remediation = finding.remediation
    if remediation is None or not known_fix(remediation.role, remediation.tags, remediation.playbook):
        return MANUAL
    meta = catalog.get(finding.check_id)
    if meta is None:
        return remediation.effect
    return meta.remediation.effect if meta.remediation.role == remediation.role else MANUAL


def limit_hosts(hosts: Sequence[str]) -> tuple[str, ...]:
    """The hosts that can safely go into ``--limit``."""
    return tuple(h for h in hosts if _PLAIN_HOST.fullmatch(h) and h.lower() not in _PATTERN_WORDS)


@cache
def reference(key: str) -> Reference:
    known = regulations().get(key)
    if known is None:
        # A key the catalog does not know cannot be vouched for.
        return Reference(key=key, document=Text(key, key), requirement=None, to_be_verified=True)
    return Reference(
        key=key,
        document=known.document,
        requirement=known.requirement,
        to_be_verified=known.to_be_verified,
    )


def cited(actions: Sequence[Action], manual: Action | None) -> tuple[Reference, ...]:
    """The documents the report's checks cite, each once: verified first, then by key."""
    found = {
        ref.key: ref
        for action in [*actions, *([manual] if manual else [])]
        for group in action.checks
        for ref in group.references
    }
    return tuple(sorted(found.values(), key=lambda ref: (ref.to_be_verified, ref.key)))


def playbook_command(
    inventory: Sequence[str], playbook: str, hosts: Sequence[str], tags: Sequence[str]
) -> str:
    """``ansible-playbook -i INV PLAYBOOK --limit HOSTS --tags TAGS``, quoted for a POSIX shell."""
    parts = ["ansible-playbook"]
    for path in inventory or (INVENTORY_PLACEHOLDER,):
        parts += ["-i", path if path == INVENTORY_PLACEHOLDER else shlex.quote(path)]
    parts += [shlex.quote(playbook), "--limit", shlex.quote(",".join(hosts))]
    if tags:
        parts += ["--tags", shlex.quote(",".join(tags))]
    return " ".join(parts)


def _row(finding: Finding, comparison: Comparison) -> Row:
    fp = finding.fingerprint
    return Row(
        finding=finding,
        change=comparison.change_of.get(fp, Change.NEW),
        first_failed=comparison.first_failed.get(fp),
        waiver=facts.waiver(finding.details),
        credential=facts.credential(finding.details),
        lapsed_waiver=facts.waiver(finding.details, "waiver_expired")
        if finding.status == Status.FAIL
        else None,
    )


def _row_key(row: Row) -> tuple[str, str, int]:
    return (row.finding.host, row.finding.resource, row.finding.line or 0)


class _CheckKey(NamedTuple):
    # Everything a check group shows once is part of its key, so no finding's text is lost.
    check_id: str
    title: Text
    rationale: Text | None
    remediation: Text | None
    references: tuple[str, ...]
    effect: str


def _check_groups(rows: Sequence[Row], effects: Mapping[str, str]) -> tuple[CheckGroup, ...]:
    by_check: dict[_CheckKey, list[Row]] = {}
    for row in rows:
        f = row.finding
        text = f.remediation.text if f.remediation else None
        key = _CheckKey(f.check_id, f.title, f.rationale, text, f.references, effects[f.fingerprint])
        by_check.setdefault(key, []).append(row)
    groups = []
    for key, members in by_check.items():
        members.sort(key=_row_key)
        groups.append(
            CheckGroup(
                check_id=key.check_id,
                severity=max((m.finding.severity for m in members), key=lambda s: s.rank),
                title=key.title,
                rationale=key.rationale,
                remediation=key.remediation,
                references=tuple(reference(ref) for ref in key.references),
                rows=tuple(members),
                effect=key.effect,
            )
        )
    groups.sort(key=lambda g: (-g.severity.rank, g.check_id, g.title.en))
    return tuple(groups)


def _by_severity(row: Row) -> tuple[int, str, str, str, int]:
    return (-row.finding.severity.rank, row.finding.check_id, *_row_key(row))


def _action_key(remediation: Remediation | None) -> tuple[str, str | None, tuple[str, ...]]:
    if remediation is None or not known_fix(remediation.role, remediation.tags, remediation.playbook):
        # Unknown roles, tags or playbooks become manual work: never a command to run.
        return (MANUAL, None, ())
    return (remediation.playbook, remediation.role, tuple(sorted(remediation.tags)))


def _actions(
    rows: Sequence[Row],
    inventory: Sequence[str],
    managed: frozenset[str] | None,
    groups: Mapping[str, tuple[str, ...]],
) -> tuple[tuple[Action, ...], Action | None]:
    """Group rows by what fixes them. A host no harden.yml play manages (a Windows host, one the
    network scanner found on the LAN) is never reached by a playbook: its rows are manual, and
    so is a finding whose catalog entry says a person must fix it."""
    catalog = ids.entries()
    by_action: dict[tuple[str, str | None, tuple[str, ...]], list[Row]] = {}
    effects: dict[str, str] = {}
    for row in rows:
        key = _action_key(row.finding.remediation)
        effect = effect_of(row.finding, catalog)
        host = row.finding.host
        # harden.yml must run the role there: credential_store never plays on a workstation.
        unreached = host in groups and key[1] is not None and not reaches(key[1], key[2], groups[host])
        if effect == MANUAL or (managed is not None and host not in managed) or unreached:
            key, effect = (MANUAL, None, ()), MANUAL
        effects[row.finding.fingerprint] = effect
        by_action.setdefault(key, []).append(row)
    actions: list[Action] = []
    manual: Action | None = None
    for (playbook, role, tags), members in by_action.items():
        checks = _check_groups(members, effects)
        hosts = tuple(sorted({m.finding.host for m in members}))
        action = Action(
            key="-".join((role, *tags)) if role else MANUAL,
            role=role,
            tags=tags,
            playbook=playbook if role else "",
            hosts=hosts,
            command=playbook_command(inventory, playbook, safe, tags)
            if role and (safe := limit_hosts(hosts))
            else None,
            checks=checks,
            worst=checks[0].severity,
        )
        if role is None:
            manual = action
        else:
            actions.append(action)
    actions.sort(key=lambda a: (-a.worst.rank, -a.finding_count, a.key))
    return tuple(actions), manual


URGENT = Severity.HIGH


def priorities(actions: Sequence[Action], manual: Action | None) -> tuple[Priority, ...]:
    """What to do first: every critical or high automated action, and every critical or high
    manual check on its own (a person has to do each one), worst first, then the widest."""
    items = []
    for a in actions:
        urgent = [g for g in a.checks if g.severity.at_least(URGENT)]
        if not urgent:
            continue
        # Claimed as a fix only when the command fixes at least one of its urgent checks.
        mitigates = all(g.effect != FIXES for g in urgent)
        items.append(
            Priority(
                severity=a.worst,
                check_ids=tuple(g.check_id for g in urgent),
                title=a.checks[0].title,
                hosts=a.hosts,
                findings=a.finding_count,
                command=a.command,
                manual=urgent[0].remediation if mitigates else None,
                anchor=f"action-{a.key}",
                mitigates=mitigates,
            )
        )
    for group in manual.checks if manual else ():
        if group.severity.at_least(URGENT):
            items.append(
                Priority(
                    severity=group.severity,
                    check_ids=(group.check_id,),
                    title=group.title,
                    hosts=tuple(sorted({r.finding.host for r in group.rows})),
                    findings=len(group.rows),
                    command=None,
                    manual=group.remediation,
                    anchor=f"check-{group.check_id}",
                )
            )
    items.sort(key=lambda p: (-p.severity.rank, -p.findings, p.check_ids))
    return tuple(items)


def build_facility_report(
    history: FacilityHistory,
    info: FacilityInfo,
    *,
    inventory: Sequence[str] = (),
    trend_length: int = DEFAULT_TREND_LENGTH,
    now: datetime | None = None,
    managed: Mapping[str, tuple[str, ...]] | None = None,
) -> FacilityReport:
    """``managed``: the hosts harden.yml manages and their groups, from the inventory when
    there is one."""
    scan = history.current
    snaps = snapshots(history)
    comparison = compare(history, snaps)
    failing: list[Row] = []
    waived: list[Row] = []
    errored: list[Row] = []
    passed = 0
    for finding in scan.findings:
        status = finding.status
        if status == Status.FAIL:
            failing.append(_row(finding, comparison))
        elif status == Status.WAIVED:
            waived.append(_row(finding, comparison))
        elif status == Status.ERROR:
            errored.append(_row(finding, comparison))
        elif status == Status.PASS:
            passed += 1
    actions, manual = _actions(failing, inventory, managed_hosts(scan, managed), managed or {})
    exposed = [r.finding for r in failing if r.finding.scanner == "credentials"]
    return FacilityReport(
        references=cited(actions, manual),
        exposed_credentials=len(exposed),
        exposed_credential_hosts=tuple(sorted({f.host for f in exposed})),
        facility=info,
        scan=ScanInfo(
            run_ids=scan.run_ids,
            started_at=scan.started_at,
            finished_at=scan.finished_at,
            scanners=scan.scanners,
            hosts=scan.hosts,
            errors=scan.errors,
            passed=passed,
        ),
        score=score(scan.findings),
        host_scores=host_scores(scan.findings),
        counts=SeverityCounts.of(r.finding.severity for r in failing),
        changes=comparison.changes,
        trend=trend(snaps, trend_length),
        actions=actions,
        manual=manual,
        first=priorities(actions, manual),
        waived=tuple(sorted(waived, key=_by_severity)),
        check_errors=tuple(sorted(errored, key=_by_severity)),
        inventory=tuple(inventory),
        generated_at=now or utcnow(),
        version=__version__,
    )
