"""The `opskb` command line. Each subcommand is one module in ``opskb.commands``.

Exit codes: 0 clean, 1 content errors (or a check/reconcile that found problems),
2 usage or internal error. No traceback reaches the user for bad input.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from . import __version__, commands
from .commands.terminal import cleaned
from .model.problems import CommandError, ExitCode

EPILOG = "exit codes: 0 clean, 1 content errors or failed checks, 2 usage or internal error"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep its usage line
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="opskb",
        description="Knowledge base and runbooks for incident support, with executable checks.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"opskb {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        if not hasattr(module, "run"):
            continue
        command = sub.add_parser(
            module.NAME,
            help=module.HELP,
            description=module.__doc__,
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(command)
        command.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
    except ImportError as err:  # a broken installation, not bad input: say what is missing
        print(f"opskb: cannot start: {err}; reinstall opskb with its dependencies", file=sys.stderr)
        return ExitCode.USAGE
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return ExitCode.USAGE
    # text for people never carries a terminal's control sequences from content (terminal.py)
    with cleaned(stdout=getattr(args, "format", None) not in ("json", "csv")):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.handler(args))
    except CommandError as err:
        print(err, file=sys.stderr)
        return err.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return ExitCode.CLEAN
    except Exception as err:  # the last line of defence: no traceback for users
        print(f"opskb: internal error: {type(err).__name__}: {err}", file=sys.stderr)
        print("please report it with the command you ran", file=sys.stderr)
        return ExitCode.USAGE


if __name__ == "__main__":
    sys.exit(main())
