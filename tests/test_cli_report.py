"""`opskb report sla` through the CLI, on exports written here in the three shapes people have.

Every expected deadline is worked out by hand in a comment, on the repository's own SLA
policies (escalation/sla.yaml): critical-situation 15m/30m and critical-incident 15m/4h on
24x7 (the latter the default for a bare critical priority), high 1h/4h, medium 2h/9h and low
4h/18h on msk-business: 09:00-18:00 Mon-Fri, Europe/Moscow, Russian public holidays
(Wednesday 4 November 2026 is Unity Day). The period is November 2026, so the end of the
period is Tue 1 Dec 2026 00:00 MSK.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import REPO

PERIOD = ("--from", "2026-11-01", "--to", "2026-11-30")


def _lines(*rows: str) -> str:
    return "".join(row + "\n" for row in rows)


# Jira's CSV export (English locale, default date form dd/MMM/yy h:mm a): multi-valued fields
# as repeated columns, custom fields as 'Custom field (NAME)', every value quoted only when needed.
JIRA = _lines(
    "Summary,Issue key,Issue id,Issue Type,Status,Priority,Created,Resolved,Component/s,Component/s,"
    "Labels,Labels,Custom field (First Response Date)",
    "Statuses differ after the weekend sync,OPS-101,20101,Incident,Done,High,06/Nov/26 4:00 PM,"
    "09/Nov/26 10:30 AM,Order management,,,,06/Nov/26 4:30 PM",
    '"Photos missing, prices odd",OPS-102,20102,Incident,Done,Medium,03/Nov/26 3:00 PM,'
    "05/Nov/26 3:30 PM,PIM,Pricing module,,,03/Nov/26 4:00 PM",
    "Points not credited,OPS-103,20103,Incident,Done,High,10/Nov/26 5:30 PM,11/Nov/26 1:00 PM,"
    "Loyalty processing,,,,11/Nov/26 9:15 AM",
    "Price export late,OPS-104,20104,Incident,Done,Low,14/Nov/26 10:30 PM,15/Nov/26 2:00 AM,,,alert,"
    "PriceExportStale,14/Nov/26 10:40 PM",
    "Pickup point hours wrong,OPS-105,20105,Incident,Open,Low,30/Nov/26 4:00 PM,,Pickup points,,,,",
    "Statuses differ again,OPS-101,20106,Incident,Open,High,07/Nov/26 4:00 PM,,Order management,,,,",
    "Closed before it opened,OPS-107,20107,Incident,Done,High,12/Nov/26 10:00 AM,11/Nov/26 10:00 AM,PIM,,,,",
    "October leftover,OPS-108,20108,Incident,Done,High,30/Oct/26 10:00 AM,30/Oct/26 11:00 AM,PIM,,,,",
)

# ServiceNow's incident list exported as CSV: every cell quoted, its field names, its numbered
# priorities and yyyy-MM-dd HH:mm:ss dates; no first-response field.
SERVICENOW = _lines(
    '"number","short_description","priority","state","opened_at","resolved_at","assignment_group","cmdb_ci"',
    '"INC0010001","Prices not applied overnight","1 - Critical","Resolved","2026-11-07 23:30:00",'
    '"2026-11-08 04:00:00","Pricing","Pricing Module"',
    '"INC0010002","=HYPERLINK(""http://x.example/"",""PIM"")","2 - High","Resolved",'
    '"2026-11-13 17:00:00","2026-11-16 11:00:00","","PIM"',
    '"INC0010003","Loyalty points missing","3 - Moderate","In Progress","2026-11-02 10:00:00","","",'
    '"Loyalty processing"',
    '"INC0010004","Something odd","6 - Whenever","New","2026-11-02 10:00:00","","","PIM"',
    '"INC0010005","Label printer","4 - Low","New","2026-11-31 10:00:00","","","PIM"',
)

# A Russian ITSM system's export as a spreadsheet saves it: cp1251, ';', CRLF, dd.mm.yyyy HH:MM.
ITSM = [
    "Номер;Тема;Приоритет;Дата регистрации;Дата реакции;Дата решения;Система;Группа",
    "101;no-orders-from-marketplace: нет заказов с Озона;Критический;21.11.2026 23:50;22.11.2026 00:04;"
    "22.11.2026 00:25;Маркетплейсы;",
    "102;Не выгружаются фото;Средний;06.11.2026 17:00;09.11.2026 10:00;10.11.2026 09:00;PIM;",
    "103;Ошибка в отчёте;Низкий;16.11.2026 10:00;16.11.2026 11:00;16.11.2026 12:00;CRM;",
]


def _report(cli, *args: object):
    result = cli("report", "sla", *args, "--root", REPO)
    assert "Traceback" not in result.err
    return result


def _json(cli, path: Path, *args: object) -> tuple[dict, dict, object]:
    result = _report(cli, path, *PERIOD, "--format", "json", *args)
    data = json.loads(result.out)
    return {t["key"]: t for t in data["tickets"]}, data["summary"], result


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_jira_export(cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "jira.csv", JIRA.encode())
    tickets, summary, result = _json(cli, path)
    expected = {
        # High, Fri 16:00. React 1h: 17:00 Fri, answered 16:30. Resolve 4 working hours: 16-18 Fri (2h),
        # the weekend skipped, 09-11 Mon (2h) = Mon 11:00; resolved 10:30: met.
        "OPS-101": ("high", "2026-11-06T17:00:00+03:00", "met", "2026-11-09T11:00:00+03:00", "met"),
        # Medium, Tue 3 Nov 15:00. React 2h: 17:00 Tue, answered 16:00. Resolve 9h: 15-18 Tue (3h),
        # Wed 4 Nov is a public holiday, 09-15 Thu (6h) = Thu 5 Nov 15:00; resolved 15:30: breached.
        "OPS-102": ("medium", "2026-11-03T17:00:00+03:00", "met", "2026-11-05T15:00:00+03:00", "breached"),
        # High, Tue 17:30, half an hour before the end of the working day. React 1h: 17:30-18:00
        # (30m) + 09:00-09:30 Wed = Wed 09:30, answered 09:15. Resolve 4h: 30m Tue + 3h30 Wed =
        # Wed 12:30; resolved 13:00: breached.
        "OPS-103": ("high", "2026-11-11T09:30:00+03:00", "met", "2026-11-11T12:30:00+03:00", "breached"),
        # Priority Low, but a label names the alert PriceExportStale: runbook prices-not-applied,
        # route pricing-critical, policy critical-incident on 24x7. Sat 22:30 + 15m = 22:45; + 4h
        # crosses midnight = Sun 02:30. Answered 22:40, resolved 02:00: met twice.
        "OPS-104": ("critical-incident", "2026-11-14T22:45:00+03:00", "met", "2026-11-15T02:30:00+03:00", "met"),
        # Low, Mon 30 Nov 16:00, still open. React 4h: 16-18 Mon (2h) + 09-11 Tue = Tue 1 Dec 11:00.
        # Resolve 18h: 2h Mon + 9h Tue + 7h Wed = Wed 2 Dec 16:00. Both after the end of the
        # period (Tue 1 Dec 00:00): pending, pending.
        "OPS-105": ("low", "2026-12-01T11:00:00+03:00", "pending", "2026-12-02T16:00:00+03:00", "pending"),
    }
    got = {k: (t["policy"], t["react_due"], t["react"], t["resolve_due"], t["resolve"]) for k, t in tickets.items()}
    assert got == expected
    assert tickets["OPS-104"]["runbook"] == "prices-not-applied"
    assert tickets["OPS-102"]["systems"] == ["pim", "pricing-module"]  # both Component/s columns
    assert tickets["OPS-102"]["resolve_late_minutes"] == 30
    # The repeated key, the resolution before creation: left out, each with its file and row.
    assert result.code == 1
    assert f"{path}:7: bad row: OPS-101: duplicate ticket key (first on {path}:2)" in result.err
    assert f"{path}:8: bad row: OPS-107: resolved 2026-11-11 10:00 is before created 2026-11-12 10:00" in result.err
    assert summary["left_out"] == {"rows": 2, "by_kind": {"duplicate key": 1, "resolved before created": 1}}
    assert summary["outside_period"] == 1  # OPS-108, October
    groups = {g["name"]: g for g in summary["groups"]}
    # pricing-module: OPS-102 (breached) and OPS-104 (met, the runbook's systems): 1 / (1 + 1)
    pricing = groups["pricing-module"]
    assert (pricing["tickets"], pricing["met"], pricing["breached"], pricing["percent"]) == (2, 1, 1, 50.0)
    assert (groups["pickup-points"]["pending"], groups["pickup-points"]["percent"]) == (1, None)
    total = summary["total"]  # met: 101, 104; breached: 102, 103; pending: 105
    assert (total["tickets"], total["met"], total["breached"], total["pending"], total["percent"]) == (5, 2, 2, 1, 50.0)
    assert summary["files"][0]["date_format"] == "DD/MON/YY hh:mm AMPM"


def test_servicenow_export(cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "incident.csv", SERVICENOW.encode())
    tickets, summary, result = _json(cli, path)
    expected = {
        # 1 - Critical and no runbook named: the critical policy marked default_for_priority,
        # critical-incident, 4 calendar hours: Sat 23:30 + 4h = Sun 03:30 across midnight;
        # resolved 04:00: breached. No first-response column: reaction unknown.
        "INC0010001": ("critical-incident", "2026-11-08T03:30:00+03:00", "breached", "unknown"),
        # 2 - High, Fri 13 Nov 17:00: 17-18 Fri (1h) + 09-12 Mon (3h) = Mon 16 Nov 12:00; resolved 11:00.
        "INC0010002": ("high", "2026-11-16T12:00:00+03:00", "met", "unknown"),
        # 3 - Moderate, Mon 2 Nov 10:00, open: 10-18 Mon (8h) + 09-10 Tue = Tue 3 Nov 10:00, long
        # before the end of the period: an open ticket past its deadline is breached.
        "INC0010003": ("medium", "2026-11-03T10:00:00+03:00", "breached", "unknown"),
    }
    got = {k: (t["policy"], t["resolve_due"], t["resolve"], t["react"]) for k, t in tickets.items()}
    assert got == expected
    assert tickets["INC0010001"]["systems"] == ["pricing-module"] and tickets["INC0010001"]["team"] == "pricing-team"
    # open past its deadline: late from the deadline to the end of the period, 27 days 14 hours
    assert tickets["INC0010003"]["resolve_late_minutes"] == (27 * 24 + 14) * 60
    assert result.code == 1
    assert f"{path}:5: bad row: INC0010004: unknown priority '6 - Whenever'" in result.err
    assert f"{path}:6: bad row: INC0010005: created '2026-11-31 10:00:00' is not a date" in result.err
    assert summary["left_out"]["by_kind"] == {"unknown priority": 1, "bad date": 1}


def test_servicenow_csv_output_is_formula_safe(cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "incident.csv", SERVICENOW.encode())
    result = _report(cli, path, *PERIOD, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    ticket = next(r for r in rows if r["key"] == "INC0010002")
    assert ticket["resolve_due"] == "2026-11-16T12:00:00+03:00" and ticket["resolve"] == "met"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    assert '"group"' in result.out and "kind" in rows[0]


def test_russian_itsm_export_cp1251(cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "itsm.csv", "".join(line + "\r\n" for line in ITSM).encode("cp1251"))
    tickets, summary, result = _json(cli, path)
    expected = {
        # Тема names the runbook no-orders-from-marketplace: route marketplace-critical, policy
        # critical-situation (15m / 30m, 24x7). Sat 21 Nov 23:50 + 15m = Sun 00:05 (answered 00:04:
        # met); + 30m = 00:20 (resolved 00:25: breached by 5 minutes).
        "101": ("critical-situation", "2026-11-22T00:05:00+03:00", "met", "2026-11-22T00:20:00+03:00", "breached"),
        # Средний = medium, Fri 6 Nov 17:00. React 2h: 17-18 Fri + 09-10 Mon = Mon 10:00, answered
        # at exactly 10:00: met. Resolve 9h: 1h Fri + 8h Mon = Mon 17:00; resolved Tue 09:00.
        "102": ("medium", "2026-11-09T10:00:00+03:00", "met", "2026-11-09T17:00:00+03:00", "breached"),
        # Низкий = low, Mon 16 Nov 10:00: react 14:00, resolve 18h = 8h Mon + 9h Tue + 1h Wed = Wed 10:00.
        "103": ("low", "2026-11-16T14:00:00+03:00", "met", "2026-11-18T10:00:00+03:00", "met"),
    }
    got = {k: (t["policy"], t["react_due"], t["react"], t["resolve_due"], t["resolve"]) for k, t in tickets.items()}
    assert got == expected
    assert tickets["102"]["resolve_late_minutes"] == 16 * 60
    assert result.code == 0, result.err
    read = summary["files"][0]
    assert (read["encoding"], read["delimiter"], read["date_format"]) == ("cp1251", ";", "DD.MM.YYYY HH:mm[:ss]")
    # 101 names a runbook, whose systems it gets: its Система column is not read
    assert tickets["101"]["systems"] == ["marketplace-integration", "order-management"]
    assert [(u["name"], u["tickets"], u["first"]) for u in summary["unknown_systems"]] == [("CRM", 1, f"{path}:4")]


def test_several_exports_and_groups_by_policy(cli, tmp_path: Path) -> None:
    jira = _write(tmp_path, "jira.csv", JIRA.encode())
    itsm = _write(tmp_path, "itsm.csv", "".join(line + "\r\n" for line in ITSM).encode("cp1251"))
    result = _report(cli, jira, itsm, *PERIOD, "--by", "policy")
    lines = {line.split()[0]: line.split()[1:] for line in result.out.splitlines() if line[:1].isalpha()}
    # medium: OPS-102 (breached) and 102 (breached); tickets, met, breached, pending, SLA %
    assert lines["medium"][:5] == ["2", "0", "2", "0", "0.0"]
    # high: OPS-101 met, OPS-103 breached
    assert lines["high"][:5] == ["2", "1", "1", "0", "50.0"]
    assert "left out 2 row(s) (duplicate key: 1, resolved before created: 1)" in result.out


def test_ambiguous_day_and_month_are_not_guessed(cli, tmp_path: Path) -> None:
    rows = ["Number;Priority;Created;Resolved", "1;High;06/11/2026 10:00;06/11/2026 11:00", "2;High;05/11/2026 10:00;"]
    path = _write(tmp_path, "slashes.csv", "\n".join(rows).encode())
    refused = _report(cli, path, *PERIOD)
    assert refused.code == 2
    assert "'06/11/2026 10:00' read as 'DD/MM/YYYY HH:mm[:ss]' or 'MM/DD/YYYY HH:mm[:ss]'" in refused.err
    assert "--date-format" in refused.err
    told = _report(cli, path, *PERIOD, "--date-format", "DD/MM/YYYY HH:mm", "--format", "json")
    tickets = {t["key"]: t for t in json.loads(told.out)["tickets"]}
    assert tickets["1"]["created"] == "2026-11-06T10:00:00+03:00"
    # A date only one reading allows decides for the whole file: 13/11 is day first.
    path.write_bytes("\n".join([*rows, "3;High;13/11/2026 10:00;13/11/2026 11:00"]).encode())
    decided = json.loads(_report(cli, path, *PERIOD, "--format", "json").out)
    assert {t["key"]: t["created"][:10] for t in decided["tickets"]}["1"] == "2026-11-06"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Summary,Priority,Created,Resolved", "no column for key"),
        ("Issue key,Priority,Created", "no column for resolved"),
    ],
)
def test_missing_columns_are_a_usage_error(cli, tmp_path: Path, header: str, message: str) -> None:
    path = _write(tmp_path, "t.csv", f"{header}\nA,High,2026-11-02 10:00,2026-11-02 11:00\n".encode())
    result = _report(cli, path, *PERIOD)
    assert result.code == 2 and message in result.err and str(path) in result.err


def test_column_and_priority_options(cli, tmp_path: Path) -> None:
    rows = ["Код;Важность;Открыт;Закрыт", "X-1;Срочно;02.11.2026 10:00;02.11.2026 10:20"]
    path = _write(tmp_path, "odd.csv", "\n".join(rows).encode())
    args = ["--column", "key=Код", "--column", "priority=Важность", "--column", "created=Открыт"]
    args += ["--column", "resolved=Закрыт", "--priority", "Срочно=critical"]
    tickets, _, result = _json(cli, path, *args)
    # critical, default critical-incident: 10:00 + 4h on 24x7 = 14:00
    assert tickets["X-1"]["resolve_due"] == "2026-11-02T14:00:00+03:00" and result.code == 0


def test_html_report_is_static_and_escaped(cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "incident.csv", SERVICENOW.encode())
    out = tmp_path / "sla.html"
    result = _report(cli, path, *PERIOD, "--format", "html", "--output", out)
    page = out.read_text(encoding="utf-8")
    assert result.code == 1 and result.out == ""
    # nothing to load or run: no script, no link or source to fetch
    assert "<script" not in page and "src=" not in page and "href=" not in page and "@import" not in page
    assert page.count("<svg") == 3  # pim, pricing-module, loyalty-processing
    assert "=HYPERLINK(&#34;http://x.example/&#34;,&#34;PIM&#34;)" in page  # the export's text, escaped


def test_html_report_marks_words_in_another_language(cli, tmp_path: Path) -> None:
    # The page is English; the Russian export's summaries and the unknown system "CRM"
    # beside Russian words: each Russian run carries lang="ru" (a screen reader speaks it
    # in Russian), English and numbers stay unmarked, and the text is still escaped.
    rows = [*ITSM, "104;<b>Сбой</b> в PIM;Низкий;16.11.2026 10:00;16.11.2026 11:00;16.11.2026 12:00;PIM;"]
    path = _write(tmp_path, "itsm.csv", "".join(line + "\r\n" for line in rows).encode("cp1251"))
    out = tmp_path / "sla.html"
    _report(cli, path, *PERIOD, "--format", "html", "--output", out)
    page = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert '<span lang="ru">Не выгружаются фото</span>' in page
    assert '&lt;b&gt;<span lang="ru">Сбой</span>&lt;/b&gt; <span lang="ru">в</span> PIM' in page
    assert '<span lang="en">' not in page and "<b>Сбой" not in page


def test_group_by_team_from_the_assignment_group(cli, tmp_path: Path) -> None:
    path = _write(tmp_path, "incident.csv", SERVICENOW.encode())
    result = _report(cli, path, *PERIOD, "--by", "team", "--format", "json")
    groups = {g["name"]: g for g in json.loads(result.out)["summary"]["groups"]}
    # INC0010001's assignment group "Pricing" is the pricing team's name; INC0010002 has none,
    # so its system's owner (pim) stands for it
    assert groups["pricing-team"]["tickets"] == 1 and groups["pricing-team"]["breached"] == 1
    assert sum(g["tickets"] for g in groups.values()) == 3


def test_two_defaults_for_one_priority_are_reported(cli, tree: Path) -> None:
    sla = tree / "escalation" / "sla.yaml"
    text = sla.read_text(encoding="utf-8")
    text = text.replace("    priority: high\n", "    priority: critical\n    default_for_priority: true\n")
    text = text.replace(
        "    priority: critical\n    react_within: 15m",
        "    priority: critical\n    default_for_priority: true\n    react_within: 15m",
    )
    sla.write_text(text, encoding="utf-8")
    result = cli("check", tree)
    assert result.code == 1
    assert "KB340 SLA policies critical-24x7, high-business have priority 'critical' and 2 of them" in result.out


def test_systems_are_matched_by_id_name_or_alias_and_unknown_ones_said(cli, tmp_path: Path) -> None:
    """escalation/teams.yaml's systems: list gives each owned system its name and the names
    tickets write for it: an export's system counts under the id whichever it writes, case
    and punctuation aside; one that no id, name or alias reads is listed as unknown."""
    rows = [
        "Номер;Тема;Приоритет;Дата регистрации;Дата решения;Система",
        "201;Баллы не начислены;Средний;02.11.2026 10:00;02.11.2026 12:00;Программа лояльности",
        "202;Цены не пересчитаны;Средний;02.11.2026 10:00;02.11.2026 12:00;Модуль ценообразования",
        "203;Нет фото;Средний;02.11.2026 10:00;02.11.2026 12:00;PIM",
        "204;Points missing;Средний;02.11.2026 10:00;02.11.2026 12:00;LOYALTY-PROGRAM",
        "205;Нет карточки;Средний;02.11.2026 10:00;02.11.2026 12:00;каталог  товаров",
        "206;Склад;Средний;02.11.2026 10:00;02.11.2026 12:00;Склад №3",
        "207;Склад снова;Средний;03.11.2026 10:00;03.11.2026 12:00;Склад №3",
    ]
    path = _write(tmp_path, "itsm.csv", "".join(row + "\r\n" for row in rows).encode("cp1251"))
    tickets, summary, result = _json(cli, path)
    assert result.code == 0, result.err
    systems = {key: t["systems"] for key, t in tickets.items()}
    assert systems == {
        "201": ["loyalty-processing"],  # an alias
        "202": ["pricing-module"],  # an alias, in Russian
        "203": ["pim"],  # the id, in capitals
        "204": ["loyalty-processing"],  # an alias, in capitals, a dash for the space
        "205": ["pim"],  # an alias, lower case, two spaces
        "206": [],
        "207": [],
    }
    groups = {g["name"]: g for g in summary["groups"]}
    loyalty = groups["loyalty-processing"]
    assert (loyalty["tickets"], loyalty["title"]) == (2, "Loyalty processing")
    assert groups["Склад №3"]["known"] is False and groups["Склад №3"]["tickets"] == 2
    assert [(u["name"], u["tickets"], u["first"]) for u in summary["unknown_systems"]] == [("Склад №3", 2, f"{path}:7")]
    text = _report(cli, path, *PERIOD).out
    assert f"unknown system 'Склад №3': 2 ticket(s), first at {path}:7" in text
    assert "add it as an alias of its system in escalation/teams.yaml (systems:)" in text
    assert "Склад №3 (unknown)" in text


def test_other_locales_and_forms_of_the_three_exports(cli, tmp_path: Path) -> None:
    """Exports other than the ones above, of the same three kinds: Jira in a Russian locale
    (06/ноя/26 17:00, 24-hour), ServiceNow with seconds and a system written by its alias."""
    jira = _lines(
        "Summary,Issue key,Priority,Created,Resolved,Component/s,Component/s",
        "Цены не применились,OPS-1,Medium,02/ноя/26 10:00,02/ноя/26 12:00,Модуль ценообразования,Loyalty programme",
        "Фото,OPS-2,High,06/ноя/26 16:00,,PIM,",
    )
    tickets, summary, _ = _json(cli, _write(tmp_path, "jira-ru.csv", jira.encode()))
    # Medium, Mon 2 Nov 10:00: 9 working hours = 8h Mon + 1h Tue = Tue 10:00; resolved Mon 12:00
    assert tickets["OPS-1"]["resolve_due"] == "2026-11-03T10:00:00+03:00" and tickets["OPS-1"]["resolve"] == "met"
    assert tickets["OPS-1"]["systems"] == ["pricing-module", "loyalty-processing"]
    # High, Fri 6 Nov 16:00, open: 2h Fri + 2h Mon = Mon 9 Nov 11:00, passed by the end of the period
    assert (tickets["OPS-2"]["resolve_due"], tickets["OPS-2"]["resolve"]) == ("2026-11-09T11:00:00+03:00", "breached")
    assert summary["files"][0]["date_format"] == "DD/MON/YY HH:mm"
    servicenow = _lines(
        '"number","short_description","priority","state","opened_at","resolved_at","assignment_group","cmdb_ci"',
        '"INC0020001","Points missing","1 - Critical","Resolved","2026-11-02 10:00:07","2026-11-02 14:00:07","",'
        '"Loyalty Programme"',
    )
    tickets, _, result = _json(cli, _write(tmp_path, "incident.csv", servicenow.encode()))
    # critical, no runbook named: critical-incident, 4 calendar hours to the second: met at 14:00:07
    ticket = tickets["INC0020001"]
    assert (ticket["resolve_due"], ticket["resolve"]) == ("2026-11-02T14:00:07+03:00", "met")
    assert ticket["systems"] == ["loyalty-processing"] and result.code == 0
