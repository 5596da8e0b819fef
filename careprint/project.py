"""Where a project's files live, where careprint's own theme lives, and the editions it builds.

One place names the folders and the numbers that define each edition, so every stage (render, verify, tests)
agrees on them. A project is one clinic's folder (clinic.yaml, handouts/, reference/, images/), made by
`careprint new`; every command reads that folder and nothing of another's. Its pages are drawn by careprint's
theme (templates/ and styles/), which a project overrides file by file with its own templates/ or styles/.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent  # the repository, when careprint runs from a checkout (an editable install, make_pdfs.py)


def _shipped(inside: str, marker: str) -> Path:
    """Where careprint keeps what it ships beside its code: inside the package once installed from a wheel
    (pyproject.toml maps the repository's folders there), else the repository's root (a checkout)."""
    packaged = PACKAGE / inside
    return packaged if (packaged / marker).is_dir() else ROOT


THEME = _shipped("theme", "templates")  # its templates/ and styles/: the default look of every page
SHIPPED_CONTENT = _shipped("starter", "handouts")  # its handouts/, reference/ and images/: what a new project copies
THEME_FOLDERS = ("templates", "styles")
LANGUAGE_FILES = ("locale.yaml", "glossary.yaml")  # in a translation language's folder, beside its handouts


def is_project(folder: Path) -> bool:
    """A careprint project: a folder with the clinic's settings (clinic.yaml) and a handouts/ folder."""
    return (folder / "clinic.yaml").is_file() and (folder / "handouts").is_dir()


MAKE_ONE = "run careprint new DIR to make a project folder for your clinic, or pass --project DIR"


def _lacks(folder: Path) -> str:
    """'it has no clinic.yaml', 'it has no handouts/ folder', or both."""
    missing = [what for what, there in (("clinic.yaml", (folder / "clinic.yaml").is_file()),
                                        ("handouts/ folder", (folder / "handouts").is_dir())) if not there]
    return f"it has no {' and no '.join(missing)}"


def find_project(given: Path | None) -> Path:
    """The project a command works on: --project DIR, else the current folder. Anything else is refused, so that
    one folder's content is never built with another's settings or into another's output."""
    from .problems import UsageError

    if given is not None:
        if not given.is_dir():
            raise UsageError(f"--project {given}: there is no such folder; {MAKE_ONE}")
        if not is_project(given):
            raise UsageError(f"--project {given} is not a careprint project ({_lacks(given)}); {MAKE_ONE}")
        return Path(os.path.abspath(given))
    here = Path(os.path.abspath(Path.cwd()))
    if not is_project(here):
        raise UsageError(f"no careprint project here: {here} is not a project folder ({_lacks(here)}); {MAKE_ONE}. "
                         "Nothing was read or written.")
    return here


def output_folder(given: Path | None, root: Path) -> Path:
    """The project's out/, named as the user named the project (--project DIR), for the lines careprint prints."""
    if given is not None:
        return given / "out"
    return Path("out") if root == Path(os.path.abspath(Path.cwd())) else root / "out"


def packet_path(out_dir: Path, handout_ids: list[str], language: str | None = None) -> Path:
    """Where a packet goes without --out: out/packets/, named after its handouts and never after the patient (a
    file name is seen by anyone); a long list by its first handout, as a file name has a limit."""
    name = "+".join(handout_ids)
    if len(name) > 120:
        name = f"{handout_ids[0]}-and-{len(handout_ids) - 1}-more"
    return out_dir / "packets" / f"{name}{'.' + language if language else ''}.pdf"


def theme_file(root: Path, name: str, theme: Path = THEME) -> Path:
    """A file named from the project root ('styles/base.css'): the project's own if it has one, else the theme's
    for a name under templates/ or styles/ that the theme has, else the project's (which may not exist). A name
    that leaves its folder ('styles/../x') is never looked up in the theme."""
    own = root / name
    clean = posixpath.normpath(name)
    if os.path.lexists(own) or clean != name or clean.split("/")[0] not in THEME_FOLDERS:
        return own
    theirs = theme / clean
    return theirs if os.path.lexists(theirs) else own


@dataclass(frozen=True)
class Edition:
    name: str
    min_glyph_pt: float  # nothing on the page, footer included, may be smaller
    body_pt: float
    template: str = "handout.html.j2"
    max_pages: int | None = None  # verification fails a PDF with more pages
    triage_only: bool = False  # prints only the handout's urgent warning signs, so only handouts that have them
    format: str = "pdf"  # what it is made as: a name in careprint.formats
    # The patient's language beside English (careprint.translation.bilingual_item): made for translations only,
    # with the stylesheet of `like` under its own.
    bilingual: bool = False
    like: str | None = None

    @property
    def stylesheets(self) -> tuple[str, ...]:
        """The edition's own sheets after base.css: an edition like another has that one's first."""
        return (*((f"{self.like}.css",) if self.like else ()), f"{self.name}.css")

    @property
    def extension(self) -> str:
        from .formats import format_named

        return format_named(self.format).extension


EDITIONS = {
    "plain-language": Edition("plain-language", min_glyph_pt=12.0, body_pt=14.0),
    "large-print": Edition("large-print", min_glyph_pt=18.0, body_pt=18.0),
    # Each translation with the English under every text, for staff and family to read along.
    "bilingual": Edition("bilingual", min_glyph_pt=12.0, body_pt=14.0, bilingual=True, like="plain-language"),
    # One self-contained page per handout for phones and screen readers (careprint.formats.html): no paper, no
    # pages; its text is never smaller than the plain-language body size.
    "web": Edition("web", min_glyph_pt=14.0, body_pt=14.0, template="web.html.j2", format="html"),
}
# The editions printed on paper: what a packet and `verify FILE` can take.
PRINTED = {name: edition for name, edition in EDITIONS.items() if edition.format == "pdf"}

# The quick-reference card for the fridge door: one page, the emergency and call-today signs alone, large print.
# Not one of EDITIONS (the default build): built on request with `make_pdfs.py card` (careprint.pipeline.cards).
CARD = Edition("card", min_glyph_pt=18.0, body_pt=18.0, template="card.html.j2", max_pages=1, triage_only=True)
# Every edition by name, the card included: what build() can make when asked.
ALL_EDITIONS = {**EDITIONS, CARD.name: CARD}

PAPER_SIZES = {"letter": "letter", "a4": "A4"}


@dataclass(frozen=True)
class Project:
    """The folders a build reads. A render reads only files under `root`, the theme's templates/ and styles/ (where
    the project has no file of that name) and the font package."""

    root: Path = ROOT
    handouts_dir: Path | None = None
    clinic_file: Path | None = None

    @property
    def handouts(self) -> Path:
        return self.handouts_dir or self.root / "handouts"

    @property
    def clinic(self) -> Path:
        return self.clinic_file or self.root / "clinic.yaml"

    @property
    def templates(self) -> Path:
        """The project's own templates folder (it may not exist): its files override the theme's."""
        return self.root / "templates"

    @property
    def styles(self) -> Path:
        """The project's own styles folder (it may not exist): its files override the theme's."""
        return self.root / "styles"

    @property
    def template_folders(self) -> list[Path]:
        """Where templates are looked up, in order: the project's templates/, then the theme's."""
        folders = [self.templates, THEME / "templates"]
        return [f for n, f in enumerate(folders) if f.is_dir() and os.path.realpath(f) not in
                [os.path.realpath(g) for g in folders[:n]]]

    def template(self, name: str) -> Path:
        """The file a template name ('blocks/triage.html.j2') is read from: the project's, else the theme's."""
        return theme_file(self.root, f"templates/{name}")

    def style(self, name: str) -> Path:
        """The file a stylesheet name ('base.css', 'paper/a4.css') is read from: the project's, else the theme's."""
        return theme_file(self.root, f"styles/{name}")

    def theme_names(self, folder: str, pattern: str = "**/*") -> list[str]:
        """Every file name under templates/ or styles/ that the project or the theme has, from that folder."""
        names = {path.relative_to(base).as_posix() for base in (self.root / folder, THEME / folder) if base.is_dir()
                 for path in base.glob(pattern) if path.is_file()}
        return sorted(names)

    @property
    def sources(self) -> Path:
        return self.root / "reference" / "sources.yaml"

    @property
    def warning_signs(self) -> Path:
        """Warning-sign lists shared by several handouts (`- include: ID` in a triage block)."""
        return self.root / "reference" / "warning-signs.yaml"

    @property
    def glossary(self) -> Path:
        return self.root / "reference" / "glossary.yaml"

    def translation_files(self) -> list[Path]:
        """Every translated handout file, by language folder then file name (names only: cheap, for planning)."""
        folder = self.translations
        if not folder.is_dir():
            return []
        return sorted(path for path in folder.glob("*/*.yaml")
                      if path.name not in LANGUAGE_FILES and not path.name.startswith((".", "_")))

    @property
    def translations(self) -> Path:
        """translations/<language tag>/: a language's locale.yaml (careprint's words), glossary.yaml and one file per
        translated handout (careprint.translation)."""
        return self.root / "translations"

    def shown(self, path: Path) -> str:
        """A path as the user should see it: relative to where they ran the command, else to the project."""
        resolved = Path(os.path.realpath(path))  # Path.resolve raises on a symbolic link loop (Python 3.11)
        for base in (Path(os.path.realpath(Path.cwd())), Path(os.path.realpath(self.root))):
            if resolved.is_relative_to(base):
                return str(resolved.relative_to(base))
        return str(path)
