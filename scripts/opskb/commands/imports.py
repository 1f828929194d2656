"""Import runbooks a team already has: Markdown pages become opskb runbook YAML.

  opskb import md FILE_OR_DIR... [--out runbooks/] [--route ID] [--owner TEAM]
                  [--system ID]... [--severity LEVEL] [--alert-rules PATH]...
                  [--sections FILE] [--dry-run] [--format text|json]

A folder is read for every *.md and *.markdown file under it. Each file becomes
runbooks/ID.yaml, ID made from its alert name (KubePodCrashLooping ->
kube-pod-crash-looping) or its title. The title and alert come from the front matter or
the H1; sections are mapped by their headings (Meaning, Impact, Diagnosis, Mitigation,
Symptoms, Resolution, Что делать, Чего не делать... the list is
opskb/import_sections.json, and --sections adds a team's own); list items and paragraphs
become steps, a fenced block the step's command, warnings and "do not" lines do_not, links
references. The severity comes from the front matter, else from the alert's `severity`
label in the rule files of --alert-rules, else --severity.

What the Markdown does not say is left as TODO, and `opskb check --strict` fails until
every one is filled in (KB405; a TODO where an id or a severity belongs is a schema error
at that field). Nothing is made up.

A file that is not a runbook (empty, binary, no title, no section opskb knows) is reported
and skipped, and the others are still imported; an existing runbook is never overwritten
(each file is written whole or not at all). Exit 0 when every file was imported, 1 when
any was skipped, 2 for bad arguments.

examples:
  opskb import md ../runbooks/content/runbooks --route platform --owner sre --system kubernetes \\
      --alert-rules monitoring/
  opskb import md docs/oncall/disk-full.md --dry-run
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model.problems import CommandError, ExitCode

NAME = "import"
HELP = "import Markdown runbooks as opskb runbook YAML (TODOs where the Markdown says nothing)"
MARKDOWN_SUFFIXES = (".md", ".markdown")
MAX_BYTES = 1024 * 1024  # as for content files: a runbook page is never this large
SEVERITIES = ("critical", "high", "medium", "low")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source_format", choices=("md",), metavar="md", help="what the files are: md (Markdown)")
    parser.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR", help="Markdown files or folders")
    parser.add_argument("--root", type=Path, default=Path("."), help="content root (default: .)")
    parser.add_argument("--out", type=Path, help="where the runbooks go (default: ROOT/runbooks)")
    parser.add_argument("--route", help="escalation route id of every imported runbook")
    parser.add_argument("--owner", help="team that reviews them (default: the route's L2 team)")
    parser.add_argument("--system", action="append", default=[], help="system id they involve (repeatable)")
    parser.add_argument("--severity", choices=SEVERITIES, help="severity when neither the page nor its alert says")
    parser.add_argument(
        "--alert-rules", action="append", type=Path, default=[], metavar="PATH", help="rule files: alerts' severity"
    )
    parser.add_argument("--sections", type=Path, help="JSON or YAML file of more heading phrases (same shape)")
    parser.add_argument("--dry-run", action="store_true", help="print what would be written; write nothing")
    parser.add_argument("--format", choices=("text", "json"), default="text")


@dataclass
class Outcome:
    source: str
    path: str = ""
    id: str = ""
    todos: int = 0
    reason: str = ""  # why it was skipped
    notes: tuple[str, ...] = ()
    text: str = ""

    def as_json(self, with_text: bool) -> dict[str, Any]:
        found: dict[str, Any] = {"source": self.source}
        if self.reason:
            found["reason"] = self.reason
        else:
            found.update(path=self.path, id=self.id, todos=self.todos, notes=list(self.notes))
            if with_text:
                found["text"] = self.text
        return found


def run(args: argparse.Namespace) -> int:
    from ..authoring import mdrunbook
    from ..model.atomic import locked
    from ..model.durations import today

    root: Path = args.root
    out: Path = args.out if args.out is not None else root / "runbooks"
    words = _vocabulary(args.sections)
    owner = _owner(root, args.route, args.owner)
    options = mdrunbook.Options(
        route=args.route,
        owner=owner,
        systems=tuple(dict.fromkeys(args.system)),
        severity=args.severity,
        alert_severity=_alert_severities(args.alert_rules),
        today=today().isoformat(),
    )
    sources, outcomes = _sources(args.paths)
    if out.exists() and not out.is_dir():
        raise CommandError(f"opskb import: {out}: not a directory")
    taken: set[str] = set()
    for source in sources:
        outcome = _one(source, out, options, words, taken)
        if not outcome.reason and not args.dry_run:
            out.mkdir(parents=True, exist_ok=True)  # only when there is something to put in it
            with locked(out):
                _write(out / Path(outcome.path).name, outcome)
        outcomes.append(outcome)
    _report(outcomes, args)
    return ExitCode.CONTENT_ERRORS if any(o.reason for o in outcomes) else ExitCode.CLEAN


def _vocabulary(path: Path | None) -> Any:
    from ..authoring.mdrunbook import vocabulary

    extra = None
    if path is not None:
        import yaml

        try:
            extra = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
            raise CommandError(f"opskb import: --sections {path}: cannot read it: {err}") from None
        if not isinstance(extra, dict):
            raise CommandError(f"opskb import: --sections {path}: expected a mapping like import_sections.json")
    try:
        return vocabulary(extra)
    except (ValueError, TypeError, AttributeError) as err:
        raise CommandError(f"opskb import: --sections {path}: {err}") from None


def _owner(root: Path, route: str | None, owner: str | None) -> str | None:
    """The owner team: as given, else the route's L2 team. Both are checked against the
    knowledge base under ``root`` when it has them (a typo is said now, not at the gate)."""
    from ..model.kb import load_knowledge_base
    from ..model.layout import ESCALATION

    if not (root / ESCALATION).is_dir():
        return owner
    kb, _ = load_knowledge_base(root)
    if route is not None and kb.routes and route not in kb.routes:
        raise CommandError(f"opskb import: no route {route!r}; routes: {', '.join(sorted(kb.routes))}")
    if owner is not None:
        if kb.teams and owner not in kb.teams:
            raise CommandError(f"opskb import: no team {owner!r}; teams: {', '.join(sorted(kb.teams))}")
        return owner
    if route in kb.routes:
        hops = kb.routes[route].data["hops"]
        return next((hop["team"] for hop in hops if hop["line"] == "L2"), None)
    return None


def _alert_severities(paths: list[Path]) -> dict[str, str]:
    """Alert name -> its severity label, from the rule files (read as `check` reads them)."""
    from ..model.alertrules import alerts_of, load_rule_file, rule_file_paths

    if not paths:
        return {}
    files, unusable = rule_file_paths(paths)
    if unusable:
        raise CommandError(f"opskb import: --alert-rules: {'; '.join(unusable)}")
    found: dict[str, str] = {}
    for _, alert in alerts_of(load_rule_file(path, str(path)) for path in files):
        labels = alert.node.get("labels")
        severity = labels.get("severity") if labels is not None and labels.kind == "map" else None
        if severity is not None and severity.kind == "scalar" and severity.text:
            found.setdefault(alert.name, severity.text)
    return found


def _sources(paths: list[Path]) -> tuple[list[Path], list[Outcome]]:
    """The Markdown files named or found under the folders named, and the paths that are neither."""
    files: list[Path] = []
    missing: list[Outcome] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.suffix.lower() in MARKDOWN_SUFFIXES and p.is_file())
            files.extend(p for p in inside if not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(Outcome(str(path), reason="no such file or folder"))
    return list(dict.fromkeys(files)), missing


def _one(source: Path, out: Path, options: Any, words: Any, taken: set[str]) -> Outcome:
    from ..authoring import mdrunbook
    from ..rules.kb405_placeholder_text import placeholders

    text, reason = _read(source)
    if text is None:
        return Outcome(str(source), reason=reason)
    try:
        imported = mdrunbook.read(text, source, options, words)
    except mdrunbook.NotARunbook as err:
        return Outcome(str(source), reason=f"not a runbook: {err}")
    runbook = imported.runbook
    alerts = runbook.get("alerts", [])
    base = mdrunbook.slug(alerts[0]) if alerts else ""
    base = base or mdrunbook.slug(runbook["title"]) or mdrunbook.slug(source.stem) or "runbook"
    ident, count = base, 1
    while ident in taken:
        count += 1
        ident = f"{base[:76]}-{count}"
    runbook["id"] = ident
    target = out / f"{ident}.yaml"
    if target.exists() or target.is_symlink():
        return Outcome(str(source), reason=f"{target} already exists; not overwriting it")
    taken.add(ident)
    yaml_text = _yaml(imported, source)
    if yaml_text is None:
        return Outcome(str(source), reason="opskb could not write it as YAML that reads back the same; please report")
    todos = sum(1 for _ in placeholders(runbook, ()))
    return Outcome(str(source), str(target), ident, todos, notes=tuple(imported.notes), text=yaml_text)


def _read(source: Path) -> tuple[str | None, str]:
    try:
        with open(source, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as err:
        return None, f"cannot read it: {err.strerror or err}"
    if len(raw) > MAX_BYTES:
        return None, f"larger than {MAX_BYTES // 1024} KiB: not a runbook page"
    if b"\x00" in raw:
        return None, "not a runbook: a binary file"
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return None, "not a runbook: not UTF-8 text (save it as UTF-8)"


def _yaml(imported: Any, source: Path) -> str | None:
    """The runbook's YAML, read back with opskb's loader to the very same data (else, with
    every non-ASCII character escaped; else None)."""
    from ..authoring.runbook_yaml import dump

    header = [
        f"Imported from {source.as_posix()} by `opskb import md`.",
        "Fill in every TODO, then run `opskb check --strict` (it lists what is left).",
        *(f"Note: {note}" for note in imported.notes),
    ]
    for ascii_only in (False, True):
        text = dump(imported.runbook, header, imported.origin, ascii_only=ascii_only)
        if _reads_back(text, imported.runbook):
            return text
    return None


def _reads_back(text: str, data: dict[str, Any]) -> bool:
    import tempfile

    from ..model.yamldoc import load_document

    with tempfile.TemporaryDirectory(prefix="opskb-import-") as folder:
        path = Path(folder) / "runbook.yaml"
        path.write_text(text, encoding="utf-8")
        document, findings = load_document(path, "runbook.yaml")
    return not findings and document.data == data


def _write(target: Path, outcome: Outcome) -> None:
    from ..model.atomic import write_atomically

    try:
        write_atomically(target, outcome.text.encode("utf-8"), create=True)
    except FileExistsError:
        outcome.reason = f"{target} already exists; not overwriting it"
    except OSError as err:
        outcome.reason = f"{target}: {err.strerror or err}; nothing was written"


def _report(outcomes: list[Outcome], args: argparse.Namespace) -> None:
    imported = [o for o in outcomes if not o.reason]
    skipped = [o for o in outcomes if o.reason]
    if args.format == "json":
        print(
            json.dumps(
                {
                    "imported": [o.as_json(args.dry_run) for o in imported],
                    "skipped": [o.as_json(False) for o in skipped],
                    "dry_run": args.dry_run,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    verb = "would import" if args.dry_run else "imported"
    for outcome in imported:
        if args.dry_run:
            print(f"--- {outcome.path}\n{outcome.text}")
        left = f"{outcome.todos} TODO(s) to fill in" if outcome.todos else "nothing left to fill in"
        print(f"{verb} {outcome.source} -> {outcome.path} ({left})")
        for note in outcome.notes:
            print(f"  note: {note}")
    for outcome in skipped:
        print(f"opskb import: skipped {outcome.source}: {outcome.reason}", file=sys.stderr)
    total = f"{len(imported)} {verb}, {len(skipped)} skipped"
    if imported and not args.dry_run:
        total += "; next: fill in the TODOs (`opskb check --strict` lists them)"
    print(total)
