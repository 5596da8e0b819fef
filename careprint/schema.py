"""The JSON Schema for handout files, generated from the model so editors can validate and autocomplete YAML."""

from __future__ import annotations

import json

from .model import Handout
from .project import ROOT

SCHEMA_PATH = ROOT / "schema" / "handout.schema.json"


def schema_text() -> str:
    schema = Handout.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "careprint handout"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
