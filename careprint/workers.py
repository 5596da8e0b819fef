"""Make many outputs at once: a pool of worker processes, each with its own fonts, with output identical to a
serial build.

Why apart from the build: a worker's life has rules of its own that have nothing to do with handouts. It never
outlives its build (even after kill -9), never holds the build's lock, leaves Ctrl-C to the build, and removes its
font folder however it ends. A careprint bug while making one output is reported as a bug on that output (with its
traceback under CAREPRINT_DEBUG=1), not as damaged content, and the other outputs still get made.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from .files import describe_os_error
from .formats import Made, format_named
from .library import Library
from .plan import Task
from .problems import CareprintError, on_page
from .project import ALL_EDITIONS
from .write import close_inherited_locks

PR_SET_PDEATHSIG = 1  # linux/prctl.h
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class Makers:
    """Each format's working state in this process, opened when first needed, closed together."""

    def __init__(self, library: Library, paper: str):
        self.library, self.paper, self.open = library, paper, {}

    def make(self, task: Task) -> Made:
        edition = ALL_EDITIONS[task.edition]
        if edition.format not in self.open:
            self.open[edition.format] = format_named(edition.format).maker(self.library, self.paper)
        item = self.library.item(task.handout_id, task.language, edition.bilingual)
        return self.open[edition.format].make(item, edition)

    def close(self) -> None:
        for maker in self.open.values():
            maker.close()


def make_safely(makers: Makers, task: Task) -> Made:
    """One output, with a careprint bug contained to it instead of stopping every other handout."""
    try:
        return makers.make(task)
    except OSError as error:  # the machine, not careprint: a full /tmp for the fonts, a file that cannot be read
        cause, remedy = describe_os_error(error)
        where = f" ({error.filename})" if error.filename else ""
        return Made(b"", [on_page(None, f"a file could not be read or written while making this file{where}: "
                                        f"{cause}; {remedy}")])
    except MemoryError:
        return Made(b"", [on_page(None, "the computer ran out of memory making this file; close other programs, or "
                                        "build with --jobs 1")])
    except Exception as error:  # a bug, not a content mistake: report it as one, keep the previous file
        message = (f"careprint bug: it could not make this file ({type(error).__name__}: {error}); nothing is wrong "
                   f"with the content or the file on disk; run again with CAREPRINT_DEBUG=1 and report the output "
                   f"to the careprint maintainers")
        if os.environ.get("CAREPRINT_DEBUG"):  # the worker's own traceback, which the pool would otherwise lose
            message += "\n" + traceback.format_exc().rstrip()
        return Made(b"", [on_page(None, message)])


# One worker process's state: set once by _start_worker, used by every task the worker runs.
_WORKER: dict = {}


def _die_with_parent() -> None:
    """Ask Linux to send this worker SIGTERM when the build that forked it dies, even by kill -9."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the lock is still released, see close_inherited_locks
        pass


def _close_makers() -> None:
    makers = _WORKER.get("makers")
    if makers is not None:
        makers.close()


def _stop_worker(signum, frame) -> None:
    """SIGTERM (the build stopping, or dying): remove this worker's font folder and leave, without a traceback."""
    _close_makers()
    os._exit(128 + signum)


def _start_worker(library: Library, paper: str, parent: int) -> None:
    """A worker never outlives its build, never holds the build's lock, and leaves Ctrl-C to the build.

    It is forked with SIGINT and SIGTERM blocked (see make_all), so none arrives before it is ready for it."""
    close_inherited_locks()  # else kill -9 of the build leaves the output folder locked while workers run on
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the build decides
    signal.signal(signal.SIGTERM, _stop_worker)
    _die_with_parent()
    if os.getppid() != parent:  # the build died before prctl took effect
        os._exit(1)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    _WORKER["makers"] = Makers(library, paper)
    # Workers leave through os._exit, where atexit and __del__ do not run; a multiprocessing finalizer does.
    multiprocessing.util.Finalize(None, _close_makers, exitpriority=10)


def _work(task: Task) -> tuple[Task, Made]:
    return task, make_safely(_WORKER["makers"], task)


def make_all(library: Library, tasks: list[Task], paper: str, jobs: int) -> Iterator[tuple[Task, Made]]:
    """Each task's output, made and checked, in a pool of `jobs` processes, or in this process when one will do.

    Closing the iterator early (an error, Ctrl-C) stops the workers at once: nothing is made after that."""
    if jobs <= 1 or len(tasks) <= 1:
        makers = Makers(library, paper)
        try:
            for task in tasks:
                yield task, make_safely(makers, task)
        finally:
            makers.close()
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


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
