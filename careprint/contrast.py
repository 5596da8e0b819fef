"""The style gate: colour contrast and the triage cues, checked before any handout is rendered.

Clear print asks for a contrast of at least 7:1 (WCAG 2 AAA) between every text colour and its background, and
pages get photocopied in grey, so the three triage levels must never be told apart by colour alone: each needs its
own word label and its own symbol shape. A stylesheet or template change can break either without any error from
WeasyPrint, so every command runs these checks first (the "style" stage of careprint.checks) and stops on a
violation.

Contrast is measured, not read from the CSS. For each edition the gate lays out a small built-in specimen handout
(careprint.specimen: every block type, page section and triage level) with the project's real templates and
stylesheets, and runs on it the walk that checks every PDF (careprint.layout.low_contrast): each painted text, and
each triage symbol drawn in its text colour, against the background it is really on. So the colours compared are
WeasyPrint's own, after the whole cascade (inherited colours, custom properties, a tinted box, the page footer);
there is no second cascade here that could disagree with it. It costs a few tenths of a second per edition.

WeasyPrint's computed style does not say which rule set a colour, so a problem points at the first line of the
edition's stylesheet, else of base.css, that names the colour at fault, found by searching them for that colour
(the message says so). The colour at fault is the text colour, unless the text is on a box's own background and
its colour would pass on the white page: then it is the box's background.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from .colour import MIN_CONTRAST, contrast_ratio, hex_colour, over, srgba
from .files import MiB, describe_os_error, read_text
from .formats.pdf import release_fonts
from .layout import LowContrast, _snippet
from .problems import Problem
from .project import ALL_EDITIONS, CARD, EDITIONS, Project

WHITE = (1.0, 1.0, 1.0)
SHAPES = ("polygon", "polyline", "rect", "circle", "ellipse", "path", "line")
MAX_STYLESHEET_BYTES = 4 * MiB


def _colours_written(path: Path, shown: str) -> list[tuple[str, int, tuple[float, float, float, float]]]:
    """(file, line, rgba) of every colour written in a stylesheet (names, #hex, rgb(), ...), comments left out."""
    import tinycss2
    from tinycss2.color4 import parse_color

    found = []

    def visit(tokens) -> None:
        for token in tokens:
            parsed = parse_color(token) if token.type in ("hash", "ident", "function") else None
            if parsed is not None and not isinstance(parsed, str):
                found.append((shown, token.source_line, srgba(parsed)))
            elif token.type == "function":
                visit(token.arguments)
            elif getattr(token, "content", None):
                visit(token.content)

    visit(tinycss2.parse_component_value_list(read_text(path, MAX_STYLESHEET_BYTES), skip_comments=True))
    return found


def _name(element) -> str:
    tag = str(element.tag).rsplit("}", 1)[-1]
    return tag + "".join(f".{name}" for name in (element.get("class") or "").split())


def _where(element, parents: dict) -> str:
    """'section.triage-level.triage-call-today h3.triage-label span': the element after its two nearest
    ancestors that have a class."""
    chain, node = [_name(element)], parents.get(element)
    while node is not None and len(chain) < 3:
        if node.get("class") and str(node.tag) not in ("html", "body"):
            chain.insert(0, _name(node))
        node = parents.get(node)
    return " ".join(chain)


def _draws_in_text_colour(element) -> bool:
    return any("currentcolor" in value.lower() for node in element.iter() for value in node.attrib.values())


def _measure(project: Project, name: str, font_config) -> tuple[list[Problem], list[tuple]]:
    """Lay the specimen out in one edition: (problems that kept it from being laid out, low-contrast findings
    as (finding, where it is, what it is, what it is on))."""
    from jinja2 import TemplateError

    from .layout import low_contrast
    from .render import Renderer, jinja_environment
    from .specimen import specimen

    edition = ALL_EDITIONS[name]
    made = specimen()
    try:
        html = made.render(edition, jinja_environment(project.template_folders))
    except TemplateError as error:
        filename = getattr(error, "filename", None)  # the file at fault, as the template loader found it
        file = project.shown(Path(filename) if filename else project.template(edition.template))
        return [Problem(file=file, line=getattr(error, "lineno", None), key="",
                        message=f"the {name} template cannot be rendered ({error})", hint="fix the template")], []
    try:
        document = Renderer(project, edition, "letter", font_config).layout(html)
    except OSError as error:
        cause, remedy = describe_os_error(error)
        return [Problem(file=project.shown(Path(error.filename or project.styles)), line=None, key="",
                        message=f"the {name} stylesheets cannot be read: {cause}", hint=remedy)], []
    root = next(box.element for box in document.pages[0]._page_box.children if box.element is not None)
    parents = {child: parent for parent in root.iter() for child in parent}
    findings = []
    for found in low_contrast(document):
        element = found.box.element
        if found.margin is not None:
            where, what = f"@page @{found.margin.at_keyword.lstrip('@')}", f'"{_snippet(found.box.text)}"'
        elif hasattr(found.box, "text") and str(element.tag) != "img":  # (not a missing picture's alt text)
            where, what = _where(element, parents), f'"{_snippet(found.box.text)}"'
        elif not hasattr(found.box, "text") and _draws_in_text_colour(element):
            title = next((" ".join(node.itertext()) for node in element.iter() if str(node.tag).endswith("title")), "")
            where, what = _where(element, parents), f'the symbol "{title.strip()}"'
        else:
            continue
        on = "the page" if found.painter is None or str(found.painter.element_tag) in ("html", "body") else \
            f"the background of {_where(found.painter.element, parents)}"
        findings.append((found, where, what, on))
    return [], findings


def check_contrast(project: Project, editions: list[str] | None = None) -> list[Problem]:
    """Every text colour against the background it is on, in careprint's specimen handout laid out in each
    edition (default: the editions and the card). One problem per stylesheet line at fault."""
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()  # one for every edition: loading the fonts is most of the cost
    problems: list[Problem] = []
    faults: dict[tuple, _Fault] = {}
    try:
        for name in editions or [*EDITIONS, CARD.name]:
            if ALL_EDITIONS[name].format == "brf":
                continue  # braille has no colours; print and the web page have theirs measured
            failed, findings = _measure(project, name, font_config)
            problems += failed
            if failed:
                continue
            sheets = [project.style(sheet) for sheet in reversed(ALL_EDITIONS[name].stylesheets)] + \
                [project.style("base.css")]  # the later in the cascade first
            written = [c for path in sheets if path.is_file() for c in _colours_written(path, project.shown(path))]
            for found, where, what, on in findings:
                fault = _fault(found, on, written, project)
                fault = faults.setdefault((fault.file, fault.line, fault.culprit), fault)
                fault.count += 1
                if name not in fault.editions:
                    fault.editions.append(name)
                # The example: words rather than a list marker or a symbol; on the page if the text colour is at
                # fault; the lowest contrast.
                rank = 0 if re.search(r"\w", what) and what.startswith('"') else 1 if what.startswith('"') else 2
                example = (rank, fault.text_at_fault and on != "the page", found.ratio, found, where, what, on)
                if fault.example is None or example[:3] < fault.example[:3]:
                    fault.example = example
    finally:
        release_fonts(font_config)
    return problems + [fault.problem() for fault in faults.values()]


@dataclass
class _Fault:
    """One colour at fault and the first stylesheet line that names it, with what it was found on."""

    file: str
    line: int | None
    culprit: str  # '#c06000'
    searched: str  # what was searched for: the colour, or a transparent colour that gives it
    text_at_fault: bool  # else the background of the box the text is on
    example: tuple | None = None  # (words/marker/symbol, off the page?, ratio, LowContrast, where, what, on)
    count: int = 0
    editions: list[str] = field(default_factory=list)

    def problem(self) -> Problem:
        rank, _, _, found, where, what, on = self.example
        named = " and ".join(filter(None, (", ".join(self.editions[:-1]), self.editions[-1])))
        editions = f"{named} edition{'s' if len(self.editions) > 1 else ''}"
        more = f" and {self.count - 1} more" if self.count > 1 else ""
        located = (f"line found by searching the stylesheets for {self.searched}" if self.line else
                   f"no line of the stylesheets names {self.searched}")
        kind = "symbol colour" if rank == 2 else "text colour"
        return Problem(
            file=self.file, line=self.line, key=where,
            message=(f"{kind} {hex_colour(found.foreground)} on {on} {hex_colour(found.background)} has a contrast "
                     f"of {found.ratio:.1f}:1, below the {MIN_CONTRAST:g}:1 that clear print needs (WCAG AAA): "
                     f"{what}{more} in careprint's specimen handout ({editions}); {located}"),
            hint=f"use a darker {kind}" if self.text_at_fault else "use a lighter background for that box",
        )


def _fault(found: LowContrast, on: str, written: list, project: Project) -> _Fault:
    """The text colour is at fault, unless the text is on a box's background and would pass on white."""
    text_at_fault = on == "the page" or contrast_ratio(found.foreground, WHITE) + 0.005 < MIN_CONTRAST
    culprit, under = (found.foreground, found.background) if text_at_fault else (found.background, WHITE)
    culprit = hex_colour(culprit)
    nowhere = (project.shown(project.styles), None, True)
    file, line, opaque = next(((file, line, rgba[3] == 1) for file, line, rgba in written
                               if hex_colour(over(rgba, under)) == culprit), nowhere)
    searched = culprit if opaque else f"a transparent colour that gives {culprit} on {hex_colour(under)}"
    return _Fault(file, line, culprit, searched, text_at_fault)


def _shape_signature(svg: str) -> str:
    """The drawing of a symbol with its colours and title removed: what is left in a grey photocopy."""
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.S)
    svg = re.sub(r'\s(fill|stroke|color|class|style)="[^"]*"', "", svg)
    return " ".join(svg.split())


def check_triage_cues(project: Project, levels: dict | None = None) -> list[Problem]:
    """Each triage level has its own word label and its own symbol shape, and the triage block prints both."""
    from jinja2 import ChainableUndefined, TemplateError

    from .locale import DEFAULT_LANGUAGE, load_locale, locale_file
    from .render import jinja_environment

    locale = load_locale(DEFAULT_LANGUAGE)
    levels = {name: about.model_dump() for name, about in locale.triage.items()} if levels is None else levels
    icons_file = project.shown(project.template("macros/icons.html.j2"))
    triage_file = project.shown(project.template("blocks/triage.html.j2"))
    labels_file = f"careprint/locales/{locale_file(DEFAULT_LANGUAGE).name}"
    problems: list[Problem] = []

    def problem(file: str, key: str, message: str, hint: str) -> None:
        problems.append(Problem(file=file, line=None, key=key, message=message, hint=hint))

    seen_labels: dict[str, str] = {}
    for level, about in levels.items():
        label = " ".join(str(about.get("label", "")).split())
        if not re.search(r"[^\W\d_]", label):
            problem(labels_file, f"triage.{level}", "this triage level has no word label",
                    "in a grey photocopy only words and symbols tell the levels apart: give it a label")
        elif label.casefold() in seen_labels:
            problem(labels_file, f"triage.{level}",
                    f"triage levels {seen_labels[label.casefold()]} and {level} have the same word label "
                    f"\"{label}\"", "in a grey photocopy only words and symbols tell them apart: give each its own")
        else:
            seen_labels[label.casefold()] = level

    # Lenient about everything but the triage data: the block may use clinic settings this check does not supply.
    env = jinja_environment(project.template_folders).overlay(undefined=ChainableUndefined)
    try:
        icons = env.get_template("macros/icons.html.j2").module
        seen_shapes: dict[str, str] = {}
        for level, about in levels.items():
            svg = str(icons.triage(level, about.get("symbol", "")))
            signature = _shape_signature(svg)
            if not re.search(rf"<({'|'.join(SHAPES)})\b", signature):
                problem(icons_file, level, "this triage level has no symbol drawn",
                        "draw a shape for it; colour alone does not survive a grey photocopy")
            elif signature in seen_shapes:
                problem(icons_file, level,
                        f"triage levels {seen_shapes[signature]} and {level} have the same symbol shape "
                        f"(they differ only in colour)",
                        "draw a different shape for each level; a grey photocopy loses the colour")
            else:
                seen_shapes[signature] = level
        # The block itself must print each level's label and symbol.
        from .model import SignGroup, TriageLevel
        from .paginate import chunks_of

        block = SimpleNamespace(triage=SimpleNamespace(
            levels=lambda: [TriageLevel(level, (SignGroup(None, ("a sign",)),)) for level in levels]))
        wrapper = env.from_string('{% import "macros/icons.html.j2" as icons %}{% include "blocks/triage.html.j2" %}')
        html = wrapper.render(block=block, locale=SimpleNamespace(words=locale.words, triage=levels),
                              chunks_of=lambda level: chunks_of(level, None))
    except TemplateError as exc:
        problem(triage_file, "", f"the triage templates cannot be rendered ({exc})", "fix the template")
        return problems
    sections = re.split(r'<section class="triage-level', html)[1:]
    if len(sections) != len(levels):
        problem(triage_file, "", f"the triage block shows {len(sections)} levels, not {len(levels)}",
                "print one section per level")
    for level, section in zip(levels, sections):
        label = " ".join(str(levels[level].get("label", "")).split())
        if label and label not in " ".join(section.split()):
            problem(triage_file, level, f"the triage block does not print the word label \"{label}\"",
                    "print the label beside the symbol")
        if "<svg" not in section:
            problem(triage_file, level, "the triage block does not draw this level's symbol",
                    "call icons.triage(...) for each level")
    return problems

