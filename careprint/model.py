"""The typed shape of handout content, the source registry, the glossary and the clinic settings.

Validation lives here (pydantic, unknown keys rejected, no type coercion) so that a content mistake is caught
before anything is rendered, and so that the JSON Schema editors use is generated from the same definitions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Text = Annotated[str, Field(min_length=1, max_length=800)]
ShortText = Annotated[str, Field(min_length=1, max_length=120)]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
PhoneNumber = Annotated[str, Field(pattern=r"^[0-9+() .\-]{3,30}( ext\.? ?[0-9]{1,6})?$")]


class StrictModel(BaseModel):
    """Unknown keys and wrong types are errors, never silently accepted or converted."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Review(StrictModel):
    """Clinical review status. The tool prints it truthfully and never invents an approval."""

    status: Literal["draft", "approved"]
    approved_by: ShortText | None = None
    approved_on: datetime.date | None = None
    next_review: datetime.date

    @model_validator(mode="after")
    def _approval_is_complete(self) -> Review:
        if self.status == "approved" and not (self.approved_by and self.approved_on):
            raise ValueError("an approved handout needs both approved_by and approved_on")
        if self.status == "draft" and (self.approved_by or self.approved_on):
            raise ValueError("a draft cannot name an approver or an approval date; set status: approved")
        return self


class Triage(StrictModel):
    """When to get help: each warning sign sits under the action the reader should take."""

    emergency: list[Text] | None = Field(default=None, min_length=1)
    call_today: list[Text] | None = Field(default=None, min_length=1)
    next_visit: list[Text] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _has_a_level(self) -> Triage:
        if not (self.emergency or self.call_today or self.next_visit):
            raise ValueError("a triage block needs at least one of emergency, call_today, next_visit")
        return self

    def levels(self) -> list[tuple[str, list[str]]]:
        """The levels present, most urgent first."""
        found = [("emergency", self.emergency), ("call_today", self.call_today), ("next_visit", self.next_visit)]
        return [(name, signs) for name, signs in found if signs]


class Image(StrictModel):
    """A picture from the project's images/ folder. Its alt text is what a screen reader says instead."""

    file: Annotated[str, Field(min_length=1, max_length=200, description="path inside the project, e.g. images/spine.png")]
    alt: Text


# The triage levels a quick-reference card prints: the ones that cannot wait for the next visit.
URGENT_LEVELS = ("emergency", "call_today")

BLOCK_TYPES = ("paragraph", "bullets", "triage", "questions", "notes", "image")


class Block(StrictModel):
    """One block of a section; the single key names its type (`- paragraph: ...`)."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1, "maxProperties": 1})

    paragraph: Text | None = None
    bullets: list[Text] | None = Field(default=None, min_length=1)
    triage: Triage | None = None
    questions: list[Text] | None = Field(default=None, min_length=1)
    notes: int | None = Field(default=None, ge=1, le=20, description="number of write-in lines")
    image: Image | None = None

    @model_validator(mode="before")
    @classmethod
    def _exactly_one_type(cls, data: object) -> object:
        if isinstance(data, dict) and len(data) != 1:
            keys = ", ".join(map(str, data)) or "nothing"
            raise ValueError(f"a block has exactly one key naming its type ({', '.join(BLOCK_TYPES)}); found {keys}")
        return data

    @property
    def kind(self) -> str:
        return next(name for name in BLOCK_TYPES if getattr(self, name) is not None)

    @property
    def value(self):
        return getattr(self, self.kind)


class Section(StrictModel):
    heading: ShortText
    blocks: list[Block] = Field(min_length=1)


class Handout(StrictModel):
    """One patient handout: metadata, key messages first, then its sections in reading order."""

    id: Identifier
    title: ShortText
    subtitle: ShortText | None = None
    language: Literal["en"] = Field(description="BCP 47 language tag; only English is supported so far")
    audience: ShortText
    version: Annotated[str, Field(pattern=r"^[0-9]+(\.[0-9]+){0,2}$")]
    sources: list[Identifier] = Field(default_factory=list)
    review: Review
    key_messages: list[Text] = Field(min_length=1, max_length=4)
    sections: list[Section] = Field(min_length=1)

    def urgent_signs(self) -> list[str]:
        """The emergency and call-today warning signs of every triage block: what a quick-reference card prints."""
        return [sign for section in self.sections for block in section.blocks if block.triage
                for level, signs in block.triage.levels() if level in URGENT_LEVELS for sign in signs]

    def texts(self) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
        """Every piece of printed content in reading order, as (key path, kind, text)."""
        yield ("title",), "title", self.title
        if self.subtitle:
            yield ("subtitle",), "subtitle", self.subtitle
        for index, message in enumerate(self.key_messages):
            yield ("key_messages", index), "key_message", message
        for s, section in enumerate(self.sections):
            yield ("sections", s, "heading"), "heading", section.heading
            for b, block in enumerate(section.blocks):
                loc = ("sections", s, "blocks", b, block.kind)
                if block.paragraph is not None:
                    yield loc, "paragraph", block.paragraph
                for kind, items in (("bullet", block.bullets), ("question", block.questions)):
                    for i, item in enumerate(items or []):
                        yield loc + (i,), kind, item
                if block.triage is not None:
                    for level, signs in block.triage.levels():
                        for i, sign in enumerate(signs):
                            yield loc + (level, i), "sign", sign


class Source(StrictModel):
    """A public source a handout draws its facts from. Unknown details stay null, never guessed."""

    id: Identifier
    title: ShortText
    publisher: ShortText
    address: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    published: ShortText | None = None
    retrieved: datetime.date | None = None


class SourceRegistry(StrictModel):
    sources: list[Source] = Field(min_length=1)


class GlossaryTerm(StrictModel):
    term: ShortText
    forms: list[ShortText] = Field(min_length=1)
    plain: ShortText


class Glossary(StrictModel):
    terms: list[GlossaryTerm]
    # Words that may be written in capitals because they are acronyms, not emphasis (see check.py).
    acronyms: list[Annotated[str, Field(pattern=r"^[A-Z0-9]{2,12}$")]] = Field(default_factory=list)


WebAddress = Annotated[str, Field(pattern=r"^https?://\S+$", max_length=300)]

PHONE_LABELS = {"day": "Daytime", "after_hours": "After hours", "emergency": "Urgent line"}


class Phone(StrictModel):
    """One number and the words printed before it. A null number prints as a line to write on."""

    number: PhoneNumber | None = None
    label: ShortText


class Phones(StrictModel):
    """The clinic's numbers. A number left null prints as a line to write on, never as a made-up number.

    Each is either just the number (`day: "604-555-0100"`, or null) or `{number: ..., label: ...}`; the label
    defaults to the words in PHONE_LABELS. `emergency` is the clinic's own urgent line, if it has one: the
    emergency warning signs then name it first, and 911 is still printed.
    """

    day: Phone = Field(default_factory=lambda: Phone(label=PHONE_LABELS["day"]))
    after_hours: Phone = Field(default_factory=lambda: Phone(label=PHONE_LABELS["after_hours"]))
    emergency: Phone = Field(default_factory=lambda: Phone(label=PHONE_LABELS["emergency"]))

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        expanded = dict(data)
        for key, label in PHONE_LABELS.items():
            if key not in expanded:
                continue
            value = expanded[key]
            if isinstance(value, dict):
                expanded[key] = {"label": label, **value}
            else:  # the short form: just the number, or null
                expanded[key] = {"number": value, "label": label}
        return expanded


class Clinic(StrictModel):
    """The clinic's settings (clinic.yaml, or another file given with --clinic). Unknown details stay null."""

    name: ShortText | None = None
    logo: Image | None = Field(default=None, description="a picture inside the project, with alt text")
    phones: Phones = Field(default_factory=Phones)
    website: WebAddress | None = Field(default=None, description="the clinic's page for patients, printed with a QR code")
