"""The style gate (careprint.contrast): colour contrast measured on the laid-out specimen handout, and the triage
levels told apart by word and shape, not colour alone. Each check fails on a deliberately broken stylesheet or
template in a fixture project, and the shipped ones pass.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from careprint.checks import style_gate
from careprint.contrast import check_contrast, check_triage_cues
from careprint.library import load_library
from careprint.locale import load_locale
from careprint.model import BLOCK_TYPES, TRIAGE_LEVEL_NAMES
from careprint.pipeline import build
from careprint.problems import GateStopped
from careprint.project import ALL_EDITIONS, ROOT, Project
from careprint.render import jinja_environment
from careprint.specimen import specimen

TRIAGE_LEVELS = {name: about.model_dump() for name, about in load_locale("en").triage.items()}




# --- the shipped stylesheets pass ----------------------------------------------------------------------------

def test_shipped_stylesheets_and_triage_cues_pass(project_root):
    assert style_gate(Project(root=project_root)) == []



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
    printed = [edition for edition in ALL_EDITIONS.values() if edition.format != "brf"]  # (braille has no CSS)
    html = "".join(made.render(edition, env) for edition in printed)
    used = set(" ".join(re.findall(r'class="([^"]*)"', html)).split())
    styled = set().union(*(css_classes((ROOT / "styles" / f"{name}.css").read_text()) for name in
                           ["base", *(edition.name for edition in printed)]))
    assert styled - used == set()  # a class the specimen never shows would escape the gate
    assert "triage-continued" in used  # a warning level printed in two parts


# Each stylesheet change breaks contrast in one way the gate must see: (stylesheet, old text or None to append,
# new text, editions checked, what check_contrast must say).
BROKEN_STYLES = {
    "body text": (
        "plain-language.css", None, ".content-section p { color: #757575; }", None,
        ['styles/plain-language.css:{line}: section.content-section p: text colour #757575 on the page #ffffff has '
         'a contrast of 4.6:1, below the 7:1 that clear print needs (WCAG AAA): "A specimen paragraph of body '
         'text." and N more in careprint\'s specimen handout (plain-language and bilingual editions); line found by '
         'searching '
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
         'care team within 24 hours" and N more in careprint\'s specimen handout (plain-language, large-print, '
         "bilingual, web and card editions); line found by searching the stylesheets for #c06000 (use a darker text "
         "colour)"]),
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
         '"The most important things to know" and N more in careprint\'s specimen handout (plain-language, '
         "large-print, bilingual and web editions); line found by searching the stylesheets for #595959 (use a lighter "
         "background "
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
    assert message.format(editions="plain-language, large-print, bilingual and web editions") in map(counted,
                                                                                    result.stderr.splitlines())
    assert re.fullmatch(r"build stopped before rendering: \d+ errors?, \d+ warnings?; nothing was written or replaced",
                        result.stderr.splitlines()[-1])
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_two_triage_levels_with_the_same_label_are_found(project_root):
    levels = {name: dict(about) for name, about in TRIAGE_LEVELS.items()}
    levels["next_visit"]["label"] = "Call your care team WITHIN 24 hours"
    assert [str(p) for p in check_triage_cues(Project(root=project_root), levels)] == [
        'careprint/locales/en.yaml: triage.next_visit: triage levels call_today and next_visit have the same word '
        'label "Call your care team WITHIN 24 hours" (in a grey photocopy only words and symbols tell them apart: '
        'give each its own)']


def test_a_triage_level_without_a_label_is_found(project_root):
    levels = {name: dict(about) for name, about in TRIAGE_LEVELS.items()}
    levels["emergency"]["label"] = "  "
    assert [str(p) for p in check_triage_cues(Project(root=project_root), levels)] == [
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
    edit(project.templates / "blocks" / "triage.html.j2", ">{{ about.label }}", ">")
    problems = [str(p) for p in check_triage_cues(project)]
    assert problems == [
        f'templates/blocks/triage.html.j2: {level}: the triage block does not print the word label "{about["label"]}"'
        f" (print the label beside the symbol)" for level, about in TRIAGE_LEVELS.items()]
