"""Everything one build reads (handouts, source registry, glossary, clinic settings), loaded together.

Loading every file before rendering any means an author sees all the problems of a change at once, each with
its file and line, the way MkDocs reports configuration errors.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import approval
from .blocks import TriageBlock
from .files import describe_os_error, is_regular_file, kind_of, real_path
from .load import _Document, key_path, load_model
from .locale import available_languages, use_project_locales
from .model import Clinic, Glossary, Handout, SignList, SignLists, Source, SourceRegistry, resolve_triage
from .plan import handout_files
from .problems import ContentError, Problem
from .project import Project
from .translation import LoadedTranslation
from .translations import bilingual_item, load_translations, translated_item


@dataclass
class LoadedHandout:
    handout: Handout
    path: Path
    shown: str  # the path as reported to the user
    doc: _Document  # line numbers of every key

    def line_of(self, *loc) -> int | None:
        return self.doc.line_of(tuple(loc))


@dataclass
class Library:
    project: Project
    handouts: list[LoadedHandout]
    sources: dict[str, Source]
    glossary: Glossary
    clinic: Clinic
    sources_file: str  # the source registry's path as shown to the user
    sources_doc: _Document  # its line numbers, for messages about a source
    clinic_file: str = ""  # the clinic settings' path as shown to the user
    clinic_doc: _Document | None = None  # their line numbers (None when there is no settings file)
    translations: list[LoadedTranslation] = field(default_factory=list)  # translations/<language>/<id>.yaml
    glossaries: dict[str, Glossary] = field(default_factory=dict)  # each translation language's own glossary

    def sources_of(self, handout: Handout) -> list[Source]:
        return [self.sources[s] for s in handout.sources if s in self.sources]

    @cached_property
    def by_id(self) -> dict[str, LoadedHandout]:
        return {item.handout.id: item for item in self.handouts}

    def translations_of(self, handout_id: str) -> list[LoadedTranslation]:
        return [item for item in self.translations if item.handout_id == handout_id]

    def item(self, handout_id: str, language: str | None = None, bilingual: bool = False):
        """The handout in its own language (None, or its language), or in a translation's: a TranslatedHandout,
        made once and kept; `bilingual`: with the English beside each text (the bilingual edition)."""
        english = self.by_id[handout_id]
        if language is None or language == english.handout.language:
            return english
        if bilingual:
            key = (handout_id, language, "bilingual")
            if key not in self._translated:
                self._translated[key] = bilingual_item(self.item(handout_id, language))
            return self._translated[key]
        key = (handout_id, language)
        if key not in self._translated:
            loaded = next(item for item in self.translations
                          if item.handout_id == handout_id and item.language == language)
            self._translated[key] = translated_item(english, loaded)
        return self._translated[key]

    def every_item(self, handout_ids: list[str] | None = None) -> list:
        """The selected handouts (none named: all), each followed by its translations: what the content gate checks."""
        return [each for item in self.handouts if not handout_ids or item.handout.id in handout_ids
                for each in [item, *(self.item(item.handout.id, t.language) for t in self.translations_of(
                    item.handout.id))]]

    def glossary_for(self, language: str) -> Glossary:
        """The glossary a handout in `language` is checked with: the project's (reference/glossary.yaml) for the
        handouts' own language, a translation language's own (translations/<language>/glossary.yaml) otherwise."""
        return self.glossaries.get(language, Glossary(terms=[], acronyms=self.glossary.acronyms)) \
            if any(item.language == language for item in self.translations) else self.glossary

    @cached_property
    def _translated(self) -> dict:
        return {}


IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".svg")


def picture_problem(name: str, root: Path) -> tuple[str, str] | None:
    """(message, hint) if a picture path is not a PNG, JPEG or SVG file inside the project, else None."""
    root = real_path(root)
    if "://" in name or name.startswith(("//", "data:")):
        return (f"image '{name}' is a web address; careprint never fetches from the network",
                "save the picture in the project's images/ folder and give its path, e.g. images/spine.png")
    if Path(name).is_absolute() or ".." in Path(name).parts:
        return f"image '{name}' is outside the project", "give a path inside the project, e.g. images/spine.png"
    if not real_path(root / name).is_relative_to(root):
        return (f"image '{name}' leads outside the project through a symbolic link",
                "copy the picture into the project's images/ folder")
    if not os.path.lexists(root / name):
        return f"image file '{name}' not found", "check the path; it is relative to the project folder"
    if not is_regular_file(root / name):
        try:
            os.stat(root / name)
        except OSError as error:
            cause, remedy = describe_os_error(error)
            return f"image '{name}' cannot be read: {cause}", remedy
        return f"image '{name}' is not a picture file (it is {kind_of(os.stat(root / name).st_mode)})", \
            "give the path of a PNG, JPEG or SVG file"
    if Path(name).suffix.lower() not in IMAGE_TYPES:
        return f"image '{name}' is not a PNG, JPEG or SVG file", "save the picture as PNG, JPEG or SVG"
    return None


def image_problems(item: LoadedHandout, root: Path) -> list[Problem]:
    """An image must be a file inside the project: never a web address, never reached by .. or a symlink."""
    problems = []
    for loc, picture in item.handout.pictures():
        found = picture_problem(picture.file, root)
        if found:
            problems.append(Problem(item.shown, item.line_of(*loc), key_path(loc), *found))
    return problems


def load_library(project: Project) -> Library:
    """Load and cross-check every file; raise one ContentError listing every problem found."""
    problems: list[Problem] = []
    use_project_locales(project.translations)

    def attempt(path: Path, model):
        try:
            return load_model(path, model, project.shown(path))
        except ContentError as exc:
            problems.extend(exc.problems)
            return None

    if not project.handouts.is_dir():
        try:
            os.stat(project.handouts)
        except FileNotFoundError:
            raise ContentError([Problem(project.shown(project.handouts), None, "",
                                        "the handouts folder does not exist",
                                        "create it, or pass --handouts DIR")]) from None
        except OSError as error:
            cause, remedy = describe_os_error(error)
            raise ContentError([Problem(project.shown(project.handouts), None, "",
                                        f"the handouts folder cannot be opened: {cause}", remedy)]) from None
        raise ContentError([Problem(project.shown(project.handouts), None, "", "this is not a folder",
                                    "pass the folder of handout files with --handouts DIR")])
    files = handout_files(project.handouts)
    if not files:
        raise ContentError([Problem(project.shown(project.handouts), None, "", "no handouts (*.yaml) found",
                                    "add a handout file; see the README")])

    handouts: list[LoadedHandout] = []
    for path in files:
        loaded = attempt(path, Handout)
        if loaded:
            handout, doc = loaded
            handouts.append(LoadedHandout(handout, path, project.shown(path), doc))

    registry = attempt(project.sources, SourceRegistry)
    sign_lists = _load_sign_lists(project, handouts, attempt, problems)
    glossary = attempt(project.glossary, Glossary)
    clinic = Clinic()
    clinic_doc = None
    if project.clinic.exists() or project.clinic_file:
        loaded_clinic = attempt(project.clinic, Clinic)
        clinic = loaded_clinic[0] if loaded_clinic else clinic
        clinic_doc = loaded_clinic[1] if loaded_clinic else None
        if loaded_clinic and clinic.logo:  # the logo is read like any picture: a file inside the project
            found = picture_problem(clinic.logo.file, project.root)
            if found:
                problems.append(Problem(project.shown(project.clinic), loaded_clinic[1].line_of(("logo", "file")),
                                        "logo.file", *found))

    sources: dict[str, Source] = {}
    if registry:
        for index, source in enumerate(registry[0].sources):
            if source.id in sources:
                problems.append(Problem(project.shown(project.sources), registry[1].line_of(("sources", index, "id")),
                                        f"sources[{index}].id", f"source id '{source.id}' is used twice",
                                        "give each source its own id"))
            sources[source.id] = source

    seen: dict[str, LoadedHandout] = {}
    for item in handouts:
        handout = item.handout
        if handout.id in seen:
            problems.append(Problem(item.shown, item.line_of("id"), "id",
                                    f"handout id '{handout.id}' is already used by {seen[handout.id].shown}",
                                    "give each handout its own id"))
        seen.setdefault(handout.id, item)
        if handout.id != item.path.stem:
            problems.append(Problem(item.shown, item.line_of("id"), "id",
                                    f"id '{handout.id}' does not match the file name '{item.path.name}'",
                                    f"rename the file to {handout.id}.yaml or change the id"))
        problems.extend(image_problems(item, project.root))
        if handout.language not in available_languages():
            problems.append(Problem(item.shown, item.line_of("language"), "language",
                                    f"careprint has no words for the language '{handout.language}'",
                                    f"use one of {', '.join(available_languages())}, or add "
                                    f"translations/{handout.language}/locale.yaml"))
        if handout.read_more and handout.read_more not in handout.sources:
            problems.append(Problem(item.shown, item.line_of("read_more"), "read_more",
                                    f"read_more names '{handout.read_more}', which is not one of this handout's "
                                    f"sources",
                                    "name one of the ids listed under sources:"))
        if registry:
            for index, source_id in enumerate(handout.sources):
                if source_id not in sources:
                    problems.append(Problem(item.shown, item.line_of("sources", index), f"sources[{index}]",
                                            f"source '{source_id}' is not in {project.shown(project.sources)}",
                                            "add it to the source registry or fix the id"))
    translations, glossaries = load_translations(project, handouts, attempt, problems)
    if problems:
        raise ContentError(problems)
    for item in handouts:  # each measured as written, for its approval (careprint.approval), then resolved
        printed = approval.fingerprint(item.handout, sign_lists, sources, project.root)
        item.handout = approval.stamp(resolve_triage(item.handout, sign_lists), printed)
    return Library(project, handouts, sources, glossary[0], clinic, project.shown(project.sources), registry[1],
                   project.shown(project.clinic), clinic_doc, translations, glossaries)


def _load_sign_lists(project: Project, handouts: list[LoadedHandout], attempt,
                     problems: list[Problem]) -> dict[str, SignList]:
    """The shared warning-sign lists, checked against every `include:` of every handout.

    A list names its level, so including it under another level is an error: a sign must have one timing.
    """
    wanted = [(item, block_loc, level, index, list_id) for item in handouts
              for s, section in enumerate(item.handout.sections) for b, block in enumerate(section.blocks)
              if isinstance(block, TriageBlock) for block_loc in [("sections", s, "blocks", b, "triage")]
              for level, index, list_id in block.triage.includes()]
    if not wanted and not project.warning_signs.exists():
        return {}
    shown = project.shown(project.warning_signs)
    if not project.warning_signs.exists():
        item, loc, level, index, list_id = wanted[0]
        problems.append(Problem(item.shown, item.line_of(*loc, level, index), key_path(loc + (level, index)),
                                f"'include: {list_id}' needs the shared sign lists in {shown}, which does not exist",
                                f"create {shown}, or write the signs here instead"))
        return {}
    loaded = attempt(project.warning_signs, SignLists)
    if not loaded:
        return {}
    lists: dict[str, SignList] = {}
    for index, sign_list in enumerate(loaded[0].lists):
        if sign_list.id in lists:
            problems.append(Problem(shown, loaded[1].line_of(("lists", index, "id")), f"lists[{index}].id",
                                    f"sign list id '{sign_list.id}' is used twice", "give each list its own id"))
        lists[sign_list.id] = sign_list
    for item, loc, level, index, list_id in wanted:
        where = (item.shown, item.line_of(*loc, level, index), key_path(loc + (level, index)))
        found = lists.get(list_id)
        if found is None:
            close = difflib.get_close_matches(list_id, list(lists), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"the lists are: {', '.join(sorted(lists))}"
            problems.append(Problem(*where, f"there is no shared sign list '{list_id}' in {shown}", hint))
        elif found.level != level:
            problems.append(Problem(*where, f"the sign list '{list_id}' belongs under {found.level}, not {level}",
                                    f"move the include to {found.level}, or change the list's level in {shown} "
                                    "(a clinical decision for the reviewers)"))
    return lists
