"""`mkdocs serve` watches the content folders and the schemas too, so that it rebuilds
when a YAML file changes: with the system's notifications (inotify) where there are any,
which start a rebuild at once, and then the handwritten pages of docs/ too, in MkDocs'
place; else with MkDocs' own polling watcher.

INVARIANT: an edit of any watched file starts one rebuild, as MkDocs' own watcher would
start it. Held by tests/test_site_build.py::test_serve_watches_the_content_folders and
::test_serve_rerenders_after_a_yaml_change, and tests/test_site_preview.py.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.livereload import LiveReloadServer

from ..model.layout import CONTENT_FOLDERS, SCHEMAS

log = logging.getLogger("mkdocs.plugins.opskb")


def watch(server: LiveReloadServer, root: Path, docs_dir: str) -> Any:
    """Watch the content folders under ``root`` and the schemas; returns the notifying
    watcher to stop at the end of the session, if there is one."""
    folders = [str(root / folder) for folder in (*CONTENT_FOLDERS, SCHEMAS) if (root / folder).is_dir()]
    docs = os.path.abspath(docs_dir)
    watcher = _notified_watch(server, [*folders, docs])
    if watcher is None:
        for folder in folders:
            server.watch(folder)
    else:  # the handwritten pages too: MkDocs, which watched them, polls no longer
        server.unwatch(docs)
    return watcher


# What a watched file's change is ("closed": after writing); not its being opened or read
# without a write, which the build itself does to every file.
_CHANGES = frozenset({"created", "deleted", "modified", "moved", "closed"})


def _notified_watch(server: LiveReloadServer, folders: list[str]) -> Any:
    """Watch ``folders`` with the system's notifications (inotify), which start a
    rebuild at once: MkDocs' own watcher polls every 0.5 s and walks every watched file
    each time, 3,000 runbooks a tenth of a second per walk.

    The rebuild is asked for as MkDocs' own watcher asks, through two names private to
    MkDocs' LiveReloadServer (1.4 to 1.6, and ProperDocs): ``_rebuild_cond``, the
    condition its build loop waits on, and ``_want_rebuild``, the flag it reads. Why:
    MkDocs 1.6 has no public call that starts a rebuild. On a server without them (or
    without inotify), None: MkDocs' own polling watcher watches the folders instead, and
    an edit shows up to one polling cycle later."""
    condition = getattr(server, "_rebuild_cond", None)
    if condition is None or not hasattr(server, "_want_rebuild") or not folders:
        return None
    try:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers.inotify import InotifyObserver
    except ImportError:  # not Linux
        return None

    class Changed(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.is_directory or event.event_type not in _CHANGES:
                return
            with condition:
                server._want_rebuild = True
                condition.notify_all()

    observer = InotifyObserver()
    try:
        for folder in folders:
            observer.schedule(Changed(), folder, recursive=True)
        observer.start()
    except OSError as error:  # the system's limit on watches, say
        log.info("opskb: the content folders are polled (%s)", error)
        observer.stop()
        return None
    log.info("opskb: watching %s for changes", ", ".join(folders))
    return observer
