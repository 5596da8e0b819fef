"""The language seam: every word careprint itself prints, the font each script is set in, and the plain-language
rules that depend on the language, from one file per language (careprint/locales/<language>.yaml).

Handouts bring their own words; this file holds the rest (triage labels and actions, the review status, "Page N
of M", write-in labels, the packet cover, the emergency number). A locale file is checked like content: unknown
keys are refused and a missing word is named with the file and key, never shown as a traceback.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .catalogue_words import CatalogueWords
from .fonts import font_files
from .problems import ContentError, Problem

LOCALE_DIR = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "en"  # for what is rendered without a handout (tests, hand-written HTML)

Words = str  # printed as given; `{name}` fields are filled in by careprint


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TriageWords(_Strict):
    """One triage level's words, in the order a reader meets them: label, what to do now, action, fallback."""

    label: Words = Field(min_length=1)
    symbol: Words = Field(min_length=1, description="what the level's symbol shows, for its alt text")
    now: Words  # the emergency's first line (empty for the other levels)
    action: Words = Field(min_length=1)
    fallback: Words
    lead: Words = Field(min_length=1)


class TriageLevels(_Strict):
    emergency: TriageWords
    call_today: TriageWords
    next_visit: TriageWords

    def __getitem__(self, name: str) -> TriageWords:
        return getattr(self, name)

    def items(self):
        return [(name, getattr(self, name)) for name in type(self).model_fields]


class Readability(_Strict):
    """The formulas that apply to this language, each with the highest grade allowed; a missing one is not run."""

    flesch_kincaid: float | None = None
    smog: float | None = None


class PlainLanguage(_Strict):
    """How a sentence is measured in this language: in words (English, French, Punjabi...) or in characters
    (Chinese, written without spaces), and the longest a plain-language sentence may be."""

    unit: Literal["words", "characters"] = "words"
    sentence_break: str = Field(min_length=1, description="regex: where one sentence ends and the next begins")
    word: str = Field(min_length=1, description="regex: one unit as a reader counts it (a word, or a character)")
    max_sentence: int = Field(ge=1, description="the most units (words or characters) a sentence may have")
    readability: Readability

    @field_validator("sentence_break", "word")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"not a valid regular expression ({error})") from None
        return value

    @cached_property
    def sentence_break_re(self) -> re.Pattern:
        return re.compile(self.sentence_break)

    @cached_property
    def word_re(self) -> re.Pattern:
        return re.compile(self.word)


class PhoneLabels(_Strict):
    day: Words = Field(min_length=1)
    after_hours: Words = Field(min_length=1)
    emergency: Words = Field(min_length=1)


class HandoutWords(_Strict):
    continued: Words
    signs_ref: Words
    summary_lead: Words
    numbers_ref: Words
    other_signs: Words
    why_label: Words
    triage_intro: Words
    sources_lead: Words
    sources_heading: Words
    sources_disclaimer: Words
    key_messages_heading: Words
    contacts_heading: Words
    online_heading: Words
    online_scan: Words
    write_in: Words = Field(min_length=1, description="the label before a line to write a phone number on")
    card_title: Words
    symbol_alt: Words
    author: Words
    translation_draft: Words = Field(min_length=1, description="every page of a translation not yet approved")
    translation_out_of_date: Words = Field(min_length=1, description="every page of a translation whose English "
                                           "text changed since it was translated")
    translation_approved: Words = Field(min_length=1, description="who checked the translation, and when")
    translated_from: Words = Field(min_length=1, description="which English version the translation is from")
    translation_out_of_date_label: Words = Field(min_length=1, description="page 1's top line for an out-of-date "
                                                 "translation: a few words (page 1's room is the emergency box's)")
    bilingual_key: Words = Field(min_length=1, description="under the title of the bilingual edition: where the "
                                 "English is")
    status_approved: Words
    status_draft: Words
    status_changed: Words
    status_unconfirmed: Words
    footer_approved: Words
    footer_draft: Words
    footer_changed: Words
    footer_unconfirmed: Words
    approval_approved: Words
    approval_changed: Words
    approval_unconfirmed: Words
    page_number: Words = Field(description="the footer's page count, with {page} and {pages} in this order")
    full_stop: Words = Field(default=".", description="what ends a sentence careprint puts together (Chinese: 。)")
    sentence_gap: Words = Field(default=" ", description="between two sentences (Chinese: nothing)")
    phone_labels: PhoneLabels
    qr_about_clinic: Words
    qr_about_unnamed: Words
    qr_alt: Words

    @field_validator("page_number")
    @classmethod
    def _page_fields(cls, value: str) -> str:
        if not re.fullmatch(r"[^{}]*\{page\}[^{}]*\{pages\}[^{}]*", value):
            raise ValueError("must hold {page} and then {pages}, once each, and no other {field}")
        return value

    @field_validator("signs_ref")
    @classmethod
    def _page_field(cls, value: str) -> str:
        if not re.fullmatch(r"[^{}]*\{page\}[^{}]*", value):
            raise ValueError("must hold {page} once (where the page number goes), and no other {field}")
        return value

    @property
    def signs_ref_parts(self) -> tuple[str, str]:
        """The words before and after the page the warning signs start on (the stylesheet prints the number)."""
        before, after = self.signs_ref.split("{page}")
        return before, after

    def sentences(self, parts: list[str]) -> str:
        """Short pieces put together as sentences, each ended the language's way: "A. B." or "甲。乙。"."""
        from markupsafe import Markup, escape

        # Markup, so that a part already in HTML (the bilingual edition's pairs) stays HTML and any other is escaped.
        return Markup(escape(self.sentence_gap)).join(escape(part) + self.full_stop for part in parts)

    @property
    def page_number_parts(self) -> tuple[str, str, str]:
        """The words before the page, between it and the page count, and after: the stylesheet puts the counters
        between them (base.css, @bottom-right), so no CSS is written from Python."""
        before, rest = self.page_number.split("{page}")
        between, after = rest.split("{pages}")
        return before, between, after


class CoverFields(_Strict):
    patient_name: Words
    date: Words
    next_appointment: Words
    care_team_phone: Words


class PacketWords(_Strict):
    cover_title: Words = Field(min_length=1)
    blank_note: Words = Field(min_length=1)
    fill_in_heading: Words
    contents_heading: Words
    contents_page: Words
    contents_hint: Words
    contents_draft: Words = Field(min_length=1, description="under a handout in the cover's list: it is a draft")
    contents_changed: Words = Field(min_length=1, description="... it changed since it was approved")
    contents_unconfirmed: Words = Field(min_length=1, description="... its approval is not confirmed")
    page_number: Words = Field(description="the packet page number at the top of each page, with {page} and "
                                           "{total} (the packet's page count) once each, in either order")
    fields: CoverFields

    @field_validator("page_number")
    @classmethod
    def _page_fields(cls, value: str) -> str:
        if sorted(re.findall(r"\{[^{}]*\}", value)) != ["{page}", "{total}"] or value.count("{") != 2 or \
                value.count("}") != 2:
            raise ValueError("must hold {page} and {total}, once each, and no other {field}")
        return value

    def page_number_parts(self, total: int) -> tuple[str, str]:
        """The words before and after the packet page number, the page count filled in: the stylesheet puts the
        page counter between them (packet.css, @top-right), so no CSS is written from Python."""
        before, after = self.page_number.split("{page}")
        return before.format(total=total), after.format(total=total)


LANGUAGE_TAG = r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$"  # BCP 47, as careprint uses it: en, fr, zh-Hans, pa


class Braille(_Strict):
    """How the language is written in braille (careprint.formats.brf): the liblouis tables, the code's name, and
    the few words only a braille file prints. A language without it gets no braille file."""

    table: str = Field(pattern=r"^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$",
                       description="liblouis tables, comma-separated, the display table first (ASCII braille)")
    code: str = Field(min_length=1, description="the braille code as readers know it, e.g. UEB grade 2")
    page_number: Words = Field(description="at the right of each page's last line, with {page} once")
    write_in: Words = Field(min_length=1, description="after a phone label whose number is not given")
    picture: Words = Field(min_length=1, description="before a picture's description")

    @field_validator("page_number")
    @classmethod
    def _page_field(cls, value: str) -> str:
        if re.findall(r"\{[^{}]*\}", value) != ["{page}"]:
            raise ValueError("must hold {page} once, and no other {field}")
        return value


class Locale(_Strict):
    """One language's words, fonts and plain-language rules."""

    language: str = Field(pattern=LANGUAGE_TAG, description="BCP 47 tag: en, fr, zh-Hans, zh-Hant, pa, fa, vi")
    name: str = Field(min_length=1, description="the language's name for itself: English, Français, 繁體中文")
    english_name: str = Field(min_length=1, description="its name in English, for staff: French")
    direction: Literal["ltr", "rtl"] = "ltr"
    script: str = Field(min_length=1, description="the script the language is written in, e.g. Latin")
    fonts: dict[str, str] = Field(description="script -> font family")
    emergency_number: str = Field(min_length=1)
    plain_language: PlainLanguage
    triage: TriageLevels
    words: HandoutWords
    packet: PacketWords
    braille: Braille | None = None  # None: no braille file for this language
    catalogue: CatalogueWords | None = None  # the staff page's words: the default language's file has them

    @model_validator(mode="before")
    @classmethod
    def _fill_emergency_number(cls, data: object) -> object:
        """`{emergency_number}` in the triage words is the number itself, written once."""
        if (isinstance(data, dict) and isinstance(data.get("triage"), dict)
                and isinstance(data.get("emergency_number"), str)):
            number = data["emergency_number"]
            data = {**data, "triage": {
                level: {key: value.replace("{emergency_number}", number) if isinstance(value, str) else value
                        for key, value in words.items()} if isinstance(words, dict) else words
                for level, words in data["triage"].items()}}
        return data

    @model_validator(mode="after")
    def _font_for_script(self) -> Locale:
        if self.script not in self.fonts:
            raise ValueError(f"fonts has no family for the script {self.script}")
        for family in self.fonts.values():  # a family careprint has no files for is an error here, not at render
            font_files(family)
        return self

    @property
    def font_family(self) -> str:
        """The family of the language's own script."""
        return self.fonts[self.script]

    @property
    def font_stack(self) -> tuple[str, ...]:
        """Every family the language's text is set in, its own script's first, then the others as the file lists
        them (e.g. Latin, for digits, 911 and English source titles): the page's font-family, in this order."""
        return tuple(dict.fromkeys([self.font_family, *self.fonts.values()]))

    # The words for each approval state (careprint.approval.state_of: draft, approved, changed, unconfirmed).

    def status_line(self, version: str, review, state: str) -> str:
        """The review status under the title, exactly as it is: a draft, or a text changed since its approval, or an
        approval not confirmed for this text, says so plainly."""
        words = getattr(self.words, f"status_{state}")
        return words.format(version=version, approved_on=review.approved_on, next_review=review.next_review)

    def footer_status(self, version: str, review, state: str) -> str:
        """The review status in few words, for a footer that must stay within two lines in large print."""
        return getattr(self.words, f"footer_{state}").format(version=version, approved_on=review.approved_on)

    def approval_line(self, review, state: str) -> str:
        """Who approved the text and when, printed small by the sources; "" for a draft, which has no approver."""
        if state == "draft":
            return ""
        return getattr(self.words, f"approval_{state}").format(approved_by=review.approved_by,
                                                               approved_on=review.approved_on)

    def contents_note(self, state: str) -> str:
        """What the packet's cover says under a handout that is not an approved text; "" for an approved one."""
        return "" if state == "approved" else getattr(self.packet, f"contents_{state}")


# A project's own languages: translations/<tag>/locale.yaml, registered when its library is loaded
# (careprint.library), so a clinic adds a language with files alone. careprint's own come from LOCALE_DIR.
_PROJECT_LOCALES: dict[str, Path] = {}


def use_project_locales(translations: Path) -> None:
    """Make the locale files of a project's translations/<tag>/locale.yaml known (a project's file wins over
    careprint's own for the same language: a clinic may reword careprint's words)."""
    _PROJECT_LOCALES.clear()
    if translations.is_dir():
        for path in sorted(translations.glob("*/locale.yaml")):
            _PROJECT_LOCALES[path.parent.name] = path


def available_languages() -> list[str]:
    """Every language careprint has words for: its own locale files and the project's."""
    return sorted({p.stem for p in LOCALE_DIR.glob("*.yaml")} | set(_PROJECT_LOCALES))


def known_language(tag: str) -> str | None:
    """The language careprint has words for that a tag such as 'en', 'en-CA' or 'zh-Hant' names, or None: the
    whole tag if there is a locale for it, else its primary subtag. Only a known locale's name is returned: a PDF's
    /Lang never names a file to read."""
    if not isinstance(tag, str):
        return None
    known = {language.lower(): language for language in available_languages()}
    return known.get(tag.lower()) or known.get(tag.split("-")[0].lower())


def locale_file(language: str, folder: Path | None = None) -> Path:
    if folder is None and language in _PROJECT_LOCALES:
        return _PROJECT_LOCALES[language]
    return (folder or LOCALE_DIR) / f"{language}.yaml"


def load_locale(language: str, folder: Path | None = None) -> Locale:
    """The locale of `language`, read once; a missing or wrong file is a ContentError naming the file and key."""
    return _load(language, locale_file(language, folder))


@cache
def _load(language: str, path: Path) -> Locale:
    from .load import load_model

    shown = f"careprint/locales/{path.name}" if path.parent == LOCALE_DIR else str(path)
    if not path.is_file():
        raise ContentError([Problem(shown, None, "", f"there is no locale file for the language {language!r}",
                                    f"add translations/{language}/locale.yaml to the project, copied from "
                                    "careprint/locales/en.yaml, with every word translated")])
    locale, _ = load_model(path, Locale, shown)
    if locale.language != language:  # it is every page's lang attribute (templates/base.html.j2)
        raise ContentError([Problem(shown, None, "language", f"the file says language {locale.language!r}, but it "
                                    f"is the locale file for {language!r}", f"write language: {language}")])
    return locale
