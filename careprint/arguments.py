"""The command line's words: each command, its options, and the options several commands share.

Kept apart from careprint.cli (which runs the commands) so that the whole interface reads in one place.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import sys
from pathlib import Path

from .problems import UsageError
from .project import ALL_EDITIONS, EDITIONS, PAPER_SIZES, PRINTED, Project, find_project


def program() -> str:
    """How the user called careprint: the installed `careprint` command, or `make_pdfs.py` in a checkout."""
    return "careprint" if Path(sys.argv[0]).name == "careprint" else "make_pdfs.py"


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=program(), allow_abbrev=False,
        description="Build accessible patient handouts (large-print and plain-language PDFs) from a project folder's "
                    "handouts/*.yaml (careprint new DIR makes one).",
    )
    commands = parser.add_subparsers(dest="command")
    # No abbreviated options: --handout (one handout) and --handouts (a folder) must never be confused.
    add_parser = functools.partial(commands.add_parser, allow_abbrev=False)

    def with_project(*args, **kwargs) -> argparse.ArgumentParser:
        """Every command but `new` works on one project folder: --project DIR, else the current folder."""
        sub = add_parser(*args, **kwargs)
        sub.add_argument("--project", type=Path, metavar="DIR",
                         help="the clinic's project folder (default: the current folder)")
        return sub

    commands.add_parser = with_project

    def content_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--handouts", type=Path, metavar="DIR",
                         help="folder of handout YAML files (default: the project's handouts/)")
        sub.add_argument("--clinic", type=Path, metavar="FILE",
                         help="clinic settings (default: the project's clinic.yaml)")

    def paper_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--paper", choices=sorted(PAPER_SIZES), default="letter", help="paper size (default: letter)")

    def for_handouts(sub: argparse.ArgumentParser, what: str) -> None:
        """The options of a command that prints the handouts it names (packet, card)."""
        sub.add_argument("handout_ids", nargs="+", metavar="HANDOUT_ID", help=what)
        content_options(sub)
        gate_options(sub)
        paper_option(sub)

    def gate_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--strict", action="store_true", help="treat content warnings as errors")
        sub.add_argument("--release", action="store_true",
                         help="for patient use: refuse drafts, and handouts past their review date")
        # --today: for tests and reproducible checks
        sub.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)

    build = commands.add_parser("build", help="build PDFs (the default command)")
    content_options(build)
    gate_options(build)
    build.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: the project's out/)")
    build.add_argument("--edition", action="append", choices=sorted(EDITIONS), help="only this edition (repeatable)")
    build.add_argument("--handout", action="append", metavar="ID", help="only this handout id (repeatable)")
    paper_option(build)
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
    verify.add_argument("--edition", choices=sorted(n for n, e in ALL_EDITIONS.items() if e.format == "pdf"),
                        default="plain-language",
                        help="the edition whose minimum text size and page limit apply (default: plain-language)")

    schema = commands.add_parser("schema", help="write the JSON Schema for handout files")
    schema.add_argument("--check", action="store_true", help="fail if the schema file is out of date")

    packet = commands.add_parser("packet", help="one PDF for one patient: a cover page and the handouts named")
    for_handouts(packet, "the handouts, in the order to print")
    packet.add_argument("--out", type=Path, metavar="FILE.pdf",
                        help="the packet to write (default: the project's out/packets/, named after the handouts)")
    packet.add_argument("--edition", choices=sorted(e for e in PRINTED if not PRINTED[e].bilingual),
                        default="large-print",
                        help="edition of the handouts (default: large-print)")
    packet.add_argument("--for", dest="patient_name", metavar="NAME",
                        help="the patient's name, printed on the cover only (never logged or saved elsewhere)")
    packet.add_argument("--appointment", metavar="TEXT", help="the next appointment, printed on the cover only")
    packet.add_argument("--language", metavar="TAG", help="print the handouts' translations into TAG (fr, vi, "
                        "zh-Hans, zh-Hant, pa): each handout named must have one")
    packet.add_argument("--fillable", action="store_true",
                        help="make the cover's empty lines form fields that can be typed into before printing")

    card = commands.add_parser("card", help="a one-page card of a handout's urgent warning signs, for the fridge")
    for_handouts(card, "handouts with a triage block")
    card.add_argument("--out", type=Path, metavar="DIR",
                      help="output folder; cards go in DIR/card/ (default: the project's out/)")
    card.add_argument("--language", metavar="TAG", help="the handouts' translations into TAG (default: the handouts "
                      "in their own language)")

    approve = commands.add_parser(
        "approve", help="record that a clinician approved a handout's text, in its review: block",
        description="Record who approved the handout, when, and a fingerprint of the text they approved, in the "
                    "handout's own review: block. Any later change to its text makes it 'changed since approval'.")
    approve.add_argument("handout_id", metavar="HANDOUT_ID", help="the handout that was approved")
    approve.add_argument("--by", required=True, metavar="NAME", help="the approver's name, as it is to be printed")
    approve.add_argument("--on", required=True, type=_date, metavar="YYYY-MM-DD", help="the date it was approved")
    approve.add_argument("--next-review", type=_date, metavar="YYYY-MM-DD",
                         help="the date of the next review (default: keep the handout's next_review)")
    approve.add_argument("--language", metavar="TAG", help="record a qualified medical translator's check of the "
                         "handout's translation into TAG (translations/TAG/HANDOUT_ID.yaml), not the English text")
    content_options(approve)
    approve.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)

    translate = commands.add_parser(
        "translate", help="start or update a handout's translation file, and record which English it translates",
        description="Write translations/TAG/HANDOUT_ID.yaml with every text the English handout prints, each "
                    "paired with its translation (a new or changed English text gets an empty one to fill in). When "
                    "every text is translated, it records which English text the translation matches: a later change "
                    "to the English makes the translation 'out of date'.")
    translate.add_argument("handout_id", metavar="HANDOUT_ID", help="the English handout")
    translate.add_argument("--language", required=True, metavar="TAG",
                           help="the language to translate into (a BCP 47 tag: fr, zh-Hans, zh-Hant, pa, fa, vi)")
    content_options(translate)

    listing = commands.add_parser("list", help="every handout with its version, review status and next review")
    content_options(listing)
    listing.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    listing.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)

    new = add_parser("new", help="make a project folder for a clinic: settings, starter handouts, references")
    new.add_argument("folder", type=Path, metavar="DIR", help="the folder to make (it must not exist, or be empty)")
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


# What the options mean, for every command that takes them.


def project_of(args: argparse.Namespace) -> Project:
    """The project folder the command works on (--project DIR, else the current folder); refused when there is none,
    before anything is read or written. --handouts and --clinic choose other files within it."""
    return Project(root=find_project(getattr(args, "project", None)), handouts_dir=getattr(args, "handouts", None),
                   clinic_file=getattr(args, "clinic", None))


def rules_of(args: argparse.Namespace):
    from .pipeline import Gate

    return Gate(args.today, args.strict, args.release)


def check_language(library, handout_id: str, language: str | None) -> None:
    """A --language names one of the handout's translations."""
    if language is None:
        return
    have = [item.language for item in library.translations_of(handout_id)]
    if language not in have:
        raise UsageError(f"{handout_id} has no translation into {language!r} (translations/{language}/{handout_id}"
                         f".yaml); it has: {', '.join(have) or 'none'}. Start one with: careprint translate "
                         f"{handout_id} --language {language}")


def check_ids(library, ids: list[str]) -> None:
    """The handout ids named on the command line are known, each named once."""
    known = {item.handout.id for item in library.handouts}
    unknown = [h for h in ids if h not in known]
    if unknown:
        raise UsageError(f"no handout with id {', '.join(unknown)}; known ids: {', '.join(sorted(known))}")
    twice = sorted({h for h in ids if ids.count(h) > 1})
    if twice:
        raise UsageError(f"{', '.join(twice)} is named more than once; name each handout once")
