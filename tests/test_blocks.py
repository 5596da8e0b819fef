"""Every block type is a registered class that declares the text it prints, has a template, and prints that text.

The checks of a handout's words (content checks, readability, "every sentence is in the PDF") see only what the
blocks declare, so a block type that printed text it did not declare would be printed unchecked.
"""

from __future__ import annotations

import io
import typing
from pathlib import Path

import pdfplumber
import pytest
from jinja2 import TemplateNotFound

from careprint import blocks
from careprint.blocks import BLOCK_CLASSES, BLOCK_TYPES, AnyBlock, Block, NotesBlock
from careprint.fields import Text
from careprint.project import ROOT, Project
from careprint.render import jinja_environment

EVERY_BLOCK = Path(__file__).parent / "fixtures" / "every-block"


def test_the_registry_holds_every_block_class_once_each_named_by_its_one_key():
    defined = [cls for cls in vars(blocks).values()
               if isinstance(cls, type) and issubclass(cls, Block) and cls is not Block]
    assert set(defined) == set(BLOCK_CLASSES), "add the new block class to BLOCK_CLASSES"
    assert BLOCK_TYPES == ("paragraph", "bullets", "triage", "questions", "notes", "image")
    for cls in BLOCK_CLASSES:
        assert list(cls.model_fields) == [cls.kind]
    union = typing.get_args(AnyBlock)[0]
    assert [typing.get_args(member)[0] for member in typing.get_args(union)] == list(BLOCK_CLASSES)


@pytest.mark.parametrize("kind", BLOCK_TYPES)
def test_every_block_type_has_a_template(kind):
    # Through the loader, by the name handout.html.j2 includes, wherever the file itself lives.
    env = jinja_environment(ROOT / "templates")
    try:
        env.get_template(f"blocks/{kind}.html.j2")
    except TemplateNotFound:
        pytest.fail(f"the {kind} block has no template blocks/{kind}.html.j2")


def test_a_block_class_that_does_not_declare_its_text_is_refused():
    with pytest.raises(TypeError, match="WarningBlock does not declare the text it prints"):
        class WarningBlock(Block):
            warning: Text


def test_a_block_class_is_one_key():
    with pytest.raises(TypeError, match="exactly one field, the key naming its type; it has warning, level"):
        class WarningBlock(Block):
            warning: Text
            level: Text

            def texts(self, loc):
                yield loc + ("warning",), "paragraph", self.warning


def test_the_notes_block_prints_no_text_on_purpose():
    assert "texts" in vars(NotesBlock)
    assert list(NotesBlock(notes=3).texts(("sections", 0, "blocks", 0))) == []


def pdf_text(path: Path) -> str:
    with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
        return " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)


def test_every_block_types_text_is_in_the_built_pdf(tmp_path, project_root):
    from careprint.library import load_library
    from careprint.pipeline import build

    library = load_library(Project(root=project_root, handouts_dir=EVERY_BLOCK))
    handout = library.by_id["every-block"].handout
    found = [(s, b, block) for s, section in enumerate(handout.sections) for b, block in enumerate(section.blocks)]
    assert sorted(block.kind for _, _, block in found) == sorted(BLOCK_TYPES), "the fixture uses every block type"

    result = build(library, tmp_path, ["plain-language", "large-print"])
    assert [outcome.problems for outcome in result.outcomes] == [[], []]
    for edition in ("plain-language", "large-print"):
        printed = pdf_text(tmp_path / edition / "every-block.pdf")
        for s, b, block in found:
            texts = [text for _, _, text in block.texts(("sections", s, "blocks", b))]
            if block.kind != "notes":
                assert texts, f"the fixture's {block.kind} block declares no text"
            missing = [text for text in texts if " ".join(text.split()) not in printed]
            assert not missing, f"{edition}: the {block.kind} block's text is not in the PDF: {missing}"
    kinds = {kind for _, kind, _ in handout.texts()}
    assert {"paragraph", "bullet", "sign", "why", "summary", "question", "caption"} <= kinds


def test_a_block_class_must_say_whether_it_is_clinical_and_give_the_specimen_an_example():
    with pytest.raises(TypeError, match="WarningBlock must set clinical and example"):
        class WarningBlock(Block):
            warning: Text

            def texts(self, loc):
                yield loc + ("warning",), "paragraph", self.warning


def test_the_style_gates_specimen_shows_every_block_type():
    from careprint.specimen import specimen

    shown = {block.kind for section in specimen().handout.sections for block in section.blocks}
    assert shown == set(BLOCK_TYPES)
