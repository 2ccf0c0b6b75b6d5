"""What a check returns, and how check code is registered beside its metadata.

A check function takes the host's prefetched :class:`Facts` (nothing else: a check never runs a
command of its own) and returns one :class:`Verdict` or several (one per resource: an account, a
socket, a file). Evidence is already redacted; ``material`` identifies the problem for the
fingerprint and is never shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hisguard.scanners.errors import CatalogError
from hisguard.scanners.findings import Status

if TYPE_CHECKING:
    from hisguard.scanners.config.snapshot import Facts


class FactError(Exception):
    """A fact a check needs could not be read on the host (one line, no secret)."""


@dataclass(frozen=True)
class Verdict:
    status: Status
    resource: str
    evidence: str = ""
    material: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None


def passed(resource: str, evidence: str = "", material: str = "", **details: Any) -> Verdict:
    return Verdict(Status.PASS, resource, evidence, material or evidence, details)


def failed(
    resource: str,
    evidence: str,
    material: str = "",
    *,
    line: int | None = None,
    vi: str = "",
    **details: Any,
) -> Verdict:
    """A failing verdict; ``vi`` is the evidence sentence in Vietnamese, for reports in vi."""
    if vi:
        details["evidence_text"] = bilingual(vi, evidence)
    return Verdict(Status.FAIL, resource, evidence, material or evidence, details, line)


def bilingual(vi: str, en: str) -> dict[str, str]:
    """``details["evidence_text"]``: evidence that is a sentence, for the report to show in its language."""
    return {"vi": vi, "en": en}


def not_applicable(resource: str, why: str) -> Verdict:
    return Verdict(Status.NOT_APPLICABLE, resource, why, why)


def errored(resource: str, why: str, *, vi: str = "") -> Verdict:
    """A check that could not decide; ``vi`` is the reason in Vietnamese, for reports in vi."""
    return Verdict(Status.ERROR, resource, why, "", {"evidence_text": bilingual(vi, why)} if vi else {})


CheckFunc = Callable[["Facts"], Verdict | Iterable[Verdict]]


@dataclass(frozen=True)
class CheckCode:
    """The code half of a check: its function, the fact sections it reads, its main resource."""

    id: str
    func: CheckFunc
    needs: tuple[str, ...]
    resource: str


_REGISTRY: dict[str, CheckCode] = {}


def check(check_id: str, *, needs: Iterable[str], resource: str) -> Callable[[CheckFunc], CheckFunc]:
    """Register ``func`` as the code of ``check_id`` (its metadata is ``checks/<check_id>.yml``)."""

    def register(func: CheckFunc) -> CheckFunc:
        if check_id in _REGISTRY and _REGISTRY[check_id].func is not func:
            raise CatalogError(f"check {check_id}: code registered twice")
        _REGISTRY[check_id] = CheckCode(check_id, func, tuple(needs), resource)
        return func

    return register


def registered() -> Mapping[str, CheckCode]:
    """Every registered check code, after importing the check modules."""
    import hisguard.scanners.config.checks  # noqa: F401  (importing registers the checks)

    return dict(_REGISTRY)
