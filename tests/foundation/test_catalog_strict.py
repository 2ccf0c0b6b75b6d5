"""Every catalog (configuration checks, credential rules, network risks, Windows checks) refuses
the same mistakes.

Each case takes a real entry of each catalog, breaks one thing, and loads it through that
catalog's own loader: the error must name the entry and say what is wrong.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from hisguard.scanners.config.catalog import CHECKS_DIR, load_checks
from hisguard.scanners.config.model import registered
from hisguard.scanners.credentials.rules import _builtin, build
from hisguard.scanners.errors import CatalogError
from hisguard.scanners.network.risks import load_table
from hisguard.scanners.windows import config as windows_config

Breaker = Callable[[dict[str, Any]], None]


def _config(tmp_path: Path, breaker: Breaker) -> None:
    entry = yaml.safe_load((CHECKS_DIR / "H02.1.yml").read_text(encoding="utf-8"))
    breaker(entry)
    (tmp_path / "H02.1.yml").write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
    load_checks(tmp_path, {"H02.1": registered()["H02.1"]})


def _credentials(tmp_path: Path, breaker: Breaker) -> None:
    data = copy.deepcopy(_builtin())
    breaker(data["checks"]["C01"])
    build(data)


def _network(tmp_path: Path, breaker: Breaker) -> None:
    text = (Path(CHECKS_DIR).parents[1] / "network" / "risks.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    breaker(data["N01.telnet"])
    load_table(data)


def _windows(tmp_path: Path, breaker: Breaker) -> None:
    text = (Path(CHECKS_DIR).parents[1] / "windows" / "checks.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    breaker(data["W05"])
    windows_config.load_table(data)


LOADERS = {"config": _config, "credentials": _credentials, "network": _network, "windows": _windows}
ENTRY = {"config": "H02.1", "credentials": "C01", "network": "N01.telnet", "windows": "W05"}


def _set(key: str, value: Any) -> Breaker:
    return lambda entry: entry.__setitem__(key, value)


def _drop_text(field: str, lang: str) -> Breaker:
    return lambda entry: entry[field].pop(lang)


def _set_text(field: str, lang: str, value: str) -> Breaker:
    return lambda entry: entry[field].__setitem__(lang, value)


CASES: dict[str, tuple[Breaker, str]] = {
    "unknown key": (_set("severty", "high"), "unknown key 'severty'"),
    "missing vi": (_drop_text("title", "vi"), "title.vi is missing"),
    "missing en": (_drop_text("remediation", "en"), "remediation.en is missing"),
    "vi not Vietnamese": (
        _set_text("rationale", "vi", "Plain ASCII text only"),
        "rationale.vi is not Vietnamese",
    ),
    "unknown text key": (_set_text("title", "fr", "Titre"), "title: unknown key 'fr'"),
    "unknown regulation": (_set("references", ["QD-999-XYZ"]), "unknown reference 'QD-999-XYZ'"),
    "unknown role": (_set("fix", {"role": "no_such_role", "tags": []}), "unknown role 'no_such_role'"),
    "unknown tag": (_set("fix", {"role": "firewall", "tags": ["nope"]}), "role firewall has no tag 'nope'"),
    "unknown fix key": (
        _set("fix", {"role": "firewall", "playbook": "x.yml"}),
        "fix: unknown key 'playbook'",
    ),
    "bad severity": (_set("severity", "severe"), "severity 'severe' is not valid"),
    # What the role does to the finding: said by every entry, and agreeing with its fix.
    "missing effect": (lambda entry: entry.pop("effect"), "effect is missing"),
    "unknown effect": (_set("effect", "closes"), "effect 'closes' is not one of fixes, mitigates, manual"),
    "manual with a role": (
        lambda entry: entry.update(effect="manual", fix={"role": "firewall", "tags": ["firewall"]}),
        "effect manual, but fix names role firewall",
    ),
    "fixes without a role": (
        lambda entry: (entry.pop("fix", None), entry.update(effect="fixes")),
        "effect fixes needs a fix with a role",
    ),
    "mitigates without a role": (
        lambda entry: (entry.pop("fix", None), entry.update(effect="mitigates")),
        "effect mitigates needs a fix with a role",
    ),
}


@pytest.mark.parametrize("catalog", sorted(LOADERS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_catalog_refuses_the_same_mistakes(tmp_path: Path, catalog: str, case: str) -> None:
    breaker, message = CASES[case]
    with pytest.raises(CatalogError) as refused:
        LOADERS[catalog](tmp_path, breaker)
    assert message in str(refused.value)
    assert ENTRY[catalog] in str(refused.value)


@pytest.mark.parametrize("catalog", sorted(LOADERS))
def test_the_unbroken_entries_load(tmp_path: Path, catalog: str) -> None:
    LOADERS[catalog](tmp_path, lambda entry: None)
