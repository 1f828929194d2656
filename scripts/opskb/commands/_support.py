"""Shared by the incident-time commands (find, escalate, status, run, new): loading the
knowledge base with the right tolerance for errors, and parsing common arguments.

Not a command (no ``run``), so the CLI does not list it.

Tolerance: during an incident a broken, unrelated file must not stop L1 from reading a
good runbook. A command refuses (prints the errors, exit 1) only when a file it actually
reads has errors; errors elsewhere become one warning line on stderr.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model.layout import CONTENT_FOLDERS
from ..model.problems import ERROR, CommandError, ExitCode, Problem

if TYPE_CHECKING:
    from ..model.kb import KnowledgeBase


def load(root: Path, command: str) -> tuple[KnowledgeBase, list[Problem]]:
    """The checked knowledge base under ``root``; CommandError when it is not a content root."""
    if not root.is_dir():
        raise CommandError(f"opskb {command}: {root}: not a directory")
    if not any((root / folder).is_dir() for folder in CONTENT_FOLDERS):
        raise CommandError(f"opskb {command}: {root}: no runbooks/, escalation/ or status_mappings/ here (use --root)")
    from ..gate.checker import check_tree

    return check_tree(root)


def guard(command: str, problems: list[Problem], files: Iterable[str]) -> None:
    """Refuse when a file this command reads has errors; warn about errors anywhere else."""
    wanted = set(files)
    errors = [p for p in problems if p.level == ERROR]
    blocking = [p for p in errors if p.path in wanted]
    if blocking:
        for problem in blocking:
            print(problem.as_text(), file=sys.stderr)
        raise CommandError(
            f"opskb {command}: refusing: {len(blocking)} error(s) in the files this needs; fix them (opskb check)",
            ExitCode.CONTENT_ERRORS,
        )
    others = len(errors) - len(blocking)
    if others:
        print(f"opskb {command}: warning: {others} content error(s) in other files; run `opskb check`", file=sys.stderr)


def status_mappings(kb: KnowledgeBase, command: str) -> None:
    """CommandError (usage) for a status command on content that keeps no status mappings:
    one clear line instead of "no marketplace 'x'" for every name tried."""
    if not kb.has_status_mappings:
        raise CommandError(
            f"opskb {command}: this knowledge base keeps no status mappings (status_mappings/ is absent or empty); "
            "start them with `opskb new internal` and `opskb new marketplace ID`"
        )


def files_in(kb: KnowledgeBase, folder: str) -> list[str]:
    """The content files of one layout folder (e.g. ESCALATION), as paths under the root."""
    return [doc.rel for doc in kb.documents if doc.rel.startswith(f"{folder}/")]


def runbook(kb: KnowledgeBase, ident: str, command: str, problems: list[Problem]) -> Any:
    """The runbook entity, or CommandError: its file is broken (1) or no such id (2)."""
    entity = kb.runbooks.get(ident)
    if entity is not None:
        return entity
    if ident in kb.broken.get("runbook", set()):
        guard(
            command,
            problems,
            [f"runbooks/{ident}.yaml", *(p.path for p in problems if p.path.endswith(f"/{ident}.yaml"))],
        )
        raise CommandError(f"opskb {command}: runbook {ident} has errors", ExitCode.CONTENT_ERRORS)
    raise CommandError(f"opskb {command}: no runbook {ident!r}{did_you_mean(ident, kb.runbooks)}")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.5)
    return f"; did you mean {', '.join(close)}?" if close else ""


def read_options(command: str, columns: dict[str, str], encoding: str | None, delimiter: str | None) -> Any:
    """How to read an export (opskb.statuses.exports.ReadOptions) from the options a person gave:
    columns by name, an encoding Python knows, a delimiter (``tab`` for a tab)."""
    import codecs

    from ..statuses.exports import ReadOptions

    codec = None
    if encoding:
        try:
            codec = codecs.lookup(encoding).name.replace("-", "_")
        except LookupError:
            raise CommandError(f"opskb {command}: --encoding {encoding!r}: no such encoding") from None
    return ReadOptions(columns=columns, encoding=codec, delimiter="\t" if delimiter == "tab" else delimiter)
