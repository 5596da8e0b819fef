"""PDF, the printed editions: HTML from the Jinja templates, laid out by WeasyPrint and written as tagged PDF/UA-1,
then checked twice: the laid-out boxes (the "layout" stage: clipping, overflow, contrast) and the file itself, read
back once (the "pdf" stage: sizes, fonts, tags, every sentence, the warning signs beside their action).

Only `PdfMaker` loads WeasyPrint, so planning a build (which asks for `inputs`) stays cheap.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from . import Format, Made


def inputs(project, edition, paper: str) -> list[Path]:
    """Every template (a block partial may be used by any edition), the edition's stylesheets, the paper's and the
    fonts', each the file a render reads: the project's own, else the theme's."""
    templates = [project.template(name) for name in project.theme_names("templates")
                 if name != "catalogue.html.j2"]  # the staff page's (careprint.catalogue), never in a PDF
    sheets = ["base.css", *edition.stylesheets, f"paper/{paper}.css", *project.theme_names("styles", "fonts/*.css")]
    return templates + [project.style(name) for name in sheets]


def summary(facts) -> str:
    """'5 pages, smallest text 12 pt, fonts ...': what verification measured."""
    from ..problems import plural

    return (f"{plural(facts.pages, 'page', 'pages')}, smallest text {facts.smallest_glyph_pt:g} pt, "
            f"fonts {', '.join(facts.fonts)}")


def expected_of(item, edition, clinic, numbers: tuple[str, ...] = ()):
    """What this handout's PDF in this edition must show: every sentence (a card: the urgent signs alone), its
    language, its warning levels, and one of the care team's numbers on page 1."""
    from ..checks import Expected
    from ..triage_pages import clinic_numbers

    handout = (getattr(item, "plain", None) or item).handout  # the bilingual edition: both languages
    texts = handout.urgent_signs() if edition.triage_only else [text for _, _, text in handout.texts()]
    english = getattr(item, "english", None)
    if getattr(item, "plain", None) is not None and english is not None:
        texts += [text for _, _, text in english.handout.texts()]
    return Expected(texts, handout.language, handout.triage_levels(), [*clinic_numbers(clinic), *numbers],
                    len(handout.urgent_signs()))


def check_pdf(pdf: bytes, edition, expected):
    """(facts, problems): every "pdf"-stage check on a PDF careprint made, reading it back once."""
    from ..checks import PdfSubject, run_checks
    from ..readback import read_pdf

    with read_pdf(pdf) as read:
        return read.facts, run_checks("pdf", PdfSubject(read, edition, expected))


def release_fonts(font_config) -> None:
    """WeasyPrint keeps each font configuration's fonts in a /tmp/weasyprint-* folder until it is collected."""
    folder = getattr(font_config, "_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


class PdfMaker:
    """One process's templates and fonts: one WeasyPrint font configuration serves every PDF made here."""

    def __init__(self, library, paper: str):
        from weasyprint.text.fonts import FontConfiguration

        from ..render import jinja_environment

        self.library, self.paper = library, paper
        self.env = jinja_environment(library.project.template_folders)
        self.fonts = FontConfiguration()

    def make(self, item, edition) -> Made:
        from ..checks import LaidOutSubject, run_checks
        from ..render import render_html, render_pdf
        from ..translation import translation_notes

        library = self.library

        def html(splits):
            return render_html(item.handout, edition, library.clinic, library.sources_of(item.handout), self.env,
                               splits, translation=translation_notes(item), locale=getattr(item, "locale", None))

        result = render_pdf(html, library.project, edition, self.paper, self.fonts,
                            item.handout.language)
        problems = run_checks("layout", LaidOutSubject(result.document, result.messages, (item,)))
        facts, found = check_pdf(result.pdf, edition, expected_of(item, edition, library.clinic))
        return Made(result.pdf, problems + found, facts, result.resources)

    def close(self) -> None:
        release_fonts(self.fonts)


PDF = Format("pdf", ".pdf", inputs, PdfMaker, facts=("pages", "smallest_glyph_pt"), summary=summary,
             libraries=("weasyprint", "pydyf", "pikepdf", "jinja2", "fontpkg-atkinson-hyperlegible", "fonttools",
                        "segno"))
