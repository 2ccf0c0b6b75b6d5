"""The store owns all SQL: no product module but ``scanners/store.py`` touches its tables or SQLAlchemy,
and no scanner module imports the reports (the history lives with the reports now).

Each rule is checked on the real tree, and shown to fail on a module that breaks it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGES = ("scanners", "reports", "lab")
STORE = REPO / "scanners" / "store.py"
TABLE_NAMES = {"metadata", "runs", "findings", "scan_errors", "tracked", "schema_info"}


def sql_violations(source: str, where: str) -> list[str]:
    """Imports of the store's tables or of SQLAlchemy, and uses of a store's engine."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("sqlalchemy"):
                found.append(f"{where}:{node.lineno}: imports {node.module}")
            if node.module.endswith("scanners.store"):
                tables = {alias.name for alias in node.names} & TABLE_NAMES
                found += [
                    f"{where}:{node.lineno}: imports the store's table {name}" for name in sorted(tables)
                ]
        elif isinstance(node, ast.Import):
            found += [
                f"{where}:{node.lineno}: imports {alias.name}"
                for alias in node.names
                if alias.name.startswith("sqlalchemy")
            ]
        elif isinstance(node, ast.Attribute) and node.attr == "engine":
            found.append(f"{where}:{node.lineno}: uses a store's engine")
    return found


def layer_violations(source: str, where: str) -> list[str]:
    """Imports of the reports from a scanner module (lazy command names are strings, not imports)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names = (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else []
        )
        found += [f"{where}:{node.lineno}: imports {n}" for n in names if n.startswith("hisguard.reports")]
    return found


def modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


def test_only_the_store_module_touches_the_tables_or_sqlalchemy() -> None:
    found = [
        problem
        for package in PACKAGES
        for path in modules(package)
        if path != STORE
        for problem in sql_violations(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    ]
    assert found == []


def test_scanners_never_import_the_reports() -> None:
    found = [
        problem
        for path in modules("scanners")
        for problem in layer_violations(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    ]
    assert found == []


def test_the_checks_catch_what_they_are_for() -> None:
    sneaky = (
        "import sqlalchemy as sa\n"
        "from hisguard.scanners.store import Store, findings as table\n"
        "def rows(store):\n"
        "    return store.engine.connect()\n"
    )
    assert [p.split(": ", 1)[1] for p in sql_violations(sneaky, "x.py")] == [
        "imports sqlalchemy",
        "imports the store's table findings",
        "uses a store's engine",
    ]
    assert sql_violations(STORE.read_text(encoding="utf-8"), "store.py")  # the store itself does
    assert layer_violations("from hisguard.reports.diff import compare\n", "x.py") == [
        "x.py:1: imports hisguard.reports.diff"
    ]
    assert layer_violations('LAZY = {"history": "hisguard.reports.history.command:history"}\n', "x.py") == []
