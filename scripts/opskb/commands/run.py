"""Run a runbook's diagnostics: pass, fail or error for each check, and where to go next.

Checks run in the runbook's order. Each prints its outcome, the observed values and the
step to go to next: on fail the check's on_fail step; on pass the step after the one the
check verifies; on error (source not configured, unreachable, timed out, refused query)
the step it verifies, to be done by hand. Other checks still run after an error.

Nothing here changes a system: http checks are GET/HEAD, sql checks are one SELECT that
PostgreSQL's grammar and an allow-list of functions accept (opskb check reports any other
query, KB320), whose plan the server shows before it runs so that every function it
would call (attribute notation and views included) is held against the same list, sent
as one statement in a read-only session that the server ends at the timeout (at least
1 s; opskb closes the connection half a second later), reading one row of bounded
values; prometheus checks are instant queries. A step that changes a system is printed
for a person, never performed.

Sources are named in the runbook and configured outside the content; their credentials
are never printed, not even when an endpoint echoes them back:
  --source NAME=URL                     (this run only)
  OPSKB_SOURCE_<NAME>=URL               (dashes become underscores, upper case)
  opskb.local.yaml in the content root  (git-ignored; or --config FILE / $OPSKB_CONFIG)
      sources:
        pricing-db: postgresql+psycopg://readonly:secret@db.internal/pricing
        prometheus: http://prometheus.internal:9090

Exit 0 when every check passed, 1 when any failed or could not be made.

examples:
  opskb run prices-not-applied
  opskb run prices-not-applied --check accepted-vs-sent --source pricing-db=sqlite:///tmp/p.db
  OPSKB_SOURCE_PROMETHEUS=http://127.0.0.1:9090 opskb run message-bus-backlog --format json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

NAME = "run"
HELP = "run a runbook's declarative checks (http, sql, prometheus) and say what to do next"

_MARK = {"pass": "PASS ", "fail": "FAIL ", "error": "ERROR"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("runbook", help="runbook id (file name without .yaml)")
    parser.add_argument("--check", metavar="ID", help="run only this check")
    parser.add_argument(
        "--source",
        metavar="NAME=URL",
        action="append",
        default=[],
        help="where a named source is, for this run (repeatable)",
    )
    parser.add_argument(
        "--config", type=Path, metavar="FILE", help="sources file (default: $OPSKB_CONFIG or ROOT/opskb.local.yaml)"
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="content root (default: .)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    from ..diagnostics import runner
    from ..diagnostics.sources import SourceError, Sources, default_config, parse_override
    from ._support import CommandError, guard, load, runbook

    try:
        overrides = dict(parse_override(text) for text in args.source)
    except ValueError as err:
        print(f"opskb run: {err}", file=sys.stderr)
        return 2
    kb, problems = load(args.root, NAME)
    entity = runbook(kb, args.runbook, NAME, problems)
    guard(NAME, problems, [entity.file])
    checks = entity.data.get("checks", [])
    if args.check and args.check not in {c["id"] for c in checks}:
        known = ", ".join(c["id"] for c in checks) or "none"
        raise CommandError(f"opskb run: {entity.id} has no check {args.check!r} (checks: {known})")
    config = args.config or default_config(args.root)
    if args.config and not args.config.is_file():
        print(f"opskb run: --config {args.config}: no such file", file=sys.stderr)
        return 2
    sources = Sources(overrides, config)
    if not checks:
        print(f"{entity.id}: no checks to run; follow the steps (opskb escalate {entity.id} for whom to call)")
        return 0
    text = args.format == "text"
    if text:
        count = 1 if args.check else len(checks)
        print(f"{entity.id}: {entity.data['title']} - {count} check(s)")
    try:
        results = runner.run_checks(entity.data, sources, args.check, on_result=_print_result if text else None)
    except SourceError as err:  # a broken config file: nothing can run
        print(f"opskb run: {err}", file=sys.stderr)
        return 2
    failed = [r for r in results if r.outcome != runner.PASS]
    if text:
        counts = {o: sum(r.outcome == o for r in results) for o in ("pass", "fail", "error")}
        print(f"{counts['pass']} passed, {counts['fail']} failed, {counts['error']} error(s)")
    else:
        print(
            json.dumps(
                {"runbook": entity.id, "results": [r.as_dict() for r in results], "ok": not failed},
                ensure_ascii=False,
                indent=2,
                allow_nan=False,  # observed values are plain(): NaN and infinities arrive as text
            )
        )
    return 1 if failed else 0


def _print_result(result: Any) -> None:
    # Printed as each check ends: during an incident the first answer matters most.
    print(f"{_MARK[result.outcome]}  {result.id}  ({result.type} on {result.source}, {result.seconds:.2f}s)")
    print(f"       {result.title}")
    if result.observed:
        shown = ", ".join(f"{k}={_value(v)}" for k, v in result.observed.items())
        print(f"       observed: {shown}")
    print(f"       {'error' if result.outcome == 'error' else 'result'}: {result.message}")
    step = result.next_step
    if step:
        who = "a person must do this (changes a system; opskb never runs it)" if step.changes_system else f"{step.line}"
        verb = "do by hand" if result.outcome == "error" else "next"
        print(f'       {verb}: step {step.id} "{step.title}" [{who}]')
        print(f"             {step.do}")
    sys.stdout.flush()


def _value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, (int, float)) else str(value)
