"""Writing validated runs into a store, once each, whoever else is writing the same run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from hisguard.scanners.errors import StoreError
from hisguard.scanners.ingest.documents import LoadedRun
from hisguard.scanners.store import Store


class Outcome(StrEnum):
    INGESTED = "ingested"
    ALREADY = "already in the store"


@dataclass(frozen=True)
class Result:
    loaded: LoadedRun
    outcome: Outcome


def ingest_runs(store: Store, loaded: Sequence[LoadedRun]) -> list[Result]:
    """Save each run (one transaction each); an existing run id is left unchanged."""
    results = []
    for item in loaded:
        try:
            written = store.save_run(item.run)
        except StoreError:
            # Another ingest of the same run committed between our check and our insert: its
            # primary key refused ours and our transaction rolled back whole. That is success.
            if store.has_run(item.run.id):
                results.append(Result(item, Outcome.ALREADY))
                continue
            raise
        results.append(Result(item, Outcome.INGESTED if written else Outcome.ALREADY))
    return results
