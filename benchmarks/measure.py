"""Run a command once and report its wall time, CPU time and peak memory (the child's own
figures, from wait4)."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass


@dataclass
class Measurement:
    seconds: float
    peak_mb: float
    returncode: int
    cpu_seconds: float = 0.0
    output: str = ""  # stdout and stderr together, when captured


def measure(argv: list[str], capture: bool = False, **popen: object) -> Measurement:
    """``capture`` keeps the command's output (to show when it fails); otherwise discarded."""
    started = time.perf_counter()
    sink = subprocess.PIPE if capture else subprocess.DEVNULL
    errors = subprocess.STDOUT if capture else subprocess.DEVNULL
    child = subprocess.Popen(argv, stdout=sink, stderr=errors, text=True, **popen)  # type: ignore[call-overload]
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(elapsed, usage.ru_maxrss / 1024, child.returncode, cpu, output)


def machine_reference() -> float:
    """Seconds of CPU a fixed pure-Python workload takes here, best of three: figures taken
    on two machines compare after dividing by it (the build is CPU-bound Python too)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for number in range(5_000_000):
            total += number % 7
        best = min(best, time.process_time() - started)
    return best
