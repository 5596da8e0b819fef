"""Embed the Chinese faces compactly: a Chinese handout PDF of about 100 KB instead of about 400 KB.

WeasyPrint 70 subsets every font with HarfBuzz's "retain glyph ids" flag, so that the glyph ids it has already
written into the page content stay valid, and keeps every glyph slot up to the highest one used. Latin, Vietnamese
and Gurmukhi faces are small, but Noto Sans CJK has 65,535 glyphs and Chinese characters sit near its end: each
face came out with about 63,000 slots, of which some 300 hold a glyph. The empty slots still cost an offset in the
CFF table's CharStrings index, an entry in its FDSelect, and a row in hmtx and vmtx (about 800 KB per face before
compression, 170-185 KB after; measured on large-print hypercalcemia.zh-Hans.pdf).

Noto Sans CJK is a CID-keyed CFF font (Adobe-Identity-0): its charset names each glyph by a CID, and WeasyPrint's
glyph ids are those CIDs (the subset keeps them equal). PDF defines a bare CID-keyed CFF program (FontFile3
/Subtype /CIDFontType0C) as selecting glyphs by CID through that charset, so this pass re-subsets each such face
without retaining glyph ids (HarfBuzz keeps each glyph's CID in the charset) and embeds the bare CFF table. The page
content, the widths (/W), the text layer (/ToUnicode) and the glyph outlines stay exactly as they were: only the
empty slots and the OpenType wrapper go. (Embedding the compact face still wrapped as OpenType does not work:
PDFium and poppler then read the CIDs as glyph indexes and draw the wrong characters, measured.)

It runs on WeasyPrint's finished bytes; a PDF without such a face (every English one) is returned untouched, byte
for byte. The output is deterministic: the same input gives the same bytes. It needs HarfBuzz's subsetting library,
which setup.sh installs and WeasyPrint already uses; without it the PDF is left as WeasyPrint wrote it.
"""

from __future__ import annotations

import io
from functools import cache

import pikepdf

# Only OpenType-wrapped CFF programs can be CID-keyed CFF; WeasyPrint marks them so in the stream's own dictionary,
# which is never inside an object stream: a PDF without this name has nothing to compact.
OPENTYPE = b"/OpenType"
# HarfBuzz subset flags (hb-subset.h): keep unknown tables' bytes, and write charstrings without subroutines (as
# WeasyPrint's own subset does: the input is already desubroutinized, the outlines stay the same).
PASSTHROUGH_UNRECOGNIZED = 0x20
DESUBROUTINIZE = 0x04

_DECLARATIONS = """
typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t; typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t *hb_blob_create (const char *data, unsigned int length, int mode, void *user_data, void *destroy);
void hb_blob_destroy (hb_blob_t *blob);
const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
void hb_face_destroy (hb_face_t *face);
hb_blob_t *hb_face_reference_table (const hb_face_t *face, uint32_t tag);
void hb_set_add (hb_set_t *set, uint32_t codepoint);
hb_subset_input_t *hb_subset_input_create_or_fail (void);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set (hb_subset_input_t *input);
void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned value);
hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
"""
_LIBRARIES = ("libharfbuzz-subset.so.0", "harfbuzz-subset", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll")


@cache
def _harfbuzz():
    """(ffi, the subsetting library) or None when it is not installed. Its own cffi declarations, so WeasyPrint's
    are left alone; hb_blob_* and hb_face_* resolve through the subsetting library's dependency on HarfBuzz."""
    from cffi import FFI

    ffi = FFI()
    ffi.cdef(_DECLARATIONS)
    for name in _LIBRARIES:
        try:
            return ffi, ffi.dlopen(name)
        except OSError:
            continue
    return None


def compact_cff(program: bytes, cids: set[int]) -> bytes | None:
    """The bare CFF table of `program` (an OpenType CFF font) cut down to the glyphs of `cids`, each keeping its
    CID in the charset; None if HarfBuzz is missing or fails, or the font is not CID-keyed, or a CID went missing."""
    loaded = _harfbuzz()
    if loaded is None:
        return None
    ffi, hb = loaded
    blob = hb.hb_blob_create(program, len(program), 1, ffi.NULL, ffi.NULL)  # 1: read-only, `program` outlives it
    face = hb.hb_face_create(blob, 0)
    subset_input = hb.hb_subset_input_create_or_fail()
    subset = table = ffi.NULL
    try:
        if subset_input == ffi.NULL:
            return None
        glyphs = hb.hb_subset_input_glyph_set(subset_input)
        for cid in sorted(cids):
            hb.hb_set_add(glyphs, cid)
        hb.hb_subset_input_set_flags(subset_input, PASSTHROUGH_UNRECOGNIZED | DESUBROUTINIZE)
        subset = hb.hb_subset_or_fail(face, subset_input)
        if subset == ffi.NULL:
            return None
        table = hb.hb_face_reference_table(subset, int.from_bytes(b"CFF ", "big"))
        length = ffi.new("unsigned int *")
        data = hb.hb_blob_get_data(table, length)
        cff = bytes(ffi.buffer(data, length[0])) if length[0] else b""
    finally:
        for pointer, destroy in ((table, hb.hb_blob_destroy), (subset, hb.hb_face_destroy),
                                 (subset_input, hb.hb_subset_input_destroy), (face, hb.hb_face_destroy),
                                 (blob, hb.hb_blob_destroy)):
            if pointer != ffi.NULL:
                destroy(pointer)
    return cff if cff and _keeps_cids(cff, cids) else None


def _keeps_cids(cff: bytes, cids: set[int]) -> bool:
    """True if the CFF is CID-keyed and its charset names every CID the page draws (then each still finds its
    glyph). A name-keyed CFF would be read by glyph index, which the compact subset has changed."""
    from fontTools.cffLib import CFFFontSet

    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(cff), None)
    top = fonts.topDictIndex[0]
    if not hasattr(top, "ROS"):
        return False
    kept = {0 if name == ".notdef" else int(name[3:]) for name in top.charset}
    return cids <= kept


def _used_cids(widths: pikepdf.Array) -> set[int]:
    """The CIDs a CIDFont's /W array gives widths for: WeasyPrint records a width for every glyph it draws."""
    cids, i = {0}, 0
    while i + 1 < len(widths):
        first = int(widths[i])
        if isinstance(widths[i + 1], pikepdf.Array):
            cids.update(range(first, first + len(widths[i + 1])))
            i += 2
        else:
            cids.update(range(first, int(widths[i + 1]) + 1))
            i += 3
    return cids


def compact_cid_fonts(pdf_bytes: bytes) -> bytes:
    """The PDF with every CID-keyed CFF face embedded compactly (see the module's docstring); a PDF with none, or
    whose faces cannot be compacted, is returned as it is."""
    if OPENTYPE not in pdf_bytes:
        return pdf_bytes
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    programs: dict[tuple[int, int], tuple[pikepdf.Stream, set[int]]] = {}
    for obj in pdf.objects:  # in object order: deterministic
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Subtype") != "/CIDFontType0":
            continue
        program = obj.get("/FontDescriptor", {}).get("/FontFile3")
        if program is None or program.get("/Subtype") != "/OpenType" or "/W" not in obj:
            continue
        # Fonts made from one file share its program: the subset keeps the glyphs of all of them.
        _, cids = programs.setdefault(program.objgen, (program, set()))
        cids.update(_used_cids(obj.W))
    changed = False
    for program, cids in programs.values():
        cff = compact_cff(program.read_bytes(), cids)
        if cff is None:
            continue
        program.write(cff)  # qpdf compresses it on save
        program.Subtype = pikepdf.Name.CIDFontType0C
        changed = True
    if not changed:
        return pdf_bytes
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()
