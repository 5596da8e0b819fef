"""A discharge packet: one PDF for one patient, ready for a double-sided printer.

The packet is a cover page followed by the chosen handouts, each exactly as its single PDF (same template, same
stylesheets, same footer counting "Page 2 of 5" inside the handout), each starting on a right-hand (odd) page so
that a double-sided print can be split by handout. A back page left empty says so in words. Every page also shows
"Packet page 7 of 16" at the top, the numbers the cover's list of contents uses (styles/packet.css, from where each
part starts, written into the part's HTML: careprint.render.PacketPage). The list says under a handout that is a
draft, or not the approved text (careprint.approval), that it is.

Each part is laid out as its own WeasyPrint document and the pages are joined into one PDF (Document.copy), so
each handout keeps its own page count and nothing in CSS has to restart counters. The parts are laid out twice:
once to count their pages, then again with the packet page numbers; the second layout must give the same counts.

Patient details (`--for`, `--appointment`) are held in memory and handed to the cover template only: they are
never logged, printed, cached or written anywhere but the packet itself, and error messages never repeat them.
The packet is verified like a single handout (careprint.verify and careprint.layout) and written atomically, under
the lock of the output folder it is written into; the manifest of that folder is not touched, and a packet never
replaces a handout PDF that builds make there (check_packet_target).
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .approval import state_of
from .checks import LaidOutSubject, run_checks
from .files import os_error_message
from .fonts import families_shown, missing_characters
from .formats.pdf import check_pdf, expected_of
from .library import Library, LoadedHandout
from .locale import Locale, load_locale
from .manifest import MANIFEST_NAME, load_manifest, path_problem
from .paginate import layout_keeping_levels_whole
from .problems import Problem, UsageError, on_page, plural
from .project import ALL_EDITIONS, Edition
from .readback import PdfFacts
from .render import PacketPage, Renderer, jinja_environment, render_html
from .write import LOCK_NAME, TEMPORARY, output_lock, write_atomic

MAX_DETAIL_CHARS = 120


@dataclass(frozen=True)
class Patient:
    """One patient's details for the cover. Kept out of repr() so that no traceback or log line can show them."""

    name: str | None = field(default=None, repr=False)
    appointment: str | None = field(default=None, repr=False)


def check_patient(patient: Patient, language: str | None = None) -> None:
    """Refuse details that cannot be printed on one line; the message never repeats what was typed. Before the
    packet's language is known (None), a character none of careprint's fonts has is refused."""
    for option, value in (("--for", patient.name), ("--appointment", patient.appointment)):
        if value is None:
            continue
        if not value.strip():
            raise UsageError(f"{option} is empty; leave the option out to print a line to write on")
        if len(value) > MAX_DETAIL_CHARS:
            raise UsageError(f"{option} is longer than {MAX_DETAIL_CHARS} characters; shorten it")
        if any(not ch.isprintable() for ch in value):
            raise UsageError(f"{option} contains a line break or a control character; type it on one line")
        missing = missing_characters(value, language)
        if missing:  # the value is never repeated: only the first character's code, and the kind of characters
            what = "the patient name given with --for" if option == "--for" else \
                "the appointment given with --appointment"
            raise UsageError(
                f"{what} has {plural(len(missing), 'character', 'characters')} the font "
                f"{families_shown(language)} cannot print "
                f"({_kind_of_characters(missing)}, the first U+{ord(missing[0]):04X}); type it with letters the font "
                f"has (for a name, without those accents or marks), or leave {option} out and write it on the cover "
                "by hand")


def _kind_of_characters(chars: list[str]) -> str:
    """'Arabic letters', 'Latin letters with accents or marks', 'symbols': what kind, never which."""
    import unicodedata

    scripts = []
    for ch in chars:
        name = unicodedata.name(ch, "")
        if unicodedata.category(ch).startswith(("L", "M")) and name:
            script = name.split()[0].capitalize()
            scripts.append(f"{script} letters with accents or marks" if script == "Latin" else f"{script} letters")
        else:
            scripts.append("symbols")
    return " and ".join(dict.fromkeys(scripts))


@dataclass(frozen=True)
class CoverField:
    id: str
    label: str
    value: str | None  # printed as text; None prints a line to write on (or a form field with --fillable)


def cover_fields(library: Library, patient: Patient, locale: Locale) -> list[CoverField]:
    """The cover's write-in lines, pre-filled from the command line and the clinic settings where given."""
    day = library.clinic.phones.day
    labels = locale.packet.fields
    return [
        CoverField("patient-name", labels.patient_name, patient.name),
        CoverField("date", labels.date, None),
        CoverField("next-appointment", labels.next_appointment, patient.appointment),
        CoverField("care-team-phone", labels.care_team_phone, f"{day.number} ({day.label})" if day.number else None),
    ]


@dataclass
class Part:
    """One run of pages in the packet: the cover, a handout, or a blank back page."""

    kind: str  # "cover", "handout" or "blank"
    item: LoadedHandout | None = None
    html: str = ""
    splits: dict = field(default_factory=dict)  # where its long warning levels are cut (careprint.paginate)
    document: object = None
    first_page: int = 0  # in the packet, from 1
    pages: int = 0


@dataclass
class PacketOutcome:
    path: Path
    handouts: list[str]
    starts: dict[str, int] = field(default_factory=dict)  # handout id -> packet page it starts on
    facts: PdfFacts | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _paginate(parts: list[Part]) -> int:
    """Give each part its first packet page, adding blank backs so that each handout starts on an odd page."""
    laid_out: list[Part] = []
    page = 1
    for part in parts:
        if part.kind == "handout" and page % 2 == 0:
            laid_out.append(Part("blank", pages=1, first_page=page))
            page += 1
        part.first_page = page
        laid_out.append(part)
        page += part.pages
    parts[:] = laid_out
    return page - 1


def build_packet(
    library: Library,
    handout_ids: list[str],
    edition: Edition,
    out_path: Path,
    paper: str = "letter",
    patient: Patient | None = None,
    fillable: bool = False,
    language: str | None = None,
) -> PacketOutcome:
    """Render, verify and (only if every check passes) write one packet (of the handouts' translations into
    `language`, if given); returns what was found."""
    from .translation import translation_notes

    patient = patient or Patient()
    items = [library.item(handout_id, language) for handout_id in handout_ids]
    check_patient(patient, items[0].handout.language)
    outcome = PacketOutcome(out_path, list(handout_ids))
    locale = load_locale(items[0].handout.language)
    renderer = Renderer(library.project, edition, paper, extra_sheets=("packet.css",), locale=locale)
    env = jinja_environment(library.project.template_folders)
    fields = cover_fields(library, patient, locale)

    def cover_html(starts: dict[str, int], packet_page: PacketPage | None = None) -> str:
        contents = [{"title": item.handout.title, "page": starts.get(item.handout.id, 0),
                     "note": locale.contents_note(state_of(item.handout))} for item in items]
        return env.get_template("packet_cover.html.j2").render(
            title=locale.packet.cover_title, clinic=library.clinic, edition=edition, contents=contents,
            fields=fields, fillable=fillable, locale=locale, first_level=None, packet_page=packet_page)

    # First layout: count the pages of each part (the cover with placeholder page numbers of the same width).
    parts = [Part("cover", html=cover_html({item.handout.id: 10 for item in items}))]
    parts[0].pages = len(renderer.layout(parts[0].html).pages)
    for item in items:
        def html(splits, item=item):
            return render_html(item.handout, edition, library.clinic, library.sources_of(item.handout), env, splits,
                               translation=translation_notes(item))

        document, splits = layout_keeping_levels_whole(renderer, html)
        parts.append(Part("handout", item=item, html=html(splits), splits=splits, pages=len(document.pages)))
    total = _paginate(parts)
    outcome.starts = {part.item.handout.id: part.first_page for part in parts if part.kind == "handout"}

    # Second layout: the real page numbers on the cover and at the top of every page.
    layout_problems: list[Problem] = []
    for part in parts:
        packet_page = PacketPage(part.first_page, total)
        if part.kind == "cover":
            part.html = cover_html(outcome.starts, packet_page)
        elif part.kind == "blank":
            part.html = env.get_template("packet_blank.html.j2").render(
                locale=locale, clinic=library.clinic, packet_page=packet_page)
        else:
            handout = part.item.handout
            part.html = render_html(handout, edition, library.clinic, library.sources_of(handout), env, part.splits,
                                    packet_page=packet_page, translation=translation_notes(part.item))
        part.document = renderer.layout(part.html)
        if len(part.document.pages) != part.pages:
            layout_problems.append(on_page(
                part.first_page, f"the {part.kind} starting here took {len(part.document.pages)} pages the second "
                                 f"time it was laid out, not {part.pages}; the packet's page numbers would be wrong"))
        found = run_checks("layout", LaidOutSubject(part.document, [], (part.item,) if part.item else ()))
        if part.kind == "cover" and found and (patient.name or patient.appointment):
            # The layout check quotes the text it finds; on the cover that could be the patient's details.
            found = [on_page(part.first_page, f"{len(found)} layout problems on the cover (not shown, as the cover "
                                              "holds patient details); build the packet without --for and "
                                              "--appointment to see them")]
        # Pages of a part count from 1; in the packet they count from the part's first page.
        layout_problems += [replace(p, page=p.page + part.first_page - 1) if p.page else p for p in found]

    pdf = renderer.write([part.document for part in parts])
    expected = _expected(items, edition, library.clinic, locale, parts, total)
    messages = run_checks("layout", LaidOutSubject(None, renderer.messages, tuple(items)))  # WeasyPrint
    facts, problems = check_pdf(pdf, edition, expected)
    problems = messages + layout_problems + problems
    outcome.facts, outcome.problems = facts, [_withhold(problem, patient) for problem in problems]
    if outcome.ok:
        try:
            write_packet(out_path, pdf, {item.handout.id for item in library.handouts})
        except OSError as error:
            outcome.problems.append(os_error_message(error, "write", error.filename or out_path))
    return outcome


def managing_folder(out_path: Path) -> Path | None:
    """The output folder of builds that holds `out_path` (its own folder, or the one above an edition folder),
    if there is one: a folder with a manifest or a build's lock file."""
    parent = out_path.parent
    for folder in [parent] + ([parent.parent] if parent.name in ALL_EDITIONS else []):
        if (folder / LOCK_NAME).exists() or (folder / MANIFEST_NAME).exists() or \
                any(folder.glob("manifest-shard-*-of-*.json")):
            return folder
    return None


def check_packet_target(out_path: Path, handout_ids: set[str]) -> None:
    """Refuse a packet --out that is a handout PDF a build manages: listed in the folder's manifest, or where a build
    of these handouts writes one. A later build would replace the packet, or the packet the handout."""
    if out_path.parent.exists() and not out_path.parent.is_dir():
        raise UsageError(f"--out {out_path}: {out_path.parent} is a file, not a folder; choose a folder for the packet")
    folder = managing_folder(out_path)
    if folder is None:
        return
    key = out_path.relative_to(folder).as_posix() if out_path.is_relative_to(folder) else ""
    if path_problem(key) is not None:
        return
    names = [MANIFEST_NAME] + sorted(p.name for p in folder.glob("manifest-shard-*-of-*.json"))
    listed = any(key in load_manifest(folder, name).entries for name in names)
    if listed or out_path.stem in handout_ids:
        raise UsageError(
            f"--out {out_path} is a handout PDF that builds into {folder} make"
            f"{' and list in its manifest' if listed else ''}; a packet must not replace it: write the packet "
            f"somewhere else, e.g. --out {folder / 'packets' / out_path.name}")


def write_packet(out_path: Path, pdf: bytes, handout_ids: set[str]) -> None:
    """Write the packet under the lock of the output folder it is in (or of its own folder), after checking once
    more that it replaces no PDF a build manages, and after removing what a stopped packet left there."""
    out_path = Path(os.path.abspath(out_path))
    with output_lock(managing_folder(out_path) or out_path.parent):
        check_packet_target(out_path, handout_ids)
        for leftover in out_path.parent.glob(f".{glob.escape(out_path.name)}.*.tmp"):
            if TEMPORARY.fullmatch(leftover.name) and leftover.is_file() and not leftover.is_symlink():
                leftover.unlink(missing_ok=True)
        write_atomic(out_path, pdf)


def _expected(items: list[LoadedHandout], edition: Edition, clinic, locale: Locale, parts: list[Part], total: int):
    """What the packet must show: the cover's title, every handout's content and levels, its page count, and its
    blank back pages saying so; the cover's care team line counts as the number on page 1."""
    each = [expected_of(item, edition, clinic) for item in items]
    expected = expected_of(items[0], edition, clinic, (locale.packet.fields.care_team_phone,))
    notes = [locale.contents_note(state_of(item.handout)) for item in items]  # a draft inside must be said
    expected.texts = [locale.packet.cover_title, *filter(None, notes)] + [text for one in each for text in one.texts]
    expected.levels = [level for one in each for level in one.levels]
    expected.pages, expected.blank_note = total, locale.packet.blank_note
    expected.blank_pages = {part.first_page for part in parts if part.kind == "blank"}
    return expected


def _withhold(problem: Problem, patient: Patient) -> Problem:
    """A problem with the patient's details taken out of every text in it, should any check ever quote them."""
    def withheld(text: str) -> str:
        for value in (patient.name, patient.appointment):
            if value and value.strip():
                text = text.replace(value, "(patient detail)")
        return text

    return replace(problem, file=withheld(problem.file), key=withheld(problem.key), message=withheld(problem.message),
                   hint=withheld(problem.hint))
