"""Marking a run's failing findings waived, or noting that the waiver that covered them lapsed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from hisguard.scanners.findings import Finding, Run, Status
from hisguard.scanners.vietnam_time import today_in_vietnam
from hisguard.scanners.waivers.model import Waiver

__all__ = ["apply_waivers", "today_in_vietnam"]


def apply_waivers(run: Run, waivers: Sequence[Waiver], today: date) -> Run:
    """The run with each FAIL finding a current waiver covers marked WAIVED.

    A finding covered only by expired waivers stays FAIL and records the most recent lapsed one
    in ``details["waiver_expired"]``. Other statuses, order, fingerprints and errors are unchanged.
    """
    if not waivers:
        return run
    return replace(run, findings=tuple(_judge(f, run.facility, waivers, today) for f in run.findings))


def _judge(finding: Finding, run_facility: str, waivers: Sequence[Waiver], today: date) -> Finding:
    if finding.status != Status.FAIL:
        return finding
    matching = [w for w in waivers if w.matches(finding, run_facility)]
    if not matching:
        return finding
    active = [w for w in matching if w.active_on(today)]
    # The longest-running waiver wins, so the report shows the date the risk is accepted until.
    if active:
        chosen = max(active, key=lambda w: w.expires)
        details = {**finding.details, "waiver": chosen.summary()}
        return replace(finding, status=Status.WAIVED, details=details)
    lapsed = max(matching, key=lambda w: w.expires)
    return replace(finding, details={**finding.details, "waiver_expired": lapsed.summary()})
