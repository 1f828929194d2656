"""The content layout, and the one walk over it that the checker and the find cache share.

Kept free of heavy imports: `opskb find` reads it on every query to see whether its cached
index is still current.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

RUNBOOKS = "runbooks"
ESCALATION = "escalation"
STATUS_MAPPINGS = "status_mappings"
CONTENT_FOLDERS = (RUNBOOKS, ESCALATION, STATUS_MAPPINGS)
# A content root may carry its own JSON Schemas; without them the packaged ones apply.
SCHEMAS = "schemas"
# Handwritten site pages, and the content's synonym list for search (it feeds both the site
# and `opskb find`, and is checked like every content file).
DOCS = "docs"
SYNONYMS_FILE = "synonyms.yaml"

# Which schema each file follows; the file layout is the product's, not the content's.
ESCALATION_FILES = {"teams.yaml": "teams", "sla.yaml": "sla", "routes.yaml": "routes"}
INTERNAL_FILE = "internal.yaml"


def walk_yaml(root: Path | str, folder: str) -> Iterator[tuple[os.DirEntry[str], str, bool]]:
    """Every YAML file under ``root/folder``, sorted by name, a folder's files before its
    subfolders: the directory entry, the root-relative path, and whether it sits directly
    in ``folder`` (the layout is flat: deeper files are strays)."""
    yield from _walk(os.path.join(root, folder), folder, top=True)


def _is_file(entry: os.DirEntry[str]) -> bool:
    """A regular file, or a link that cannot be followed (a loop): the loader reports that
    one as unreadable instead of the walk leaving it out unsaid."""
    try:
        return entry.is_file()
    except OSError:
        return True


def unreadable_folders(root: Path | str, folder: str) -> Iterator[tuple[str, str]]:
    """Folders under ``root/folder`` that exist but cannot be listed: path and reason."""
    errors: list[OSError] = []
    for _ in os.walk(os.path.join(root, folder), onerror=errors.append):
        pass
    for error in errors:
        if not isinstance(error, FileNotFoundError) and error.filename:
            yield os.path.relpath(error.filename, root).replace(os.sep, "/"), error.strerror or str(error)


def _walk(path: str, rel: str, top: bool) -> Iterator[tuple[os.DirEntry[str], str, bool]]:
    # scandir, not os.walk + relpath: 10,000 files are listed and stat-ed in milliseconds.
    try:
        entries = sorted(os.scandir(path), key=lambda entry: entry.name)
    except OSError:
        return
    subfolders = []
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            subfolders.append(entry)
        elif entry.name.endswith((".yaml", ".yml")) and _is_file(entry):
            yield entry, f"{rel}/{entry.name}", top
    for subfolder in subfolders:
        yield from _walk(subfolder.path, f"{rel}/{subfolder.name}", top=False)
