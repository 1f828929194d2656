"""Declarative conditions: a fixed operator table, never eval."""

from __future__ import annotations

from decimal import Decimal

import pytest

from opskb.diagnostics.conditions import ConditionError, evaluate


@pytest.mark.parametrize(
    ("condition", "observed", "passed"),
    [
        ({"left": "accepted", "op": ">=", "right_ref": "sent"}, {"sent": 12000, "accepted": 9000}, False),
        ({"left": "accepted", "op": ">=", "right_ref": "sent"}, {"sent": 12000, "accepted": 12000}, True),
        ({"left": "value", "op": "<", "right": 100}, {"value": "42.5"}, True),  # Prometheus sends text
        ({"left": "value", "op": "<", "right": 100}, {"value": Decimal("100")}, False),  # databases: Decimal
        ({"left": "json", "op": "==", "right": "ok"}, {"json": "ok"}, True),
        ({"left": "json", "op": "!=", "right": "ok"}, {"json": "degraded"}, True),
        ({"left": "json", "op": "==", "right": True}, {"json": True}, True),
        ({"left": "status", "op": "==", "right": 200}, {"status": 503}, False),
        ({"left": "json", "op": "==", "right": 0}, {"json": None}, False),
    ],
)
def test_conditions(condition: dict, observed: dict, passed: bool) -> None:
    assert evaluate(condition, observed).passed is passed


def test_verdict_text_shows_both_values() -> None:
    verdict = evaluate({"left": "accepted", "op": ">=", "right_ref": "sent"}, {"sent": 12000, "accepted": 9000})
    assert verdict.text == "accepted >= sent: 9000 >= 12000 is false"


@pytest.mark.parametrize(
    ("condition", "observed", "message"),
    [
        ({"left": "missing", "op": "==", "right": 1}, {"value": 1}, "no observed value named 'missing'"),
        ({"left": "value", "op": "=~", "right": 1}, {"value": 1}, "unknown operator"),
        ({"left": "value", "op": "<", "right": "abc"}, {"value": 1}, "cannot compare"),
        ({"left": "value", "op": "<", "right": 1}, {"value": None}, "cannot order"),
        ({"left": "value", "op": "<", "right_ref": "__import__('os')"}, {"value": 1}, "no observed value"),
    ],
)
def test_conditions_that_cannot_be_judged(condition: dict, observed: dict, message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        evaluate(condition, observed)
