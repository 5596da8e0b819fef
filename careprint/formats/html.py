"""HTML, the web edition: one self-contained page per handout, for a phone, a screen reader or a browser.

Why this format exists: large print serves readers with low vision; a patient who is blind, or who reads on a phone,
needs the same reviewed text as a page that reflows and speaks. The page is made from the print templates
(templates/web.html.j2 puts the masthead, the emergency box and the content inside landmarks) with a thin stylesheet
(styles/web.css over base.css). It is one file a clinic can e-mail or put on its site: the stylesheet, the fonts of
the handout's language (its locale's font stack, each cut down to the characters the page uses, as data: addresses:
a Chinese face is 16 MB whole) and its pictures are inside it, and it loads nothing from anywhere. No browser runs
at build time: the page is read back in Python and checked (the "html" stage, careprint.webcheck) before it replaces
a good copy. Nothing here loads WeasyPrint.
"""

from __future__ import annotations

import base64
import io
import mimetypes
import re
from html import escape
from pathlib import Path

from ..problems import Problem
from . import Format, Made

FONT_URL = re.compile(r"""url\(\s*(['"]?)font:(?P<key>[a-z0-9-]+)/(?P<file>[^'")/]+)\1\s*\)""")
FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}
MAX_PICTURE_BYTES = 32 * 1024 * 1024


def stylesheet_names(project, edition) -> list[str]:
    """The sheets a page may inline, in cascade order: every font family's, base.css, then the edition's."""
    return [*project.theme_names("styles", "fonts/*.css"), "base.css", *edition.stylesheets]


def inputs(project, edition, paper: str) -> list[Path]:
    """Every template (the page is made of the print partials) and the stylesheets it inlines; not the paper's."""
    templates = [project.template(name) for name in project.theme_names("templates")]
    return templates + [project.style(name) for name in stylesheet_names(project, edition)]


def summary(facts) -> str:
    """'12 headings, 6 phone links, 160 KB': what verification measured."""
    from ..problems import plural

    return (f"{plural(facts.headings, 'heading', 'headings')}, {plural(facts.phone_links, 'phone link', 'phone links')}"
            f", {facts.kilobytes} KB")


def data_address(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def font_subset(path: Path, characters: set[str]) -> bytes:
    """The font file cut down to `characters` (with its shaping features, so joined and reordered scripts still
    shape), the same bytes for the same characters on every build."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features, options.name_IDs, options.name_languages = ["*"], ["*"], ["*"]
    options.notdef_outline, options.recalc_timestamp = True, False
    with TTFont(path, recalcTimestamp=False) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(sorted(characters)))
        subsetter.subset(font)
        saved = io.BytesIO()
        font.save(saved)
    return saved.getvalue()


def inline_fonts(css: str, characters: set[str]) -> str:
    """`url('font:<family>/<file>')` (styles/fonts/<family>.css) -> that font file, from careprint's font folders
    (careprint.fonts.FONT_FOLDERS), cut down to `characters`; an unknown family or file is left as it is, and the
    check refuses it."""
    from ..files import real_path
    from ..fonts import FONT_FOLDERS

    def inline(match: re.Match) -> str:
        folder = FONT_FOLDERS.get(match.group("key"))
        path = folder / match.group("file") if folder else None
        if path is None or not real_path(path).is_relative_to(real_path(folder)) or not path.is_file():
            return match.group(0)
        mime = FONT_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return f"url('{data_address(font_subset(path, characters), mime)}')"

    return FONT_URL.sub(inline, css)


def expected_texts(handout, clinic) -> list[str]:
    """What the page must show: every text of the handout, the review status and approval, the sources' publishers,
    and careprint's words for the emergency box and for each warning level the handout has."""
    from ..locale import load_locale
    from ..render import approval_line, status_line

    locale = load_locale(handout.language)
    words = [text for _, _, text in handout.texts()] + [status_line(handout), approval_line(handout)]
    emergency = locale.triage.emergency
    words += [emergency.label, emergency.now, emergency.action, emergency.fallback]
    for name in dict.fromkeys(level.name for level in handout.triage_levels()):
        about = locale.triage[name]
        words += [about.label, about.action, about.fallback, about.lead]
    words += [phone.number for phone in (clinic.phones.day, clinic.phones.after_hours) if phone.number]
    return [text for text in dict.fromkeys(words) if text and text.strip()]


class HtmlMaker:
    """One process's templates and stylesheets, each read once."""

    def __init__(self, library, paper: str):
        from ..render import jinja_environment

        self.library = library
        self.env = jinja_environment(library.project.template_folders)
        self.sheets: dict[tuple[str, ...], str] = {}

    def stylesheet(self, edition, stack: tuple[str, ...], characters: set[str]) -> str:
        """The sheets of the language's font families (its locale's stack), base.css and the edition's, with the
        fonts inside cut down to the page's characters, for its <style>."""
        from ..files import MiB, read_text
        from ..fonts import font_stylesheet
        from ..fonts import prepare as prepare_font

        key = (edition.name, *stack)
        if key not in self.sheets:
            for family in stack:
                prepare_font(family)  # a Chinese face is copied out of its collection once (careprint.fonts)
            names = [*map(font_stylesheet, stack), "base.css", *edition.stylesheets]
            self.sheets[key] = "\n".join(read_text(self.library.project.style(name), 4 * MiB) for name in names)
        return inline_fonts(self.sheets[key], characters).replace("</", "<\\/")  # a <style> ends at "</"

    def pictures(self, item, html: str) -> tuple[str, dict[str, str], list[Problem]]:
        """Each picture the page shows (the handout's and the clinic's logo) put inside it as a data: address;
        (page, the project files read -> sha256, problems)."""
        from ..files import read_file, real_path
        from ..library import picture_problem
        from ..load import key_path
        from ..write import sha256

        root = self.library.project.root
        wanted = [(loc, picture.file) for loc, picture in item.handout.pictures()]
        logo = self.library.clinic.logo
        wanted += [(None, logo.file)] if logo else []
        read, problems = {}, []
        for loc, name in wanted:
            if name in read:
                continue
            found = picture_problem(name, root)
            if found is None:
                try:
                    data = read_file(real_path(root / name), MAX_PICTURE_BYTES)
                except OSError as error:
                    found = (f"image '{name}' cannot be read ({error.strerror or error})", "check the file")
            if found:
                where = (item.shown, item.line_of(*loc), key_path(loc)) if loc else (self.library.clinic_file, None,
                                                                                    "logo.file")
                problems.append(Problem(*where, *found))
                continue
            read[name] = sha256(data)
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            html = html.replace(f'src="{escape(name)}"', f'src="{data_address(data, mime)}"')
        return html, dict(sorted(read.items())), problems

    def make(self, item, edition) -> Made:
        from markupsafe import Markup

        from ..checks import Expected, run_checks
        from ..locale import load_locale
        from ..render import render_html
        from ..translation import translation_notes
        from ..webcheck import HtmlSubject, facts_of, read_html

        library, handout = self.library, item.handout

        def page(**css) -> str:
            return render_html(handout, edition, library.clinic, library.sources_of(handout), self.env,
                               translation=translation_notes(item), **css)

        characters = set(page()) | set(" 0123456789")  # every character of the page (its markup is a few more)
        css = self.stylesheet(edition, load_locale(handout.language).font_stack, characters)
        html, resources, problems = self.pictures(item, page(web_css=Markup(css)))
        data = html.encode("utf-8")
        read = read_html(html)
        expected = Expected(expected_texts(handout, library.clinic), handout.language)
        problems += run_checks("html", HtmlSubject(read, expected))
        return Made(data, problems, facts_of(read, len(data)), resources)

    def close(self) -> None:
        pass


HTML = Format("html", ".html", inputs, HtmlMaker, facts=("headings", "phone_links", "kilobytes"), summary=summary,
              libraries=("jinja2", "markupsafe", "segno", "fontpkg-atkinson-hyperlegible", "fonttools"))
