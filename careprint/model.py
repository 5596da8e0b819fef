"""The typed shape of a handout, the source registry, the glossary and the clinic settings.

Validation lives here (pydantic, unknown keys rejected, no type coercion) so that a content mistake is caught
before anything is rendered, and so that the JSON Schema editors use is generated from the same definitions. The
block types a section is made of, and the text each prints, are in blocks.py; the triage block's content is in
triage.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from typing import Annotated, Literal

from pydantic import Field, PrivateAttr, model_validator

from .blocks import BLOCK_TYPES, AnyBlock, Image, TriageBlock
from .fields import (
    ACRONYM_FORM,
    ADDRESS_FORM,
    FINGERPRINT_FORM,
    PHONE_FORM,
    VERSION_FORM,
    Identifier,
    Loc,
    PrintedText,
    ShortText,
    StrictModel,
    Text,
)
from .locale import LANGUAGE_TAG
from .triage import TRIAGE_LEVEL_NAMES, URGENT_LEVELS, Include, SignList, TriageLevel
from .triage import SignGroup as SignGroup  # re-exported: other modules import the triage names from here
from .triage import SignLists as SignLists

PhoneNumber = Annotated[str, Field(pattern=PHONE_FORM)]


Fingerprint = Annotated[str, Field(pattern=FINGERPRINT_FORM)]


class Review(StrictModel):
    """Clinical review status. The tool prints it truthfully and never invents an approval: only `careprint approve`
    (or an author typing it) sets one. `fingerprint` binds the approval to the text that was approved
    (careprint.approval): any later change to that text makes the handout "changed since approval"."""

    status: Literal["draft", "approved"]
    approved_by: ShortText | None = None
    approved_on: datetime.date | None = None
    fingerprint: Fingerprint | None = Field(
        default=None, description="written by `careprint approve`: the sha256 of the text that was approved")
    next_review: datetime.date

    @model_validator(mode="after")
    def _approval_is_complete(self) -> Review:
        if self.status == "approved" and not (self.approved_by and self.approved_on):
            raise ValueError("an approved handout needs both approved_by and approved_on")
        if self.status == "draft" and (self.approved_by or self.approved_on or self.fingerprint):
            raise ValueError("a draft cannot name an approver, an approval date or a fingerprint; record an "
                             "approval with careprint approve")
        return self


class Section(StrictModel):
    heading: ShortText
    blocks: list[AnyBlock] = Field(min_length=1, description="the section's content in reading order; each block "
                                   "is one key naming its type: " + ", ".join(BLOCK_TYPES))


class Handout(StrictModel):
    """One patient handout: metadata, key messages first, then its sections in reading order."""

    id: Identifier
    title: ShortText
    subtitle: ShortText | None = None
    language: Annotated[str, Field(pattern=LANGUAGE_TAG)] = Field(
        description="BCP 47 language tag (en, fr, zh-Hans, zh-Hant, pa, fa, vi): a language careprint has a locale "
                    "file for (careprint/locales/, or the project's translations/<tag>/locale.yaml)")
    audience: ShortText
    version: Annotated[str, Field(pattern=VERSION_FORM)]
    sources: list[Identifier] = Field(default_factory=list)
    review: Review
    key_messages: list[Text] = Field(min_length=1, max_length=4)
    read_more: Identifier | None = Field(
        default=None, description="the source (one of `sources`) whose web page the QR code opens: the one most "
                                  "about this handout's topic; default: the first source with an address")
    sections: list[Section] = Field(min_length=1)
    # The fingerprint of this text as loaded (careprint.approval.stamp, set by the library): compared with the one
    # the approval recorded, it says whether this is the approved text. Never read from or written to a file.
    _printed_fingerprint: str | None = PrivateAttr(default=None)

    def triage_blocks(self) -> list[TriageBlock]:
        """Every triage block, in reading order."""
        return [block for section in self.sections for block in section.blocks if isinstance(block, TriageBlock)]

    def triage_levels(self) -> list[TriageLevel]:
        """Every level of every triage block, in reading order."""
        return [level for block in self.triage_blocks() for level in block.triage.levels()]

    def most_urgent_level(self) -> str | None:
        names = {level.name for level in self.triage_levels()}
        return next((name for name in TRIAGE_LEVEL_NAMES if name in names), None)

    def emergency_summaries(self) -> list[str]:
        """Page 1's emergency box names these: the emergency lists' summaries (or titles), in order."""
        return list(dict.fromkeys(summary for block in self.triage_blocks()
                                  for summary in block.triage.emergency_summaries()))

    def urgent_signs(self) -> list[str]:
        """The emergency and call-today warning signs of every triage block: what a quick-reference card prints."""
        return [sign for level in self.triage_levels() if level.name in URGENT_LEVELS for sign in level.signs]

    def texts(self) -> Iterator[PrintedText]:
        """Every piece of printed content in reading order, as (key path, kind, text); each block declares its own
        (Block.texts)."""
        yield ("title",), "title", self.title
        if self.subtitle:
            yield ("subtitle",), "subtitle", self.subtitle
        for index, message in enumerate(self.key_messages):
            yield ("key_messages", index), "key_message", message
        for s, section in enumerate(self.sections):
            yield ("sections", s, "heading"), "heading", section.heading
            for b, block in enumerate(section.blocks):
                yield from block.texts(("sections", s, "blocks", b))

    def pictures(self) -> Iterator[tuple[Loc, Image]]:
        """Every picture the handout shows, with the key path of its file."""
        for s, section in enumerate(self.sections):
            for b, block in enumerate(section.blocks):
                for picture in block.pictures():
                    yield ("sections", s, "blocks", b, block.kind, "file"), picture


class Source(StrictModel):
    """A public source a handout draws its facts from. Unknown details stay null, never guessed."""

    id: Identifier
    title: ShortText
    publisher: ShortText
    address: Annotated[str, Field(pattern=ADDRESS_FORM)] | None = None
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
    acronyms: list[Annotated[str, Field(pattern=ACRONYM_FORM)]] = Field(default_factory=list)


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
    _key: str | None = PrivateAttr(default=None)  # day, after_hours or emergency (set by Phones)

    def printed_label(self, locale) -> str:
        """The label in the page's language: a label the clinic left to careprint (the default) is the locale's; one
        the clinic wrote is printed as written."""
        if self._key and self.label == default_phone_label(self._key):
            return getattr(locale.words.phone_labels, self._key)
        return self.label


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

    @model_validator(mode="after")
    def _keys(self) -> Phones:
        for key in PHONE_KEYS:
            getattr(self, key)._key = key
        return self


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
            if isinstance(block, TriageBlock):
                update = {level: [lists.get(item.include, item) if isinstance(item, Include) else item
                                  for item in getattr(block.triage, level)]
                          for level in TRIAGE_LEVEL_NAMES if getattr(block.triage, level)}
                block = block.model_copy(update={"triage": block.triage.model_copy(update=update)})
            blocks.append(block)
        sections.append(section.model_copy(update={"blocks": blocks}))
    return handout.model_copy(update={"sections": sections})
