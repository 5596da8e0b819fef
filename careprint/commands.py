"""The commands about a project's content rather than its printed files: check, list, approve, schema and new.

Why apart from careprint.cli (which holds build, packet, card, verify, the registry of commands and `main`): each
is a short translation from options to one pipeline or content call and back to lines a person reads, and they
read best together. The options' meaning (`project_of`, `rules_of`, `check_ids`) is in careprint.arguments.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys

from . import arguments
from .problems import CareprintError
from .problems import tally as count_of


def print_problems(error: CareprintError) -> None:
    for problem in error.problems:
        print(str(problem), file=sys.stderr)


def report(problem) -> None:
    """A finding that does not stop the command (a warning), printed before anything else happens."""
    print(str(problem), file=sys.stderr, flush=True)


def run_check(args: argparse.Namespace) -> int:
    from . import pipeline
    from .problems import ContentError
    from .readability import format_readability

    try:
        library = pipeline.load(arguments.project_of(args))
    except ContentError as error:
        if args.format != "json":
            raise
        print(json.dumps({"ok": False, "errors": len(error.problems), "warnings": 0,
                          "problems": [p.as_dict() for p in error.problems], "readability": []}, indent=2))
        return error.exit_code
    result = pipeline.check(library, arguments.rules_of(args))
    problems = result.problems
    if args.format == "json":
        print(json.dumps({
            "ok": not result.failed,
            "today": (args.today or datetime.date.today()).isoformat(),
            "strict": args.strict,
            "release": args.release,
            "errors": sum(p.severity == "error" for p in problems),
            "warnings": sum(p.severity == "warning" for p in problems),
            "problems": [p.as_dict() for p in problems],
            "readability": [entry.as_dict() for entry in result.readability],
        }, indent=2))
        return 1 if result.failed else 0
    for problem in problems:
        print(str(problem), file=sys.stderr)
    print("\n".join(format_readability(result.readability)))
    verdict = "failed" if result.failed else "passed"
    tally = count_of(problems, args.strict) if problems else "no problems found"
    print(f"{len(library.handouts)} handouts checked: {tally}; {verdict}")
    return 1 if result.failed else 0


def run_schema(args: argparse.Namespace) -> int:
    from .files import MiB, read_text
    from .schema import schema_path, schema_text

    project = arguments.project_of(args)
    path = schema_path(project.root)
    shown = project.shown(path)
    current = read_text(path, 16 * MiB) if path.exists() else ""
    if args.check:
        if current != schema_text():
            print(f"{shown} is out of date: run {arguments.program()} schema", file=sys.stderr)
            return 1
        print(f"{shown} is up to date")
        return 0
    from .write import write_atomic

    path.parent.mkdir(exist_ok=True)
    write_atomic(path, schema_text().encode("utf-8"))
    print(f"wrote {shown}")
    return 0


def run_new(args: argparse.Namespace) -> int:
    from .newproject import make_project, next_steps

    make_project(args.folder)
    print(next_steps(args.folder, arguments.program()))
    return 0


def _library_or_say(args: argparse.Namespace, nothing_done: str):
    """(the project's library, 0), or (None, exit code) after saying every problem and then `nothing_done`."""
    from . import pipeline
    from .problems import ContentError

    try:
        return pipeline.load(arguments.project_of(args)), 0
    except ContentError as error:
        print_problems(error)
        print(nothing_done, file=sys.stderr)
        return None, error.exit_code


def run_approve(args: argparse.Namespace) -> int:
    """Record an approval in the handout's review: block (careprint.approve), or say why not and change nothing."""
    from .approve import Approval, approve

    library, code = _library_or_say(args, "not approved: the handouts could not be loaded (above); no file was "
                                          "changed")
    if library is None:
        return code
    arguments.check_ids(library, [args.handout_id])
    arguments.check_language(library, args.handout_id, args.language)
    done = approve(library, Approval(args.handout_id, args.by, args.on, args.next_review, args.language),
                   args.today or datetime.date.today())
    for problem in done.warnings:
        report(problem)
    print("\n".join(done.lines()))
    return 0


def run_translate(args: argparse.Namespace) -> int:
    """Start or update a translation file (careprint.translate), and record which English it translates."""
    from .locale import LANGUAGE_TAG
    from .problems import UsageError
    from .translate import translate

    if not re.fullmatch(LANGUAGE_TAG, args.language or ""):
        raise UsageError(f"--language {args.language!r} is not a language tag careprint knows the form of; write it "
                         "like fr, vi, pa, fa, zh-Hans or zh-Hant")
    library, code = _library_or_say(args, "nothing was written: the handouts could not be loaded (above)")
    if library is None:
        return code
    arguments.check_ids(library, [args.handout_id])
    if library.by_id[args.handout_id].handout.language == args.language:
        raise UsageError(f"{args.handout_id} is written in {args.language}; translate it into another language")
    print("\n".join(translate(library, args.handout_id, args.language).lines()))
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Every handout: id, title, version, review status (draft, approved, changed since approval), next review."""
    from . import pipeline
    from .approval import listing, table_lines

    rows = listing(pipeline.load(arguments.project_of(args)), args.today or datetime.date.today())
    print(json.dumps(rows, indent=2) if args.format == "json" else "\n".join(table_lines(rows)))
    return 0
