"""A runbook written as YAML people edit: the fields in the schema's order, one comment
above each saying what it is for (as `opskb new runbook` writes them, scaffold.py), every
text double-quoted (JSON's escapes are YAML's, so no value can turn into another type or
start a structure) and a multi-line command as a literal block.

``dump`` is checked by the caller: the text is read back with opskb's own loader and must
give the same data (``same_when_read``).
"""

from __future__ import annotations

import json
from typing import Any

# The comment above each field (the scaffold's words), keyed by field.
_COMMENTS = {
    "id": "The file name is the id.",
    "title": "Short title in the words of the incident, as L1 would say it.",
    "kind": "ITSM ticket type: incident, service_request, problem or change.",
    "severity": "critical, high, medium or low. A critical runbook needs do_not and an L2 owner on its route.",
    "systems": "Systems involved; each must be owned by a team (owns: in escalation/teams.yaml).",
    "alerts": "Monitoring alert names that open this runbook, exactly as the alert is named.",
    "symptoms": "What L1 sees, in the words they would search for. English and Russian both help search.",
    "impact": "What it costs: money, customers, orders.",
    "route": "Escalation route id (escalation/routes.yaml): decides whom to call and the SLA clock.",
    "first_response": "What L1 does in the first minutes, before the numbered steps.",
    "steps": (
        "The response algorithm, in order. Text may use `code`, **bold** and [links](https://...).\n"
        "A step that changes a system (restart, resend, edit data) says changes_system: true."
    ),
    "do_not": "What must not be done during this incident, and why.",
    "review": "Who keeps this runbook true, and when it was last checked.",
    "tags": "Free tags for the site's tag index.",
    "references": "Further reading: http(s) links only.",
}


def dump(runbook: dict[str, Any], header: list[str], origin: dict[str, str], ascii_only: bool = False) -> str:
    """The runbook as commented YAML; ``header`` lines open the file as comments,
    ``origin`` adds a note to a field whose value did not come from the source."""
    lines = [f"# {line}" if line else "#" for line in header]
    for key, value in runbook.items():
        for comment in _COMMENTS.get(key, "").splitlines():
            lines.append(f"# {comment}")
        if key in origin:
            lines.append(f"# ({origin[key]})")
        lines.extend(_field(key, value, 0, ascii_only))
    return "\n".join(lines) + "\n"


# Words YAML 1.1 readers take for booleans or null: never written plain.
_KEYWORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _scalar(value: Any, ascii_only: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _plain_ok(text):
        return text  # an id or a keyword (kind: incident), as the scaffold writes them
    return json.dumps(text, ensure_ascii=ascii_only)


def _plain_ok(text: str) -> bool:
    """Lower-case letters, digits and inner dashes, starting with a letter: a plain
    scalar every YAML reader takes as this very string."""
    return (
        text[:1].isascii()
        and text[:1].isalpha()
        and text.islower()
        and text not in _KEYWORDS
        and not text.endswith("-")
        and all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in text)
    )


def _field(key: str, value: Any, indent: int, ascii_only: bool) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        out = [f"{pad}{key}:"]
        for sub, item in value.items():
            out.extend(_field(sub, item, indent + 2, ascii_only))
        return out
    if isinstance(value, list):
        if not value:
            return [f"{pad}{key}: []"]
        out = [f"{pad}{key}:"]
        for item in value:
            out.extend(_item(item, indent + 2, ascii_only))
        return out
    if key == "command" and _literal_ok(str(value)):
        body = [f"{pad}  {line}" if line else "" for line in str(value).split("\n")]
        return [f"{pad}{key}: |-", *body]
    return [f"{pad}{key}: {_scalar(value, ascii_only)}"]


def _item(value: Any, indent: int, ascii_only: bool) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        lines: list[str] = []
        for sub, item in value.items():
            lines.extend(_field(sub, item, indent + 2, ascii_only))
        first = lines[0][indent + 2 :]
        return [f"{pad}- {first}", *lines[1:]]
    return [f"{pad}- {_scalar(value, ascii_only)}"]


def _literal_ok(text: str) -> bool:
    """A literal block keeps the text as it is when the first line does not start with a
    space (that would need an indentation indicator) and no character needs escaping."""
    if "\n" not in text or text[:1] in (" ", "\t") or text != text.rstrip() or not text.strip():
        return False
    return all(ch == "\n" or ch == "\t" or (ch.isprintable() and ch not in "\ufeff\u2028\u2029") for ch in text)
