"""Run the real ``hisguard`` entry point in-process: exit status, stdout and stderr as a user sees them."""

from __future__ import annotations

import sys

import pytest

from hisguard.scanners import cli


def hisguard(
    args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """Run the real entry point (exit status and error printing included)."""
    monkeypatch.setattr(sys, "argv", ["hisguard", *args])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    out, err = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out, err
