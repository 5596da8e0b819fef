"""The quick-reference card: one page for the fridge door with a handout's urgent warning signs alone.

The card prints the emergency and call-today levels of the handout's triage block(s), each with its action and the
clinic's numbers, in large print (nothing under 18 pt): templates/card.html.j2 over styles/card.css. It is built on
request (`make_pdfs.py card ID...`), not by the default build: a handout whose urgent signs do not fit on one page
at 18 pt gets no card, and says why, rather than a card in smaller print. A card is an edition like the others
(project.CARD), so it goes through the same build, verification and manifest; this module only picks the handouts.
"""


from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .build import Outcome, build
from .library import Library
from .problems import UsageError
from .project import CARD


def build_cards(
    library: Library,
    out_dir: Path,
    handout_ids: list[str],
    paper: str = "letter",
    echo: Callable[[Outcome], None] = lambda outcome: None,
    warn: Callable[[str], None] = lambda message: None,
    checked: bool = False,
) -> list[Outcome]:
    """Render, verify and write one card per handout; a card that fails a check is not written."""
    without = [handout_id for handout_id in handout_ids if not library.by_id[handout_id].handout.urgent_signs()]
    if without:
        raise UsageError(f"{', '.join(without)} has no emergency or call-today warning signs, so there is nothing "
                         f"to put on a card; cards are for handouts with a triage block")
    # Cards are few and made on request: always made afresh, in this process.
    return build(library, out_dir, [CARD.name], handout_ids, paper, echo, force=True, warn=warn,
                 checked=checked).outcomes
