"""Where a project's files live, and the editions it builds.

One place names the folders and the numbers that define each edition, so every stage (render, verify, tests)
agrees on them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Edition:
    name: str
    min_glyph_pt: float  # nothing on the page, footer included, may be smaller
    body_pt: float
    template: str = "handout.html.j2"
    max_pages: int | None = None  # verification fails a PDF with more pages
    triage_only: bool = False  # prints only the handout's urgent warning signs, so only handouts that have them
    format: str = "pdf"  # what it is made as: a name in careprint.formats

    @property
    def extension(self) -> str:
        from .formats import format_named

        return format_named(self.format).extension


EDITIONS = {
    "plain-language": Edition("plain-language", min_glyph_pt=12.0, body_pt=14.0),
    "large-print": Edition("large-print", min_glyph_pt=18.0, body_pt=18.0),
}

# The quick-reference card for the fridge door: one page, the emergency and call-today signs alone, large print.
# Not one of EDITIONS (the default build): built on request with `make_pdfs.py card` (careprint.pipeline.cards).
CARD = Edition("card", min_glyph_pt=18.0, body_pt=18.0, template="card.html.j2", max_pages=1, triage_only=True)
# Every edition by name, the card included: what build() can make when asked.
ALL_EDITIONS = {**EDITIONS, CARD.name: CARD}

PAPER_SIZES = {"letter": "letter", "a4": "A4"}


@dataclass(frozen=True)
class Project:
    """The folders a build reads. Only files under `root` (and the font package) are ever read by a render."""

    root: Path = ROOT
    handouts_dir: Path | None = None
    clinic_file: Path | None = None

    @property
    def handouts(self) -> Path:
        return self.handouts_dir or self.root / "handouts"

    @property
    def clinic(self) -> Path:
        return self.clinic_file or self.root / "clinic.yaml"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def styles(self) -> Path:
        return self.root / "styles"

    @property
    def sources(self) -> Path:
        return self.root / "reference" / "sources.yaml"

    @property
    def warning_signs(self) -> Path:
        """Warning-sign lists shared by several handouts (`- include: ID` in a triage block)."""
        return self.root / "reference" / "warning-signs.yaml"

    @property
    def glossary(self) -> Path:
        return self.root / "reference" / "glossary.yaml"

    def shown(self, path: Path) -> str:
        """A path as the user should see it: relative to where they ran the command, else to the project."""
        resolved = Path(os.path.realpath(path))  # Path.resolve raises on a symbolic link loop (Python 3.11)
        for base in (Path(os.path.realpath(Path.cwd())), Path(os.path.realpath(self.root))):
            if resolved.is_relative_to(base):
                return str(resolved.relative_to(base))
        return str(path)
