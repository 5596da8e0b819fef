"""A small built-in handout that uses every part of the templates: the page the style gate lays out.

Why this module exists: the style gate (careprint.contrast) measures colour contrast on laid-out pages, with the
same walk that checks every PDF (careprint.layout), instead of reading the CSS a second way. It needs a document
that shows every block type, every page section and every triage level, in every edition, whatever handouts the
project has. It is written here, in code, not read from the handouts/ folder: clinics edit those, and the gate must
neither depend on which handouts exist nor change when one is edited. Its words are placeholders: it is never
printed, only measured.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .blocks import BLOCK_CLASSES, ImageBlock
from .model import Clinic, Handout, Include, SignList, Source, resolve_triage
from .paginate import Splits, level_key

# The logo need not exist: what the gate measures is the text around it (its alt text, laid out in its place, is
# left out). The same picture as the image block's example.
SPECIMEN_PICTURE = ImageBlock.example["file"]


@dataclass(frozen=True)
class Specimen:
    handout: Handout
    clinic: Clinic
    sources: list[Source]
    splits: Splits  # the call-today level is printed in two parts, the second marked "(continued)"

    def render(self, edition, env) -> str:
        """The specimen's HTML in an edition, as a draft, out-of-date translation would print (its notices are
        styled too); in the bilingual edition every text is paired with itself, so each part's style is measured."""
        from .locale import load_locale
        from .render import render_html
        from .translation import TranslationNotes, pair

        handout, locale = self.handout, None
        if edition.bilingual:
            from .translation import BILINGUAL_SKIPPED, bilingual_locale, swap_texts

            table = {text: pair(text, text, handout.language) for _, _, text in handout.texts()}
            handout = swap_texts(handout, table, BILINGUAL_SKIPPED)
            handout._printed_fingerprint = self.handout._printed_fingerprint
            locale = bilingual_locale(load_locale(handout.language))
        english = load_locale(handout.language)
        notes = TranslationNotes(english, english, draft=True, out_of_date=True,
                                 translated_from="Specimen: translated from version 1.", approval="")
        return render_html(handout, edition, self.clinic, self.sources, env, self.splits, translation=notes,
                           locale=locale)



def _sign_list(name: str, level: str, title: str) -> SignList:
    return SignList(id=name, level=level, title=title,
                    why="Specimen sentence: why acting fast matters.", note="Specimen note: what to do besides.",
                    summary=f"Specimen summary of the {title.lower()}",
                    signs=[f"Specimen sign in the {title.lower()}", "Another specimen sign"])


def specimen() -> Specimen:
    """The specimen handout (triage lists resolved), a clinic with a name, a logo, one number, one line to write a
    number on, its own urgent line and a web page, and one source with an address (so the QR code block is printed).

    Every triage level holds a shared list (title, note, why, summary) and a sign of its own; the emergency level
    holds two shared lists, so its groups are printed with their titles."""
    lists = {name: _sign_list(name, level, title) for name, level, title in (
        ("specimen-emergency", "emergency", "Emergency signs"),
        ("specimen-emergency-2", "emergency", "More emergency signs"),
        ("specimen-call-today", "call_today", "Call-today signs"),
        ("specimen-next-visit", "next_visit", "Later signs"))}
    triage = {level: [*(Include(include=name) for name, about in lists.items() if about.level == level),
                      f"A specimen sign of its own ({level})"]
              for level in ("emergency", "call_today", "next_visit")}
    handout = Handout.model_validate({
        "id": "careprint-specimen",
        "title": "Specimen handout",
        "subtitle": "Every part of a handout, once",
        "language": "en",
        "audience": "The style gate",
        "version": "1.0",
        "sources": ["specimen-source"],
        "read_more": "specimen-source",
        "review": {"status": "approved", "approved_by": "Specimen reviewer",
                   "approved_on": datetime.date(2026, 1, 1), "next_review": datetime.date(2027, 1, 1)},
        "key_messages": ["A specimen key message.", "Another specimen key message."],
        "sections": [
            # Every block type, from its own example (careprint.blocks): a new block type is in the specimen too.
            {"heading": "Specimen section", "blocks": [{cls.kind: cls.example} for cls in BLOCK_CLASSES
                                                       if cls.example is not None]},
            {"heading": "Specimen warning signs", "blocks": [{"triage": triage}]},
        ],
    })
    clinic = Clinic.model_validate({
        "name": "Specimen Clinic",
        "logo": {"file": SPECIMEN_PICTURE, "alt": "Specimen logo"},
        "phones": {"day": "604-555-0100", "after_hours": None, "emergency": "604-555-0199"},
        "website": "https://example.org/specimen-clinic",
    })
    sources = [Source(id="specimen-source", title="Specimen source", publisher="Specimen publisher",
                      address="https://example.org/specimen-source")]
    handout = resolve_triage(handout, lists)
    call_today = next(level for level in handout.triage_levels() if level.name == "call_today")
    return Specimen(handout, clinic, sources, {level_key(call_today): [1]})
