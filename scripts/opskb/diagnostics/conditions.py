"""Declarative conditions: ``{left, op, right}`` or ``{left, op, right_ref}``.

``left`` and ``right_ref`` name observed values (a SQL column, ``value`` for Prometheus,
``status`` or ``json`` for HTTP). The operator is looked up in a fixed table: content can
never make opskb evaluate code.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_ORDERED = {"<", "<=", ">", ">="}


class ConditionError(ValueError):
    """The condition cannot be judged: a named value is missing or values do not compare."""


@dataclass(frozen=True)
class Verdict:
    passed: bool
    text: str  # e.g. "accepted >= sent: 9000 >= 12000 is false"


def evaluate(condition: Mapping[str, Any], observed: Mapping[str, Any]) -> Verdict:
    """Judge ``condition`` against the observed values."""
    op = condition.get("op")
    if op not in OPERATORS:
        raise ConditionError(f"unknown operator {op!r}")
    left_name = condition["left"]
    left = _named(observed, left_name)
    if "right_ref" in condition:
        right_name = condition["right_ref"]
        right = _named(observed, right_name)
    else:
        right_name, right = None, condition.get("right")
    a, b = _comparable(left, right, op)
    try:
        passed = bool(OPERATORS[op](a, b))
    except TypeError as err:
        raise ConditionError(f"cannot compare {_show(left)} {op} {_show(right)}") from err
    stated = f"{left_name} {op} {right_name or _show(right)}"
    return Verdict(passed, f"{stated}: {_show(left)} {op} {_show(right)} is {str(passed).lower()}")


def plain(value: Any) -> Any:
    """A JSON-friendly form of an observed value (Decimal from databases -> int/float)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, dict)):
        return value
    return str(value)


def _named(observed: Mapping[str, Any], name: str) -> Any:
    if name not in observed:
        known = ", ".join(sorted(observed)) or "nothing"
        raise ConditionError(f"no observed value named {name!r} (observed: {known})")
    return observed[name]


def _comparable(left: Any, right: Any, op: str) -> tuple[Any, Any]:
    """Numbers compare as numbers even when one side arrived as text (Prometheus, JSON)."""
    lnum, rnum = _number(left), _number(right)
    if lnum is not None and rnum is not None:
        return lnum, rnum
    if isinstance(left, bool) or isinstance(right, bool):
        return left, right
    if left is None or right is None:
        if op in _ORDERED:
            raise ConditionError(f"cannot order {_show(left)} {op} {_show(right)}")
        return left, right
    if op in _ORDERED and not (isinstance(left, str) and isinstance(right, str)):
        raise ConditionError(f"cannot compare {_show(left)} {op} {_show(right)}")
    return left, right


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return None if math.isnan(number) and value.strip().lower() != "nan" else number
    return None


def _show(value: Any) -> str:
    value = plain(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)
