"""Read a PDF's pages as a reader's software meets them: each run of text with its size, place and tag, and how
each thing drawn is marked (tagged content, page furniture, or neither).

Verification reads every PDF of every build, so this must be fast: it walks the page objects with PDFium (a C++
library, through pypdfium2) instead of parsing the PDF in Python, which took longer than rendering the PDF.
"""

from __future__ import annotations

import ctypes
import math
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as raw


@dataclass(frozen=True)
class TextRun:
    text: str
    size_pt: float  # the size the reader sees, after every transformation
    box: tuple[float, float, float, float]  # left, bottom, right, top in points, origin at the bottom left
    tag: str  # the marked-content tag: "Artifact" for page furniture, else the structure role
    font: str = ""  # the font's PostScript name as embedded, e.g. "ABCDEF+Atkinson-Hyperlegible"


@dataclass
class PageLayer:
    number: int
    width: float
    height: float
    runs: list[TextRun]
    images: list[tuple[float, float, float, float]]
    # Each thing drawn at the top level of the page: (its marked-content id, or None; whether it is an artifact).
    # Nothing marked at all is (None, False).
    marks: list[tuple[int | None, bool]] = field(default_factory=list)


def _mark_name(mark) -> str:
    length = ctypes.c_ulong()
    raw.FPDFPageObjMark_GetName(mark, None, 0, ctypes.byref(length))
    buffer = (ctypes.c_ushort * (length.value // 2 + 1))()
    raw.FPDFPageObjMark_GetName(mark, buffer, length, ctypes.byref(length))
    return bytes(buffer)[: length.value].decode("utf-16-le").rstrip("\0")


def _bounds(obj) -> tuple[float, float, float, float]:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    raw.FPDFPageObj_GetBounds(obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
    return left.value, bottom.value, right.value, top.value


def _mark_names(obj) -> list[str]:
    """The marked-content sequences around one page object, outermost first."""
    return [_mark_name(raw.FPDFPageObj_GetMark(obj, k)) for k in range(raw.FPDFPageObj_CountMarks(obj))]


def _text_run(obj, textpage, marks: list[str]) -> TextRun:
    size = ctypes.c_float()
    raw.FPDFTextObj_GetFontSize(obj, ctypes.byref(size))
    matrix = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
    scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
    length = raw.FPDFTextObj_GetText(obj, textpage, None, 0)
    buffer = (ctypes.c_ushort * max(length, 1))()
    raw.FPDFTextObj_GetText(obj, textpage, buffer, length)
    text = bytes(buffer)[: 2 * length].decode("utf-16-le", errors="replace").rstrip("\0")
    # PDFium reports a hyphen that ends a line as U+0002; the reader sees a hyphen.
    text = text.replace("\x02", "-")
    tag = "Artifact" if "Artifact" in marks else (marks[-1] if marks else "")
    return TextRun(text, round(size.value * scale, 2), _bounds(obj), tag, _font_name(obj))


def _font_name(obj) -> str:
    font = raw.FPDFTextObj_GetFont(obj)
    if not font:
        return ""
    length = raw.FPDFFont_GetBaseFontName(font, None, 0)
    if length <= 0:
        return ""
    buffer = ctypes.create_string_buffer(length)
    raw.FPDFFont_GetBaseFontName(font, buffer, length)
    return buffer.value.decode("latin-1")


def _objects(container, count, get) -> Iterator[tuple[object, bool]]:
    """Page objects, looking inside form XObjects too, each with whether it is at the top level of the page."""
    for index in range(count(container)):
        obj = get(container, index)
        if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_FORM:
            yield obj, True
            yield from ((inner, False) for inner, _ in _objects(obj, raw.FPDFFormObj_CountObjects,
                                                                 raw.FPDFFormObj_GetObject))
        else:
            yield obj, True


def right_to_left(text: str) -> bool:
    """Whether a run holds a letter of a right-to-left script (Arabic, Hebrew...)."""
    return not text.isascii() and any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def reading_order(runs: list[TextRun]) -> list[TextRun]:
    """Top to bottom, then left to right, as a reader sees the page: WeasyPrint draws list bullets after the
    items they mark, so the order of the content stream is not the order of reading. A line with right-to-left
    letters (Farsi) is read from right to left: its runs (a Persian phrase, a phone number or 911 in the Latin font,
    the next phrase) in the order of their right edges; PDFium gives each run's own text in logical order."""
    lines: list[list[TextRun]] = []
    span = (0.0, 0.0)  # the last line's bottom and top
    for run in sorted(runs, key=lambda r: -r.box[3]):
        bottom, top = run.box[1], run.box[3]
        middle = (bottom + top) / 2
        # One line if either's middle lies within the other: a run of a small glyph alone (an apostrophe in a
        # fallback font, drawn high) is a part of the line whose text it sits in, not a line above it.
        if lines and (span[0] <= middle <= span[1] or bottom <= (span[0] + span[1]) / 2 <= top):
            lines[-1].append(run)
            span = (min(span[0], bottom), max(span[1], top))
        else:
            lines.append([run])
            span = (bottom, top)
    ordered = []
    for line in lines:
        if any(right_to_left(run.text) for run in line):
            ordered += sorted(line, key=lambda r: -r.box[2])
        else:
            ordered += sorted(line, key=lambda r: r.box[0])
    return ordered


def read_pages(pdf_bytes: bytes) -> list[PageLayer]:
    document = pdfium.PdfDocument(pdf_bytes)
    pages = []
    try:
        for number, page in enumerate(document, start=1):
            textpage = page.get_textpage()
            runs, images, marks = [], [], []
            for obj, top_level in _objects(page.raw, raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject):
                kind = raw.FPDFPageObj_GetType(obj)
                names = _mark_names(obj) if top_level or kind == raw.FPDF_PAGEOBJ_TEXT else []
                if top_level:  # how what the page draws is marked: tagged content (its id), an artifact, or neither
                    mcid = raw.FPDFPageObj_GetMarkedContentID(obj)
                    marks.append((mcid if mcid >= 0 else None, "Artifact" in names))
                if kind == raw.FPDF_PAGEOBJ_TEXT:
                    runs.append(_text_run(obj, textpage.raw, names))
                elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                    images.append(_bounds(obj))
            width, height = page.get_size()
            pages.append(PageLayer(number, width, height, reading_order(runs), images, marks))
            textpage.close()
            page.close()
    finally:
        document.close()
    return pages
