"""How a marketplace status code resolves to one listed status: the precedence as data.

A two-field key (Ozon status/substatus, Wildberries supplierStatus/wbStatus, Yandex
Market status/substatus) is written ``first/second``. ``key.precedence`` in the mapping
file (schemas/marketplace.schema.json) says how a pair resolves, in this order:

1. the code listed exactly;
2. when ``second`` is one of ``decides_alone`` (a final value that decides whatever the
   first field says), the first status listed with that second value;
3. ``unlisted_pair: first_alone``: the code of the first field alone, when listed;
   ``unknown``: nothing (reported, never mapped to a default).

`opskb status`, reconcile, the site's mapping page and the transition rules all call
``StatusKey.resolve``; nothing else interprets a code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LISTED = "listed"
DECIDES_ALONE = "decides_alone"
FIRST_ALONE = "first_alone"
ANY = "*"


@dataclass(frozen=True)
class Resolution:
    """Which listed status a code resolves to, and by which step of the precedence."""

    code: str
    entry: dict[str, Any]
    how: str

    @property
    def pattern(self) -> str:
        """The code as the precedence saw it: listed, ``*/second`` or ``first/*`` (a bounded
        set, so summaries keyed by it stay small whatever values a file brings)."""
        if self.how == DECIDES_ALONE:
            return f"{ANY}/{self.code.split('/', 1)[1]}"
        if self.how == FIRST_ALONE:
            return f"{self.code.split('/', 1)[0]}/{ANY}"
        return self.entry["code"]

    def why(self, fields: list[str]) -> str:
        """One line for people saying how the code was resolved ('' when listed as given)."""
        listed = self.entry["code"]
        if self.how == DECIDES_ALONE:
            second = self.code.split("/", 1)[1]
            return f"listed as {listed}: {_field(fields, 1)} {second} is final and decides alone"
        if self.how == FIRST_ALONE:
            return f"listed as {listed}: the pair is not listed, its {_field(fields, 0)} decides"
        return ""


def _field(fields: list[str], index: int) -> str:
    return fields[index] if len(fields) > index else ("first field", "second field")[index]


class StatusKey:
    """One marketplace's codes, indexed once for resolving many (reconcile calls it per row)."""

    def __init__(self, market: dict[str, Any]) -> None:
        key = market.get("key") or {}
        self.fields: list[str] = list(key.get("fields") or [])
        precedence = key.get("precedence") or {}
        self.two_fields = len(self.fields) == 2
        self.by_code: dict[str, dict[str, Any]] = {}
        for status in market.get("statuses") or []:
            self.by_code.setdefault(status["code"], status)
        self.decides_alone: list[str] = list(precedence.get("decides_alone") or [])
        self.first_alone = precedence.get("unlisted_pair", FIRST_ALONE) == FIRST_ALONE
        # second value -> the first status listed with it (the one a final value resolves to)
        self.deciding: dict[str, dict[str, Any]] = {}
        for code, status in self.by_code.items():
            _, slash, second = code.partition("/")
            if slash and second in self.decides_alone:
                self.deciding.setdefault(second, status)

    def resolve(self, code: str) -> Resolution | None:
        """The status ``code`` resolves to under the file's precedence, or None (unknown)."""
        entry = self.by_code.get(code)
        if entry is not None:
            return Resolution(code, entry, LISTED)
        if not self.two_fields:
            return None
        first, slash, second = code.partition("/")
        if not slash or not first or not second or "/" in second:
            return None
        deciding = self.deciding.get(second)
        if deciding is not None:
            return Resolution(code, deciding, DECIDES_ALONE)
        if self.first_alone:
            alone = self.by_code.get(first)
            if alone is not None:
                return Resolution(code, alone, FIRST_ALONE)
        return None

    def first_values(self) -> list[str]:
        """Values of the first field the file names, in file order."""
        return list(dict.fromkeys(code.split("/", 1)[0] for code in self.by_code))

    def worked_examples(self) -> list[str]:
        """Pairs the file does not list, one per precedence step that can apply: what the
        site shows so that a reader sees the rule at work on a real-looking code."""
        examples = []
        firsts = [first for first in self.first_values() if first in self.by_code]
        for second in self.decides_alone:
            listed_with = {code.split("/", 1)[0] for code in self.by_code if code.endswith(f"/{second}")}
            first = next((f for f in firsts if f not in listed_with), None)
            if first is not None:
                examples.append(f"{first}/{second}")
                break
        # a second value the file lists with another first value, or one it never names
        seconds = [code.split("/", 1)[1] for code in self.by_code if "/" in code] + ["NEW_VALUE"]
        for first in firsts:
            second = next(
                (s for s in seconds if s not in self.decides_alone and f"{first}/{s}" not in self.by_code), None
            )
            if second is not None:
                examples.append(f"{first}/{second}")
                break
        return examples
