"""The text layer is the text: /ActualText around each piece of text in a script whose shaping reorders glyphs.

WeasyPrint 70 maps each glyph to text once per font (its ToUnicode map) from the first cluster it meets. In
Gurmukhi (and the other Indic scripts) a vowel sign such as ਿ (sihari) is drawn before the consonant it follows
in the text, and both glyphs share one cluster: the consonant's glyph is then mapped to "ਕਿ", and every later ਕ
reads back as "ਕਿ" (upstream Kozea/WeasyPrint issue #2841). A screen reader and copy and paste get wrong words.

The fix wraps each such text box, as WeasyPrint draws it, in a marked-content span whose /ActualText is the text
box's own logical text: `/Span <</ActualText <FEFF...>>> BDC BT ... ET EMC`, inside WeasyPrint's tagged span. It
is a hook around WeasyPrint's text drawing rather than a pass over the finished PDF because only the layout knows
the logical text of each line; the PDF alone has the corrupted map. It is deterministic (the same text box gives
the same bytes) and leaves every other text untouched, so an English PDF is byte for byte what it was.

The same span says which language a piece of text is in when it is not the document's (`/Lang`): the bilingual
edition's English beside each translated text (a `lang="en"` element), so a screen reader reads each part in its
own language. WeasyPrint 70 writes no /Lang below the document's; careprint.render sets the document's language
for the time of the write (document_language).

Right-to-left scripts get no /ActualText on purpose: PDFium and poppler read /ActualText as if it were in drawing
order and reverse it again (measured: Persian came back letter-reversed), while Debian's Noto Naskh Arabic already
maps every Persian glyph right. The "every sentence is in the PDF" check proves both (careprint.verify).

Mirrored glyphs: in a right-to-left run HarfBuzz draws "(" with the glyph of ")" (Unicode's Bidi_Mirroring_Glyph),
and WeasyPrint maps that glyph to the "(" it came from. One glyph has one map per font, so the same ")" glyph in an
English line on the page then reads back as "(" (measured: "Draft translation )not checked(" in every reader), and
PDFium, which undoes the mirroring when it puts a right-to-left line back in logical order, reads the Farsi
brackets inside out. `map_mirrored_glyphs` maps such a glyph to the character it is the font's glyph for (")"),
as a PDF's ToUnicode map is meant to. Poppler (pdftotext) does not undo mirroring (no bidi mirroring anywhere in
its TextOutputDev), so it reads a bracket inside a Farsi line as its mirror image: the two readers cannot both be
served by one map, and careprint follows the convention (tests/test_farsi.py measures both). Only PDFs that hold
right-to-left letters are touched.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar

# Scripts whose shaping reorders glyphs against the text (pre-base vowel signs, reph): Devanagari to Sinhala
# (Gurmukhi is U+0A00-U+0A7F), Myanmar, Khmer.
REORDERING = re.compile("[\u0900-\u0dff\u1000-\u109f\u1780-\u17ff]")
# Pairs from Unicode's BidiMirroring.txt that a text in the clinic's languages can hold (brackets, Persian and
# French quotation marks, comparison signs).
MIRRORED = dict(pair for a, b in ("()", "[]", "{}", "<>", "«»", "‹›", "⁅⁆", "⁽⁾", "₍₎", "⟨⟩", "≤≥")
                for pair in ((a, b), (b, a)))
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


_DOCUMENT_LANGUAGE: ContextVar[str | None] = ContextVar("careprint_document_language", default=None)


def needs_actual_text(text: str) -> bool:
    return bool(text.strip()) and REORDERING.search(text) is not None


@contextmanager
def document_language(language: str | None):
    """While a document is written: text in another language than this one gets its /Lang."""
    token = _DOCUMENT_LANGUAGE.set(language)
    try:
        yield
    finally:
        _DOCUMENT_LANGUAGE.reset(token)


def _other_language(textbox) -> str | None:
    document = _DOCUMENT_LANGUAGE.get()
    language = textbox.style["lang"] if document else None
    return language if language and language.lower() != document.lower() else None


def map_mirrored_glyphs(fonts) -> None:
    """In a document with right-to-left text, map each glyph WeasyPrint mapped to a mirrored character ("(") to
    its mirror (")") where the font says the glyph is the mirror's (its character map, then single
    substitutions). Deterministic: it depends only on the fonts, not on the order lines were drawn in."""
    fonts = list(fonts)
    if not any(RIGHT_TO_LEFT.search(text) for font in fonts for text in font.to_unicode.values()):
        return
    for font in fonts:
        mirrored = {glyph: text for glyph, text in font.to_unicode.items() if text in MIRRORED}
        if not mirrored:
            continue
        owners = _character_map(font)
        for glyph, text in mirrored.items():
            if owners.get(glyph) == MIRRORED[text]:
                font.to_unicode[glyph] = MIRRORED[text]


def _character_map(font) -> dict[int, int]:
    """Glyph id -> the mirrored character it draws, for the font's own glyph of each character in MIRRORED and
    every glyph a single substitution turns it into (Noto Naskh Arabic draws « and » in Persian with .locl forms).
    WeasyPrint keeps the font's glyph ids. Read once per font file and process."""
    if font.hash in _OWNERS:
        return _OWNERS[font.hash]
    import io

    from fontTools.ttLib import TTFont

    ttfont = TTFont(io.BytesIO(font.file_content), fontNumber=max(font.index, 0), lazy=True)
    try:
        owners = {name: chr(code) for code, name in (ttfont.getBestCmap() or {}).items() if chr(code) in MIRRORED}
        singles = []
        if "GSUB" in ttfont and ttfont["GSUB"].table.LookupList:
            for lookup in ttfont["GSUB"].table.LookupList.Lookup:
                for table in lookup.SubTable:
                    table = getattr(table, "ExtSubTable", table)
                    if getattr(table, "LookupType", 0) == 1:
                        singles.append(table.mapping)
        for _ in range(4):  # substitutions of substitutions, a few deep
            grown = {after: owners[before] for mapping in singles for before, after in mapping.items()
                     if before in owners and after not in owners}
            if not grown:
                break
            owners.update(grown)
        _OWNERS[font.hash] = {ttfont.getGlyphID(name): char for name, char in owners.items()}
    finally:
        ttfont.close()
    return _OWNERS[font.hash]


_OWNERS: dict[str, dict[int, str]] = {}


def install() -> None:
    """Wrap WeasyPrint's draw_text and its font dictionary once per process (idempotent)."""
    import pydyf
    import weasyprint.draw as draw
    import weasyprint.pdf as pdf

    if not getattr(pdf.build_fonts_dictionary, "careprint_mirrors", False):
        original_fonts = pdf.build_fonts_dictionary

        def build_fonts_dictionary(document_pdf, fonts, *args, **kwargs):
            map_mirrored_glyphs(fonts.values())
            return original_fonts(document_pdf, fonts, *args, **kwargs)

        build_fonts_dictionary.careprint_mirrors = True
        pdf.build_fonts_dictionary = build_fonts_dictionary

    original = draw.draw_text
    if getattr(original, "careprint_actual_text", False):
        return

    def draw_text(stream, textbox, *args, **kwargs):
        properties = {}
        if needs_actual_text(textbox.text):
            properties["ActualText"] = pydyf.String(textbox.text)
        language = _other_language(textbox)
        if language:
            properties["Lang"] = pydyf.String(language)
        if not properties:
            return original(stream, textbox, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary(properties))
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_text.careprint_actual_text = True
    draw.draw_text = draw_text
