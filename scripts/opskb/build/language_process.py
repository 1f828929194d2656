"""Under `mkdocs serve`, each language but the first is built in a process of its own, at
the same time as the first, instead of after it in the server's process (languages.py).

Why: the server shows no page of a rebuild until every language is written (MkDocs'
server waits for the whole build), and the second language was about half of a rebuild;
the two languages now take one core each. Why a process that stays: the language's
plugins keep their caches from one rebuild to the next (preview.py), as MkDocs keeps the
first's. Why ``spawn``, not ``fork``: a server's threads do not survive a fork.

The process reads mkdocs.yml as the server does, with the language's site folder (ru/)
and address, checks the content itself (its own loader cache, so only edited files are
read again) and builds when asked. The server asks as soon as the site folder allows (at
on_config under --dirty; else at on_files, once MkDocs cleaned the site folder) and waits
for the answer at the end of its own build (on_post_build, or on_build_error). The
process prints its own log lines, at the server's level, but a failure only through the
server. It ends when the server closes the pipe, or when the server's process ends; not
at Ctrl-C, which the server's terminal sends it too (the server then closes the pipe).

INVARIANT: under `mkdocs serve` every language shows each edit in the same rebuild, and
a language's pages are those its build in the server's own process would make (the
process runs that same build). A process that died is replaced by a build in the
server's process for that rebuild, and by a new process at the next. Held by
tests/test_site_preview.py::test_one_yaml_edit_re_renders_only_the_pages_it_changes (the
Russian page shows each edit) and ::test_a_language_process_that_died_is_replaced.

This module knows MkDocs only inside the process it starts.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger("mkdocs.plugins.opskb")

# What the process answers a build request with: None when built, else why not.
Answer = str | None


@dataclass(frozen=True)
class BuildRequest:
    """One rebuild of a language: mkdocs.yml read again with these."""

    config_file: str
    site_dir: str
    site_url: str | None
    strict: bool
    dirty: bool
    languages: tuple[str, ...]


class ProcessGone(Exception):
    """The language's process ended without answering."""


class LanguageProcess:
    """The server's side of one language's process."""

    def __init__(self, language: str, prepare: Callable[[Any, str, list[str]], None]) -> None:
        context = multiprocessing.get_context("spawn")
        self.language = language
        self.pipe, child = context.Pipe()
        level = logging.getLogger("mkdocs").getEffectiveLevel()
        self.process = context.Process(
            target=serve_language,
            args=(child, language, prepare, level),
            name=f"opskb-{language}",
            daemon=True,  # ends with the server, even one that ends without on_shutdown
        )
        self.process.start()
        child.close()  # so that the pipe reports the process's end
        self.pending = False
        log.debug("opskb: the '%s' site is built in process %d", language, self.process.pid)

    def request(self, request: BuildRequest) -> bool:
        """Asks for a build; False if the process is gone."""
        try:
            self.pipe.send(request)
        except OSError:
            return False
        self.pending = True
        return True

    def answer(self) -> Answer:
        """Waits for the build asked for: None, or why it failed. Raises ProcessGone."""
        self.pending = False
        try:
            return self.pipe.recv()
        except (EOFError, OSError):
            raise ProcessGone(self.language) from None

    def close(self) -> None:
        with contextlib.suppress(OSError):  # gone already
            self.pipe.send(None)
        self.pipe.close()
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5)


def serve_language(pipe: Connection, language: str, prepare: Callable[[Any, str, list[str]], None], level: int) -> None:
    """The process: builds ``language`` at each request until the pipe says None or closes.
    ``prepare(config, language, languages)`` tells the opskb plugin of the configuration
    which language it builds (the server's plugin module gives it, so that this module
    does not import the plugin)."""
    from mkdocs.__main__ import State
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    # Ctrl-C in the server's terminal reaches this process too: the server ends it (close).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging_state = State(level=level)  # MkDocs' own log lines, to the server's terminal (kept: its end removes them)
    failures = _Failures()
    logging_state.stream.addFilter(failures)
    config = None
    while True:
        try:
            request = pipe.recv()
        except (EOFError, OSError):
            break
        if request is None:
            break
        failures.messages.clear()
        try:
            started = config is not None
            # Plugins that have on_startup are kept by MkDocs from one read to the next,
            # as under its own serve: their caches with them.
            config = load_config(
                request.config_file, site_dir=request.site_dir, strict=request.strict, site_url=request.site_url
            )
            if not started:
                config.plugins.on_startup(command="serve", dirty=request.dirty)
            prepare(config, language, list(request.languages))
            build(config, dirty=request.dirty)
            answer: Answer = None
        except Exception as err:  # MkDocs' Abort and any plugin's error: the server reports it
            answer = "\n".join([*failures.messages, str(err) or type(err).__name__])
        try:
            pipe.send(answer)
        except OSError:
            break
    if config is not None:
        config.plugins.on_shutdown()
    del logging_state


class _Failures(logging.Filter):
    """What MkDocs logs as a build's failure (then it raises a bare "Aborted with a
    BuildError!"): kept for the answer instead of printed, so the server prints it once,
    and not at all when the server's own build failed first (the same content error)."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "mkdocs.commands.build" and record.levelno >= logging.ERROR:
            self.messages.append(record.getMessage())
            return False
        return True
