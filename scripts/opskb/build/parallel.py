"""Generated pages made on every core: a large build forks worker processes that make the
runbook and alert pages while the build goes on, and hands each page over when MkDocs reads
it; later a second set writes them in the theme (writers.py). The pool
is the same for both: jobs, done in order by the workers and by the build while it waits.

Why processes: a page is made by Jinja2 and Python string work, which holds the GIL.
Why ``fork``: a worker starts with the loaded knowledge base, the templates and the
build's nonce as they are, so it makes exactly the page the build would (the tests
compare the two builds byte for byte), and nothing but the finished page crosses back.

What a worker sends is a page ready for the theme (``pages.PageBody``), pickled and
compressed: pages that arrive before MkDocs asks for them wait in that form. A page a
worker could not make, or that logged a warning while being made, is made again by the
build itself, so its error or warning reaches MkDocs' log (and ``--strict``) as it would
without workers. The build never sits idle waiting for a page: it makes pages itself,
from the end of the list (the workers take theirs from the start), until the page it
needs arrives. Used by ``mkdocs build`` only: ``mkdocs serve`` keeps its pages between
rebuilds in one process (preview.py), and a server's threads do not survive a fork.

INVARIANT: a page a worker made is the page the build makes itself (``workers: 0``),
byte for byte, and a page a worker cannot make fails the build with the same message.
Held by tests/test_site_parallel.py::test_pages_made_by_workers_are_the_pages_made_in_the_build
and ::test_a_page_a_worker_cannot_make_fails_the_build_as_without_workers; the pool itself
by ::test_the_pages_a_dead_worker_had_are_made_by_the_build.

This module knows nothing of MkDocs.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import pickle
import threading
import zlib
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any

from ..model.forked import ctrl_c_held, let_ctrl_c_in

# The pool being started, read by the forked workers (never pickled): its jobs, their
# chunks, and the claims on the chunks.
_JOBS: list[Callable[[], Any]] = []
_CHUNKS: list[range] = []
_CLAIMS: Any = None


class _Quiet(logging.Handler):
    """A worker's one log handler, which prints nothing."""

    def emit(self, record: logging.LogRecord) -> None:
        pass


# MkDocs' own logger does not propagate to the root.
_LOGGERS = (None, "mkdocs")


def _work(writer: Connection) -> None:
    """A worker: claims the first chunk no one has claimed, makes it, sends it; until none
    is left. It prints nothing: what it would warn about, the build warns about when it
    does that job again (``_attempt``)."""
    quiet = _Quiet()
    for name in _LOGGERS:
        logging.getLogger(name).handlers = [quiet]
    try:
        let_ctrl_c_in()
        while (chunk := _claim(_CLAIMS, _CHUNKS, first=True)) is not None:
            made = [(index, _attempt(_JOBS[index])) for index in chunk]
            writer.send_bytes(pickle.dumps(made, pickle.HIGHEST_PROTOCOL))
    except KeyboardInterrupt:
        pass  # the build answers Ctrl-C; a worker's traceback would only repeat it
    finally:
        writer.close()


def _claim(claims: Any, chunks: list[range], first: bool) -> range | None:
    """Claim the first (a worker) or the last (the build) chunk still unclaimed, if any:
    ``claims`` holds the bounds of the unclaimed ones."""
    with claims.get_lock():
        front, back = claims[0], claims[1]
        if front >= back:
            return None
        if first:
            claims[0] = front + 1
            return chunks[front]
        claims[1] = back - 1
        return chunks[back - 1]


class _HeldBack(logging.Filter):
    """Keeps back the warnings and errors of a job done ahead of its turn (``_attempt``)."""

    warned = False

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            self.warned = True
            return False
        return True


def _attempt(job: Callable[[], Any]) -> bytes | None:
    """``job`` done ahead of its turn (in a worker, or in the build while it waits), its
    result packed; None when it fails or logs a warning: the build does it again in its
    turn, and only then are its error and warnings logged, as without workers."""
    held = _HeldBack()
    handlers = list(dict.fromkeys(handler for name in _LOGGERS for handler in logging.getLogger(name).handlers))
    for handler in handlers:
        handler.addFilter(held)
    try:
        made = job()
    except Exception:
        return None
    finally:
        for handler in handlers:
            handler.removeFilter(held)
    return None if held.warned else _packed(made)


def _packed(made: Any) -> bytes:
    return zlib.compress(pickle.dumps(made, pickle.HIGHEST_PROTOCOL), 1)


class Workers:
    """``jobs`` run in ``processes`` forked workers, in chunks, and in the build while it
    waits; ``get(i)`` is what job ``i`` returned (made here instead when a worker could
    not). Each result is handed over once."""

    def __init__(
        self,
        jobs: list[Callable[[], Any]],
        processes: int,
        chunk: int = 16,
        stall: float = 60.0,
        fallback: Callable[[int], Any] | None = None,
    ) -> None:
        global _JOBS, _CHUNKS, _CLAIMS
        self._jobs = jobs
        # what ``get(i)`` returns for a job no one could do (default: it is done then)
        self._fallback = fallback
        # Seconds without a page from any worker after which the rest are made here: a
        # worker that hangs never hands back the pages it has.
        self.stall = stall
        self.processes = processes
        # pages a worker handed back unmade (or never sent), made when read
        self.made_here = 0
        # pages the build made while it waited for another
        self.shared = 0
        self._ready: dict[int, bytes | None] = {}
        self._arrived = threading.Condition()
        self._done = False  # no more pages will come from the workers
        self._chunks = [range(start, min(start + chunk, len(jobs))) for start in range(0, len(jobs), chunk)]
        context = multiprocessing.get_context("fork")
        self._claims = context.Array("i", [0, len(self._chunks)])
        _JOBS, _CHUNKS, _CLAIMS = jobs, self._chunks, self._claims
        self._processes: list[Any] = []
        self._collector: threading.Thread | None = None
        readers = []
        # Frozen until the workers stop: neither the workers' garbage collector nor the
        # build's walks the objects they share, so that memory stays shared instead of
        # being copied page by page (and the build's collections are shorter).
        gc.freeze()
        self._frozen = True
        try:
            with ctrl_c_held():
                for _ in range(processes):
                    reader, writer = context.Pipe(duplex=False)
                    process = context.Process(target=_work, args=(writer,), daemon=True)
                    process.start()
                    writer.close()  # the worker's own: its end of the pipe closes when it exits
                    readers.append(reader)
                    self._processes.append(process)
        except BaseException:
            self.close()
            raise
        finally:
            _JOBS, _CHUNKS, _CLAIMS = [], [], None
        # Pages are read off the pipes as they come, so that a worker never waits for the
        # build to be ready for them.
        self._collector = threading.Thread(target=self._collect, args=(readers,), daemon=True)
        self._collector.start()

    def _collect(self, readers: list[Connection]) -> None:
        while readers:
            for reader in wait(readers):
                try:
                    made = pickle.loads(reader.recv_bytes())  # type: ignore[union-attr]
                except (EOFError, OSError):  # the worker is gone: done, or died
                    readers.remove(reader)  # type: ignore[arg-type]
                    reader.close()  # type: ignore[union-attr]
                    continue
                with self._arrived:
                    self._ready.update(made)
                    self._arrived.notify_all()
        with self._arrived:
            self._done = True
            self._arrived.notify_all()

    def get(self, index: int) -> Any:
        while True:
            with self._arrived:
                if index in self._ready or self._done:
                    payload = self._ready.pop(index, None)
                    break
            chunk = _claim(self._claims, self._chunks, first=False)
            if chunk is not None:  # made here meanwhile, the last pages first
                made = [(n, self._made_while_waiting(n)) for n in chunk]
                with self._arrived:
                    self._ready.update(made)
                continue
            with self._arrived:
                if index not in self._ready and not self._done and not self._arrived.wait(self.stall):
                    self._done = True  # what has not come is made here
        if payload is None:
            self.made_here += 1
            return self._fallback(index) if self._fallback else self._jobs[index]()
        return pickle.loads(zlib.decompress(payload))

    def _made_while_waiting(self, index: int) -> bytes | None:
        """Job ``index`` done here, as a worker does it (``_attempt``)."""
        payload = _attempt(self._jobs[index])
        if payload is not None:
            self.shared += 1
        return payload

    @property
    def jobs(self) -> int:
        return len(self._jobs)

    def close(self) -> None:
        """Stop the workers (at the end of the build, or when it fails); idempotent."""
        for process in self._processes:
            if process.is_alive():
                process.terminate()
            process.join()
        if self._collector is not None:
            self._collector.join(timeout=5)
        if self._frozen:
            gc.unfreeze()
            self._frozen = False
