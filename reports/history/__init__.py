"""``hisguard history``: a facility's scans, newest first, and what changed between each and the one before.

The diff itself is the reports' (:func:`reports.diff.compare` over :func:`reports.scans.group_runs`),
so the history and the reports always agree on what is new, fixed, still open or regressed;
this package only lays it out per scan and adds each problem's first-seen date from the store.
"""

from hisguard.reports.history.timeline import Item, ScanChanges, timeline

__all__ = ["Item", "ScanChanges", "timeline"]
