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

Right-to-left scripts are left alone on purpose: PDFium and poppler read /ActualText as if it were in drawing
order and reverse it again (measured: Persian came back letter-reversed), while Debian's Noto Naskh Arabic already
maps every Persian glyph right. The "every sentence is in the PDF" check proves both (careprint.verify).
"""

from __future__ import annotations

import re

# Scripts whose shaping reorders glyphs against the text (pre-base vowel signs, reph): Devanagari to Sinhala
# (Gurmukhi is U+0A00-U+0A7F), Myanmar, Khmer.
REORDERING = re.compile("[\u0900-\u0dff\u1000-\u109f\u1780-\u17ff]")


def needs_actual_text(text: str) -> bool:
    return bool(text.strip()) and REORDERING.search(text) is not None


def install() -> None:
    """Wrap WeasyPrint's draw_text once per process (idempotent)."""
    import pydyf
    import weasyprint.draw as draw

    original = draw.draw_text
    if getattr(original, "careprint_actual_text", False):
        return

    def draw_text(stream, textbox, *args, **kwargs):
        if not needs_actual_text(textbox.text):
            return original(stream, textbox, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(textbox.text)}))
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw_text.careprint_actual_text = True
    draw.draw_text = draw_text
