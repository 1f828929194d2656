"""A ticket's priority as its system writes it -> the priority of the SLA policies.

The names are data (``priorities.json``: Jira's default scheme Highest..Lowest and its
older Blocker..Trivial, ServiceNow's numbered ``1 - Critical``..``5 - Planning``, Russian
words), extended per run with ``--priority NAME=LEVEL``. Compared as ``exports.normal``
compares names: case, spaces and punctuation aside.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from ..statuses.exports import normal


@cache
def known_priorities() -> dict[str, str]:
    """normal(name) -> priority level (critical, high, medium, low)."""
    text = resources.files("opskb.report").joinpath("priorities.json").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for level, names in json.loads(text)["priorities"].items():
        for name in names:
            table.setdefault(normal(name), level)
    return table


def priority_table(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The known names with ``extra`` (name -> level) over them."""
    table = dict(known_priorities())
    table.update({normal(name): level for name, level in (extra or {}).items()})
    return table
