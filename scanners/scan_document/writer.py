"""Writing the scan document (``--format json``): one run, or several merged (one per facility).

Its reader (``reader.py``) sits beside it and its schema (``scan-document.schema.json``) is
published with the package: change all three together, and raise ``SCHEMA_VERSION`` (in the
reader) when an older hisguard could no longer read what this one writes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from hisguard.scanners import __version__
from hisguard.scanners.findings import Run
from hisguard.scanners.scan_document.reader import SCHEMA_VERSION


def document(runs: Sequence[Run]) -> dict[str, Any]:
    """The JSON document of one scan command as Python values."""
    if len(runs) == 1:
        run_doc = runs[0].to_dict()
    else:
        run_doc = {
            "ids": [r.id for r in runs],
            "started_at": min(r.started_at for r in runs).isoformat() if runs else None,
            "finished_at": max(r.finished_at for r in runs).isoformat() if runs else None,
            "scanners": sorted({s for r in runs for s in r.scanners}),
            "facilities": [r.facility for r in runs],
            "hosts": [h for r in runs for h in r.hosts],
            "runs": [r.to_dict() for r in runs],
        }
    return {
        "hisguard": __version__,
        "schema_version": SCHEMA_VERSION,
        "run": run_doc,
        "findings": [f.to_dict() for r in runs for f in r.findings],
        "errors": [e.to_dict() for r in runs for e in r.errors],
    }


def dumps(runs: Sequence[Run]) -> str:
    """The document as the text ``--format json`` prints (UTF-8, indented, one final newline)."""
    return json.dumps(document(runs), ensure_ascii=False, indent=2) + "\n"
