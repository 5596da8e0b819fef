"""The "pdf" stage (careprint.verify, on a PDF read back once by careprint.readback) and `verify FILE`. Each check
fails on a deliberately broken input with a plain message; every handout of the fixture project (copies of the
shipped ones, tests/fixtures/project) in every edition passes all of them, and an independent checker (pdfua)
agrees. The layout stage is tested in test_layout.py, the style gate in test_contrast.py.

Broken inputs are hand-written HTML and CSS rendered through careprint's own render path (render_pdf, with the
shipped stylesheets plus one broken rule), or a shipped PDF changed with pikepdf.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pikepdf
import pytest

from careprint import layout as layout_module
from careprint.cli import main
from careprint.library import load_library
from careprint.pipeline import build
from careprint.project import EDITIONS, PRINTED, Project
from careprint.verify import verify_file

from .conftest import EDITION_NAMES, HANDOUT_IDS, good_pdf, mutate, pdf_problems

FIXTURES = Path(__file__).parent / "fixtures" / "verify"
CASES = [(edition, handout) for edition in EDITION_NAMES for handout in HANDOUT_IDS]
FONTS = "fonts Atkinson-Hyperlegible, Atkinson-Hyperlegible-Bold"


# --- every shipped PDF passes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("edition,handout", CASES)
def test_every_shipped_pdf_passes_the_pdf_checks(built, edition, handout):
    facts, problems = verify_file(built / edition / f"{handout}.pdf", EDITIONS[edition])
    assert problems == []
    assert facts.pages >= 1 and facts.smallest_glyph_pt >= EDITIONS[edition].min_glyph_pt
    assert facts.fonts == ["Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold"]


def test_the_build_walks_the_layout_of_every_pdf_and_finds_nothing(monkeypatch, tmp_path, project_root):
    calls = []
    real = layout_module.check_layout

    def spy(document):
        calls.append(real(document))
        return calls[-1]

    monkeypatch.setattr(layout_module, "check_layout", spy)
    outcomes = build(load_library(Project(root=project_root)), tmp_path, list(PRINTED)).outcomes
    assert len(calls) == len(outcomes) == len(CASES)
    assert calls == [[]] * len(CASES)
    assert [o.problems for o in outcomes] == [[]] * len(CASES)


def test_build_summary_prints_the_verification_figures(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--handout", "hypercalcemia", "--edition", "large-print"]) == 0
    out = capsys.readouterr().out
    line = re.search(r"ok +\S+large-print/hypercalcemia\.pdf +(\d+) pages, smallest text (\S+) pt, (.*)", out)
    assert line, out
    assert int(line.group(1)) >= 1 and line.group(2) == "18" and line.group(3) == FONTS


# --- the independent checker ----------------------------------------------------------------------------------

@pytest.fixture
def pdfua(monkeypatch):
    """pdfua 0.1.3, with one crash fixed so that all 12 of its checks really run.

    Its empty-heading rule (UA-14-001) calls getattr(value, "is_integer", False) on every /K entry; pikepdf 10
    raises ValueError (not AttributeError) for that on an Array, so the rule aborts and pdfua reports it as
    skipped, not failed. The patch only turns that crash into "not an integer", which is what an Array is.
    """
    import pdfua
    import pdfua.rules.structure as structure

    original = structure.as_integer

    def as_integer(value):
        try:
            return original(value)
        except ValueError:
            return None

    monkeypatch.setattr(structure, "as_integer", as_integer)
    return pdfua


@pytest.mark.parametrize("edition,handout", CASES)
def test_pdfua_passes_every_shipped_pdf(built, pdfua, edition, handout):
    report = pdfua.validate(str(built / edition / f"{handout}.pdf"))
    assert [o.skipped_reason for o in report.outcomes if o.skipped_reason] == []  # every check ran
    assert len(report.outcomes) == 12
    assert [(f.rule_id, f.message) for f in report.findings] == []
    assert report.exit_code == 0


def test_pdfua_agrees_that_a_figure_without_alt_text_fails(mini, pdfua, tmp_path):
    problems, _, result = mini.problems('<p><svg width="20" height="20"><rect width="20" height="20"/></svg></p>')
    assert problems == ["page 1: a figure has no alt text, so a screen reader cannot say what it shows; give the "
                        "picture alt text (an inline SVG needs a <title>)"]
    path = tmp_path / "no-alt.pdf"
    path.write_bytes(result.pdf)
    assert [f.rule_id for f in pdfua.validate(str(path)).findings] == ["UA-13-004"]


# --- the PDF itself -------------------------------------------------------------------------------------------

def test_text_below_the_edition_minimum_is_found(mini):
    problems, _, _ = mini.problems('<p class="x">Small</p>', ".x { font-size: 10pt; }")
    assert problems == ["page 1: the smallest text is 10 pt, below this edition's 12 pt minimum (footers "
                        "included); make every font size at least 12 pt"]


def test_a_footer_below_the_edition_minimum_is_found(mini):
    problems, _, _ = mini.problems("<p>Body text</p>", "@page { @bottom-right { font-size: 16pt; } }",
                                   edition="large-print")
    assert problems == ["page 1: the smallest text is 16 pt, below this edition's 18 pt minimum (footers "
                        "included); make every font size at least 18 pt"]


@pytest.mark.skipif(not list(Path("/usr/share/fonts").rglob("DejaVuSans.ttf")), reason="needs DejaVu Sans")
def test_text_in_a_font_the_stylesheet_does_not_name_is_found(mini):
    problems, _, _ = mini.problems('<p class="x">A fallback font</p>', ".x { font-family: 'DejaVu Sans'; }")
    assert problems == ["page 1: text is set in DejaVu-Sans, not in Atkinson Hyperlegible: a font fell back or the "
                        "stylesheet names another font; name only 'Atkinson Hyperlegible' in styles/*.css and keep "
                        "the font package installed"]


def test_a_font_that_is_not_embedded_is_found(built):
    def unembed(pdf):
        for font in pdf.pages[0].Resources.Font.values():
            descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in descriptor:
                    del descriptor[key]

    problems = pdf_problems(mutate(good_pdf(built), unembed))
    assert problems == [
        f"page 1: the font {name} is not embedded, so each viewer and printer shows the text in a font of its own "
        f"choosing; rebuild the PDF with the font embedded"
        for name in ("Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold")]


def test_content_missing_from_the_text_layer_is_found(mini):
    problems, _, _ = mini.problems('<p class="x">Lost words</p><p>Kept words</p>', ".x { display: none; }",
                                   texts=("Lost words", "Kept words"))
    assert problems == ['text missing from the PDF (lost to overflow or clipping, or split by a stray mark): '
                        '"Lost words"']


def test_hyphenation_marks_in_the_text_layer_are_found(mini):
    problems, _, _ = mini.problems('<p class="x">Extraordinarily uncharacteristically incomprehensibilities</p>',
                                   ".x { hyphens: auto; width: 6em; }")
    assert ("page 1: words are split with hyphenation marks, so screen readers and copied text get broken words; "
            "turn hyphenation off (hyphens: none)") in problems


def test_a_missing_title_is_found(mini):
    problems, _, _ = mini.problems("<p>No title</p>", title="")
    assert problems == ["the PDF has no title, so the viewer's title bar and screen readers show only the file "
                        "name; set the <title> of the page"]


def test_a_title_bar_showing_the_file_name_is_found(built):
    problems = pdf_problems(mutate(good_pdf(built), lambda pdf: pdf.Root.__delitem__("/ViewerPreferences")))
    assert problems == ["the viewer's title bar would show the file name, not the title (DisplayDocTitle is off); "
                        "render the PDF as PDF/UA"]


def test_a_missing_or_wrong_language_is_found(mini):
    problems, _, _ = mini.problems("<p>No language</p>", lang="")
    assert problems == [
        'WeasyPrint: Missing required "lang" attribute at the root of the document',
        "the PDF has no language (/Lang), so a screen reader may read it with the wrong voice and pronunciation; "
        "set lang on the <html> element",
        "the PDF's language is '', expected 'en'"]
    problems, _, _ = mini.problems("<p>Bonjour</p>", lang=' lang="fr"')
    assert problems == ["the PDF's language is 'fr', expected 'en'"]


def test_a_missing_tag_tree_is_found(built):
    problems = pdf_problems(mutate(good_pdf(built), lambda pdf: pdf.Root.__delitem__("/StructTreeRoot")))
    assert problems == ["the PDF has no tag tree, so screen readers cannot read it in order; render the PDF as "
                        "tagged PDF/UA"]


def test_headings_without_bookmarks_are_found(mini):
    problems, _, _ = mini.problems("<h2>Two</h2><p>Text</p><h2>Three</h2>", "h2 { bookmark-level: none; }")
    assert problems == ["the PDF has 1 bookmark for 3 headings, so readers cannot jump to every section; give every "
                        "heading a bookmark (WeasyPrint does so for h1-h6)"]


def test_a_skipped_heading_level_is_found(mini):
    problems, _, _ = mini.problems("<h3>Skipped a level</h3><p>Text</p>")
    assert problems == ["page 1: heading level H3 follows H1; headings must not skip levels, or screen-reader users "
                        "lose their place: use H2 here"]


def test_an_image_without_alt_text_is_found(mini):
    problems, _, _ = mini.problems('<p><img src="picture.png" alt=""></p>')
    assert problems == [
        'WeasyPrint: Image "picture.png" has no required alt description',
        "page 1: a figure has no alt text, so a screen reader cannot say what it shows; give the picture alt text "
        "(an inline SVG needs a <title>)"]


def test_orphaned_page_furniture_is_found(mini, monkeypatch):
    # Without careprint's artifact pass, WeasyPrint's footers are tagged content no structure element reaches.
    import careprint.tagging

    monkeypatch.setattr(careprint.tagging, "mark_page_furniture_as_artifacts", lambda data: data)
    problems, _, _ = mini.problems("<p>Footers are orphaned</p>")
    assert problems == ["page 1: 2 pieces of tagged content are not in the document's tag tree, so screen readers "
                        "skip or misplace them; page furniture (footers, page numbers) must be marked as artifacts"]


def test_content_neither_tagged_nor_artifact_is_found(built):
    def untag(pdf):
        page = pdf.pages[0]
        kept = [(o, op) for o, op in pikepdf.parse_content_stream(page) if str(op) not in ("BDC", "BMC", "EMC")]
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))

    problems = pdf_problems(mutate(good_pdf(built), untag))
    # The footer lost its artifact mark too, so page 1's number no longer counts as page furniture.
    assert [p for p in problems if p.startswith('page 1: the page does not say "Page 1 of')] != []
    problems = [p for p in problems if "in its margin" not in p]
    assert len(problems) == 1
    assert re.fullmatch(r"page 1: \d+ drawing or text objects are neither tagged nor marked as an artifact, so "
                        r"screen readers cannot tell content from decoration; rebuild the PDF as tagged PDF/UA",
                        problems[0])


# --- verify PATH: any PDF, e.g. one sent by email --------------------------------------------------------------

def test_verify_command_passes_a_good_pdf(built, capsys):
    path = built / "plain-language" / "hypercalcemia.pdf"
    assert main(["verify", str(path)]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(rf"ok +{re.escape(str(path))} +\d+ pages, smallest text 12 pt, {FONTS}\n", out)


def test_verify_command_fails_a_broken_pdf_with_the_reason(built, tmp_path, capsys):
    path = tmp_path / "emailed.pdf"
    path.write_bytes(mutate(good_pdf(built), lambda pdf: pdf.Root.__delitem__("/Lang")))
    assert main(["verify", str(path)]) == 1
    err = capsys.readouterr().err
    assert err == (f"FAILED  {path}\n        the PDF has no language (/Lang), so a screen reader may read it with the "
                   f"wrong voice and pronunciation; set lang on the <html> element\n")


def test_verify_command_applies_the_edition_minimum(built, capsys):
    path = built / "plain-language" / "hypercalcemia.pdf"
    assert main(["verify", "--edition", "large-print", str(path)]) == 1
    assert ("page 1: the smallest text is 12 pt, below this edition's 18 pt minimum (footers included); make every "
            "font size at least 18 pt") in capsys.readouterr().err


@pytest.mark.parametrize("name,content,message", [
    ("not-a-pdf.pdf", None, "this is not a PDF file; ask for the handout again as a PDF"),
    ("damaged.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8, "this PDF is damaged and cannot be read; ask the sender "
                                                          "for a new copy"),
    ("missing.pdf", False, "cannot read the file (No such file or directory); check the name and that you may "
                           "open it"),
])
def test_verify_command_explains_a_file_that_is_not_a_readable_pdf(tmp_path, capsys, name, content, message):
    path = FIXTURES / name if content is None else tmp_path / name
    if content:
        path.write_bytes(content)
    assert main(["verify", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"FAILED  {path}\n        {message}\n"
    assert "Traceback" not in captured.out + captured.err


# --- a failed check keeps the previous good copy ---------------------------------------------------------------

def test_a_pdf_that_fails_verification_leaves_the_previous_copy_byte_identical(project_copy, tmp_path):
    out = tmp_path / "out"
    project = Project(root=project_copy)
    first = build(load_library(project), out, ["plain-language"], ["hypercalcemia"]).outcomes
    assert [o.problems for o in first] == [[]]
    target = out / "plain-language" / "hypercalcemia.pdf"
    before = target.read_bytes()

    # A footer too small for the edition: the stylesheet checks pass, the verify stage must not.
    sheet = project_copy / "styles" / "plain-language.css"
    sheet.write_text(sheet.read_text() + "\n@page { @bottom-right { font-size: 10pt; } }\n")
    second = build(load_library(project), out, ["plain-language"], ["hypercalcemia"]).outcomes
    assert [str(p) for p in second[0].problems] == ["page 1: the smallest text is 10 pt, below this edition's 12 pt minimum (footers "
                                  "included); make every font size at least 12 pt"]
    assert target.read_bytes() == before
    entries = json.loads((out / "manifest.json").read_text())["pdfs"]  # the manifest still lists the kept copy
    assert [e["sha256"] for e in entries if e["path"] == "plain-language/hypercalcemia.pdf"] == [
        hashlib.sha256(before).hexdigest()]


# --- page numbers (the "add a check" recipe: one function in verify.py, one line in checks.CHECKS) --------------

def test_a_handout_whose_pages_lost_their_numbers_is_not_written(project_copy, tmp_path):
    sheet = project_copy / "styles" / "plain-language.css"
    sheet.write_text(sheet.read_text() + "\n@page { @bottom-right { content: none; } }\n")
    outcomes = build(load_library(Project(root=project_copy)), tmp_path / "out", ["plain-language"],
                     ["hypercalcemia"]).outcomes
    pages = outcomes[0].facts.pages
    assert [str(p) for p in outcomes[0].problems] == [
        f'page 1: the page does not say "Page 1 of {pages}" in its margin (nor do {pages - 1} other pages), so a '
        "reader who drops the pages cannot put them back in order or tell that one is missing; keep the page number "
        "in the page margin (styles/base.css, @page)"]
    assert not (tmp_path / "out" / "plain-language" / "hypercalcemia.pdf").exists()


def test_verify_file_wants_a_page_number_on_every_page_in_either_form(mini):
    two_pages = "<p>One</p><p style='break-before: page'>Two</p>"
    bare = mini.render(two_pages, "@page { @bottom-right { content: none; } }")
    assert [p for p in pdf_problems(bare.pdf) if "in its margin" in p] == [
        'page 1: the page does not say "Page 1 of 2" in its margin (nor does 1 other page), so a reader who drops the '
        "pages cannot put them back in order or tell that one is missing; keep the page number in the page margin "
        "(styles/base.css, @page)"]
    for words in ('"Page " counter(page) " of " counter(pages)', '"Packet page " counter(page) " of " counter(pages)'):
        numbered = mini.render(two_pages, f"@page {{ @bottom-right {{ content: {words}; }} }}")
        assert [p for p in pdf_problems(numbered.pdf) if "in its margin" in p] == []


def test_the_page_number_check_reads_a_language_tag_but_never_a_file_it_names(mini):
    two_pages = "<p>One</p><p style='break-before: page'>Two</p>"
    css = "@page { @bottom-right { content: none; } }"
    for lang, checked in ((' lang="en-CA"', True), (' lang="../../../tmp/evil"', False), (' lang="xx"', False)):
        result = mini.render(two_pages, css, lang=lang)
        found = [p for p in pdf_problems(result.pdf) if "in its margin" in p]
        assert bool(found) == checked, lang


def test_verify_file_reports_a_careprint_bug_as_a_bug_not_as_a_damaged_pdf(built, monkeypatch):
    from careprint import checks

    def broken(subject):
        raise ZeroDivisionError("a bug planted by the test")

    monkeypatch.setattr(checks, "CHECKS", (checks.Check("pdf", "broken", broken),))
    with pytest.raises(ZeroDivisionError):
        verify_file(built / "plain-language" / "hypercalcemia.pdf", EDITIONS["plain-language"])
