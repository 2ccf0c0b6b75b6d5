"""A scan that ends while a long ingest writes the same SQLite store still stores its run.

Two real processes: ``hisguard ingest`` of many large documents, and, once the ingest has
committed its first run, ``hisguard scan credentials --path`` into the same store. The ingest
commits run by run in short transactions (and pauses now and then), and the scan's write waits
for the lock up front: the scan must not fail with "database is locked".
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import replace
from pathlib import Path

from hisguard.scanners import scan_document
from hisguard.scanners.store import Store
from tests.conftest import REPO
from tests.ingest.lab_runs import day, facility_run
from tests.waivers.inventory import write_inventory

HISGUARD = REPO / ".venv" / "bin" / "hisguard"
DOCUMENTS = 16
FINDINGS = 4000


def big_documents(directory: Path) -> list[Path]:
    paths = []
    for n in range(DOCUMENTS):
        base = facility_run("75902", day(n))
        many = tuple(
            replace(
                base.findings[i % len(base.findings)], fingerprint=f"{n:08x}{i:056x}", resource=f"/srv/{i}"
            )
            for i in range(FINDINGS)
        )
        path = directory / f"scan-{n:02d}.json"
        path.write_text(scan_document.dumps([replace(base, findings=many)]), encoding="utf-8")
        paths.append(path)
    return paths


def wait_for_first_run(url: str, ingest: subprocess.Popen[str], limit: float = 300) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if ingest.poll() is not None:
            return  # finished already (a fast machine): the scan below still must succeed
        try:
            if Store(url, read_only=True).runs():
                return
        except Exception:  # the file may not be a store yet
            pass
        time.sleep(0.05)
    raise AssertionError("the ingest stored nothing within the time limit")


def test_a_scan_beside_a_long_ingest_stores_its_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'central.db'}"
    documents = big_documents(tmp_path)
    inv = write_inventory(tmp_path)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "appsettings.json").write_text(json.dumps({"BhxhPassword": "Bv75901@Secret9"}), encoding="utf-8")
    env = {**os.environ, "HISGUARD_HOME": str(tmp_path / "home")}
    ingest = subprocess.Popen(
        [str(HISGUARD), "ingest", *map(str, documents), "--store", url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        wait_for_first_run(url, ingest)
        scan = subprocess.run(
            [
                str(HISGUARD),
                "scan",
                "credentials",
                "-i",
                str(inv),
                "--facility",
                "75901",
                "--path",
                str(tree),
                "--format",
                "json",
                "--store",
                url,
                "--jobs",
                "1",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
            check=False,
        )
        out, err = ingest.communicate(timeout=900)
    finally:
        if ingest.poll() is None:
            ingest.kill()
            ingest.wait()
    assert ingest.returncode == 0, err
    assert "database is locked" not in scan.stderr
    assert scan.returncode in (0, 1), scan.stderr  # 1: the planted password is a finding
    run_id = json.loads(scan.stdout)["run"]["id"]
    store = Store(url, read_only=True)
    assert store.has_run(run_id)
    assert len([r for r in store.runs("75902")]) == DOCUMENTS
    assert out.count(": ingested (") == DOCUMENTS
