"""Run a runbook's checks in order: pass, fail or error each, and the step to go to next.

A check that cannot be made (source not configured, unreachable, timed out, refused
query) is an ``error`` with the reason, and the next check still runs. Each probe runs in
a worker thread with a hard deadline on top of its own network timeouts, so one hung
source cannot hold up an incident. Steps are never executed: the runner only says which
step comes next, marked when a person must do it because it changes a system.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from .conditions import ConditionError, evaluate, plain, shown_as_text
from .probe import Observation, ProbeError
from .sources import Source, SourceError, Sources

PASS, FAIL, ERROR = "pass", "fail", "error"
# Extra time the worker thread gets beyond the check's own timeout before we give up.
_GRACE = 2.0

Probe = Callable[[dict[str, Any], Source, float], Observation]


@dataclass
class NextStep:
    id: str
    title: str
    do: str
    changes_system: bool
    line: str


@dataclass
class CheckResult:
    id: str
    title: str
    type: str
    source: str
    outcome: str
    message: str
    observed: dict[str, Any] = field(default_factory=dict)
    next_step: NextStep | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def probes() -> dict[str, Probe]:
    # Imported lazily: the SQL guard and drivers are only loaded when a runbook has a sql check.
    from . import http, prometheus

    def sql_probe(check: dict[str, Any], source: Source, timeout: float) -> Observation:
        from . import sql

        return sql.probe(check, source, timeout)

    return {"http": http.probe, "prometheus": prometheus.probe, "sql": sql_probe}


def run_checks(
    runbook: dict[str, Any],
    sources: Sources,
    only: str | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
) -> list[CheckResult]:
    """Run the runbook's checks (or one, by id) in order; ``on_result`` sees each as it ends."""
    table = probes()
    results = []
    for check in runbook.get("checks", []):
        if only is not None and check["id"] != only:
            continue
        result = run_one(check, runbook, sources, table)
        results.append(result)
        if on_result:
            on_result(result)
    return results


# What a check can run into that is a result to show (an `error`), not a bug in opskb.
_EXPECTED = (SourceError, ProbeError, ConditionError)


def run_one(check: dict[str, Any], runbook: dict[str, Any], sources: Sources, table: dict[str, Probe]) -> CheckResult:
    started = time.monotonic()
    timeout = check_timeout(check)
    result = CheckResult(check["id"], check["title"], check["type"], check["source"], ERROR, "")
    source: Source | None = None
    try:
        source = sources.get(check["source"])
        observation = _with_deadline(table[check["type"]], check, source, timeout)
        _judge(result, check, observation)
    except _EXPECTED as err:
        result.outcome, result.message = ERROR, str(err)
    if source is not None:
        result.message = source.scrub(result.message)
        result.observed = _scrub_values(result.observed, source)
    result.next_step = _next_step(runbook, check, result.outcome)
    result.seconds = round(time.monotonic() - started, 3)
    return result


@cache
def timeout_bounds() -> tuple[float, float, float]:
    """(minimum, default, maximum) of ``timeout_seconds``, as the runbook schema states them."""
    from ..model.schemas import schema_dir

    schema = json.loads((schema_dir() / "runbook.schema.json").read_text(encoding="utf-8"))
    spec = schema["$defs"]["check"]["properties"]["timeout_seconds"]
    return float(spec["minimum"]), float(spec["default"]), float(spec["maximum"])


def check_timeout(check: dict[str, Any]) -> float:
    """The check's timeout, held within the schema's bounds even for content that skipped
    `opskb check` (a tiny timeout must never become "no limit" on a server)."""
    low, default, high = timeout_bounds()
    value = check.get("timeout_seconds", default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return default
    return min(max(float(value), low), high)


def _judge(result: CheckResult, check: dict[str, Any], observation: Observation) -> None:
    single = len(observation.series) == 1
    result.observed = (
        {k: plain(v) for k, v in observation.series[0][1].items()}
        if single
        else {label or "value": plain(values.get("value")) for label, values in observation.series}
    )
    if observation.failure:
        result.outcome, result.message = FAIL, observation.failure
        return
    condition = check.get("condition")
    if condition is None:
        result.outcome, result.message = PASS, "responded as expected"
        return
    failing, texts = [], []
    for label, values in observation.series:
        verdict = evaluate(condition, values)
        text = f"{label} {verdict.text}".strip()
        texts.append(text)
        if not verdict.passed:
            failing.append(text)
    if failing:
        result.outcome = FAIL
        more = f" (+{len(failing) - 3} more series)" if len(failing) > 3 else ""
        result.message = "; ".join(failing[:3]) + more
    else:
        result.outcome = PASS
        result.message = texts[0] if single else f"all {len(texts)} series: {texts[0]}"
    as_text = shown_as_text(observation.series[0][1]) if single else []
    if as_text:
        result.message += f" ({', '.join(as_text)} shown as text: JSON has no number for NaN, infinity or so large)"


def _with_deadline(probe: Probe, check: dict[str, Any], source: Source, timeout: float) -> Observation:
    """Run the probe in a daemon thread; give up after timeout + grace."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = probe(check, source, timeout)
        except BaseException as err:  # handed back to the caller's thread
            box["error"] = err

    worker = threading.Thread(target=work, name=f"opskb-check-{check['id']}", daemon=True)
    worker.start()
    worker.join(timeout + _GRACE)
    if worker.is_alive():
        raise ProbeError(f"no answer within {timeout:g} s (source {source.name})")
    if "error" in box:
        error = box["error"]
        if isinstance(error, _EXPECTED):
            raise error
        raise ProbeError(f"{type(error).__name__}: {error}")
    return box["value"]


def _next_step(runbook: dict[str, Any], check: dict[str, Any], outcome: str) -> NextStep | None:
    """Fail: the check's on_fail step. Pass: the step after the one this check verifies.
    Error: the step this check verifies, to be done by hand."""
    steps = runbook.get("steps", [])
    by_id = {step["id"]: step for step in steps}
    verified = next((i for i, step in enumerate(steps) if step.get("check") == check["id"]), None)
    target = None
    if outcome == FAIL:
        target = by_id.get(check.get("on_fail", ""))
    elif outcome == PASS and verified is not None and verified + 1 < len(steps):
        target = steps[verified + 1]
    elif outcome == ERROR and verified is not None:
        target = steps[verified]
    if target is None:
        return None
    return NextStep(
        target["id"], target["title"], target["do"], bool(target.get("changes_system", False)), target.get("line", "L1")
    )


def _scrub_values(observed: Any, source: Source) -> Any:
    """Every string in the observed values, keys and nested JSON included, without secrets:
    an endpoint that echoes request headers must not print the source's credentials."""
    if isinstance(observed, str):
        return source.scrub(observed)
    if isinstance(observed, dict):
        return {_scrub_values(k, source): _scrub_values(v, source) for k, v in observed.items()}
    if isinstance(observed, list):
        return [_scrub_values(item, source) for item in observed]
    return observed
