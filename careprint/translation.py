"""Translations you can trust to be current: a handout in another language, bound to the English text it translates.

Why this module exists: a translation that silently lags behind its English handout tells a patient something the
clinic no longer says. So a translation is not a second handout written freely; it is the English handout's every
printed text paired with its translation (translations/<language>/<handout id>.yaml), as a translation memory does:

    language: fr
    translates: hypercalcemia
    english_version: "1.1"
    english_fingerprint: "sha256:..."   # written by `careprint translate`: the English text these pairs translate
    translator: ...
    review: {status: draft, next_review: 2027-05-24}
    texts:
      - english: High calcium in the blood
        translation: Taux élevé de calcium dans le sang

The translated handout is the English one with each text replaced by its pair (structure, pictures, phone numbers
and sources stay the English handout's), so it can never gain or lose a warning sign the English has.

A translation is *out of date* when the English text changed since the fingerprint was recorded (careprint.approval
measures the English text the same way an approval does), or when an English text has no translation: `check`
names each English sentence that is new or changed (and the old one it replaced), `--release` refuses it, and every
page says it may not match the English. A text with no translation is printed in English, marked as English.
A translation has its own review: until a qualified medical translator approves it (`careprint approve ID
--language TAG`), every page says, in its language and in English, that it is a draft translation.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated

from markupsafe import Markup
from pydantic import BaseModel, Field, PrivateAttr

from .fields import FINGERPRINT_FORM, VERSION_FORM, Identifier, ShortText, StrictModel
from .locale import LANGUAGE_TAG, Locale, load_locale
from .model import Handout, Review

NOT_TRANSLATED = ""  # a pair whose translation is still to be written


class TextPair(StrictModel):
    """One English text the handout prints, and its translation ("" while it is still to be written)."""

    english: Annotated[str, Field(min_length=1, max_length=800)]
    translation: Annotated[str, Field(max_length=800)]


class Translation(StrictModel):
    language: Annotated[str, Field(pattern=LANGUAGE_TAG)]
    translates: Identifier = Field(description="the id of the English handout this translates")
    english_version: Annotated[str, Field(pattern=VERSION_FORM)]
    english_fingerprint: Annotated[str, Field(pattern=FINGERPRINT_FORM)] | None = Field(
        default=None, description="written by `careprint translate`: the English text these pairs translate")
    translator: ShortText | None = Field(default=None, description="who translated it (never a claim of "
                                         "certification: that is the review's, by a qualified medical translator)")
    review: Review
    texts: list[TextPair] = Field(min_length=1)
    # The fingerprint of this translation as loaded (translation_fingerprint), compared with its review's.
    _printed_fingerprint: str | None = PrivateAttr(default=None)

    @cached_property
    def table(self) -> dict[str, str]:
        return {pair.english: pair.translation for pair in self.texts if pair.translation != NOT_TRANSLATED}


def translation_fingerprint(translation: Translation) -> str:
    """What the translation's approval approves: its pairs, the English text they translate, its language."""
    document = translation.model_dump(mode="json", exclude={"review"}, exclude_defaults=True)
    data = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return "sha256:" + hashlib.sha256(data).hexdigest()


def english_texts(handout: Handout) -> list[str]:
    """Every text of the (resolved) English handout a reader meets, once each, in reading order: what a translation
    pairs. A picture's alt text counts: a screen reader says it."""
    texts = [text for _, _, text in handout.texts()]
    texts += [picture.alt for _, picture in handout.pictures()]
    return list(dict.fromkeys(texts))


SKIPPED_FIELDS = {"id", "file", "include", "sources", "read_more", "language", "version", "review"}


def swap_texts(value, table: dict, skipped: set[str] = SKIPPED_FIELDS):
    """`value` with every string that is a key of `table` replaced by its value (models copied, not changed), except
    in the fields named in `skipped` (ids, file names, the review)."""
    if isinstance(value, str):
        return table.get(value, value)
    if isinstance(value, list):
        return [swap_texts(item, table, skipped) for item in value]
    if isinstance(value, BaseModel):
        update = {name: swap_texts(getattr(value, name), table, skipped) for name in type(value).model_fields
                  if name not in skipped}
        return value.model_copy(update=update)
    return value


def translated_handout(english: Handout, translation: Translation) -> Handout:
    """The English handout with each text in the translation's language; a text with no translation stays English.
    Its review stays the English handout's: the clinical approval of what it says (the translation's own review is
    printed beside it)."""
    handout = swap_texts(english, translation.table).model_copy(update={"language": translation.language})
    handout._printed_fingerprint = english._printed_fingerprint
    return handout


@dataclass
class Changes:
    """How a translation stands against the English text it translates."""

    recorded: bool  # a fingerprint of the English text was recorded (`careprint translate`)
    english_changed: bool  # the English text is not the one recorded
    untranslated: list[str] = field(default_factory=list)  # English texts with no translation (new or changed)
    unused: list[TextPair] = field(default_factory=list)  # pairs whose English the handout no longer prints

    @property
    def out_of_date(self) -> bool:
        return self.english_changed or bool(self.untranslated)

    def replaced(self, english: str) -> TextPair | None:
        """The unused pair most like a new English text: the sentence it most likely replaced, or None."""
        best = difflib.get_close_matches(english, [pair.english for pair in self.unused], n=1, cutoff=0.5)
        return next((pair for pair in self.unused if best and pair.english == best[0]), None)


def changes(english: Handout, translation: Translation) -> Changes:
    texts = english_texts(english)
    printed = set(texts)
    return Changes(
        recorded=translation.english_fingerprint is not None,
        english_changed=translation.english_fingerprint != english._printed_fingerprint,
        untranslated=[text for text in texts if text not in translation.table],
        unused=[pair for pair in translation.texts if pair.english not in printed],
    )


@dataclass
class LoadedTranslation:
    translation: Translation
    path: Path
    shown: str
    doc: object  # careprint.load._Document: line numbers of every key

    @property
    def language(self) -> str:
        return self.translation.language

    @property
    def handout_id(self) -> str:
        return self.translation.translates

    def line_of_pair(self, english: str, key: str = "english") -> int | None:
        for index, pair in enumerate(self.translation.texts):
            if pair.english == english:
                return self.doc.line_of(("texts", index, key))
        return None


@dataclass
class TranslationNotes:
    """What the page says about a translation: the notice on every page (in its language, then in English), which
    English version it comes from, and who checked it. Built once per render (careprint.render)."""

    language: Locale
    english: Locale
    draft: bool
    out_of_date: bool
    translated_from: str
    approval: str

    def _notices(self, locale: Locale) -> list[str]:
        words = locale.words
        return ([words.translation_draft] if self.draft else []) + \
               ([words.translation_out_of_date] if self.out_of_date else [])

    @property
    def notice(self) -> str:
        """In the language."""
        return " ".join(self._notices(self.language))

    def _isolated(self, english: str) -> str:
        """English inside a right-to-left page, each line's punctuation held by left-to-right marks (U+200E) so a full
        stop stays at its end: the margin's text is a plain string, with no element to carry dir="ltr"."""
        return f"\u200e{english}\u200e" if english and self.language.direction == "rtl" else english

    @property
    def notice_english(self) -> str:
        return self._isolated(" ".join(self._notices(self.english)))

    def _labels(self, locale: Locale) -> str:
        words = locale.words
        return " ".join(([words.translation_draft] if self.draft else []) +
                        ([words.translation_out_of_date_label] if self.out_of_date else []))

    @property
    def label(self) -> str:
        """Page 1's top lines, in the language then in English: the draft sentence whole, an out-of-date translation
        in a few words (page 1's room is the emergency box's; the sentence is by the sources)."""
        return self._labels(self.language) + "\n" + self._isolated(self._labels(self.english))

    @property
    def any(self) -> bool:
        return self.draft or self.out_of_date


def translation_notes(item) -> TranslationNotes | None:
    """What the page says about the item's translation; None for a handout in its own language."""
    loaded = getattr(item, "translation", None)
    return notes_for(item.english.handout, loaded) if loaded else None


def notes_for(english: Handout, loaded: LoadedTranslation) -> TranslationNotes:
    from .approval import APPROVED, state_of

    translation = loaded.translation
    locale = load_locale(translation.language)
    approved = state_of(translation) == APPROVED
    review = translation.review
    return TranslationNotes(
        language=locale,
        english=load_locale("en"),
        draft=not approved,
        out_of_date=changes(english, translation).out_of_date,
        translated_from=locale.words.translated_from.format(version=translation.english_version),
        approval=locale.words.translation_approved.format(approved_by=review.approved_by,
                                                          approved_on=review.approved_on) if approved else "",
    )


def pairs_in_order(english: Handout, translation: Translation) -> Iterator[tuple[str, str]]:
    """(English, translation or "") for every text the English handout prints now, in reading order: the content
    of the file `careprint translate` writes."""
    table = translation.table if translation else {}
    for text in english_texts(english):
        yield text, table.get(text, NOT_TRANSLATED)


# ---------------------------------------------------------------------------------------------------------------
# The bilingual edition: the patient's language, with the English under every text, each part tagged with its
# language so a screen reader reads it in that language, and staff or family can read along.

BILINGUAL_SKIPPED = SKIPPED_FIELDS | {"alt"}  # an alt text is an attribute: the page's language alone


def pair(own: str, english: str, language: str) -> Markup:
    """One text in both languages: the patient's first, then the English, each in its own element and language."""
    direction = load_locale(language).direction
    return Markup('<span class="pair"><span class="own" lang="{}" dir="{}">{}</span> '
                  '<span class="english" lang="en" dir="ltr">{}</span></span>').format(
        language, direction, own, english)


def bilingual_handout(english: Handout, translated: Handout, translation: Translation) -> Handout:
    """The translated handout with each translated text paired with its English (an untranslated text, still English,
    is printed once)."""
    table = {own: pair(own, text, translation.language) for text, own in translation.table.items()}
    handout = swap_texts(translated, table, BILINGUAL_SKIPPED)
    handout._printed_fingerprint = english._printed_fingerprint
    return handout


PAIRED_WORDS = ("key_messages_heading", "contacts_heading", "sources_heading", "triage_intro", "why_label",
                "bilingual_key")


def bilingual_locale(locale: Locale) -> Locale:
    """The language's words with the English beside the ones a reader acts on: each warning level's label, what to
    do, and the section headings. Words printed in attributes or the page's margins stay in the language alone."""
    english = load_locale("en")
    levels = {name: words.model_copy(update={
        key: pair(getattr(words, key), getattr(english.triage[name], key), locale.language)
        for key in ("label", "now", "action", "fallback", "lead") if getattr(words, key)})
        for name, words in locale.triage.items()}
    words = locale.words.model_copy(update={key: pair(getattr(locale.words, key), getattr(english.words, key),
                                                      locale.language) for key in PAIRED_WORDS})
    return locale.model_copy(update={"triage": locale.triage.model_copy(update=levels), "words": words})
