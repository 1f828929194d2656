"""`opskb init`: a new team's repository, rendered from the templates in templates/init.

``templates/init/common/`` holds the files every repository gets (mkdocs.yml, CI, the
escalation files...), ``templates/init/LANGUAGE/`` those written in the team's language
(the docs/ pages, the example runbook, teams and routes). Each ``*.j2`` file is rendered
with Jinja2; a template that renders to nothing but blanks is a file this team does not
get (status mappings without --with-statuses). A leading ``dot-`` in a name stands for
``.`` (``dot-gitignore`` -> ``.gitignore``): wheels and editors handle dotfiles unevenly.

The Jinja2 delimiters are ``[[ ]]``, ``[% %]`` and ``[# #]``: the files themselves carry
``{{ }}`` for mkdocs-macros (docs/ pages) and for CI variables (``${{ }}``), which must
reach the new repository as written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from .. import __version__

TEMPLATES = Path(__file__).parent / "templates" / "init"
LANGUAGES = ("en", "ru")
# Where `opskb init` exports the JSON Schemas for editors (.vscode/settings.json points here).
EDITOR_SCHEMAS = ".opskb/schemas"


class StarterError(ValueError):
    """The repository cannot be written as asked; the message says what to do."""


@dataclass(frozen=True)
class Options:
    """What a team tells `opskb init` about itself."""

    timezone: str = "UTC"
    holidays: str | None = None
    language: str = "en"
    site_url: str | None = None
    site_name: str = ""
    with_statuses: bool = False


def validate(options: Options) -> None:
    """StarterError unless every option can go into a repository that passes `opskb check`."""
    from ..escalation.clocks import holidays_exist, zone_exists

    if options.language not in LANGUAGES:
        raise StarterError(f"--language {options.language!r}: one of {', '.join(LANGUAGES)}")
    if not zone_exists(options.timezone):
        raise StarterError(f"--timezone {options.timezone!r}: not an IANA time zone (e.g. Europe/Berlin, UTC)")
    if options.holidays is not None and not holidays_exist(options.holidays):
        raise StarterError(
            f"--holidays {options.holidays!r}: the holidays package has no such calendar; use a country code "
            "(DE, FR, US...) or a country and its subdivision (DE-BE, US-CA)"
        )
    if options.site_url is not None:
        parts = urlsplit(options.site_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise StarterError(f"--site-url {options.site_url!r}: an http(s) address, e.g. https://kb.example.org/")


def render(options: Options, today: date) -> dict[str, str]:
    """Every file of the new repository: path relative to its root -> text."""
    import jinja2

    validate(options)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        comment_start_string="[#",
        comment_end_string="#]",
        autoescape=False,  # YAML, Markdown and JSON: values are quoted with the `q` filter
    )
    env.filters["q"] = lambda value: json.dumps(value, ensure_ascii=False)  # a YAML or JSON string
    site_url = options.site_url
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    values = {
        **asdict(options),
        "site_url": site_url,
        "site_name": options.site_name or ("Ранбуки" if options.language == "ru" else "Runbooks"),
        "today": today.isoformat(),
        "version": __version__,
        "editor_schemas": EDITOR_SCHEMAS,
    }
    files: dict[str, str] = {}
    for folder in ("common", options.language):
        for template, rel in _templates(TEMPLATES / folder):
            text = env.get_template(f"{folder}/{template}").render(values)
            if text.strip():
                files[rel] = text
    for name, text in schema_files().items():
        files[f"{EDITOR_SCHEMAS}/{name}"] = text
    return files


def _templates(folder: Path) -> Iterator[tuple[str, str]]:
    """(template name under ``folder``, the path it writes) of every template, sorted."""
    for path in sorted(folder.rglob("*.j2")):
        name = path.relative_to(folder).as_posix()
        rel = "/".join(part.replace("dot-", ".", 1) if part.startswith("dot-") else part for part in name.split("/"))
        yield name, rel.removesuffix(".j2")


@dataclass(frozen=True)
class Written:
    written: list[str]
    kept: list[str]  # files that existed already and were left as they were


def write(target: Path, files: dict[str, str], force: bool = False) -> Written:
    """Write ``files`` under ``target``. A folder with anything in it is refused unless
    ``force``; even then an existing file is never overwritten (it is reported kept)."""
    if target.exists() and not target.is_dir():
        raise StarterError(f"{target}: exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise StarterError(
            f"{target}: not empty; choose an empty folder, or pass --force to add the files that are missing "
            "(an existing file is never overwritten)"
        )
    written, kept = [], []
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # "x": created here or not at all, so a file that appeared meanwhile is kept too
            with open(path, "x", encoding="utf-8", newline="\n") as out:
                out.write(text)
        except FileExistsError:
            kept.append(rel)
            continue
        written.append(rel)
    return Written(written, kept)


def schema_files() -> dict[str, str]:
    """The JSON Schemas opskb validates with (the packaged ones): file name -> text."""
    from ..model.schemas import schema_dir

    return {path.name: path.read_text(encoding="utf-8") for path in sorted(schema_dir().glob("*.schema.json"))}


def export_schemas(folder: Path) -> list[Path]:
    """Copy the JSON Schemas opskb validates with into ``folder`` (for editors and other
    tools); returns the files written. Files already there are replaced: they are copies
    of the installed version's, refreshed after an upgrade."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_files().items():
        path = folder / name
        temporary = path.with_name(f".{name}.tmp")
        temporary.write_text(text, encoding="utf-8", newline="\n")
        os.replace(temporary, path)
        written.append(path)
    return written
