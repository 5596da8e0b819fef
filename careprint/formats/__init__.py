"""Output formats: what an edition is made as (PDF, the web edition's HTML, braille-ready files).

Why this seam exists: the build around a format (plan, workers, manifest, atomic writes) is the same whatever it
makes, so a format says only what is its own: its file extension, which project files its output depends on (for
incremental builds), how it makes one handout in one edition and language and checks what it made, and which of
its measured facts the manifest records and the build's report shows, and which libraries draw it. An edition
names its format (careprint.project.Edition.format).

Adding a format: its module here, its templates or tables, and one line in _registry(). This package imports nothing
heavy: plan.py asks it for extensions and inputs without loading WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..problems import Problem


@dataclass
class Made:
    """One handout in one edition, made and checked: its bytes are written only if it has no problems."""

    data: bytes
    problems: list[Problem] = field(default_factory=list)
    facts: Any = None  # what the format measured (for a PDF: careprint.readback.PdfFacts)
    resources: dict[str, str] = field(default_factory=dict)  # project files it drew on -> sha256
    skipped: str = ""  # why this output is not made at all (not a failure: a language with no braille table)


class Maker(Protocol):
    """A format's working state in one process (fonts, templates), reused for every handout it makes there."""

    def make(self, item, edition) -> Made: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Format:
    """A format's own facts. Everything but `maker` stays cheap: planning a build must not load WeasyPrint."""

    name: str
    extension: str  # with its dot: ".pdf"
    inputs: Callable[[Any, Any, str], list[Path]]  # (project, edition, paper) -> files all its outputs draw on
    maker: Callable[[Any, str], Maker]  # (library, paper) -> the working state for making its outputs
    facts: tuple[str, ...]  # the measured facts (numbers) the manifest records for each output
    summary: Callable[[Any], str]  # measured facts -> the words after "ok  path" in a build's report
    libraries: tuple[str, ...] = ()  # the packages that draw its outputs: a new version makes every output again

    def manifest_facts(self, facts) -> dict:
        return {name: getattr(facts, name) for name in self.facts}


def _registry() -> dict[str, Format]:
    from . import brf, html, pdf

    return {"pdf": pdf.PDF, "html": html.HTML, "brf": brf.BRF}


def format_named(name: str) -> Format:
    """The format an edition names; the one registry of formats is _registry()."""
    return _registry()[name]


def all_formats() -> list[Format]:
    return list(_registry().values())
