"""Prometheus alerting and recording rule files, read and validated as Prometheus does.

What `--alert-rules` accepts: files and folders (every ``*.yaml``/``*.yml`` under one),
each a plain rule file (top-level ``groups:``), a ``PrometheusRule`` manifest
(``spec.groups``) or a multi-document stream of Kubernetes objects in which the other
kinds are skipped. The verdicts mirror ``promtool check rules`` (Prometheus's
``rulefmt``: strict fields, required ``expr``, one of ``alert``/``record``, durations,
metric, label and annotation names, duplicate groups, PromQL through a parser of
Prometheus's grammar), each finding located at its node as ``path:line:col: KB5xx``.

Where opskb is stricter than promtool, it is because the file cannot be what was meant:
an empty file, a stream without a rule document, or a plain file's second document
(which Prometheus never reads) are reported; rule groups without rules are a warning.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .gotemplate import template_error
from .ruleyaml import BINARY_TAG, Node, Stream, YamlError, read_stream
from .yamldoc import RawFinding

RULE_FILE_SUFFIXES = (".yaml", ".yml")
OPERATOR_GROUP = "monitoring.coreos.com/"
PROMETHEUS_RULE = "PrometheusRule"

# The fields of Prometheus's rulefmt (2.42, the version the tests run promtool from),
# which decodes with KnownFields: any other key is an error.
TOP_FIELDS = ("groups",)
GROUP_FIELDS = ("name", "interval", "limit", "rules")
RULE_FIELDS = ("record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations")
ALERT_ONLY = ("for", "keep_firing_for", "annotations")

# Prometheus's own definitions (common/model): these are regular languages, and these
# are the expressions Prometheus itself matches them with.
_DURATION = re.compile(
    r"^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$"
)
_METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_INT = re.compile(r"^[-+]?(?:[0-9]+|0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+)$")
# A Prometheus server configuration, given where its rule files were meant.
_SERVER_CONFIG_KEYS = {"global", "scrape_configs", "rule_files", "alerting", "remote_write", "remote_read"}
# Rules walked per file: aliases can repeat a group without bound, Prometheus-side too.
MAX_RULES = 100_000


@dataclass
class AlertRule:
    """One alerting rule as Prometheus loads it, with the nodes `alerts annotate` edits."""

    name: str
    group: str
    node: Node  # the rule's mapping
    name_node: Node  # the value of alert:
    annotations: Node | None  # the value of annotations: (a mapping, or null)
    annotations_key: Node | None
    runbook_url: Node | None  # the value of annotations.runbook_url

    @property
    def url(self) -> str | None:
        return self.runbook_url.text if self.runbook_url is not None else None


@dataclass
class RuleFile:
    """One file given to --alert-rules: its alerts, rule count and findings."""

    path: Path
    rel: str
    stream: Stream | None = None
    alerts: list[AlertRule] = field(default_factory=list)
    rule_count: int = 0
    findings: list[RawFinding] = field(default_factory=list)

    def locate(self, path: tuple = (), on_key: bool = False) -> tuple[int, int]:
        """Findings of cross-checks carry their position in ``path`` as (line, column)."""
        return (path[0], path[1]) if len(path) == 2 else (1, 1)

    def report(self, code: str, node: Node | None, **params: object) -> None:
        line, column = (node.line, node.column) if node is not None else (1, 1)
        self.findings.append(RawFinding(code, line, column, dict(params)))


def rule_file_paths(given: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """The files named or found under the folders named; and what could not be used."""
    found: list[Path] = []
    unusable: list[str] = []
    for path in given:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.suffix in RULE_FILE_SUFFIXES and p.is_file())
            inside = [p for p in inside if not any(part.startswith(".") for part in p.relative_to(path).parts)]
            if not inside:
                unusable.append(f"{path} (no .yaml or .yml file in it)")
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        else:
            unusable.append(f"{path} (no such file or folder)")
    return list(dict.fromkeys(found)), unusable


def load_rule_file(path: Path, rel: str) -> RuleFile:
    """Read and validate one rule file. Never raises for bad content."""
    rule_file = RuleFile(path, rel)
    try:
        rule_file.stream = read_stream(path)
    except YamlError as err:
        rule_file.findings.append(err.finding)
        return rule_file
    return validate(rule_file)


def validate(rule_file: RuleFile) -> RuleFile:
    """Read the alerts of an already composed file and report what Prometheus refuses."""
    assert rule_file.stream is not None
    _Validator(rule_file).documents(rule_file.stream.documents)
    return rule_file


def _is_manifest(node: Node) -> bool:
    return node.kind == "map" and node.get("kind") is not None and node.get("apiVersion") is not None


class _Validator:
    def __init__(self, rule_file: RuleFile) -> None:
        self.file = rule_file
        self.promql_spent = 0

    def report(self, code: str, node: Node | None, **params: object) -> None:
        self.file.report(code, node, **params)

    def documents(self, documents: list[Node | None]) -> None:
        present = [d for d in documents if d is not None and not d.is_null]
        if not present:
            self.report("KB501", None, reason="the file is empty")
            return
        manifests = [d for d in present if _is_manifest(d)]
        if manifests:
            self._stream(present)
            return
        first, *rest = present
        self._plain(first)
        for extra in rest:
            self.report("KB513", extra)

    def _stream(self, documents: list[Node]) -> None:
        rule_documents = 0
        for document in documents:
            if not _is_manifest(document):
                self.report("KB501", document, reason="a document of a Kubernetes stream that is not an object")
                continue
            kind, api = document.get("kind"), document.get("apiVersion")
            if kind.text != PROMETHEUS_RULE or not api.text.startswith(OPERATOR_GROUP):
                continue  # a ConfigMap, a Deployment...: not ours to read
            rule_documents += 1
            spec = document.get("spec")
            groups = spec.get("groups") if spec is not None else None
            if groups is None:
                self.report("KB501", spec or kind, reason="a PrometheusRule without spec.groups")
                continue
            self._groups(groups)
        if not rule_documents:
            self.report("KB501", documents[0], reason=f"no {PROMETHEUS_RULE} ({OPERATOR_GROUP}v1) in this stream")

    def _plain(self, document: Node) -> None:
        if document.kind != "map":
            self.report("KB501", document, reason=f"a {document.yaml_kind} where a mapping with groups: was expected")
            return
        if document.get("groups") is None:
            keys = {k.value for k, _ in document.items if k.kind == "scalar"}
            looks = " (this looks like a Prometheus server configuration)" if keys & _SERVER_CONFIG_KEYS else ""
            self.report("KB501", document, reason=f"no top-level groups:{looks}")
            return
        self._fields(document, TOP_FIELDS, "rule file")
        self._groups(document.get("groups"))

    def _fields(self, mapping: Node, allowed: tuple[str, ...], where: str) -> None:
        for key, _ in mapping.items:
            if key.kind != "scalar" or key.value not in allowed:
                self.report("KB502", key, field=key.value if key.kind == "scalar" else key.yaml_kind, where=where)

    def _string(self, node: Node | None, name: str) -> str | None:
        """A Go string field's value; None (reported) when the node is not a scalar."""
        if node is None:
            return ""
        if node.kind != "scalar":
            self.report("KB503", node, field=name, expected="a string", found=node.yaml_kind)
            return None
        if node.tag == BINARY_TAG:
            try:
                # bytes that are not UTF-8 stay as lone surrogates, which _valid_utf8 refuses
                return base64.b64decode(node.value, validate=False).decode("utf-8", "surrogateescape")
            except binascii.Error:
                return node.value
        return node.text

    def _groups(self, groups: Node) -> None:
        if groups.kind != "seq":
            if not groups.is_null:
                self.report("KB503", groups, field="groups", expected="a list of rule groups", found=groups.yaml_kind)
            return
        if not groups.items:
            self.report("KB512", groups, what="this file has no rule groups")
        seen: dict[str, int] = {}
        for group in groups.items:
            if group.kind != "map":
                self.report("KB503", group, field="a rule group", expected="a mapping", found=group.yaml_kind)
                continue
            self._group(group, seen)

    def _group(self, group: Node, seen: dict[str, int]) -> None:
        self._fields(group, GROUP_FIELDS, "rule group")
        name_node = group.get("name")
        name = self._string(name_node, "name")
        if name == "":
            self.report("KB511", name_node or group, reason="is empty")
        elif name is not None and name in seen:
            self.report("KB511", name_node, reason=f"{name!r} is used twice in this file (first at line {seen[name]})")
        elif name is not None:
            seen[name] = (name_node or group).line
        self._duration(group, "interval")
        limit = group.get("limit")
        if (
            limit is not None
            and not limit.is_null
            and (limit.kind != "scalar" or limit.style or not _INT.match(limit.value))
        ):
            self.report("KB503", limit, field="limit", expected="an integer", found=_quoted_kind(limit))
        rules = group.get("rules")
        if rules is None or rules.is_null or (rules.kind == "seq" and not rules.items):
            self.report("KB512", rules or name_node or group, what=f"group {name!r} has no rules")
            return
        if rules.kind != "seq":
            self.report("KB503", rules, field="rules", expected="a list of rules", found=rules.yaml_kind)
            return
        for rule in rules.items:
            if self.file.rule_count >= MAX_RULES:
                self.report("KB503", rule, field="rules", expected=f"at most {MAX_RULES} rules", found="more")
                return
            if rule.kind != "map":
                self.report("KB503", rule, field="a rule", expected="a mapping", found=rule.yaml_kind)
                continue
            self._rule(rule, name or "")

    def _duration(self, mapping: Node, key: str) -> bool:
        """Whether ``key`` holds a non-zero duration; a malformed one is reported."""
        node = mapping.get(key)
        if node is None or node.is_null:
            return False
        value = self._string(node, key)
        if value is None:
            return False
        if not is_duration(value):
            self.report("KB507", node, field=key, value=value)
            return False
        return any(c in "123456789" for c in value)

    def _rule(self, rule: Node, group: str) -> None:
        self.file.rule_count += 1
        self._fields(rule, RULE_FIELDS, "rule")
        alert_node, record_node = rule.get("alert"), rule.get("record")
        alert, record = self._string(alert_node, "alert"), self._string(record_node, "record")
        if alert and record:
            self.report("KB504", record_node, reason="has both alert: and record:")
        elif not alert and not record and alert is not None and record is not None:
            self.report("KB504", record_node or alert_node or rule, reason="has neither alert: nor record:")
        self._expr(rule)
        timed = [key for key in ("for", "keep_firing_for") if self._duration(rule, key)]
        if record and not alert:
            annotations = rule.get("annotations")
            if annotations is not None and annotations.kind == "map" and annotations.items:
                timed.append("annotations")
            for key in timed:
                self.report("KB508", rule.pair(key)[0], field=key)
            if not _METRIC_NAME.match(record):
                self.report("KB509", record_node, name=record)
        self._names(rule.get("labels"), "label")
        annotations = rule.get("annotations")
        self._names(annotations, "annotation")
        if alert:  # Prometheus expands (and promtool parses) templates of alerting rules only
            self._templates(rule.get("labels"), "label")
            self._templates(annotations, "annotation")
        if alert and not record:
            self._alert(rule, alert, alert_node, group, annotations)

    def _expr(self, rule: Node) -> None:
        node = rule.get("expr")
        expr = self._string(node, "expr")
        if expr is None:
            return
        if expr == "":
            self.report("KB505", node or rule)
            return
        self.promql_spent += promql_cost(expr)
        if self.promql_spent > MAX_FILE_OPERATORS:
            if self.promql_spent - promql_cost(expr) <= MAX_FILE_OPERATORS:  # said once per file
                self.report("KB506", node, reason=f"the file's expressions exceed {MAX_FILE_OPERATORS} operators")
            return
        reason = promql_error(expr)
        if reason:
            self.report("KB506", node, reason=reason)

    def _names(self, mapping: Node | None, what: str) -> None:
        if mapping is None or mapping.is_null:
            return
        if mapping.kind != "map":
            self.report("KB503", mapping, field=f"{what}s", expected="a mapping", found=mapping.yaml_kind)
            return
        for key, value in mapping.items:
            name = self._string(key, f"{what} name")
            if name is not None and (not _LABEL_NAME.match(name) or (what == "label" and name == "__name__")):
                self.report("KB510", key, what=f"{what} name", name=name)
            text = self._string(value, f"{what} {name}")
            if text is not None and not _valid_utf8(text):
                self.report("KB510", value, what=f"{what} value", name=text)

    def _templates(self, mapping: Node | None, what: str) -> None:
        if mapping is None or mapping.kind != "map":
            return
        for key, value in mapping.items:
            if value.kind != "scalar" or key.kind != "scalar":
                continue  # reported as a wrong type already
            reason = template_error(value.text)
            if reason:
                self.report("KB517", value, what=what, name=key.value, reason=reason)

    def _alert(self, rule: Node, name: str, name_node: Node, group: str, annotations: Node | None) -> None:
        pair = rule.pair("annotations")
        url = annotations.get("runbook_url") if annotations is not None and annotations.kind == "map" else None
        self.file.alerts.append(AlertRule(name, group, rule, name_node, annotations, pair[0] if pair else None, url))


def is_duration(text: str) -> bool:
    """A Prometheus duration (model.ParseDuration): `0`, or units from y to ms in order."""
    return text == "0" or (text != "" and _DURATION.match(text) is not None)


def _quoted_kind(node: Node) -> str:
    return f"!!str {node.value!r}" if node.kind == "scalar" else node.yaml_kind


def _valid_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# The PromQL parser (Rust, through pyo3) recurses natively: 5,000 chained operators
# overflow the stack and kill the process, which no `except` catches, and its time grows
# with the square of their number (1,000: 0.25 s). Counting operators and brackets bounds
# the depth of any expression (each level of nesting needs one of them) before parsing.
_NESTING = re.compile(r"[(\[{+\-*/%^<>=!@]|\b(?:and|or|unless|atan2|offset)\b")
MAX_OPERATORS = 1000  # real rules use a few dozen
MAX_FILE_OPERATORS = 100_000


def promql_cost(expr: str) -> int:
    """An upper bound on the nesting depth of ``expr``: its operators and brackets."""
    return len(_NESTING.findall(expr))


def promql_error(expr: str) -> str | None:
    """Why ``expr`` is not a PromQL expression Prometheus accepts, or None.

    The grammar is the promql-parser crate's (Prometheus's, ported). Experimental functions
    and aggregations (``limitk``, ``sort_by_label``...) need a feature flag on the server
    and are refused, as promtool refuses them."""
    import promql_parser  # imported here: only alert rule checks pay for it

    cost = promql_cost(expr)
    if cost > MAX_OPERATORS:
        return f"more than {MAX_OPERATORS} operators and brackets ({cost}); opskb does not parse it (split the rule)"

    try:
        parsed = promql_parser.parse(expr)
    except (ValueError, TypeError) as err:
        return str(err) or "not valid PromQL"
    experimental: list[str] = []

    def visit(node: object) -> None:
        func = getattr(node, "func", None)
        if func is not None and getattr(func, "experimental", False):
            experimental.append(f"function {func.name}")
        op = getattr(node, "op", None)
        if type(node).__name__ == "AggregateExpr" and str(op) in _EXPERIMENTAL_AGGREGATIONS:
            experimental.append(f"aggregation {op}")

    promql_parser.walk(parsed, visit)
    if experimental:
        return f"{experimental[0]} is experimental (needs --enable-feature=promql-experimental-functions)"
    return None


_EXPERIMENTAL_AGGREGATIONS = {"limitk", "limit_ratio"}


def alerts_of(files: Iterable[RuleFile]) -> Iterator[tuple[RuleFile, AlertRule]]:
    for rule_file in files:
        for alert in rule_file.alerts:
            yield rule_file, alert
