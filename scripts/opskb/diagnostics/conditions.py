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
from decimal import Decimal, InvalidOperation
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
        passed = _compare(op, a, b)
    except TypeError as err:
        raise ConditionError(f"cannot compare {_show(left)} {op} {_show(right)}") from err
    stated = f"{left_name} {op} {right_name or _show(right)}"
    return Verdict(passed, f"{stated}: {_show(left)} {op} {_show(right)} is {str(passed).lower()}")


def plain(value: Any) -> Any:
    """A JSON-friendly form of an observed value (Decimal from databases -> int/float).

    A number JSON cannot carry as a number becomes its text: NaN and the infinities
    ("NaN", "Infinity", "-Infinity"), and numbers beyond a double's range ("1E+400").
    Conditions still compare them as numbers. Lists and objects are made plain inside.
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else _NON_FINITE[str(value)]
    if isinstance(value, int):
        return value if value.bit_length() <= _DOUBLE_BITS else str(Decimal(value).normalize())
    if isinstance(value, Decimal):
        if not value.is_finite():
            return "NaN" if value.is_nan() else ("-Infinity" if value.is_signed() else "Infinity")
        if abs(value.adjusted()) > _DOUBLE_EXPONENT:
            return str(value.normalize()) if value else 0
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return str(value)


def shown_as_text(observed: Mapping[str, Any]) -> list[str]:
    """The names of the numbers ``plain`` turns into text (NaN, infinities, 1e400)."""
    return [
        name
        for name, value in observed.items()
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and isinstance(plain(value), str)
    ]


_NON_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
_DOUBLE_BITS = 1023  # an int of more bits is beyond a double's range
_DOUBLE_EXPONENT = 307  # a decimal exponent beyond this is beyond a double's range


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


def _number(value: Any) -> Decimal | None:
    """A number, exactly (no float overflow for 1e400), or None when ``value`` is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else Decimal(str(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except (InvalidOperation, ValueError):
            return None
        return None if number.is_snan() else number
    return None


def _compare(op: str, a: Any, b: Any) -> bool:
    """As Python compares floats: NaN equals nothing and orders before or after nothing."""
    if any(isinstance(side, Decimal) and side.is_nan() for side in (a, b)):
        return op == "!="
    return bool(OPERATORS[op](a, b))


def _show(value: Any) -> str:
    value = plain(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)
