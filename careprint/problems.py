"""What went wrong, said the way an author or a nurse can act on it.

Every user-facing finding of every stage is a Problem: where (a file and line for content, a page for a PDF), the
key path, the message, a hint and a severity. The content gate, the style gate, the layout and PDF checks and
`verify FILE` all report the same type, so the command line prints, counts and serialises them one way. Stages
collect them and raise one CareprintError at the end, so a person sees every problem at once and never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


def plural(count: int, one: str, many: str) -> str:
    """'1 page', '3 pages': messages are read by people."""
    return f"{count} {one if count == 1 else many}"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    key: str
    message: str
    hint: str = ""
    severity: Severity = "error"
    page: int | None = None  # in a PDF, from 1

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" {self.key}:" if self.key else ""
        message = f"warning: {self.message}" if self.severity == "warning" else self.message
        if self.page is not None:
            message = f"page {self.page}: {message}"
        text = f"{where}:{key} {message}" if where else message
        return f"{text} ({self.hint})" if self.hint else text

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "key": self.key,
            "page": self.page,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }


def on_page(page: int | None, message: str, hint: str = "", severity: Severity = "error") -> Problem:
    """A problem found in a PDF (no file or line: the command that made or read it names the PDF)."""
    return Problem("", None, "", message, hint, severity, page)


def as_problem(found: Problem | str) -> Problem:
    """A finding as a Problem; a text of the form 'page N: message' keeps its page."""
    if isinstance(found, Problem):
        return found
    head, _, rest = found.partition(": ")
    number = head.removeprefix("page ")
    if head.startswith("page ") and number.isdigit() and rest:
        return on_page(int(number), rest)
    return on_page(None, found)


class CareprintError(Exception):
    """A failure the user can fix; never shown as a traceback."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(file="", line=None, key="", message=problems)]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ContentError(CareprintError):
    """The handouts, sources, glossary or clinic settings are wrong."""


class GateStopped(CareprintError):
    """A gate found the content, settings, stylesheets or templates breaking a rule: nothing was rendered or
    written (careprint.pipeline.gate)."""

    def tally(self, strict: bool = False) -> str:
        return tally(self.problems, strict)


def tally(problems: list[Problem], strict: bool = False) -> str:
    """'1 error, 2 warnings': how many of each."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    text = f"{plural(errors, 'error', 'errors')}, {plural(warnings, 'warning', 'warnings')}"
    return text + (" (warnings count as errors with --strict)" if strict and warnings else "")


class UsageError(CareprintError):
    """The command line is wrong."""

    exit_code = 2
