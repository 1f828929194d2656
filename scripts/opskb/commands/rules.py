"""The rule reference: every rule `opskb check` applies, one line each; with codes, each
rule's page, read the way ruff's rule pages read (what it does, why is this bad, how to
fix, an example and what to use instead)."""

from __future__ import annotations

import argparse
import json
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..gate.registry import Rule

NAME = "rules"
HELP = "print the rule reference"
WIDTH = 88


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("codes", nargs="*", help="only these codes (e.g. KB201), each with its full page")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    from ..gate.registry import all_rules
    from ..gate.rulesdoc import example_text

    rules = [r for code, r in all_rules().items() if not args.codes or code in args.codes]
    if args.format == "json":
        print(
            json.dumps(
                [
                    {
                        "code": r.code,
                        "name": r.name,
                        "level": r.level,
                        "family": r.family,
                        "summary": r.summary,
                        "why": r.why,
                        "fix": r.fix,
                        "message": r.message,
                        "hint": r.hint,
                        "bad": example_text(r.bad),
                        "good": example_text(r.good),
                        "checked_by": list(r.checked_by),
                    }
                    for r in rules
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0 if rules else 2
    if args.codes:
        print("\n\n".join(_page(rule) for rule in rules))
    for rule in [] if args.codes else rules:
        print(f"{rule.code} {rule.name} [{rule.level}] {rule.summary}")
    return 0 if rules else 2


def _page(rule: Rule) -> str:
    from ..gate.rulesdoc import example_text, message_text

    reported = f"{rule.bad.expect}: {rule.code} {message_text(rule.message)}\n  hint: {message_text(rule.hint)}"
    sections = [
        (None, f"{rule.code} {rule.name}\nFamily: {rule.family} ({rule.code[:3]}xx) · level: {rule.level}"),
        ("What it does", _paragraph(rule.summary)),
        ("Why is this bad?", _paragraph(rule.why)),
        ("How to fix", _paragraph(rule.fix)),
        ("Example", _block(example_text(rule.bad))),
        ("Use instead", _block(example_text(rule.good))),
        ("Reported as", _block(reported)),
        ("Checked by", _block("\n".join(rule.checked_by))),
    ]
    return "\n\n".join(body if title is None else f"{title}\n{body}" for title, body in sections)


def _paragraph(text: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False)


def _block(text: str) -> str:
    return textwrap.indent(text, "    ")
