"""`opskb report sla` on a year of a busy desk: 100,000 and 1,000,000 generated tickets.

Three shapes, as the tests have them: ServiceNow's incident list (every cell quoted,
numbered priorities, yyyy-MM-dd HH:mm:ss), a Russian ITSM export (cp1251, ';', CRLF,
dd.mm.yyyy HH:MM, a first-response column) and Jira's CSV (dd/MMM/yy h:mm a, repeated
Component/s and Labels). A fifth of the tickets name an alert of a runbook of this
repository; the rest go by priority; one row in 1,000 is bad (a date in no form). Keys
are numbered, as ticket systems number them. Measured as the whole process (wall, CPU,
peak memory) against the repository's own content; the text report, and the JSON one
that writes every ticket.

Targets: 100,000 tickets in a few seconds, 1,000,000 in under a minute, memory flat.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from measure import measure, print_reference

REPO = Path(__file__).resolve().parent.parent
OPSKB = str(Path(sys.executable).parent / "opskb")
START = datetime(2025, 12, 1)
SYSTEMS = ["Pricing module", "PIM", "Order management", "Loyalty processing", "Stock sync", "Pickup points", "CRM"]
ALERTS = [
    "PriceExportStale",
    "MarketplaceNoOrders30m",
    "OrderStatusMismatch",
    "PimExportErrors",
    "KafkaConsumerLagHigh",
]


def _tickets(rows: int, seed: int = 7):
    """(number, summary, priority level 0-3, created, first response, resolved or None, system, bad)."""
    rng = random.Random(seed)
    step = timedelta(days=365) / rows
    for n in range(rows):
        created = (START + step * n).replace(second=0, microsecond=0)
        level = rng.choice((0, 1, 1, 2, 2, 2, 3, 3))
        response = created + timedelta(minutes=rng.randint(1, 150))
        resolved = None if rng.random() < 0.03 else created + timedelta(minutes=rng.randint(10, 3000))
        alert = rng.choice(ALERTS) if rng.random() < 0.2 else ""
        summary = f"{alert} firing" if alert else rng.choice(("Цены не применились", "Нет заказов", "Ошибка выгрузки"))
        yield n + 1, summary, level, created, response, resolved, rng.choice(SYSTEMS), n % 1000 == 999


def write_servicenow(path: Path, rows: int) -> None:
    priorities = ("1 - Critical", "2 - High", "3 - Moderate", "4 - Low")
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(
            '"number","short_description","priority","state","opened_at","resolved_at","assignment_group","cmdb_ci"\r\n'
        )
        for n, summary, level, created, _, resolved, system, bad in _tickets(rows):
            opened = "2026-13-01 10:00:00" if bad else f"{created:%Y-%m-%d %H:%M:%S}"
            done = f"{resolved:%Y-%m-%d %H:%M:%S}" if resolved else ""
            out.write(
                f'"INC{n:07d}","{summary}","{priorities[level]}","Resolved","{opened}","{done}","","{system}"\r\n'
            )


def write_itsm(path: Path, rows: int) -> None:
    priorities = ("Критический", "Высокий", "Средний", "Низкий")
    with path.open("w", encoding="cp1251", newline="") as out:
        out.write("Номер;Тема;Приоритет;Дата регистрации;Дата реакции;Дата решения;Система\r\n")
        for n, summary, level, created, response, resolved, system, bad in _tickets(rows):
            opened = "31.02.2026 10:00" if bad else f"{created:%d.%m.%Y %H:%M}"
            done = f"{resolved:%d.%m.%Y %H:%M}" if resolved else ""
            out.write(f"{n};{summary};{priorities[level]};{opened};{response:%d.%m.%Y %H:%M};{done};{system}\r\n")


def _jira_date(moment: datetime) -> str:
    return f"{moment:%d/%b/%y} {moment.hour % 12 or 12}:{moment:%M} {'PM' if moment.hour >= 12 else 'AM'}"


def write_jira(path: Path, rows: int) -> None:
    priorities = ("Highest", "High", "Medium", "Low")
    header = "Summary,Issue key,Issue id,Priority,Created,Resolved,Component/s,Component/s,Labels,Labels"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(header + ",Custom field (First Response Date)\n")
        for n, summary, level, created, response, resolved, system, bad in _tickets(rows):
            opened = "32/Nov/26 5:00 PM" if bad else _jira_date(created)
            done = _jira_date(resolved) if resolved else ""
            label = summary.split()[0] if summary.endswith("firing") else ""
            out.write(
                f"{summary},OPS-{n},{10000 + n},{priorities[level]},{opened},{done},{system},,{label},,"
                f"{_jira_date(response)}\n"
            )


SHAPES = {"ServiceNow": write_servicenow, "Russian ITSM, cp1251": write_itsm, "Jira": write_jira}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--shapes", nargs="+", choices=list(SHAPES), default=list(SHAPES))
    parser.add_argument("--no-json", action="store_true", help="the text report only")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="opskb-report-bench-"))
    print_reference()
    print("| export | tickets | format | wall time | CPU time | peak memory |")
    print("|---|---:|---|---:|---:|---:|")
    try:
        for rows in args.rows:
            for shape in args.shapes:
                path = work / f"tickets-{rows}.csv"
                SHAPES[shape](path, rows)
                for fmt in ("text", "json") if shape == "ServiceNow" and not args.no_json else ("text",):
                    argv = [OPSKB, "report", "sla", str(path), "--from", "2025-12-01", "--to", "2026-11-30"]
                    run = measure([*argv, "--format", fmt, "--root", str(REPO)])
                    assert run.returncode == 1, f"{shape}: one row in 1,000 is bad, exit {run.returncode}"
                    figures = f"{run.seconds:.1f} s | {run.cpu_seconds:.1f} s | {run.peak_mb:.0f} MB"
                    print(f"| {shape} | {rows:,} | {fmt} | {figures} |", flush=True)
                path.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
