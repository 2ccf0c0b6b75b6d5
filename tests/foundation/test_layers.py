"""The layering contract (pyproject.toml, run by `make lint` as lint-imports) holds, and breaks
when a module reaches across a layer: each case plants one forbidden import in a copy of the tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONTRACTS = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"][
    "contracts"
]


def _copy_tree(target: Path) -> Path:
    """The three packages' Python files under ``target/hisguard`` (what the import graph needs)."""
    package = target / "hisguard"
    package.mkdir()
    shutil.copy(REPO / "hisguard" / "__init__.py", package / "__init__.py")
    for name in ("scanners", "reports", "lab"):
        for source in (REPO / name).rglob("*.py"):
            if "__pycache__" in source.parts:
                continue
            destination = package / name / source.relative_to(REPO / name)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, destination)
    shutil.copy(REPO / "pyproject.toml", target / "pyproject.toml")
    return package


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_tree_keeps_every_contract(tmp_path: Path) -> None:
    _copy_tree(tmp_path)
    result = _lint(tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "planted", "broken"),
    [
        # The cycle issue 12 found: a scanner module reading the reports package.
        ("scanners/store.py", "import hisguard.reports.diff", "reports and the lab build on the scanners"),
        ("scanners/findings.py", "import hisguard.scanners.config.catalog", "the core (findings"),
        ("scanners/network/judge.py", "import hisguard.scanners.config.engine", "each scanner stands alone"),
        ("scanners/store.py", "import click", "commands are the top layer"),
    ],
)
def test_a_forbidden_import_breaks_the_contract(
    tmp_path: Path, module: str, planted: str, broken: str
) -> None:
    package = _copy_tree(tmp_path)
    path = package / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{planted}  # noqa\n", encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode == 1
    output = " ".join(result.stdout.split())
    (name,) = [c["name"] for c in CONTRACTS if c["name"].startswith(broken)]
    assert f"{name} BROKEN" in output
    kept = [c["name"] for c in CONTRACTS if f"{c['name']} KEPT" in output]
    assert name not in kept and kept  # the others are still checked (and kept where not crossed)
