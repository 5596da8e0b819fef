"""Issue 4: the verify stage. Each check fails on a deliberately broken input with a plain message; every shipped
handout in every edition passes all of them, and an independent checker (pdfua) agrees.

Broken inputs are hand-written HTML and CSS rendered through careprint's own render path (render_pdf, with the
shipped stylesheets plus one broken rule), or a shipped PDF changed with pikepdf.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from careprint import layout as layout_module
from careprint.checks import Expected, LaidOutSubject, run_checks, style_gate
from careprint.cli import main
from careprint.contrast import check_contrast, check_triage_cues
from careprint.formats.pdf import check_pdf
from careprint.library import load_library
from careprint.locale import load_locale
from careprint.model import BLOCK_TYPES, TRIAGE_LEVEL_NAMES
from careprint.pipeline import build
from careprint.problems import GateStopped
from careprint.project import ALL_EDITIONS, EDITIONS, ROOT, Project
from careprint.render import jinja_environment, render_html, render_pdf
from careprint.specimen import specimen
from careprint.verify import verify_file

from .conftest import EDITION_NAMES, HANDOUT_IDS, pdf_bytes

TRIAGE_LEVELS = {name: about.model_dump() for name, about in load_locale("en").triage.items()}

FIXTURES = Path(__file__).parent / "fixtures" / "verify"
CASES = [(edition, handout) for edition in EDITION_NAMES for handout in HANDOUT_IDS]
FONTS = "fonts Atkinson-Hyperlegible, Atkinson-Hyperlegible-Bold"


# --- helpers -------------------------------------------------------------------------------------------------

class Mini:
    """A minimal project (the shipped stylesheets and one picture) that renders hand-written HTML with careprint."""

    def __init__(self, root: Path) -> None:
        from PIL import Image
        from weasyprint.text.fonts import FontConfiguration

        self.root = root
        shutil.copytree(ROOT / "styles", root / "styles")
        Image.new("RGB", (40, 30), (0, 0, 128)).save(root / "picture.png")
        self.project = Project(root=root)
        self.font_config = FontConfiguration()

    def render(self, body: str, css: str = "", edition: str = "plain-language", title: str = "<title>T</title>",
               lang: str = ' lang="en"'):
        sheet = self.root / "styles" / f"{edition}.css"
        sheet.write_text((ROOT / "styles" / f"{edition}.css").read_text() + "\n" + css, encoding="utf-8")
        html = (f'<!DOCTYPE html><html{lang}><head><meta charset="utf-8">{title}</head>'
                f"<body><h1>Title</h1>{body}</body></html>")
        return render_pdf(html, self.project, EDITIONS[edition], "letter", self.font_config)

    def problems(self, body: str, css: str = "", edition: str = "plain-language", texts: tuple = (), **kw):
        """What the build's verify stage says about this page (expected texts and language 'en' as for a handout)."""
        result = self.render(body, css, edition, **kw)
        laid_out = run_checks("layout", LaidOutSubject(result.document, result.messages))
        facts, found = check_pdf(result.pdf, EDITIONS[edition], Expected(list(texts), "en"))
        problems = [str(problem) for problem in laid_out + found]
        # These hand-written pages are not handouts: page 1's emergency box is tested in test_triage_pages.py.
        return [p for p in problems if not p.startswith("page 1: it ")], facts, result


@pytest.fixture
def mini(tmp_path) -> Mini:
    return Mini(tmp_path / "mini")


def mutate(data: bytes, change) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def pdf_problems(data: bytes) -> list[str]:
    """What `verify FILE` says about these bytes (the PDF-stage checks, with no content to compare)."""
    return [str(problem) for problem in check_pdf(data, EDITIONS["plain-language"], None)[1]]


def good_pdf(built: Path) -> bytes:
    return pdf_bytes(built, "plain-language", "hypercalcemia")


# --- every shipped PDF passes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("edition,handout", CASES)
def test_every_shipped_pdf_passes_the_pdf_checks(built, edition, handout):
    facts, problems = verify_file(built / edition / f"{handout}.pdf", EDITIONS[edition])
    assert problems == []
    assert facts.pages >= 1 and facts.smallest_glyph_pt >= EDITIONS[edition].min_glyph_pt
    assert facts.fonts == ["Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold"]


def test_the_build_walks_the_layout_of_every_pdf_and_finds_nothing(monkeypatch, tmp_path):
    calls = []
    real = layout_module.check_layout

    def spy(document):
        calls.append(real(document))
        return calls[-1]

    monkeypatch.setattr(layout_module, "check_layout", spy)
    outcomes = build(load_library(Project()), tmp_path, list(EDITIONS)).outcomes
    assert len(calls) == len(outcomes) == len(CASES)
    assert calls == [[]] * len(CASES)
    assert [o.problems for o in outcomes] == [[]] * len(CASES)


def test_shipped_stylesheets_and_triage_cues_pass():
    assert style_gate(Project()) == []


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


# --- layout: what the PDF cannot show -------------------------------------------------------------------------

def test_text_clipped_by_overflow_hidden_is_found_in_the_layout(mini):
    sentence = "One two three four five six seven eight nine ten eleven twelve"
    problems, facts, _ = mini.problems(f'<p class="x">{sentence}</p>',
                                       ".x { width: 8em; height: 2.4em; overflow: hidden; }", texts=(sentence,))
    assert problems == [
        'page 1: text "four five six seven" is cut off by <p class="x">, which hides what does not fit '
        "(overflow: hidden); the hidden part is not printed: remove the box's fixed width or height, or its "
        "overflow setting"]
    assert sentence in facts.text  # why the PDF alone cannot tell: clipped text still extracts


def test_an_unbreakable_word_wider_than_the_line_is_found(mini):
    problems, _, _ = mini.problems('<p class="x">Short words then Pneumonoultramicroscopicsilicovolcanoconiosis</p>',
                                   ".x { width: 10em; }")
    assert problems == [
        'page 1: text "Pneumonoultramicroscopicsilicovolcanoco…" sticks out 158.2 pt past the right edge of '
        '<p class="x"> and overlaps what is next to it; a word or number is too long for the line, or the box is '
        "too narrow: shorten it or make the box wider"]


def test_text_pushed_out_of_a_fixed_height_box_is_found(mini):
    problems, _, _ = mini.problems(
        '<div class="x"><p>One two three four five six seven eight nine ten eleven twelve</p></div><p>Next</p>',
        ".x { width: 8em; height: 2.4em; }")
    assert problems == [
        'page 1: text "four five six seven" sticks out 2.8 pt past the bottom edge of <div class="x"> and '
        "overlaps what is next to it; the box is too short for what it holds: remove its fixed height"]


def test_a_box_wider_than_the_box_around_it_is_found(mini):
    body = '<div class="y"><p class="x">This paragraph is wider than the box around it</p></div>'
    problems, _, _ = mini.problems(body, ".y { width: 10em; border: 1pt solid black; } .x { width: 25em; }")
    assert problems == [
        'page 1: text "This paragraph is wider than the box ar…" sticks out 142.6 pt past the right edge of '
        '<div class="y"> and overlaps what is next to it; a box inside it is wider than it or has a negative margin: '
        "check the stylesheet for fixed widths and negative margins"]


def test_text_off_the_page_is_found_in_the_layout_and_in_the_pdf(mini):
    problems, _, _ = mini.problems('<p class="x">Off the page</p>', ".x { position: absolute; left: -3in; }")
    assert problems == [
        'page 1: text "Off the page" runs 216.0 pt into the left page margin, outside the printable area; printers '
        "cut it off: check the stylesheet for fixed widths, negative margins or positioning, and for blocks that "
        "cannot break across pages",
        "page 1: 10 characters lie outside the page and cannot be printed; check the stylesheet for fixed widths, "
        "negative margins or positioning"]


def test_text_pushed_into_the_bottom_margin_is_found(mini):
    problems, _, _ = mini.problems('<div class="x">Keep together</div>', ".x { position: absolute; top: 9.5in; }")
    assert problems == [
        'page 1: text "Keep together" runs 39.8 pt into the bottom page margin, outside the printable area; '
        "printers cut it off: check the stylesheet for fixed widths, negative margins or positioning, and for "
        "blocks that cannot break across pages"]


def test_a_footer_too_long_for_the_page_margin_is_found(mini):
    long_footer = "A footer that goes on" + " and on" * 30
    problems, _, _ = mini.problems("<p>Body text</p>", f"@page {{ @bottom-left {{ content: '{long_footer}'; }} }}",
                                   edition="large-print")
    assert problems == [
        'page 1: text "and on and on and on and on and on and" sticks out 9.6 pt past the bottom edge of the page '
        "footer (@bottom-left) and overlaps what is next to it; the footer does not fit in the page margin: shorten "
        "it or make that page margin larger",
        "page 1: 55 characters lie outside the page and cannot be printed; check the stylesheet for fixed widths, "
        "negative margins or positioning"]


def test_a_picture_outside_the_page_is_found(mini):
    problems, _, _ = mini.problems('<p><img class="x" src="picture.png" alt="A blue box"></p>',
                                   ".x { margin-left: 6.5in; width: 2in; }")
    assert problems == [
        'page 1: the picture "A blue box" sticks out 136.0 pt past the right edge of <p> and overlaps what is next '
        "to it; make the picture smaller",
        "page 1: a picture lies partly outside the page and is cut off; make it smaller or fix its position in the "
        "stylesheet"]


def test_low_contrast_text_on_the_page_is_found(mini):
    problems, _, _ = mini.problems('<p class="x">Grey words</p>', ".x { color: #777777; }")
    assert problems == ['page 1: text "Grey words" is #777777 on #ffffff, a contrast of 4.5:1; clear print needs at '
                        "least 7:1: darken the text colour"]


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


# --- stylesheets: colour contrast and triage cues -------------------------------------------------------------

def styles_copy(tmp_path: Path) -> Project:
    root = tmp_path / "styled"
    shutil.copytree(ROOT / "styles", root / "styles")
    shutil.copytree(ROOT / "templates", root / "templates")
    return Project(root=root)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    return next(n for n, row in enumerate(path.read_text().splitlines(), start=1) if text in row)


def counted(text: str) -> str:
    """A message with its count of further texts as N: that count changes with every template change."""
    return re.sub(r" and \d+ more in ", " and N more in ", text)


def contrast(project: Project, editions: list[str] | None = None) -> list[str]:
    return [counted(str(p)) for p in check_contrast(project, editions)]


def css_classes(text: str) -> set[str]:
    """The class names a stylesheet's selectors use (comments and quoted strings left out)."""
    text = re.sub(r"/\*.*?\*/|\"[^\"]*\"|'[^']*'", "", text, flags=re.S)
    return set(re.findall(r"\.(-?[A-Za-z_][\w-]*)", text))


def test_the_specimen_shows_every_block_type_every_triage_level_and_every_styled_class():
    made = specimen()
    assert {block.kind for section in made.handout.sections for block in section.blocks} == set(BLOCK_TYPES)
    assert [level.name for level in made.handout.triage_levels()] == list(TRIAGE_LEVEL_NAMES)
    env = jinja_environment(ROOT / "templates")
    html = "".join(render_html(made.handout, edition, made.clinic, made.sources, env, made.splits)
                   for edition in ALL_EDITIONS.values())
    used = set(" ".join(re.findall(r'class="([^"]*)"', html)).split())
    styled = set().union(*(css_classes((ROOT / "styles" / f"{name}.css").read_text()) for name in
                           ["base", *ALL_EDITIONS]))
    assert styled - used == set()  # a class the specimen never shows would escape the gate
    assert "triage-continued" in used  # a warning level printed in two parts


# Each stylesheet change breaks contrast in one way the gate must see: (stylesheet, old text or None to append,
# new text, editions checked, what check_contrast must say).
BROKEN_STYLES = {
    "body text": (
        "plain-language.css", None, ".content-section p { color: #757575; }", None,
        ['styles/plain-language.css:{line}: section.content-section p: text colour #757575 on the page #ffffff has '
         'a contrast of 4.6:1, below the 7:1 that clear print needs (WCAG AAA): "A specimen paragraph of body '
         'text." and N more in careprint\'s specimen handout (plain-language edition); line found by searching '
         "the stylesheets for #757575 (use a darker text colour)"]),
    "a box with its own background (the emergency box)": (
        "base.css", None, ".triage-emergency { background: #595959; }", ["large-print"],
        ["styles/base.css:{line}: section.get-help.triage-level.triage-emergency h2.triage-label span: text colour "
         "#8b0000 on the background of section.get-help.triage-level.triage-emergency #595959 has a contrast of "
         '1.4:1, below the 7:1 that clear print needs (WCAG AAA): "Emergency: get help now" and N more in '
         "careprint's specimen handout (large-print edition); line found by searching the stylesheets for #595959 "
         "(use a lighter background for that box)"]),
    "a colour set through a custom property var(--x)": (
        "base.css", "--call-today: #7a3e00;", "--call-today: #c06000;", None,
        ["styles/base.css:{line}: section.triage-level.triage-call-today h3.triage-label span: text colour #c06000 "
         'on the page #ffffff has a contrast of 4.3:1, below the 7:1 that clear print needs (WCAG AAA): "Call your '
         'care team within 24 hours" and N more in careprint\'s specimen handout (plain-language, large-print and '
         "card editions); line found by searching the stylesheets for #c06000 (use a darker text colour)"]),
    "an inherited colour": (
        "base.css", None, ".contacts { color: #8a8a8a; }", ["large-print"],
        ["styles/base.css:{line}: section.contacts h2: text colour #8a8a8a on the page #ffffff has a contrast of "
         '3.5:1, below the 7:1 that clear print needs (WCAG AAA): "How to reach your care team" and N more in '
         "careprint's specimen handout (large-print edition); line found by searching the stylesheets for #8a8a8a "
         "(use a darker text colour)"]),
    "a dark box background under inherited text": (
        "base.css", "--tint: #f2f2f2;", "--tint: #595959;", None,
        ["styles/base.css:{line}: section.key-messages h2: text colour #000000 on the background of "
         "section.key-messages #595959 has a contrast of 3.0:1, below the 7:1 that clear print needs (WCAG AAA): "
         '"The most important things to know" and N more in careprint\'s specimen handout (plain-language and '
         "large-print editions); line found by searching the stylesheets for #595959 (use a lighter background "
         "for that box)"]),
    "a triage symbol drawn in its text colour": (
        "base.css", None, ".triage-call-today .triage-icon { color: #aaaaaa; }", ["plain-language"],
        ["styles/base.css:{line}: section.triage-level.triage-call-today h3.triage-label svg.triage-icon: symbol "
         "colour #aaaaaa on the page #ffffff has a contrast of 2.3:1, below the 7:1 that clear print needs (WCAG "
         'AAA): the symbol "Telephone symbol" and N more in careprint\'s specimen handout (plain-language edition); '
         "line found by searching the stylesheets for #aaaaaa (use a darker symbol colour)"]),
    "a named colour in the page footer": (
        "base.css", None, "@page { @bottom-left { color: grey; } }", ["plain-language"],
        ['styles/base.css:{line}: @page @bottom-left: text colour #808080 on the page #ffffff has a contrast of '
         '3.9:1, below the 7:1 that clear print needs (WCAG AAA): "Specimen handout" and N more in careprint\'s '
         "specimen handout (plain-language edition); line found by searching the stylesheets for #808080 (use a "
         "darker text colour)"]),
    "a translucent colour": (
        "base.css", None, ".questions { color: rgba(0, 0, 0, 0.4); }", ["plain-language"],
        ['styles/base.css:{line}: section.content-section ul.questions li: text colour #999999 on the page #ffffff has a contrast of 2.8:1, '
         'below the 7:1 that clear print needs (WCAG AAA): "A specimen question?" and N more in careprint\'s '
         "specimen handout (plain-language edition); line found by searching the stylesheets for a transparent "
         "colour that gives #999999 on #ffffff (use a darker text colour)"]),
    "the card's own stylesheet": (
        "card.css", None, ".card-phones { color: #999999; }", None,
        ['styles/card.css:{line}: div.card-phones p.triage-phone strong: text colour #999999 on the page #ffffff has '
         'a contrast of 2.8:1, below the 7:1 that clear print needs (WCAG AAA): "Urgent line:" and N more in '
         "careprint's specimen handout (card edition); line found by searching the stylesheets for #999999 (use a "
         "darker text colour)"]),
}


@pytest.mark.parametrize("case", list(BROKEN_STYLES))
def test_the_style_gate_finds_low_contrast_on_the_laid_out_specimen(tmp_path, case):
    sheet, old, new, editions, expected = BROKEN_STYLES[case]
    project = styles_copy(tmp_path)  # styles and templates alone: the gate never reads handouts/
    path = project.styles / sheet
    if old is None:
        path.write_text(path.read_text(encoding="utf-8") + "\n" + new + "\n", encoding="utf-8")
    else:
        edit(path, old, new)
    line = line_of(path, new)
    assert contrast(project, editions) == [message.format(line=line) for message in expected]
    assert style_gate(project, editions) != []  # the gate the build and `check` run


def test_an_edition_is_checked_with_its_own_stylesheet(tmp_path):
    project = styles_copy(tmp_path)
    path = project.styles / "large-print.css"
    path.write_text(path.read_text() + "\n.subtitle { color: #666666; }\n")
    assert contrast(project, ["large-print"]) == [
        f"styles/large-print.css:{line_of(path, '.subtitle { color: #666666')}: header.masthead p.subtitle: text "
        "colour #666666 on the page #ffffff has a contrast of 5.7:1, below the 7:1 that clear print needs (WCAG "
        'AAA): "Every part of a handout, once" in careprint\'s specimen handout (large-print edition); line found '
        "by searching the stylesheets for #666666 (use a darker text colour)"]
    assert contrast(project, ["plain-language"]) == []


def test_a_template_the_specimen_cannot_render_is_reported(tmp_path):
    project = styles_copy(tmp_path)
    edit(project.templates / "blocks" / "notes.html.j2", "{% for _ in range(block.notes) %}", "{% for _ in %}")
    problems = contrast(project, ["plain-language"])
    assert len(problems) == 1 and problems[0].startswith("templates/blocks/notes.html.j2:2: the plain-language "
                                                         "template cannot be rendered (")


def test_a_stylesheet_violation_stops_the_build_before_anything_is_written(project_copy, tmp_path):
    edit(project_copy / "styles" / "base.css", "--ink: #000000;", "--ink: #808080;")
    with pytest.raises(GateStopped) as caught:  # as a function ...
        build(load_library(Project(root=project_copy)), tmp_path / "out", ["plain-language"], ["hypercalcemia"])
    line = line_of(project_copy / "styles" / "base.css", "--ink: #808080;")
    message = (f"styles/base.css:{line}: header.masthead p.clinic-name: text colour #808080 on the page #ffffff has a "
               'contrast of 3.9:1, below the 7:1 that clear print needs (WCAG AAA): "Specimen Clinic" and N more in '
               "careprint's specimen handout ({editions}); line found by searching the stylesheets for #808080 (use "
               "a darker text colour)")
    styles = [counted(str(p)) for p in caught.value.problems if p.file.startswith("styles/")]
    assert styles == [message.format(editions="plain-language edition")]
    assert not (tmp_path / "out").exists()
    # ... and as a clinic runs it: the copy's own make_pdfs.py, in a fresh process.
    result = subprocess.run([sys.executable, str(project_copy / "make_pdfs.py"), "--out", str(tmp_path / "out"),
                             "--handout", "hypercalcemia"], cwd=project_copy, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1
    assert message.format(editions="plain-language and large-print editions") in map(counted,
                                                                                    result.stderr.splitlines())
    assert re.fullmatch(r"build stopped before rendering: \d+ errors?, \d+ warnings?; nothing was written or replaced",
                        result.stderr.splitlines()[-1])
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_two_triage_levels_with_the_same_label_are_found():
    levels = {name: dict(about) for name, about in TRIAGE_LEVELS.items()}
    levels["next_visit"]["label"] = "Call your care team WITHIN 24 hours"
    assert [str(p) for p in check_triage_cues(Project(), levels)] == [
        'careprint/locales/en.yaml: triage.next_visit: triage levels call_today and next_visit have the same word '
        'label "Call your care team WITHIN 24 hours" (in a grey photocopy only words and symbols tell them apart: '
        'give each its own)']


def test_a_triage_level_without_a_label_is_found():
    levels = {name: dict(about) for name, about in TRIAGE_LEVELS.items()}
    levels["emergency"]["label"] = "  "
    assert [str(p) for p in check_triage_cues(Project(), levels)] == [
        "careprint/locales/en.yaml: triage.emergency: this triage level has no word label (in a grey photocopy only "
        "words and symbols tell the levels apart: give it a label)"]


def test_two_triage_levels_with_the_same_symbol_shape_are_found(tmp_path):
    project = styles_copy(tmp_path)
    # call_today now falls through to the calendar: the two levels differ only in colour.
    edit(project.templates / "macros" / "icons.html.j2", '{% elif level == "call_today" %}',
         '{% elif level == "no-such-level" %}')
    assert [str(p) for p in check_triage_cues(project)] == [
        "templates/macros/icons.html.j2: next_visit: triage levels call_today and next_visit have the same symbol "
        "shape (they differ only in colour) (draw a different shape for each level; a grey photocopy loses the "
        "colour)"]


def test_a_triage_block_that_drops_the_word_label_is_found(tmp_path):
    project = styles_copy(tmp_path)
    edit(project.templates / "blocks" / "triage.html.j2", "<span>{{ about.label }}", "<span>")
    problems = [str(p) for p in check_triage_cues(project)]
    assert problems == [
        f'templates/blocks/triage.html.j2: {level}: the triage block does not print the word label "{about["label"]}"'
        f" (print the label beside the symbol)" for level, about in TRIAGE_LEVELS.items()]


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
