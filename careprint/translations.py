"""A project's translations, loaded with its library: translations/<language tag>/<handout id>.yaml, with the
language's words (locale.yaml) and its glossary (glossary.yaml) beside them.

Why this is apart from careprint.library: a translation is checked against the English handout it translates (the
id it names, its folder, its language), and it becomes, on request, a handout of its own language
(TranslatedHandout) that every later stage (checks, render, verification) takes like any other.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .load import key_path
from .locale import available_languages
from .model import Glossary
from .problems import Problem
from .project import Project
from .translation import LoadedTranslation, Translation, english_texts, translated_handout, translation_fingerprint


def load_translations(project: Project, handouts, attempt, problems: list[Problem]):
    """(the translations, each language's glossary) checked against the English handouts; problems are added to
    `problems`, each with the file and line."""
    by_id = {item.handout.id: item for item in handouts}
    loaded: list[LoadedTranslation] = []
    seen: set[tuple[str, str]] = set()
    for path in project.translation_files():
        result = attempt(path, Translation)
        if not result:
            continue
        translation, doc = result
        item = LoadedTranslation(translation, path, project.shown(path), doc)
        where = lambda key, item=item, doc=doc: (item.shown, doc.line_of((key,)), key)  # noqa: E731
        folder = path.parent.name
        if translation.language != folder:
            problems.append(Problem(*where("language"), f"this file is in the folder translations/{folder}/, but "
                                    f"says language {translation.language}",
                                    f"write language: {folder}, or move the file to translations/"
                                    f"{translation.language}/"))
            continue
        if translation.language not in available_languages():
            problems.append(Problem(*where("language"), f"careprint has no words for the language "
                                    f"'{translation.language}'", f"add translations/{translation.language}/"
                                    "locale.yaml, copied from careprint/locales/en.yaml, with every word translated"))
            continue
        english = by_id.get(translation.translates)
        if english is None:
            close = difflib.get_close_matches(translation.translates, list(by_id), n=1)
            problems.append(Problem(*where("translates"), f"there is no handout '{translation.translates}' to "
                                    "translate", f"did you mean '{close[0]}'?" if close else
                                    f"the handouts are: {', '.join(sorted(by_id))}"))
            continue
        if path.stem != translation.translates:
            problems.append(Problem(*where("translates"), f"this translates '{translation.translates}', but the "
                                    f"file is named '{path.name}'", f"rename the file to {translation.translates}"
                                    ".yaml"))
            continue
        if translation.language == english.handout.language:
            problems.append(Problem(*where("language"), f"the handout '{translation.translates}' is already in "
                                    f"{translation.language}", "a translation is into another language"))
            continue
        if (translation.language, translation.translates) in seen:
            continue
        seen.add((translation.language, translation.translates))
        for index, pair in enumerate(translation.texts):
            if pair.translation.strip() != pair.translation:
                problems.append(Problem(item.shown, doc.line_of(("texts", index, "translation")),
                                        key_path(("texts", index, "translation")),
                                        "the translation starts or ends with a space",
                                        "remove the space: careprint keeps text exactly as written"))
        translation._printed_fingerprint = translation_fingerprint(translation)
        loaded.append(item)
    glossaries: dict[str, Glossary] = {}
    for language in sorted({item.language for item in loaded}):
        path = project.translations / language / "glossary.yaml"
        if path.exists():
            result = attempt(path, Glossary)
            if result:
                glossaries[language] = result[0]
    return loaded, glossaries


@dataclass
class TranslatedHandout:
    """One handout in a translation's language: what checks, renders and verification take, like a LoadedHandout.
    Its file is the translation's; a text's line is the line of its pair."""

    handout: object  # careprint.model.Handout, translated
    english: object  # the English careprint.library.LoadedHandout
    translation: LoadedTranslation
    plain: TranslatedHandout | None = None  # the bilingual edition's: the translation alone, as checks read it
    locale: object = None  # the bilingual edition's words (careprint.translation.bilingual_locale)

    @property
    def path(self) -> Path:
        return self.translation.path

    @property
    def shown(self) -> str:
        return self.translation.shown

    @property
    def doc(self):
        return self.translation.doc

    @cached_property
    def _english_at(self) -> dict[tuple, str]:
        """The English text at each key path: the texts are swapped in place, so the paths are the same."""
        return {tuple(loc): text for loc, _, text in self.english.handout.texts()}

    def line_of(self, *loc) -> int | None:
        """The line of the pair whose translation is the text at `loc` in the translated handout."""
        text = self._english_at.get(tuple(loc))
        return self.translation.line_of_pair(text, "translation") if text else None


def translated_item(english, loaded: LoadedTranslation) -> TranslatedHandout:
    return TranslatedHandout(translated_handout(english.handout, loaded.translation), english, loaded)


def bilingual_item(translated: TranslatedHandout) -> TranslatedHandout:
    """The translation with the English beside each text (the bilingual edition)."""
    from .locale import load_locale
    from .translation import bilingual_handout, bilingual_locale

    loaded = translated.translation
    handout = bilingual_handout(translated.english.handout, translated.handout, loaded.translation)
    return TranslatedHandout(handout, translated.english, loaded, translated,
                             bilingual_locale(load_locale(loaded.language)))


__all__ = ["bilingual_item", "english_texts", "load_translations", "translated_item", "TranslatedHandout"]


def translation_problems(subject) -> list[Problem]:
    """A translation's own state (the content stage, for a TranslatedHandout): out of date with its English (each
    new or changed English text named, with the sentence it replaced), a warning, an error for release; a draft
    translation refused for release (and said when printed for a patient); its approval bound to its text."""
    from .approval import CHANGED, UNCONFIRMED, state_of
    from .translation import changes

    item = subject.item
    loaded = getattr(item, "translation", None)
    if loaded is None:
        return []
    translation, shown = loaded.translation, loaded.shown
    severity = "error" if subject.release else "warning"
    refused = "; --release builds only current, approved translations" if subject.release else \
        "; every page says so"
    command = f"careprint translate {translation.translates} --language {translation.language}"
    problems = []
    found = changes(item.english.handout, translation)
    for english in found.untranslated:
        old = found.replaced(english)
        line = loaded.line_of_pair(old.english) if old else loaded.doc.line_of(("texts",))
        what = f"the English text changed: it was \"{old.english}\" and is now \"{english}\"" if old else \
            f"the English has a new text with no translation: \"{english}\""
        problems.append(Problem(shown, line, "texts", what + refused,
                                f"run {command} to add it to this file, then translate it", severity))
    if found.english_changed and found.recorded and not found.untranslated:
        problems.append(Problem(shown, loaded.doc.line_of(("english_fingerprint",)), "english_fingerprint",
                                f"the English handout {item.english.shown} changed since this translation was "
                                f"checked against it (it is now version {item.english.handout.version})" + refused,
                                f"check each translation against the English, then record it: {command}",
                                severity))
    elif not found.recorded:
        problems.append(Problem(shown, loaded.doc.line_of(("english_fingerprint",)), "english_fingerprint",
                                "careprint has not recorded which English text this translates" + refused,
                                f"when every text is translated, record it: {command}", severity))
    state = state_of(translation)
    approve = f"careprint approve {translation.translates} --language {translation.language} --by NAME --on DATE"
    if translation.review.status == "draft" and (subject.release or subject.for_patient):
        problems.append(Problem(shown, loaded.doc.line_of(("review", "status")), "review.status",
                                "the translation is a draft, not yet checked by a qualified medical translator"
                                + ("; --release builds only approved translations" if subject.release else
                                   "; every page says so"),
                                f"have a qualified medical translator check it, then record it: {approve}", severity))
    elif state in (CHANGED, UNCONFIRMED):
        problems.append(Problem(shown, loaded.doc.line_of(("review", "status")), "review.status",
                                "the translation changed since it was approved, so it is not the approved text"
                                + refused, f"have the translator check it again, then record it: {approve}",
                                severity))
    return problems
