"""Make and write a catalogue: the selected handouts in each edition, each output made, checked and written.

This is the plan -> make -> write part of the pipeline (careprint.pipeline runs the gates before it) for builds
and cards. Outputs whose inputs have not changed since the last build are skipped (plan.py); the rest are made in
a pool of workers (workers.py). An output that fails a check is reported and not written, and the others still
are. The output folder is kept so that its manifest never lists a file that is not the one beside it, whenever
the build stops (Ctrl-C, kill -9, a full disk).
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .approval import state_of
from .files import NotAFileError, os_error_message
from .formats import format_named
from .library import Library
from .manifest import load_manifest, managed_file, reconcile, set_aside, write_manifest
from .plan import Shard, Task, is_up_to_date, manifest_name, plan, source_name, withdrawn
from .problems import Problem
from .project import ALL_EDITIONS
from .readback import PdfFacts
from .workers import make_all
from .write import clean_temporary_files, output_lock, sha256, write_output


@dataclass
class Outcome:
    handout_id: str
    edition: str
    path: str  # relative to the output folder
    problems: list[Problem] = field(default_factory=list)
    facts: PdfFacts | None = None
    resources: dict[str, str] = field(default_factory=dict)  # project files the output drew on -> sha256
    written: bool = False  # the file is on disk (it replaced the previous copy, if any)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class BuildResult:
    outcomes: list[Outcome]
    unchanged: int
    removed: list[str] = field(default_factory=list)  # PDFs of handouts whose file is gone, taken out of the folder
    stopped: str = ""  # why the build stopped before making every PDF (a full disk, a read-only folder), if it did
    todo: int = 0  # PDFs this build set out to make

    @property
    def written(self) -> list[str]:
        return [outcome.path for outcome in self.outcomes if outcome.written]


# A failed write that no other PDF can escape either: stop the build rather than fail every PDF in turn.
STOPPING_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.ENOMEM}


def translation_facts(item) -> dict:
    """A translation's own state, for staff (the catalogue, careprint list): its review and whether it is current."""
    loaded = getattr(item, "translation", None)
    if loaded is None:
        return {}
    from .translation import changes

    return {"translation_status": state_of(loaded.translation),
            "translation_current": not changes(item.english.handout, loaded.translation).out_of_date}


def manifest_entry(library: Library, task: Task, data: bytes, outcome: Outcome, paper: str) -> dict:
    item = library.item(task.handout_id, task.language, ALL_EDITIONS[task.edition].bilingual)
    handout = item.handout
    facts = format_named(ALL_EDITIONS[task.edition].format).manifest_facts(outcome.facts)
    return {
        "path": task.path,
        "handout": handout.id,
        "edition": task.edition,
        "language": handout.language,
        "version": handout.version,
        "review_status": state_of(handout),  # draft, approved, or (not the approved text) changed or unconfirmed
        **translation_facts(item),
        "next_review": handout.review.next_review.isoformat(),
        "paper": paper,
        **facts,
        "sha256": sha256(data),
        "inputs": task.input_hash,
        "source": source_name(library.project.root, task.source_file),
        "resources": outcome.resources,
    }


class _WriteFailed(Exception):
    def __init__(self, message: str, error: OSError, written: bool):
        super().__init__(message)
        self.message, self.written = message, written
        # A full or read-only disk fails every PDF alike; a manifest that cannot be updated must not fall behind.
        self.stops = written or (error.errno in STOPPING_ERRORS and not isinstance(error, NotAFileError))


class _Output:
    """The output folder during a build: its PDFs and its manifest, kept so that the manifest on disk never lists a
    PDF that is not the file beside it, whenever the build is stopped (Ctrl-C, kill -9, a full disk)."""

    def __init__(self, out_dir: Path, name: str, entries: dict[str, dict]):
        self.out_dir, self.name, self.entries = out_dir, name, entries
        self.generator = f"careprint {__version__}"

    def save(self, final: bool = False) -> None:
        write_manifest(self.out_dir, self.entries, self.generator, self.name, final=final)

    def save_quietly(self) -> None:
        """The last word on a build that is stopping; if even this cannot be written, the manifest on disk already
        lists exactly the PDFs written (see replace)."""
        try:
            self.save(final=True)
        except OSError:
            pass

    def replace(self, path: str, pdf: bytes, entry: dict) -> None:
        """Write one PDF: first unlist its old copy, then replace the file, then list the new one. Raises
        _WriteFailed saying which step failed, and whether the PDF on disk is the new one."""
        manifest = self.out_dir / self.name
        if path in self.entries:
            del self.entries[path]
            try:
                self.save()
            except OSError as error:
                raise _WriteFailed(os_error_message(error, "update", manifest), error, written=False) from None
        try:
            write_output(self.out_dir, path, pdf)
        except OSError as error:
            raise _WriteFailed(os_error_message(error, "write", self.out_dir / path), error, written=False) from None
        self.entries[path] = entry
        try:
            self.save()
        except OSError as error:  # the new PDF is on disk; the manifest on disk does not list it (yet)
            raise _WriteFailed(os_error_message(error, "update", manifest), error, written=True) from None

    def remove(self, path: str) -> bool:
        """Take a withdrawn handout's PDF out of the folder: only a plain file inside it that is exactly the PDF the
        manifest lists (reconcile has checked that), never anything else."""
        target = managed_file(self.out_dir, path)
        del self.entries[path]
        if target is None:
            return False
        target.unlink(missing_ok=True)
        return True


def build_outputs(
    library: Library,
    out_dir: Path,
    editions: list[str],
    handout_ids: list[str] | None = None,
    paper: str = "letter",
    echo: Callable[[Outcome], None] = lambda outcome: None,
    *,
    jobs: int = 1,
    force: bool = False,
    shard: Shard | None = None,
    start: Callable[[int, int], None] = lambda total, unchanged: None,
    warn: Callable[[str], None] = lambda message: None,
    language: str | None = "",
) -> BuildResult:
    """Make, check and write the selected outputs whose inputs changed; one Outcome per output made or failed.
    The gates have run (careprint.pipeline.build, the way to call this).

    Stopped by Ctrl-C (KeyboardInterrupt), it stops the workers, leaves the manifest listing exactly the files on
    disk, and re-raises with `written` (the paths of the files it wrote) set on the exception."""
    loaded = [item.path for item in library.handouts]
    tasks = plan(library.project, editions, paper, handout_ids, shard, files=loaded)
    if language != "":  # one language only: None, the handouts' own; a tag, their translations into it
        tasks = [task for task in tasks if task.language == language]
    outcomes: list[Outcome] = []
    root = library.project.root
    name = manifest_name(shard)
    with output_lock(out_dir):
        clean_temporary_files(out_dir)  # left by a build that was killed
        read = load_manifest(out_dir, name)
        if read.damaged:
            moved = set_aside(out_dir, name, read)
            shown = f"set aside as {moved}" if moved else "replaced"
            warn(f"{out_dir / name} could not be used ({'; '.join(read.problems[:3])}"
                 f"{f'; and {len(read.problems) - 3} more' if len(read.problems) > 3 else ''}); it was {shown} and "
                 f"a new one is written: the PDFs it listed wrongly are made again")
        entries, notes = reconcile(out_dir, read.entries)
        for note in notes:
            warn(note)
        output = _Output(out_dir, name, entries)
        todo = tasks if force else [t for t in tasks if not is_up_to_date(t, entries, out_dir, root)]
        start(len(todo), len(tasks) - len(todo))
        result = BuildResult(outcomes, len(tasks) - len(todo), todo=len(todo))
        results = make_all(library, todo, paper, jobs)
        try:
            for task, made in results:
                outcome = Outcome(task.handout_id, task.edition, task.path, made.problems, made.facts,
                                  made.resources)
                outcomes.append(outcome)
                if outcome.ok:
                    try:
                        output.replace(task.path, made.data, manifest_entry(library, task, made.data, outcome,
                                                                             paper))
                        outcome.written = True
                    except _WriteFailed as failure:
                        outcome.written = failure.written
                        if failure.written:
                            result.stopped = f"{failure.message} ({task.path} was written, but is not listed yet)"
                        else:
                            outcome.problems.append(Problem("", None, "", failure.message + "; the previous copy, "
                                                            "if any, is kept"))
                            if failure.stops:
                                result.stopped = failure.message
                echo(outcome)
                if result.stopped:
                    break
        except BaseException as stop:  # Ctrl-C, a worker that died: stop the workers before anything else
            results.close()
            output.save_quietly()
            try:
                stop.written = result.written  # for the one line the command prints
            except (AttributeError, TypeError):
                pass
            raise
        results.close()
        if result.stopped:
            output.save_quietly()
        else:
            try:
                for path in withdrawn(entries, root):
                    if output.remove(path):
                        result.removed.append(path)
                output.save(final=True)
            except OSError as error:
                result.stopped = os_error_message(error, "update", error.filename or out_dir / name)
                output.save_quietly()
    order = {task.path: n for n, task in enumerate(tasks)}
    result.outcomes = sorted(outcomes, key=lambda o: order[o.path])
    return result
