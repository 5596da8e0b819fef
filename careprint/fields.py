"""The strict base model and the bounded kinds of text that every content model is built from.

They sit apart from the models themselves so that the handout (model.py), its blocks (blocks.py) and the triage
content (triage.py) share one definition of "text" and one rule for unknown keys, without importing each other.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Text = Annotated[str, Field(min_length=1, max_length=800)]
ShortText = Annotated[str, Field(min_length=1, max_length=120)]
# The forms some keys must take; careprint.plain_errors says each in an author's words.
ID_FORM = r"^[a-z0-9]+(-[a-z0-9]+)*$"
VERSION_FORM = r"^[0-9]+(\.[0-9]+){0,2}$"
PHONE_FORM = r"^[0-9+() .\-]{3,30}( ext\.? ?[0-9]{1,6})?$"
ADDRESS_FORM = r"^https?://\S+$"
ACRONYM_FORM = r"^[A-Z0-9]{2,12}$"
FINGERPRINT_FORM = r"^sha256:[0-9a-f]{64}$"

Identifier = Annotated[str, Field(pattern=ID_FORM, max_length=60)]

# A printed piece of content: where it is written (its key path in the file), what kind of text it is, the text.
Loc = tuple[str | int, ...]
PrintedText = tuple[Loc, str, str]


class StrictModel(BaseModel):
    """Unknown keys and wrong types are errors, never silently accepted or converted."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
