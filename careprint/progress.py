"""How a build talks to the person who ran it.

In a terminal: a rich progress bar on stderr, with each failure printed in full above it as it happens. In CI logs
and pipes: one plain line per PDF. With --quiet: failures and the summary only. Failures always go to stderr with
every reason, because a nurse needs to know which handout did not print and why.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .problems import plural
from .project import ALL_EDITIONS


def ok_line(target, facts, format_name: str = "pdf") -> str:
    """One file that passed, with the figures its format's checks measured."""
    from .formats import format_named

    return f"ok      {target}  {format_named(format_name).summary(facts)}"


class Reporter:
    def __init__(self, out_dir: Path, quiet: bool = False, interactive: bool | None = None):
        self.out_dir = out_dir
        self.quiet = quiet
        self.interactive = (sys.stdout.isatty() and sys.stderr.isatty()) if interactive is None else interactive
        self._progress = None
        self._bar = None

    def start(self, total: int, unchanged: int) -> None:
        if unchanged and not self.quiet:
            print(f"{plural(unchanged, 'file is up to date and was', 'files are up to date and were')} not rebuilt "
                  "(--force rebuilds them)")
        if self.interactive and not self.quiet and total:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            # No refresh thread: the bar is redrawn as each PDF finishes, which keeps forked workers safe.
            self._progress = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), auto_refresh=False, transient=True,
                                      console=Console(stderr=True))
            self._progress.start()
            self._bar = self._progress.add_task("build", total=total)

    def done(self, outcome) -> None:
        target = self.out_dir / outcome.path
        if outcome.skipped:
            pass  # not made, by design: the command says why once (cli.run_build)
        elif outcome.ok:
            if not self.quiet and not self._progress:
                print(ok_line(target, outcome.facts, ALL_EDITIONS[outcome.edition].format), flush=True)
        else:
            lines = [f"FAILED  {target}  (the previous copy, if any, is kept)"]
            lines += [f"        {problem}" for problem in outcome.problems]
            if self._progress:
                self._progress.console.print("\n".join(lines), markup=False, highlight=False, style="bold")
            else:
                print("\n".join(lines), file=sys.stderr, flush=True)
        if self._progress:
            self._progress.advance(self._bar)
            self._progress.refresh()

    def finish(self) -> None:
        if self._progress:
            self._progress.stop()
