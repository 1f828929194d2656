"""Start a new knowledge base: a repository that passes `opskb check --strict` and
`mkdocs build --strict` as written, and serves with `mkdocs serve`.

It writes the content folders with one small example of each kind (a runbook, the teams,
the SLA policies and calendar, the escalation routes; status mappings only with
--with-statuses), a commented mkdocs.yml, the home, onboarding and contributing pages in
the team's language (their figures come from the YAML through macros), .gitignore, CI
recipes for GitHub Actions and GitLab CI, a pre-commit config, and editor settings that
complete and validate the YAML against opskb's JSON Schemas (copied to .opskb/schemas).

DIR must be empty or missing; --force writes into a folder that is not, but never
overwrites a file that exists (it is reported as kept).

examples:
  opskb init kb --timezone Europe/Berlin --holidays DE-BE
  opskb init kb --language ru --timezone Europe/Moscow --holidays RU --with-statuses
  opskb init . --force --site-url https://kb.example.org/
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..model.problems import CommandError

NAME = "init"
HELP = "start a new knowledge base repository (content, site, CI, editor settings)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", nargs="?", type=Path, default=Path("."), help="the new repository (default: .)")
    parser.add_argument("--timezone", default="UTC", help="IANA time zone of the team and its calendar (default UTC)")
    parser.add_argument(
        "--holidays", help="public holidays that stop working-hours SLA clocks: DE, or a subdivision: DE-BE"
    )
    parser.add_argument("--language", default="en", choices=("en", "ru"), help="the site's language (default en)")
    parser.add_argument("--site-url", help="where the site will be published (alert runbook_url links lead there)")
    parser.add_argument("--name", default="", help="the site's name (default: Runbooks)")
    parser.add_argument(
        "--with-statuses", action="store_true", help="also keep order status mappings (status_mappings/)"
    )
    parser.add_argument("--force", action="store_true", help="write into a non-empty folder (never overwrites)")


def run(args: argparse.Namespace) -> int:
    from ..authoring.starter import Options, StarterError, render, write
    from ..model.durations import today

    options = Options(
        timezone=args.timezone,
        holidays=args.holidays,
        language=args.language,
        site_url=args.site_url,
        site_name=args.name,
        with_statuses=args.with_statuses,
    )
    try:
        result = write(args.dir, render(options, today()), force=args.force)
    except StarterError as err:
        raise CommandError(f"opskb init: {err}") from None
    except OSError as err:
        raise CommandError(f"opskb init: {err.filename or args.dir}: {err.strerror or err}") from None
    for rel in result.kept:
        print(f"kept {rel} (exists; not overwritten)")
    print(f"wrote {len(result.written)} files in {args.dir}")
    where = "" if args.dir == Path(".") else f"cd {args.dir} && "
    print(f"next: {where}opskb check --strict . && mkdocs serve")
    return 0
