"""A problem found in the content, and how it is printed for people and machines."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import IntEnum

ERROR = "error"
WARNING = "warning"


class ExitCode(IntEnum):
    """Exit codes of every opskb command (documented in README and `opskb --help`)."""

    CLEAN = 0
    CONTENT_ERRORS = 1
    USAGE = 2


class CommandError(Exception):
    """A one-line message for the user and the exit code that goes with it; `opskb.cli`
    prints it and exits with the code, so a command raises it from any depth."""

    def __init__(self, message: str, code: int = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, located at a 1-based line and column of a file under the content root."""

    path: str
    line: int
    column: int
    code: str
    message: str
    level: str = ERROR
    hint: str = ""
    # where the definition it most likely means is (``path:line``), for a dangling reference
    related: str = ""
    # the same problem at other places, or problems that follow from this one (opskb.gate.cascade)
    also: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def as_text(self) -> str:
        tag = " [warning]" if self.level == WARNING else ""
        return f"{self.where}: {self.code}{tag} {self.message}"

    def as_dict(self) -> dict:
        found = asdict(self)
        del found["related"]
        if not self.also:
            del found["also"]
        return found

    def as_github(self) -> str:
        kind = "error" if self.level == ERROR else "warning"
        text = (
            self.message + (f" (hint: {self.hint})" if self.hint else "") + (f" ({_also(self)})" if self.also else "")
        )
        message = _github_escape(text)
        return (
            f"::{kind} file={_github_escape_property(self.path)},line={self.line},"
            f"col={self.column},title={self.code}::{message}"
        )


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_escape_property(text: str) -> str:
    return _github_escape(text).replace(":", "%3A").replace(",", "%2C")


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sorted by file, line, column and code; exact duplicates dropped."""
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.column, p.code, p.message))


def render(problems: list[Problem], output_format: str, with_hints: bool = True) -> str:
    """Render problems as text (default), json or github annotations."""
    if output_format == "json":
        return json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2)
    if output_format == "github":
        return "\n".join(p.as_github() for p in problems)
    lines = []
    for problem in problems:
        lines.append(problem.as_text())
        if with_hints and problem.hint:
            lines.append(f"    hint: {problem.hint}")
        if problem.also:
            lines.append(f"    {_also(problem)}")
    return "\n".join(lines)


def _also(problem: Problem, shown: int = 5) -> str:
    listed = ", ".join(problem.also[:shown])
    more = len(problem.also) - shown
    return f"also (follow-on or the same mistake): {listed}" + (f" and {more} more" if more > 0 else "")


def has_errors(problems: Iterable[Problem], strict: bool = False) -> bool:
    return any(p.level == ERROR or strict for p in problems)
