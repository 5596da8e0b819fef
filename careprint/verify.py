"""Check the PDF itself before it replaces anything on disk.

WeasyPrint reports neither too-small text, nor text pushed off the page, nor a silent font fallback, nor a
missing tag tree. A clinic cannot check every PDF by eye, so every build reads back each PDF it made and refuses
to keep one that would fail a reader. The checks that need only the PDF also run on any file (`verify PATH`).
Layout problems that the PDF cannot show (clipped text still extracts) are found in careprint.layout.

Every message says what is wrong, where (page), and what to do about it.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from .files import FileTooLargeError, MiB, NotAFileError, read_file
from .fonts import FONT_FAMILY, FONT_NAMES, character_advice, describe_character, missing_characters
from .problems import plural
from .tagtree import walk_structure
from .textlayer import read_pages

ALLOWED_FONTS = FONT_NAMES  # the faces the stylesheets name (careprint writes their @font-face rules itself)
FONT_LABEL = FONT_FAMILY
HYPHEN_MARKS = ("\u2010", "\u00ad")
EDGE_TOLERANCE_PT = 0.5
MAX_PDF_BYTES = 512 * MiB
# Operators that put something on the page: text, painted paths, images, shadings.
PAINTING = frozenset({"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "BI", "sh"})


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


def _font_base(name: str) -> str:
    """'ABCDEF+Atkinson-Hyperlegible' -> 'Atkinson-Hyperlegible'."""
    return name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name


def fold(text: str) -> str:
    return " ".join(text.split())


def _fallback_characters(layers, allowed: tuple[str, ...]) -> dict[str, list[str]]:
    """For each font other than the allowed ones: the characters set in it that the allowed font cannot print."""
    found: dict[str, dict[str, None]] = {}
    for layer in layers:
        for run in layer.runs:
            name = _font_base(run.font)
            if run.font and name not in allowed:
                found.setdefault(name, {}).update(dict.fromkeys(missing_characters(run.text)))
    return {name: list(chars) for name, chars in found.items() if chars}


def _fallback_problem(name: str, page: int, chars: list[str]) -> str:
    shown = ", ".join(describe_character(ch) for ch in chars[:5]) + (
        f" and {len(chars) - 5} more" if len(chars) > 5 else "")
    one = len(chars) == 1
    return (f"page {page}: {shown} {'is' if one else 'are'} not in the font {FONT_LABEL}, so "
            f"{'it was' if one else 'they were'} printed in {name} instead; {character_advice(chars[0])} (in the "
            f"content, 'check' names the file and line; else look in the templates and clinic settings)")


def _check_fonts(pdf: pikepdf.Pdf, allowed: tuple[str, ...],
                 fallback: dict[str, list[str]] | None = None) -> tuple[list[str], list[str]]:
    """(embedded font names, problems): every font embedded, and only the faces the stylesheet names. A font used
    for characters the allowed font lacks (`fallback`) is reported with those characters."""
    fallback = fallback or {}
    names: dict[str, int] = {}  # font -> first page it is used on
    missing: dict[str, int] = {}
    for number, page in enumerate(pdf.pages, start=1):
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            base = _font_base(str(font.get("/BaseFont", "/unnamed")).removeprefix("/"))
            names.setdefault(base, number)
            descriptor_owner = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descriptor_owner.get("/FontDescriptor", {})
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.setdefault(base, number)
    problems = [
        f"page {page}: the font {name} is not embedded, so each viewer and printer shows the text in a font of "
        f"its own choosing; rebuild the PDF with the font embedded"
        for name, page in sorted(missing.items(), key=lambda item: (item[1], item[0]))
    ]
    problems += [
        _fallback_problem(name, page, fallback[name]) if fallback.get(name) else
        f"page {page}: text is set in {name}, not in {FONT_LABEL}: a font fell back or the stylesheet names "
        f"another font; name only '{FONT_LABEL}' in styles/*.css and keep the font package installed"
        for name, page in sorted(names.items(), key=lambda item: (item[1], item[0])) if name not in allowed
    ]
    return sorted(names), problems


def _check_structure(pdf: pikepdf.Pdf) -> list[str]:
    page_numbers = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    structure = walk_structure(pdf, page_numbers)
    problems = []
    previous = 0
    for level, page in structure.headings:
        if level > previous + 1:
            problems.append(
                f"page {page}: heading level H{level} follows {f'H{previous}' if previous else 'no heading'}; "
                f"headings must not skip levels, or screen-reader users lose their place: use "
                f"H{previous + 1} here")
            break
        previous = level
    if structure.headings:
        bookmarks = _outline_count(pdf)
        if bookmarks < len(structure.headings):
            problems.append(
                f"the PDF has {plural(bookmarks, 'bookmark', 'bookmarks')} for "
                f"{plural(len(structure.headings), 'heading', 'headings')}, so readers cannot jump to every "
                f"section; give every heading a bookmark (WeasyPrint does so for h1-h6)")
    for page in structure.figures_without_alt:
        problems.append(
            f"page {page}: a figure has no alt text, so a screen reader cannot say what it shows; give the "
            f"picture alt text (an inline SVG needs a <title>)")
    problems += _check_marked_content(pdf, structure.reachable)
    return problems


def _check_marked_content(pdf: pikepdf.Pdf, reachable: set[tuple[tuple[int, int], int]]) -> list[str]:
    """Everything drawn is tagged content the tag tree reaches, or an artifact; nothing is orphaned or untagged."""
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        properties = page.obj.get("/Resources", {}).get("/Properties", {})
        in_artifact: list[bool] = []  # one entry per open marked-content sequence
        orphaned = untagged = 0
        for operands, operator in pikepdf.parse_content_stream(page):
            operator = str(operator)
            if operator == "BMC" or operator == "BDC":
                artifact = bool(in_artifact and in_artifact[-1]) or str(operands[0]) == "/Artifact"
                in_artifact.append(artifact)
                if operator == "BDC" and not artifact:
                    props = operands[1]
                    if isinstance(props, pikepdf.Name):
                        props = properties.get(str(props), {})
                    mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                    if mcid is not None and (page.objgen, int(mcid)) not in reachable:
                        orphaned += 1
            elif operator == "EMC":
                if in_artifact:
                    in_artifact.pop()
            elif operator in PAINTING and not in_artifact:
                untagged += 1
        if orphaned:
            problems.append(
                f"page {number}: {plural(orphaned, 'piece', 'pieces')} of tagged content "
                f"{'is' if orphaned == 1 else 'are'} not in the document's tag tree, so screen readers skip or "
                f"misplace {'it' if orphaned == 1 else 'them'}; page furniture (footers, page numbers) must be "
                f"marked as artifacts")
        if untagged:
            problems.append(
                f"page {number}: {plural(untagged, 'drawing or text operation is', 'drawing or text operations are')}"
                f" neither tagged nor marked as an artifact, so screen readers cannot tell content from decoration; "
                f"rebuild the PDF as tagged PDF/UA")
    return problems


def _outline_count(pdf: pikepdf.Pdf) -> int:
    with pdf.open_outline() as outline:
        count = 0
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            count += 1
            stack.extend(item.children)
        return count


def _outside(box: tuple[float, float, float, float], width: float, height: float) -> bool:
    left, bottom, right, top = box
    return (left < -EDGE_TOLERANCE_PT or right > width + EDGE_TOLERANCE_PT
            or bottom < -EDGE_TOLERANCE_PT or top > height + EDGE_TOLERANCE_PT)


def inspect_pdf(pdf_bytes: bytes, allowed_fonts: tuple[str, ...] = ALLOWED_FONTS) -> tuple[PdfFacts, list[str]]:
    """Measure a PDF and list what is wrong with it as a patient handout (minimum size is checked by the caller)."""
    problems: list[str] = []
    facts = PdfFacts()
    layers = read_pages(pdf_bytes)
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        facts.pages = len(pdf.pages)
        facts.fonts, font_problems = _check_fonts(pdf, allowed_fonts, _fallback_characters(layers, allowed_fonts))
        problems += font_problems
        facts.language = str(pdf.Root.get("/Lang", ""))
        if not facts.language:
            problems.append("the PDF has no language (/Lang), so a screen reader may read it with the wrong voice "
                            "and pronunciation; set lang on the <html> element")
        facts.title = str(pdf.open_metadata().get("dc:title", "") or pdf.docinfo.get("/Title", ""))
        if not facts.title:
            problems.append("the PDF has no title, so the viewer's title bar and screen readers show only the file "
                            "name; set the <title> of the page")
        prefs = pdf.Root.get("/ViewerPreferences", {})
        if not bool(prefs.get("/DisplayDocTitle", False)):
            problems.append("the viewer's title bar would show the file name, not the title (DisplayDocTitle is "
                            "off); render the PDF as PDF/UA")
        if "/StructTreeRoot" not in pdf.Root or not bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False)):
            problems.append("the PDF has no tag tree, so screen readers cannot read it in order; render the PDF as "
                            "tagged PDF/UA")
        else:
            problems += _check_structure(pdf)

    smallest = None
    page_texts = []
    for page in layers:
        number = page.number
        outside = 0
        for run in page.runs:
            if not run.text.strip():
                continue
            if smallest is None or run.size_pt < smallest:
                smallest, facts.smallest_glyph_page = run.size_pt, number
            if _outside(run.box, page.width, page.height):
                outside += sum(not char.isspace() for char in run.text)
        for box in page.images:
            if _outside(box, page.width, page.height):
                problems.append(f"page {number}: a picture lies partly outside the page and is cut off; make it "
                                f"smaller or fix its position in the stylesheet")
        if outside:
            problems.append(
                f"page {number}: {plural(outside, 'character lies', 'characters lie')} outside the page and "
                f"cannot be printed; check the stylesheet for fixed widths, negative margins or positioning")
        # Only tagged content: page furniture is marked as an artifact and is not part of the text.
        text = fold(" ".join(run.text for run in page.runs if run.tag != "Artifact"))
        if any(mark in text for mark in HYPHEN_MARKS):
            problems.append(
                f"page {number}: words are split with hyphenation marks, so screen readers and copied text "
                f"get broken words; turn hyphenation off (hyphens: none)")
        page_texts.append(text)
    facts.smallest_glyph_pt = smallest or 0.0
    facts.text = fold(" ".join(page_texts))
    facts.page_texts = page_texts
    return facts, problems


def check_minimum_size(facts: PdfFacts, minimum_pt: float) -> list[str]:
    if facts.smallest_glyph_pt + 0.01 < minimum_pt:
        return [f"page {facts.smallest_glyph_page}: the smallest text is {facts.smallest_glyph_pt:g} pt, below this "
                f"edition's {minimum_pt:g} pt minimum (footers included); make every font size at least "
                f"{minimum_pt:g} pt"]
    return []


# Left out on both sides when text is compared, as a reader skips them: white space (a line may break after a slash
# or inside a long address, where the source has no space), and every kind of hyphen and dash, because a line may
# break at "follow-|up" (PDFium then reports the hyphen as U+0002), a soft hyphen shows only at a line end, and an
# author may type U+2010 or U+2011 where the PDF has "-". Ligatures and other compatibility forms are folded (NFKC).
# Invisible formatting characters (zero-width space, joiners, direction marks) are left out too.
IGNORED_IN_COMPARISON = re.compile(r"[\s\x02\-\u00ad\u2010-\u2015\u2212]+")


def as_read(text: str) -> str:
    """Text as a reader compares it: see IGNORED_IN_COMPARISON."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return IGNORED_IN_COMPARISON.sub("", text)


def check_text_present(facts: PdfFacts, expected: list[str]) -> list[str]:
    """Every sentence of the content must be in the text layer: nothing lost to overflow or clipping."""
    printed = as_read(facts.text)
    missing = [text for text in expected if as_read(text) not in printed]
    return [f"text missing from the PDF (lost to overflow or clipping, or split by a stray mark): \"{text[:60]}\""
            for text in missing[:5]] + (
        [f"and {len(missing) - 5} more missing passages"] if len(missing) > 5 else [])


def verify_file(path: Path, minimum_pt: float) -> tuple[PdfFacts | None, list[str]]:
    """The PDF-only checks on any file, e.g. one sent by email; never raises for a bad file."""
    try:
        data = read_file(path, MAX_PDF_BYTES)  # never opens a FIFO or a device, never reads without end
    except IsADirectoryError:
        return None, ["this is a folder, not a PDF file; name the PDF files to check"]
    except NotAFileError as exc:
        return None, [f"this is {exc.kind}, not a PDF file; name the PDF files to check"]
    except FileTooLargeError:
        return None, [f"this file is larger than {MAX_PDF_BYTES // MiB} MiB, far too large for a handout; check "
                      "that it is the right file"]
    except OSError as exc:
        return None, [f"cannot read the file ({exc.strerror or exc}); check the name and that you may open it"]
    if b"%PDF-" not in data[:1024]:
        return None, ["this is not a PDF file; ask for the handout again as a PDF"]
    try:
        facts, problems = inspect_pdf(data)
    except Exception:  # a damaged PDF: say so, do not crash
        return None, ["this PDF is damaged and cannot be read; ask the sender for a new copy"]
    return facts, problems + check_minimum_size(facts, minimum_pt)
