"""Report file names: stable, so the roll-up can link to the facility reports next to it."""

from __future__ import annotations

import re

ROLLUP_STEM = "rollup"


def facility_stem(code: str) -> str:
    return f"facility-{safe_part(code)}"


def account_stem(username: str) -> str:
    return f"account-{safe_part(username)}"


def safe_part(text: str) -> str:
    """A file-name-safe form of a code or username (no path separators, no dot files)."""
    cleaned = re.sub(r"[^\w.-]+", "_", text, flags=re.ASCII).strip("._")
    return cleaned[:80] or "unnamed"
