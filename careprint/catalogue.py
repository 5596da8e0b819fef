"""The catalogue page for staff: out/index.html lists every file a build made, to find it, look at it and print it.

Why this module exists: staff found a handout by browsing folders of PDFs, with nothing to say which were drafts.
The page is made from the manifest alone (careprint.manifest), every entry whatever its format or language, grouped
by handout, then language, edition and format: a new format, edition or language appears with no change here. A
state that is not "approved" is marked in words ("Not approved: draft, ..."), never by colour alone, and a state
this module does not know is shown by its own name, never as approved. Beside each PDF, a picture of its page 1
(out/thumbnails/EDITION/ID.png, drawn by careprint.thumbnails).

The page opens straight from the folder (file://): its stylesheet and its small filter script are inside it, links
and pictures are relative. Every build writes it after its outputs (careprint.build, under the build's lock), each
file atomically and only when its bytes change; withdrawn files' pictures go. A build with nothing else to do asks
is_current(), which reads bytes only (no Jinja, no YAML), so the no-op shortcut stays cheap.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import thumbnails
from .files import MiB, read_file
from .project import ALL_EDITIONS, THEME, Project
from .write import TEMPORARY, write_atomic

INDEX = "index.html"
TEMPLATE = "catalogue.html.j2"
STYLESHEET = "catalogue.css"
MAX_INDEX_BYTES = 64 * MiB
FORM = "1"  # the page's form: a new one makes every catalogue again


@dataclass
class File:
    """One manifest entry, as the page shows it."""

    path: str  # relative to the output folder, as the manifest names it
    edition: str  # its words for staff: "Large print", or its name when the locale has none
    format: str  # "PDF", "HTML", "BRF": the file's extension, so a new format needs no words
    pages: int | None
    paper: str
    version: str
    approved: bool  # careprint.approval's state is "approved"; any other (draft, changed, ...) is marked
    status: str  # the state's words for staff: a state the locale has no words for, by its own name
    next_review: str
    overdue: bool
    thumbnail: thumbnails.Picture | None = None


@dataclass
class Language:
    tag: str
    name: str  # for staff: "English (en)", or the tag alone when careprint has no name for it
    title: str
    files: list[File] = field(default_factory=list)


@dataclass
class Handout:
    id: str
    title: str
    languages: list[Language] = field(default_factory=list)
    search: str = ""  # what the filter box matches: titles, id, languages, editions, formats, states

    @property
    def files(self) -> list[File]:
        return [file for language in self.languages for file in language.files]


def _project(project: Project | None) -> Project:
    """The project whose templates/ and styles/ draw the page; None (merging shards): careprint's own theme."""
    return project if project is not None else Project(root=THEME)


def _states(entry: dict) -> list[str]:
    """The states a file is in, as the page says them: its text's review, then (a translation) its translator's check
    and whether it still matches the English. Approved alone only when nothing else is to say."""
    states = [entry["review_status"]]
    if entry.get("translation_status") not in (None, "approved"):
        states.append(f"translation_{entry['translation_status']}")
    if entry.get("translation_current") is False:
        states.append("translation_out_of_date")
    return states if len(states) == 1 else [state for state in states if state != "approved"]


def _is_overdue(entry: dict, today: datetime.date) -> bool:
    return datetime.date.fromisoformat(entry["next_review"]) < today


def catalogue_key(project: Project | None, entries: dict[str, dict], today: datetime.date) -> str:
    """A hash of everything the page says: careprint's code and words, the template and stylesheet, every entry and
    which reviews are overdue. The page records it, so that a build with nothing to do can tell it is current."""
    from .plan import code_fingerprint

    project = _project(project)
    digest = hashlib.sha256(f"{FORM}\0{code_fingerprint()}\0".encode())
    for path in (project.template(TEMPLATE), project.style(STYLESHEET)):
        digest.update(read_file(path, MAX_INDEX_BYTES) + b"\0")
    digest.update(json.dumps([entries[key] for key in sorted(entries)], sort_keys=True).encode() + b"\0")
    digest.update(" ".join(sorted(key for key, entry in entries.items() if _is_overdue(entry, today))).encode())
    return digest.hexdigest()


def _meta(key: str) -> str:
    return f'<meta name="careprint-catalogue" content="{key}">'


def is_current(project: Project | None, out_dir: Path, entries: dict[str, dict], today: datetime.date) -> bool:
    """The page on disk says what these entries say, and every PDF's picture is of that PDF. Reads bytes only."""
    try:
        page = read_file(out_dir / INDEX, MAX_INDEX_BYTES, follow_symlinks=False)
        key = catalogue_key(project, entries, today)
    except OSError:
        return False
    if _meta(key).encode() not in page:
        return False
    return all(thumbnails.source_of(out_dir / picture) == thumbnails.source(entry)
               for path, entry in entries.items() if (picture := thumbnails.picture_path(path)))


# ---------------------------------------------------------------------------------------------------------------
# What the page shows


def _language_name(tag: str) -> str:
    """'English (en)' where careprint's locale for the language names it in English, else the tag alone."""
    from .locale import known_language, load_locale
    from .problems import CareprintError

    try:
        known = known_language(tag)
        name = getattr(load_locale(known), "english_name", None) if known == tag else None
    except CareprintError:
        name = None
    return f"{name} ({tag})" if name else tag


def _edition_order(name: str) -> tuple:
    editions = list(ALL_EDITIONS)
    return (editions.index(name) if name in editions else len(editions), name)


def group(entries: dict[str, dict], today: datetime.date, pictures: dict[str, thumbnails.Picture],
          words) -> list[Handout]:
    """The entries by handout (by title), then language (the default language first), edition and format, in the
    words of the locale's catalogue section (`words`)."""
    from .locale import DEFAULT_LANGUAGE

    by_handout: dict[str, dict[str, list[dict]]] = {}
    for path in sorted(entries):
        entry = entries[path]
        by_handout.setdefault(entry["handout"], {}).setdefault(entry["language"], []).append(entry)
    handouts = []
    for handout_id, languages in by_handout.items():
        handout = Handout(handout_id, handout_id)
        for tag in sorted(languages, key=lambda tag: (tag != DEFAULT_LANGUAGE, tag)):
            chosen = sorted(languages[tag], key=lambda e: (_edition_order(e["edition"]), e["path"]))
            title = next((e["title"] for e in chosen if e.get("title")), handout_id)  # an older manifest: no title
            language = Language(tag, _language_name(tag), title)
            for entry in chosen:
                states = _states(entry)
                language.files.append(File(
                    entry["path"], words.editions.get(entry["edition"], entry["edition"]),
                    entry["path"].rsplit(".", 1)[-1].upper(), entry.get("pages"),
                    words.papers.get(entry["paper"], entry["paper"]), entry["version"], states == ["approved"],
                    "; ".join(words.states.get(state) or words.other_state.format(state=state) for state in states),
                    entry["next_review"], _is_overdue(entry, today), pictures.get(entry["path"])))
            handout.languages.append(language)
        handout.title = handout.languages[0].title
        found = [handout.id, *(f"{language.title} {language.name}" for language in handout.languages),
                 *(f"{file.edition} {file.format} {'' if file.approved else words.not_approved_mark} {file.status}"
                   for file in handout.files)]
        handout.search = " ".join(" ".join(found).lower().split())
        handouts.append(handout)
    return sorted(handouts, key=lambda h: (h.title.casefold(), h.id))


def render_page(project: Project | None, entries: dict[str, dict], today: datetime.date,
                pictures: dict[str, thumbnails.Picture]) -> bytes:
    """The page's bytes: the same entries, date and pictures always give the same bytes."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from .locale import DEFAULT_LANGUAGE, load_locale

    project = _project(project)
    words = load_locale(DEFAULT_LANGUAGE).catalogue
    if words is None:
        raise ValueError(f"careprint's {DEFAULT_LANGUAGE} locale has no catalogue words")  # a careprint bug
    env = Environment(loader=FileSystemLoader(project.template_folders), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    handouts = group(entries, today, pictures, words)
    css = read_file(project.style(STYLESHEET), MAX_INDEX_BYTES).decode("utf-8")
    html = env.get_template(TEMPLATE).render(
        words=words, handouts=handouts, css=css, language=DEFAULT_LANGUAGE, meta=_meta(
            catalogue_key(project, entries, today)), files=sum(len(h.files) for h in handouts))
    return html.encode("utf-8")


# ---------------------------------------------------------------------------------------------------------------
# Writing


def _clean_temporaries(out_dir: Path) -> None:
    """What a stopped build left of the page (".index.html.XXXXXXXX.tmp"); the pictures' are thumbnails'."""
    try:
        names = os.listdir(out_dir)
    except OSError:
        return
    for name in names:
        match = TEMPORARY.fullmatch(name)
        if match and match.group("name") == INDEX and (out_dir / name).is_file() and not (out_dir / name).is_symlink():
            (out_dir / name).unlink(missing_ok=True)


def write_catalogue(project: Project | None, out_dir: Path, entries: dict[str, dict], today: datetime.date,
                    warn=lambda message: None) -> list[str]:
    """Bring the page and the pictures up to date with the manifest's entries (which the build has checked against
    the files on disk): new or changed pictures first, then the page, then the pictures of files no longer listed
    go. Each file is written atomically, and only when its bytes change. Returns the paths written."""
    _clean_temporaries(out_dir)
    written, pictures = thumbnails.update(out_dir, entries, warn)
    page = render_page(project, entries, today, pictures)
    try:
        old = read_file(out_dir / INDEX, MAX_INDEX_BYTES, follow_symlinks=False)
    except OSError:
        old = None
    if old != page:
        write_atomic(out_dir / INDEX, page)
        written.append(INDEX)
    thumbnails.remove_others(out_dir, {picture.path for picture in pictures.values()})
    return written
