"""The command line: `careprint [build|check|verify|schema|packet|card|merge-manifests|new|approve|list] ...` (in a
checkout, `python make_pdfs.py ...`).

It only parses arguments, calls the pipeline and turns results into lines a nurse or an author can act on.
`main(argv) -> int` runs in-process, so tests call it directly. No content mistake ever shows a traceback.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import traceback
from pathlib import Path

from . import __version__, arguments
from .arguments import parser, program
from .commands import print_problems as _print_problems
from .commands import report as _report
from .commands import run_approve, run_check, run_list, run_new, run_schema, run_translate
from .problems import CareprintError, GateStopped, UsageError
from .project import ALL_EDITIONS, EDITIONS, Project, find_project, output_folder, packet_path
from .setup_help import missing_module
from .signals import Terminated, stop_signals


def _output(args: argparse.Namespace, project: Project) -> Path:
    """--out, else the project's out/ (named as the user named the project, for the lines careprint prints)."""
    return args.out if args.out is not None else output_folder(getattr(args, "project", None), project.root)


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


def run_build(args: argparse.Namespace) -> int:
    from .write import check_output_dir

    project = arguments.project_of(args)
    args.out = _output(args, project)
    check_output_dir(args.out)
    editions = list(dict.fromkeys(args.edition)) if args.edition else list(EDITIONS)  # each edition once
    if not (args.force or args.strict or args.release) and _up_to_date(project, args, editions):
        return 0

    from . import pipeline
    from .progress import Reporter
    from .workers import default_jobs

    library = pipeline.load(project)
    arguments.check_ids(library, args.handout or [])
    reporter = Reporter(args.out, quiet=args.quiet)
    try:
        result = pipeline.build(library, args.out, editions, args.handout, args.paper, reporter.done,
                                rules=arguments.rules_of(args), report=_report, jobs=args.jobs or default_jobs(),
                                force=args.force, shard=args.shard, start=reporter.start, warn=_warn)
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
    from .manifest import load_manifest
    from .plan import manifest_name, nothing_to_do, plan
    from .write import clean_temporary_files

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
    from .manifest import merge_manifests

    if args.project is not None:  # not needed (the folder named is the one merged), but never ignored if wrong
        find_project(args.project)
    count, shards = merge_manifests(args.out, f"careprint {__version__}")
    print(f"merged {shards} shard manifests: {count} PDFs listed in {args.out / 'manifest.json'}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from .progress import ok_line
    from .verify import verify_file

    if args.project is not None:  # not needed (a PDF is checked on its own), but never ignored if wrong
        find_project(args.project)
    failures = 0
    for path in args.paths:
        facts, problems = verify_file(path, ALL_EDITIONS[args.edition])  # never raises for a bad or missing file
        if problems:
            failures += 1
            print(f"FAILED  {path}", file=sys.stderr)
            for problem in problems:
                print(f"        {problem}", file=sys.stderr)
        else:
            print(ok_line(path, facts))
    return 1 if failures else 0


def run_packet(args: argparse.Namespace) -> int:
    """One packet for one patient. The patient's details are passed on in memory and never printed here."""
    from . import pipeline
    from .packet import Patient, check_packet_target, check_patient

    project = arguments.project_of(args)
    if args.out is None:
        args.out = packet_path(_output(args, project), args.handout_ids, args.language)
    if args.out.suffix.lower() != ".pdf" or args.out.is_dir():
        raise UsageError(f"--out {args.out} must name the packet's PDF file, e.g. --out packet.pdf")
    patient = Patient(name=args.patient_name, appointment=args.appointment)
    check_patient(patient)
    library = pipeline.load(project)
    check_packet_target(Path(os.path.abspath(args.out)), {item.handout.id for item in library.handouts})
    arguments.check_ids(library, args.handout_ids)
    for handout_id in args.handout_ids:
        arguments.check_language(library, handout_id, args.language)
    request = pipeline.PacketRequest(args.handout_ids, EDITIONS[args.edition], args.out, args.paper, patient,
                                     args.fillable, arguments.rules_of(args), args.language)
    outcome = pipeline.packet(library, request, _report)
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
    from . import pipeline
    from .progress import Reporter

    project = arguments.project_of(args)
    args.out = _output(args, project)
    library = pipeline.load(project)
    arguments.check_ids(library, args.handout_ids)
    for handout_id in args.handout_ids:
        arguments.check_language(library, handout_id, args.language)
    outcomes = pipeline.cards(library, args.out, args.handout_ids, args.paper,
                              Reporter(args.out, interactive=False).done, rules=arguments.rules_of(args),
                              report=_report, warn=_warn, language=args.language)
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
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage message
        return int(exc.code or 0) and UsageError.exit_code
    with stop_signals():
        try:
            return RUNNERS[args.command](args)
        except GateStopped as stopped:  # nothing rendered: every problem, then one line saying so
            _print_problems(stopped)
            print(f"{args.command} stopped before rendering: {stopped.tally(getattr(args, 'strict', False))}; "
                  "nothing was written or replaced", file=sys.stderr)
            return stopped.exit_code
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
        except Exception as error:
            if isinstance(error, ModuleNotFoundError) and (error.name or "").split(".")[0] != "careprint":
                print(missing_module(error.name), file=sys.stderr)  # the wrong Python, or a half-done install
                return 1
            if os.environ.get("CAREPRINT_DEBUG"):  # a bug in careprint (or its own files missing), not the content
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
    print(f"{program()}: '{word}' is not a command; {hint} (run {program()} --help for more)", file=sys.stderr)
    return UsageError.exit_code


# The one registry of commands: its names are the subcommands arguments.parser() defines, in the same order.
RUNNERS = {"build": run_build, "check": run_check, "verify": run_verify, "schema": run_schema,
           "packet": run_packet, "card": run_card, "merge-manifests": run_merge_manifests, "new": run_new,
           "approve": run_approve, "list": run_list, "translate": run_translate}
COMMANDS = tuple(RUNNERS)


def _stopped_line(stop: KeyboardInterrupt, args: argparse.Namespace) -> str:
    how = "stopped by SIGTERM" if isinstance(stop, Terminated) else "stopped by Ctrl-C"
    written = getattr(stop, "written", None)
    if written is None:
        return f"{how}; no file was left half-written"
    from .plan import manifest_name

    manifest = args.out / manifest_name(getattr(args, "shard", None))
    return (f"{how}: {_written(written)} before the stop; every PDF {manifest} lists is exactly the file on disk, "
            "and nothing else was changed: run the build again to finish")
