"""The gate's promise as a property: content that `opskb check --strict` accepts builds and
every command handles it.

The sample content is mutated field by field and file by file (a field deleted, a value of
the wrong type, a huge number, an impossible date, an empty or very long text, an unknown
id, an HTML payload, an entry duplicated, an id renamed in the YAML but not in docs/, a
file removed, emptied or copied), from a fixed seed so that every run tries the same
mutations. Whatever the gate accepts must then work: the commands that read the changed
files exit 0, 1 or 2 without an internal error, and for a sample of them (every accepted
change of escalation/, docs/ or an id first) `mkdocs build --strict` succeeds.

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

SEED = 2
MUTATIONS = 700
BUILDS = 25
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


def mutations(sample: Sample) -> Iterator[Mutation]:
    rng = random.Random(SEED)
    files = sample.yaml_files()
    for _ in range(MUTATIONS):
        roll = rng.random()
        if roll < 0.08:
            yield _rename_mutation(rng, sample)
        elif roll < 0.14:
            yield _file_mutation(rng, sample)
        elif roll < 0.18:
            yield _docs_mutation(rng, sample)
        else:
            yield _field_mutation(rng, sample, rng.choice(files))


def _opskb(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
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
