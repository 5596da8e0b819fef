"""Read a finished PDF back once, for every check that looks at the PDF itself.

Why this module exists: a build must judge the file a patient will be handed, not the HTML that made it, and
reading a PDF costs as much as a good part of rendering it. So one read opens the bytes with pikepdf (objects,
tags, fonts, metadata) and with PDFium (text runs with their sizes and places, and how each thing drawn is
marked), measures the facts the checks and the build summary share, and hands the lot to the PDF-stage checks
(careprint.checks). No check opens the PDF again.

Text is compared the way a reader compares it (`as_read`): see IGNORED_IN_COMPARISON.
"""

from __future__ import annotations

import contextlib
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

import pikepdf

from .tagtree import Structure, walk_structure
from .textlayer import PageLayer, read_pages


@dataclass
class PdfFacts:
    """Measured facts of one PDF, shown in the build summary and used by the checks."""

    pages: int = 0
    smallest_glyph_pt: float = 0.0
    smallest_glyph_page: int = 0
    fonts: list[str] = field(default_factory=list)
    title: str = ""
    language: str = ""
    text: str = ""  # the tagged text layer (page furniture excluded), whitespace folded
    page_texts: list[str] = field(default_factory=list)  # the same, page by page


def font_base(name: str) -> str:
    """'ABCDEF+Atkinson-Hyperlegible' -> 'Atkinson-Hyperlegible'."""
    return name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name


def fold(text: str) -> str:
    return " ".join(text.split())


# Left out on both sides when text is compared, as a reader skips them: white space (a line may break after a slash
# or inside a long address, where the source has no space), and every kind of hyphen and dash, because a line may
# break at "follow-|up" (PDFium then reports the hyphen as U+0002), a soft hyphen shows only at a line end, and an
# author may type U+2010 or U+2011 where the PDF has "-". Ligatures and other compatibility forms are folded (NFKC).
# Invisible formatting characters (Unicode category Cf: zero-width space, joiners, direction marks) are left out.
IGNORED_IN_COMPARISON = re.compile(r"[\s\x02\-\u00ad\u2010-\u2015\u2212]+")
NON_ASCII = re.compile(r"[^\x00-\x7f]")


def as_read(text: str) -> str:
    """Text as a reader compares it: see IGNORED_IN_COMPARISON."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        invisible = {ord(ch): None for ch in set(NON_ASCII.findall(text)) if unicodedata.category(ch) == "Cf"}
        if invisible:
            text = text.translate(invisible)
    return IGNORED_IN_COMPARISON.sub("", text)


@dataclass
class ReadPdf:
    """One PDF, opened once: its objects (pikepdf), its pages as drawn (PDFium) and the facts measured from both."""

    data: bytes
    pdf: pikepdf.Pdf
    layers: list[PageLayer]
    facts: PdfFacts

    @cached_property
    def page_numbers(self) -> dict[tuple[int, int], int]:
        return {page.objgen: number for number, page in enumerate(self.pdf.pages, start=1)}

    @cached_property
    def structure(self) -> Structure | None:
        """The tag tree's headings, figures and reachable content; None for an untagged PDF."""
        if "/StructTreeRoot" not in self.pdf.Root:
            return None
        return walk_structure(self.pdf, self.page_numbers)


def _measure(pdf: pikepdf.Pdf, layers: list[PageLayer]) -> PdfFacts:
    facts = PdfFacts(pages=len(pdf.pages), language=str(pdf.Root.get("/Lang", "")))
    facts.title = str(pdf.open_metadata().get("dc:title", "") or pdf.docinfo.get("/Title", ""))
    smallest = None
    for page in layers:
        for run in page.runs:
            if run.text.strip() and (smallest is None or run.size_pt < smallest):
                smallest, facts.smallest_glyph_page = run.size_pt, page.number
        # Only tagged content: page furniture is marked as an artifact and is not part of the text.
        facts.page_texts.append(fold(" ".join(run.text for run in page.runs if run.tag != "Artifact")))
    facts.smallest_glyph_pt = smallest or 0.0
    facts.text = fold(" ".join(facts.page_texts))
    facts.fonts = sorted({font_base(str(font.get("/BaseFont", "/unnamed")).removeprefix("/"))
                          for page in pdf.pages for font in page.obj.get("/Resources", {}).get("/Font", {}).values()})
    return facts


@contextlib.contextmanager
def read_pdf(data: bytes) -> Iterator[ReadPdf]:
    """Open a PDF's bytes once for every check; raises pikepdf.PdfError (or a PDFium error) for a damaged file."""
    layers = read_pages(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        yield ReadPdf(data, pdf, layers, _measure(pdf, layers))
