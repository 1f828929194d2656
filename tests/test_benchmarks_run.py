"""Every benchmark of `make bench` runs: each script, at a small size, through its own
command line, prints the machine's speed reference first and then its figures. A
benchmark that no longer runs (an import moved with the package) is found here, not the
next time someone wants a figure. The figures themselves are not judged: speed is
`make bench`'s job (README, Performance)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import REPO
from site_helpers import CHROMIUM

BENCHMARKS = REPO / "benchmarks"

# (script, arguments, a line its output must have): each at a size that runs in seconds.
SMALL_RUNS = [
    ("check_bench.py", ["--sizes", "30", "--repeat", "1"], "| 30 |"),
    ("cli_bench.py", ["--runbooks", "30", "--rows", "600", "--repeat", "1"], "| two files joined | 600 + 600 |"),
    ("alerts_bench.py", ["--sizes", "20"], "| 20 |"),
    ("report_bench.py", ["--rows", "2000", "--shapes", "Jira", "--no-json"], "Jira"),
    ("loader_bench.py", [], "| opskb load_document (read + checks + parse) |"),
]


def _run(script: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.stdout.startswith("machine reference: "), result.stdout[:500]
    return result.stdout


@pytest.mark.parametrize(("script", "args", "expected"), SMALL_RUNS, ids=[run[0] for run in SMALL_RUNS])
def test_the_benchmark_runs_and_prints_its_figures(script: str, args: list[str], expected: str) -> None:
    assert expected in _run(script, *args)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is installed by `make test` (make system-deps)")
def test_the_search_benchmark_runs_in_the_browser_on_real_sized_runbooks() -> None:
    out = _run("search_bench.py", "--runbooks", "30")
    assert "### Quality:" in out and "### Scale: 30 real-sized runbooks" in out
    # every scale query answered from the index files, the pasted alert name among them
    scale = out.split("### Scale:")[1]
    rows = [line for line in scale.splitlines() if line.startswith("| `")]
    assert len(rows) == 6 and all(int(row.split("|")[4].replace(",", "")) > 0 for row in rows), rows
