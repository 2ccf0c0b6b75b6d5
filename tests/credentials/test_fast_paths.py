"""The fast paths find what the plain path finds: same observations, same lines and columns.

The plain path reads every pair of every candidate line in one process; the fast one skips the
lines no key can matter on, leaves out pairs whose key never matters, and shares the files out
among worker processes. Both run over the generated bench corpus, every form and decoy of
forms_data.py, and the pathological shapes of the shapes bench.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hisguard.scanners.credentials.local import scan_local
from hisguard.scanners.credentials.report import HostResult
from hisguard.scanners.credentials.rules import default_rules
from tests.credentials.forms_data import DECOYS, POSITIVES
from tests.credentials.helpers import write

BENCH = Path(__file__).resolve().parents[2] / "bench" / "credentials"


def _rows(result: HostResult, root: Path) -> set[tuple[object, ...]]:
    return {
        (
            str(Path(o.path).relative_to(root)),
            o.line,
            o.column,
            o.kind,
            o.secret_kind,
            o.key,
            o.username,
            o.portal_class,
            o.syntax,
        )
        for o in result.observations
    }


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fast-paths")
    for name, (rel, content, _) in POSITIVES.items():
        write(root / "forms" / name, rel, content)
    for name, (rel, content) in DECOYS.items():
        write(root / "decoys" / name, rel, content)
    sys.path.insert(0, str(BENCH))
    try:
        import corpus
        import shapes

        corpus.generate(root / "corpus", size_mb=2, seed=5)
        for shape, _, _, _ in shapes.SHAPES:
            shapes.write_shape(root / "shapes" / shape, shape, 0.25, seed=3)
    finally:
        sys.path.remove(str(BENCH))
    return root


def test_fast_path_finds_what_the_plain_path_finds(tree: Path) -> None:
    rules = default_rules()
    plain = _rows(scan_local([str(tree)], rules, jobs=1, fast=False), tree)
    fast = _rows(scan_local([str(tree)], rules, jobs=2, fast=True), tree)
    assert len(plain) > 1000  # the corpus and the forms hold that many observations
    assert fast == plain


def test_one_worker_and_many_agree(tree: Path) -> None:
    rules = default_rules()
    one = _rows(scan_local([str(tree / "corpus")], rules, jobs=1), tree)
    three = _rows(scan_local([str(tree / "corpus")], rules, jobs=3), tree)
    assert one and one == three


# Long single-line files (a Vite bundle, a one-line JSON answer or settings file) with the
# portal's account in them, among the words the fast path skips: a member expression or a short
# literal given to a token key, a label key, a URL without user info, a "Bearer " prefix.
FILLER_JS = (
    'headers:{Authorization:"Bearer "+e.token,"Content-Type":"application/json"},'
    "e.bhxhToken=t.data.access_token,e.bhytExpire=t.data.expires_in;"
    '{name:"password",label:"Mật khẩu",rules:[{required:!0,message:"Vui lòng nhập mật khẩu"}]},'
    'const c={sentryDsn:"https://0a1b2c3d@sentry.benhvien.vn/3"};var g="Tra cứu thẻ BHYT";'
    '{"lblMatKhauBHYT":"Mật khẩu cổng BHXH","PasswordBHXHRequired":true,"bhxhTokenUrl":"/api/token/take"},'
)
PLANTS_JS = [
    'const s={VITE_BHXH_USERNAME:"75901_BV",VITE_BHXH_PASSWORD:"Mb5!xx90"};',
    'i.post("https://egw.baohiemxahoi.gov.vn/api/token/take",{username:"75901_BV",password:"Kp3#rt77"});',
    'const h={PasswordBHYT:md5("Tg6$uu52")};',
]
# Read by both paths alike (the judge reports user info in a URL in scripts, not in a bundle).
UNREPORTED_JS = 'fetch("https://75901_BV:Wq4xz9Lm@egw.baohiemxahoi.gov.vn/api/egw/NhanLichSuKCB2018");'
FILLER_JSON = (
    '{"hoTen":"Nguyễn Văn An","maTheBHYT":"DN4791234567890","PasswordBHXHLabel":"Mật khẩu",'
    '"bhyt_password_min_length":6,"showPasswordBHXH":true,"bhxh_password_file":"${BHXH_PASSWORD}"},'
)
PLANTS_JSON = [
    '{"BHXH":{"Url":"https://egw.baohiemxahoi.gov.vn","Username":"75901_BV","Password":"Qx7#mm21"}},',
    '{"UsernameBHXH":"75901_BV","PasswordBHXH":"Zt8$pp41"},',
]


def _long_line(filler: str, plants: list[str], size: int) -> str:
    pieces = []
    step = size // (len(plants) + 1)
    for plant in plants:
        pieces.append(filler * (step // len(filler) + 1))
        pieces.append(plant)
    pieces.append(filler * (step // len(filler) + 1))
    return "".join(pieces)


def test_long_lines_with_the_portal_account_fast_and_plain(tmp_path: Path) -> None:
    js = _long_line(FILLER_JS, [*PLANTS_JS, UNREPORTED_JS], 600_000)
    write(tmp_path, "srv/his-web/assets/index-1a2b.js", "/*! his */\n" + js + "\n")
    settings = "[" + _long_line(FILLER_JSON, PLANTS_JSON, 400_000) + '{"end":0}]'
    write(tmp_path, "srv/his-api/appsettings.json", settings + "\n")
    rules = default_rules()
    plain = _rows(scan_local([str(tmp_path)], rules, jobs=1, fast=False), tmp_path)
    fast = _rows(scan_local([str(tmp_path)], rules, jobs=2, fast=True), tmp_path)
    assert fast == plain
    found = {(row[0], row[1], row[2]) for row in fast if row[3] == "secret"}
    for rel, text, plants, first_line in (
        ("srv/his-web/assets/index-1a2b.js", js, PLANTS_JS, 2),
        ("srv/his-api/appsettings.json", settings, PLANTS_JSON, 1),
    ):
        for plant in plants:
            at = text.index(plant)
            # The secret's column lies inside its plant (1-based columns).
            assert any(
                path == rel and line == first_line and at < int(str(column)) <= at + len(plant)
                for path, line, column in found
            ), plant[:30]
