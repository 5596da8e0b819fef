"""`careprint translate ID --language TAG`: start or update a translation file, and record which English it matches.

Why this module exists: a translator should never have to find, by hand, which English sentences are new or changed,
nor copy them exactly (the pairs are matched by their English text). This command writes
translations/<TAG>/<ID>.yaml with every text the English handout prints now, in reading order: the translation of
each text already translated is kept; a new or changed English text gets an empty translation to fill in; a pair
whose English the handout no longer prints is kept below as a comment (the old English and its translation), so the
translator can reuse it. When every text has a translation, the file records the English handout's version and the
fingerprint of its text (careprint.approval): the translation is then current, until the English changes again.

The file is written whole (comments other than careprint's own are not kept), atomically, and read back first: what
is written must load as a translation with exactly these pairs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .load import _compose
from .problems import CareprintError
from .translation import NOT_TRANSLATED, Translation, changes, english_texts
from .write import write_atomic


def _scalar(value) -> str:
    """A YAML scalar: JSON's double-quoted form is valid YAML and keeps every character visible and exact."""
    return json.dumps(value, ensure_ascii=False)


@dataclass
class Translated:
    file: str
    texts: int
    to_translate: int
    recorded: bool  # the English text was recorded: every text is translated

    def lines(self) -> list[str]:
        if self.recorded:
            return [f"{self.file}: all {self.texts} texts are translated; recorded that they translate the English "
                    "text as it is now. A change to the English makes this translation 'out of date' again."]
        return [f"{self.file}: {self.to_translate} of {self.texts} texts to translate (each with translation: \"\"); "
                "fill them in, then run this command again to record which English they translate."]


def translation_text(english_item, language: str, old: Translation | None) -> tuple[str, int, bool]:
    """The translation file's text, how many texts are still to translate, and whether the English was recorded."""
    handout = english_item.handout
    table = old.table if old else {}
    texts = english_texts(handout)
    missing = sum(1 for text in texts if text not in table)
    recorded = missing == 0
    review = old.review if old else None
    version = handout.version if recorded or not old else old.english_version
    lines = [f"# The handout {handout.id} (handouts/{english_item.path.name}) in {language}: every English text it",
             "# prints, in reading order, with its translation. Written by careprint translate; see the README,",
             "# \"Translations\". Keep each `english:` exactly as it is: it is how the pair is found.",
             f"language: {language}",
             f"translates: {handout.id}",
             f"english_version: {_scalar(version)}",
             "english_fingerprint: " + (_scalar(handout._printed_fingerprint) if recorded else
                                        _scalar(old.english_fingerprint) if old and old.english_fingerprint
                                        else "null"),
             "translator: " + (_scalar(old.translator) if old and old.translator else "null"),
             "review:",
             f"  status: {review.status if review else 'draft'}"]
    if review and review.approved_by:
        lines.append(f"  approved_by: {_scalar(review.approved_by)}")
    if review and review.approved_on:
        lines.append(f"  approved_on: {review.approved_on.isoformat()}")
    if review and review.fingerprint:
        lines.append(f"  fingerprint: {_scalar(review.fingerprint)}")
    lines.append(f"  next_review: {(review.next_review if review else handout.review.next_review).isoformat()}")
    lines.append("texts:")
    for text in texts:
        lines.append(f"  - english: {_scalar(text)}")
        lines.append(f"    translation: {_scalar(table.get(text, NOT_TRANSLATED))}")
    unused = changes(handout, old).unused if old else []
    if unused:
        lines.append("# No longer in the English handout (kept here to reuse; careprint does not read these):")
        for pair in unused:
            lines.append(f"#   english: {_scalar(pair.english)}")
            lines.append(f"#   translation: {_scalar(pair.translation)}")
    return "\n".join(lines) + "\n", missing, recorded


def translate(library, handout_id: str, language: str) -> Translated:
    """Write (or update) the translation file of `handout_id` into `language`."""
    english = library.by_id[handout_id]
    existing = next((item for item in library.translations_of(handout_id) if item.language == language), None)
    path = existing.path if existing else library.project.translations / language / f"{handout_id}.yaml"
    text, missing, recorded = translation_text(english, language, existing.translation if existing else None)
    shown = library.project.shown(path) if path.exists() else f"translations/{language}/{handout_id}.yaml"
    try:
        written = Translation.model_validate(_compose(text, shown).data)
    except Exception as error:  # a careprint bug: never write a file it cannot read back
        raise CareprintError(f"careprint could not write {shown} safely ({error}); nothing was written") from None
    if [pair.english for pair in written.texts] != english_texts(english.handout):
        raise CareprintError(f"careprint could not write {shown} safely; nothing was written")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_atomic(Path(path), text.encode("utf-8"))
    return Translated(shown, len(written.texts), missing, recorded)
