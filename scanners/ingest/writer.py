"""Writing validated runs into a store, once each, whoever else is writing the same run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from hisguard.scanners.ingest.documents import LoadedRun
from hisguard.scanners.store import Saved, Store


class Outcome(StrEnum):
    INGESTED = "ingested"
    ALREADY = "already in the store"


@dataclass(frozen=True)
class Result:
    loaded: LoadedRun
    outcome: Outcome
    findings: int  # distinct fingerprints (what the store keeps of the run)
    duplicates: int  # findings that repeated another's fingerprint, kept once

    @property
    def summary(self) -> str:
        run = self.loaded.run
        text = f"{self.outcome.value} ({self.findings} findings, {len(run.errors)} errors"
        if self.duplicates:
            text += f"; {self.duplicates} with a repeated fingerprint kept once"
        return text + ")"


def ingest_runs(store: Store, loaded: Sequence[LoadedRun]) -> list[Result]:
    """Save each run in its own short transaction; an existing run id is left unchanged.

    Commits run by run, pausing now and then (see ``Store.save_runs``), so a long ingest never
    keeps a scan waiting for the store for long.
    """
    saved = store.save_runs(item.run for item in loaded)
    return [_result(item, done) for item, done in zip(loaded, saved, strict=True)]


def _result(item: LoadedRun, saved: Saved) -> Result:
    distinct = len({f.fingerprint for f in item.run.findings})
    outcome = Outcome.INGESTED if saved.written else Outcome.ALREADY
    return Result(item, outcome, distinct, len(item.run.findings) - distinct)
