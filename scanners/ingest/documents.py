"""Scan documents read for ingest: the scan-document codec's strict reader, run by run, with its file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hisguard.scanners.findings import Run
from hisguard.scanners.scan_document import DocumentError, read_file

__all__ = ["DocumentError", "LoadedRun", "load_document"]


@dataclass(frozen=True)
class LoadedRun:
    path: Path
    run: Run


def load_document(path: Path) -> list[LoadedRun]:
    """The runs of one scan document, each with its findings and errors (nothing written yet)."""
    return [LoadedRun(path, run) for run in read_file(path).runs]
