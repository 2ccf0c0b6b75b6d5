"""The report JSON has a published schema (shipped with the package): every kind of report passes it."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from click.testing import CliRunner

from hisguard.reports.cli import report_command
from hisguard.reports.model import FacilityInfo
from hisguard.scanners import scan_document
from tests.reports import sample


def report_schema() -> dict[str, Any]:
    text = resources.files("hisguard.reports").joinpath("report.schema.json").read_text(encoding="utf-8")
    value: dict[str, Any] = json.loads(text)
    return value


def test_every_report_kind_passes_the_published_schema(tmp_path: Path) -> None:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    runs = [
        *sample.facility_runs(
            FacilityInfo("75901", "", ""), hosts=4, findings_per_host=6, scans=3, must_fail=("C01", "C04")
        ),
        *sample.facility_runs(
            FacilityInfo("75902", "", ""), hosts=3, findings_per_host=6, scans=2, must_fail=("C01",)
        ),
    ]
    args = []
    for run in runs:
        path = tmp_path / "scans" / f"{run.id}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(scan_document.dumps([run]), encoding="utf-8")
        args += ["--from", str(path)]
    out = tmp_path / "out"
    for extra in (["--all"], ["--account", "75901_BV"]):
        result = CliRunner().invoke(report_command, [*args, *extra, "--format", "json", "--out", str(out)])
        assert result.exit_code == 0, result.output
    kinds = set()
    for path in sorted(out.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        validator.validate(document)
        kinds.add(document["kind"])
    assert kinds == {"facility", "rollup", "account"}
    broken = json.loads((out / "facility-75901.json").read_text(encoding="utf-8"))
    del broken["changes"]["fixed"]
    assert not validator.is_valid(broken)  # the schema is not a formality
