"""Run a command once and report its wall time, CPU time and peak memory: the largest
process's own peak (its resident set from wait4, and its proportional set size, sampled),
and the peak of the whole process tree, which counts a build's worker processes too
(sampled: the sum of each process's proportional set size, so memory a forked worker
shares with its parent counts once)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measurement:
    seconds: float
    peak_mb: float
    returncode: int
    cpu_seconds: float = 0.0
    output: str = ""  # stdout and stderr together, when captured
    tree_mb: float = 0.0  # peak of the summed PSS of the command and its descendants
    largest_mb: float = 0.0  # peak PSS of the largest single process among them


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):  # gone meanwhile
                todo += [int(child) for child in task.read_text().split()]
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class _TreeSampler(threading.Thread):
    """The peak summed PSS of a process tree, read from /proc every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb, self.largest_kb = pid, interval, 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            sizes = [_pss_kb(pid) for pid in _descendants(self.pid)]
            self.peak_kb = max(self.peak_kb, sum(sizes))
            self.largest_kb = max(self.largest_kb, *sizes)


def measure(argv: list[str], capture: bool = False, **popen: object) -> Measurement:
    """``capture`` keeps the command's output (to show when it fails); otherwise discarded."""
    started = time.perf_counter()
    sink = subprocess.PIPE if capture else subprocess.DEVNULL
    errors = subprocess.STDOUT if capture else subprocess.DEVNULL
    child = subprocess.Popen(argv, stdout=sink, stderr=errors, text=True, **popen)  # type: ignore[call-overload]
    sampler = _TreeSampler(child.pid)
    if Path("/proc/self/smaps_rollup").exists():
        sampler.start()
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    sampler.done.set()
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    peak = usage.ru_maxrss / 1024
    if sampler.is_alive():
        sampler.join()
    # A command too short to be sampled (or no /proc): its own peak is the tree's.
    tree = sampler.peak_kb / 1024 if sampler.peak_kb else peak
    largest = sampler.largest_kb / 1024 if sampler.largest_kb else peak
    return Measurement(elapsed, peak, child.returncode, cpu, output, tree, largest)


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


def print_reference() -> float:
    """The first line every benchmark prints: this machine's speed (``machine_reference``)."""
    reference = machine_reference()
    print(f"machine reference: {reference:.2f} s of CPU for a fixed pure-Python loop\n", flush=True)
    return reference
