"""What every probe returns or raises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ProbeError(Exception):
    """The check could not be made (unreachable, timeout, refused query): result ``error``."""


@dataclass
class Observation:
    """Observed values, one set per series (one unnamed set for HTTP and SQL).

    ``failure`` is set when the probe itself saw a failure before any condition (an
    unexpected HTTP status).
    """

    series: list[tuple[str, dict[str, Any]]]
    failure: str | None = None
