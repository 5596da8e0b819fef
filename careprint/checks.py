"""Every check careprint runs, in one list, each declaring the stage it runs at.

Why this module exists: where a check is registered must never decide, by accident, whether a build or
`verify FILE` runs it. So there is one registry (CHECKS) and one way to run a stage (run_checks), and every check,
whatever its stage, reports careprint.problems.Problem. The stages, in the order a build meets them:

- "content": one handout's text, before anything renders (careprint.check: plain language, clear print, review).
- "settings": what every handout prints from the source registry and the clinic settings.
- "style": the stylesheets and templates, before anything renders (careprint.contrast: contrast, triage cues).
- "layout": one laid-out document, before it is written as PDF (careprint.layout: clipping, overflow, contrast
  of real pairs; and what the renderer logged, pictures it could not use).
- "pdf": the finished PDF, read back once (careprint.readback); `verify FILE` runs exactly these. A check that
  compares the PDF with its content gets the content as `expected`, which a PDF sent by email does not have.
- "html": a web-edition page careprint made, read back once (careprint.webcheck): whole, every text, language,
  nothing loaded from the network, headings and landmarks.

Adding a check is one function in the module of its kind and one line here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from . import check, contrast, layout, triage_pages, verify, webcheck
from .library import Library, LoadedHandout
from .load import key_path
from .model import TriageLevel
from .problems import Problem, as_problem
from .project import Edition, Project
from .readability import Readability, readability_report
from .readback import ReadPdf
from .translations import translation_problems

Stage = Literal["content", "settings", "style", "layout", "pdf", "html"]


@dataclass(frozen=True)
class Check:
    stage: Stage
    name: str
    run: Callable[[Any], Iterable[Problem | str]]


# ---------------------------------------------------------------------------------------------------------------
# What each stage's checks are given


@dataclass
class HandoutSubject:
    """content: one handout, with its readability measured once."""

    library: Library
    item: LoadedHandout
    readability: Readability
    today: datetime.date
    release: bool = False
    for_patient: bool = False  # a packet or card, handed to one patient: a draft in it is said


@dataclass
class SettingsSubject:
    """settings: the library, and the sources the selected handouts use."""

    library: Library
    used_sources: set[str]


@dataclass
class StyleSubject:
    project: Project
    editions: list[str] | None = None


@dataclass
class LaidOutSubject:
    """layout: one laid-out weasyprint Document, what the renderer logged while making it, and its handout (to
    name the file and line of a picture that failed), if it has any. A PDF written from several layouts (a packet)
    has its layouts checked one by one, then the renderer's messages once, with no document."""

    document: Any
    messages: list[str]
    items: tuple[LoadedHandout, ...] = ()  # the handouts laid out in it (a packet's messages cover several)


@dataclass
class Expected:
    """What a PDF careprint made must show: its content's sentences, language and warning levels."""

    texts: list[str]
    language: str
    levels: list[TriageLevel] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)  # any one of them on page 1 will do
    urgent_signs: int = 0
    pages: int | None = None  # a document of several parts (a packet): the pages they were laid out with
    blank_pages: set[int] = field(default_factory=set)  # pages left blank on purpose, which must say so
    blank_note: str = ""


@dataclass
class PdfSubject:
    read: ReadPdf
    edition: Edition
    expected: Expected | None = None  # None: a PDF from elsewhere (verify FILE)


# ---------------------------------------------------------------------------------------------------------------
# The layout stage's own two checks


def _picture_places(items: tuple[LoadedHandout, ...]) -> dict[str, tuple[str, int | None, str]]:
    """Each picture the handouts name -> (file, line, key) of the first place that names it."""
    places: dict[str, tuple[str, int | None, str]] = {}
    for item in items:
        for loc, picture in item.handout.pictures():
            places.setdefault(picture.file, (item.shown, item.line_of(*loc), key_path(loc)))
    return places


def _is_picture(message: str) -> bool:
    return message.startswith("picture ") or ": refused, " in message


def renderer_messages(subject: LaidOutSubject) -> list[Problem]:
    """What WeasyPrint logged; a picture it could not use is reported at the file and line that names it."""
    places = _picture_places(subject.items)
    logged, pictures = [], []
    for message in subject.messages:
        if _is_picture(message):
            name = message.removeprefix("picture ").split(":", 1)[0]
            file, line, key = places.get(name, ("", None, ""))
            pictures.append(Problem(file, line, key, message))
        else:
            logged.append(as_problem(f"WeasyPrint: {message}"))
    return logged + pictures  # as a reader meets them: the log, then the pictures


def laid_out_boxes(subject: LaidOutSubject) -> list[str]:
    """Clipping, overflow and contrast in the laid-out boxes. A picture that failed shows its alt text in its place:
    that is not a second problem."""
    if subject.document is None:
        return []
    found = layout.check_layout(subject.document)
    if any(_is_picture(message) for message in subject.messages):
        found = [problem for problem in found if " by <img" not in problem]
    return found


# ---------------------------------------------------------------------------------------------------------------
# The registry


CHECKS: tuple[Check, ...] = (
    Check("content", "sentence length", check.sentence_problems),
    Check("content", "readability", check.readability_problems),
    Check("content", "medical words explained", check.glossary_problems),
    Check("content", "clear print", check.format_problems),
    Check("content", "sources named", check.source_problems),
    Check("content", "characters the font has", check.glyph_problems),
    Check("content", "review", check.review_problems),
    Check("content", "translation", translation_problems),
    Check("settings", "source details", check.registry_problems),
    Check("settings", "characters the font has", check.settings_glyph_problems),
    Check("style", "colour contrast", lambda s: contrast.check_contrast(s.project, s.editions)),
    Check("style", "triage told apart without colour", lambda s: contrast.check_triage_cues(s.project)),
    Check("layout", "renderer messages", renderer_messages),
    Check("layout", "laid-out boxes", laid_out_boxes),
    Check("pdf", "fonts", verify.fonts),
    Check("pdf", "title and language", verify.metadata),
    Check("pdf", "tags", verify.tags),
    Check("pdf", "on the paper", verify.on_paper),
    Check("pdf", "text size", verify.text_size),
    Check("pdf", "every sentence printed", verify.content_present),
    Check("pdf", "language", verify.language),
    Check("pdf", "warning signs with their action", triage_pages.triage),
    Check("pdf", "page limit", verify.page_limit),
    Check("pdf", "page numbers", verify.page_numbers),
    Check("pdf", "page count of a packet", verify.page_count),
    Check("pdf", "blank pages say so", verify.blank_pages),
    Check("html", "whole", webcheck.whole),
    Check("html", "every text on the page", webcheck.every_text),
    Check("html", "language", webcheck.language),
    Check("html", "nothing loaded", webcheck.self_contained),
    Check("html", "headings and landmarks", webcheck.structure),
)


def checks_of(stage: Stage) -> list[Check]:
    return [c for c in CHECKS if c.stage == stage]


def run_checks(stage: Stage, subject) -> list[Problem]:
    """Every check of one stage on one subject, in registry order."""
    return [as_problem(found) for c in checks_of(stage) for found in c.run(subject)]


# ---------------------------------------------------------------------------------------------------------------
# The gates every command runs before rendering


def content_gate(library: Library, handout_ids: list[str] | None, today: datetime.date, release: bool = False,
                 report: list[Readability] | None = None, for_patient: bool = False) -> list[Problem]:
    """The content and settings checks of the selected handouts (none named: all), errors and warnings, in file and
    line order. `report` is readability_report() of those handouts when the caller has it already; `for_patient`:
    they are printed for one patient (a packet, a card)."""
    items = library.every_item(handout_ids)
    report = report if report is not None else readability_report(items)
    measured = {entry.file: entry for entry in report}
    problems: list[Problem] = []
    for item in items:
        problems += run_checks("content", HandoutSubject(library, item, measured[item.shown], today, release,
                                                         for_patient))
    files = [item.shown for item in items]
    problems.sort(key=lambda p: (files.index(p.file) if p.file in files else -1, p.line or 0))
    used = {source for item in items for source in item.handout.sources}
    return problems + run_checks("settings", SettingsSubject(library, used))


def style_gate(project: Project, editions: list[str] | None = None) -> list[Problem]:
    """The stylesheets and templates, as every command checks them before rendering."""
    return run_checks("style", StyleSubject(project, editions))
