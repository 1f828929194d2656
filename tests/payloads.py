"""Hostile content for the site's safety tests: a payload in every free-text field.

The fields come from the JSON Schemas, not from a list kept here: every property whose
schema is a string (through ``$ref``, ``anyOf``, ``if``/``then``, array items) is a field,
and it is free text when some payload still passes the whole file's schema (a pattern such
as ``^[a-z0-9-]+$`` or an enum leaves nothing to inject). So a text field added to a
schema is attacked without touching this module; ``payload_tree`` fails, naming the
field, if the sample tree cannot hold it.

Each injected value is ``variant(token)``: the payload (script, event handlers, attribute
breakouts, Markdown ``javascript:`` links, Jinja, closing tags), shaped to pass the
field's schema (no whitespace for status codes, an ``@`` for mailboxes, a leading ``/`` for HTTP paths, a SELECT
around it for SQL, a PromQL selector around it for PromQL). Every vector calls
``__pwned(token)``, which the browser tests define and record. The same original value
gets the same payload everywhere (a status code and the ``next`` lists naming it), so
cross-references still hold. The tree is then checked with ``opskb check``'s own code: a
payload a rule refuses (a query that is not valid PromQL) moves that field to its next
variant; a field no variant gets through is left as it was and reported in ``refused``.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

from opskb.model.inline import plain
from opskb.model.layout import ESCALATION, ESCALATION_FILES, INTERNAL_FILE, RUNBOOKS, STATUS_MAPPINGS
from opskb.model.schemas import markdown_fields

Path_ = tuple[str, ...]  # a field: keys, with "[]" for "every item of the array"
ITEMS = "[]"

# Opening and closing marks around the token: shown once per payload, so a page that shows
# the mark but not the whole payload after it has interpreted part of it.
OPEN, CLOSE = "\u27e6", "\u27e7"


def full(token: str) -> str:
    """Every kind of payload, one line, each vector reporting ``token`` when it runs."""
    t = token
    vectors = [
        f"{OPEN}{t}{CLOSE}",
        f"<img src=x onerror=\"__pwned('{t}:img')\">",
        f"<script>__pwned('{t}:script')</script>",
        f"\"><svg onload=__pwned('{t}:svg')>",
        f'\'><b onmouseover="__pwned(\'{t}:attr\')" id="{t}">x</b>',
        f"[a link](javascript:__pwned('{t}:md'))",
        f"![an image](javascript:__pwned('{t}:mdimg'))",
        f"<javascript:__pwned('{t}:autolink')>",
        f"{{: onclick=\"__pwned('{t}:attrlist')\" }}",
        "{{ 6*7 }} {% if true %}evaluated{% endif %} {# comment #}",
        "</textarea></title></script></code></pre></div>",
        f"<iframe srcdoc=\"<script>parent.__pwned('{t}:iframe')</script>\"></iframe>",
        f"]] --> click s0 \"javascript:__pwned('{t}:mermaid')\"",
        f'!!! danger "{t}:admonition"',
        "**not bold** `not code` &amp; &lt;b&gt;",
    ]
    return " ".join(vectors)


def compact(token: str) -> str:
    """For fields that allow no whitespace and one slash (status codes)."""
    return f"{OPEN}{token}{CLOSE}\"'><svg/onload=__pwned('{token}:svg')>{{{{6*7}}}}&amp;"


def _sql(token: str) -> str:
    return "SELECT 1 AS x WHERE '" + full(token).replace("'", "''") + "' <> ''"


def _promql(token: str) -> str:
    return 'up{job="' + full(token).replace("\\", "\\\\").replace('"', '\\"') + '"}'


VARIANTS: list[Callable[[str], str]] = [
    full,
    compact,
    lambda token: compact(token) + "@example.org",
    lambda token: "/" + full(token),
    lambda token: "$" + full(token),
    _sql,
    _promql,
]


def schema_of(rel: str) -> str | None:
    """The schema a content file follows (as opskb's layout says), by its relative path."""
    folder, _, name = rel.partition("/")
    if folder == RUNBOOKS:
        return "runbook"
    if folder == ESCALATION:
        return ESCALATION_FILES.get(name)
    if folder == STATUS_MAPPINGS:
        return "internal-statuses" if name == INTERNAL_FILE else "marketplace"
    return None


class Schemas:
    """The schemas of one folder, for walking (refs resolved) and for validating."""

    def __init__(self, folder: Path) -> None:
        self.by_name: dict[str, dict[str, Any]] = {}
        self.by_id: dict[str, dict[str, Any]] = {}
        for path in sorted(folder.glob("*.schema.json")):
            schema = json.loads(path.read_text(encoding="utf-8"))
            self.by_name[path.name.removesuffix(".schema.json")] = schema
            self.by_id[schema["$id"]] = schema
        registry = jsonschema_rs.Registry(list(self.by_id.items()))
        self._validators = {
            name: jsonschema_rs.Draft202012Validator(schema, registry=registry) for name, schema in self.by_name.items()
        }

    def valid(self, name: str, data: Any) -> bool:
        return self._validators[name].is_valid(data)

    def _resolve(self, ref: str, base: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        where, _, pointer = ref.partition("#")
        doc = base
        if where:
            doc = self.by_id[base["$id"].rsplit("/", 1)[0] + "/" + where]
        node: Any = doc
        for part in filter(None, pointer.split("/")):
            node = node[part]
        return node, doc

    def string_fields(self, name: str) -> set[Path_]:
        """Every path at which the schema allows a string."""
        found: set[Path_] = set()
        seen: set[tuple[int, Path_]] = set()

        def walk(node: Any, path: Path_, doc: dict[str, Any]) -> None:
            if not isinstance(node, dict) or (id(node), path) in seen or len(path) > 20:
                return
            seen.add((id(node), path))
            if "$ref" in node:
                target, target_doc = self._resolve(node["$ref"], doc)
                walk(target, path, target_doc)
            types = node.get("type")
            if types == "string" or (isinstance(types, list) and "string" in types):
                found.add(path)
            for key in ("anyOf", "oneOf", "allOf"):
                for sub in node.get(key, []):
                    walk(sub, path, doc)
            for key in ("then", "else"):
                walk(node.get(key), path, doc)
            for prop, sub in node.get("properties", {}).items():
                walk(sub, (*path, prop), doc)
            walk(node.get("items"), (*path, ITEMS), doc)

        walk(self.by_name[name], (), self.by_name[name])
        return found


def nodes_at(data: Any, path: Path_) -> Iterator[tuple[Any, Any]]:
    """(container, key) of every value at ``path`` in ``data``."""
    if not path:
        return
    head, rest = path[0], path[1:]
    if head == ITEMS:
        if isinstance(data, list):
            for index, item in enumerate(data):
                if rest:
                    yield from nodes_at(item, rest)
                else:
                    yield data, index
        return
    if isinstance(data, dict) and head in data:
        if rest:
            yield from nodes_at(data[head], rest)
        else:
            yield data, head


def _parents(data: Any, path: Path_) -> list[Any]:
    if not path:
        return [data]
    return [container[key] for container, key in nodes_at(data, path)]


@dataclass
class PayloadTree:
    root: Path
    # token -> the (file, field)s it was injected into (one value may fill several: a
    # status code and the `next` lists that name it), and the text injected
    tokens: dict[str, set[tuple[str, Path_]]] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    # fields that passed no variant past `opskb check` (left as they were), per file kind
    refused: set[tuple[str, Path_]] = field(default_factory=set)
    # every free-text field per schema
    fields: dict[str, set[Path_]] = field(default_factory=dict)

    # (schema, field) of the fields that hold the Markdown subset (contentMediaType
    # text/markdown in the schema): what they show is the text without its markup
    markdown: set[tuple[str, Path_]] = field(default_factory=set)

    def shown(self, token: str) -> str:
        """The text a reader must see where the field is shown."""
        value = self.values[token]
        if any((schema_of(rel), path) in self.markdown for rel, path in self.tokens[token]):
            value = plain(value)
        return " ".join(value.split())

    def where(self, token: str) -> str:
        """The fields a token was injected into, for messages."""
        return ", ".join(sorted(f"{rel}: {field_name(path)}" for rel, path in self.tokens[token]))


def field_name(path: Path_) -> str:
    return ".".join(path).replace(".[]", "[]")


def _content_files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for folder in (RUNBOOKS, ESCALATION, STATUS_MAPPINGS)
        for p in (root / folder).glob("*.yaml")
    )


def _fill_missing(schemas: Schemas, name: str, data: Any, path: Path_) -> bool:
    """Add a missing string field (or a one-item list of strings) to the first object
    that takes it; False when no object of the sample can hold it."""
    items = path[-1] == ITEMS
    key_path = path[:-1] if items else path
    for parent in _parents(data, key_path[:-1]):
        if not isinstance(parent, dict) or key_path[-1] in parent:
            continue
        text = f"placeholder for {field_name(path)}"
        parent[key_path[-1]] = [text] if items else text
        if schemas.valid(name, data):
            return True
        del parent[key_path[-1]]
    return False


def payload_tree(sample: Path, dest: Path, extend: Callable[[dict[str, Any]], None] | None = None) -> PayloadTree:
    """Copy ``sample`` (a content tree with its schemas/) to ``dest`` and put a payload in
    every free-text field of every file, each through ``opskb check`` clean.

    ``extend`` gets the parsed files ({relative path: data}) to add objects the sample
    lacks (an http check where it has only SQL). Files are written back as JSON (which is
    YAML, every string quoted), so each value sits on a line of its own and a finding of
    ``opskb check`` names the field it is about.
    """
    from opskb.gate.checker import check_tree

    shutil.copytree(sample, dest)
    schemas = Schemas(dest / "schemas")
    files = {rel: yaml.safe_load((dest / rel).read_text(encoding="utf-8")) for rel in _content_files(dest)}
    if extend is not None:
        extend(files)
    for data in files.values():
        # A value that decides alone names the second part of codes ('sold' in
        # 'complete/sold'); a payload replaces a code whole, so the copy declares none. Its
        # schema pattern (no slash, no space) lets no payload in anyway.
        precedence = data.get("key", {}).get("precedence", {}) if isinstance(data, dict) else {}
        precedence.pop("decides_alone", None)
    tree = PayloadTree(dest)
    tree.markdown = {
        (name, tuple(path)) for name, schema in schemas.by_name.items() for path in markdown_fields(schema)
    }
    # field -> index into VARIANTS (per file: a field is one path in one file)
    chosen: dict[tuple[str, Path_], list[int]] = {}
    originals: dict[tuple[str, Path_], list[tuple[Any, Any, Any]]] = {}
    for rel, data in files.items():
        name = schema_of(rel)
        assert name is not None, rel
        assert schemas.valid(name, data), f"{rel} does not pass its schema before any payload"
        if name not in tree.fields:
            tree.fields[name] = set()
        for path in sorted(schemas.string_fields(name)):
            if not any(True for _ in nodes_at(data, path)) and not _fill_missing(schemas, name, data, path):
                continue
            places = [(c, k, c[k]) for c, k in nodes_at(data, path) if isinstance(c[k], str)]
            variants = []
            for index, variant in enumerate(VARIANTS):
                for number, (container, key, _) in enumerate(places):
                    container[key] = variant(f"probe{number}")
                if schemas.valid(name, data):
                    variants.append(index)
                for container, key, old in places:
                    container[key] = old
            if variants and places:
                tree.fields[name].add(path)
                chosen[(rel, path)] = variants
                originals[(rel, path)] = places
    covered = {(schema_of(rel), path) for rel, path in chosen}
    missing = [(name, path) for name, paths in tree.fields.items() for path in paths if (name, path) not in covered]
    assert not missing, f"no sample object can hold these fields: {missing}"
    tokens: dict[tuple[str, str, int], str] = {}

    def apply() -> dict[tuple[str, int], tuple[str, Path_]]:
        """Write every file with the current variants; the field of each value line."""
        lines: dict[tuple[str, int], tuple[str, Path_]] = {}
        tree.tokens.clear()
        tree.values.clear()
        for (rel, path), variants in chosen.items():
            for container, key, old in originals[(rel, path)]:
                if not variants:
                    container[key] = old
                    continue
                token = tokens.setdefault((rel, old, variants[0]), f"xq{len(tokens) + 1}")
                container[key] = VARIANTS[variants[0]](token)
                tree.tokens.setdefault(token, set()).add((rel, path))
                tree.values[token] = container[key]
        for rel, data in files.items():
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            (dest / rel).write_text(text, encoding="utf-8")
            for line, path in _value_lines(text):
                if (rel, path) in chosen:
                    lines[(rel, line)] = (rel, path)
        return lines

    for _ in range(len(VARIANTS) + 1):
        lines = apply()
        _, problems = check_tree(dest)
        if not problems:
            break
        # one step per field and round: a file's several queries are one field, and two
        # findings for it in one round must not skip the next variant unseen
        failing = set()
        for problem in problems:
            where = lines.get((problem.path, problem.line))
            assert where is not None, f"a payload broke something outside its field: {problem.as_text()}"
            failing.add(where)
        for where in sorted(failing):
            variants = chosen[where]
            if variants:
                variants.pop(0)
                if not variants:
                    tree.refused.add((schema_of(where[0]) or "", where[1]))
    else:
        raise AssertionError(f"payloads still fail opskb check: {[p.as_text() for p in problems]}")
    return tree


def _value_lines(text: str) -> Iterator[tuple[int, Path_]]:
    """(1-based line, field path) of every string scalar of a JSON/YAML text."""

    def walk(node: yaml.Node, path: Path_) -> Iterator[tuple[int, Path_]]:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                yield from walk(value, (*path, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                yield from walk(item, (*path, ITEMS))
        elif isinstance(node, yaml.ScalarNode):
            yield node.start_mark.line + 1, path

    yield from walk(yaml.compose(text, Loader=yaml.SafeLoader), ())


FIRED = re.compile(r"xq\d+:\w+")


def _key_paths(data: Any, path: Path_ = ()) -> Iterator[Path_]:
    """Every key of every object in ``data``, as a field path ("[]" for list items)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*path, key)
            yield from _key_paths(value, (*path, key))
    elif isinstance(data, list):
        for item in data:
            yield from _key_paths(item, (*path, ITEMS))


def required_only(root: Path) -> list[str]:
    """Leave in the content tree at ``root`` only what its schemas and `opskb check
    --strict` require: each optional field (a field path of one file kind, in every object
    of every file that has it) is removed when the files stay schema-valid and the checker
    clean, else from one object alone when that is. Returns the fields removed, as
    ``kind: field (every)`` or ``(one)``."""
    from opskb.gate.checker import check_tree

    schemas = Schemas(root / "schemas")
    files = {rel: yaml.safe_load((root / rel).read_text(encoding="utf-8")) for rel in _content_files(root)}
    fields: dict[tuple[str, Path_], list[str]] = {}
    for rel, data in files.items():
        for path in set(_key_paths(data)):
            fields.setdefault((schema_of(rel) or "", path), []).append(rel)

    def write(rels: list[str]) -> None:
        for rel in rels:
            (root / rel).write_text(json.dumps(files[rel], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    removed = []
    # deepest first: a nested optional field goes before the object holding it is tried
    for (kind, path), rels in sorted(fields.items(), key=lambda item: (-len(item[0][1]), item[0])):
        places = [(rel, c, k, c[k]) for rel in rels for c, k in nodes_at(files[rel], path)]
        # from every object at once; else from the last one alone (a rule may need the
        # field somewhere, as the report needs one policy of a priority, but not everywhere)
        for chosen, label in ((places, "every"), (places[-1:], "one")):
            if not chosen:
                break
            for _, container, key, _ in chosen:
                del container[key]
            touched = sorted({rel for rel, *_ in chosen})
            write(touched)
            if all(schemas.valid(kind, files[rel]) for rel in touched) and not check_tree(root)[1]:
                removed.append(f"{kind}: {field_name(path)} ({label})")
                break
            for _, container, key, value in chosen:
                container[key] = value
            write(touched)
    return removed
