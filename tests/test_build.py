"""Every handout builds in every edition, and each PDF is what a clinic can hand to a patient.

The handouts are the fixture project's (tests/fixtures/project), frozen copies of those careprint shipped.
"""

from __future__ import annotations

import io

import pdfplumber
import pikepdf
import pytest

from careprint.project import EDITIONS

from .conftest import EDITION_NAMES, HANDOUT_IDS, pdf_bytes

CASES = [(edition, handout) for edition in EDITION_NAMES for handout in HANDOUT_IDS]


def chars(data: bytes) -> list[tuple[int, dict, float, float]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [(n, c, p.width, p.height) for n, p in enumerate(pdf.pages, 1) for c in p.chars if c["text"].strip()]


def text_of(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages)


def test_manifest_lists_all_six_pdfs_and_the_braille_files(built, manifest):
    listed = {(e["edition"], e["handout"]) for e in manifest["pdfs"]}
    assert listed == set(CASES) | {("braille", handout) for handout in HANDOUT_IDS}  # (tests/test_braille.py)
    for entry in manifest["pdfs"]:
        assert (built / entry["path"]).is_file()
        assert entry["pages"] >= 1 and entry["language"] == "en" and entry["version"][0].isdigit()
        assert len(entry["sha256"]) == 64


@pytest.mark.parametrize("edition,handout", CASES)
def test_smallest_glyph_meets_the_edition_minimum(built, edition, handout):
    sizes = [c["size"] for _, c, _, _ in chars(pdf_bytes(built, edition, handout))]
    assert sizes, "the PDF has no text"
    assert min(sizes) >= EDITIONS[edition].min_glyph_pt - 0.01


@pytest.mark.parametrize("edition,handout", CASES)
def test_no_character_lies_outside_the_page(built, edition, handout):
    for page, c, width, height in chars(pdf_bytes(built, edition, handout)):
        assert c["x0"] >= 0 and c["x1"] <= width and c["top"] >= 0 and c["bottom"] <= height, (page, c["text"])


@pytest.mark.parametrize("edition,handout", CASES)
def test_body_text_uses_the_edition_size(built, edition, handout):
    sizes = [round(c["size"], 1) for _, c, _, _ in chars(pdf_bytes(built, edition, handout))]
    most_common = max(set(sizes), key=sizes.count)
    assert most_common == EDITIONS[edition].body_pt


@pytest.mark.parametrize("edition,handout", CASES)
def test_every_font_is_embedded_atkinson_hyperlegible(built, edition, handout):
    with pikepdf.open(io.BytesIO(pdf_bytes(built, edition, handout))) as pdf:
        fonts = {}
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                fonts[str(font.BaseFont).split("+")[-1]] = font
        assert set(fonts) == {"Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold"}
        for font in fonts.values():
            descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor or "/FontFile" in descriptor


@pytest.mark.parametrize("edition,handout", CASES)
def test_pdf_has_title_language_tags_and_bookmarks(built, edition, handout):
    with pikepdf.open(io.BytesIO(pdf_bytes(built, edition, handout))) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert pdf.open_metadata()["dc:title"]
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert bool(pdf.Root.MarkInfo.Marked)
        assert "/StructTreeRoot" in pdf.Root
        with pdf.open_outline() as outline:
            top = [item.title for item in outline.root]
            nested = [child.title for item in outline.root for child in item.children]
        title = str(pdf.open_metadata()["dc:title"])
    assert top == [title]  # one top bookmark: the handout's H1
    # then what to do in an emergency (page 1), the key messages and every section
    assert nested[:2] == ["Emergency: get help now", "The most important things to know"] and len(nested) >= 5


@pytest.mark.parametrize("edition,handout", CASES)
def test_footer_is_an_artifact_not_orphaned_content(built, edition, handout):
    data = pdf_bytes(built, edition, handout)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            footer = [c for c in page.chars if c.get("tag") == "Artifact" and c["text"].strip()]
            footer_text = "".join(c["text"] for c in footer)
            assert f"Page{number}of{len(pdf.pages)}" in footer_text.replace(" ", "")
            assert all(c.get("tag") in ("Span", "Artifact") for c in page.chars)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "BDC" and "/MCID" in operands[1]:
                    assert str(operands[0]) != "/Artifact"


@pytest.mark.parametrize("edition,handout", CASES)
def test_draft_status_is_printed_on_every_page(built, edition, handout):
    with pdfplumber.open(io.BytesIO(pdf_bytes(built, edition, handout))) as pdf:
        assert "Draft, not yet approved for patient use." in " ".join((pdf.pages[0].extract_text() or "").split())
        for page in pdf.pages:  # the footer says it in few words, so that it stays within two lines
            assert ": draft, not approved" in " ".join((page.extract_text() or "").split())


# The sources' signs, in the plain words the handouts use for them.
HYPERCALCEMIA_SIGNS = ("nausea", "eating", "thirsty", "confusion", "tired", "peeing", "constipation", "drowsy",
                       "seizure", "heartbeat")
SPINAL_CORD_SIGNS = ("numb", "tingling", "walking", "pee", "poop", "back or neck", "band of pain", "weak")
BONE_SYMPTOMS = ("Bone pain", "broken", "pressing on the spinal cord", "high calcium")


@pytest.mark.parametrize("edition", EDITION_NAMES)
@pytest.mark.parametrize("handout,words", [
    ("hypercalcemia", HYPERCALCEMIA_SIGNS),
    ("spinal-cord-compression", SPINAL_CORD_SIGNS),
    ("bone-metastases", BONE_SYMPTOMS + HYPERCALCEMIA_SIGNS[:1]),
])
def test_each_warning_sign_from_the_source_is_in_the_handout(built, edition, handout, words):
    text = text_of(pdf_bytes(built, edition, handout)).lower()
    missing = [word for word in words if word.lower() not in text]
    assert not missing


@pytest.mark.parametrize("edition", EDITION_NAMES)
def test_emergency_action_is_printed_with_its_label(built, edition):
    text = text_of(pdf_bytes(built, edition, "spinal-cord-compression"))
    assert "Emergency: get help now" in text
    assert "go to the nearest emergency department or call 911" in text


@pytest.mark.parametrize("edition", EDITION_NAMES)
def test_unset_phone_numbers_print_a_write_in_line_never_a_number(built, edition):
    text = text_of(pdf_bytes(built, edition, "hypercalcemia"))
    assert "Daytime: Phone:" in text
    digits_runs = [w for w in text.replace("(", " ").split() if sum(ch.isdigit() for ch in w) >= 7]
    assert digits_runs == []


def test_a4_paper_on_request(tmp_path):
    from careprint.cli import main

    assert main(["--out", str(tmp_path), "--paper", "a4", "--handout", "hypercalcemia",
                 "--edition", "large-print"]) == 0
    with pikepdf.open(tmp_path / "large-print" / "hypercalcemia.pdf") as pdf:
        width, height = [float(v) for v in pdf.pages[0].MediaBox[2:]]
    assert (round(width), round(height)) == (595, 842)


def test_letter_paper_by_default(built):
    with pikepdf.open(built / "plain-language" / "hypercalcemia.pdf") as pdf:
        width, height = [float(v) for v in pdf.pages[0].MediaBox[2:]]
    assert (round(width), round(height)) == (612, 792)


def test_a_careprint_bug_in_a_worker_keeps_its_traceback_with_careprint_debug(tmp_path, monkeypatch, capsys):
    from careprint.cli import main
    from careprint.formats.pdf import PdfMaker

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug planted by the test")

    monkeypatch.setattr(PdfMaker, "make", broken)  # inherited by the forked workers
    monkeypatch.setenv("CAREPRINT_DEBUG", "1")
    assert main(["--out", str(tmp_path), "--handout", "hypercalcemia", "--jobs", "2", "--force"]) == 1
    err = capsys.readouterr().err
    assert "careprint bug: it could not make this file (ZeroDivisionError: a bug planted by the test)" in err
    assert "Traceback (most recent call last)" in err and "in broken" in err
    monkeypatch.delenv("CAREPRINT_DEBUG")
    assert main(["--out", str(tmp_path), "--handout", "hypercalcemia", "--jobs", "2", "--force"]) == 1
    err = capsys.readouterr().err
    assert "careprint bug" in err and "Traceback" not in err
