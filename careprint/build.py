"""The pipeline: load -> check -> render -> verify -> write, for every handout in every edition asked for.

This is the one place that strings the stages together. Content problems stop the build before anything is
rendered; a PDF that fails verification is reported and not written, and the other PDFs still build. PDFs whose
inputs have not changed since the last build are skipped (plan.py); the rest render in a process pool, one
WeasyPrint font configuration per worker, with output identical to a serial build.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .contrast import StyleError, check_styles
from .layout import check_layout
from .library import Library, LoadedHandout
from .plan import Shard, Task, is_up_to_date, manifest_name, plan, source_name, withdrawn
from .project import ALL_EDITIONS, PAPER_SIZES, Edition
from .render import jinja_environment, render_html, render_pdf
from .model import URGENT_LEVELS, Clinic
from .triage_pages import check_first_page, check_triage_pages, clinic_numbers
from .verify import PdfFacts, check_minimum_size, check_text_present, inspect_pdf
from .write import output_lock, read_manifest, sha256, write_atomic, write_manifest


@dataclass
class Outcome:
    handout_id: str
    edition: str
    path: str  # relative to the output folder
    problems: list[str] = field(default_factory=list)
    facts: PdfFacts | None = None
    resources: dict[str, str] = field(default_factory=dict)  # project files the PDF drew on -> sha256

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


def triage_problems(facts: PdfFacts, levels: list, clinic, edition: Edition,
                    extra_numbers: list[str] = ()) -> list[str]:
    """No page shows a warning sign without its label and action; page 1 says what to do in an emergency."""
    printed = [level for level in levels if not edition.triage_only or level.name in URGENT_LEVELS]
    return (check_first_page(facts.page_texts[0] if facts.page_texts else "",
                             [*clinic_numbers(clinic), *extra_numbers])
            + check_triage_pages(facts.page_texts, printed))


def verify_render(pdf: bytes, item: LoadedHandout, edition: Edition, messages: list[str],
                  document=None, clinic=None) -> tuple[PdfFacts, list[str]]:
    """Every check on one rendered handout: its laid-out boxes (clipping, overflow) and the PDF itself."""
    layout_problems = check_layout(document) if document is not None else []
    facts, problems = verify_pdf(pdf, edition, expected_texts(item, edition), item.handout.language, messages,
                                 layout_problems)
    problems += triage_problems(facts, item.handout.triage_levels(), clinic or Clinic(), edition)
    if edition.max_pages and facts.pages > edition.max_pages:
        problems.append(
            f"the {edition.name} needs {facts.pages} pages, but a {edition.name} must fit on "
            f"{'one page' if edition.max_pages == 1 else f'{edition.max_pages} pages'} at {edition.min_glyph_pt:g} pt: "
            f"this handout has "
            f"{len(item.handout.urgent_signs())} urgent warning signs; a {edition.name} suits a handout about one set "
            f"of warning signs (shorten the lists, or give the patient the cards of the more specific handouts)")
    return facts, problems


def build_one(library: Library, item: LoadedHandout, edition: Edition, paper: str, env, font_config) -> tuple[bytes, Outcome]:
    outcome = Outcome(item.handout.id, edition.name, f"{edition.name}/{item.handout.id}.pdf")
    def html(splits):
        return render_html(item.handout, edition, library.clinic, library.sources_of(item.handout), env, splits)

    result = render_pdf(html, library.project, edition, PAPER_SIZES[paper], font_config)
    outcome.facts, outcome.problems = verify_render(result.pdf, item, edition, result.messages, result.document,
                                                    library.clinic)
    outcome.resources = result.resources
    return result.pdf, outcome


def _build_safely(library: Library, task: Task, paper: str, env, font_config) -> tuple[bytes, Outcome]:
    """build_one, with a careprint bug contained to its own PDF instead of stopping every other handout."""
    try:
        return build_one(library, library.by_id[task.handout_id], ALL_EDITIONS[task.edition], paper, env, font_config)
    except Exception as error:  # a bug, not a content mistake: report it, keep the previous PDF
        return b"", Outcome(task.handout_id, task.edition, task.path,
                            [f"careprint could not make this PDF ({type(error).__name__}: {error}); "
                             "please report this to the careprint maintainers"])


def _release_fonts(font_config) -> None:
    """WeasyPrint keeps each font configuration's fonts in a /tmp/weasyprint-* folder until it is collected."""
    folder = getattr(font_config, "_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


# One worker process's state: set once by _start_worker, used by every task the worker runs.
_WORKER: dict = {}


def _start_worker(library: Library, paper: str) -> None:
    from weasyprint.text.fonts import FontConfiguration

    _WORKER.update(library=library, paper=paper, env=jinja_environment(library.project.templates),
                   fonts=FontConfiguration())
    # Workers leave through os._exit, where atexit and __del__ do not run; a multiprocessing finalizer does.
    multiprocessing.util.Finalize(None, lambda: _release_fonts(_WORKER.get("fonts")), exitpriority=10)


def _work(task: Task) -> tuple[Task, bytes, Outcome]:
    pdf, outcome = _build_safely(_WORKER["library"], task, _WORKER["paper"], _WORKER["env"], _WORKER["fonts"])
    return task, pdf, outcome


def _render_all(library: Library, tasks: list[Task], paper: str, jobs: int) -> Iterator[tuple[Task, bytes, Outcome]]:
    """Each task's PDF and outcome, in a pool of `jobs` processes, or in this process when one will do."""
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
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context, initializer=_start_worker,
                             initargs=(library, paper)) as pool:
        for future in as_completed([pool.submit(_work, task) for task in tasks]):
            yield future.result()


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@dataclass
class BuildResult:
    outcomes: list[Outcome]
    unchanged: int
    removed: list[str] = field(default_factory=list)  # PDFs of handouts whose file is gone, taken out of the folder


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
) -> BuildResult:
    """Render, verify and write the selected PDFs whose inputs changed; one Outcome per PDF made or failed."""
    style_problems = check_styles(library.project, editions)  # colour contrast and triage cues, before any render
    if style_problems:
        raise StyleError(style_problems)
    loaded = [item.path for item in library.handouts]
    tasks = plan(library.project, editions, paper, handout_ids, shard, files=loaded)
    outcomes: list[Outcome] = []
    with output_lock(out_dir):
        manifest = read_manifest(out_dir, manifest_name(shard))
        todo = tasks if force else [t for t in tasks if not is_up_to_date(t, manifest, out_dir, library.project.root)]
        start(len(todo), len(tasks) - len(todo))
        for task, pdf, outcome in _render_all(library, todo, paper, jobs):
            if outcome.ok:
                write_atomic(out_dir / task.path, pdf)
                handout = library.by_id[task.handout_id].handout
                manifest[task.path] = {
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
            outcomes.append(outcome)
            echo(outcome)
        removed = withdrawn(manifest, library.project.root)
        for path in removed:
            (out_dir / path).unlink(missing_ok=True)
            del manifest[path]
        write_manifest(out_dir, manifest, f"careprint {__version__}", manifest_name(shard))
    order = {task.path: n for n, task in enumerate(tasks)}
    return BuildResult(sorted(outcomes, key=lambda o: order[o.path]), len(tasks) - len(todo), removed)
