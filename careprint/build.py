"""The pipeline: load -> check -> render -> verify -> write, for every handout in every edition asked for.

This is the one place that strings the stages together. Content problems stop the build before anything is
rendered; a PDF that fails verification is reported and not written, and the other PDFs still build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .library import Library, LoadedHandout
from .project import EDITIONS, PAPER_SIZES, Edition, Project
from .render import jinja_environment, render_html, render_pdf
from .contrast import StyleError, check_styles
from .layout import check_layout
from .verify import PdfFacts, check_minimum_size, check_text_present, inspect_pdf
from .write import output_lock, read_manifest, sha256, write_atomic, write_manifest


@dataclass
class Outcome:
    handout_id: str
    edition: str
    path: str  # relative to the output folder
    problems: list[str] = field(default_factory=list)
    facts: PdfFacts | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def expected_texts(item: LoadedHandout) -> list[str]:
    return [text for _, _, text in item.handout.texts()]


def verify_render(pdf: bytes, item: LoadedHandout, edition: Edition, messages: list[str],
                  document=None) -> tuple[PdfFacts, list[str]]:
    """Every check on one rendered PDF: its laid-out boxes (clipping, overflow) and the PDF itself."""
    facts, problems = inspect_pdf(pdf)
    layout_problems = check_layout(document) if document is not None else []
    problems = [f"WeasyPrint: {m}" for m in messages] + layout_problems + problems
    problems += check_minimum_size(facts, edition.min_glyph_pt)
    problems += check_text_present(facts, expected_texts(item))
    if facts.language != item.handout.language:
        problems.append(f"the PDF's language is '{facts.language}', expected '{item.handout.language}'")
    return facts, problems


def build_one(library: Library, item: LoadedHandout, edition: Edition, paper: str, env, font_config) -> tuple[bytes, Outcome]:
    outcome = Outcome(item.handout.id, edition.name, f"{edition.name}/{item.handout.id}.pdf")
    html = render_html(item.handout, edition, library.clinic, library.sources_of(item.handout), env)
    result = render_pdf(html, library.project, edition, PAPER_SIZES[paper], font_config)
    outcome.facts, outcome.problems = verify_render(result.pdf, item, edition, result.messages, result.document)
    return result.pdf, outcome


def build(
    library: Library,
    out_dir: Path,
    editions: list[str],
    handout_ids: list[str] | None = None,
    paper: str = "letter",
    echo: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    """Render, verify and write the selected PDFs; returns one Outcome per PDF, failures included."""
    from weasyprint.text.fonts import FontConfiguration

    style_problems = check_styles(library.project, editions)  # colour contrast and triage cues, before any render
    if style_problems:
        raise StyleError(style_problems)
    selected = [item for item in library.handouts if not handout_ids or item.handout.id in handout_ids]
    env = jinja_environment(library.project.templates)
    font_config = FontConfiguration()
    outcomes: list[Outcome] = []
    with output_lock(out_dir):
        manifest = read_manifest(out_dir)
        for item in selected:
            for name in editions:
                pdf, outcome = build_one(library, item, EDITIONS[name], paper, env, font_config)
                if outcome.ok:
                    write_atomic(out_dir / outcome.path, pdf)
                    manifest[outcome.path] = {
                        "path": outcome.path,
                        "handout": item.handout.id,
                        "edition": name,
                        "language": item.handout.language,
                        "version": item.handout.version,
                        "review_status": item.handout.review.status,
                        "paper": paper,
                        "pages": outcome.facts.pages,
                        "smallest_glyph_pt": outcome.facts.smallest_glyph_pt,
                        "sha256": sha256(pdf),
                    }
                outcomes.append(outcome)
                echo(outcome)
        write_manifest(out_dir, manifest, f"careprint {__version__}")
    return outcomes
