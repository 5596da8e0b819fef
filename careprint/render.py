"""Turn a validated handout into HTML (Jinja2) and then into PDF bytes (WeasyPrint).

Rendering is the only stage that touches WeasyPrint. It reads nothing but the project's own files, careprint's
theme and the font files (careprint.fetch), sets text in the language's font families (careprint.fonts), and turns
anything WeasyPrint logs into a build error, because WeasyPrint otherwise carries on silently with missing images or
fallback fonts. Every stylesheet is a static file under styles/ (the font families' @font-face sheets, base.css, the
edition's, the paper size's), chosen here by name: no CSS is written in Python. Templates and stylesheets are looked up
in the project's templates/ and styles/ first, then in the theme's (careprint.project.THEME), file by file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .actualtext import install as install_actual_text
from .approval import state_of
from .fetch import PROJECT_URL, make_fetcher, shown_url
from .files import MiB, read_text
from .fonts import font_stylesheet
from .fonts import prepare as prepare_font
from .locale import DEFAULT_LANGUAGE, Locale, load_locale
from .model import URGENT_LEVELS, Clinic, Handout, Source
from .project import PAPER_SIZES, Edition, Project


def status_line(handout: Handout) -> str:
    """The review status exactly as it is, in the handout's language; a draft, or a text that is not the approved
    one (careprint.approval), says so plainly."""
    return load_locale(handout.language).status_line(handout.version, handout.review, state_of(handout))


def footer_status(handout: Handout) -> str:
    """The review status in few words, for a footer that must stay within two lines in large print."""
    return load_locale(handout.language).footer_status(handout.version, handout.review, state_of(handout))


def approval_line(handout: Handout) -> str:
    """Who approved the text and when (printed small, by the sources); empty for a draft."""
    return load_locale(handout.language).approval_line(handout.review, state_of(handout))


def paper_stylesheet(paper: str) -> str:
    """The sheet under styles/ that sets the paper size, for a --paper name ('a4') or its CSS size ('A4')."""
    for name, size in PAPER_SIZES.items():
        if paper in (name, size):
            return f"paper/{name}.css"
    raise ValueError(f"careprint has no paper size {paper!r}; it has {', '.join(PAPER_SIZES)}")


@dataclass(frozen=True)
class PacketPage:
    """Where one part of a discharge packet starts, and the packet's page count: templates/base.html.j2 writes them
    into the part's <html> element, and styles/packet.css prints "Packet page N of M" from there."""

    first: int
    total: int


def jinja_environment(templates: Path | list[Path]) -> Environment:
    """Templates from a folder, or from several searched in order (Project.template_folders: the project's own
    templates/, then the theme's), so a project overrides the theme one file at a time."""
    return Environment(
        loader=FileSystemLoader(templates),
        autoescape=True,  # content text is text: <script> in YAML prints as <script>
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(
    handout: Handout,
    edition: Edition,
    clinic: Clinic,
    sources: list[Source],
    env: Environment,
    splits=None,
    packet_page: PacketPage | None = None,
    translation=None,
    locale: Locale | None = None,
    **extra,
) -> str:
    """The handout as HTML; `splits` cuts warning levels too long for one page (careprint.paginate), and
    `packet_page` numbers its pages through a discharge packet (careprint.packet); `translation` is what the page says
    about a translation (careprint.translation.TranslationNotes), None for a handout in its own language; `locale`: the
    words to print, when not the handout's language's own (the bilingual edition's, in two languages).
    `extra` is what a format's own template needs besides (the web edition's stylesheet, careprint.formats.html)."""
    from .paginate import chunks_of
    from .qr import online_link

    template = env.get_template(edition.template)
    return template.render(
        handout=handout,
        edition=edition,
        clinic=clinic,
        sources=sources,
        status=status_line(handout),
        footer_status=footer_status(handout),
        approval=approval_line(handout),
        locale=locale or load_locale(handout.language),
        urgent_levels=URGENT_LEVELS,
        first_level=handout.most_urgent_level(),
        handout_summaries=handout.emergency_summaries(),
        signs_block=next((b.triage for b in handout.triage_blocks()), None),
        chunks_of=lambda level: chunks_of(level, splits),
        online=online_link(clinic, sources, handout.read_more, load_locale(handout.language)),
        packet_page=packet_page,
        translation=translation,
        **extra,
    )


@dataclass
class RenderResult:
    pdf: bytes
    document: object  # weasyprint.Document, kept for layout checks
    messages: list[str]
    resources: dict[str, str]  # each project file the render read (path from the project root) -> its sha256


class LogCollector(logging.Handler):
    """Collects what WeasyPrint logs during one render so it can fail the build instead of scrolling past."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = describe_record(record)
        if message:
            self.messages.append(message)


PICTURE_ADVICE = "open it in an image program and save it again as PNG, JPEG or SVG, or use another picture"



def picture_cause(error: BaseException) -> str:
    """Why WeasyPrint could not use a picture, in words: its ImageLoadingError says nothing, its cause does."""
    cause = error.__cause__ or error.__context__ or error
    name = type(cause).__name__
    if name == "UnidentifiedImageError":
        return "it is not a PNG, JPEG or SVG picture, or it is damaged"
    if name == "DecompressionBombError":
        return "it has far too many pixels to be a handout picture"
    if name == "ParseError":
        return f"the SVG is not valid XML ({cause})"
    text = str(cause).strip()
    if isinstance(cause, OSError) or "truncated" in text:
        return f"it is damaged ({text or name})"
    return f"{name}: {text}" if text else f"it could not be read ({name})"


def describe_record(record: logging.LogRecord) -> str | None:
    """One line for what WeasyPrint logged; a picture that failed is named with its cause. None for a line that
    only repeats the fetcher's refusal (which is reported on its own)."""
    if record.msg == "Failed to load image at %r: %s" and len(record.args or ()) == 2:
        url, error = record.args
        if type(error).__name__ == "URLFetchingError" and "careprint refused" in str(error):
            return None
        return f"picture {shown_url(url)}: it cannot be used: {picture_cause(error)}; {PICTURE_ADVICE}"
    if record.msg == "Failed to render SVG image %s" and record.args:
        return (f"picture {shown_url(record.args[0])}: the SVG could not be drawn; check it in an SVG editor, or "
                f"{PICTURE_ADVICE.split(', or ')[-1]}")
    if record.msg.startswith("Using fontTools instead of HarfBuzz-Subset"):
        return None  # the PDF is as good; the command says once how to get the same bytes everywhere (fonts.py)
    return record.getMessage().splitlines()[0] if record.getMessage() else None



class Renderer:
    """One edition's fonts, stylesheets and fetcher: lays out HTML and writes tagged PDF/UA-1.

    Everything WeasyPrint logs and every resource the fetcher refuses is collected (messages), and every project
    file it reads is recorded with its hash (resources). A packet lays out several documents with one renderer
    and writes them as one PDF; a handout is one document (render_pdf).
    """

    def __init__(self, project: Project, edition: Edition, paper: str, font_config=None,
                 extra_sheets: tuple[str, ...] = (), locale: Locale | None = None):
        from weasyprint.text.fonts import FontConfiguration

        self.font_config = font_config or FontConfiguration()
        self.fetcher = make_fetcher(project.root)
        self.collector = LogCollector()
        stack = (locale or load_locale(DEFAULT_LANGUAGE)).font_stack
        for family in stack:
            prepare_font(family)  # a Chinese face is copied out of its collection once (careprint.fonts)
        install_actual_text()  # Gurmukhi and other reordering scripts: the text layer is the text (actualtext.py)
        names = (*map(font_stylesheet, stack), "base.css", *edition.stylesheets, *extra_sheets,
                 paper_stylesheet(paper))
        self.sheets = [read_text(project.style(name), 4 * MiB) for name in names]

    def _logging(self):
        import contextlib

        @contextlib.contextmanager
        def collecting():
            logger = logging.getLogger("weasyprint")
            logger.addHandler(self.collector)
            try:
                yield
            finally:
                logger.removeHandler(self.collector)

        return collecting()

    def layout(self, html: str):
        """HTML -> a laid-out weasyprint Document (kept for the layout checks)."""
        from weasyprint import CSS, HTML

        with self._logging():
            sheets = [CSS(string=text, base_url=PROJECT_URL + "styles/", font_config=self.font_config,
                          url_fetcher=self.fetcher) for text in self.sheets]
            return HTML(string=html, base_url=PROJECT_URL, url_fetcher=self.fetcher).render(
                stylesheets=sheets, font_config=self.font_config)

    def write(self, documents: list) -> bytes:
        """Laid-out documents -> one tagged PDF/UA-1 (title and language from the first), furniture as artifacts,
        Chinese faces embedded compactly (careprint.compactfonts)."""
        from .actualtext import document_language
        from .compactfonts import compact_cid_fonts
        from .tagging import mark_page_furniture_as_artifacts

        # Text in another language than the document's is marked with its own (careprint.actualtext).
        with self._logging(), document_language(documents[0].metadata.lang):
            if len(documents) == 1:
                pdf = documents[0].write_pdf(pdf_variant="pdf/ua-1")
            else:
                pages = [page for document in documents for page in document.pages]
                pdf = documents[0].copy(pages).write_pdf(pdf_variant="pdf/ua-1")
        return mark_page_furniture_as_artifacts(compact_cid_fonts(pdf))

    @property
    def messages(self) -> list[str]:
        return list(dict.fromkeys(self.fetcher.refused + self.collector.messages))

    @property
    def resources(self) -> dict[str, str]:
        return dict(sorted(self.fetcher.served.items()))


def render_pdf(html: str | Callable[..., str], project: Project, edition: Edition, paper: str,
               font_config=None, language: str = DEFAULT_LANGUAGE) -> RenderResult:
    """HTML -> tagged PDF/UA-1 bytes, with page furniture marked as artifacts.

    Given a function of the splits instead of HTML, every warning level is kept on one page, or repeated with
    its label and action on the next (careprint.paginate).
    """
    from .paginate import layout_keeping_levels_whole

    renderer = Renderer(project, edition, paper, font_config, locale=load_locale(language))
    if callable(html):
        document, _ = layout_keeping_levels_whole(renderer, html)
    else:
        document = renderer.layout(html)
    pdf = renderer.write([document])
    return RenderResult(pdf, document, renderer.messages, renderer.resources)
