"""Generated pages made on every core: a large build forks worker processes that make the
runbook and alert pages while the build goes on, and hands each page over when MkDocs reads it.

Why processes: a page is made by Jinja2 and Python string work, which holds the GIL.
Why ``fork``: a worker starts with the loaded knowledge base, the templates and the
build's nonce as they are, so it makes exactly the page the build would (the tests
compare the two builds byte for byte), and nothing but the finished page crosses back.

What a worker sends is a page ready for the theme (``pages.PageBody``), pickled and
compressed: pages that arrive before MkDocs asks for them wait in that form. A page a
worker could not make, or that logged a warning while being made, is made again by the
build itself, so its error or warning reaches MkDocs' log (and ``--strict``) as it would
without workers. Used by ``mkdocs build`` only: ``mkdocs serve`` keeps its pages between
rebuilds in one process (site/preview.py), and a server's threads do not survive a fork.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import pickle
import zlib
from collections.abc import Callable
from typing import Any

# The jobs of the pool being started: read by the forked workers, never pickled.
_JOBS: list[Callable[[], Any]] = []
_WARNED = False


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class _Warned(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        global _WARNED
        _WARNED = True


def _start_worker() -> None:
    handler = _Warned(logging.WARNING)
    for name in (None, "mkdocs"):  # MkDocs' own logger does not propagate to the root
        logging.getLogger(name).addHandler(handler)


def _run_chunk(indices: range) -> list[tuple[int, bytes | None]]:
    return [_run(index) for index in indices]


def _run(index: int) -> tuple[int, bytes | None]:
    global _WARNED
    _WARNED = False
    try:
        made = _JOBS[index]()
    except Exception:  # made again by the build, which reports it as it always does
        return index, None
    if _WARNED:
        return index, None
    return index, zlib.compress(pickle.dumps(made, pickle.HIGHEST_PROTOCOL), 1)


class Workers:
    """``jobs`` run in ``processes`` forked workers, in order; ``get(i)`` is what job ``i``
    returned (made here instead when a worker could not). Each result is handed over once."""

    def __init__(self, jobs: list[Callable[[], Any]], processes: int, chunk: int = 16, stall: float = 60.0) -> None:
        global _JOBS
        self._jobs = jobs
        # Seconds without a page from any worker after which the rest are made here: a
        # worker that dies (killed for memory, say) never hands back the pages it had.
        self.stall = stall
        self._ready: dict[int, bytes | None] = {}
        _JOBS = jobs
        # Frozen: the workers' garbage collector leaves the inherited objects alone, so
        # their memory stays shared with the build's instead of being copied page by page.
        gc.freeze()
        try:
            context = multiprocessing.get_context("fork")
            self._pool = context.Pool(processes, initializer=_start_worker)
        finally:
            gc.unfreeze()
            _JOBS = []
        # Chunks as tasks of their own: the pool's iterator then waits with a timeout.
        chunks = [range(start, min(start + chunk, len(jobs))) for start in range(0, len(jobs), chunk)]
        self._results: Any = self._pool.imap_unordered(_run_chunk, chunks)
        # pages still to come from the workers (none, once they stalled)
        self._expected = len(jobs)
        self.processes = processes
        # pages a worker handed back unmade, made here
        self.made_here = 0

    def get(self, index: int) -> Any:
        while index not in self._ready and self._expected:
            try:
                made = self._results.next(timeout=self.stall)
            except (multiprocessing.TimeoutError, StopIteration):
                made, self._expected = [], 0  # what has not come is made here
            self._ready.update(made)
            self._expected -= len(made)
            if self._expected == 0:  # the workers' memory is free before the last pages are read
                self.close()
        payload = self._ready.pop(index, None)
        if payload is None:
            self.made_here += 1
            return self._jobs[index]()
        return pickle.loads(zlib.decompress(payload))

    @property
    def jobs(self) -> int:
        return len(self._jobs)

    def close(self) -> None:
        """Stop the workers (at the end of the build, or when it fails); idempotent."""
        self._pool.terminate()
        self._pool.join()
