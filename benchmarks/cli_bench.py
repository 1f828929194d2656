"""Incident-time CLI: `opskb find` on 10,000 runbooks and `status reconcile` on 1,000,000 rows.

find's runbooks are real-sized: copies of this repository's own (benchmarks/realsize.py),
beside its escalation map and status mappings. reconcile's rows are written for the
status mapping of the minimal example (tests/fixtures/minimal, through synth.py): which
rows disagree, and so the findings, are known in advance. The first line printed is the
machine's speed reference (measure.machine_reference).

find: the first query builds the index (parses and checks every file) and caches it under
.cache/opskb; later queries only stat the content files and load the cache. Reported as
the whole `opskb find` process (what a person waits for) and in-process (index load +
query, without Python start-up and the CLI's imports).

reconcile: generated CSVs, streamed; wall time and the process's peak memory for
100,000 and 1,000,000 rows: one file as a script writes it (UTF-8, ',', codes) and as a
spreadsheet does (cp1251, ';', CRLF, Russian header, labels) - flat memory, the two peaks
about the same - and two files joined by order id, which holds our side (about 50 bytes an
order) and streams the marketplace's.

Prints Markdown tables for the README. Targets: find < 300 ms with the cached index,
reconcile 1,000,000 rows < 10 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import measure, print_reference
from realsize import alert_of, make_tree
from synth import make_tree as minimal_tree

BIN = Path(sys.executable).parent
OPSKB = str(BIN / "opskb")


def queries(size: int) -> list[tuple[str, str]]:
    """(what it is, the query): an alert name pasted from the alert, then words typed."""
    return [
        ("alert name", alert_of(size)),
        ("symptom words", "stock order does not match"),
        ("Russian words", "цены не применились"),
        ("status code", "awaiting_packaging"),
    ]


# `opskb find` as its own process without opskb.cli, which imports every command module
# (and through `check` the schema validator) before parsing: what find costs by itself.
_FIND_ONLY = """
import argparse, sys
from opskb.commands import find
parser = argparse.ArgumentParser()
find.add_arguments(parser)
sys.exit(find.run(parser.parse_args(sys.argv[1:])))
"""

_IN_PROCESS = """
import sys, time
from pathlib import Path
from opskb.search import search
root, query = Path(sys.argv[1]), sys.argv[2]
best = 1e9
for _ in range(5):
    start = time.perf_counter()
    index, rebuilt = search.load_or_build(root, None)
    search.search(index, query)
    best = min(best, time.perf_counter() - start)
    assert not rebuilt
print(best)
"""


def bench_find(work: Path, size: int, repeat: int) -> None:
    root = make_tree(work / f"kb-{size}", size)
    cold = measure([OPSKB, "find", "x", "--root", str(root)])
    print(f"### opskb find, {size:,} runbooks\n")
    print(
        f"Index build on the first query (parse + check + index, then cached): {cold.seconds:.2f} s, "
        f"peak {cold.peak_mb:.0f} MB\n"
    )
    print(
        f"| query | `opskb find` process (best of {repeat}) | find module alone, own process "
        "| in-process load + query | peak memory |"
    )
    print("|---|---:|---:|---:|---:|")
    for label, query in queries(size):
        runs = [measure([OPSKB, "find", query, "--root", str(root)]) for _ in range(repeat)]
        best = min(runs, key=lambda m: m.seconds)
        alone = min(
            measure([sys.executable, "-c", _FIND_ONLY, query, "--root", str(root)]).seconds for _ in range(repeat)
        )
        inner = subprocess.run(
            [sys.executable, "-c", _IN_PROCESS, str(root), query], capture_output=True, text=True, check=True
        )
        print(
            f"| {label}: `{query}` | {best.seconds * 1000:.0f} ms | {alone * 1000:.0f} ms "
            f"| {float(inner.stdout) * 1000:.0f} ms "
            f"| {best.peak_mb:.0f} MB |"
        )
    touched = sorted((root / "runbooks").glob("*.yaml"))[1]
    os.utime(touched, ns=(time.time_ns(), time.time_ns()))
    rebuild = measure([OPSKB, "find", "x", "--root", str(root)])
    print(f"\nAfter one file changes, the next query rebuilds: {rebuild.seconds:.2f} s\n")


def write_orders(path: Path, rows: int) -> None:
    cycle = [
        "ozon,awaiting_packaging,new",
        "ozon,awaiting_deliver,assembling",
        "ozon,delivering,shipped",
        "ozon,delivered,delivered",
        "ozon,cancelled,cancelled",
        "ozon,awaiting_deliver,shipped",
    ]
    with path.open("w", encoding="utf-8") as out:
        out.write("order_id,marketplace,marketplace_status,internal_status\n")
        for number in range(rows):
            out.write(f"{number},{cycle[number % len(cycle)]}\n")


def write_spreadsheet_orders(path: Path, rows: int) -> None:
    """The same orders as a spreadsheet on a Russian desktop saves them: cp1251, ';', CRLF, a
    Russian header, the marketplace by its Russian name, statuses partly as buyer labels."""
    cycle = [
        "Озон;Ожидает сборки;new",
        "Ozon;awaiting_deliver;assembling",
        "Озон;delivering;shipped",
        "OZON;delivered;delivered",
        "Озон;cancelled;cancelled",
        "Озон;awaiting_deliver;shipped",
    ]
    with path.open("w", encoding="cp1251", newline="") as out:
        out.write("Номер заказа;Маркетплейс;Статус на маркетплейсе;Наш статус\r\n")
        for number in range(rows):
            out.write(f"{number};{cycle[number % len(cycle)]}\r\n")


def write_pair(market: Path, ours: Path, rows: int) -> None:
    """The marketplace's export and ours for the same orders, in different orders: every
    sixth order disagrees, and one in 1,000 is on one side only (each side)."""
    cycle = [
        ("awaiting_packaging", "new"),
        ("awaiting_deliver", "assembling"),
        ("delivering", "shipped"),
        ("delivered", "delivered"),
        ("cancelled", "cancelled"),
        ("awaiting_deliver", "shipped"),
    ]
    with market.open("w", encoding="utf-8") as out:
        out.write("posting_number;status;substatus\n")
        for number in range(rows):
            if number % 1000 != 999:
                out.write(f"{number:08d}-1;{cycle[number % 6][0]};\n")
    with ours.open("w", encoding="utf-8") as out:
        out.write("order_id,marketplace,internal_status\n")
        for number in reversed(range(rows)):
            name = f"{number:08d}-1" if number % 1000 != 998 else f"{number:08d}-9"
            out.write(f"{name},ozon,{cycle[number % 6][1]}\n")


def bench_reconcile(work: Path, sizes: list[int]) -> None:
    root = minimal_tree(work / "kb-reconcile", 1)
    print("### opskb status reconcile\n")
    print("| file | rows | findings | wall time | CPU time | peak memory |")
    print("|---|---:|---:|---:|---:|---:|")
    for rows in sizes:
        for shape, writer in (("UTF-8, ',', codes", write_orders), ("cp1251, ';', labels", write_spreadsheet_orders)):
            path = work / f"orders-{rows}.csv"
            writer(path, rows)
            run = measure([OPSKB, "status", "reconcile", str(path), "--root", str(root), "--max-shown", "0"])
            assert run.returncode == 1, "every sixth row is a mismatch"
            figures = f"{run.seconds:.2f} s | {run.cpu_seconds:.2f} s | {run.peak_mb:.0f} MB"
            print(f"| one file, {shape} | {rows:,} | {rows // 6:,} | {figures} |")
        market, ours = work / f"market-{rows}.csv", work / f"ours-{rows}.csv"
        write_pair(market, ours, rows)
        argv = [OPSKB, "status", "reconcile", "--marketplace", "ozon", str(market), "--ours", str(ours)]
        run = measure([*argv, "--root", str(root), "--max-shown", "0"], capture=True)
        assert run.returncode == 1, run.output[-2000:]
        findings = rows // 6 + 2 * (rows // 1000)
        figures = f"{run.seconds:.2f} s | {run.cpu_seconds:.2f} s | {run.peak_mb:.0f} MB"
        print(f"| two files joined | {rows:,} + {rows:,} | ~{findings:,} | {figures} |")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runbooks", type=int, default=10_000)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print_reference()
    work = Path(tempfile.mkdtemp(prefix="opskb-cli-bench-"))
    try:
        bench_find(work, args.runbooks, args.repeat)
        bench_reconcile(work, args.rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
