"""`make bench`: every benchmark in turn; each prints Markdown for the README."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
BENCHMARKS = [
    "loader_bench.py",
    "check_bench.py",
    "cli_bench.py",
    "search_bench.py",
    "alerts_bench.py",
    "report_bench.py",
    "site_bench.py",
]


def main() -> int:
    argparse.ArgumentParser(description=__doc__).parse_args()
    failed = []
    for name in BENCHMARKS:
        if not (HERE / name).is_file():
            continue
        print(f"\n## {name}\n", flush=True)
        if subprocess.run([sys.executable, str(HERE / name)], cwd=HERE).returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
