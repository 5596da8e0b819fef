"""The quick-reference card: one page for the fridge door with a handout's urgent warning signs alone.

The card prints the emergency and call-today levels of the handout's triage block(s), each with its action and the
clinic's numbers, in large print (nothing under 18 pt): templates/card.html.j2 over styles/card.css. It is built on
request (`make_pdfs.py card ID...`), not by the default build: a handout whose urgent signs do not fit on one page
at 18 pt gets no card, and says why, rather than a card in smaller print. Cards land in OUT/card/ and are listed
in OUT/manifest.json like every other PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import __version__
from .build import Outcome
from .library import Library, LoadedHandout
from .model import Handout
from .problems import UsageError
from .project import CARD, PAPER_SIZES
from .render import jinja_environment, render_html, render_pdf
from .verify import check_minimum_size, check_text_present, inspect_pdf
from .write import output_lock, read_manifest, sha256, write_atomic, write_manifest

CARD_LEVELS = ("emergency", "call_today")


def card_texts(handout: Handout) -> list[str]:
    """Every warning sign the card prints: the emergency and call-today signs of each triage block."""
    return [sign for section in handout.sections for block in section.blocks if block.triage
            for level, signs in block.triage.levels() if level in CARD_LEVELS for sign in signs]


def verify_card(pdf: bytes, handout: Handout, messages: list[str], document) -> tuple[object, list[str]]:
    from .layout import check_layout

    facts, problems = inspect_pdf(pdf)
    problems = [f"WeasyPrint: {m}" for m in messages] + check_layout(document) + problems
    problems += check_minimum_size(facts, CARD.min_glyph_pt)
    problems += check_text_present(facts, card_texts(handout))
    if facts.language != handout.language:
        problems.append(f"the PDF's language is '{facts.language}', expected '{handout.language}'")
    if CARD.max_pages and facts.pages > CARD.max_pages:
        problems.append(
            f"the card needs {facts.pages} pages, but a card must fit on one page at {CARD.min_glyph_pt:g} pt: this "
            f"handout has {len(card_texts(handout))} urgent warning signs; a card suits a handout about one set of "
            f"warning signs (shorten the lists, or give the patient the cards of the more specific handouts)")
    return facts, problems


def build_cards(
    library: Library,
    out_dir: Path,
    handout_ids: list[str],
    paper: str = "letter",
    echo: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    """Render, verify and write one card per handout; a card that fails a check is not written."""
    from weasyprint.text.fonts import FontConfiguration

    by_id = {item.handout.id: item for item in library.handouts}
    items: list[LoadedHandout] = [by_id[handout_id] for handout_id in handout_ids]
    without = [item.handout.id for item in items if not card_texts(item.handout)]
    if without:
        raise UsageError(f"{', '.join(without)} has no emergency or call-today warning signs, so there is nothing "
                         f"to put on a card; cards are for handouts with a triage block")
    env = jinja_environment(library.project.templates)
    font_config = FontConfiguration()
    outcomes = []
    with output_lock(out_dir):
        manifest = read_manifest(out_dir)
        for item in items:
            handout = item.handout
            outcome = Outcome(handout.id, CARD.name, f"{CARD.name}/{handout.id}.pdf")
            html = render_html(handout, CARD, library.clinic, library.sources_of(handout), env)
            result = render_pdf(html, library.project, CARD, PAPER_SIZES[paper], font_config)
            outcome.facts, outcome.problems = verify_card(result.pdf, handout, result.messages, result.document)
            if outcome.ok:
                write_atomic(out_dir / outcome.path, result.pdf)
                manifest[outcome.path] = {
                    "path": outcome.path,
                    "handout": handout.id,
                    "edition": CARD.name,
                    "language": handout.language,
                    "version": handout.version,
                    "review_status": handout.review.status,
                    "paper": paper,
                    "pages": outcome.facts.pages,
                    "smallest_glyph_pt": outcome.facts.smallest_glyph_pt,
                    "sha256": sha256(result.pdf),
                }
            outcomes.append(outcome)
            echo(outcome)
        write_manifest(out_dir, manifest, f"careprint {__version__}")
    return outcomes
