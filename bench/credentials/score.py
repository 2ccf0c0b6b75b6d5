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


@dataclass(frozen=True)
class GroupScore:
    group: str
    truth: int
    predicted: int
    true_positives: int

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.truth if self.truth else None

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.predicted if self.predicted else None


def by_group(
    truth_rows: Iterable[dict[str, object]],
    predicted: Iterable[tuple[str, int]],
    group_of_path: dict[str, str],
) -> list[GroupScore]:
    """Recall and precision per group (a corpus form): a truth row belongs to its ``form``, a
    prediction to the form of the file it is in (a decoy file's form for a false alarm there)."""
    truth: dict[tuple[str, int], str] = {}
    for row in truth_rows:
        truth[(str(row["path"]), int(str(row.get("line") or 0)))] = str(row["form"])
    whole_files = {p for p, line in truth if line == 0}
    predicted_set = {(p, 0) if p in whole_files else (p, int(line or 0)) for p, line in predicted}
    groups = sorted(
        set(truth.values())
        | {g for g in group_of_path.values() if g != "filler"}
        | {group_of_path.get(p, "unknown") for p, _ in predicted_set}
    )
    result = []
    for group in groups:
        wanted = {spot for spot, form in truth.items() if form == group}
        said = {spot for spot in predicted_set if group_of_path.get(spot[0], "unknown") == group}
        result.append(GroupScore(group, len(wanted), len(said), len(wanted & said)))
    return result
