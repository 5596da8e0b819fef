"""The checks on the PDF itself, run on every PDF before it replaces anything on disk, and by `verify FILE`.

WeasyPrint reports neither too-small text, nor text pushed off the page, nor a silent font fallback, nor a
missing tag tree. A clinic cannot check every PDF by eye, so every build reads back each PDF it made
(careprint.readback, once) and refuses to keep one that would fail a reader. Each function here is one check of
the "pdf" stage in careprint.checks; those that compare the PDF with its content (every sentence printed, the
language) have nothing to compare on a file that came by email, and say nothing there. Layout problems that the
PDF cannot show (clipped text still extracts) are found in careprint.layout.

Every message says what is wrong, where (page), and what to do about it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium

from .files import FileTooLargeError, MiB, NotAFileError, read_file
from .fonts import character_advice, describe_character, embedded_names, language_families, missing_characters
from .problems import Problem, on_page, plural
from .readback import PdfFacts, as_read, font_base, read_pdf

HYPHEN_MARKS = ("\u2010", "\u00ad")
EDGE_TOLERANCE_PT = 0.5
MAX_PDF_BYTES = 512 * MiB


def pdf_language(subject) -> str:
    """The language the PDF is in: its content's, or for a PDF from elsewhere what its /Lang says."""
    return subject.expected.language if subject.expected is not None else subject.read.facts.language


def allowed_fonts(language: str) -> tuple[str, ...]:
    """The faces a PDF in `language` may use: the regular and bold of each family its locale names (careprint.fonts,
    the locale's `fonts`); any other is a fallback."""
    return tuple(name for family in language_families(language) for name in embedded_names(family))


def _fallback_characters(layers, language: str) -> dict[str, list[str]]:
    """For each font other than the allowed ones: the characters set in it that the allowed fonts cannot print."""
    allowed = allowed_fonts(language)
    found: dict[str, dict[str, None]] = {}
    for layer in layers:
        for run in layer.runs:
            name = font_base(run.font)
            if run.font and name not in allowed:
                found.setdefault(name, {}).update(dict.fromkeys(missing_characters(run.text, language)))
    return {name: list(chars) for name, chars in found.items() if chars}


def _fallback_problem(name: str, page: int, chars: list[str], language: str) -> Problem:
    shown = ", ".join(describe_character(ch) for ch in chars[:5]) + (
        f" and {len(chars) - 5} more" if len(chars) > 5 else "")
    one = len(chars) == 1
    fonts = " or ".join(language_families(language))
    return on_page(page, f"{shown} {'is' if one else 'are'} not in the font {fonts}, so "
                         f"{'it was' if one else 'they were'} printed in {name} instead; "
                         f"{character_advice(chars[0], fonts)} "
                         "(in the content, 'check' names the file and line; else look in the templates and clinic "
                         "settings)")


def fonts(subject) -> Iterator[Problem]:
    """Every font embedded, and only the faces of the families the language's locale names (a Punjabi PDF: Noto
    Sans Gurmukhi and Atkinson Hyperlegible); any other is a fallback, named with its characters."""
    language = pdf_language(subject)
    allowed = allowed_fonts(language)
    families = language_families(language)
    first_use: dict[str, int] = {}  # font -> first page it is used on
    unembedded: dict[str, int] = {}
    for number, page in enumerate(subject.read.pdf.pages, start=1):
        for font in page.obj.get("/Resources", {}).get("/Font", {}).values():
            base = font_base(str(font.get("/BaseFont", "/unnamed")).removeprefix("/"))
            first_use.setdefault(base, number)
            owner = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = owner.get("/FontDescriptor", {})
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                unembedded.setdefault(base, number)
    for name, page in sorted(unembedded.items(), key=lambda item: (item[1], item[0])):
        yield on_page(page, f"the font {name} is not embedded, so each viewer and printer shows the text in a font "
                            "of its own choosing; rebuild the PDF with the font embedded")
    fallback = _fallback_characters(subject.read.layers, language) if set(first_use) - set(allowed) else {}
    for name, page in sorted(first_use.items(), key=lambda item: (item[1], item[0])):
        if name in allowed:
            continue
        if fallback.get(name):
            yield _fallback_problem(name, page, fallback[name], language)
        else:
            quoted = " and ".join(f"'{family}'" for family in families)
            packages = "font package" if len(families) == 1 else "font packages (./setup.sh)"
            yield on_page(page, f"text is set in {name}, not in {' or '.join(families)}: a font fell back or the "
                                f"stylesheet names another font; name only {quoted} in styles/*.css and keep the "
                                f"{packages} installed")


def metadata(subject) -> Iterator[Problem]:
    """A language, a title, and a viewer that shows the title: what a screen reader announces first."""
    pdf, facts = subject.read.pdf, subject.read.facts
    if not facts.language:
        yield on_page(None, "the PDF has no language (/Lang), so a screen reader may read it with the wrong voice "
                            "and pronunciation; set lang on the <html> element")
    if not facts.title:
        yield on_page(None, "the PDF has no title, so the viewer's title bar and screen readers show only the file "
                            "name; set the <title> of the page")
    if not bool(pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        yield on_page(None, "the viewer's title bar would show the file name, not the title (DisplayDocTitle is "
                            "off); render the PDF as PDF/UA")


def tags(subject) -> Iterator[Problem]:
    """A tag tree in reading order: headings that do not skip levels, a bookmark each, figures with alt text, and
    everything drawn either tagged content the tree reaches or an artifact."""
    read = subject.read
    structure = read.structure
    if structure is None or not bool(read.pdf.Root.get("/MarkInfo", {}).get("/Marked", False)):
        yield on_page(None, "the PDF has no tag tree, so screen readers cannot read it in order; render the PDF as "
                            "tagged PDF/UA")
        return
    previous = 0
    for level, page in structure.headings:
        if level > previous + 1:
            yield on_page(page, f"heading level H{level} follows {f'H{previous}' if previous else 'no heading'}; "
                                "headings must not skip levels, or screen-reader users lose their place: use "
                                f"H{previous + 1} here")
            break
        previous = level
    if structure.headings:
        bookmarks = _outline_count(read.pdf)
        if bookmarks < len(structure.headings):
            yield on_page(None, f"the PDF has {plural(bookmarks, 'bookmark', 'bookmarks')} for "
                                f"{plural(len(structure.headings), 'heading', 'headings')}, so readers cannot jump "
                                "to every section; give every heading a bookmark (WeasyPrint does so for h1-h6)")
    for page in structure.figures_without_alt:
        yield on_page(page, "a figure has no alt text, so a screen reader cannot say what it shows; give the "
                            "picture alt text (an inline SVG needs a <title>)")
    yield from _marked_content(read, structure.reachable)


def _marked_content(read, reachable: set[tuple[tuple[int, int], int]]) -> Iterator[Problem]:
    for layer, page in zip(read.layers, read.pdf.pages):
        orphaned = len({mcid for mcid, artifact in layer.marks
                        if mcid is not None and not artifact and (page.objgen, mcid) not in reachable})
        untagged = sum(mcid is None and not artifact for mcid, artifact in layer.marks)
        if orphaned:
            one = orphaned == 1
            yield on_page(layer.number, f"{plural(orphaned, 'piece', 'pieces')} of tagged content "
                                        f"{'is' if one else 'are'} not in the document's tag tree, so screen readers "
                                        f"skip or misplace {'it' if one else 'them'}; page furniture (footers, page "
                                        "numbers) must be marked as artifacts")
        if untagged:
            things = plural(untagged, "drawing or text object is", "drawing or text objects are")
            yield on_page(layer.number, f"{things} neither tagged nor marked as an artifact, so screen readers "
                                        "cannot tell content from decoration; rebuild the PDF as tagged PDF/UA")


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


def on_paper(subject) -> Iterator[Problem]:
    """Nothing lies outside the page, and no word is split by a hyphenation mark."""
    for page, text in zip(subject.read.layers, subject.read.facts.page_texts):
        outside = sum(sum(not char.isspace() for char in run.text) for run in page.runs
                      if run.text.strip() and _outside(run.box, page.width, page.height))
        for box in page.images:
            if _outside(box, page.width, page.height):
                yield on_page(page.number, "a picture lies partly outside the page and is cut off; make it smaller or "
                                           "fix its position in the stylesheet")
        if outside:
            yield on_page(page.number, f"{plural(outside, 'character lies', 'characters lie')} outside the page and "
                                       "cannot be printed; check the stylesheet for fixed widths, negative margins or "
                                       "positioning")
        if any(mark in text for mark in HYPHEN_MARKS):
            yield on_page(page.number, "words are split with hyphenation marks, so screen readers and copied text get "
                                       "broken words; turn hyphenation off (hyphens: none)")


def text_size(subject) -> Iterator[Problem]:
    """Nothing smaller than the edition's minimum, footers included."""
    facts, minimum = subject.read.facts, subject.edition.min_glyph_pt
    if facts.smallest_glyph_pt + 0.01 < minimum:
        yield on_page(facts.smallest_glyph_page, f"the smallest text is {facts.smallest_glyph_pt:g} pt, below this "
                                                 f"edition's {minimum:g} pt minimum (footers included); make every "
                                                 f"font size at least {minimum:g} pt")


def content_present(subject) -> Iterator[Problem]:
    """Every sentence of the content is in the text layer: nothing lost to overflow or clipping."""
    if subject.expected is None:
        return
    printed = as_read(subject.read.facts.text)
    missing = [text for text in subject.expected.texts if as_read(text) not in printed]
    for text in missing[:5]:
        yield on_page(None, f"text missing from the PDF (lost to overflow or clipping, or split by a stray mark): "
                            f"\"{text[:60]}\"")
    if len(missing) > 5:
        yield on_page(None, f"and {len(missing) - 5} more missing passages")


def language(subject) -> Iterator[Problem]:
    """The PDF says it is in the content's language, so a screen reader picks the right voice."""
    if subject.expected is not None and subject.read.facts.language != subject.expected.language:
        yield on_page(None, f"the PDF's language is '{subject.read.facts.language}', expected "
                            f"'{subject.expected.language}'")


def page_limit(subject) -> Iterator[Problem]:
    """An edition with a page limit (the card) fits it."""
    edition, pages = subject.edition, subject.read.facts.pages
    if not edition.max_pages or pages <= edition.max_pages:
        return
    limit = "one page" if edition.max_pages == 1 else f"{edition.max_pages} pages"
    why = ""
    if subject.expected is not None:
        why = (f": this handout has {subject.expected.urgent_signs} urgent warning signs; a {edition.name} suits a "
               f"handout about one set of warning signs (shorten the lists, or give the patient the cards of the "
               f"more specific handouts)")
    yield on_page(None, f"the {edition.name} needs {pages} pages, but a {edition.name} must fit on {limit} at "
                        f"{edition.min_glyph_pt:g} pt{why}")


def _says(runs: list[str], words: str) -> bool:
    """The page furniture says `words`, perhaps wrapped over two lines ("Page 100" above "of 103", with the status
    line's start between them in reading order): its runs that are pieces of the words, read in order, hold them."""
    return words in "".join(run for run in runs if run in words)


def page_numbers(subject) -> Iterator[Problem]:
    """Every page of a document of several pages says which page it is and how many there are ("Page 2 of 5", or
    in a packet "Packet page 7 of 16"; in the content's language), so a reader who drops the pages can put them
    back in order and can tell that one is missing. A PDF from elsewhere may use either form."""
    from .locale import known_language, load_locale

    read = subject.read
    language = known_language(subject.expected.language if subject.expected else read.facts.language)
    total = read.facts.pages
    if total < 2 or language is None:  # a one-page card; a PDF in a language careprint has no words for
        return
    locale = load_locale(language)
    packet = subject.expected is not None and subject.expected.pages is not None
    forms = [] if packet else [locale.words.page_number.format(page="{page}", pages=total)]
    if packet or subject.expected is None:
        forms.append(locale.packet.page_number.format(page="{page}", total=total))
    missing = []
    for layer in read.layers:
        furniture = [as_read(run.text) for run in layer.runs if run.tag == "Artifact" and run.text.strip()]
        if not any(_says(furniture, as_read(form.format(page=layer.number))) for form in forms):
            missing.append(layer.number)
    if missing:
        shown = " ".join(forms[0].format(page=missing[0]).split())
        others = len(missing) - 1
        verb = "does" if others == 1 else "do"
        more = f" (nor {verb} {plural(others, 'other page', 'other pages')})" if others else ""
        yield on_page(missing[0], f"the page does not say \"{shown}\" in its margin{more}, so a reader who drops "
                                  "the pages cannot put them back in order or tell that one is missing; keep the page "
                                  "number in the page margin (styles/base.css, @page)")


def page_count(subject) -> Iterator[Problem]:
    """A document of several parts (a packet) has the pages its parts were laid out with."""
    expected = subject.expected
    if expected is not None and expected.pages is not None and subject.read.facts.pages != expected.pages:
        yield on_page(None, f"the PDF has {subject.read.facts.pages} pages, expected {expected.pages}")


def blank_pages(subject) -> Iterator[Problem]:
    """A page left blank on purpose (a packet's back page) says so in words, and no other page is empty."""
    expected = subject.expected
    if expected is None or expected.pages is None:  # only a document of several parts has pages left blank
        return
    for number, text in enumerate(subject.read.facts.page_texts, start=1):  # tagged text: no page furniture
        if number in expected.blank_pages and expected.blank_note not in text:
            yield on_page(number, "this is a blank back page that does not say so in words")
        elif not text:
            yield on_page(number, "this page is empty and does not say why")


def verify_file(path: Path, edition) -> tuple[PdfFacts | None, list[Problem]]:
    """Every PDF-stage check on any file, e.g. one sent by email; never raises for a bad file."""
    from .checks import PdfSubject, run_checks

    try:
        data = read_file(path, MAX_PDF_BYTES)  # never opens a FIFO or a device, never reads without end
    except IsADirectoryError:
        return None, [on_page(None, "this is a folder, not a PDF file; name the PDF files to check")]
    except NotAFileError as exc:
        return None, [on_page(None, f"this is {exc.kind}, not a PDF file; name the PDF files to check")]
    except FileTooLargeError:
        return None, [on_page(None, f"this file is larger than {MAX_PDF_BYTES // MiB} MiB, far too large for a "
                                    "handout; check that it is the right file")]
    except OSError as exc:
        return None, [on_page(None, f"cannot read the file ({exc.strerror or exc}); check the name and that you may "
                                    "open it")]
    if b"%PDF-" not in data[:1024]:
        return None, [on_page(None, "this is not a PDF file; ask for the handout again as a PDF")]
    damaged = [on_page(None, "this PDF is damaged and cannot be read; ask the sender for a new copy")]
    with contextlib.ExitStack() as stack:
        try:
            read = stack.enter_context(read_pdf(data))
        except Exception:  # pikepdf and PDFium raise many kinds for a damaged file: say so, do not crash
            return None, damaged
        try:
            return read.facts, run_checks("pdf", PdfSubject(read, edition))
        except (pikepdf.PdfError, pdfium.PdfiumError, KeyError, AttributeError, TypeError, ValueError):
            return None, damaged  # an object deep in the file that only a check reads is broken
