"""The pipeline: load -> check -> render -> verify -> write, for every handout in every edition asked for.

This is the one place that strings the stages together. Content problems stop the build before anything is
rendered; a PDF that fails verification is reported and not written, and the other PDFs still build. PDFs whose
inputs have not changed since the last build are skipped (plan.py); the rest render in a process pool, one
WeasyPrint font configuration per worker, with output identical to a serial build.
"""

from __future__ import annotations

import ctypes
import errno
import multiprocessing
import multiprocessing.util
import os
import shutil
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .contrast import StyleError, check_styles
from .files import NotAFileError, describe_os_error, os_error_message
from .layout import check_layout
from .library import Library, LoadedHandout
from .load import key_path
from .locale import load_locale
from .model import URGENT_LEVELS, Clinic
from .plan import Shard, Task, is_up_to_date, manifest_name, plan, source_name, withdrawn
from .problems import CareprintError
from .project import ALL_EDITIONS, PAPER_SIZES, Edition
from .render import jinja_environment, render_html, render_pdf
from .triage_pages import check_first_page, check_triage_pages, clinic_numbers
from .verify import PdfFacts, check_minimum_size, check_text_present, inspect_pdf
from .write import (
    clean_temporary_files,
    close_inherited_locks,
    load_manifest,
    managed_file,
    output_lock,
    reconcile,
    set_aside,
    sha256,
    write_manifest,
    write_pdf,
)


@dataclass
class Outcome:
    handout_id: str
    edition: str
    path: str  # relative to the output folder
    problems: list[str] = field(default_factory=list)
    facts: PdfFacts | None = None
    resources: dict[str, str] = field(default_factory=dict)  # project files the PDF drew on -> sha256
    written: bool = False  # the PDF is on disk (it replaced the previous copy, if any)

    @property
    def ok(self) -> bool:
        return not self.problems


def expected_texts(item: LoadedHandout, edition: Edition) -> list[str]:
    """Every sentence this edition prints: all the content, or the urgent signs alone on a card."""
    if edition.triage_only:
        return item.handout.urgent_signs()
    return [text for _, _, text in item.handout.texts()]


def verify_pdf(pdf: bytes, edition: Edition, expected: list[str], language: str, messages: list[str],
               layout_problems: list[str]) -> tuple[PdfFacts, list[str]]:
    """The checks every PDF careprint makes must pass, a handout's or a packet's: what WeasyPrint logged, the
    layout, the PDF itself, the edition's minimum size, every expected sentence, the language."""
    facts, problems = inspect_pdf(pdf)
    problems = [f"WeasyPrint: {m}" for m in messages] + layout_problems + problems
    problems += check_minimum_size(facts, edition.min_glyph_pt)
    problems += check_text_present(facts, expected)
    if facts.language != language:
        problems.append(f"the PDF's language is '{facts.language}', expected '{language}'")
    return facts, problems


def triage_problems(facts: PdfFacts, levels: list, clinic, edition: Edition, language: str,
                    extra_numbers: list[str] = ()) -> list[str]:
    """No page shows a warning sign without its label and action; page 1 says what to do in an emergency."""
    locale = load_locale(language)
    printed = [level for level in levels if not edition.triage_only or level.name in URGENT_LEVELS]
    return (check_first_page(facts.page_texts[0] if facts.page_texts else "",
                             [*clinic_numbers(clinic), *extra_numbers], locale)
            + check_triage_pages(facts.page_texts, printed, locale=locale))


def picture_problems(item: LoadedHandout, messages: list[str]) -> tuple[list[str], list[str]]:
    """(other messages, problems with pictures): a picture the handout names is reported at its file and line."""
    places = {}
    for s, section in enumerate(getattr(item.handout, "sections", ())):
        for b, block in enumerate(section.blocks):
            if block.kind == "image":
                loc = ("sections", s, "blocks", b, "image", "file")
                places.setdefault(block.image.file, f"{item.shown}:{item.line_of(*loc)}: {key_path(loc)}: ")
    others, pictures = [], []
    for message in messages:
        if message.startswith("picture ") or ": refused, " in message:
            name = message.removeprefix("picture ").split(":", 1)[0]
            pictures.append(places.get(name, "") + message)
        else:
            others.append(message)
    return others, pictures


def verify_render(pdf: bytes, item: LoadedHandout, edition: Edition, messages: list[str],
                  document=None, clinic=None) -> tuple[PdfFacts, list[str]]:
    """Every check on one rendered handout: its laid-out boxes (clipping, overflow) and the PDF itself."""
    messages, pictures = picture_problems(item, messages)
    layout_problems = check_layout(document) if document is not None else []
    if pictures:  # a picture that failed shows its alt text in its place: that is not a second problem
        layout_problems = [problem for problem in layout_problems if " by <img" not in problem]
    layout_problems = pictures + layout_problems
    facts, problems = verify_pdf(pdf, edition, expected_texts(item, edition), item.handout.language, messages,
                                 layout_problems)
    problems += triage_problems(facts, item.handout.triage_levels(), clinic or Clinic(), edition,
                                item.handout.language)
    if edition.max_pages and facts.pages > edition.max_pages:
        problems.append(
            f"the {edition.name} needs {facts.pages} pages, but a {edition.name} must fit on "
            f"{'one page' if edition.max_pages == 1 else f'{edition.max_pages} pages'} at {edition.min_glyph_pt:g} pt: "
            f"this handout has "
            f"{len(item.handout.urgent_signs())} urgent warning signs; a {edition.name} suits a handout about one set "
            f"of warning signs (shorten the lists, or give the patient the cards of the more specific handouts)")
    return facts, problems


def build_one(library: Library, item: LoadedHandout, edition: Edition, paper: str, env,
              font_config) -> tuple[bytes, Outcome]:
    outcome = Outcome(item.handout.id, edition.name, f"{edition.name}/{item.handout.id}.pdf")

    def html(splits):
        return render_html(item.handout, edition, library.clinic, library.sources_of(item.handout), env, splits)

    result = render_pdf(html, library.project, edition, PAPER_SIZES[paper], font_config, item.handout.language)
    outcome.facts, outcome.problems = verify_render(result.pdf, item, edition, result.messages, result.document,
                                                    library.clinic)
    outcome.resources = result.resources
    return result.pdf, outcome


def _build_safely(library: Library, task: Task, paper: str, env, font_config) -> tuple[bytes, Outcome]:
    """build_one, with a careprint bug contained to its own PDF instead of stopping every other handout."""
    try:
        return build_one(library, library.by_id[task.handout_id], ALL_EDITIONS[task.edition], paper, env, font_config)
    except OSError as error:  # the machine, not careprint: a full /tmp for the fonts, a file that cannot be read
        cause, remedy = describe_os_error(error)
        where = f" ({error.filename})" if error.filename else ""
        return b"", Outcome(task.handout_id, task.edition, task.path,
                            [f"a file could not be read or written while making this PDF{where}: {cause}; {remedy}"])
    except MemoryError:
        return b"", Outcome(task.handout_id, task.edition, task.path,
                            ["the computer ran out of memory making this PDF; close other programs, or build with "
                             "--jobs 1"])
    except Exception as error:  # a bug, not a content mistake: report it as one, keep the previous PDF
        message = (f"careprint bug: it could not make this PDF ({type(error).__name__}: {error}); nothing is wrong "
                   f"with the content or the PDF on disk; run again with CAREPRINT_DEBUG=1 and report the output "
                   f"to the careprint maintainers")
        if os.environ.get("CAREPRINT_DEBUG"):  # the worker's own traceback, which the pool would otherwise lose
            message += "\n" + traceback.format_exc().rstrip()
        return b"", Outcome(task.handout_id, task.edition, task.path, [message])


def _release_fonts(font_config) -> None:
    """WeasyPrint keeps each font configuration's fonts in a /tmp/weasyprint-* folder until it is collected."""
    folder = getattr(font_config, "_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


# One worker process's state: set once by _start_worker, used by every task the worker runs.
_WORKER: dict = {}
PR_SET_PDEATHSIG = 1  # linux/prctl.h
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _die_with_parent() -> None:
    """Ask Linux to send this worker SIGTERM when the build that forked it dies, even by kill -9."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the lock is still released, see close_inherited_locks
        pass


def _stop_worker(signum, frame) -> None:
    """SIGTERM (the build stopping, or dying): remove this worker's font folder and leave, without a traceback."""
    _release_fonts(_WORKER.get("fonts"))
    os._exit(128 + signum)


def _start_worker(library: Library, paper: str, parent: int) -> None:
    """A worker never outlives its build, never holds the build's lock, and leaves Ctrl-C to the build.

    It is forked with SIGINT and SIGTERM blocked (see _render_all), so none arrives before it is ready for it."""
    from weasyprint.text.fonts import FontConfiguration

    close_inherited_locks()  # else kill -9 of the build leaves the output folder locked while workers run on
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the build decides
    signal.signal(signal.SIGTERM, _stop_worker)
    _die_with_parent()
    if os.getppid() != parent:  # the build died before prctl took effect
        os._exit(1)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    _WORKER.update(library=library, paper=paper, env=jinja_environment(library.project.templates),
                   fonts=FontConfiguration())
    # Workers leave through os._exit, where atexit and __del__ do not run; a multiprocessing finalizer does.
    multiprocessing.util.Finalize(None, lambda: _release_fonts(_WORKER.get("fonts")), exitpriority=10)


def _work(task: Task) -> tuple[Task, bytes, Outcome]:
    pdf, outcome = _build_safely(_WORKER["library"], task, _WORKER["paper"], _WORKER["env"], _WORKER["fonts"])
    return task, pdf, outcome


def _render_all(library: Library, tasks: list[Task], paper: str, jobs: int) -> Iterator[tuple[Task, bytes, Outcome]]:
    """Each task's PDF and outcome, in a pool of `jobs` processes, or in this process when one will do.

    Closing the iterator early (an error, Ctrl-C) stops the workers at once: no PDF is rendered after that."""
    if jobs <= 1 or len(tasks) <= 1:
        from weasyprint.text.fonts import FontConfiguration

        env, fonts = jinja_environment(library.project.templates), FontConfiguration()
        try:
            for task in tasks:
                yield (task, *_build_safely(library, task, paper, env, fonts))
        finally:
            _release_fonts(fonts)
        return
    # fork: workers inherit the loaded library instead of re-reading it; no font configuration exists yet here.
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context, initializer=_start_worker,
                               initargs=(library, paper, os.getpid()))
    finished = False
    try:
        # The first submit forks every worker: with Ctrl-C blocked, so that none arrives before a worker ignores it.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            futures = [pool.submit(_work, task) for task in tasks]
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        try:
            for future in as_completed(futures):
                yield future.result()
        except BrokenProcessPool:
            raise CareprintError("a worker process stopped unexpectedly (the system may have run out of memory and "
                                 "ended it); run again, or with --jobs 1") from None
        finished = True
    finally:
        _stop_pool(pool, finished)


def _stop_pool(pool: ProcessPoolExecutor, finished: bool) -> None:
    """Shut the pool down: after the last task, let the workers leave as usual; before it, stop them now."""
    if finished:
        pool.shutdown(wait=True)
        return
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        if worker.is_alive():
            worker.terminate()  # SIGTERM: the worker removes its font folder and leaves (_stop_worker)
    for worker in workers:
        worker.join(timeout=5)
        if worker.is_alive():
            worker.kill()
            worker.join(timeout=5)
    pool.shutdown(wait=True)


def _content_gate(library: Library, handout_ids: list[str] | None) -> None:
    """The content checks, for a build called from Python: errors stop it, warnings don't."""
    import datetime

    from .check import content_gate
    from .problems import ContentError

    errors = [p for p in content_gate(library, handout_ids, datetime.date.today()) if p.severity == "error"]
    if errors:
        raise ContentError(errors)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


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


def manifest_entry(library: Library, task: Task, pdf: bytes, outcome: Outcome, paper: str) -> dict:
    handout = library.by_id[task.handout_id].handout
    return {
        "path": task.path,
        "handout": handout.id,
        "edition": task.edition,
        "language": handout.language,
        "version": handout.version,
        "review_status": handout.review.status,
        "next_review": handout.review.next_review.isoformat(),
        "paper": paper,
        "pages": outcome.facts.pages,
        "smallest_glyph_pt": outcome.facts.smallest_glyph_pt,
        "sha256": sha256(pdf),
        "inputs": task.input_hash,
        "source": source_name(library.project.root, task.handout_file),
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
            write_pdf(self.out_dir, path, pdf)
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


def build(
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
    checked: bool = False,
) -> BuildResult:
    """Render, verify and write the selected PDFs whose inputs changed; one Outcome per PDF made or failed.

    Stopped by Ctrl-C (KeyboardInterrupt), it stops the workers, leaves the manifest listing exactly the PDFs on
    disk, and re-raises with `written` (the paths of the PDFs it wrote) set on the exception."""
    style_problems = check_styles(library.project, editions)  # colour contrast and triage cues, before any render
    if style_problems:
        raise StyleError(style_problems)
    if not checked:  # the command line runs the same gate itself first (with --strict and --release)
        _content_gate(library, handout_ids)
    loaded = [item.path for item in library.handouts]
    tasks = plan(library.project, editions, paper, handout_ids, shard, files=loaded)
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
        results = _render_all(library, todo, paper, jobs)
        try:
            for task, pdf, outcome in results:
                outcomes.append(outcome)
                if outcome.ok:
                    try:
                        output.replace(task.path, pdf, manifest_entry(library, task, pdf, outcome, paper))
                        outcome.written = True
                    except _WriteFailed as failure:
                        outcome.written = failure.written
                        if failure.written:
                            result.stopped = f"{failure.message} ({task.path} was written, but is not listed yet)"
                        else:
                            outcome.problems.append(failure.message + "; the previous copy, if any, is kept")
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
