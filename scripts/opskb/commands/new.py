"""Create a new content file from a commented template that passes `opskb check`.

Kinds:
  runbook ID       runbooks/ID.yaml, wired to a real route, owner team and system of
                   this knowledge base (--route to choose the route)
  marketplace ID   status_mappings/ID.yaml, mapped onto the internal status model
  teams | sla | routes | internal
                   the escalation files and the internal status model, for a new
                   knowledge base (consistent with each other)

The file is checked right after it is written: problems in it are printed (exit 1).
An existing file is never overwritten. --stdout prints the file instead of writing it.

examples:
  opskb new runbook loyalty-points-not-credited --title "Loyalty points not credited"
  opskb new marketplace aliexpress --title "AliExpress Russia"
  opskb new teams --root new-kb && opskb new sla --root new-kb
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "new"
HELP = "scaffold a runbook, marketplace mapping or escalation file that passes `opskb check`"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..scaffold import KINDS

    parser.add_argument("kind", choices=KINDS, help="what to create")
    parser.add_argument("id", nargs="?", help="id (runbook and marketplace): lower-case, digits, dashes")
    parser.add_argument("--title", help="runbook title, or marketplace name")
    parser.add_argument("--route", help="runbook: escalation route id (default: the first route)")
    parser.add_argument("--root", type=Path, default=Path("."), help="content root (default: .)")
    parser.add_argument("--stdout", action="store_true", help="print the file instead of writing it")


def run(args: argparse.Namespace) -> int:
    from .. import scaffold
    from ..checker import check_tree
    from ..kb import load_knowledge_base

    root: Path = args.root
    if not root.is_dir():
        print(f"opskb new: {root}: not a directory", file=sys.stderr)
        return 2
    kb, _ = load_knowledge_base(root)
    try:
        made = scaffold.make(args.kind, args.id, kb, title=args.title, route=args.route)
    except scaffold.ScaffoldError as err:
        print(f"opskb new: {err}", file=sys.stderr)
        return 2
    if args.stdout:
        sys.stdout.write(made.text)
        return 0
    target = root / made.path
    if target.exists():
        print(f"opskb new: {target} already exists; not overwriting it", file=sys.stderr)
        return 2
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:  # "x": never clobber a racing write
            handle.write(made.text)
    except OSError as err:
        print(f"opskb new: {target}: {err.strerror or err}", file=sys.stderr)
        return 2
    _, problems = check_tree(root)
    mine = [p for p in problems if p.path == made.path.as_posix()]
    print(f"created {target}")
    for problem in mine:
        print(problem.as_text(), file=sys.stderr)
    if any(p.level == "error" for p in mine):
        print("opskb new: the new file has errors (above); fix them before committing", file=sys.stderr)
        return 1
    if args.kind == "runbook":
        print(f"next: fill in the TODOs, then `opskb check` and `opskb escalate {args.id}`")
    return 0
