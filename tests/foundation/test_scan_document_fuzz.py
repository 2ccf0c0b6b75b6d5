"""Fuzzing the scan-document reader (hypothesis, bounded examples, reproducible).

Valid documents are mutated (a value replaced by arbitrary JSON, a field dropped or added, the
text cut or a byte changed) and read as ``ingest`` reads them. Whatever the input: never an
exception but a one-line ``DocumentError``, memory bounded by the input's size, and a document
the reader accepts is one the store accepts whole (never a database error, never half a run).
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hisguard.scanners import scan_document
from hisguard.scanners.safeload import InputError, load_json_bytes
from hisguard.scanners.scan_document import DocumentError
from hisguard.scanners.store import Store
from tests.ingest.lab_runs import day, facility_run

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=300),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5)
    ),
    max_leaves=20,
)


def base_documents() -> list[dict[str, Any]]:
    single = facility_run("75901", day(1), errors=("ws-02",))
    merged = [facility_run("75901", day(2)), facility_run("75902", day(2), errors=("scan-02",))]
    return [json.loads(scan_document.dumps(runs)) for runs in ([single], merged)]


BASES = base_documents()


def paths_of(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every position in a JSON value (keys of objects, indexes of lists)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths_of(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value[:3]):
            found += paths_of(child, (*prefix, index))
    return found


def replaced(value: Any, path: tuple[Any, ...], new: Any, drop: bool) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy = dict(value)
        if drop and not rest:
            copy.pop(head, None)
        else:
            copy[head] = replaced(value.get(head), rest, new, drop)
        return copy
    copy_list = list(value)
    if drop and not rest:
        del copy_list[head]
    else:
        copy_list[head] = replaced(value[head], rest, new, drop)
    return copy_list


@st.composite
def mutated_documents(draw: st.DrawFn) -> bytes:
    document = draw(st.sampled_from(BASES))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        how = draw(st.sampled_from(["replace", "drop", "add"]))
        objects = [p for p in paths_of(document) if isinstance(_at(document, p), dict)]
        if how == "add" and objects:
            path = (*draw(st.sampled_from(objects)), draw(st.text(max_size=10)))
        else:
            path = draw(st.sampled_from(paths_of(document)))
        document = replaced(document, path, draw(JSON_VALUES), how == "drop" and bool(path))
    text = json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")
    cut = draw(st.sampled_from(["none", "truncate", "flip"]))
    if cut == "truncate":
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
    elif cut == "flip" and text:
        at = draw(st.integers(min_value=0, max_value=len(text) - 1))
        text = text[:at] + bytes([draw(st.integers(min_value=0, max_value=255))]) + text[at + 1 :]
    return text


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


def read(data: bytes) -> scan_document.Document:
    """What ``ingest`` does with a file's bytes before writing anything."""
    try:
        value = load_json_bytes(data, where="fuzz.json", max_depth=scan_document.reader.MAX_DEPTH)
    except InputError as exc:
        raise DocumentError(str(exc)) from None
    return scan_document.parse(value, "fuzz.json")


@FUZZ
@given(data=mutated_documents())
def test_the_reader_never_fails_but_with_one_line_and_bounded_memory(data: bytes) -> None:
    tracemalloc.start()
    try:
        read(data)
    except DocumentError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("fuzz.json: ")
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 64 * len(data) + 8 * 1024 * 1024


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return Store(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'h.db'}")


@FUZZ
@given(data=mutated_documents())
def test_what_the_reader_accepts_the_store_takes_whole(data: bytes, fuzz_store: Store) -> None:
    try:
        document = read(data)
    except DocumentError:
        return
    before = {r.id for r in fuzz_store.runs()}
    saved = fuzz_store.save_runs(document.runs)  # a StoreError here would be a reader gap
    for run, done in zip(document.runs, saved, strict=True):
        if done.written:
            assert run.id not in before
            loaded = fuzz_store.load_run(run.id)
            assert len(loaded.findings) == len({f.fingerprint for f in run.findings})
            assert len(loaded.errors) == len(run.errors)


def test_the_store_refuses_nothing_the_reader_lets_through_at_its_limits(tmp_path: Path) -> None:
    """Every field at the reader's maximum width fits the store's columns (SQLite here;
    the PostgreSQL twin is in tests/ingest/test_postgres_ingest.py)."""
    document = widest_document()
    [run] = scan_document.parse(document).runs
    store = Store(f"sqlite:///{tmp_path / 'h.db'}")
    assert store.save_runs([run])[0].written
    stored = {f.fingerprint: f for f in store.load_run(run.id).findings}
    assert stored[run.findings[0].fingerprint] == run.findings[0]


def widest_document() -> dict[str, Any]:
    document = json.loads(scan_document.dumps([facility_run("75901", day(1), errors=("ws-02",))]))
    document["run"]["id"] = "r" * 64
    document["run"]["hosts"] = ["h" * 255]
    first = document["findings"][0]
    first.update(
        check_id="C" * 32,
        host="h" * 255,
        scanner="s" * 32,
        resource="/" + "p" * 8191,
        evidence="e" * 8192,
        details={"d" * 200: ["v" * 8192]},
    )
    document["errors"][0].update(scanner="s" * 32, target="t" * 8192, message="m" * 8192)
    return document
