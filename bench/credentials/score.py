"""Score predicted (path, line) pairs against a truth file: recall, precision, F1.

Truth lines are JSON objects with ``path`` (relative to the corpus tree), ``line`` and ``kind``;
a truth line of 0 (a binary store counted as a whole) matches any prediction for that path.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Score:
    truth: int
    predicted: int
    true_positives: int

    @property
    def recall(self) -> float:
        return self.true_positives / self.truth if self.truth else 1.0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def read_truth(path: Path) -> set[tuple[str, int]]:
    rows = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip():
            row = json.loads(raw)
            rows.add((str(row["path"]), int(row.get("line") or 0)))
    return rows


def score(truth: set[tuple[str, int]], predicted: Iterable[tuple[str, int]]) -> Score:
    whole_files = {p for p, line in truth if line == 0}
    predicted_set = set()
    for path, line in predicted:
        predicted_set.add((path, 0) if path in whole_files else (path, int(line or 0)))
    hits = len(truth & predicted_set)
    return Score(truth=len(truth), predicted=len(predicted_set), true_positives=hits)


def misses(
    truth: set[tuple[str, int]], predicted: Iterable[tuple[str, int]]
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(false negatives, false positives), for tuning."""
    whole_files = {p for p, line in truth if line == 0}
    predicted_set = {(p, 0) if p in whole_files else (p, int(line or 0)) for p, line in predicted}
    return sorted(truth - predicted_set), sorted(predicted_set - truth)
