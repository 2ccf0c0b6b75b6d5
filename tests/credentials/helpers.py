"""Small helpers for the credential tests: scan a tree, list what was found."""

from __future__ import annotations

from pathlib import Path

from hisguard.scanners.credentials.judge import Observation
from hisguard.scanners.credentials.local import scan_local
from hisguard.scanners.credentials.report import HostResult
from hisguard.scanners.credentials.rules import RuleSet, default_rules


def write(root: Path, rel: str, text: str | bytes, encoding: str = "utf-8") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode(encoding))
    return path


def scan(root: Path, rules: RuleSet | None = None) -> HostResult:
    return scan_local([str(root)], rules or default_rules(), jobs=1)


def secrets(root: Path, rules: RuleSet | None = None) -> list[Observation]:
    return sorted(
        (o for o in scan(root, rules).observations if o.kind == "secret"), key=lambda o: (o.path, o.line)
    )


def spots(root: Path, rules: RuleSet | None = None) -> set[tuple[str, int, str]]:
    """(file name, line, kind) of every secret found under ``root``."""
    return {(Path(o.path).name, o.line, o.secret_kind) for o in secrets(root, rules)}
