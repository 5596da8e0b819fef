"""Templates and stylesheets keep their seams: one partial per block type, every stylesheet a static file.

A block type's partial is found by name (handout.html.j2 includes "blocks/<type>.html.j2"), so blocks/ holds those
partials and nothing else; page sections and macro libraries live in sections/ and macros/. No CSS is written in
Python: the renderer's stylesheets are the files under styles/, byte for byte.
"""

from __future__ import annotations

import pytest

from careprint.files import read_text
from careprint.fonts import FONT_FAMILY, font_stylesheet
from careprint.model import BLOCK_TYPES
from careprint.project import EDITIONS, PAPER_SIZES, ROOT, Project
from careprint.render import Renderer, paper_stylesheet

TEMPLATES = ROOT / "templates"


def test_blocks_holds_one_partial_per_block_type_and_nothing_else():
    assert sorted(p.name for p in (TEMPLATES / "blocks").iterdir()) == sorted(f"{kind}.html.j2" for kind in BLOCK_TYPES)


def test_every_document_extends_the_base_template():
    for name in ("handout.html.j2", "packet_cover.html.j2", "packet_blank.html.j2"):
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        assert '{% extends "base.html.j2" %}' in text and "<html" not in text and "<title" not in text, name
    assert '{% extends "handout.html.j2" %}' in (TEMPLATES / "card.html.j2").read_text(encoding="utf-8")


@pytest.mark.parametrize("paper", sorted(PAPER_SIZES))
def test_the_renderer_uses_the_static_stylesheets_as_they_are(paper, project_root):
    renderer = Renderer(Project(root=project_root), EDITIONS["large-print"], PAPER_SIZES[paper], extra_sheets=("packet.css",))
    names = [font_stylesheet(FONT_FAMILY), "base.css", "large-print.css", "packet.css", f"paper/{paper}.css"]
    assert renderer.sheets == [read_text(project_root / "styles" / name, 1 << 20) for name in names]
    assert renderer.sheets == [read_text(ROOT / "styles" / name, 1 << 20) for name in names]  # this checkout's


def test_a_paper_size_is_chosen_by_name_or_css_size():
    assert paper_stylesheet("a4") == paper_stylesheet("A4") == "paper/a4.css"
    assert paper_stylesheet("letter") == "paper/letter.css"
    with pytest.raises(ValueError, match="no paper size 'A5'"):
        paper_stylesheet("A5")
