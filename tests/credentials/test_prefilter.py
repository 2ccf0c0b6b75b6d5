# ruff: noqa: E501  (sample file contents are kept whole on one line)
"""The fast paths give the answers of the plain ones: anchor search, pattern gates, block reads."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from hisguard.scanners.credentials import collect
from hisguard.scanners.credentials.fastre import FastPattern, required_literal
from hisguard.scanners.credentials.local import collector_settings
from hisguard.scanners.credentials.rules import default_rules
from tests.credentials.helpers import spots, write

MD5 = "e10adc3949ba59abbe56e057f20f883e"


def _lines_with_anchor(text: bytes, anchors: list[bytes]) -> set[int]:
    return {i for i, line in enumerate(text.lower().split(b"\n")) if any(a in line for a in anchors)}


def _lines_found(text: bytes, anchors: list[bytes]) -> set[int]:
    lo = text.lower()
    return {lo.count(b"\n", 0, pos) for pos in collect._find_anchors(lo, collect.searchers(anchors))}


def test_searchers_find_the_lines_of_every_anchor() -> None:
    rng = random.Random(4)
    rules = default_rules()
    catalog = [a.encode() for a in (*rules.anchors, *rules.small_file_anchors)]
    alphabet = b"abhxyegw_vBHXYEGW0123 \n.=:\"'"
    for _ in range(300):
        anchors = rng.sample(catalog, rng.randint(1, len(catalog)))
        anchors += [
            bytes(rng.choice(b"abhxg_w") for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(0, 3))
        ]
        pieces = [bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(40)]
        pieces += [a.upper() if rng.random() < 0.3 else a for a in rng.sample(anchors, min(3, len(anchors)))]
        rng.shuffle(pieces)
        text = b"".join(pieces)
        assert _lines_found(text, anchors) == _lines_with_anchor(text, anchors), (anchors, text)


def test_searchers_group_anchors_by_a_rare_byte() -> None:
    finders = collect.searchers([b"bhxh", b"bhyt", b"baohiemxahoi", b"egw", b"_bv", b"passwordhash"])
    assert len(finders) == 2  # one pass for the b... anchors, one for the ...w... ones
    for finder in finders:
        assert finder.pattern[:1] in (b"b", b"w")


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        (r"os\.environ", "os.environ"),
        (r"secrets?\.", "secret"),
        (r"verify\s*=\s*False", "verify"),
        (r"\benv\(", "env("),
        (r"(^|\s)(-k|--insecure)(\s|$)", None),
        (r"NODE_TLS_REJECT_UNAUTHORIZED\s*=\s*['\"]?0", "NODE_TLS_REJECT_UNAUTHORIZED"),
        (r"ab+c", "ab"),
        (r"a|b", None),
        (r"x{2,3}yz", "yz"),
    ],
)
def test_required_literal(pattern: str, literal: str | None) -> None:
    assert required_literal(pattern) == literal


def _catalog_lists() -> list[tuple[list[str], int]]:
    data = collect_catalog_detection()
    return [
        (list(data["reads"]), re.I),
        (list(data["tls_disabled"]), re.I),
        (list(data["automation"]), re.I),
        (list(data["placeholder_patterns"]), 0),
        ([re.escape(h["host"]) for h in data["hosts"]], re.I),
        ([re.escape(e) for e in data["endpoints"]], re.I),
    ]


def collect_catalog_detection() -> Any:
    import yaml

    text = (Path(collect.__file__).parent / "rules" / "catalog.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["detection"]


def test_fast_pattern_answers_like_the_plain_alternation() -> None:
    rng = random.Random(9)
    for patterns, flags in _catalog_lists():
        fast = FastPattern(patterns, flags)
        plain = re.compile("|".join(f"(?:{p})" for p in patterns), flags)
        words = [w for p in patterns for w in re.findall(r"[A-Za-z_.$:/\-]{2,}", p)]
        for _ in range(2000):
            parts = [rng.choice(words) if rng.random() < 0.4 else "" for _ in range(4)]
            noise = [
                "".join(rng.choice("aZ _.=$*{}()<>:/-'\"\t0") for _ in range(rng.randint(0, 6)))
                for _ in range(4)
            ]
            text = "".join(a + b for a, b in zip(noise, parts, strict=True))
            if rng.random() < 0.3:
                text = text.upper()
            if rng.random() < 0.1:
                text += "đ"  # non-ASCII text takes the plain path
            want = plain.search(text)
            got = fast.search(text)
            assert (got is None) == (want is None), (patterns, text)
            if got is not None:
                assert plain.match(text, got.start()) is not None


@pytest.mark.parametrize(
    ("patterns", "flags"),
    [
        (["^a|bcd", "xyz"], 0),
        ([r"ab+c", r"x{2}y", r"q?rs"], re.I),
        ([r"(?i:foo)bar", r"^Ba[rz]"], 0),
        ([r"\bkey\s*=\s*\w+", r"(^|\s)-k(\s|$)"], re.I),
        ([r"\Sab", r"c\.d"], re.I),
        ([r"\x41bc", r"d\u0045f", r"(a)\1b"], re.I),
    ],
)
def test_fast_pattern_on_awkward_patterns(patterns: list[str], flags: int) -> None:
    rng = random.Random(5)
    fast = FastPattern(patterns, flags)
    plain = re.compile("|".join(f"(?:{p})" for p in patterns), flags)
    for _ in range(5000):
        text = "".join(rng.choice("abcdefxyzqrsfoABEFRkey= -.\tK") for _ in range(rng.randint(0, 12)))
        got = fast.search(text)
        assert (got is None) == (plain.search(text) is None), text
        if got is not None:
            assert plain.match(text, got.start()) is not None


def _tree(root: Path) -> None:
    rng = random.Random(3)
    words = ["alpha", "beta", "server", "value", "x" * 700]
    log = []
    for i in range(3000):
        if i % 97 == 0:
            log.append(
                f"GET /api/egw/NhanLichSuKCB2018?token=eyJ{i:08d}abcdefgh&username=75901_BV&password={MD5} 200"
            )
        else:
            log.append(" ".join(rng.choice(words[:4]) for _ in range(rng.randint(0, 12))))
    write(root, "var/log/egw.log", "\n".join(log) + "\n")
    conf = [f'  "k{i}": "{rng.choice(words)}",' for i in range(4000)]
    conf[1500] = '  "BHXH": {"Username": "75901_BV", "Password": "Js4#ee77"},'
    conf[3999] = '  "last": "bhyt"'
    write(root, "opt/his/big.json", "{\n" + "\n".join(conf) + "\n}\n")
    rows = "".join(f"{i}\tNguyen {i}\t75901_BV\t{MD5}\n" for i in range(2000))
    dump = (
        "".join(f"INSERT INTO `log` VALUES ({i},'abc');\n" for i in range(1500))
        + "COPY public.nhan_vien (id, ho_ten, api_bhxh_username, api_bhxh_password) FROM stdin;\n"
        + rows
        + "\\.\n"
        + "".join(f"INSERT INTO `log` VALUES ({i},'abc');\n" for i in range(1500))
    )
    write(root, "var/backups/his.sql", dump)


def _records(root: Path) -> list[dict[str, Any]]:
    settings = collect.Settings(
        collector_settings(default_rules(), [str(root)], max_bytes=1 << 28, xdev=False)
    )
    records = []
    for path in sorted(collect.walk(settings, [])):
        for record in collect.scan_file(path, settings):
            record.pop("hits", None)
            records.append(record)
    return records


def test_small_blocks_keep_the_same_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path)
    whole = _records(tmp_path)
    assert {Path(r["path"]).name for r in whole} == {"egw.log", "big.json", "his.sql"}
    for size in (4096, 65536 + 17):
        monkeypatch.setattr(collect, "CHUNK", size)
        assert _records(tmp_path) == whole, size


def test_sql_rows_of_a_portal_table_far_below_its_create(tmp_path: Path) -> None:
    filler = "".join(f"INSERT INTO `log_{i % 7}` VALUES ({i},'abc','2025-01-01');\n" for i in range(3000))
    dump = (
        filler
        + "CREATE TABLE `nhan_vien` (\n  `id` int NOT NULL,\n  `ho_ten` varchar(50),\n  `api_bhxh_password` varchar(100),\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n"
        + "\n--\n-- Dumping data for table `nhan_vien`\n--\n\nLOCK TABLES `nhan_vien` WRITE;\n/*!40000 ALTER TABLE `nhan_vien` DISABLE KEYS */;\n"
        + "INSERT INTO `nhan_vien` VALUES (1,'Nguyen A','"
        + MD5
        + "');\n"
        + filler
    )
    write(tmp_path, "his.sql", dump)
    assert spots(tmp_path) == {("his.sql", 3014, "password_hash")}
