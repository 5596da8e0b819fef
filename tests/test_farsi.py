"""Farsi, right to left (issue 14): a Farsi handout of the tests' own (tests/fixtures/farsi/: words in brackets and
guillemets, digits, ZWNJ; the test clinic's phone numbers, tests/fixtures/clinic/) passes careprint's full verification in both editions, and its text layer
reads back word for word, in logical order, with PDFium (careprint's readback, and PDFium's own page text, which
Chrome's viewer uses) and with poppler's pdftotext; the footer is mirrored (the page count in the bottom left
corner) and digits and phone numbers stay left to right.

Mirrored characters: PDFium undoes the mirroring of a bracket drawn in a right-to-left line; poppler does not (no
bidi mirroring in its TextOutputDev), so pdftotext reads "(word)" in a Farsi line as ")word(". One ToUnicode map
cannot serve both; careprint maps each glyph to its own character (careprint.actualtext). pdftotext also moves the
space beside a number or an Arabic comma. Its word-for-word test is a strict expected failure that says so."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata

import pypdfium2 as pdfium
import pytest

from careprint.formats.pdf import PdfMaker
from careprint.library import load_library
from careprint.project import ALL_EDITIONS, Project
from careprint.readback import as_read, read_pdf
from careprint.textlayer import read_pages

from .conftest import make_project
from .scripts_project import SCRIPTS, locale_text

FARSI = SCRIPTS.parent / "farsi"
EDITIONS = ("plain-language", "large-print")
PHONES = ("555-0100", "555-0199", "555-0111")  # tests/fixtures/clinic/clinic.yaml


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The Farsi test handout in both editions: edition -> careprint's Made (bytes, problems), and its texts."""
    root = make_project(tmp_path_factory.mktemp("farsi") / "project", handouts=False)
    shutil.copy(FARSI / "farsi-text.yaml", root / "handouts" / "farsi-text.yaml")
    shutil.copy(SCRIPTS.parent / "clinic" / "clinic.yaml", root / "clinic.yaml")
    (root / "translations" / "fa").mkdir(parents=True)
    # The scripts' test locale without its tanwin (فوراً): a known gap of WeasyPrint's, kept in test_scripts.py.
    locale = locale_text("fa").replace("فوراً ", "")
    (root / "translations" / "fa" / "locale.yaml").write_text(locale, encoding="utf-8")
    library = load_library(Project(root=root))
    maker = PdfMaker(library, "letter")
    item = library.by_id["farsi-text"]
    try:
        pdfs = {edition: maker.make(item, ALL_EDITIONS[edition]) for edition in EDITIONS}
    finally:
        maker.close()
    return pdfs, [text for _, _, text in item.handout.texts()]


def words(text: str) -> list[str]:
    """The words a reader gets: split at white space; invisible formatting characters (ZWNJ, and the direction
    marks pdftotext adds) left out, as careprint.readback.as_read does, because no PDF glyph carries a ZWNJ."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").split()


def _in_order(expected: list[str], read: list[str]) -> bool:
    n = len(expected)
    return any(read[i:i + n] == expected for i in range(len(read) - n + 1))


def _pdftotext(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) is missing: ./setup.sh --test installs it")
        pytest.skip("needs pdftotext (poppler-utils)")
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def _pdfium_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def _readback_text(data: bytes) -> str:
    with read_pdf(data) as read:
        return read.facts.text


def test_careprint_readback_holds_every_text(made):
    """careprint's readback joins runs with spaces (a bracket is a run of its own, in the Latin font), so it is
    compared as its "every sentence is in the PDF" check compares: careprint.readback.as_read."""
    pdfs, texts = made
    for edition in EDITIONS:
        read = as_read(_readback_text(pdfs[edition].data))
        assert [text for text in texts if as_read(text) not in read] == []


def _missing(made, reader) -> list[str]:
    pdfs, texts = made
    missing = []
    for edition in EDITIONS:
        read = words(reader(pdfs[edition].data))
        missing += [f"{edition}: {text}" for text in texts if not _in_order(words(text), read)]
    return missing


@pytest.mark.parametrize("edition", EDITIONS)
def test_farsi_passes_full_verification(made, edition):
    assert [str(problem) for problem in made[0][edition].problems] == []


def test_the_fixture_holds_what_it_must():
    text = (FARSI / "farsi-text.yaml").read_text(encoding="utf-8")
    assert all(mark in text for mark in ("(", "[", "«", "\u200c", "24"))


def test_pdfium_reads_every_text_word_for_word(made):
    assert _missing(made, _pdfium_text) == []


def test_pdftotext_reads_every_text_in_order(made):
    """Every letter and digit in logical order, compared as careprint's check compares (as_read: white space and
    invisible marks aside), brackets aside: see the next test."""
    def unbracketed(text):
        return as_read(re.sub(r"[()\[\]«»]", "", text))

    pdfs, texts = made
    for edition in EDITIONS:
        read = unbracketed(_pdftotext(pdfs[edition].data))
        assert [text for text in texts if unbracketed(text) not in read] == []


@pytest.mark.xfail(strict=True, reason="poppler 22 (pdftotext) does not undo the mirroring of a bracket drawn in a "
                                       "right-to-left line ('(word)' reads ')word('; PDFium reads it right), and "
                                       "moves the space beside a number and an Arabic comma ('ظرف  24ساعت', "
                                       "'نشد ،با'): its letters and words are in order (the test above)")
def test_pdftotext_reads_every_text_word_for_word(made):
    assert _missing(made, _pdftotext) == []


def test_the_phone_number_and_digits_read_left_to_right(made):
    for edition in EDITIONS:
        data = made[0][edition].data
        for text in (_pdfium_text(data), _pdftotext(data)):
            assert all(phone in text for phone in PHONES)
            assert all(number in text for number in ("24", "38", "911"))
            assert not any(reverse in text for reverse in ("0100-555", "0111-555", "42 ", "83", "119"))


def test_the_footer_is_mirrored(made):
    """The page count in the bottom left corner, the title on the right, on every page."""
    for edition in EDITIONS:
        for page in read_pages(made[0][edition].data):
            furniture = [run for run in page.runs if run.tag == "Artifact" and run.box[3] < 150]
            count = [run for run in furniture if re.search(r"\d+ از \d+", run.text)]
            title = [run for run in furniture if "متن فارسی" in run.text]
            assert count and title, page.number
            assert max(run.box[2] for run in count) < page.width / 2 < min(run.box[0] for run in title)
