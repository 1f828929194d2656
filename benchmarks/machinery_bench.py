"""What each piece of the build machinery (scripts/opskb/build/) earns: the same
`mkdocs build --strict` of N synthetic runbooks (benchmarks/synth.py) with every piece on,
then with one piece off through its plugin option:

* ``prerender: false``: runbook and alert pages through MkDocs' Markdown (prerendered.py);
* ``stamp: false``: the theme rendered for every page (stamp.py);
* ``shelf: false``: every page's HTML kept in memory until its writing (shelf.py);
* ``writers: false``: MkDocs' loop writes every page in the build's process (writers.py);
* ``workers: 0``: no worker processes at all, neither page makers nor writers (parallel.py).

Reported per build: wall time, CPU time (user+sys, the workers' included: steadier than
wall time on a shared machine), peak memory of the largest process (its RSS) and of all
the build's processes together (summed PSS, benchmarks/measure.py). The first line is
the machine's speed reference (measure.machine_reference).

Usage: python benchmarks/machinery_bench.py [--sizes 1000 10000] [--pieces prerender ...]
       [--repeat 1] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests"))

from measure import measure, print_reference  # noqa: E402
from synth import make_tree  # noqa: E402

from site_helpers import write_config  # noqa: E402

# piece -> the plugin option that turns it off
PIECES = {
    "prerender": "prerender: false",
    "stamp": "stamp: false",
    "shelf": "shelf: false",
    "writers": "writers: false",
    "workers": "workers: 0",
}
ENV = {"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"}


@dataclass
class Figures:
    runbooks: int
    without: str  # the piece turned off; "" for the build with every piece
    wall_s: float
    cpu_s: float
    peak_mb: float
    tree_mb: float
    ok: bool


def build(tree: Path, count: int, without: str) -> Figures:
    """One `mkdocs build --strict` of ``tree`` in its own process, ``without`` a piece."""
    config = tree / f"mkdocs-{without or 'full'}.yml"
    text = (tree / "mkdocs.yml").read_text(encoding="utf-8")
    if without:
        text = re.sub(r"^(      root: .*)$", rf"\1\n      {PIECES[without]}", text, count=1, flags=re.M)
    config.write_text(text, encoding="utf-8")
    site = tree.parent / f"site-{count}-{without or 'full'}"
    args = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)]
    run = measure(args, capture=True, cwd=tree, env=ENV)
    if run.returncode:
        print(run.output[-3000:], file=sys.stderr)
    shutil.rmtree(site, ignore_errors=True)
    return Figures(count, without, run.seconds, run.cpu_seconds, run.peak_mb, run.tree_mb, run.returncode == 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--pieces", nargs="+", choices=sorted(PIECES), default=list(PIECES))
    parser.add_argument("--repeat", type=int, default=1, help="builds of each kind, interleaved")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    print_reference()
    results: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="opskb-machinery-bench-") as tmp:
        for count in args.sizes:
            tree = make_tree(Path(tmp) / f"tree-{count}", count)
            shutil.copytree(REPO / "schemas", tree / "schemas")
            write_config(tree)
            for _ in range(args.repeat):
                for without in ["", *args.pieces]:
                    result = build(tree, count, without)
                    results.append(result)
                    print(
                        f"{count} runbooks, without {without or 'nothing'}: {result.wall_s:.1f} s wall, "
                        f"{result.cpu_s:.1f} s CPU, {result.peak_mb:.0f} MB largest process, "
                        f"{result.tree_mb:.0f} MB all processes{'' if result.ok else ' FAILED'}",
                        flush=True,
                    )
    print("\n| runbooks | without | wall s | CPU s | peak MB, largest | peak MB, all |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r.runbooks} | {r.without or '(every piece on)'} | {r.wall_s:.1f} | {r.cpu_s:.1f} | "
            f"{r.peak_mb:.0f} | {r.tree_mb:.0f} |"
        )
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
