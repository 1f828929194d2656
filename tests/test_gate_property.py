"""The gate's promise as a property: content that `opskb check --strict` accepts builds and
every command handles it.

The sample content is mutated field by field and file by file (a field deleted, a value of
the wrong type, a huge number, an impossible date, an empty or very long text, a word of
25,000 letters, an unknown id, an HTML payload, a hidden javascript: link, a terminal
escape sequence, an entry duplicated, an id renamed in the YAML but not in docs/, a file
removed, emptied or copied), and by the classes of what the gate once let through: a
macro call that does not fit its macro, a handwritten page where the site generates one,
a synonym in two groups, a calendar too short for its policy's durations, a runbook
related to itself. All from a fixed seed, so that every run tries the same mutations.
Whatever the gate accepts must then work: the commands that read the changed files exit
0, 1 or 2 without an internal error (and print no escape sequence), and for a sample of
them (every accepted change of escalation/, docs/ or an id first) `mkdocs build --strict`
succeeds.

A command whose inputs a mutation did not touch is not run again for it: a runbook's
change can only change that runbook's escalation; a marketplace's only its statuses.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import random
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
import yaml_rs

from conftest import REPO
from opskb.cli import main
from site_helpers import mkdocs_build

SEED = 20261202
MUTATIONS = 400
BUILDS = 12
FOLDERS = ("runbooks", "escalation", "status_mappings", "docs", "schemas")
GATE = ("--strict", "--ignore", "KB401")

# Values a person (or an attacker) may put where another value belongs.
VALUES: tuple[Any, ...] = (
    7,
    -1,
    0,
    10**30,
    1e308,
    2.5,
    True,
    None,
    [],
    {},
    "",
    " ",
    "x" * 5000,
    "no-such-id",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ config }}",
    "2026-02-31",
    "9999-12-31",
    "1970-01-01",
    "Mars/Olympus",
    "UTC",
    "00:00",
    "23:59",
    "999d",
    "99999m",
    "1m",
    "index",
    "internal",
    "24x7",
    "L3",
    "critical",
    "working_hours",
    "all",
    "SELECT 1 AS x",
    "/../../etc/passwd",
    "https://127.0.0.1:9/",
    "ZZ",
    "mon",
    # one word longer than any real one, and two long words that share a prefix (the
    # search index split them one level per character: RecursionError)
    "a" * 25_000,
    "b" * 13_001 + " " + "b" * 13_000 + "c",
    # links: a scheme behind a space, a character reference, invisible or blank characters
    "javascript: alert(1)",
    "&#106;avascript:alert(1)",
    "\u200bjavascript:alert(1)",
    "\u00a0https://example.org/",
    # a terminal's control sequences
    "\x1b[2J\x1b]0;title\x07text",
    "9999h",
)


@dataclass
class Mutation:
    """One change to the sample: new text per file (None: the file is removed)."""

    name: str
    files: dict[str, str | None] = field(default_factory=dict)

    def touches(self, folder: str) -> bool:
        return any(rel.startswith(folder + "/") for rel in self.files)


@dataclass
class Sample:
    root: Path
    texts: dict[str, str]

    def yaml_files(self) -> list[str]:
        return sorted(rel for rel in self.texts if rel.endswith(".yaml"))

    def apply(self, mutation: Mutation) -> None:
        for rel, text in mutation.files.items():
            path = self.root / rel
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")

    def restore(self, mutation: Mutation) -> None:
        for rel in mutation.files:
            path = self.root / rel
            if rel in self.texts:
                path.write_text(self.texts[rel], encoding="utf-8")
            else:
                path.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    root = tmp_path_factory.mktemp("property") / "kb"
    for folder in FOLDERS:
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    texts = {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for folder in ("runbooks", "escalation", "status_mappings", "docs")
        for path in sorted((root / folder).rglob("*"))
        if path.is_file()
    }
    return Sample(root, texts)


def _nodes(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _nodes(value, (*path, index))


def _parent(data: Any, path: tuple) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1_000_000)


def _field_mutation(rng: random.Random, sample: Sample, rel: str) -> Mutation:
    data = yaml_rs.loads(sample.texts[rel], parse_datetime=False)
    paths = [path for path, _ in _nodes(data) if path]
    path = rng.choice(paths)
    parent, last = _parent(data, path), path[-1]
    kind = rng.choice(("delete", "replace", "replace", "replace", "duplicate", "empty"))
    label = "/".join(map(str, path))
    if kind == "delete":
        del parent[last]
    elif kind == "replace":
        value = copy.deepcopy(rng.choice(VALUES))
        parent[last] = value
        label += f"={json.dumps(value)[:30]}"
    elif kind == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    else:
        parent[last] = type(parent[last])() if isinstance(parent[last], (list, dict, str)) else None
    return Mutation(f"{rel}: {kind} {label}", {rel: _dump(data)})


def _rename_mutation(rng: random.Random, sample: Sample) -> Mutation:
    """An id renamed in every YAML file that names it, and not in docs/."""
    ids = sorted(set(re.findall(r"(?m)^\s*-?\s*id: ([a-z0-9][a-z0-9-]*)$", "\n".join(sample.texts.values()))))
    old = rng.choice(ids)
    new = old + "-renamed"
    word = re.compile(rf"(?<![\w-]){re.escape(old)}(?![\w-])")
    files: dict[str, str | None] = {}
    for rel in sample.yaml_files():
        text = sample.texts[rel]
        if word.search(text):
            files[rel] = word.sub(new, text)
    for rel in list(files):
        if rel.startswith(("runbooks/", "status_mappings/")) and Path(rel).stem == old:
            files[rel.replace(old, new)] = files.pop(rel)
            files[rel] = None
    return Mutation(f"rename {old} -> {new}", files)


def _file_mutation(rng: random.Random, sample: Sample) -> Mutation:
    rel = rng.choice(sample.yaml_files())
    kind = rng.choice(("remove", "empty", "copy", "truncate"))
    text = sample.texts[rel]
    if kind == "remove":
        return Mutation(f"{rel}: removed", {rel: None})
    if kind == "empty":
        return Mutation(f"{rel}: emptied", {rel: ""})
    if kind == "truncate":
        return Mutation(f"{rel}: truncated", {rel: text[: rng.randrange(len(text))]})
    folder = rel.split("/")[0]
    return Mutation(f"{rel}: copied", {f"{folder}/copy-{Path(rel).stem}.yaml": text})


def _docs_mutation(rng: random.Random, sample: Sample) -> Mutation:
    rel = rng.choice(sorted(r for r in sample.texts if r.startswith("docs/")))
    text = sample.texts[rel]
    calls = list(re.finditer(r'\(("[^"]*")\)', text))
    if not calls:
        return Mutation(f"{rel}: unchanged", {})
    call = rng.choice(calls)
    value = rng.choice(('"no-such-id"', '""', '"index"', '"high"', '"critical-situation"'))
    return Mutation(f"{rel}: macro argument {value}", {rel: text[: call.start(1)] + value + text[call.end(1) :]})


# Calls a page may write that do not fit a macro: the gate must refuse each (KB222,
# KB224) or the build must take it.
MACRO_CALLS = (
    "runbook_count()",
    'sla_react("critical-situation", "extra")',
    'sla_react(policy="critical-situation")',
    "sla_react()",
    "sla_name(7)",
    'clock_text("nope")',
    'clock_text("24x7", language="xx")',
    'policies_for("nonsense")',
    'policies_for("high", "ru", "extra")',
    'team_table("xx")',
    "team_table(language=none)",
    'pair_precedence("index")',
    'runbook_title(runbook_id="no-such-runbook")',
    'policies_on(clock="msk-business")',
    "sla_table(*[])",
)


def _macro_call_mutation(rng: random.Random, sample: Sample) -> Mutation:
    rel = rng.choice(sorted(r for r in sample.texts if r.startswith("docs/") and r.endswith(".md")))
    call = rng.choice(MACRO_CALLS)
    return Mutation(f"{rel}: call {call}", {rel: sample.texts[rel] + f"\n\n{{{{ {call} }}}}\n"})


def _page_mutation(rng: random.Random, sample: Sample) -> Mutation:
    """A handwritten page where the site generates one (or its translation, or a static file)."""
    from opskb.gate.checker import check_tree
    from opskb.site.pages import Site

    kb, _ = check_tree(sample.root)
    page = rng.choice(sorted({plan.src_uri for plan in Site(kb).plan(keyed=False)}))
    rel = rng.choice((page, page.replace(".md", ".ru.md"), page.replace(".md", ".html")))
    return Mutation(f"docs/{rel}: a handwritten page", {f"docs/{rel}": "# A page\n"})


def _synonym_mutation(rng: random.Random, sample: Sample) -> Mutation:
    """A term of one group written again (its case, or an ending, changed) in another."""
    rel = "docs/synonyms.yaml"
    data = yaml_rs.loads(sample.texts[rel], parse_datetime=False)
    groups = data["groups"]
    source, target = rng.sample(range(len(groups)), 2)
    term = rng.choice(groups[source]["terms"])
    term = rng.choice((term, term.upper(), term.lower(), term + "s", term + "ом"))
    if rng.random() < 0.5:
        groups[target]["terms"].append(term)
    else:
        groups.append({"id": "copy-of-" + groups[source]["id"], "terms": [term, "another word"]})
    return Mutation(f"{rel}: {term!r} in a second group", {rel: _dump(data)})


def _calendar_mutation(rng: random.Random, sample: Sample) -> Mutation:
    """A calendar with little working time, and a long duration on one of its policies."""
    rel = "escalation/sla.yaml"
    data = yaml_rs.loads(sample.texts[rel], parse_datetime=False)
    calendar = rng.choice(data["calendars"])
    calendar["start"], calendar["end"] = "09:00", rng.choice(("09:01", "09:30", "10:00"))
    calendar["weekdays"] = [rng.choice(("sun", "mon", "sat"))]
    policies = [p for p in data["policies"] if p["clock"] == calendar["id"]]
    if policies:
        policy = rng.choice(policies)
        policy[rng.choice(("react_within", "resolve_within"))] = rng.choice(("9999h", "999d", "99999m", "40h"))
    return Mutation(f"{rel}: calendar {calendar['id']} shrunk", {rel: _dump(data)})


def _related_mutation(rng: random.Random, sample: Sample) -> Mutation:
    rel = rng.choice([r for r in sample.yaml_files() if r.startswith("runbooks/")])
    data = yaml_rs.loads(sample.texts[rel], parse_datetime=False)
    data["related"] = [*data.get("related", []), data["id"]]
    return Mutation(f"{rel}: related to itself", {rel: _dump(data)})


# Queries of the classes that once ran harm or broke `opskb run` (issue 28): attribute
# notation reaching any function, dblink, locks, a size bomb, numbers JSON has no form for,
# two columns of one name. The harmful ones must be refused; the rest must run cleanly.
SQL_QUERIES = (
    "SELECT p.pg_terminate_backend AS accepted, 1 AS sent FROM unnest(ARRAY[1]) p",
    "SELECT c.dblink_exec AS a FROM unnest(ARRAY['DELETE FROM orders']) c",
    "SELECT g.pg_advisory_lock AS a FROM generate_series(1, 1) g",
    "WITH w AS (SELECT 1) SELECT x.lo_create AS a FROM w, LATERAL unnest(ARRAY[0]) x",
    "SELECT (p).pg_cancel_backend AS a FROM unnest(ARRAY[1]) p",
    "SELECT lpad('x', 250000000, 'y') AS a",
    "SELECT 1e400::numeric AS a",
    "SELECT 'NaN'::float8 AS a",
    "SELECT 1 AS a, 2 AS a",
)


def _sql_mutation(rng: random.Random, sample: Sample) -> Mutation:
    """A sql check's query replaced by one of ``SQL_QUERIES``."""
    rel = rng.choice([r for r in sample.yaml_files() if r.startswith("runbooks/") and "type: sql" in sample.texts[r]])
    data = yaml_rs.loads(sample.texts[rel], parse_datetime=False)
    check = rng.choice([c for c in data["checks"] if c["type"] == "sql"])
    check["query"] = rng.choice(SQL_QUERIES)
    return Mutation(f"{rel}: sql {check['query']}", {rel: _dump(data)})


def mutations(sample: Sample) -> Iterator[Mutation]:
    rng = random.Random(SEED)
    files = sample.yaml_files()
    kinds = (
        (0.08, _rename_mutation),
        (0.14, _file_mutation),
        (0.18, _docs_mutation),
        (0.22, _macro_call_mutation),
        (0.24, _page_mutation),
        (0.27, _synonym_mutation),
        (0.29, _calendar_mutation),
        (0.30, _related_mutation),
        (0.32, _sql_mutation),
    )
    for _ in range(MUTATIONS):
        roll = rng.random()
        make = next((kind for bound, kind in kinds if roll < bound), None)
        yield make(rng, sample) if make is not None else _field_mutation(rng, sample, rng.choice(files))


def _opskb(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    # what content holds is shown, never obeyed by a terminal (JSON escapes ESC itself)
    assert "\x1b" not in out.getvalue() + err.getvalue(), args
    return code, err.getvalue()


def _commands(sample: Sample, mutation: Mutation) -> Iterator[tuple[str, ...]]:
    """The commands whose inputs the mutation changed."""
    root = str(sample.root)
    runbooks = sorted(p.stem for p in (sample.root / "runbooks").glob("*.yaml"))
    if mutation.touches("escalation"):
        chosen = runbooks
    else:
        chosen = [Path(rel).stem for rel in mutation.files if rel.startswith("runbooks/")]
    yield ("find", "stock not received", "--root", root)
    yield ("find", "awaiting_packaging", "--root", root)
    for runbook in chosen:
        if runbook in runbooks:
            yield ("escalate", runbook, "--root", root, "--at", "2026-11-27T16:00", "--format", "json")
            yield ("run", runbook, "--root", root, "--format", "json")
    for rel in mutation.files:
        if rel.startswith("status_mappings/") and (sample.root / rel).is_file():
            text = (sample.root / rel).read_text(encoding="utf-8")
            for code in re.findall(r"code: (\S+)", text)[:3]:
                yield ("status", Path(rel).stem, code.strip("\"'"), "--root", root)
    yield ("rules",)


@pytest.mark.slow
def test_what_the_gate_accepts_every_command_and_the_build_handle(sample: Sample, tmp_path: Path) -> None:
    assert _opskb("check", sample.root, *GATE)[0] == 0, "the sample content must pass the gate"
    accepted: list[Mutation] = []
    refused = 0
    for mutation in mutations(sample):
        sample.apply(mutation)
        try:
            code, err = _opskb("check", sample.root, *GATE, "--format", "json")
            assert code in (0, 1) and "internal error" not in err, (mutation.name, err)
            if code != 0:
                refused += 1
                continue
            accepted.append(mutation)
            harmless = ("1e400", "NaN")  # the SQL_QUERIES the gate may accept: they only read
            assert ": sql " not in mutation.name or any(word in mutation.name for word in harmless), mutation.name
            for command in _commands(sample, mutation):
                code, err = _opskb(*command)
                assert code in (0, 1, 2) and "internal error" not in err, (mutation.name, command, err)
        finally:
            sample.restore(mutation)
    # the generator reaches both sides of the gate
    assert refused > MUTATIONS // 3 and len(accepted) > 40, (refused, len(accepted))
    first = [m for m in accepted if m.touches("escalation") or m.touches("docs") or m.name.startswith("rename")]
    chosen = (first + [m for m in accepted if m not in first])[:BUILDS]
    for number, mutation in enumerate(chosen):
        sample.apply(mutation)
        try:
            built = mkdocs_build(sample.root / "mkdocs.yml", tmp_path / f"site-{number}")
        finally:
            sample.restore(mutation)
        output = built.stdout + built.stderr
        assert built.returncode == 0 and "Traceback" not in output, (mutation.name, output[-3000:])
