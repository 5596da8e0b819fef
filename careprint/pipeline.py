"""The one sequence every command runs: load -> gate (content and style) -> plan -> make (render, check) -> write.

Why this module exists: when each command strung the stages together itself, they drifted apart (`check` skipped
the style gate, a build called from Python skipped the content gate). Here each product (a catalogue build, cards,
a packet, a content check) is the same sequence, and the gates are one function every one of them runs, from the
command line and from Python alike:

    from careprint import pipeline
    library = pipeline.load(Project())
    result = pipeline.build(library, Path("out"), ["large-print"])

A gate that fails raises GateStopped, with every problem it found, before anything is rendered or written.
Warnings that do not stop it are handed to `report`, one Problem at a time.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .build import BuildResult, Outcome, build_outputs
from .checks import content_gate, style_gate
from .library import Library, load_library
from .problems import GateStopped, Problem, UsageError
from .project import CARD, Edition, Project
from .readability import Readability, readability_report


@dataclass(frozen=True)
class Gate:
    """How strict the gates are: --strict makes warnings stop too; --release refuses drafts, texts changed since
    their approval (or not confirmed as approved) and overdue reviews."""

    today: datetime.date | None = None  # None: today's date
    strict: bool = False
    release: bool = False
    for_patient: bool = False  # a packet or a card, printed for one patient: a draft in it is a warning

    @property
    def date(self) -> datetime.date:
        return self.today or datetime.date.today()


def load(project: Project) -> Library:
    return load_library(project)


def gate(library: Library, handout_ids: list[str] | None, editions: list[str] | None, rules: Gate = Gate(),
         report: Callable[[Problem], None] = lambda problem: None,
         readability: list[Readability] | None = None) -> list[Problem]:
    """The gates every command runs before rendering: the content and settings of the selected handouts, and the
    stylesheets and templates of the editions (None: every edition). Raises GateStopped, else reports and returns
    the warnings."""
    problems = content_gate(library, handout_ids, rules.date, rules.release, readability, rules.for_patient)
    problems += style_gate(library.project, editions)
    if any(p.severity == "error" for p in problems) or (rules.strict and problems):
        raise GateStopped(problems)
    for problem in problems:
        report(problem)
    return problems


@dataclass
class CheckResult:
    problems: list[Problem]
    readability: list[Readability]
    failed: bool


def check(library: Library, rules: Gate = Gate()) -> CheckResult:
    """The gates alone, for every handout and edition, with the readability report authors read."""
    measured = readability_report(library.every_item())
    try:
        problems = gate(library, None, None, rules, readability=measured)
    except GateStopped as stopped:
        return CheckResult(stopped.problems, measured, True)
    return CheckResult(problems, measured, False)


def machine_notes(report: Callable[[Problem], None]) -> None:
    """What the machine lacks that changes the output without spoiling it, said once before rendering."""
    from .setup_help import subsetting_note

    note = subsetting_note()
    if note:
        report(Problem("", None, "", note, severity="warning"))


def build(library: Library, out_dir: Path, editions: list[str], handout_ids: list[str] | None = None,
          paper: str = "letter", echo: Callable[[Outcome], None] = lambda outcome: None, *, rules: Gate = Gate(),
          report: Callable[[Problem], None] = lambda problem: None, **making) -> BuildResult:
    """Gate, then plan, make and write the outputs whose inputs changed (careprint.build.build_outputs: jobs, force,
    shard, start, warn)."""
    gate(library, handout_ids, editions, rules, report)
    machine_notes(report)
    return build_outputs(library, out_dir, editions, handout_ids, paper, echo, **making)


def cards(library: Library, out_dir: Path, handout_ids: list[str], paper: str = "letter",
          echo: Callable[[Outcome], None] = lambda outcome: None, *, rules: Gate = Gate(),
          report: Callable[[Problem], None] = lambda problem: None,
          warn: Callable[[str], None] = lambda message: None, language: str | None = None) -> list[Outcome]:
    """One quick-reference card per handout (careprint.project.CARD), always made afresh, in this process: in the
    handouts' own language, or (`language`) their translations into it."""
    without = [handout_id for handout_id in handout_ids if not library.by_id[handout_id].handout.urgent_signs()]
    if without:
        raise UsageError(f"{', '.join(without)} has no emergency or call-today warning signs, so there is nothing "
                         f"to put on a card; cards are for handouts with a triage block")
    return build(library, out_dir, [CARD.name], handout_ids, paper, echo, rules=replace(rules, for_patient=True),
                 report=report, force=True, warn=warn, language=language).outcomes


@dataclass
class PacketRequest:
    handout_ids: list[str]
    edition: Edition
    out: Path
    paper: str = "letter"
    patient: object = None  # careprint.packet.Patient
    fillable: bool = False
    rules: Gate = field(default_factory=Gate)
    language: str | None = None  # the handouts' translations into this language; None: the handouts themselves


def packet(library: Library, request: PacketRequest, report: Callable[[Problem], None] = lambda problem: None):
    """Gate, then lay out, check and write one patient's packet (careprint.packet)."""
    from .packet import build_packet

    gate(library, request.handout_ids, [request.edition.name], replace(request.rules, for_patient=True), report)
    machine_notes(report)
    return build_packet(library, request.handout_ids, request.edition, request.out, request.paper, request.patient,
                        request.fillable, request.language)
