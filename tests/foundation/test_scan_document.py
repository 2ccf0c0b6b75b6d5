"""The scan-document codec: writer and reader agree, the published schema says the same, hostile
documents are one line (exit 2) and write nothing, through ``ingest`` and ``report --from`` alike."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hisguard.reports.sources import DocumentSource
from hisguard.scanners import scan_document
from hisguard.scanners.findings import Run
from hisguard.scanners.scan_document import DocumentError
from hisguard.scanners.store import Store
from tests.conftest import REPO
from tests.ingest.cli import run_cli
from tests.ingest.lab_runs import day, facility_run

HISGUARD = REPO / ".venv" / "bin" / "hisguard"
VALIDATOR = jsonschema.Draft202012Validator(scan_document.schema())


def doc_of(runs: list[Run]) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(scan_document.dumps(runs))
    return value


def one() -> dict[str, Any]:
    return doc_of([facility_run("75901", day(1), errors=("ws-02",))])


def test_the_schema_is_shipped_and_every_written_document_passes_it() -> None:
    jsonschema.Draft202012Validator.check_schema(scan_document.schema())
    single = facility_run("75901", day(1), errors=("ws-02",))
    merged = [facility_run("75901", day(2)), facility_run("75902", day(2), errors=("scan-02",))]
    for runs in ([single], merged):
        document = doc_of(runs)
        VALIDATOR.validate(document)
        assert document["schema_version"] == scan_document.SCHEMA_VERSION
        assert list(scan_document.parse(document).runs) == runs  # read back exactly


def finding(doc: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**doc, "findings": [{**doc["findings"][0], **changes}, *doc["findings"][1:]]}


def run_field(doc: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**doc, "run": {**doc["run"], **changes}}


# (name, change to a valid document, part of the one-line message)
HOSTILE: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    (
        "references of objects",
        lambda d: finding(d, references=[{"a": 1}]),
        "references is not a list of names",
    ),
    ("line as text", lambda d: finding(d, line="abc"), "line is not a line or column number"),
    ("line 1e308", lambda d: finding(d, line=1e308), "line is not a line or column number"),
    ("negative column", lambda d: finding(d, column=-1), "column is not a line or column number"),
    ("future schema", lambda d: {**d, "schema_version": 2}, "written by a newer hisguard"),
    (
        "future hisguard without schema",
        lambda d: {k: v for k, v in {**d, "hisguard": "99.0.0"}.items() if k != "schema_version"},
        "written by a newer hisguard",
    ),
    ("hisguard not a version", lambda d: {**d, "hisguard": 1e308}, "hisguard is not a version"),
    ("100-character facility", lambda d: run_field(d, facility="7" * 100), "facility is longer than 5"),
    ("100-character finding facility", lambda d: finding(d, facility="7" * 100), "facility is longer than 5"),
    ("NUL in a resource", lambda d: finding(d, resource="/opt/his/\x00x"), "holds a NUL character"),
    ("NUL in an error", lambda d: {**d, "errors": [{**d["errors"][0], "message": "x\x00"}]}, "NUL"),
    ("NUL in details", lambda d: finding(d, details={"path": "a\x00"}), "NUL"),
    ("year 1", lambda d: run_field(d, started_at="0001-01-01T00:00:00+07:00"), "between the years 2000"),
    ("year 9999", lambda d: run_field(d, finished_at="9999-12-31T23:59:59-14:00"), "between the years 2000"),
    ("title a number", lambda d: finding(d, title=5), "title is not an object"),
    ("title without en", lambda d: finding(d, title={"vi": "x"}), "title.en is missing"),
    ("unknown finding field", lambda d: finding(d, shell="rm -rf /"), "unknown field 'shell'"),
    ("unknown top field", lambda d: {**d, "extra": 1}, "unknown field 'extra'"),
    ("huge detail number", lambda d: finding(d, details={"n": 2**60}), "a number is out of range"),
    ("deep details", lambda d: finding(d, details={"a": [[[[[[[1]]]]]]]}), "nested deeper than 6"),
    (
        "bad severity",
        lambda d: finding(d, severity="catastrophic"),
        "severity is not one of the known values",
    ),
    ("host too long", lambda d: finding(d, host="h" * 256), "host is longer than 255"),
    ("hosts not names", lambda d: run_field(d, hosts=[1, 2]), "hosts is not a list of names"),
    (
        "error facility unknown",
        lambda d: {**d, "errors": [{**d["errors"][0], "facility": "75999"}]},
        "its facility",
    ),
]
# Raw texts the JSON parser itself must refuse (the schema cannot see them: they never parse).
RAW: list[tuple[str, str, str]] = [
    ("NaN line", '"line": 3', '"line": NaN'),
    ("infinite line", '"line": 3', '"line": 1e400'),
    ("huge integer", '"line": 3', '"line": ' + "9" * 5000),
    ("lone surrogate in a host", '"host": "his-app-01"', '"host": "his-\\ud800"'),
    ("deep nesting", '"details": {', '"details": {"x": ' + "[" * 100000 + "]" * 100000 + ","),
]


@pytest.mark.parametrize(("name", "mangle", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_documents_are_refused_by_reader_and_schema(
    name: str, mangle: Callable[[dict[str, Any]], Any], message: str
) -> None:
    bad = mangle(one())
    with pytest.raises(DocumentError) as caught:
        scan_document.parse(bad, "doc.json")
    assert message in str(caught.value) and "\n" not in str(caught.value)
    if name not in {"future hisguard without schema", "year 1", "year 9999", "error facility unknown"}:
        assert not VALIDATOR.is_valid(bad), name  # the published schema says the same


def raw_text(replace: tuple[str, str]) -> str:
    text = json.dumps(one(), ensure_ascii=False)
    assert replace[0] in text
    return text.replace(replace[0], replace[1], 1)


def hostile_files(directory: Path) -> list[Path]:
    paths = []
    for n, (_, mangle, _) in enumerate(HOSTILE):
        path = directory / f"hostile-{n}.json"
        path.write_text(json.dumps(mangle(one()), ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    for n, (_, old, new) in enumerate(RAW):
        path = directory / f"raw-{n}.json"
        path.write_text(raw_text((old, new)), encoding="utf-8")
        paths.append(path)
    return paths


def test_hostile_files_are_one_line_through_ingest_and_write_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'central.db'}"
    good = tmp_path / "good.json"
    good.write_text(scan_document.dumps([facility_run("75902", day(1))]), encoding="utf-8")
    for path in hostile_files(tmp_path):
        result = run_cli(["ingest", str(good), str(path), "--store", url], monkeypatch, capsys)
        assert result.status == 2, (path.name, result.err)
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"hisguard: error: {path}: "), (path.name, result.err)
        assert "Traceback" not in result.err
    assert Store(url, read_only=True).runs() == []  # not even the good document's run


def test_hostile_files_are_one_line_through_report_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    for path in hostile_files(tmp_path):
        result = run_cli(
            ["report", "--from", str(path), "--format", "json", "--out", str(out)], monkeypatch, capsys
        )
        assert result.status == 2, (path.name, result.err)
        assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err, result.err
    assert not out.exists() or not list(out.iterdir())


def test_unknown_roles_tags_and_playbooks_become_manual_actions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = one()
    evil = "{{ lookup('pipe', 'touch /tmp/hisguard-pwned') }}"
    known = doc["findings"][0]["remediation"]
    fixes = [
        {**known, "role": evil},
        {**known, "role": "/etc/ansible/roles/anything"},
        {**known, "tags": [evil]},
        {**known, "playbook": "/tmp/evil.yml"},
        {**known, "role": None, "tags": ["ssh"]},
    ]
    doc["findings"] = [
        {**f, "remediation": fix} for f, fix in zip(doc["findings"], fixes, strict=False)
    ] + doc["findings"][len(fixes) :]
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'central.db'}"
    assert run_cli(["ingest", str(path), "--store", url], monkeypatch, capsys).status == 0
    [run] = scan_document.read_file(path).runs
    stored = Store(url, read_only=True).load_run(run.id)
    from_documents = DocumentSource.load([path]).history("75901")
    assert from_documents is not None
    for findings in (stored.findings, from_documents.current.findings):
        by_fp = {f.fingerprint: f for f in findings}
        for f in doc["findings"][: len(fixes)]:
            fix = by_fp[f["fingerprint"]].remediation
            assert fix is not None and (fix.role, fix.tags, fix.playbook) == (
                None,
                (),
                "playbooks/harden.yml",
            )
            assert fix.text.vi == known["vi"]  # the text is kept, only the automation goes
        untouched = by_fp[doc["findings"][len(fixes)]["fingerprint"]].remediation
        assert untouched is not None and untouched.role is not None  # a catalog fix stays a fix
    everything = json.dumps([f.to_dict() for f in stored.findings])
    assert "lookup" not in everything and "/etc/ansible" not in everything and "/tmp/evil" not in everything


def test_errors_without_a_facility_follow_one_rule() -> None:
    """One run: the error is the run's. Several: an error must name its facility."""
    single = one()
    single["errors"][0]["facility"] = ""
    [run] = scan_document.parse(single).runs
    assert run.errors[0].facility == "75901"
    merged = doc_of([facility_run("75901", day(1)), facility_run("75902", day(1), errors=("scan-02",))])
    merged["errors"][0]["facility"] = ""
    with pytest.raises(DocumentError, match="error 1: has no facility in a document of several facilities"):
        scan_document.parse(merged)


def test_files_that_are_not_regular_or_too_big_are_refused_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(scan_document.reader.MAX_DOCUMENT_BYTES + 1)  # sparse: nothing to read
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    for path, message in (
        (Path("/dev/zero"), "not a regular file"),
        (fifo, "not a regular file"),
        (big, "limit"),
    ):
        with pytest.raises(DocumentError, match=message):
            scan_document.read_file(path)
    # The CLI too, in a process of its own: a FIFO must not hang it, /dev/zero must not fill memory.
    for path in (Path("/dev/zero"), fifo):
        done = subprocess.run(
            [str(HISGUARD), "ingest", str(path), "--store", f"sqlite:///{tmp_path / 'h.db'}"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ},
            check=False,
        )
        assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr


def test_duplicate_fingerprints_are_not_reported_as_ingested(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = one()
    doc["findings"].append(dict(doc["findings"][0]))
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = run_cli(["ingest", str(path), "--store", f"sqlite:///{tmp_path / 'h.db'}"], monkeypatch, capsys)
    distinct = len({f["fingerprint"] for f in doc["findings"]})
    assert result.status == 0 and f"ingested ({distinct} findings, 1 errors; 1 with a repeated" in result.out
