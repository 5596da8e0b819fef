"""Braille-ready files (BRF): text to braille through liblouis, laid out on 40-cell, 25-line pages, and read back.

Why this module exists: a braille page is not a printed page. Its words must be translated into a braille code
(Unified English Braille grade 2 for English) before they can be wrapped, because contractions change every word's
length; its lines and pages have fixed sizes an embosser and a refreshable display rely on; and the only way to
know the braille says what the handout says is to translate it back. What a handout's braille file says (its
blocks of text, in the locale's words) is careprint.formats.brf_content's; this module knows nothing of handouts.

liblouis is not on PyPI. careprint runs Debian's `lou_translate` command (liblouis-bin; its tables are
liblouis-data) rather than the python3-louis binding: the binding lives in the system Python's dist-packages,
which careprint's virtualenv (and CI's Python) does not see, and a crash in the C library would end the build
instead of one file. Three runs of the command (forward, page numbers included; the characters a table lacks;
back) make a handout's braille in 60-100 ms on a busy 2-core machine, 10-20 ms more than the binding, nothing
beside the seconds a PDF takes.

The layout follows BANA's Braille Formats (2016), the North American transcription guidance:
40 cells by 25 lines; the braille page number at the right margin of line 25 (the last line, which holds nothing
else here); headings centred with a blank line before them and at least three blank cells at each end; paragraphs
in 3-1 form (first line indented two cells, runover lines at the margin), list items in 1-3 form. Lines end with
CRLF and pages are separated by a form feed, as embossers expect of a .brf file.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field

CELLS = 40  # cells per line
LINES = 25  # lines per page; the last holds the braille page number
TEXT_LINES = LINES - 1
HEADING_MARGIN = 3  # blank cells at each end of a centred heading
EOL, FF = "\r\n", "\f"
BRF_CELLS = set(chr(code) for code in range(0x20, 0x60))  # North American ASCII braille: 64 cells, space first
COMMAND = "lou_translate"
TIMEOUT_S = 120
SET_APART = ("heading", "minor")  # styles with a blank line before them (none at the top of a page)
UNDEFINED = re.compile(r"'\\X[A-J]+'")  # how liblouis shows a character its tables do not define ('\x263a')
INSTALL = "install Debian's liblouis-bin and liblouis-data (./setup.sh does it), then build again"


class BrailleError(Exception):
    """liblouis is missing, or refused the table (`table`): said plainly, about every braille file alike."""

    def __init__(self, message: str, table: bool = False):
        super().__init__(message)
        self.table = table


INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060"))  # soft hyphen, zero-width space, word joiner
CUT = "\x7f"  # ends a line whose braille word goes on at the next line (never written: page_text drops it)


def plain(text: str) -> str:
    """Print as braille spells it: without the invisible marks that only tell a printed line where it may break
    (liblouis would write a soft hyphen as a hyphen)."""
    return text.translate(INVISIBLE)


def _clean(text: str) -> str:
    """One line for lou_translate, which translates its input line by line and reads a backslash as the start of
    an escape ("\\x41"): a backslash stands for itself doubled (in ASCII braille it is a cell, "ou")."""
    return " ".join(plain(text).split()).replace("\\", "\\\\")


def translate(table: str, texts: list[str], backward: bool = False) -> list[str]:
    """Each text in braille (ASCII braille, with a display table first), or back from braille: one call of
    lou_translate for the lot."""
    if not texts:
        return []
    data = "".join(_clean(text) + "\n" for text in texts).encode("utf-8")
    try:
        done = subprocess.run([COMMAND, "--backward" if backward else "--forward", table], input=data,
                              capture_output=True, timeout=TIMEOUT_S, check=False)
    except FileNotFoundError:
        raise BrailleError(f"the {COMMAND} command (liblouis) is not installed; {INSTALL}") from None
    except subprocess.TimeoutExpired:
        raise BrailleError(f"{COMMAND} did not finish within {TIMEOUT_S} s") from None
    except OSError as error:
        raise BrailleError(f"{COMMAND} could not be run ({error.strerror or error}); {INSTALL}") from None
    # A table that cannot be compiled is said on stderr, with exit status 0 and no output (liblouis 3.24).
    message = next((line for line in done.stderr.decode("utf-8", "replace").splitlines()
                    if "could not" in line or "Cannot" in line), "")
    if done.returncode != 0 or message:
        why = message or f"it stopped with exit status {done.returncode}"
        raise BrailleError(f"liblouis cannot translate with the table {table!r} ({why.strip()}); the table names "
                           "must be files in /usr/share/liblouis/tables (liblouis-data)", table=True)
    lines = done.stdout.decode("utf-8", "replace").split("\n")
    if len(lines) < len(texts) or any(lines[len(texts):]):
        raise BrailleError(f"{COMMAND} gave {len(lines)} lines for {len(texts)}; is {table!r} a braille table?")
    return [line.rstrip() for line in lines[: len(texts)]]


def undefined_characters(table: str, characters: set[str]) -> list[str]:
    """The characters the table has no braille for (liblouis writes their code instead)."""
    shown = sorted(c for c in characters if not c.isspace())
    return [c for c, cells in zip(shown, translate(table, shown)) if UNDEFINED.search(cells)]


# ---------------------------------------------------------------------------------------------------------------
# Layout


@dataclass(frozen=True)
class Block:
    """One block of a braille file, in print. `style`: title or heading (centred), minor (a heading in cell 5),
    paragraph (3-1), item (1-3) or line (at the margin, runovers indented). `keep`: on the same page as the first
    line of the block after it. `group`: the warning level it belongs to, whose `repeat` blocks head every page it
    continues on."""

    style: str
    text: str
    keep: bool = False
    group: int | None = None


@dataclass
class Document:
    blocks: list[Block]
    repeat: dict[int, list[Block]] = field(default_factory=dict)  # group -> its header, "(continued)"
    page_ref: tuple[int, int] | None = None  # (block that ends with the page of a group's start, that group)


def _words(cells: str) -> list[str]:
    return cells.split()


def wrap(cells: str, width: int, first: int = 0, runover: int = 0) -> list[str]:
    """Braille wrapped on braille spaces, the first line indented `first` cells and the rest `runover`; a braille
    word is split only when it is longer than a whole line."""
    lines: list[str] = []
    line = " " * first
    for word in _words(cells):
        indent = runover if lines or line.strip() else first
        while len(word) > width - indent:  # longer than any line: the only word ever split
            if line.strip():
                lines.append(line)
            room = width - indent
            lines.append(" " * indent + word[:room] + CUT)
            word, line = word[room:], " " * runover
            indent = runover
        if line.strip() and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = " " * runover
        line = f"{line} {word}" if line.strip() else line + word
    if line.strip():
        lines.append(line)
    return lines or [""]


def _centred(cells: str) -> list[str]:
    return [" " * ((CELLS - len(line)) // 2) + line
            for line in wrap(cells, CELLS - 2 * HEADING_MARGIN)]


def block_lines(style: str, cells: str) -> list[str]:
    if style in ("title", "heading"):
        return _centred(cells)
    first, runover = {"paragraph": (2, 0), "item": (0, 2), "line": (0, 2), "minor": (4, 4)}[style]
    return wrap(cells, CELLS, first, runover)


SHORT = 4  # lines: a block this short is never split between two pages


def _whole(lines: list[str], keep: bool) -> int:
    """How many of a block's lines must be on the page it starts on."""
    return len(lines) if keep or len(lines) <= SHORT else 1


def paginate(document: Document, cells: dict[str, str], ref: str = "") -> tuple[list[list[str]], dict[int, int]]:
    """The text lines of each page (at most TEXT_LINES), and the page each group starts on. `cells` is each text's
    braille; `ref` is the braille added to the end of document.page_ref's block."""
    def lines_of(index: int, block: Block) -> list[str]:
        text = cells[block.text]
        if document.page_ref and index == document.page_ref[0] and ref:
            text = f"{text} {ref}"
        return block_lines(block.style, text)

    laid = [lines_of(i, b) for i, b in enumerate(document.blocks)]
    repeats = {group: [line for b in blocks for line in block_lines(b.style, cells[b.text])]
               for group, blocks in document.repeat.items()}
    pages: list[list[str]] = [[]]
    starts: dict[int, int] = {}
    last_group = None
    for index, block in enumerate(document.blocks):
        gap = 1 if block.style in SET_APART and pages[-1] else 0
        # A block that must stay with what follows moves to the next page with it, if they fit on one, and so does
        # a short block (never a line or two left alone on a page); a longer one runs on over the page break.
        chain, height = index, gap + _whole(laid[index], block.keep)
        while document.blocks[chain].keep and chain + 1 < len(document.blocks):
            chain += 1  # every block it keeps with in full, then the first line of the one after them
            following = document.blocks[chain]
            height += (following.style in SET_APART) + _whole(laid[chain], following.keep)
        if pages[-1] and len(pages[-1]) + height > TEXT_LINES and height <= TEXT_LINES:
            pages.append([])
            gap = 0
        for number, line in enumerate([""] * gap + laid[index]):
            if len(pages[-1]) == TEXT_LINES:
                pages.append([])
            if not pages[-1]:
                if not line:
                    continue  # no blank line at the top of a page
                if block.group is not None and block.group == last_group and block.group in repeats:
                    pages[-1] += repeats[block.group]  # the level's label and action again, "(continued)"
            pages[-1].append(line)
            if block.group is not None and number == gap:
                starts.setdefault(block.group, len(pages))
        last_group = block.group
    return [page for page in pages if page] or [[]], starts


def page_text(pages: list[list[str]], numbers: list[str]) -> bytes:
    """The BRF: each page's text lines, blank lines down to line 25, and its braille page number at the right of
    line 25; CRLF line ends, a form feed between pages."""
    out = []
    for lines, number in zip(pages, numbers):
        body = [line.removesuffix(CUT).rstrip() for line in lines] + [""] * (TEXT_LINES - len(lines))
        out.append("".join(line + EOL for line in body + [number.rjust(CELLS)]))
    return FF.join(out).encode("ascii")


def logical_lines(pages: list[list[str]]) -> list[list[str]]:
    """Each page's lines, a braille word cut at a line's end joined again (on the page where it ends): what
    back-translation reads."""
    joined: list[list[str]] = []
    carried = ""
    for lines in pages:
        joined.append([])
        for line in lines:
            if line.endswith(CUT):
                carried += line[:-1].strip()
            else:
                joined[-1].append(carried + line.strip() if carried else line)
                carried = ""
    return joined


# ---------------------------------------------------------------------------------------------------------------
# Reading a BRF back


@dataclass
class ReadBrf:
    pages: list[list[str]] = field(default_factory=list)  # each page's lines, line ends removed
    problems: list[tuple[int | None, str]] = field(default_factory=list)  # (page, what is wrong)

    @property
    def longest_line(self) -> int:
        return max((len(line) for page in self.pages for line in page), default=0)

    @property
    def longest_page(self) -> int:
        return max((len(page) for page in self.pages), default=0)


def read_brf(data: bytes, numbers: list[str]) -> ReadBrf:
    """Every page's lines, and what breaks the format: a line over CELLS cells or with trailing spaces, a page over
    LINES lines, a line end other than CRLF, a form feed not between pages, a cell that is not ASCII braille, a
    page without its braille page number (`numbers`: page 1's, page 2's, ...) at the right of its last line."""
    read = ReadBrf()
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as error:
        read.problems.append((None, f"byte {error.start} is not ASCII braille"))
        return read
    if not text.endswith(EOL) or text.startswith(FF):
        read.problems.append((None, "the file must end with CRLF, and a form feed comes only between pages"))
    for number, page in enumerate(text.split(FF), start=1):
        if not page.endswith(EOL):
            read.problems.append((number, "the page does not end with CRLF before its form feed"))
        lines = page.removesuffix(EOL).split(EOL)
        read.pages.append(lines)
        if len(lines) > LINES:
            read.problems.append((number, f"{len(lines)} lines (a braille page has {LINES})"))
        for row, line in enumerate(lines, start=1):
            if len(line) > CELLS:
                read.problems.append((number, f"line {row} has {len(line)} cells (at most {CELLS})"))
            if line != line.rstrip(" "):
                read.problems.append((number, f"line {row} ends with spaces"))
            strange = sorted(set(line) - BRF_CELLS)
            if strange:
                read.problems.append((number, f"line {row} holds {strange[0]!r}, which is not a line's cell "
                                              "(a line end must be CRLF, and a form feed is only between pages)"))
        expected = numbers[number - 1] if number <= len(numbers) else None
        if expected is None or lines[-1] != expected.rjust(CELLS):
            read.problems.append((number, "its last line is not its braille page number at the right margin"))
    return read
