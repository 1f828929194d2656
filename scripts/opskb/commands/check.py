"""Check the knowledge base: YAML, schema, references and consistency.

Every problem is printed as `path:line:col: CODE message` with a hint, sorted by file and
line. Exit 0 when clean (warnings allowed unless --strict), 1 on content errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..problems import ERROR, ExitCode, has_errors, render

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
        metavar="FILE",
        help="Prometheus rule file whose alerts must each have a runbook (KB403); repeatable",
    )
    parser.add_argument("--no-hints", action="store_true", help="text format: omit the hint lines")


def run(args: argparse.Namespace) -> int:
    root: Path = args.root
    if not root.is_dir():
        print(f"opskb check: {root}: not a directory", file=sys.stderr)
        return ExitCode.USAGE
    missing = [str(p) for p in args.alert_rules if not p.is_file()]
    if missing:
        print(f"opskb check: no such alert rule file: {', '.join(missing)}", file=sys.stderr)
        return ExitCode.USAGE
    from ..checker import check_tree  # imported here: `opskb find` should not pay for jsonschema

    _, problems = check_tree(root, alert_rules=args.alert_rules)
    output = render(problems, args.format, with_hints=not args.no_hints)
    if output:
        print(output)
    errors = sum(p.level == ERROR for p in problems)
    warnings = len(problems) - errors
    if args.format == "text":
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return ExitCode.CONTENT_ERRORS if has_errors(problems, args.strict) else ExitCode.CLEAN
