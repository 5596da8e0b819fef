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

Right-to-left scripts are left alone on purpose: PDFium and poppler read /ActualText as if it were in drawing
order and reverse it again (measured: Persian came back letter-reversed), while Debian's Noto Naskh Arabic already
maps every Persian glyph right. The "every sentence is in the PDF" check proves both (careprint.verify).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar

# Scripts whose shaping reorders glyphs against the text (pre-base vowel signs, reph): Devanagari to Sinhala
# (Gurmukhi is U+0A00-U+0A7F), Myanmar, Khmer.
REORDERING = re.compile("[\u0900-\u0dff\u1000-\u109f\u1780-\u17ff]")


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


def install() -> None:
    """Wrap WeasyPrint's draw_text once per process (idempotent)."""
    import pydyf
    import weasyprint.draw as draw

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
