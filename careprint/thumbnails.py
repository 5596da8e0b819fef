"""Pictures of page 1 of each PDF, for the catalogue page (careprint.catalogue): out/thumbnails/EDITION/ID.png.

Why this module exists: staff recognise a handout by its first page faster than by its file name, and a picture
shows which edition it is. Each picture is drawn by pypdfium2 (already careprint's reader of PDFs) at a fixed
width, and saved as PNG with the same bytes for the same PDF. It records, in a PNG text chunk before the image
data, the sha256 of the PDF it shows (careprint-source): a build redraws only the pictures of PDFs that changed,
and a build with nothing to do reads a few hundred bytes of each to know they are current. Only pictures careprint
drew (they carry that chunk) are ever removed, and only inside the output folder's thumbnails/ folder.
"""

from __future__ import annotations

import io
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from .files import is_regular_file, read_file, real_path
from .write import MAX_OUTPUT_BYTES, TEMPORARY, write_atomic

FOLDER = "thumbnails"
WIDTH_PX = 240  # the picture's width; the page shows it at half that, sharp on a high-density screen
FORM = "1"  # how pictures are drawn: a new form (another width) draws every picture again
SOURCE_KEY = "careprint-source"
SIGNATURE = b"\x89PNG\r\n\x1a\n"
HEAD_BYTES = 4096  # the signature, the header and the text chunk are all in the first bytes of the file


@dataclass(frozen=True)
class Picture:
    path: str  # relative to the output folder
    width: int  # as the page shows it, in CSS pixels
    height: int


def picture_path(path: str) -> str | None:
    """'large-print/hypercalcemia.pdf' -> 'thumbnails/large-print/hypercalcemia.png'; None for a file that is not
    a PDF (it has no page to draw)."""
    stem, _, extension = path.rpartition(".")
    return f"{FOLDER}/{stem}.png" if extension == "pdf" else None


def source(entry: dict) -> str:
    """What a picture of this manifest entry's PDF records: the PDF's hash and the form it was drawn in."""
    return f"{entry['sha256']} form {FORM} width {WIDTH_PX}"


def _head(path: Path) -> bytes:
    """The first bytes of a regular file (never a link, a FIFO or a device), or b""."""
    if not is_regular_file(path, follow_symlinks=False):
        return b""
    try:
        with open(path, "rb", opener=lambda name, flags: os.open(name, flags | os.O_NOFOLLOW | os.O_NONBLOCK)) as f:
            return f.read(HEAD_BYTES)
    except OSError:
        return b""


def _chunks(head: bytes):
    """(type, data) of each whole PNG chunk in `head`, up to the image data."""
    if not head.startswith(SIGNATURE):
        return
    at = len(SIGNATURE)
    while at + 8 <= len(head):
        length, kind = struct.unpack(">I4s", head[at:at + 8])
        if kind == b"IDAT" or at + 12 + length > len(head):
            return
        yield kind, head[at + 8:at + 8 + length]
        at += 12 + length


def source_of(path: Path) -> str | None:
    """The careprint-source a picture records, or None (missing, not a PNG, not one careprint drew)."""
    for kind, data in _chunks(_head(path)):
        if kind == b"tEXt" and data.startswith(SOURCE_KEY.encode() + b"\0"):
            return data[len(SOURCE_KEY) + 1:].decode("latin-1")
    return None


def _size(path: Path) -> tuple[int, int]:
    for kind, data in _chunks(_head(path)):
        if kind == b"IHDR":
            return struct.unpack(">II", data[:8])
    return (0, 0)


def draw(pdf: bytes, recorded: str) -> bytes:
    """Page 1 of the PDF as PNG bytes, WIDTH_PX wide, recording `recorded`; the same PDF gives the same bytes."""
    import pypdfium2
    from PIL.PngImagePlugin import PngInfo

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        try:
            image = page.render(scale=WIDTH_PX / page.get_width()).to_pil()
        finally:
            page.close()
    finally:
        document.close()
    info = PngInfo()
    info.add_text(SOURCE_KEY, recorded)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True, pnginfo=info)
    return buffer.getvalue()


def update(out_dir: Path, entries: dict[str, dict], warn) -> tuple[list[str], dict[str, Picture]]:
    """Draw the picture of every listed PDF whose picture is missing or of another PDF. (paths written, the
    pictures by the path of their PDF.) A picture whose folder leads out of the output folder is not written."""
    written, pictures = [], {}
    inside = real_path(out_dir)
    for path in sorted(entries):
        picture = picture_path(path)
        if picture is None:
            continue
        target = out_dir / picture
        if not real_path(target.parent).is_relative_to(inside):
            warn(f"{target.parent} is a link that leads out of {out_dir}; no picture of {path} was drawn (remove "
                 "the link: careprint writes only inside the output folder)")
            continue
        wanted = source(entries[path])
        if source_of(target) != wanted:
            data = read_file(out_dir / path, MAX_OUTPUT_BYTES, follow_symlinks=False)
            try:
                drawn = draw(data, wanted)
            except RuntimeError as error:  # pypdfium2.PdfiumError: a listed file that is not a PDF careprint made
                warn(f"{out_dir / path} could not be drawn for the catalogue page ({error}); it is listed without "
                     "a picture")
                continue
            write_atomic(target, drawn)
            written.append(picture)
        width, height = _size(target)
        pictures[path] = Picture(picture, width // 2, height // 2)
    return written, pictures


def remove_others(out_dir: Path, keep: set[str]) -> list[str]:
    """Remove the pictures careprint drew of files no longer listed (a withdrawn handout's), and what a stopped
    build left half-written; nothing else. Returns the paths removed."""
    removed = []
    folder = out_dir / FOLDER
    if folder.is_symlink() or not folder.is_dir():
        return removed
    for edition in sorted(folder.iterdir()):
        if edition.is_symlink() or not edition.is_dir():
            continue
        for path in sorted(edition.iterdir()):
            name = f"{FOLDER}/{edition.name}/{path.name}"
            temporary = TEMPORARY.fullmatch(path.name)
            ours = source_of(path) is not None if path.suffix == ".png" else \
                bool(temporary and temporary.group("name").endswith(".png"))
            if name not in keep and ours and is_regular_file(path, follow_symlinks=False):
                path.unlink(missing_ok=True)
                removed.append(name)
        try:
            edition.rmdir()  # only when it is empty
        except OSError:
            pass
    return removed
