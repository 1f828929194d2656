"""A Markdown runbook read into an opskb runbook: what `opskb import md` writes.

The Markdown is parsed by markdown-it-py (CommonMark, with tables and YAML front matter),
never matched with expressions; its headings are mapped onto runbook fields by the phrases
in ``import_sections.json`` (data a team extends, or adds to with ``--sections``), compared
with case, punctuation and ``ё`` aside:

* title from the front matter's ``title`` or the first H1; the alert from the front
  matter, or the H1 when it is one word of an alert's characters (``KubePodCrashLooping``);
* Meaning / Symptoms / Overview (and the text under the H1) into ``symptoms``; Impact into
  ``impact``; Diagnosis / Mitigation / Resolution / Steps / "Что делать" into ``steps`` (one
  step per list item or paragraph, a fenced block into the step's ``command``); "Do not" /
  "Чего не делать", warnings and items that start with "do not", "never" or "не " into
  ``do_not``; every http(s) link into ``references``;
* step text keeps inline code, bold, emphasis and http(s) links (the site's safe subset,
  ``opskb.model.inline``); raw HTML and images are left out.

What the Markdown does not say is a ``TODO`` (rule KB405 reports it) or an option of the
command (``--route``, ``--owner``, ``--system``, ``--severity``): nothing is made up.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from ..model.inline import link_allowed, plain

SECTIONS_FILE = Path(__file__).with_name("import_sections.json")
CATEGORIES = ("symptoms", "impact", "first_response", "steps", "do_not", "references")
# The fields a runbook is made of; a file with none of them is not a runbook.
CONTENT = ("symptoms", "impact", "first_response", "steps", "do_not")
TODO = {
    "symptoms": "TODO: what L1 sees on the dashboard or hears from the business",
    "impact": "TODO: what an hour of this costs",
    "first_response": "TODO: the first thing to look at",
    "step_title": "TODO: what this step establishes",
    "step_do": "TODO: what to do, naming the tool to look in",
    "why": "TODO: what happens if it is done",
    "do_not": "TODO: the tempting action that makes it worse",
    "more_symptoms": "TODO: what else L1 sees, in their own words (English and Russian help search)",
}
RUN_COMMAND = {"en": "Run the command below.", "ru": "Выполните команду ниже."}
MAX_TITLE = 70


class NotARunbook(ValueError):
    """The file is not a Markdown runbook; the message says why."""


@dataclass(frozen=True)
class Vocabulary:
    """The phrases of import_sections.json, normalised."""

    sections: dict[str, str]  # normalised heading phrase -> category
    do_not_prefixes: tuple[str, ...]
    warning_words: tuple[str, ...]
    why_separators: tuple[str, ...]
    front_matter: dict[str, tuple[str, ...]]
    severity: dict[str, str]


def vocabulary(extra: dict[str, Any] | None = None) -> Vocabulary:
    """The packaged phrases, with ``extra`` (the same shape) added to them."""
    data = _packaged()
    sections: dict[str, str] = {}
    for source in (data, extra or {}):
        for category, phrases in source.get("sections", {}).items():
            if category not in CATEGORIES:
                raise ValueError(f"unknown section {category!r}; one of {', '.join(CATEGORIES)}")
            sections.update({normalise(phrase): category for phrase in phrases})

    def merged(key: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*data.get(key, []), *(extra or {}).get(key, [])]))

    return Vocabulary(
        sections=sections,
        do_not_prefixes=tuple(p.casefold() for p in merged("do_not_prefixes")),
        warning_words=tuple(w.casefold() for w in merged("warning_words")),
        why_separators=merged("why_separators"),
        front_matter={
            k: tuple(v) for k, v in {**data["front_matter"], **(extra or {}).get("front_matter", {})}.items()
        },
        severity={normalise(k): v for k, v in {**data["severity"], **(extra or {}).get("severity", {})}.items()},
    )


@cache
def _packaged() -> dict[str, Any]:
    return json.loads(SECTIONS_FILE.read_text(encoding="utf-8"))


def normalise(text: str) -> str:
    """Case, punctuation, symbols, ё and extra spaces aside: 'What to do?' -> 'what to do'."""
    folded = text.casefold().replace("ё", "е").replace("’", "'")
    kept = "".join(" " if unicodedata.category(ch)[0] in "PSZC" and ch != "'" else ch for ch in folded)
    words = kept.replace("'", "").split()
    while words and words[0].isdigit():  # "2. Diagnosis"
        words.pop(0)
    return " ".join(words)


def classify(heading: str, words: Vocabulary) -> str | None:
    """The category a heading's text names: the whole phrase, else the longest it starts with."""
    text = normalise(heading)
    if text in words.sections:
        return words.sections[text]
    starts = [phrase for phrase in words.sections if phrase and text.startswith(phrase + " ")]
    return words.sections[max(starts, key=len)] if starts else None


# ----------------------------------------------------------------------------- parsing


@cache
def _parser() -> MarkdownIt:
    from mdit_py_plugins.front_matter import front_matter_plugin

    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    # every link is a link token (markdown-it would leave [x](javascript:...) as literal
    # brackets): an allowed one is kept, any other keeps only its text
    parser.validateLink = lambda url: True
    return parser.use(front_matter_plugin)


@dataclass
class Item:
    """One thing a section says: a paragraph, a list item, a table row or a code block."""

    category: str
    text: str = ""  # the safe Markdown subset
    command: str = ""
    group: str = ""  # the heading of the subsection it is under (a step's title)
    section: str = ""  # the heading of its section
    warning: bool = False
    lead_in: bool = False  # a paragraph ending in ':' ("Other things to check:"): a list after it is its lines


@dataclass
class Parsed:
    h1: str = ""
    front: dict[str, Any] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, url), allowed only
    notes: list[str] = field(default_factory=list)
    cyrillic: int = 0
    latin: int = 0


def parse(text: str, words: Vocabulary) -> Parsed:
    """The title, front matter and items of a Markdown runbook, by section."""
    tree = SyntaxTreeNode(_parser().parse(text))
    found = Parsed()
    state = _State()
    for node in tree.children:
        if node.type == "front_matter":
            found.front = _front_matter(node.content, found)
        elif node.type == "heading":
            _heading(node, found, state, words)
        else:
            _block(node, found, state, words)
    for letter in text:
        if letter.isalpha():
            if "а" <= letter.lower() <= "я" or letter in "ёЁ":
                found.cyrillic += 1
            elif letter.isascii():
                found.latin += 1
    return found


@dataclass
class _State:
    category: str | None = "symptoms"  # the text before any section describes the incident
    level: int = 0
    section: str = ""
    group: str = ""
    admonition: bool = False  # the last paragraph opened an MkDocs warning (!!! warning)
    skipped: set[str] = field(default_factory=set)


def _front_matter(content: str, found: Parsed) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(content)
    except yaml.YAMLError:
        found.notes.append("front matter is not YAML: left out")
        return {}
    return data if isinstance(data, dict) else {}


def _inline_node(node: SyntaxTreeNode) -> SyntaxTreeNode | None:
    return next((child for child in node.children if child.type == "inline"), None)


def _heading(node: SyntaxTreeNode, found: Parsed, state: _State, words: Vocabulary) -> None:
    inline = _inline_node(node)
    text = " ".join(plain_of(inline).split()) if inline else ""
    level = int(node.tag[1])
    if level == 1 and not found.h1:
        found.h1 = text
        state.category, state.level, state.section, state.group = "symptoms", 1, text, ""
        return
    category = classify(text, words)
    if category is not None:
        state.category, state.level, state.section, state.group = category, level, text, ""
    elif state.category is not None and level > state.level:
        state.group = text  # a subsection: in steps, the title of the steps under it
    else:
        state.category, state.level, state.section, state.group = None, level, text, ""
        if text not in state.skipped:
            state.skipped.add(text)
            found.notes.append(f"section {text!r} is not one opskb knows: left out")


def _block(node: SyntaxTreeNode, found: Parsed, state: _State, words: Vocabulary) -> None:
    _collect_links(node, found)
    if state.category is None:
        return
    add = _adder(found, state)
    if node.type == "paragraph":
        inline = _inline_node(node)
        text = subset_of(inline) if inline else ""
        opener = plain_of(inline).strip() if inline else ""
        if opener.startswith("!!!") and _is_warning(opener.lstrip("!? "), words):
            # MkDocs' admonition: its indented text continues the paragraph (an indented
            # block cannot interrupt one), or follows after a blank line as a code block
            body = _after_first_line(inline)
            if body:
                add(body, warning=True)
            state.admonition = not body
            return
        if _is_warning(opener, words) and _marked(opener):
            add(_strip_marker(opener, words), warning=True)  # "**Warning:** never ..." -> "never ..."
            return
        add(text)
        if found.items and found.items[-1].text == text.strip() and text.rstrip().endswith(":"):
            found.items[-1].lead_in = True
    elif node.type in ("bullet_list", "ordered_list"):
        last = found.items[-1] if found.items else None
        if last is not None and last.lead_in and last.section == state.section and last.group == state.group:
            # "Check these:" and its list are one step: the items are its lines
            for item in node.children:
                text, command = _list_item(item)
                last.text += "\n– " + text.replace("\n", "\n  ")
                last.command = "\n".join(filter(None, (last.command, command)))
            last.lead_in = False
        else:
            for item in node.children:
                text, command = _list_item(item)
                add(text, command=command)
    elif node.type in ("fence", "code_block"):
        if state.admonition:
            add(" ".join(node.content.split()), warning=True)
        else:
            _command(found, state, node.content.rstrip("\n"))
    elif node.type == "blockquote":
        texts = [subset_of(inline) for child in node.children if (inline := _inline_node(child)) is not None]
        quote = " ".join(texts)
        opener = plain(quote).strip()
        if _is_warning(opener, words):
            add(_strip_marker(opener, words), warning=True)
        elif quote:
            add(quote)
    elif node.type == "table":
        for row in _table_rows(node):
            add(row)
    elif node.type == "html_block" and "raw HTML left out" not in found.notes:
        found.notes.append("raw HTML left out")
    state.admonition = False


def _after_first_line(inline: SyntaxTreeNode | None) -> str:
    tokens = list(inline.token.children or []) if inline is not None and inline.token is not None else []
    breaks = [index for index, token in enumerate(tokens) if token.type in ("softbreak", "hardbreak")]
    return "".join(_plain_token(token) for token in tokens[breaks[0] + 1 :]).strip() if breaks else ""


def _adder(found: Parsed, state: _State):
    def add(text: str, command: str = "", warning: bool = False) -> None:
        if text.strip() or command:
            category = "do_not" if warning else state.category
            assert category is not None
            found.items.append(Item(category, text.strip(), command, state.group, state.section, warning))

    return add


def _command(found: Parsed, state: _State, command: str) -> None:
    """A code block belongs to the item just before it in the same section, if that one
    has no command yet; else it is an item of its own."""
    last = found.items[-1] if found.items else None
    if (
        last is not None
        and last.category == state.category
        and last.section == state.section
        and last.group == state.group
        and not last.command
        and not last.warning
    ):
        last.command = command
        last.lead_in = False
    elif command.strip():
        found.items.append(Item(state.category or "steps", "", command, state.group, state.section))


def _list_item(item: SyntaxTreeNode) -> tuple[str, str]:
    """A list item's text (its nested items as lines under it) and its code blocks."""
    texts: list[str] = []
    commands: list[str] = []
    for child in item.children:
        if child.type == "paragraph":
            inline = _inline_node(child)
            if inline is not None:
                texts.append(subset_of(inline))
        elif child.type in ("bullet_list", "ordered_list"):
            for sub in child.children:
                text, command = _list_item(sub)
                if text:
                    texts.append("\n– " + text.replace("\n", "\n  "))
                if command:
                    commands.append(command)
        elif child.type in ("fence", "code_block"):
            commands.append(child.content.rstrip("\n"))
        elif child.type == "table":
            texts.extend("\n" + row for row in _table_rows(child))
    return " ".join(texts).replace(" \n", "\n").strip(), "\n".join(commands)


def _table_rows(table: SyntaxTreeNode) -> list[str]:
    """Each body row as 'Header: cell; Header: cell'."""
    rows: list[list[str]] = []
    for part in table.children:
        for row in part.children:
            rows.append([subset_of(_inline_node(cell)) if _inline_node(cell) else "" for cell in row.children])
    if not rows:
        return []
    header, body = [plain(cell) for cell in rows[0]], rows[1:]
    return [
        "; ".join(f"{name}: {cell}" if name else cell for name, cell in zip(header, row, strict=False) if cell)
        for row in body
    ]


def _collect_links(node: SyntaxTreeNode, found: Parsed) -> None:
    for token in _inline_tokens(node):
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if link_allowed(href):
                found.links.append(("", href))
        elif token.type == "text" and found.links and not found.links[-1][0]:
            found.links[-1] = (token.content, found.links[-1][1])


def _inline_tokens(node: SyntaxTreeNode) -> list[Token]:
    tokens: list[Token] = []
    for descendant in [node, *node.walk()]:
        if descendant.type == "inline" and descendant.token is not None:
            tokens.extend(descendant.token.children or [])
    return tokens


def _is_warning(opener: str, words: Vocabulary) -> bool:
    head = opener.casefold().lstrip("[!*_ ")
    return any(head.startswith(word) for word in words.warning_words)


def _marked(opener: str) -> bool:
    """A paragraph is a warning only when it says so up front ('Warning:', '**Внимание!**')."""
    head = opener.lstrip("[!*_ ").split(None, 1)[0] if opener.strip("[!*_ ") else ""
    return head[-1:] in (":", "!", "]") or opener.lstrip().startswith("[!")


def _strip_marker(opener: str, words: Vocabulary) -> str:
    """'Warning: never restart the primary' -> 'never restart the primary'."""
    rest = opener.lstrip("[!*_ ")
    for word in words.warning_words:
        if rest.casefold().startswith(word):
            rest = rest[len(word) :]
            break
    return rest.lstrip("]!:*_ —-").strip() or opener


# ----------------------------------------------------------------------------- inline


def plain_of(inline: SyntaxTreeNode | None) -> str:
    """An inline node's text without markup."""
    if inline is None or inline.token is None:
        return ""
    return "".join(_plain_token(token) for token in inline.token.children or [])


def _plain_token(token: Token) -> str:
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return " "
    if token.type == "image":
        return "".join(_plain_token(child) for child in token.children or [])
    return ""


def subset_of(inline: SyntaxTreeNode | None) -> str:
    """An inline node written back in the safe subset: code, bold, emphasis and http(s)
    links kept; raw HTML and images' markup dropped (an image keeps its alt text); every
    other character escaped so the subset parser reads it as the text it is."""
    if inline is None or inline.token is None:
        return ""
    out: list[str] = []
    links: list[str | None] = []  # per open link: its closing text, or None when dropped
    for token in inline.token.children or []:
        kind = token.type
        if kind == "text":
            out.append(_escape(token.content))
        elif kind == "code_inline":
            out.append(_code(token.content))
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind in ("strong_open", "strong_close"):
            out.append("**")
        elif kind in ("em_open", "em_close"):
            out.append("*")
        elif kind == "link_open":
            href = str(token.attrGet("href") or "")
            if link_allowed(href):  # an autolink too: [address](address)
                out.append("[")
                links.append(f"]({_destination(href)})")
            else:
                links.append(None)  # a relative or unsafe link: its text stays, not the link
        elif kind == "link_close":
            closing = links.pop() if links else None
            if closing:
                out.append(closing)
        elif kind == "image":
            out.append(_escape(_plain_token(token)))
    return "".join(out)


def _escape(text: str) -> str:
    """Text the subset parser reads back as itself: its markup characters escaped
    (an underscore only where it could open emphasis, so snake_case stays readable)."""
    out: list[str] = []
    for index, ch in enumerate(text):
        if ch in "\\`*[]<&":
            out.append("\\" + ch)
        elif ch == "_":
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            out.append("_" if before.isalnum() and after.isalnum() else "\\_")
        else:
            out.append(ch)
    return "".join(out)


def _code(content: str) -> str:
    run = longest = 0
    for ch in content:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if content.startswith("`") or content.endswith("`") or content.strip() != content else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def _destination(href: str) -> str:
    return f"<{href}>" if any(ch in href for ch in "() ") else href


# ----------------------------------------------------------------------------- the runbook


@dataclass(frozen=True)
class Options:
    """What the command line says for what Markdown does not."""

    route: str | None = None
    owner: str | None = None
    systems: tuple[str, ...] = ()
    severity: str | None = None  # when neither the front matter nor an alert rule says
    alert_severity: dict[str, str] = field(default_factory=dict)  # alert name -> its severity label
    today: str = ""


@dataclass
class Imported:
    runbook: dict[str, Any]
    notes: list[str]
    # where each value came from when it was not the Markdown: shown as comments
    origin: dict[str, str] = field(default_factory=dict)


def read(text: str, source: Path, options: Options, words: Vocabulary) -> Imported:
    """The runbook a Markdown file says; NotARunbook when it is not one."""
    if not text.strip():
        raise NotARunbook("empty file")
    parsed = parse(text, words)
    front = {str(k).casefold(): v for k, v in parsed.front.items()}
    title = _front_text(front, words.front_matter["title"]) or parsed.h1
    if not title:
        raise NotARunbook("no title: neither an H1 heading (# Title) nor a title in the front matter")
    if not any(item.category in CONTENT for item in parsed.items if item.section != parsed.h1):
        known = "Meaning, Impact, Diagnosis, Mitigation, Symptoms, Resolution, Что делать..."
        raise NotARunbook(f"no section opskb knows ({known}; see import_sections.json)")
    alerts = _alerts(front, parsed, source, words, options)
    language = "ru" if parsed.cyrillic > parsed.latin else "en"
    origin: dict[str, str] = {}
    runbook: dict[str, Any] = {"id": "", "title": " ".join(title.split()), "kind": "incident"}
    runbook["severity"] = _severity(front, alerts, options, words, origin)
    runbook["systems"] = list(options.systems) or ["TODO"]
    if alerts:
        runbook["alerts"] = alerts
    by = {category: [item for item in parsed.items if item.category == category] for category in CATEGORIES}
    symptoms = _unique(plain(item.text) for item in by["symptoms"] if item.text) or [TODO["symptoms"]]
    if len(symptoms) == 1:  # KB402: search finds a runbook by the words of its symptoms
        symptoms.append(TODO["more_symptoms"])
    runbook["symptoms"] = symptoms
    impact = " ".join(plain(item.text) for item in by["impact"] if item.text)
    runbook["impact"] = impact or TODO["impact"]
    runbook["route"] = options.route or "TODO"
    runbook["first_response"] = [_with_command(item) for item in by["first_response"]] or [TODO["first_response"]]
    steps, refused = _steps(by["steps"], words, language)
    steps = steps or [{"id": "diagnose", "title": TODO["step_title"], "do": TODO["step_do"]}]
    if runbook["severity"] in ("critical", "high"):
        # KB404: a critical or high incident's diagnosis runs a check; Markdown has none
        # to give, so the step that diagnoses (the first with a command) names a TODO one
        first = next((step for step in steps if "command" in step), steps[0])
        first["check"] = "TODO"
        origin["steps"] = "check: TODO is the id of a check (http, sql or prometheus) to add under checks:"
    runbook["steps"] = steps
    do_not = [_do_not(item, words) for item in [*by["do_not"], *refused] if item.text or item.command]
    if not do_not and runbook["severity"] == "critical":
        do_not = [{"action": TODO["do_not"], "why": TODO["why"]}]  # KB305: a critical runbook needs one
    if do_not:
        runbook["do_not"] = do_not
    runbook["review"] = {"owner": options.owner or "TODO", "last_reviewed": options.today, "interval_days": 90}
    tags = _unique(slug(str(tag)) for tag in _front_list(front, words.front_matter["tags"]))
    if tags:
        runbook["tags"] = [tag for tag in tags if tag]
    references = _references(parsed.links)
    if references:
        runbook["references"] = references
    return Imported(runbook, parsed.notes, origin)


def _front_text(front: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = front.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
            return " ".join(str(value).split())
    return ""


def _front_list(front: dict[str, Any], keys: tuple[str, ...]) -> list[Any]:
    for key in keys:
        value = front.get(key)
        if isinstance(value, list):
            return [v for v in value if isinstance(v, (str, int)) and not isinstance(v, bool)]
        if isinstance(value, str) and value.strip():
            return [part.strip() for part in value.split(",") if part.strip()]
    return []


def is_alert_name(text: str) -> bool:
    """One word of the characters Prometheus allows in a name, with a capital or an
    underscore (a title like 'Overview' is a word too, but no alert)."""
    if not text or not (text[0].isascii() and (text[0].isalpha() or text[0] == "_")):
        return False
    if not all(ch.isascii() and (ch.isalnum() or ch in "_:") for ch in text):
        return False
    return any(ch.isupper() for ch in text[1:]) or "_" in text


def _alerts(front: dict[str, Any], parsed: Parsed, source: Path, words: Vocabulary, options: Options) -> list[str]:
    named = [str(a).strip() for a in _front_list(front, words.front_matter["alert"]) if str(a).strip()]
    if named:
        return _unique(named)
    for candidate in (parsed.h1, source.stem):
        if candidate in options.alert_severity or is_alert_name(candidate):
            return [candidate]
    return []


def _severity(
    front: dict[str, Any], alerts: list[str], options: Options, words: Vocabulary, origin: dict[str, str]
) -> str:
    stated = _front_text(front, words.front_matter["severity"])
    if stated and normalise(stated) in words.severity:
        return words.severity[normalise(stated)]
    for alert in alerts:
        label = options.alert_severity.get(alert)
        if label and normalise(label) in words.severity:
            origin["severity"] = f"from the severity label ({label}) of the alert rule {alert}"
            return words.severity[normalise(label)]
    if options.severity:
        origin["severity"] = "from --severity: the Markdown does not say"
        return options.severity
    origin["severity"] = "the Markdown does not say: write it, or import with --severity or --alert-rules"
    return "TODO"


def _unique(values: Any) -> list[Any]:
    return list(dict.fromkeys(v for v in values if v))


def _with_command(item: Item) -> str:
    if not item.command:
        return item.text
    code = " ; ".join(_code(line.strip()) for line in item.command.splitlines() if line.strip())
    return f"{item.text} {code}".strip()


def _is_prohibition(text: str, words: Vocabulary) -> bool:
    head = plain(text).casefold().lstrip("*_ ")
    return any(head.startswith(prefix) for prefix in words.do_not_prefixes)


def _steps(items: list[Item], words: Vocabulary, language: str) -> tuple[list[dict[str, Any]], list[Item]]:
    """The steps, and the items that are prohibitions ('Do not restart...'): do_not's."""
    steps: list[dict[str, Any]] = []
    refused: list[Item] = []
    ids: set[str] = set()
    titled_groups: set[tuple[str, str]] = set()
    for number, item in enumerate(items, 1):
        if item.text and _is_prohibition(item.text, words):
            refused.append(item)
            continue
        group = (item.section, item.group)
        if item.group and group not in titled_groups:
            title = item.group
            titled_groups.add(group)
        else:
            title = _title_of(item) or item.group or item.section
        step: dict[str, Any] = {"id": _unique_id(slug(title) or f"step-{number}", ids), "title": title}
        step["do"] = item.text or RUN_COMMAND[language]
        if item.command:
            step["command"] = item.command
        steps.append(step)
    return steps, refused


def _unique_id(base: str, taken: set[str]) -> str:
    if len(base) > 60:
        base = base[:61].rsplit("-", 1)[0]  # at a word
    base = base.rstrip("-") or "step"
    ident, count = base, 1
    while ident in taken:
        count += 1
        ident = f"{base}-{count}"
    taken.add(ident)
    return ident


def _title_of(item: Item) -> str:
    """A step's title: its bold lead-in ('**Check the pods**: ...'), else its first sentence,
    cut at a word to at most MAX_TITLE characters."""
    text = item.text
    if text.startswith("**"):
        end = text.find("**", 2)
        if end > 2:
            return plain(text[: end + 2]).strip().rstrip(":.").strip()
    sentence = " ".join(plain(text).split())
    for stop in (". ", "? ", "! ", ": ", "; "):
        cut = sentence.find(stop)
        if cut > 0:
            sentence = sentence[:cut]
    sentence = sentence.rstrip(".:;")
    if len(sentence) <= MAX_TITLE:
        return sentence
    return sentence[:MAX_TITLE].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _do_not(item: Item, words: Vocabulary) -> dict[str, str]:
    """An action and why not: split where the text gives its reason ('... because ...')."""
    text = _with_command(item)
    lowered = text.casefold()
    cuts = [(lowered.find(sep.casefold()), sep) for sep in words.why_separators]
    cuts = [(at, sep) for at, sep in cuts if at > 0]
    if cuts:
        at, separator = min(cuts)
        action, why = text[:at].rstrip(" ,;:—-"), text[at + len(separator) :].strip()
        if action and why:
            return {"action": action, "why": why[:1].upper() + why[1:]}
    return {"action": text, "why": TODO["why"]}


def _references(links: list[tuple[str, str]]) -> list[dict[str, str]]:
    seen: dict[str, str] = {}
    for text, url in links:
        title = " ".join(text.split())
        if url not in seen or (not seen[url] and title):
            seen[url] = title
    return [{"title": title or url, "url": url} for url, title in seen.items()]


# Russian letters as they are written in Latin ones (the passport system's transliteration).
_TRANSLIT = {
    **dict(zip("абвгдеёзийклмнопрстуфыэ", "abvgdeeziiklmnoprstufye", strict=True)),
    **{"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ь": "", "ю": "iu", "я": "ia"},
}


def slug(text: str) -> str:
    """An id from a title or an alert name: 'KubePodCrashLooping' -> 'kube-pod-crash-looping',
    'Не приходят заказы' -> 'ne-prikhodiat-zakazy'."""
    out: list[str] = []
    previous = ""
    for index, ch in enumerate(text):
        following = text[index + 1] if index + 1 < len(text) else ""
        boundary = previous.islower() or previous.isdigit() or following.islower()
        if ch.isupper() and previous.isalnum() and boundary:
            out.append("-")
        lower = ch.lower()
        if lower in _TRANSLIT:
            out.append(_TRANSLIT[lower])
        elif lower.isascii() and lower.isalnum():
            out.append(lower)
        else:
            out.append("-")
        previous = ch
    words = "".join(out).split("-")
    ident = "-".join(word for word in words if word)
    return ident[:80].rstrip("-")
