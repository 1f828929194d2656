"""Prometheus probe: one PromQL instant query (``/api/v1/query``); its value is ``value``.

A vector with several series is judged series by series: the check passes only when the
condition holds for every one. No series at all is an error (the metric may be missing,
which is not the same as healthy).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from .http import fetch
from .probe import Observation, ProbeError
from .sources import Source


def probe(check: dict[str, Any], source: Source, timeout: float) -> Observation:
    # The server-side timeout stops a heavy query on Prometheus too, not only our wait.
    # Whole milliseconds: Prometheus durations take no fractions ("9.5s" is refused).
    server_timeout = f"{int(max(timeout - 0.5, 0.5) * 1000)}ms"
    query = urlencode({"query": check["query"], "timeout": server_timeout})
    status, body = fetch(source, f"/api/v1/query?{query}", timeout)
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProbeError(f"{source.display}: HTTP {status}, not a Prometheus API answer") from None
    if not isinstance(answer, dict) or answer.get("status") != "success":
        detail = answer.get("error", "") if isinstance(answer, dict) else ""
        raise ProbeError(f"{source.display}: query failed (HTTP {status}): {detail}".rstrip(": "))
    data = answer.get("data") or {}
    return Observation(_series(data, check["query"]))


def _series(data: dict[str, Any], query: str) -> list[tuple[str, dict[str, Any]]]:
    kind, result = data.get("resultType"), data.get("result")
    if kind in ("scalar", "string"):
        return [("", {"value": _number(result[1])})]
    if kind != "vector":
        raise ProbeError(f"query returned a {kind}; use an instant query that returns one value")
    if not result:
        raise ProbeError(f"query returned no series: {query}")
    series = []
    for item in result:
        labels = item.get("metric", {})
        name = ",".join(f"{k}={v}" for k, v in sorted(labels.items()) if k != "__name__")
        series.append((f"{{{name}}}" if name else "", {"value": _number(item["value"][1])}))
    return series


def _number(text: Any) -> Any:
    """Prometheus sends sample values as strings ("12", "NaN", "+Inf")."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return text
