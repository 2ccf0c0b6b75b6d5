"""The fast paths find what the plain path finds: same observations, same lines and columns.

The plain path reads every pair of every candidate line in one process; the fast one skips the
lines no key can matter on, leaves out pairs whose key never matters, and shares the files out
among worker processes. Both run over the generated bench corpus, every form and decoy of
forms_data.py, and the pathological shapes of the shapes bench.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hisguard.scanners.credentials.local import scan_local
from hisguard.scanners.credentials.report import HostResult
from hisguard.scanners.credentials.rules import default_rules
from tests.credentials.forms_data import DECOYS, POSITIVES
from tests.credentials.helpers import write

BENCH = Path(__file__).resolve().parents[2] / "bench" / "credentials"


def _rows(result: HostResult, root: Path) -> set[tuple[object, ...]]:
    return {
        (
            str(Path(o.path).relative_to(root)),
            o.line,
            o.column,
            o.kind,
            o.secret_kind,
            o.key,
            o.username,
            o.portal_class,
            o.syntax,
        )
        for o in result.observations
    }


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fast-paths")
    for name, (rel, content, _) in POSITIVES.items():
        write(root / "forms" / name, rel, content)
    for name, (rel, content) in DECOYS.items():
        write(root / "decoys" / name, rel, content)
    sys.path.insert(0, str(BENCH))
    try:
        import corpus
        import shapes

        corpus.generate(root / "corpus", size_mb=2, seed=5)
        for shape, _, _, _ in shapes.SHAPES:
            shapes.write_shape(root / "shapes" / shape, shape, 0.25, seed=3)
    finally:
        sys.path.remove(str(BENCH))
    return root


def test_fast_path_finds_what_the_plain_path_finds(tree: Path) -> None:
    rules = default_rules()
    plain = _rows(scan_local([str(tree)], rules, jobs=1, fast=False), tree)
    fast = _rows(scan_local([str(tree)], rules, jobs=2, fast=True), tree)
    assert len(plain) > 1000  # the corpus and the forms hold that many observations
    assert fast == plain


def test_one_worker_and_many_agree(tree: Path) -> None:
    rules = default_rules()
    one = _rows(scan_local([str(tree / "corpus")], rules, jobs=1), tree)
    three = _rows(scan_local([str(tree / "corpus")], rules, jobs=3), tree)
    assert one and one == three
