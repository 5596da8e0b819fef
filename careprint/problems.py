"""What went wrong, said the way an author or a nurse can act on it.

Every user-facing failure is a Problem (file, line, key path, message, hint). Stages collect them and raise one
CareprintError at the end, so a person sees every problem at once and never a traceback.
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

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" {self.key}:" if self.key else ""
        message = f"warning: {self.message}" if self.severity == "warning" else self.message
        text = f"{where}:{key} {message}" if where else message
        return f"{text} ({self.hint})" if self.hint else text

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "key": self.key,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }


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


class UsageError(CareprintError):
    """The command line is wrong."""

    exit_code = 2
