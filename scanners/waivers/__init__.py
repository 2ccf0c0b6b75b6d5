"""Waivers: accepted risks, each approved, ticketed and dated, that mark matching findings waived.

A waiver names a check (``H02.1`` exactly, or a family such as ``H02`` that covers ``H02`` and
every ``H02.<x>``/``H02-<x>``), a scope (facility, host globs, resource globs) and who accepted
the risk, why, under which ticket and until when (inclusive, Vietnam time). Waivers live in
``hisguard_waivers.yml`` beside each inventory source, or in the inventory variable
``hisguard_waivers``; see :mod:`scanners.waivers.source` for the format.

A waived finding keeps its place in the run, the store and the report with status ``waived``
and ``details["waiver"]``; after expiry the finding stays failing and carries
``details["waiver_expired"]`` so the report can say that an acceptance lapsed.

A broken waiver stops a scan command (exit 2) so whoever edited it sees it at once; with
``HISGUARD_WAIVERS=lenient`` (set by the scheduled scan's unit) it is skipped instead and each
problem becomes an error entry of the run (``waive_runs`` in :mod:`scanners.waivers.source`).
"""

from hisguard.scanners.waivers.apply import apply_waivers, today_in_vietnam
from hisguard.scanners.waivers.model import Waiver, WaiverError
from hisguard.scanners.waivers.source import load_waivers, read_waivers

__all__ = [
    "Waiver",
    "WaiverError",
    "apply_waivers",
    "load_waivers",
    "read_waivers",
    "today_in_vietnam",
]
