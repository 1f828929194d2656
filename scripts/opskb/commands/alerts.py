"""Link alert rules to their runbooks: `opskb alerts annotate RULES...`.

For every alert that a runbook lists in `alerts:`, sets `annotations.runbook_url` to the
alert's page on the site, SITE/alerts/NAME.html: a stable page per alert name that lists
its runbooks, so the link survives a runbook being renamed or split. RULES are Prometheus
rule files, PrometheusRule manifests (streams too) or folders of them.

Without --write, prints the change as a unified diff. With --write, edits the files in
place: only the runbook_url lines change (comments, key order, quoting, indentation and
line ends stay byte for byte), and a second run changes nothing. A file with errors
(`opskb check --alert-rules` shows them) is left alone.

The site's address is site_url of mkdocs.yml in the content root, unless --site-url.

exit codes: 0 nothing to change, or written; 1 with --check when something would change,
or a file has errors or could not be annotated; 2 usage (no site address, no such file).

examples:
  opskb alerts annotate monitoring/rules/ --site-url https://kb.example.org/
  opskb alerts annotate deploy/prometheus-rules.yaml --write
  opskb alerts annotate rules/ --check      # CI: fail when a runbook_url is missing or stale
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from ..model.problems import CommandError, ExitCode

NAME = "alerts"
HELP = "write each alert's runbook_url into Prometheus rule files (`alerts annotate RULES...`)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("annotate",), help="what to do with the rule files")
    parser.add_argument("rules", nargs="+", type=Path, metavar="RULES", help="rule files, manifests or folders")
    parser.add_argument("--root", type=Path, default=Path("."), help="content root (default: .)")
    parser.add_argument("--site-url", metavar="URL", help="the site's address (default: site_url of mkdocs.yml)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="edit the files in place")
    mode.add_argument("--check", action="store_true", help="print the diff and exit 1 if anything would change")


def run(args: argparse.Namespace) -> int:
    from ..alerts.alertlinks import runbooks_by_alert
    from ..alerts.annotate import annotate, load_for_annotation
    from ..model.addresses import site_address
    from ..model.alertrules import rule_file_paths
    from ..model.atomic import write_atomically
    from ..model.layout import RUNBOOKS
    from ._support import files_in, guard, load

    paths, unusable = rule_file_paths(args.rules)
    if unusable:
        raise CommandError(f"opskb alerts: {', '.join(unusable)}")
    site = site_address(args.root, args.site_url)
    if site is None:
        raise CommandError(f"opskb alerts: no site address: give --site-url, or set site_url in {args.root}/mkdocs.yml")
    kb, problems = load(args.root, "alerts")
    guard("alerts", problems, files_in(kb, RUNBOOKS))
    targets = {alert: site.alert_url(alert) for alert in runbooks_by_alert(kb.runbooks)}
    failed = pending = False
    for path in paths:
        rule_file, errors = load_for_annotation(path, path.as_posix())
        if errors:
            print("\n".join(errors), file=sys.stderr)
            print(f"opskb alerts: {path}: not annotated, it has errors (opskb check --alert-rules)", file=sys.stderr)
            failed = True
            continue
        result = annotate(rule_file, targets)
        for refused in result.refused:
            print(f"opskb alerts: {path}: {refused}", file=sys.stderr)
            failed = True
        if result.new is None:
            continue
        pending = True
        if args.write:
            stream = rule_file.stream
            assert stream is not None
            write_atomically(path, (b"\xef\xbb\xbf" if stream.bom else b"") + result.new.encode("utf-8"))
            print(f"{path}: runbook_url of {', '.join(result.changed)}", file=sys.stderr)
        else:
            sys.stdout.writelines(_diff(path, result.old, result.new))
    if failed:
        return ExitCode.CONTENT_ERRORS
    return ExitCode.CONTENT_ERRORS if args.check and pending else ExitCode.CLEAN


def _diff(path: Path, old: str, new: str) -> list[str]:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path.as_posix()}", f"b/{path.as_posix()}"
    )
    return [line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines]
