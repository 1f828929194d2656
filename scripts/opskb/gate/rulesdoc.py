"""Rule examples as text, for `opskb rules` and the site's rule reference page."""

from __future__ import annotations

import string

from .registry import Example


def example_text(example: Example) -> str:
    """A readable rendering of an example: whole files, or line edits as a small diff."""
    parts: list[str] = []
    for path, text in example.files.items():
        parts.append(f"# {path}\n{text.rstrip()}")
    for path, edits in example.replace.items():
        lines = [f"# {path}"]
        for old, new in edits:
            lines.extend(f"- {line}" for line in old.splitlines())
            lines.extend(f"+ {line}" for line in new.splitlines())
        parts.append("\n".join(lines))
    for path in example.remove:
        parts.append(f"# {path} removed")
    for path, target in example.links.items():
        parts.append(f"# {path}: a symbolic link to {target}")
    for path, data in example.binary.items():
        parts.append(f"# {path}: {len(data)} bytes starting {data[:12]!r}")
    if example.args:
        parts.append("# run with: opskb check " + " ".join(example.args))
    return "\n\n".join(parts) or "# the example tree as it is"


def message_text(template: str) -> str:
    """A message or hint template as a reader sees it: each value it fills in shown as
    ``<name>`` (``route '<route>' is not defined``), doubled braces as one."""
    parts: list[str] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        parts.append(literal)
        if name is not None:
            parts.append(f"<{name}>")
    return "".join(parts)
