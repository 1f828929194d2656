"""Create a new content file from a commented template that passes `opskb check`.

Kinds:
  runbook ID       runbooks/ID.yaml, wired to a real route, owner team and system of
                   this knowledge base (--route to choose the route)
  marketplace ID   status_mappings/ID.yaml, mapped onto the internal status model
  team ID          one team added to escalation/teams.yaml (--line, --title)
  route ID         one route added to escalation/routes.yaml, from an L1 team to an owner
                   (--sla, --owner, --title)
  teams | sla | routes | internal
                   the escalation files and the internal status model, for a new
                   knowledge base (consistent with each other)

The file is checked right after it is written: problems in it are printed (exit 1).
An existing file is never overwritten: a team or route is added after the last entry of
its list, everything else in the file left as it was, and if the check finds an error in
the added entry the file is put back as it was. --stdout prints the file (or the entry)
instead of writing it.

Nothing is lost: runs on one folder take turns (a lock held from reading the file to
writing it), a file is replaced whole (written beside it, then renamed) or not at all,
a full disk leaves the tree as it was, and an edited file keeps its symlink, its mode
and its line endings (CRLF stays CRLF).

examples:
  opskb new runbook loyalty-points-not-credited --title "Loyalty points not credited"
  opskb new marketplace aliexpress --title "AliExpress Russia"
  opskb new team payments-owner --line L2 --title "Payments owner"
  opskb new route payments --sla high-business --owner payments-owner
  opskb new teams --root new-kb && opskb new sla --root new-kb
"""

from __future__ import annotations

import argparse
import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

from ..model.problems import CommandError, has_errors

NAME = "new"
HELP = "scaffold a runbook, marketplace mapping or escalation file that passes `opskb check`"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..authoring.scaffold import KINDS

    parser.add_argument("kind", choices=KINDS, help="what to create")
    parser.add_argument("id", nargs="?", help="id (runbook, marketplace, team, route): lower-case, digits, dashes")
    parser.add_argument("--title", help="runbook title, or the name of a marketplace, team or route")
    parser.add_argument("--route", help="runbook: escalation route id (default: the first route)")
    parser.add_argument("--line", help="team: support line L1, L2 or L3 (default: L2)")
    parser.add_argument("--sla", help="route: SLA policy id (default: the first policy)")
    parser.add_argument("--owner", help="route: the L2 or L3 team L1 escalates to (default: the first L2 team)")
    parser.add_argument("--root", type=Path, default=Path("."), help="content root (default: .)")
    parser.add_argument("--stdout", action="store_true", help="print the file instead of writing it")


def run(args: argparse.Namespace) -> int:
    from ..model.atomic import locked

    root: Path = args.root
    if not root.is_dir():
        raise CommandError(f"opskb new: {root}: not a directory")
    if args.stdout:
        sys.stdout.write(_made(root, args)[0].text)
        return 0
    # Read, add, check and write under one lock: a second `opskb new` waits, then reads
    # what this one wrote, so neither entry is lost (and no id is taken twice).
    with locked(_guarded_directory(root, args.kind)):
        made, kb = _made(root, args)
        if made.list_key is not None:
            return _add_entry(root, made, kb, args)
        return _create(root, made, args)


def _made(root: Path, args: argparse.Namespace) -> tuple[Any, Any]:
    from ..authoring import scaffold
    from ..model.addresses import site_language
    from ..model.kb import load_knowledge_base

    kb, _ = load_knowledge_base(root)
    try:
        made = scaffold.make(
            args.kind,
            args.id,
            kb,
            title=args.title,
            route=args.route,
            line=args.line,
            sla=args.sla,
            owner=args.owner,
            language=site_language(root),
        )
    except scaffold.ScaffoldError as err:
        raise CommandError(f"opskb new: {err}") from None
    return made, kb


def _guarded_directory(root: Path, kind: str) -> Path:
    """Where the lock is taken: the real directory of the file an entry joins (through a
    symlink, its target's), else the content root."""
    from ..authoring.scaffold import ENTRIES
    from ..model.atomic import lock_directory

    if kind in ENTRIES:
        directory = lock_directory(root / ENTRIES[kind][0])
        if directory.is_dir():
            return directory
    return root


def _create(root: Path, made: Any, args: argparse.Namespace) -> int:
    """Write a new file; it appears whole or not at all, and never over an existing one."""
    from ..model.atomic import write_atomically

    target = root / made.path
    if target.exists() or target.is_symlink():
        raise CommandError(f"opskb new: {target} already exists; not overwriting it")
    created = _missing_parents(target.parent)
    try:
        for directory in reversed(created):
            directory.mkdir()
        write_atomically(target, made.text.encode("utf-8"), create=True)
    except OSError as err:
        for directory in created:  # the tree as it was: no folder left empty either
            with suppress(OSError):
                directory.rmdir()
        if isinstance(err, FileExistsError):
            raise CommandError(f"opskb new: {target} already exists; not overwriting it") from None
        raise CommandError(f"opskb new: {target}: {err.strerror or err}; nothing was written") from None
    print(f"created {target}")
    if _report_problems(root, made.path.as_posix()):
        print("opskb new: the new file has errors (above); fix them before committing", file=sys.stderr)
        return 1
    if args.kind == "runbook":
        print(f"next: fill in the TODOs (`opskb check --strict` lists them), then `opskb escalate {args.id}`")
    return 0


def _missing_parents(directory: Path) -> list[Path]:
    """``directory`` and its ancestors that do not exist yet, deepest first."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    return missing


def _add_entry(root: Path, made: Any, kb: Any, args: argparse.Namespace) -> int:
    """Add a team or route to its existing file; put the file back if the entry has errors."""
    from ..authoring import scaffold
    from ..model.atomic import write_atomically

    rel = made.path.as_posix()
    document = next((d for d in kb.documents if d.rel == rel), None)
    if document is None:
        raise CommandError(f"opskb new: {root / rel} does not exist; create it first (opskb new {made.list_key})")
    try:
        appended = scaffold.append_entry(document, made.list_key, made.text)
        write_atomically(document.path, appended.text.encode("utf-8"))
    except scaffold.ScaffoldError as err:
        raise CommandError(f"opskb new: {err}") from None
    except OSError as err:
        raise CommandError(f"opskb new: {document.path}: {err.strerror or err}; it is left as it was") from None
    if _report_problems(root, rel, from_line=appended.first_line):
        write_atomically(document.path, document.text.encode("utf-8"))
        print(f"opskb new: the new {args.kind} has errors (above); {rel} is left as it was", file=sys.stderr)
        return 1
    print(f"added {args.kind} {args.id} to {rel} at line {appended.first_line}")
    if args.kind == "team":
        print(f"next: fill in the TODOs, then name it in a route (opskb new route ID --owner {args.id})")
    else:
        print(f"next: fill in the TODO, then point runbooks at it (route: {args.id}) and `opskb check`")
    return 0


def _report_problems(root: Path, rel: str, from_line: int = 1) -> bool:
    """Check the whole tree; print the problems in ``rel`` from ``from_line`` on, and say
    whether any of them is an error."""
    from ..gate.checker import check_tree

    _, problems = check_tree(root)
    # the TODOs are the template's own (KB405): what is left to write, listed by `check --strict`
    mine = [p for p in problems if p.path == rel and p.line >= from_line and p.code != "KB405"]
    for problem in mine:
        print(problem.as_text(), file=sys.stderr)
    return has_errors(mine)
