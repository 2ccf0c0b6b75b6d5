"""Shared test set-up: an isolated data directory for every test, and the lab fixture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["tests.lab_fixture", "tests.postgres_fixture"]

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def hisguard_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Each test gets its own installation key and default store, never the user's."""
    home = tmp_path_factory.mktemp("hisguard-home")
    monkeypatch.setenv("HISGUARD_HOME", str(home))
    monkeypatch.delenv("HISGUARD_STORE", raising=False)
    monkeypatch.delenv("ANSIBLE_VAULT_PASSWORD_FILE", raising=False)
    monkeypatch.delenv("ANSIBLE_VAULT_IDENTITY_LIST", raising=False)
    yield home
