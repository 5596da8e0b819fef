"""The JSON Schema for handout files, generated from the model so editors can validate and autocomplete YAML."""

from __future__ import annotations

import json
from pathlib import Path

from .model import Handout
from .project import ROOT


def schema_path(root: Path) -> Path:
    """Where a project keeps the schema its handouts' first line points editors at (../schema/ from handouts/)."""
    return root / "schema" / "handout.schema.json"


SCHEMA_PATH = schema_path(ROOT)  # the repository's, kept current by `make_pdfs.py schema`


def schema_text() -> str:
    schema = Handout.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "careprint handout"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
