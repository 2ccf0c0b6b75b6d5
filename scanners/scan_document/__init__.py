"""The scan document: the JSON a scan prints with ``--format json`` and ``ingest`` / ``report --from`` read.

One codec, writer and reader side by side, with the JSON Schema it publishes:

    dumps(runs) -> str             the document (``--format json``)
    document(runs) -> dict         the same as Python values
    read_file(path) -> Document    a bounded, strict read of a file: runs with findings and errors
    parse(value, where) -> Document  the same for an already parsed JSON value
    schema() -> dict               scan-document.schema.json, shipped with the package

Every problem a document can have is a one-line ``DocumentError`` (exit 2), raised before the
caller writes anything.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from hisguard.scanners.scan_document.reader import SCHEMA_VERSION, Document, DocumentError, parse, read_file
from hisguard.scanners.scan_document.writer import document, dumps

SCHEMA_FILE = "scan-document.schema.json"


@cache
def schema() -> dict[str, Any]:
    """The published JSON Schema of the document (draft 2020-12)."""
    text = resources.files(__name__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    value: dict[str, Any] = json.loads(text)
    return value


__all__ = ["SCHEMA_VERSION", "Document", "DocumentError", "document", "dumps", "parse", "read_file", "schema"]
