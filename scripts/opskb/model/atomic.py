"""Writing a content file so that nothing is lost: one writer at a time, and a reader (or
a crash, or a full disk) sees the old file or the new one, never half of it, never none.

The lock is ``flock`` on the directory that holds the file, not a lock file: nothing is
left in the tree, and the kernel drops the lock when its process ends, so a killed
writer leaves no stale lock behind. (A lock on the file itself would not do: the file is
replaced by a rename, and a second writer would lock the new inode while the first one
still holds the old.) It serialises every `opskb new` on that directory; it is advisory,
as every lock between processes on Linux is, so an editor saving meanwhile is not held.
"""

from __future__ import annotations

import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


@contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the exclusive write lock of ``directory`` (the real one, symlinks resolved)."""
    handle = os.open(os.path.realpath(directory), os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def lock_directory(path: Path) -> Path:
    """The directory whose lock guards ``path``: where its real file is (or will be)."""
    return Path(os.path.realpath(path)).parent


def write_atomically(path: Path, data: bytes, *, create: bool = False) -> None:
    """Replace the content of the file at ``path`` with ``data``, or with ``create`` make
    it (it must not exist yet: never clobbered, even by a race).

    Through a symlink the link stays and its target gets the content. The file keeps its
    mode (and owner, where allowed); a new one gets the mode `open` would give it. The
    data is written to a temporary file beside the real file, flushed to the disk, and
    renamed (or linked) into place, and the directory is flushed too. On any failure,
    a full disk included, the temporary file is removed and the file is as it was; the
    OSError is raised."""
    target = Path(os.path.realpath(path))
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            _take_mode(out.fileno(), None if create or not target.exists() else target)
            os.fsync(out.fileno())
        if create:
            os.link(temporary, target)  # fails if it exists: no check-then-write race
            os.unlink(temporary)
        else:
            os.replace(temporary, target)
        _sync_directory(target.parent)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _take_mode(handle: int, like: Path | None) -> None:
    """The mode (and owner) of ``like``, or for a new file what `open` gives under the umask
    (mkstemp makes it private, 0600)."""
    if like is None:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(handle, 0o666 & ~umask)
        return
    status = os.stat(like)
    os.fchmod(handle, stat.S_IMODE(status.st_mode))
    if (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
        with suppress(PermissionError):  # only root may give a file away; keep what we can
            os.fchown(handle, status.st_uid, status.st_gid)


def _sync_directory(directory: Path) -> None:
    handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
