"""A list of independent jobs done on every core, for work that holds the GIL (parsing
YAML, validating it, running a rule over the knowledge base): this process and forked
children each claim the next few jobs until none is left, the children send their results
back pickled as they go, and the list comes back in its order. `opskb check` loads a large
knowledge base and runs its rules this way; the build's page workers (build/parallel.py)
take their core count and their Ctrl-C handling from here.

Why ``fork``: a child starts with everything the caller has loaded (the schemas, the
limits, the knowledge base), so it does each job exactly as this process would, and only
the results cross back. A fork is only safe where no other thread may hold a lock the
child would need: a process with other threads (a server's) does every job itself.

INVARIANT: ``forked_map(work, items)`` returns what ``[work(item) for item in items]``
returns, whatever became of the children: the part of a child that died, was killed, hung
or sent nothing back is done here. Held by tests/test_forked.py.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    """The cores this process may run on: those it may be scheduled on (``taskset -c 0``
    keeps a command to one), at most as many as its container's CPU quota allows."""
    try:
        allowed = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
    quota = cpu_quota()
    return max(1, min(allowed, math.ceil(quota))) if quota is not None else allowed


def cpu_quota(root: Path = Path("/")) -> float | None:
    """The CPUs a cgroup quota gives this process (a container's ``--cpus``), None if
    none: cgroup v2's ``cpu.max``, or v1's ``cpu.cfs_quota_us`` over ``cpu.cfs_period_us``,
    of the process's own cgroup or of the one mounted for its namespace."""
    try:
        lines = (root / "proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    mounted = root / "sys/fs/cgroup"
    limits = []
    for line in lines:
        _, controllers, path = line.split(":", 2)
        own = path.lstrip("/")
        if controllers == "":
            limits += [_numbers(group / "cpu.max") for group in (mounted, mounted / own)]
        elif "cpu" in controllers.split(","):
            for group in (mounted / mount / sub for mount in ("cpu", "cpu,cpuacct") for sub in ("", own)):
                limits.append([*_numbers(group / "cpu.cfs_quota_us"), *_numbers(group / "cpu.cfs_period_us")])
    return min(
        (quota / period for quota, period in (pair for pair in limits if len(pair) == 2) if quota and period),
        default=None,
    )


def _numbers(path: Path) -> list[int]:
    """The numbers a cgroup file holds ("max" or -1, no limit, is none of them)."""
    try:
        words = path.read_text().split()
    except OSError:
        return []
    return [int(word) for word in words if word.lstrip("-").isdigit() and int(word) >= 0]


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


# Content files below which a job list is done in one process: starting a process and
# pickling cost more than they save (benchmarks/check_bench.py, README "Performance").
FORK_FROM = 1000


def processes_for(files: int) -> int:
    """How many processes to spread work over ``files`` content files across."""
    return cores() if files >= FORK_FROM else 1


def forked_map(work: Callable[[T], R], items: Sequence[T], processes: int) -> list[R]:
    """``[work(item) for item in items]``, done by ``processes`` processes: this one and
    forked children, each claiming the next few items until none is left (one expensive
    item does not leave the others idle). A child sends each claim's results as soon as it
    has them, and this process takes them in between its own claims, so that little is left
    to unpickle when the work is done. ``work`` must not raise: an item a child could not do
    is done again here, and raises here."""
    processes = min(processes, len(items))
    if processes < 2 or not _may_fork():
        return [work(item) for item in items]
    # Single items where they are few (rules, whose costs differ a hundredfold), a few dozen
    # where they are many (files): claiming and a message each cost nothing next to them.
    chunk = max(1, min(len(items) // (processes * 64), 32))
    # What this process printed but has not yet written would be written again by each child.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # closed, or gone
            stream.flush()
    context = multiprocessing.get_context("fork")
    claims = _Claims(context.Value("q", 0), chunk, len(items))
    children = []
    done: dict[int, Any] = {}
    try:
        with _CtrlC() as ctrl_c:
            with ctrl_c_held():
                for _ in range(processes - 1):
                    reader, writer = context.Pipe(duplex=False)
                    _widen(writer)
                    child = context.Process(target=_child, args=(work, items, claims, writer), daemon=True)
                    child.start()
                    writer.close()  # the child's own: the pipe reads as closed when the child is gone
                    children.append((child, reader))
            readers = [reader for _, reader in children]
            while indices := claims.next():
                ctrl_c.check()
                done.update((index, work(items[index])) for index in indices)
                readers = [reader for reader in readers if _receive(reader, done)]
            for reader in readers:
                _drain(reader, done, ctrl_c)
    finally:
        for child, reader in children:
            reader.close()
            if child.is_alive():
                child.terminate()
            child.join()
    # What a child claimed but never sent back is done here.
    return [done[index] if index in done else work(items[index]) for index in range(len(items))]


def _may_fork() -> bool:
    """Not where another thread may hold a lock a child would need (a server's), nor in
    a daemon process (`mkdocs serve` builds a second language in one), which
    multiprocessing does not let have children."""
    return can_fork() and threading.active_count() == 1 and not multiprocessing.current_process().daemon


class _Claims:
    """The items still unclaimed, shared by the processes of one ``forked_map``."""

    def __init__(self, claimed: Any, chunk: int, count: int) -> None:
        self.claimed, self.chunk, self.count = claimed, chunk, count

    def next(self) -> range:
        with self.claimed.get_lock():
            start = self.claimed.value
            self.claimed.value = min(start + self.chunk, self.count)
        return range(start, min(start + self.chunk, self.count))


def _child(work: Callable[[Any], Any], items: Sequence[Any], claims: _Claims, writer: Any) -> None:
    """Sends the results of each claim; stops at a job that raised, whose claim this
    process then does again and reports where it belongs (a child's traceback would reach
    the terminal), and at Ctrl-C, which the command itself answers."""
    try:
        let_ctrl_c_in()
        while indices := claims.next():
            writer.send_bytes(pickle.dumps([(index, work(items[index])) for index in indices], pickle.HIGHEST_PROTOCOL))
    except (Exception, KeyboardInterrupt):
        pass
    finally:
        writer.close()


@contextlib.contextmanager
def ctrl_c_held() -> Iterator[None]:
    """Ctrl-C held back while children are forked: Python would raise it in its own
    after-fork hooks, which swallow it, and the command would go on as if not interrupted.
    It arrives when the children are started (and in each child once it lets it in:
    ``let_ctrl_c_in``)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def let_ctrl_c_in() -> None:
    """In a child forked under ``ctrl_c_held``: Ctrl-C arrives again, as Python's
    KeyboardInterrupt (one that came meanwhile arrives now)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


class _CtrlC:
    """Ctrl-C noted while ``forked_map`` runs, and raised where this process can take it:
    between two claims and while it waits for a child. Python raises KeyboardInterrupt
    wherever it happens to be, and one raised in a weakref callback or a destructor (as
    multiprocessing's bookkeeping runs when a child ends) is printed and swallowed: the
    command went on as if not interrupted. A program with a Ctrl-C handler of its own keeps
    it."""

    def __init__(self) -> None:
        self.pressed = False
        self._previous: Any = None

    def __enter__(self) -> _CtrlC:
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self._previous = signal.signal(signal.SIGINT, self._note)
        return self

    def _note(self, signum: int, frame: Any) -> None:
        self.pressed = True

    def check(self) -> None:
        if self.pressed:
            self.pressed = False
            raise KeyboardInterrupt

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        if kind is None:
            self.check()


# Seconds without a message from a child, once this process has nothing left to claim,
# after which the child is taken for hung: it is stopped, and what it claimed is done here
# (a claim takes milliseconds).
STALL = 60.0


def _receive(reader: Any, done: dict[int, Any]) -> bool:
    """Take what a child has sent so far into ``done``; False once the child is gone."""
    try:
        while reader.poll():
            done.update(pickle.loads(reader.recv_bytes()))
    except (EOFError, OSError):
        return False
    return True


def _drain(reader: Any, done: dict[int, Any], ctrl_c: _CtrlC) -> None:
    """Take all a child sends into ``done``, until it is gone or stalls (``STALL``)."""
    quiet_since = time.monotonic()
    try:
        while time.monotonic() - quiet_since < STALL:
            ctrl_c.check()
            if reader.poll(0.1):
                done.update(pickle.loads(reader.recv_bytes()))
                quiet_since = time.monotonic()
    except (EOFError, OSError):
        return


# Linux lets a pipe hold more than its default 64 KB: a child then goes on with its next
# claim while its last results wait to be read, instead of waiting for this process.
_F_SETPIPE_SZ = 1031
_PIPE_BYTES = 1 << 20


def _widen(connection: Any) -> None:
    with contextlib.suppress(ImportError, OSError, ValueError):
        import fcntl  # Unix only, as fork is

        fcntl.fcntl(connection.fileno(), _F_SETPIPE_SZ, _PIPE_BYTES)
