"""`opskb check` against check-jsonschema on the same real-sized runbooks, in one run.

The runbooks are copies of this repository's own (benchmarks/realsize.py), beside its
escalation map and status mappings. opskb check does YAML with positions, every schema
error located, and every cross-check; check-jsonschema is given the runbook schema only.
Prints the machine's speed reference (measure.machine_reference), then a Markdown table
for the README. A large check runs on every core (opskb.model.forked): its memory is
given for the largest process and for all of them together (proportional set sizes, so
what a child shares with its parent counts once).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from measure import measure, print_reference
from realsize import REPO, make_tree

BIN = Path(sys.executable).parent


def bundled_runbook_schema(target: Path) -> Path:
    """The runbook schema with common.schema.json inlined: check-jsonschema then needs no
    reference resolution per file (with --base-uri it re-resolved per file and ran 10x slower)."""
    schemas = REPO / "schemas"
    runbook = json.loads((schemas / "runbook.schema.json").read_text())
    common = json.loads((schemas / "common.schema.json").read_text())
    runbook.pop("$id")
    text = json.dumps(runbook).replace('"common.schema.json#/$defs/', '"#/$defs/common-')
    bundled = json.loads(text)
    inner = json.dumps(common["$defs"]).replace('"#/$defs/', '"#/$defs/common-')
    bundled["$defs"].update({f"common-{name}": value for name, value in json.loads(inner).items()})
    target.write_text(json.dumps(bundled))
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--repeat", type=int, default=3, help="opskb runs per size (best is reported)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="opskb-check-bench-"))
    schema = bundled_runbook_schema(work / "runbook.bundled.schema.json")
    print_reference()
    print(
        "| runbooks | opskb check | peak memory, largest process | all processes "
        "| check-jsonschema (runbook schema only) | ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    try:
        for size in args.sizes:
            root = make_tree(work / f"kb-{size}", size)
            runs = [measure([str(BIN / "opskb"), "check", str(root)]) for _ in range(args.repeat)]
            best = min(runs, key=lambda m: m.seconds)
            assert all(m.returncode == 0 for m in runs), "the real-sized tree must be clean"
            files = sorted(str(p) for p in (root / "runbooks").glob("*.yaml"))
            other = measure(
                [
                    str(BIN / "check-jsonschema"),
                    "--schemafile",
                    str(schema),
                    *files,
                ]
            )
            assert other.returncode == 0, "check-jsonschema must accept the real-sized runbooks"
            print(
                f"| {size:,} | {best.seconds:.2f} s | {max(m.peak_mb for m in runs):.0f} MB "
                f"| {max(m.tree_mb for m in runs):.0f} MB "
                f"| {other.seconds:.2f} s | {other.seconds / best.seconds:.1f}x |"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
