"""Check the knowledge base: YAML, schema, references and consistency.

Every problem is printed as `path:line:col: CODE message` with a hint. One mistake makes
one problem: what follows from it is left out, or listed under it ("also ..."), and the
problems that explain others come first (a file that cannot be read, then schema errors,
then cross-file errors, then warnings; within each, by file and line). Exit 0 when clean
(warnings allowed unless --strict), 1 on content errors.

`--select` and `--ignore` take rule codes or code prefixes (`KB401`, `KB4`), as ruff does.
The merge gate ignores KB401 (review overdue): a review falling due with time must not
block an unrelated change; a scheduled job runs `--select KB401 --strict` instead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..model.alertrules import rule_file_paths
from ..model.problems import ERROR, ExitCode, has_errors, render

NAME = "check"
HELP = "validate the content (exit 1 on errors)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("root", nargs="?", default=".", type=Path, help="content root (default: .)")
    parser.add_argument("--format", choices=("text", "json", "github"), default="text")
    parser.add_argument("--strict", action="store_true", help="warnings fail the check too")
    parser.add_argument(
        "--alert-rules",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="Prometheus rule file, PrometheusRule manifest or a folder of them: validated as promtool does"
        " (KB5xx), and each alert must have a runbook (KB403) and a runbook_url into the site; repeatable",
    )
    parser.add_argument(
        "--site-url",
        metavar="URL",
        help="the site's address for checking runbook_url links (default: site_url of mkdocs.yml)",
    )
    parser.add_argument("--no-hints", action="store_true", help="text format: omit the hint lines")
    for flag, verb in (("--select", "report only"), ("--ignore", "do not report")):
        parser.add_argument(
            flag,
            action="append",
            default=[],
            metavar="CODES",
            help=f"{verb} these rule codes or prefixes, comma-separated (e.g. KB4,KB215); repeatable",
        )


def _codes(values: list[str]) -> list[str]:
    return [code.strip().upper() for value in values for code in value.split(",") if code.strip()]


def _unknown_codes(codes: list[str]) -> list[str]:
    from ..gate.registry import all_rules

    known = all_rules()
    return [code for code in codes if not any(rule.startswith(code) for rule in known)]


def _wanted(code: str, select: list[str], ignore: list[str]) -> bool:
    selected = not select or any(code.startswith(prefix) for prefix in select)
    return selected and not any(code.startswith(prefix) for prefix in ignore)


def _rules_read(rule_files: list) -> str:
    """What was read from --alert-rules: a manifest read as nothing shows as 0 here."""
    rules = sum(f.rule_count for f in rule_files)
    alerts = sum(len(f.alerts) for f in rule_files)
    return f"read {rules} rule(s) ({alerts} alert(s)) from {len(rule_files)} rule file(s)"


def _links_unverified(root: Path) -> str:
    """Said once when alert rules were read but their links could not be judged: a pass
    that checked nothing must not look like a pass that checked them (KB514, KB515)."""
    return (
        "opskb check: runbook_url links were not verified (KB514, KB515): no site address;"
        f" set site_url in {root / 'mkdocs.yml'} or give --site-url"
    )


def run(args: argparse.Namespace) -> int:
    root: Path = args.root
    if not root.is_dir():
        print(f"opskb check: {root}: not a directory", file=sys.stderr)
        return ExitCode.USAGE
    rule_files, unusable = rule_file_paths(args.alert_rules)
    if unusable:
        print(f"opskb check: --alert-rules: {', '.join(unusable)}", file=sys.stderr)
        return ExitCode.USAGE
    select, ignore = _codes(args.select), _codes(args.ignore)
    unknown = _unknown_codes(select + ignore)
    if unknown:
        print(f"opskb check: no rule code starts with {', '.join(unknown)} (see `opskb rules`)", file=sys.stderr)
        return ExitCode.USAGE
    from ..gate.cascade import root_causes_first
    from ..gate.checker import check_tree

    kb, found = check_tree(root, alert_rules=rule_files, site_url=args.site_url)
    problems = root_causes_first(p for p in found if _wanted(p.code, select, ignore))
    output = render(problems, args.format, with_hints=not args.no_hints)
    if output:
        print(output)
    errors = sum(p.level == ERROR for p in problems)
    warnings = len(problems) - errors
    if args.format == "text":
        left_out = len(found) - len(problems) - sum(len(p.also) for p in problems)
        tail = f", {left_out} not reported (--select/--ignore)" if left_out else ""
        print(f"{errors} error(s), {warnings} warning(s){tail}", file=sys.stderr)
    if kb.alert_rules:  # on stderr in every format: json and github output stay parseable
        print(_rules_read(kb.alert_rules), file=sys.stderr)
        if kb.site is None:
            print(_links_unverified(root), file=sys.stderr)
    return ExitCode.CONTENT_ERRORS if has_errors(problems, args.strict) else ExitCode.CLEAN
