"""Scan local trees (or a copied disk, a mounted share): collect and judge on every core.

The main process walks the trees and hands batches of paths to worker processes; each worker
reads its files once through the prefilter and judges the few candidates itself, so only
observations come back.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator, Sequence
from typing import Any

from hisguard.scanners.credentials import collect
from hisguard.scanners.credentials.judge import Judge, Observation
from hisguard.scanners.credentials.report import HostResult
from hisguard.scanners.credentials.rules import RuleSet
from hisguard.scanners.credentials.tables import judge_table

# A worker's share of work: files until this many bytes or files, whichever comes first. Small
# enough that the workers finish together, big enough that handing work out costs nothing.
BATCH_BYTES = 4 * 1024 * 1024
BATCH_FILES = 256
TABLE_KINDS = ("password", "password_hash", "userpass", "token")
# The defaults, plus /var/backups: Debian's place for backups, where SQL dumps of the HIS
# database (with its configuration and staff tables) end up.
DEFAULT_ROOTS = (
    "/etc",
    "/opt",
    "/srv",
    "/home",
    "/root",
    "/var/www",
    "/var/log",
    "/var/backups",
    "/usr/local",
    "/tmp",
)


# Workers at most: each holds one file (and its lower-cased copy) at a time, so memory grows with
# the count; past this many the walk and the merge in the main process are the limit anyway.
MAX_JOBS = 8


def default_jobs() -> int:
    """One worker per core this process may run on (a scan host often has more than two)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(MAX_JOBS, cores))


def collector_settings(
    rules: RuleSet, roots: Sequence[str], *, max_bytes: int, budget: float = 0.0, xdev: bool = True
) -> dict[str, Any]:
    """The collector's settings for these rules (a plain dict: it also travels over SSH)."""
    return {
        "roots": list(roots),
        "xdev": xdev,
        "max_bytes": max_bytes,
        "budget": budget,
        "anchors": list(rules.anchors),
        "small_anchors": list(rules.small_file_anchors),
        "claim_roots": list(rules.claim_roots),
        "browser_stores": dict(rules.browser_stores),
        "path_tokens": sorted(rules.portal_tokens),
        "line_only_suffixes": list(rules.log_suffixes),
        "line_only_names": sorted(rules.history_files),
        "line_only_dirs": list(rules.log_dirs[:1]),
        "hiv_type": rules.hiv_record_type,
        "table_words": sorted(  # a table leaves the host only if a cell labels a credential
            w for w, (family, kind) in rules.words.items() if family == "cred" and kind in TABLE_KINDS
        ),
    }


def absorb(result: HostResult, record: dict[str, Any], judge: Judge) -> None:
    """Add one collector record to a host's result (judging candidate files on the way)."""
    kind = record.get("t")
    if kind == "file":
        observations = judge.file(record)
        if observations:
            result.observations.extend(observations)
            result.files[str(record["path"])] = {k: record.get(k) for k in ("mode", "uid", "size", "mtime")}
    elif kind == "table":  # a sheet or a document's table, from readers/
        observations = judge_table(judge, record)
        if observations:
            result.observations.extend(observations)
            result.files[str(record["path"])] = {k: record.get(k) for k in ("mode", "uid", "size", "mtime")}
    elif kind == "claim":
        result.claims.append(record)
    elif kind == "store":
        result.stores.append(record)
        # Usernames a browser keeps in clear with a saved portal login: the register's to judge.
        for user in record.get("usernames") or ():
            result.observations.append(
                Observation("username", str(record["path"]), 0, 0, key="username_value", username=str(user))
            )
    elif kind == "conf":
        result.confs.append(record)
    elif kind == "error":
        result.errors.append(f"{record.get('path')}: {record.get('msg')}")
    elif kind == "skipped":
        result.errors.append(
            f"{record.get('path')}: skipped ({record.get('why')}, {record.get('size')} bytes)"
        )
    elif kind == "stats":
        for key in ("files", "bytes"):
            result.stats[key] = result.stats.get(key, 0) + int(record.get(key) or 0)
        if record.get("budget_hit"):
            result.stats["budget_hit"] = True


_WORKER: tuple[collect.Settings, Judge] | None = None


def _init(settings: dict[str, Any], rules: RuleSet, fast: bool = True, worker: bool = False) -> None:
    global _WORKER
    if worker:
        # Ctrl-C reaches the whole process group: the parent handles it (one line, exit 130)
        # and ends the pool; a worker would print its own traceback.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the parent at fork
    collect.tune_malloc()
    _WORKER = (collect.Settings(settings), Judge(rules, fast=fast))


def _work(paths: list[str]) -> HostResult:
    assert _WORKER is not None
    settings, judge = _WORKER
    result = HostResult(host="")
    settings.scanned_bytes = 0
    for path in paths:
        for record in collect.scan_file(path, settings):
            absorb(result, record, judge)
    result.stats["files"] = len(paths)
    result.stats["bytes"] = settings.scanned_bytes
    return result


def _batches(settings: collect.Settings, errors: list[dict[str, Any]]) -> Iterator[list[str]]:
    batch: list[str] = []
    size = 0
    for path, file_size in collect.walk_sized(settings, errors):
        batch.append(path)
        size += file_size
        if size >= BATCH_BYTES or len(batch) >= BATCH_FILES:
            yield batch
            batch = []
            size = 0
    if batch:
        yield batch


def _merge(into: HostResult, part: HostResult) -> None:
    into.observations.extend(part.observations)
    into.files.update(part.files)
    into.claims.extend(part.claims)
    into.stores.extend(part.stores)
    into.confs.extend(part.confs)
    into.errors.extend(part.errors)
    for key in ("files", "bytes"):
        into.stats[key] = into.stats.get(key, 0) + int(part.stats.get(key) or 0)


def scan_local(
    roots: Sequence[str],
    rules: RuleSet,
    *,
    host: str = "localhost",
    jobs: int | None = None,
    max_bytes: int = 256 * 1024 * 1024,
    fast: bool = True,
) -> HostResult:
    """Collect and judge every file under ``roots``; ``fast=False`` is the plain path (no
    prefilter shortcuts), which the tests compare the fast one with."""
    settings_raw = collector_settings(
        rules, [os.path.abspath(r) for r in roots], max_bytes=max_bytes, xdev=False
    )
    settings = collect.Settings(settings_raw)
    result = HostResult(host=host)
    errors: list[dict[str, Any]] = []
    workers = jobs if jobs is not None else default_jobs()
    if workers <= 1:
        _init(settings_raw, rules, fast)
        for batch in _batches(settings, errors):
            _merge(result, _work(batch))
    else:
        context = multiprocessing.get_context("fork")
        # SIGINT stays blocked while the workers fork, so one arriving before a worker ignores it
        # waits (and is then ignored there, and raised here once unblocked).
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pool = context.Pool(workers, initializer=_init, initargs=(settings_raw, rules, fast, True))
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        with pool:
            for part in pool.imap_unordered(_work, _batches(settings, errors)):
                _merge(result, part)
    for error in errors:
        absorb(result, error, Judge(rules))
    return result


def observations_only(result: HostResult) -> list[Observation]:
    return [o for o in result.observations if o.kind == "secret"]
