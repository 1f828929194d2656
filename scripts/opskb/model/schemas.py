"""JSON Schema validation of loaded documents, every error located at its node.

The content model lives in ``schemas/``; this module only reads it. Valid files take a
compiled fast path (jsonschema-rs); a file that fails is validated again with the
reference implementation (jsonschema) to report every error with its keyword and path.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from .layout import SCHEMAS
from .links import TEXT_OR_LINK, is_text_or_link
from .problems import CommandError
from .yamldoc import Document, JsonPath

if TYPE_CHECKING:  # the reference implementation is imported only when a file fails (~110 ms)
    import jsonschema
    from referencing import Registry


def schema_dir(root: Path | None = None) -> Path:
    """The content root's own schemas/ if it has one, else the ones shipped with opskb."""
    if root is not None and (root / SCHEMAS / "runbook.schema.json").is_file():
        return root / SCHEMAS
    packaged = Path(__file__).parents[1] / "_schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / SCHEMAS


MARKDOWN = "text/markdown"
ITEMS = "[]"  # in a field pattern: every item of the array


def markdown_fields(schema: dict[str, Any]) -> list[tuple[str, ...]]:
    """The fields whose schema says ``contentMediaType: text/markdown`` (the safe subset of
    opskb.model.inline), as key paths with ``[]`` for the items of an array. Local references
    are followed; a shared definition elsewhere holds no such field."""
    found: list[tuple[str, ...]] = []

    def walk(node: Any, path: tuple[str, ...], depth: int) -> None:
        if not isinstance(node, dict) or depth > 12:
            return
        if node.get("contentMediaType") == MARKDOWN:
            found.append(path)
        ref = node.get("$ref", "")
        if ref.startswith("#/"):
            target: Any = schema
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            walk(target, path, depth + 1)
        for key, sub in node.get("properties", {}).items():
            walk(sub, (*path, key), depth + 1)
        walk(node.get("items"), (*path, ITEMS), depth + 1)

    walk(schema, (), 0)
    return found


def values_at(data: Any, field: tuple[str, ...], where: JsonPath = ()) -> Iterator[tuple[JsonPath, Any]]:
    """(path, value) of every value of ``data`` at a field pattern of ``markdown_fields``."""
    if not field:
        yield where, data
        return
    head, rest = field[0], field[1:]
    if head == ITEMS:
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from values_at(item, rest, (*where, index))
    elif isinstance(data, dict) and head in data:
        yield from values_at(data[head], rest, (*where, head))


class SchemaError:
    """One schema violation: where, which keyword, and a message for people."""

    __slots__ = ("field", "hint", "keyword", "message", "on_key", "path")

    def __init__(self, path: JsonPath, keyword: str, message: str, hint: str, on_key: bool, field: str = "") -> None:
        self.path = path
        self.keyword = keyword
        self.message = message
        self.hint = hint
        self.on_key = on_key
        # the missing field of a `required` error; the likely meant one of an unknown field
        self.field = field


class SchemaSet:
    """All schemas of one schemas/ folder, compiled once."""

    def __init__(self, folder: Path) -> None:
        self.schemas: dict[str, dict[str, Any]] = {}
        for path in sorted(folder.glob("*.schema.json")):
            try:
                schema = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as err:
                # not content but the content model: nothing can be checked without it
                raise CommandError(f"opskb: cannot read the schema {path}: {err}") from None
            self.schemas[path.name.removesuffix(".schema.json")] = schema

    @cached_property
    def _registry(self) -> Registry:
        from referencing import Registry, Resource

        return Registry().with_resources(
            (schema["$id"], Resource.from_contents(schema)) for schema in self.schemas.values()
        )

    @cached_property
    def _fast(self) -> dict[str, jsonschema_rs.Draft202012Validator]:
        registry = jsonschema_rs.Registry([(s["$id"], s) for s in self.schemas.values()])
        return {
            # formats are assertions here: a "date" must be a real day (2026-02-31 is not)
            name: jsonschema_rs.Draft202012Validator(
                schema, registry=registry, validate_formats=True, formats={TEXT_OR_LINK: is_text_or_link}
            )
            for name, schema in self.schemas.items()
        }

    @cached_property
    def _slow(self) -> dict[str, jsonschema.Draft202012Validator]:
        """The reference validators, built the first time a file fails (one per schema, so
        references are resolved once, not again for every failing file)."""
        import jsonschema

        # draft 2020-12's own formats, and the content's (the same function as the fast path)
        formats = jsonschema.FormatChecker(formats=())
        formats.checkers = dict(jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers)
        formats.checks(TEXT_OR_LINK)(is_text_or_link)
        return {
            name: jsonschema.Draft202012Validator(schema, registry=self._registry, format_checker=formats)
            for name, schema in self.schemas.items()
        }

    def is_valid(self, name: str, data: Any) -> bool:
        try:
            return bool(self._fast[name].is_valid(data))
        except (ValueError, TypeError):
            return False

    def errors(self, name: str, document: Document) -> list[SchemaError]:
        """Every violation in ``document`` (empty when valid)."""
        data = document.data
        if self.is_valid(name, data):
            return []
        non_finite = list(_non_finite_numbers(data))
        if non_finite:
            # NaN passes every bound in the reference validator (comparisons are false)
            return [SchemaError(path, "finite", "this number is not finite", "", False) for path in non_finite]
        bad_keys = list(_non_text_keys(data, ()))
        if bad_keys:
            return [
                SchemaError(path, "propertyNames", f"mapping key {key!r} must be text", "quote the key", True)
                for path, key in bad_keys
            ]
        found: list[SchemaError] = []
        for error in self._slow[name].iter_errors(data):
            found.extend(_explain(error, self.schemas))
        return _one_per_misspelling(found)


def _one_per_misspelling(found: list[SchemaError]) -> list[SchemaError]:
    """A misspelt field is one mistake: the unknown name is reported (with the field it
    was meant to be), and that required field is not reported missing beside it. Meant:
    the close match, or else the one missing field of an object with one unknown field."""
    unknown: dict[JsonPath, list[SchemaError]] = {}
    missing: dict[JsonPath, list[SchemaError]] = {}
    for error in found:
        if error.keyword in ("additionalProperties", "unevaluatedProperties"):
            unknown.setdefault(error.path[:-1], []).append(error)
        elif error.keyword == "required":
            missing.setdefault(error.path, []).append(error)
    folded: set[int] = set()
    for where, extras in unknown.items():
        absent = {error.field: error for error in missing.get(where, [])}
        for extra in extras:
            meant = extra.field if extra.field in absent else None
            if meant is None and len(extras) == 1 and len(absent) == 1:
                meant = next(iter(absent))
            if meant is None and extra.field:
                # a field the object knows, misspelt: what the object now lacks (a schema's
                # if/then on that field) follows from it, reported once the name is fixed
                folded.update(id(error) for error in missing.get(where, []))
            elif meant is not None and id(absent[meant]) not in folded:
                # what else the object lacks may follow from the lost field (a schema's
                # if/then on it): reported once the name is fixed, if still true
                folded.update(id(error) for error in missing.get(where, []))
                allowed = extra.hint.split("allowed: ", 1)[-1]
                extra.hint = f"did you mean '{meant}'? it is required and missing; allowed: {allowed}"
    return [error for error in found if id(error) not in folded]


def _non_finite_numbers(data: Any) -> Iterator[JsonPath]:
    """Paths of NaN and infinite numbers (.nan, .inf, 1e400): values JSON cannot hold."""
    stack: list[tuple[Any, JsonPath]] = [(data, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            yield where
        elif isinstance(node, dict):
            stack.extend((value, (*where, key)) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, (*where, index)) for index, value in enumerate(node))


def _non_text_keys(data: Any, path: JsonPath) -> Iterator[tuple[JsonPath, Any]]:
    stack = [(data, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str):
                    yield (*where, key), key
                else:
                    stack.append((value, (*where, key)))
        elif isinstance(node, list):
            stack.extend((value, (*where, index)) for index, value in enumerate(node))


def _field_name(path: JsonPath) -> str:
    names = [str(part) for part in path if isinstance(part, str)]
    return names[-1] if names else "document"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(value: Any) -> str:
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "empty (null)",
    }.get(type(value), type(value).__name__)


def _explain(error: jsonschema.ValidationError, schemas: dict[str, Any]) -> Iterator[SchemaError]:
    """Turn one jsonschema error into messages that name the field and the fix."""
    path: JsonPath = tuple(error.absolute_path)
    field = _field_name(path)
    keyword = str(error.validator)
    expected = error.validator_value
    instance = error.instance
    description = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    hint = description
    if keyword in ("anyOf", "oneOf") and error.context:
        # Report the branch that got furthest: its errors are the useful ones.
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        if best is not None and best.validator not in ("const",):
            yield from _explain(best, schemas)
            return
        message = f"{field} does not match any allowed form (got {_show(instance)})"
    elif keyword == "enum":
        message = f"{field} must be one of {', '.join(map(str, expected))} (got {_show(instance)})"
    elif keyword == "const":
        message = f"{field} must be {_show(expected)} (got {_show(instance)})"
    elif keyword == "type":
        wanted = expected if isinstance(expected, str) else " or ".join(expected)
        message = f"{field} must be {wanted} (got {_type_name(instance)}: {_show(instance)})"
    elif keyword == "required":
        missing = [name for name in expected if isinstance(instance, dict) and name not in instance]
        for name in missing or expected:
            sub = error.schema.get("properties", {}).get(name, {}) if isinstance(error.schema, dict) else {}
            yield SchemaError(
                path,
                "required",
                f"missing required field '{name}'" + (f" in {field}" if path else ""),
                sub.get("description", "") if isinstance(sub, dict) else "",
                on_key=bool(path),
                field=name,
            )
        return
    elif keyword in ("additionalProperties", "unevaluatedProperties"):
        allowed = sorted(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        extras = [k for k in instance if k not in allowed] if isinstance(instance, dict) else []
        for extra in extras:
            near = _nearest(str(extra), allowed)
            yield SchemaError(
                (*path, extra),
                keyword,
                f"unknown field '{extra}'" + (f" in {field}" if path else ""),
                (f"did you mean '{near}'? " if near else "") + "allowed: " + ", ".join(allowed),
                on_key=True,
                field=near or "",
            )
        return
    elif keyword == "pattern":
        message = f"{field} has the wrong form (got {_show(instance)})"
        hint = _with_example(hint, error.schema)
    elif keyword == "format" and expected == TEXT_OR_LINK:
        message = (
            f"{field} is a link the site does not allow, or one written with something hidden (got {_show(instance)})"
        )
        hint = _with_example(hint, error.schema)
    elif keyword == "format":
        message = f"{field} is not a real {expected} (got {_show(instance)})"
        hint = _with_example(hint, error.schema)
    elif keyword in ("minItems", "minLength", "minProperties"):
        message = f"{field} must not be empty" if expected == 1 else f"{field} needs at least {expected} entries"
    elif keyword in ("maxItems", "maxLength", "maxProperties"):
        message = f"{field} allows at most {expected} entries"
    elif keyword in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        word = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}[keyword]
        message = f"{field} must be {word} {expected} (got {_show(instance)})"
    elif keyword == "uniqueItems":
        message = f"{field} lists the same value twice"
    elif keyword == "not" and expected == {}:
        message = f"{field} is not allowed here"
    elif keyword == "not":
        message = f"{field} has a combination of fields that is not allowed"
    else:
        message = f"{field}: {error.message}"
    yield SchemaError(path, keyword, message, hint, on_key=False)


def _with_example(hint: str, schema: Any) -> str:
    """The field's description and the first of its schema's ``examples``: the accepted
    form shown, not only described (tests/test_schemas.py: each pattern has one that fits)."""
    examples = schema.get("examples") if isinstance(schema, dict) else None
    if not examples:
        return hint
    accepted = f"accepted form, e.g. {_show(examples[0])}"
    return f"{hint.rstrip('.')}; {accepted}" if hint else accepted


def _nearest(word: str, candidates: list[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None
