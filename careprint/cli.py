"""The command line: `python make_pdfs.py [build|check|verify|schema|packet|card|merge-manifests] ...`.

It only parses arguments, calls the pipeline and turns results into lines a nurse or an author can act on.
`main(argv) -> int` runs in-process, so tests call it directly. No content mistake ever shows a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import json
import os
import signal
import sys
import threading
import traceback
from pathlib import Path

from . import __version__
from .problems import CareprintError, UsageError
from .project import EDITIONS, PAPER_SIZES, Project


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="make_pdfs.py", allow_abbrev=False,
        description="Build accessible patient handouts (large-print and plain-language PDFs) from handouts/*.yaml.",
    )
    commands = parser.add_subparsers(dest="command")
    # No abbreviated options: --handout (one handout) and --handouts (a folder) must never be confused.
    commands.add_parser = functools.partial(commands.add_parser, allow_abbrev=False)

    def content_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--handouts", type=Path, metavar="DIR",
                         help="folder of handout YAML files (default: handouts/)")
        sub.add_argument("--clinic", type=Path, metavar="FILE", help="clinic settings (default: clinic.yaml)")

    def gate_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--strict", action="store_true", help="treat content warnings as errors")
        sub.add_argument("--release", action="store_true",
                         help="for patient use: refuse drafts, and handouts past their review date")
        # --today: for tests and reproducible checks
        sub.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)

    build = commands.add_parser("build", help="build PDFs (the default command)")
    content_options(build)
    gate_options(build)
    build.add_argument("--out", type=Path, default=Path("out"), metavar="DIR", help="output folder (default: out/)")
    build.add_argument("--edition", action="append", choices=sorted(EDITIONS), help="only this edition (repeatable)")
    build.add_argument("--handout", action="append", metavar="ID", help="only this handout id (repeatable)")
    build.add_argument("--paper", choices=sorted(PAPER_SIZES), default="letter", help="paper size (default: letter)")
    build.add_argument("--jobs", type=_positive, metavar="N", help="worker processes (default: one per core)")
    build.add_argument("--force", action="store_true", help="rebuild every PDF, even those whose inputs did not change")
    build.add_argument("--shard", type=_shard, metavar="I/N",
                       help="build only shard I of N (a stable split by handout), for spreading a catalogue over "
                            "machines; then run merge-manifests")
    build.add_argument("--quiet", action="store_true", help="print only failures and the summary")

    merge = commands.add_parser("merge-manifests", help="combine the manifests of sharded builds into manifest.json")
    merge.add_argument("out", type=Path, metavar="DIR", help="the folder holding every shard's PDFs and manifests")

    check = commands.add_parser("check", help="check the content without building")
    content_options(check)
    gate_options(check)
    check.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")

    verify = commands.add_parser("verify", help="check PDFs that already exist (for example one sent by email)")
    verify.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    verify.add_argument("--edition", choices=sorted(EDITIONS), default="plain-language",
                        help="the edition whose minimum text size applies (default: plain-language)")

    schema = commands.add_parser("schema", help="write the JSON Schema for handout files")
    schema.add_argument("--check", action="store_true", help="fail if the schema file is out of date")

    packet = commands.add_parser("packet", help="one PDF for one patient: a cover page and the handouts named")
    packet.add_argument("handout_ids", nargs="+", metavar="HANDOUT_ID", help="the handouts, in the order to print")
    content_options(packet)
    gate_options(packet)
    packet.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="the packet to write")
    packet.add_argument("--edition", choices=sorted(EDITIONS), default="large-print",
                        help="edition of the handouts (default: large-print)")
    packet.add_argument("--paper", choices=sorted(PAPER_SIZES), default="letter", help="paper size (default: letter)")
    packet.add_argument("--for", dest="patient_name", metavar="NAME",
                        help="the patient's name, printed on the cover only (never logged or saved elsewhere)")
    packet.add_argument("--appointment", metavar="TEXT", help="the next appointment, printed on the cover only")
    packet.add_argument("--fillable", action="store_true",
                        help="make the cover's empty lines form fields that can be typed into before printing")

    card = commands.add_parser("card", help="a one-page card of a handout's urgent warning signs, for the fridge")
    card.add_argument("handout_ids", nargs="+", metavar="HANDOUT_ID", help="handouts with a triage block")
    content_options(card)
    gate_options(card)
    card.add_argument("--out", type=Path, default=Path("out"), metavar="DIR",
                      help="output folder; cards go in DIR/card/ (default: out/)")
    card.add_argument("--paper", choices=sorted(PAPER_SIZES), default="letter", help="paper size (default: letter)")
    return parser


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write YYYY-MM-DD") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return int(text)


def _shard(text: str):
    from .plan import parse_shard

    try:
        return parse_shard(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _project(args: argparse.Namespace) -> Project:
    return Project(handouts_dir=getattr(args, "handouts", None), clinic_file=getattr(args, "clinic", None))


def _print_problems(error: CareprintError) -> None:
    for problem in error.problems:
        print(str(problem), file=sys.stderr)


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


def run_build(args: argparse.Namespace) -> int:
    from .write import check_output_dir

    check_output_dir(args.out)
    project = _project(args)
    editions = list(dict.fromkeys(args.edition)) if args.edition else list(EDITIONS)  # each edition once
    if not (args.force or args.strict or args.release) and _up_to_date(project, args, editions):
        return 0

    from .build import build, default_jobs
    from .contrast import StyleError
    from .library import load_library
    from .progress import Reporter

    library = load_library(project)
    if _selected_handouts(library, args, args.handout or []) is None:
        return 1

    reporter = Reporter(args.out, quiet=args.quiet)
    try:
        result = build(library, args.out, editions, args.handout, args.paper, reporter.done,
                       jobs=args.jobs or default_jobs(), force=args.force, shard=args.shard, start=reporter.start,
                       warn=_warn, checked=True)
    except StyleError as error:  # colour contrast or triage cues: checked before anything renders
        _print_problems(error)
        print("build stopped before rendering: the stylesheets or templates break a clear-print rule; no PDF was "
              "written or replaced", file=sys.stderr)
        return error.exit_code
    finally:
        reporter.finish()
    for path in result.removed:
        print(f"removed {args.out / path}: its handout file is gone, so it must not be printed any more")
    failed = [o for o in result.outcomes if not o.ok]
    from .plan import manifest_name

    unchanged = f" ({result.unchanged} up to date)" if result.unchanged else ""
    manifest = args.out / manifest_name(args.shard)
    print(f"{len(result.outcomes) - len(failed)} of {result.todo} PDFs built in {args.out}/{unchanged}; "
          f"manifest: {manifest}")
    if result.stopped:
        print(f"build stopped: {result.stopped}", file=sys.stderr)
        print(f"{_written(result.written)} before it stopped; every PDF {manifest} lists is exactly the file on "
              "disk, and the other PDFs were not changed: run the build again once this is fixed", file=sys.stderr)
        return 1
    if failed:
        print(f"{len(failed)} failed: {', '.join(o.path for o in failed)}", file=sys.stderr)
        return 1
    return 0


def _written(paths: list[str]) -> str:
    from .problems import plural

    return plural(len(paths), "PDF was written", "PDFs were written")


def _up_to_date(project: Project, args: argparse.Namespace, editions: list[str]) -> bool:
    """The cheap path: every PDF already made from these exact inputs. Reads bytes only; no WeasyPrint, no YAML."""
    from .plan import manifest_name, nothing_to_do, plan
    from .write import clean_temporary_files, load_manifest

    if not project.handouts.is_dir():
        return False
    tasks = plan(project, editions, args.paper, args.handout, args.shard)
    read = load_manifest(args.out, manifest_name(args.shard))
    if read.damaged or clean_temporary_files(args.out, dry_run=True):
        return False  # the build sets the damaged manifest aside, and removes what a stopped build left
    if not nothing_to_do(tasks, read.entries, args.out, project.root, args.today or datetime.date.today()):
        return False
    print(f"nothing to do: all {len(tasks)} PDFs in {args.out}/ are up to date (--force rebuilds them)")
    return True


def run_merge_manifests(args: argparse.Namespace) -> int:
    from .write import merge_manifests

    count, shards = merge_manifests(args.out, f"careprint {__version__}")
    print(f"merged {shards} shard manifests: {count} PDFs listed in {args.out / 'manifest.json'}")
    return 0


def _quality_gate(library, args: argparse.Namespace, handout_ids: list[str] | None = None, report=None):
    """The content checks (check.py) for the selected handouts: (problems, whether they stop the command)."""
    from .check import content_gate

    problems = content_gate(library, handout_ids, args.today or datetime.date.today(), args.release, report)
    failed = any(p.severity == "error" for p in problems) or (args.strict and bool(problems))
    return problems, failed


def _tally(problems: list, strict: bool) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    text = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    return text + (" (warnings count as errors with --strict)" if strict and warnings else "")


def run_check(args: argparse.Namespace) -> int:
    from .check import format_readability, readability_report
    from .library import load_library
    from .problems import ContentError

    try:
        library = load_library(_project(args))
    except ContentError as error:
        if args.format != "json":
            raise
        print(json.dumps({"ok": False, "errors": len(error.problems), "warnings": 0,
                          "problems": [p.as_dict() for p in error.problems], "readability": []}, indent=2))
        return error.exit_code
    from .contrast import check_styles

    report = readability_report(library)  # measured once: checked against the limits, then printed
    problems, failed = _quality_gate(library, args, report=report)
    styles = check_styles(library.project)  # the same style gate a build runs: contrast and triage cues
    problems, failed = problems + styles, failed or bool(styles)
    if args.format == "json":
        print(json.dumps({
            "ok": not failed,
            "today": (args.today or datetime.date.today()).isoformat(),
            "strict": args.strict,
            "release": args.release,
            "errors": sum(p.severity == "error" for p in problems),
            "warnings": sum(p.severity == "warning" for p in problems),
            "problems": [p.as_dict() for p in problems],
            "readability": [entry.as_dict() for entry in report],
        }, indent=2))
        return 1 if failed else 0
    for problem in problems:
        print(str(problem), file=sys.stderr)
    print("\n".join(format_readability(report)))
    verdict = "failed" if failed else "passed"
    tally = _tally(problems, args.strict) if problems else "no problems found"
    print(f"{len(library.handouts)} handouts checked: {tally}"
          f"; {verdict}")
    return 1 if failed else 0


def run_verify(args: argparse.Namespace) -> int:
    from .progress import ok_line
    from .verify import verify_file

    minimum = EDITIONS[args.edition].min_glyph_pt
    failures = 0
    for path in args.paths:
        facts, problems = verify_file(path, minimum)  # never raises for a bad or missing file
        if problems:
            failures += 1
            print(f"FAILED  {path}", file=sys.stderr)
            for problem in problems:
                print(f"        {problem}", file=sys.stderr)
        else:
            print(ok_line(path, facts))
    return 1 if failures else 0


def run_schema(args: argparse.Namespace) -> int:
    from .files import MiB, read_text
    from .schema import SCHEMA_PATH, schema_text

    current = read_text(SCHEMA_PATH, 16 * MiB) if SCHEMA_PATH.exists() else ""
    if args.check:
        if current != schema_text():
            print(f"{SCHEMA_PATH} is out of date: run python make_pdfs.py schema", file=sys.stderr)
            return 1
        print(f"{SCHEMA_PATH} is up to date")
        return 0
    from .write import write_atomic

    write_atomic(SCHEMA_PATH, schema_text().encode("utf-8"))
    print(f"wrote {SCHEMA_PATH}")
    return 0


def _selected_handouts(library, args: argparse.Namespace, ids: list[str]) -> list[str] | None:
    """The handout ids named on the command line (none: every handout), checked, then the content gate for them.

    None (after printing every problem) when the gate stops the command; nothing has been rendered or written.
    """
    known = {item.handout.id for item in library.handouts}
    unknown = [h for h in ids if h not in known]
    if unknown:
        raise UsageError(f"no handout with id {', '.join(unknown)}; known ids: {', '.join(sorted(known))}")
    twice = sorted({h for h in ids if ids.count(h) > 1})
    if twice:
        raise UsageError(f"{', '.join(twice)} is named more than once; name each handout once")
    problems, failed = _quality_gate(library, args, ids)
    for problem in problems:
        print(str(problem), file=sys.stderr)
    if failed:
        print(f"{args.command} stopped before rendering: {_tally(problems, args.strict)}; nothing was written or "
              "replaced", file=sys.stderr)
        return None
    return list(ids)


def run_packet(args: argparse.Namespace) -> int:
    """One packet for one patient. The patient's details are passed on in memory and never printed here."""
    from .library import load_library
    from .packet import Patient, build_packet, check_packet_target, check_patient

    if args.out.suffix.lower() != ".pdf" or args.out.is_dir():
        raise UsageError(f"--out {args.out} must name the packet's PDF file, e.g. --out packet.pdf")
    patient = Patient(name=args.patient_name, appointment=args.appointment)
    check_patient(patient)
    library = load_library(_project(args))
    check_packet_target(Path(os.path.abspath(args.out)), {item.handout.id for item in library.handouts})
    handout_ids = _selected_handouts(library, args, args.handout_ids)
    if handout_ids is None:
        return 1
    outcome = build_packet(library, handout_ids, EDITIONS[args.edition], args.out, args.paper, patient, args.fillable)
    if not outcome.ok:
        print(f"FAILED  {args.out}  (nothing was written; the previous file, if any, is kept)", file=sys.stderr)
        for problem in outcome.problems:
            print(f"        {problem}", file=sys.stderr)
        return 1
    starts = ", ".join(f"{handout_id} p. {page}" for handout_id, page in outcome.starts.items())
    print(f"ok      {args.out}  {outcome.facts.pages} pages ({args.edition}; {starts}), smallest text "
          f"{outcome.facts.smallest_glyph_pt:g} pt{', fillable cover' if args.fillable else ''}")
    return 0


def run_card(args: argparse.Namespace) -> int:
    from .card import build_cards
    from .library import load_library

    library = load_library(_project(args))
    handout_ids = _selected_handouts(library, args, args.handout_ids)
    if handout_ids is None:
        return 1

    from .progress import Reporter

    outcomes = build_cards(library, args.out, handout_ids, args.paper, Reporter(args.out, interactive=False).done,
                           warn=_warn, checked=True)
    failed = [o for o in outcomes if not o.ok]
    print(f"{len(outcomes) - len(failed)} of {len(outcomes)} cards built in {args.out / 'card'}/; manifest: "
          f"{args.out / 'manifest.json'}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        return _unknown_command(argv[0])
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage message
        return int(exc.code or 0) and UsageError.exit_code
    with _stop_signals():
        try:
            return RUNNERS[args.command](args)
        except CareprintError as error:
            _print_problems(error)
            return error.exit_code
        except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM (Terminated): one line, never a traceback
            print(_stopped_line(stop, args), file=sys.stderr)
            return stop.exit_code if isinstance(stop, Terminated) else 130
        except OSError as error:  # the machine, not careprint: a disk, a folder, a permission
            from .files import os_error_message

            print(os_error_message(error, "read or write"), file=sys.stderr)
            return 1
        except MemoryError:
            print("careprint ran out of memory; close other programs, or build with --jobs 1", file=sys.stderr)
            return 1
        except Exception:  # a bug in careprint, not in the content
            if os.environ.get("CAREPRINT_DEBUG"):
                traceback.print_exc()
            print("careprint hit an internal error (a bug in careprint, not a problem with your content); files "
                  "are never left half-written, and PDFs reported ok above were written. Run again with "
                  "CAREPRINT_DEBUG=1 and report the output to the careprint maintainers.", file=sys.stderr)
            return 3


def _unknown_command(word: str) -> int:
    """'chek' -> did you mean 'check'? (A bare word is never taken for a build option.)"""
    import difflib

    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else f"the commands are {', '.join(COMMANDS)}"
    print(f"make_pdfs.py: '{word}' is not a command; {hint} (run make_pdfs.py --help for more)", file=sys.stderr)
    return UsageError.exit_code


# The one registry of commands: its names are the subcommands _parser() defines, in the same order.
RUNNERS = {"build": run_build, "check": run_check, "verify": run_verify, "schema": run_schema,
           "packet": run_packet, "card": run_card, "merge-manifests": run_merge_manifests}
COMMANDS = tuple(RUNNERS)


class Terminated(KeyboardInterrupt):
    """SIGTERM: stop as cleanly as for Ctrl-C."""

    exit_code = 128 + signal.SIGTERM


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


@contextlib.contextmanager
def _stop_signals():
    """SIGTERM stops a command the way Ctrl-C does (workers stopped, manifest exact, one line); a file size limit
    (ulimit -f) fails the write with a message instead of killing the process."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signal.SIGTERM: signal.signal(signal.SIGTERM, _on_sigterm)}
    if hasattr(signal, "SIGXFSZ"):
        previous[signal.SIGXFSZ] = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)


def _stopped_line(stop: KeyboardInterrupt, args: argparse.Namespace) -> str:
    how = "stopped by SIGTERM" if isinstance(stop, Terminated) else "stopped by Ctrl-C"
    written = getattr(stop, "written", None)
    if written is None:
        return f"{how}; no file was left half-written"
    from .plan import manifest_name

    manifest = args.out / manifest_name(getattr(args, "shard", None))
    return (f"{how}: {_written(written)} before the stop; every PDF {manifest} lists is exactly the file on disk, "
            "and nothing else was changed: run the build again to finish")
