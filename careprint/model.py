"""The typed shape of handout content, the source registry, the glossary and the clinic settings.

Validation lives here (pydantic, unknown keys rejected, no type coercion) so that a content mistake is caught
before anything is rendered, and so that the JSON Schema editors use is generated from the same definitions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Text = Annotated[str, Field(min_length=1, max_length=800)]
ShortText = Annotated[str, Field(min_length=1, max_length=120)]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
PhoneNumber = Annotated[str, Field(pattern=r"^[0-9+() .\-]{3,30}( ext\.? ?[0-9]{1,6})?$")]


TRIAGE_LEVEL_NAMES = ("emergency", "call_today", "next_visit")  # most urgent first


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


class Include(StrictModel):
    """`- include: high-calcium`: a shared list of warning signs from reference/warning-signs.yaml.

    A list that several handouts print is written once, so the handouts can never disagree about a sign or its
    timing. The library replaces each include with the list itself (see resolve_triage) before anything checks or
    prints the handout.
    """

    include: Identifier


SignItem = Text | Include


@dataclass(frozen=True)
class SignGroup:
    """Signs printed together under a level: a shared list (with its title) or the handout's own signs."""

    title: str | None
    signs: tuple[str, ...]
    why: str | None = None
    note: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class TriageLevel:
    """One level of a triage block as printed: its name, its groups of signs and why acting fast matters."""

    name: str
    groups: tuple[SignGroup, ...]

    @property
    def signs(self) -> list[str]:
        return [sign for group in self.groups for sign in group.signs]

    @property
    def why(self) -> list[str]:
        return list(dict.fromkeys(group.why for group in self.groups if group.why))

    @property
    def notes(self) -> list[str]:
        return list(dict.fromkeys(group.note for group in self.groups if group.note))


class Triage(StrictModel):
    """When to get help: each warning sign sits under the action the reader should take.

    Each level lists signs (text) and shared lists (`include: ID`), most urgent level first.
    """

    emergency: list[SignItem] | None = Field(default=None, min_length=1)
    call_today: list[SignItem] | None = Field(default=None, min_length=1)
    next_visit: list[SignItem] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _has_a_level(self) -> Triage:
        if not (self.emergency or self.call_today or self.next_visit):
            raise ValueError("a triage block needs at least one of emergency, call_today, next_visit")
        return self

    def includes(self) -> Iterator[tuple[str, int, str]]:
        """(level, index, list id) of every `include:` in this block."""
        for level in TRIAGE_LEVEL_NAMES:
            for index, item in enumerate(getattr(self, level) or []):
                if isinstance(item, Include):
                    yield level, index, item.include

    def levels(self) -> list[TriageLevel]:
        """The levels present, most urgent first, with shared lists resolved (resolve_triage must have run)."""
        found = []
        for name in TRIAGE_LEVEL_NAMES:
            groups: list[SignGroup] = []
            for item in getattr(self, name) or []:
                if isinstance(item, SignList):
                    groups.append(SignGroup(item.title, tuple(item.signs), item.why, item.note, item.summary))
                elif isinstance(item, Include):
                    raise LookupError(f"the shared sign list '{item.include}' was not resolved")
                elif groups and groups[-1].title is None:
                    groups[-1] = SignGroup(None, groups[-1].signs + (item,))
                else:
                    groups.append(SignGroup(None, (item,)))
            if groups:
                found.append(TriageLevel(name, tuple(groups)))
        return found


class SignList(StrictModel):
    """A list of warning signs shared by several handouts (reference/warning-signs.yaml).

    The list names its level, so every handout that includes it gives the same signs the same timing, and says in
    one sentence why acting fast matters.
    """

    id: Identifier
    level: Literal["emergency", "call_today", "next_visit"]
    title: ShortText = Field(description="shown above the list when a level holds more than one group of signs")
    why: Text | None = Field(default=None, description="one sentence: why acting fast matters")
    note: Text | None = Field(default=None, description="what to do for these signs besides the level's action, "
                                                          "printed above them")
    summary: ShortText | None = Field(default=None, description="the signs in a few words, for page 1's emergency "
                                                                 "box (emergency lists)")
    signs: list[Text] = Field(min_length=1)


class SignLists(StrictModel):
    lists: list[SignList] = Field(min_length=1)


class Image(StrictModel):
    """A picture from the project's images/ folder. Its alt text is what a screen reader says instead."""

    file: Annotated[str, Field(min_length=1, max_length=200,
                               description="path inside the project, e.g. images/spine.png")]
    alt: Text
    caption: Text | None = Field(default=None, description="printed under the picture: what it shows, in words")


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
    read_more: Identifier | None = Field(
        default=None, description="the source (one of `sources`) whose web page the QR code opens: the one most "
                                  "about this handout's topic; default: the first source with an address")
    sections: list[Section] = Field(min_length=1)

    def triage_levels(self) -> list[TriageLevel]:
        """Every level of every triage block, in reading order."""
        return [level for section in self.sections for block in section.blocks if block.triage
                for level in block.triage.levels()]

    def most_urgent_level(self) -> str | None:
        names = {level.name for level in self.triage_levels()}
        return next((name for name in TRIAGE_LEVEL_NAMES if name in names), None)

    def emergency_summaries(self) -> list[str]:
        """Page 1's emergency box names these: the emergency lists' summaries (or titles), in order."""
        return list(dict.fromkeys(group.summary or group.title for level in self.triage_levels()
                                  if level.name == "emergency" for group in level.groups
                                  if group.summary or group.title))

    def urgent_signs(self) -> list[str]:
        """The emergency and call-today warning signs of every triage block: what a quick-reference card prints."""
        return [sign for level in self.triage_levels() if level.name in URGENT_LEVELS for sign in level.signs]

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
                if block.image is not None and block.image.caption:
                    yield loc + ("caption",), "caption", block.image.caption
                for kind, items in (("bullet", block.bullets), ("question", block.questions)):
                    for i, item in enumerate(items or []):
                        yield loc + (i,), kind, item
                if block.triage is not None:
                    for level in block.triage.levels():
                        for i, item in enumerate(getattr(block.triage, level.name)):
                            texts = item.signs if isinstance(item, SignList) else [item]
                            for text in texts:
                                yield loc + (level.name, i), "sign", text
                        for text in (*level.notes, *level.why):
                            yield loc + (level.name,), "why", text
                        if level.name == "emergency":
                            for text in self.emergency_summaries():
                                yield loc + (level.name,), "summary", text


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

PHONE_KEYS = ("day", "after_hours", "emergency")


def default_phone_label(key: str) -> str:
    """The label printed before a number the clinic settings give no label for: the locale's words. The clinic
    settings have no language of their own, so this is careprint's default language (careprint/locales/)."""
    from .locale import DEFAULT_LANGUAGE, load_locale

    return getattr(load_locale(DEFAULT_LANGUAGE).words.phone_labels, key)


class Phone(StrictModel):
    """One number and the words printed before it. A null number prints as a line to write on."""

    number: PhoneNumber | None = None
    label: ShortText


class Phones(StrictModel):
    """The clinic's numbers. A number left null prints as a line to write on, never as a made-up number.

    Each is either just the number (`day: "604-555-0100"`, or null) or `{number: ..., label: ...}`; the label
    defaults to the locale's words (default_phone_label). `emergency` is the clinic's own urgent line, if it has
    one: the emergency warning signs then name it first, and 911 is still printed.
    """

    day: Phone = Field(default_factory=lambda: Phone(label=default_phone_label("day")))
    after_hours: Phone = Field(default_factory=lambda: Phone(label=default_phone_label("after_hours")))
    emergency: Phone = Field(default_factory=lambda: Phone(label=default_phone_label("emergency")))

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        expanded = dict(data)
        for key in PHONE_KEYS:
            if key not in expanded:
                continue
            label = default_phone_label(key)
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
    website: WebAddress | None = Field(default=None,
                                       description="the clinic's page for patients, printed with a QR code")


def resolve_triage(handout: Handout, lists: Mapping[str, SignList]) -> Handout:
    """The handout with every `include:` replaced by its shared list (unknown ids are the library's to report)."""
    sections = []
    for section in handout.sections:
        blocks = []
        for block in section.blocks:
            if block.triage is not None:
                update = {level: [lists.get(item.include, item) if isinstance(item, Include) else item
                                  for item in getattr(block.triage, level)]
                          for level in TRIAGE_LEVEL_NAMES if getattr(block.triage, level)}
                block = block.model_copy(update={"triage": block.triage.model_copy(update=update)})
            blocks.append(block)
        sections.append(section.model_copy(update={"blocks": blocks}))
    return handout.model_copy(update={"sections": sections})
