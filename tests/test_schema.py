"""The JSON Schema that authors' editors use is generated from the model and kept current."""

import json

from careprint.cli import main
from careprint.schema import SCHEMA_PATH, schema_text


def test_the_committed_schema_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), "run: python make_pdfs.py schema"


def test_schema_check_command_agrees(capsys):
    assert main(["schema", "--check"]) == 0


def test_schema_rejects_unknown_keys_and_names_the_block_types():
    schema = json.loads(schema_text())
    assert schema["additionalProperties"] is False
    # A block is one of six shapes, each exactly one key: the key naming its type.
    shapes = [schema["$defs"][ref["$ref"].removeprefix("#/$defs/")]
              for ref in schema["$defs"]["Section"]["properties"]["blocks"]["items"]["oneOf"]]
    assert [list(shape["properties"]) for shape in shapes] == [
        ["paragraph"], ["bullets"], ["triage"], ["questions"], ["notes"], ["image"]]
    for shape in shapes:
        assert shape["additionalProperties"] is False and shape["required"] == list(shape["properties"])
        assert shape["description"]  # what an editor shows beside the key


def test_every_handout_points_its_editor_at_the_schema():
    # The fixture's handouts are copies of those careprint ships; each names the schema from a project's handouts/
    # folder, which is where careprint writes it.
    from careprint.project import ROOT

    from .conftest import FIXTURE

    handouts = sorted((FIXTURE / "handouts").glob("*.yaml"))
    assert handouts
    for path in handouts:
        assert path.read_text().startswith("# yaml-language-server: $schema=../schema/handout.schema.json")
    assert SCHEMA_PATH == ROOT / "schema" / "handout.schema.json"
