"""Check the PDF itself before it replaces anything on disk.

WeasyPrint reports neither too-small text, nor text pushed off the page, nor a silent font fallback, nor a
missing tag tree. A clinic cannot check every PDF by eye, so every build reads back each PDF it made and refuses
to keep one that would fail a reader. The checks that need only the PDF also run on any file (`verify PATH`).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pdfplumber
import pikepdf

ALLOWED_FONTS = ("Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold")
HYPHEN_MARKS = ("\u2010", "\u00ad")
EDGE_TOLERANCE_PT = 0.5


@dataclass
class PdfFacts:
    """Measured facts of one PDF, shown in the build summary and used by the checks."""

    pages: int = 0
    smallest_glyph_pt: float = 0.0
    fonts: list[str] = field(default_factory=list)
    title: str = ""
    language: str = ""
    text: str = ""  # the tagged text layer (page furniture excluded), whitespace folded


def _font_base(name: str) -> str:
    """'ABCDEF+Atkinson-Hyperlegible' -> 'Atkinson-Hyperlegible'."""
    return name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name


def fold(text: str) -> str:
    return " ".join(text.split())


def _embedded_fonts(pdf: pikepdf.Pdf) -> tuple[list[str], list[str]]:
    """(font names, names of fonts not embedded)."""
    names: set[str] = set()
    missing: set[str] = set()
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            base = _font_base(str(font.get("/BaseFont", "/unnamed")).removeprefix("/"))
            names.add(base)
            descriptor_owner = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descriptor_owner.get("/FontDescriptor", {})
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(base)
    return sorted(names), sorted(missing)


def _heading_count(pdf: pikepdf.Pdf) -> tuple[int, list[str]]:
    """Number of H1-H6 structure elements, and problems with their order."""
    levels: list[int] = []
    stack = [pdf.Root.StructTreeRoot]
    seen = set()
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        role = str(node.get("/S", ""))
        if re.fullmatch(r"/H[1-6]", role):
            levels.append(int(role[2]))
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(reversed(list(kids)))
        elif kids is not None:
            stack.append(kids)
    problems = []
    previous = 0
    for level in levels:
        if level > previous + 1:
            problems.append(f"heading level H{level} follows H{previous or 'nothing'}; headings must not skip levels")
            break
        previous = level
    return len(levels), problems


def _outline_count(pdf: pikepdf.Pdf) -> int:
    with pdf.open_outline() as outline:
        count = 0
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            count += 1
            stack.extend(item.children)
        return count


def inspect_pdf(pdf_bytes: bytes) -> tuple[PdfFacts, list[str]]:
    """Measure a PDF and list what is wrong with it as a patient handout (minimum size is checked by the caller)."""
    problems: list[str] = []
    facts = PdfFacts()
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        facts.pages = len(pdf.pages)
        facts.fonts, missing = _embedded_fonts(pdf)
        for name in missing:
            problems.append(f"font {name} is not embedded")
        for name in facts.fonts:
            if name not in ALLOWED_FONTS:
                problems.append(f"text is set in {name}, not in Atkinson Hyperlegible (a font fell back)")
        facts.language = str(pdf.Root.get("/Lang", ""))
        if not facts.language:
            problems.append("the PDF has no language (/Lang)")
        facts.title = str(pdf.open_metadata().get("dc:title", "") or pdf.docinfo.get("/Title", ""))
        if not facts.title:
            problems.append("the PDF has no title")
        prefs = pdf.Root.get("/ViewerPreferences", {})
        if not bool(prefs.get("/DisplayDocTitle", False)):
            problems.append("the viewer's title bar would show the file name, not the title (DisplayDocTitle)")
        if "/StructTreeRoot" not in pdf.Root or not bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False)):
            problems.append("the PDF has no tag tree: screen readers cannot read it in order")
        else:
            headings, order_problems = _heading_count(pdf)
            problems.extend(order_problems)
            if headings and _outline_count(pdf) < headings:
                problems.append(f"the PDF has {_outline_count(pdf)} bookmarks for {headings} headings")

    smallest = None
    page_texts = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            outside = 0
            for char in page.chars:
                if not char["text"].strip():
                    continue
                size = round(float(char["size"]), 2)
                smallest = size if smallest is None else min(smallest, size)
                if (char["x0"] < -EDGE_TOLERANCE_PT or char["x1"] > page.width + EDGE_TOLERANCE_PT
                        or char["top"] < -EDGE_TOLERANCE_PT or char["bottom"] > page.height + EDGE_TOLERANCE_PT):
                    outside += 1
            for image in page.images:
                if (image["x0"] < -EDGE_TOLERANCE_PT or image["x1"] > page.width + EDGE_TOLERANCE_PT
                        or image["top"] < -EDGE_TOLERANCE_PT or image["bottom"] > page.height + EDGE_TOLERANCE_PT):
                    problems.append(f"page {number}: an image lies outside the page")
            if outside:
                problems.append(f"page {number}: {outside} characters lie outside the page")
            # Only tagged content: page furniture is marked as an artifact and is not part of the text.
            content = page.filter(lambda obj: obj.get("object_type") != "char" or obj.get("tag") != "Artifact")
            text = fold(content.extract_text() or "")
            page_texts.append(fold(text))
    facts.smallest_glyph_pt = smallest or 0.0
    facts.text = fold(" ".join(page_texts))
    if any(mark in facts.text for mark in HYPHEN_MARKS):
        problems.append("the text layer contains hyphenation marks; words are split for screen readers")
    return facts, problems


def check_minimum_size(facts: PdfFacts, minimum_pt: float) -> list[str]:
    if facts.smallest_glyph_pt + 0.01 < minimum_pt:
        return [f"the smallest text is {facts.smallest_glyph_pt:g} pt, below this edition's {minimum_pt:g} pt minimum"]
    return []


def check_text_present(facts: PdfFacts, expected: list[str]) -> list[str]:
    """Every sentence of the content must be in the text layer: nothing lost to overflow or clipping."""
    missing = [text for text in expected if fold(text) not in facts.text]
    return [f"text missing from the PDF: \"{text[:60]}\"" for text in missing[:5]] + (
        [f"and {len(missing) - 5} more missing passages"] if len(missing) > 5 else [])
