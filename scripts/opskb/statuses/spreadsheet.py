"""Cells for a CSV that people open in a spreadsheet, made inert.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)`` exfiltrates data,
DDE runs commands). OWASP's advice, followed here: prefix such a cell with a single quote
so that it is shown as text, and quote every cell (the writer doubles inner quotes). Order
ids and statuses come from exports anyone can have edited, so every cell goes through this.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> str:
    """``value`` as a CSV cell that no spreadsheet evaluates."""
    text = "" if value is None else str(value)
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text
