"""How much of a query's result a sql check reads, and what is refused about its columns.

A check observes one row. Each bound is an error that says which one was met, never a
truncated value that a condition would then judge:

* ``MAX_COLUMNS`` columns, each with its own name (two of one name would make a
  condition read one of them silently);
* ``MAX_VALUE_BYTES`` per value and ``MAX_ROW_BYTES`` per row, measured as text, the
  form in which a value is shown. PostgreSQL measures them itself and sends no bigger
  value (sql_postgres.py); SQLite is told its length limit and refuses to build one;
* ``MAX_NESTING`` levels of JSON or arrays in a value (what is shown and compared is
  walked recursively; a check compares plain values).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .probe import ProbeError

MAX_COLUMNS = 32
MAX_VALUE_BYTES = 64 * 1024
MAX_ROW_BYTES = 256 * 1024
MAX_NESTING = 32


def check_columns(columns: Sequence[str]) -> None:
    """Refuse a result without columns, with too many, or with two of one name."""
    if not columns:
        raise ProbeError("the query returns no columns: select the values the condition compares")
    if len(columns) > MAX_COLUMNS:
        raise ProbeError(f"the query returns {len(columns)} columns; a check reads at most {MAX_COLUMNS}")
    for name in columns:
        if columns.count(name) > 1:
            raise ProbeError(f"the query returns two columns named {name!r}: give each its own name with AS")


def check_sizes(columns: Sequence[str], sizes: Sequence[int | None]) -> None:
    """Refuse a row whose values (their sizes as text, None for NULL) exceed the bounds."""
    measured = [size or 0 for size in sizes]
    for name, size in zip(columns, measured, strict=True):
        if size > MAX_VALUE_BYTES:
            raise ProbeError(
                f"column {name!r} is {size} bytes as text, more than a checked value may be ({MAX_VALUE_BYTES});"
                " compare its length or a part of it instead"
            )
    if sum(measured) > MAX_ROW_BYTES:
        raise ProbeError(f"the row is {sum(measured)} bytes as text, more than a checked row may be ({MAX_ROW_BYTES})")


def check_nesting(columns: Sequence[str], row: Sequence[Any]) -> None:
    """Refuse a value nested deeper than ``MAX_NESTING`` (measured without recursion)."""
    for name, value in zip(columns, row, strict=True):
        stack = [(value, 0)]
        while stack:
            item, depth = stack.pop()
            if depth > MAX_NESTING:
                raise ProbeError(f"column {name!r} nests JSON or arrays more than {MAX_NESTING} levels deep")
            if isinstance(item, dict):
                stack.extend((inner, depth + 1) for inner in item.values())
            elif isinstance(item, (list, tuple)):
                stack.extend((inner, depth + 1) for inner in item)
