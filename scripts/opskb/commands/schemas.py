"""The JSON Schemas opskb validates content with, for editors and other tools.

  export DIR   copy them into DIR (replacing earlier copies): point an editor's YAML
               support at them (`opskb init` does, in .vscode/settings.json), and run it
               again after upgrading opskb so that the editor validates as the checker does

examples:
  opskb schemas export .opskb/schemas
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..model.problems import CommandError

NAME = "schemas"
HELP = "export the content model's JSON Schemas (for editors and other tools)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("export",), help="what to do")
    parser.add_argument("dir", type=Path, help="the folder to write the *.schema.json files into")


def run(args: argparse.Namespace) -> int:
    from ..authoring.starter import export_schemas

    try:
        written = export_schemas(args.dir)
    except OSError as err:
        raise CommandError(f"opskb schemas: {err.filename or args.dir}: {err.strerror or err}") from None
    print(f"wrote {len(written)} schemas in {args.dir}")
    return 0
