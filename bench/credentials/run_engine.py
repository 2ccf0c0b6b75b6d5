"""Run hisguard's engine on a tree and print each credential it found as a JSON line.

Used by bench_credentials.py as a child process, so that its wall time and peak memory are
measured from outside. Prints ``{"path": relative, "line": n, "kind": k}`` (no values).
"""

from __future__ import annotations

import json
import os
import sys

from hisguard.scanners.credentials.local import scan_local
from hisguard.scanners.credentials.rules import default_rules


def main() -> None:
    root = os.path.abspath(sys.argv[1])
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else None
    result = scan_local([root], default_rules(), jobs=jobs)
    out = sys.stdout
    for obs in result.observations:
        if obs.kind == "secret":
            out.write(
                json.dumps(
                    {"path": os.path.relpath(obs.path, root), "line": obs.line, "kind": obs.secret_kind}
                )
                + "\n"
            )
    for store in result.stores:
        out.write(
            json.dumps({"path": os.path.relpath(store["path"], root), "line": 0, "kind": "session"}) + "\n"
        )
    sys.stderr.write(
        json.dumps(
            {
                "files": result.stats.get("files"),
                "bytes": result.stats.get("bytes"),
                "errors": len(result.errors),
            }
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
