"""What `mkdocs serve` keeps from one build to the next, so that an edit costs what it changes.

MkDocs runs a whole build after every change it sees. Within one `mkdocs serve` session the
adapter keeps one ``BuildCache``; each build then

* loads again only the files whose size or modification time changed (``kb.LoadCache``),
  and runs the cross-file checks, which are cheap, on everything;
* renders again only the pages whose inputs changed (``Site.plan`` says what each page is
  made from; ``Site.pages`` takes the others from the cache);
* analyses again only the runbooks that changed for the search index
  (``searchindex.IndexMemo``);
* keeps the compiled templates: its own while no override template changes, and the
  theme's through a bytecode cache on the theme's environment (keyed by each template's
  source, as Jinja2 checks it);
* keeps the list of the theme's files while no folder of the theme changes
  (``ThemeListing``);
* leaves what the last build kept out of Python's garbage collection (``IdleCollector``):
  a rebuild allocates enough for the collector to walk the whole heap, every page kept
  included, a fifth of a rebuild's time at 3,000 runbooks.

Under `mkdocs serve --dirty` (what `make serve` runs), ``PreviewFiles`` also keeps the
generated pages as files, so that MkDocs re-renders only the pages an edit changed.

INVARIANT: every reuse is keyed by the bytes of the files it was made from, so a rebuild
gives what a fresh build of the same files gives. Held by
tests/test_preview_cache.py::test_a_rebuild_gives_what_a_fresh_build_gives (each kind of
edit) and tests/test_site_preview.py::test_one_yaml_edit_re_renders_only_the_pages_it_changes
(`mkdocs serve --dirty` itself, against what it serves).
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, InclusionLevel

from ..model.kb import LoadCache
from ..search.searchindex import IndexMemo
from ..site.labels import Labels
from ..site.pages import GeneratedPage, PageCache, RowMemo
from ..site.render import Renderer, template_signature


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates in memory, for an environment that is made anew at every build."""

    def __init__(self) -> None:
        self._compiled: dict[str, tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = self._compiled.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is not None:
            self._compiled[bucket.key] = (bucket.checksum, bucket.code)

    def clear(self) -> None:
        self._compiled.clear()


class ThemeListing:
    """The names of the theme's files, kept while none of its folders changes.

    MkDocs asks the theme's environment for them at every build, to copy the theme's
    static files: Jinja2 walks Material's 14,500 files (its icons) and MkDocs matches each
    name against a dozen patterns, a tenth of a `mkdocs serve` rebuild at 1,000 runbooks
    in two languages. A folder's modification time changes whenever an entry is added to
    it, removed or renamed, so the folders' times say when to walk again; what a filter
    decided about a name is kept per filter (its code and the settings it reads)."""

    def __init__(self) -> None:
        self._folders: dict[tuple[str, ...], tuple[dict[str, int], list[str]]] = {}
        self._decided: dict[tuple[Any, ...], dict[str, bool]] = {}

    def install(self, env: jinja2.Environment, settings: tuple[Any, ...]) -> None:
        """``env.list_templates`` answered from the kept names; ``settings``: what the
        callers' filters read besides the name (the theme's static templates)."""
        loader = env.loader
        if not isinstance(loader, jinja2.FileSystemLoader):
            return  # only a loader of folders can be watched through its folders
        walk = env.list_templates

        def list_templates(extensions: Any = None, filter_func: Callable[[str], bool] | None = None) -> list[str]:
            if extensions is not None:
                return walk(extensions, filter_func)
            names = self.names(loader)
            if filter_func is None:
                return list(names)
            decided = self._decided.setdefault((filter_func.__code__, settings), {})
            kept = []
            for name in names:
                keep = decided.get(name)
                if keep is None:
                    keep = decided[name] = bool(filter_func(name))
                if keep:
                    kept.append(name)
            return kept

        env.list_templates = list_templates  # type: ignore[method-assign]

    def names(self, loader: jinja2.FileSystemLoader) -> list[str]:
        """What ``loader.list_templates()`` returns, walked again when a folder changed."""
        key = tuple(map(str, loader.searchpath))
        found = self._folders.get(key)
        if found is not None and all(_mtime(folder) == stamp for folder, stamp in found[0].items()):
            return found[1]
        folders = {top: _mtime(top) for path in key for top, _, _ in os.walk(path, followlinks=loader.followlinks)}
        names = loader.list_templates()
        # A folder changed within the last moments might change again within the same
        # tick of the file system's clock, unseen: such a listing is not kept (git's
        # "racily clean" files are the same case).
        if max(folders.values(), default=0) < time.time_ns() - _RACY_NS:
            self._folders[key] = (folders, names)
        return names


_RACY_NS = 2_000_000_000


def _mtime(folder: str) -> int:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return -1


@dataclass
class BuildCache:
    loads: LoadCache = field(default_factory=LoadCache)
    theme_templates: CompiledTemplates = field(default_factory=CompiledTemplates)
    theme_listing: ThemeListing = field(default_factory=ThemeListing)
    pages: PageCache = field(default_factory=dict)
    index: IndexMemo = field(default_factory=IndexMemo)
    rows: RowMemo = field(default_factory=RowMemo)
    collector: IdleCollector = field(default_factory=lambda: IdleCollector())
    # the home page's lead block, with the key it was made from (Site.listing_key)
    home_lead: tuple[object, str] | None = None
    _renderer: Renderer | None = None
    _renderer_key: tuple[object, ...] = ()

    def renderer(self, nonce: str, language: str, override_dirs: list[Path]) -> Renderer:
        """The renderer of the previous build, unless the language or a template changed."""
        key = (nonce, language, tuple(override_dirs), template_signature(override_dirs))
        if self._renderer is None or key != self._renderer_key:
            self._renderer = Renderer(nonce, Labels(language), override_dirs)
            self._renderer_key = key
        return self._renderer


class IdleCollector:
    """The garbage of a build collected after it, once the server has had ``delay``
    seconds to send the new page, and what survives frozen (``gc.freeze``): the next
    rebuild's collections walk only what it allocates itself. Nothing is lost to the
    freeze: each idle collection unfreezes first, so cycles among the objects of an
    earlier build (a page and its file) are collected then."""

    def __init__(self, delay: float = 2.0) -> None:
        self.delay = delay
        self._timer: threading.Timer | None = None
        self.collections = 0

    def after_build(self) -> None:
        self.cancel()
        self._timer = threading.Timer(self.delay, self.collect)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        """A build starts: no collection of the whole heap in its middle."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def collect(self) -> None:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.collections += 1


class WrittenFile(File):
    """A generated file whose source ``PreviewFiles`` wrote, and knows when. MkDocs asks
    every page at every `--dirty` rebuild whether it is modified: its own answer looks at
    the source and the output three times (whether the output is a file, then each one's
    modification time); this one gives the same answer (the output older than the source,
    or missing) with one look, at the output."""

    written_at: float = 0.0

    def is_modified(self) -> bool:
        try:
            return os.stat(self.abs_dest_path).st_mtime < self.written_at
        except OSError:
            return True


class PreviewFiles:
    """Under `mkdocs serve --dirty`, the generated pages and search index files as files in
    a folder of their own, each rewritten only when what it says changed: MkDocs
    re-renders a page only when its source is newer than its output, so one YAML edit
    re-renders the pages it changes, not the site. A pre-rendered page made from the same
    inputs with the same settings keeps its File (and Page) of the last build: MkDocs
    neither reads nor writes it (making 6,000 of them anew was a fifth of a rebuild)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="opskb-preview-"))
        # uri -> what its file was last written from (a digest, or the text itself)
        self._versions: dict[str, str] = {}
        # uri -> the modification time of its file as last written
        self._mtimes: dict[str, float] = {}
        self._pages: dict[str, GeneratedPage] = {}
        # uri -> (the page, the settings, its File) of a pre-rendered page
        self._files: dict[str, tuple[GeneratedPage, tuple[Any, ...], File]] = {}

    def page(self, page: GeneratedPage, config: MkDocsConfig, inclusion: InclusionLevel) -> File:
        """The File of a generated page, its Markdown written out if it changed."""
        if self._pages.get(page.src_uri) is not page:  # made anew by this build
            # What the page says is its Markdown with its blocks in place: a change of a
            # block alone must rewrite the file too.
            digest = hashlib.blake2b(page.text.encode("utf-8"), digest_size=16).hexdigest()
            self._write(page.src_uri, page.content, digest)
            self._pages[page.src_uri] = page
        return self._file(config, page.src_uri, inclusion)

    def asset(self, config: MkDocsConfig, uri: str, content: str) -> File:
        self._write(uri, content, content)
        return self._file(config, uri, InclusionLevel.UNDEFINED)

    def _file(self, config: MkDocsConfig, uri: str, inclusion: InclusionLevel) -> File:
        file = WrittenFile.generated(config, uri, abs_src_path=str(self.dir / uri), inclusion=inclusion)
        file.written_at = self._mtimes[uri]
        return file

    def kept(self, made: GeneratedPage, settings: tuple[Any, ...]) -> File | None:
        """The last build's File of a pre-rendered page made from the same inputs
        (``made``, which the page cache returns unchanged) with the same ``settings``."""
        found = self._files.get(made.src_uri)
        if found is None or found[0] is not made or found[1] != settings:
            return None
        return found[2]

    def keep(self, made: GeneratedPage, settings: tuple[Any, ...], file: File) -> None:
        self._files[made.src_uri] = (made, settings, file)

    def _write(self, uri: str, content: str, version: str) -> None:
        if self._versions.get(uri) == version and self._present(uri):
            return
        path = self.dir / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        self._versions[uri] = version
        self._mtimes[uri] = os.stat(path).st_mtime

    def _present(self, uri: str) -> bool:
        """Whether the file of ``uri`` is still there as written (nothing else writes in
        this folder, but a cleaner of temporary files may remove it)."""
        try:
            return os.stat(self.dir / uri).st_mtime == self._mtimes.get(uri)
        except OSError:
            return False

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
