"""Ctrl-C, as a terminal sends it, to a command once it has forked a child."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Interrupted:
    returncode: int
    stderr: str
    children: list[int]  # the children it had when Ctrl-C came

    def children_left(self) -> list[int]:
        """The children still running (a zombie is gone, only not yet waited for)."""
        return [pid for pid in self.children if _running(pid)]


def interrupt_when_forked(argv: list[str], after: float = 0.0, timeout: float = 120, **popen: Any) -> Interrupted:
    """Run ``argv`` in a process group of its own, and once it has a child, ``after``
    seconds later, send the group SIGINT (what Ctrl-C in a terminal does)."""
    command = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, **popen
    )
    children: list[int] = []
    deadline = time.monotonic() + timeout
    while not children and command.poll() is None and time.monotonic() < deadline:
        for task in Path(f"/proc/{command.pid}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                children += [int(pid) for pid in task.read_text().split()]
    assert children, f"{argv[0]} forked no child"
    time.sleep(after)
    os.killpg(command.pid, signal.SIGINT)
    _, err = command.communicate(timeout=timeout)
    return Interrupted(command.returncode, err, children)


def _running(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
