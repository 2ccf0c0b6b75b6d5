"""``hisguard ingest`` into SQLite: documents read back exactly, idempotence, bad files."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta, timezone
from pathlib import Path

import pytest

from hisguard.scanners.findings import Finding, Run
from hisguard.scanners.ingest import DocumentError, load_document
from hisguard.scanners.output import render_json
from hisguard.scanners.store import Store
from tests.ingest.cli import run_cli
from tests.ingest.lab_runs import day, facility_run


def by_fingerprint(finding: Finding) -> str:
    return finding.fingerprint


def write_doc(path: Path, runs: list[Run]) -> Path:
    path.write_text(render_json(runs), encoding="utf-8")
    return path


def test_single_and_merged_documents_read_back_exactly(tmp_path: Path) -> None:
    one = facility_run("75901", day(1), errors=("ws-02",))
    a, b = facility_run("75901", day(2)), facility_run("75902", day(2), errors=("scan-02",))
    [single] = load_document(write_doc(tmp_path / "one.json", [one]))
    assert single.run == one
    merged = load_document(write_doc(tmp_path / "merged.json", [a, b]))
    assert [m.run for m in merged] == [a, b]  # findings and errors went back to their own run


def test_times_are_stored_in_utc(tmp_path: Path) -> None:
    hanoi = timezone(timedelta(hours=7))
    run = facility_run("75901", day(1))
    local = replace(
        run, started_at=run.started_at.astimezone(hanoi), finished_at=run.finished_at.astimezone(hanoi)
    )
    [loaded] = load_document(write_doc(tmp_path / "r.json", [local]))
    assert loaded.run.finished_at == run.finished_at and loaded.run.finished_at.utcoffset() == timedelta(0)


def test_ingest_twice_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'central.db'}"
    first, second = facility_run("75901", day(1)), facility_run("75902", day(1))
    doc1 = write_doc(tmp_path / "75901.json", [first])
    doc2 = write_doc(tmp_path / "both.json", [first, second])

    result = run_cli(["ingest", str(doc1), "--store", url], monkeypatch, capsys)
    assert result.status == 0, result.err
    assert result.out == f"{doc1}: run {first.id} of facility 75901: ingested (24 findings, 0 errors)\n"

    again = run_cli(["ingest", str(doc1), str(doc2), "--store", url], monkeypatch, capsys)
    assert again.status == 0, again.err
    assert again.out.splitlines() == [
        f"{doc1}: run {first.id} of facility 75901: already in the store (24 findings, 0 errors)",
        f"{doc2}: run {first.id} of facility 75901: already in the store (24 findings, 0 errors)",
        f"{doc2}: run {second.id} of facility 75902: ingested (12 findings, 0 errors)",
    ]
    store = Store(url)
    for run in (first, second):
        loaded = store.load_run(run.id)  # the store keeps no order of findings
        assert sorted(loaded.findings, key=by_fingerprint) == sorted(run.findings, key=by_fingerprint)
        assert replace(loaded, findings=()) == replace(run, findings=())
    assert len(store.tracked("75901")) == 24 and len(store.tracked("75902")) == 12


def _doc(run: Run) -> dict[str, object]:
    return json.loads(render_json([run]))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda d: "{not json", "not JSON (Expecting property name enclosed in double quotes at line 1)"),
        (lambda d: {"run": d["run"]}, "not a hisguard scan document"),
        (lambda d: {**d, "findings": {}}, "findings is not a list"),
        (lambda d: {**d, "run": {**d["run"], "id": "../x"}}, "run 1: id is not a run id"),
        (lambda d: {**d, "run": {**d["run"], "facility": "7590"}}, "run 1: facility is not a 5-digit code"),
        (
            lambda d: {**d, "run": {**d["run"], "finished_at": "yesterday"}},
            "run 1: finished_at is not an ISO 8601 time",
        ),
        (
            lambda d: {**d, "run": {**d["run"], "finished_at": "2026-10-02T12:00:00"}},
            "run 1: finished_at has no UTC offset",
        ),
        (
            lambda d: {**d, "findings": [{**d["findings"][0], "status": "bad"}]},
            "finding 1: status is not one of the known values",
        ),
        (
            lambda d: {**d, "findings": [{k: v for k, v in d["findings"][0].items() if k != "host"}]},
            "finding 1: missing host",
        ),
        (
            lambda d: {**d, "findings": [{**d["findings"][0], "fingerprint": "abc"}]},
            "finding 1: fingerprint is not a SHA-256 hex digest",
        ),
        (
            lambda d: {**d, "findings": [{**d["findings"][0], "facility": "75902"}]},
            "finding 1: its facility is not a run's of this document",
        ),
        (
            lambda d: {**d, "findings": [{**d["findings"][0], "check_id": "C" * 33}]},
            "finding 1: check_id is longer than 32 characters",
        ),
    ],
)
def test_bad_documents_are_one_line(tmp_path: Path, mangle: object, message: str) -> None:
    doc = mangle(_doc(facility_run("75901", day(1))))  # type: ignore[operator]
    path = tmp_path / "bad.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        load_document(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_bad_file_means_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'central.db'}"
    good = write_doc(tmp_path / "good.json", [facility_run("75901", day(1))])
    secret = "Bv75901@Matkhau"  # a bad file's content is never echoed
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"hisguard": "0.1.0", "run": {"id": secret}, "findings": [], "errors": []}))
    result = run_cli(["ingest", str(good), str(bad), "--store", url], monkeypatch, capsys)
    assert result.status == 2
    assert result.err.strip().splitlines() == [
        f"hisguard: error: {bad}: run 1: started_at is missing or not text; nothing was ingested"
    ]
    assert secret not in result.err + result.out
    assert Store(url).runs() == []


def test_merged_document_with_an_unattributable_error_is_refused(tmp_path: Path) -> None:
    doc = json.loads(render_json([facility_run("75901", day(1)), facility_run("75902", day(1))]))
    doc["errors"] = [{"scanner": "network", "target": "198.18.5.5", "message": "no route"}]
    path = tmp_path / "merged.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DocumentError, match="error 1: has no facility in a document of several facilities"):
        load_document(path)


def test_documents_beyond_the_memory_bound_are_read_again_and_give_the_same_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With nothing held in memory between checking and writing, every document is read twice:
    the output and the stored runs are those of the plain path."""
    from hisguard.scanners.ingest import command

    runs = [facility_run("75901", day(n)) for n in range(1, 4)] + [facility_run("75902", day(1))]
    paths = [str(write_doc(tmp_path / f"{n}.json", [run])) for n, run in enumerate(runs)]
    held = run_cli(["ingest", *paths, "--store", f"sqlite:///{tmp_path / 'a.db'}"], monkeypatch, capsys)
    monkeypatch.setattr(command, "HELD_BYTES", 0)
    reread = run_cli(["ingest", *paths, "--store", f"sqlite:///{tmp_path / 'b.db'}"], monkeypatch, capsys)
    assert held.status == reread.status == 0 and held.out == reread.out and held.out.count("ingested") == 4
    for run in runs:
        a = Store(f"sqlite:///{tmp_path / 'a.db'}").load_run(run.id)
        b = Store(f"sqlite:///{tmp_path / 'b.db'}").load_run(run.id)
        assert sorted(a.findings, key=by_fingerprint) == sorted(b.findings, key=by_fingerprint)
