"""List the rules `opskb check` applies: code, level, what they catch, and how to fix it."""

from __future__ import annotations

import argparse
import json

NAME = "rules"
HELP = "print the rule reference"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("codes", nargs="*", help="only these codes (e.g. KB201)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    from ..registry import all_rules  # imported here: other commands should not load every rule
    from ..rulesdoc import example_text

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
                        "hint": r.hint,
                        "bad": example_text(r.bad),
                        "good": example_text(r.good),
                    }
                    for r in rules
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for rule in rules:
        print(f"{rule.code} {rule.name} [{rule.level}] {rule.summary}")
        if args.codes:
            print(f"  fix: {rule.hint}")
            print("  bad:\n" + _indent(example_text(rule.bad)))
            print("  good:\n" + _indent(example_text(rule.good)))
    return 0 if rules else 2


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
