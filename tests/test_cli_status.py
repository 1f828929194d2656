"""`opskb status`: one status looked up, and a file of orders reconciled with the mapping."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from opskb.gate.checker import check_tree


def test_exact_mapping(cli, tree: Path) -> None:
    result = cli("status", "ozon", "awaiting_deliver", "--root", tree)
    assert result.code == 0
    assert result.out.startswith("ozon awaiting_deliver -> assembling (Assembling)  [exact]")


def test_closest_mapping_carries_its_note(cli, tree: Path) -> None:
    result = cli("status", "ozon", "awaiting_packaging", "--root", tree, "--format", "json")
    data = json.loads(result.out)
    assert data["maps_to"] == "new" and data["match"] == "closest"
    assert data["note"] == "No separate accepted step on the marketplace."
    assert data["label"] == "Ожидает сборки"


def test_two_part_code_falls_back_to_its_first_part(cli, tree: Path) -> None:
    result = cli("status", "ozon", "delivering/posting_on_way_to_city", "--root", tree)
    assert result.code == 0
    assert "-> shipped" in result.out
    assert "listed as delivering" in result.out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["ozon", "teleported"], 1, "ozon has no status 'teleported'"),
        (["ozon", "DELIVERED"], 1, "codes are case-sensitive: delivered"),
        (["ozn", "delivered"], 2, "did you mean ozon"),
    ],
)
def test_unknown_values_are_reported(cli, tree: Path, args: list[str], code: int, message: str) -> None:
    result = cli("status", *args, "--root", tree)
    assert result.code == code
    assert message in result.err
    assert "Traceback" not in result.err


ORDERS = (
    "order_id,marketplace,marketplace_status,internal_status\n"  # 1 header
    "A-1,ozon,awaiting_packaging,new\n"  # 2 ok
    "A-2,ozon,awaiting_deliver,shipped\n"  # 3 mismatch: buyer sees assembling, we say in delivery
    "A-3,ozon,delivered\n"  # 4 wrong column count
    "A-4,aliexpress,Complete,delivered\n"  # 5 unknown marketplace
    "A-5,ozon,teleported,new\n"  # 6 unknown status: reported, never mapped to a default
    "A-6,ozon,delivered,lost\n"  # 7 unknown internal status
    "\n"  # 8 blank: skipped
    "A-7,ozon,cancelled,cancelled\n"  # 9 ok
)


def _write(tmp_path: Path, text: str | bytes, name: str = "orders.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_reconcile_reports_mismatches_and_bad_rows_by_line(cli, tree: Path, tmp_path: Path) -> None:
    orders = _write(tmp_path, ORDERS)
    result = cli("status", "reconcile", orders, "--root", tree)
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == (f"{orders}:3: mismatch: order A-2: ozon awaiting_deliver maps to assembling, ours is shipped")
    assert lines[1].startswith(f"{orders}:4: bad row: expected 4 columns")
    assert lines[2] == f"{orders}:5: bad row: unknown marketplace 'aliexpress'"
    assert lines[3].startswith(f"{orders}:6: bad row: status 'teleported' is not in the ozon mapping")
    assert lines[4] == f"{orders}:7: bad row: unknown internal status 'lost'"
    assert "7 row(s): 2 ok, 1 mismatch(es), 4 bad row(s)" in result.out


def test_reconcile_json_lines(cli, tree: Path, tmp_path: Path) -> None:
    result = cli("status", "reconcile", _write(tmp_path, ORDERS), "--root", tree, "--format", "json")
    records = [json.loads(line) for line in result.out.splitlines()]
    mismatch = records[0]
    assert mismatch["kind"] == "mismatch" and mismatch["line"] == 3
    assert mismatch["expected"] == "assembling" and mismatch["internal_status"] == "shipped"
    assert records[-1]["summary"]["mismatches"] == 1
    assert records[-1]["summary"]["top_mismatches"][0] == {
        "marketplace": "ozon",
        "expected": "assembling",
        "ours": "shipped",
        "count": 1,
    }


def test_clean_file_exits_0(cli, tree: Path, tmp_path: Path) -> None:
    text = "A-1;ozon;awaiting_packaging;new\nA-2;ozon;delivering/posting_in_carriage;shipped\n"
    result = cli("status", "reconcile", _write(tmp_path, text), "--root", tree)
    assert result.code == 0, result.out
    assert "2 row(s): 2 ok, 0 mismatch(es), 0 bad row(s)" in result.out


def test_bad_encoding_nul_and_quotes_do_not_stop_the_file(cli, tree: Path, tmp_path: Path) -> None:
    data = (
        "\ufeffA-1,ozon,awaiting_packaging,new\n".encode()  # BOM from a spreadsheet: fine
        + "A-2,ozon,delivered,Доставлен\n".encode("cp1251")  # line 2: not UTF-8
        + b"A-3,ozon,deliv\x00ered,delivered\n"  # line 3: NUL byte
        + b'"A-4\nwith newline",ozon,awaiting_deliver,new\n'  # lines 4-5: one row, mismatch
        + b"A-5,ozon,delivered,delivered\n"  # line 6: ok
    )
    result = cli("status", "reconcile", _write(tmp_path, data), "--root", tree, "--format", "json")
    records = [json.loads(line) for line in result.out.splitlines()]
    found = {(r["line"], r["kind"]) for r in records[:-1]}
    assert found == {(2, "bad_row"), (3, "bad_row"), (4, "mismatch")}
    assert records[0]["message"] == "bytes not valid in UTF-8 at byte 20"
    assert records[1]["message"] == "NUL byte at column 15"
    assert records[-1]["summary"]["ok"] == 2


def test_reconcile_usage_errors(cli, tree: Path, tmp_path: Path) -> None:
    result = cli("status", "reconcile", tmp_path / "missing.csv", "--root", tree)
    assert result.code == 2 and "no such file" in result.err
    empty = _write(tmp_path, "")
    assert cli("status", "reconcile", empty, "--root", tree).code == 0


def _million(path: Path, rows: int) -> None:
    """Orders with one mismatch every 1,000 rows and one bad row every 100,000."""
    cycle = [
        "ozon,awaiting_packaging,new",
        "ozon,awaiting_deliver,assembling",
        "ozon,delivering,shipped",
        "ozon,delivered,delivered",
        "ozon,cancelled,cancelled",
        "ozon,delivering/posting_in_carriage,shipped",
    ]
    with path.open("w", encoding="utf-8") as out:
        out.write("order_id,marketplace,marketplace_status,internal_status\n")
        for number in range(rows):
            if number % 100_000 == 99_999:
                out.write(f"{number},ozon\n")
            elif number % 1_000 == 500:
                out.write(f"{number},ozon,awaiting_deliver,shipped\n")
            else:
                out.write(f"{number},{cycle[number % len(cycle)]}\n")


_MEASURE = """
import resource, sys
from pathlib import Path
from opskb.gate.checker import check_tree
from opskb.statuses.reconcile import StatusMap, reconcile_file
kb, _ = check_tree(Path(sys.argv[1]))
status_map = StatusMap(kb)
seen = []
summary = reconcile_file(Path(sys.argv[2]), status_map, lambda f: seen.append(f.line) if len(seen) < 3 else None)
print(summary.rows, summary.ok, summary.mismatches, summary.bad_rows, seen[0],
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@pytest.mark.slow
def test_million_rows_streams_with_flat_memory(tree: Path, tmp_path: Path) -> None:
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    _million(small, 10_000)
    _million(big, 1_000_000)

    def measure(path: Path) -> list[float]:
        proc = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(tree), str(path)],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return [float(x) for x in proc.stdout.split()]

    rows, ok, mismatches, bad, first, small_rss_kb = measure(small)
    assert (rows, mismatches, bad, first) == (10_000, 10, 0, 502)
    rows, ok, mismatches, bad, first, big_rss_kb = measure(big)
    assert rows == 1_000_000 and bad == 10 and mismatches == 1_000
    assert ok == rows - mismatches - bad
    # Memory does not grow with the file: 100x the rows, a few MB more at most.
    assert big_rss_kb - small_rss_kb < 16 * 1024, (small_rss_kb, big_rss_kb)
    # Time is the benchmark's to report (benchmarks/cli_bench.py, figures in the README).


@pytest.mark.slow
def test_million_rows_through_the_cli(tree: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    _million(big, 1_000_000)
    proc = subprocess.run(
        [
            str(Path(sys.executable).with_name("opskb")),
            "status",
            "reconcile",
            str(big),
            "--root",
            str(tree),
            "--max-shown",
            "5",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "1000000 row(s): 998990 ok, 1000 mismatch(es), 10 bad row(s)" in proc.stdout
    assert "(printed the first 5 of 1010 findings)" in proc.stdout


def test_repository_content_reconciles(cli, tmp_path: Path) -> None:
    kb, _ = check_tree(REPO)
    if not kb.marketplaces:
        pytest.skip("the repository has no marketplace mappings yet")
    rows = []
    for market in sorted(kb.marketplaces.values(), key=lambda m: m.id):
        for status in market.data["statuses"]:
            rows.append(f"{market.id}-{status['code']},{market.id},{status['code']},{status['maps_to']}")
    wrong = next(iter(sorted(kb.internal_statuses)))
    market = sorted(kb.marketplaces)[0]
    status = next(s for s in kb.marketplaces[market].data["statuses"] if s["maps_to"] != wrong)
    rows.append(f"X-1,{market},{status['code']},{wrong}")
    result = cli("status", "reconcile", _write(tmp_path, "\n".join(rows) + "\n"), "--root", REPO)
    assert result.code == 1
    assert f":{len(rows)}: mismatch: order X-1" in result.out
    assert f"{len(rows)} row(s): {len(rows) - 1} ok, 1 mismatch(es), 0 bad row(s)" in result.out


_MEASURE_PAIR = """
import resource, sys
from pathlib import Path
from opskb.gate.checker import check_tree
from opskb.statuses.reconcile import StatusMap, reconcile_pair
kb, _ = check_tree(Path(sys.argv[1]))
summary = reconcile_pair(Path(sys.argv[2]), Path(sys.argv[3]), "ozon", StatusMap(kb), lambda f: None)
print(summary.rows, summary.ok, summary.mismatches, summary.only_marketplace, summary.only_ours,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _pair_files(market: Path, ours: Path, rows: int, ours_rows: int) -> None:
    """A marketplace export of ``rows`` orders and ours of ``ours_rows``, in reverse order;
    one in 1,000 orders of the marketplace's disagrees."""
    with market.open("w", encoding="utf-8") as out:
        out.write("posting_number;status\n")
        for number in range(rows):
            out.write(f"{number:09d};{'awaiting_deliver' if number % 1000 == 7 else 'delivered'}\n")
    with ours.open("w", encoding="utf-8") as out:
        out.write("order_id,internal_status\n")
        for number in reversed(range(ours_rows)):
            out.write(f"{number:09d},{'shipped' if number % 1000 == 7 else 'delivered'}\n")


@pytest.mark.slow
def test_join_holds_our_side_only(tree: Path, tmp_path: Path) -> None:
    """Memory follows our file, not the marketplace's: 100x the marketplace rows against the
    same 10,000 of ours costs a few MB at most; a million of ours, about 50 bytes each."""

    def measure(rows: int, ours_rows: int) -> list[float]:
        market, ours = tmp_path / f"m-{rows}.csv", tmp_path / f"o-{ours_rows}.csv"
        _pair_files(market, ours, rows, ours_rows)
        argv = [sys.executable, "-c", _MEASURE_PAIR, str(tree), str(market), str(ours)]
        proc = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=300)
        return [float(x) for x in proc.stdout.split()]

    *counts, small_kb = measure(10_000, 10_000)
    assert counts == [10_000, 9_990, 10, 0, 0]
    *counts, big_market_kb = measure(1_000_000, 10_000)
    assert counts == [1_000_000, 9_990, 10, 990_000, 0]
    assert big_market_kb - small_kb < 16 * 1024, (small_kb, big_market_kb)
    *counts, big_ours_kb = measure(10_000, 1_000_000)
    assert counts == [1_000_000, 9_990, 10, 0, 990_000]
    assert big_ours_kb - small_kb < 100 * 1024, (small_kb, big_ours_kb)


def test_a_value_that_decides_alone_is_a_move_from_every_open_status(cli, tree: Path) -> None:
    """KB303 reads the precedence too: wbStatus-like 'posting_canceled' may arrive while the
    posting is delivering, and internal 'shipped' cannot move to 'cancelled'."""
    ozon = tree / "status_mappings" / "ozon.yaml"
    text = ozon.read_text(encoding="utf-8")
    text = text.replace(
        "    unlisted_pair: first_alone\n", "    unlisted_pair: first_alone\n    decides_alone: [posting_canceled]\n"
    )
    text = text.replace(
        "  - code: cancelled\n",
        "  - code: cancelled/posting_canceled\n    maps_to: cancelled\n    match: exact\n    terminal: true\n"
        "  - code: cancelled\n",
    )
    ozon.write_text(text, encoding="utf-8")
    result = cli("check", tree, "--format", "json")
    found = [(p["code"], p["line"], p["message"]) for p in result.json()]
    assert found == [
        (
            "KB303",
            12,
            "ozon moves delivering -> delivering/posting_canceled, but internal 'shipped' cannot move to 'cancelled'",
        )
    ]
    internal = tree / "status_mappings" / "internal.yaml"
    moves = internal.read_text(encoding="utf-8").replace("    next: [delivered]", "    next: [delivered, cancelled]")
    internal.write_text(moves, encoding="utf-8")
    assert cli("check", tree).code == 0
    looked_up = cli("status", "ozon", "awaiting_deliver/posting_canceled", "--root", tree, "--format", "json")
    assert json.loads(looked_up.out)["maps_to"] == "cancelled"
