"""Check the stylesheets' colours and the triage cues before anything is rendered.

Clear print asks for a contrast of at least 7:1 (WCAG 2 AAA) between every text colour and its background, and
pages get photocopied in grey, so the three triage levels must never be told apart by colour alone: each needs its
own word label and its own symbol shape. A stylesheet or template change can break either without any error from
WeasyPrint, so every build runs these checks first and stops on a violation.

The stylesheet check reads styles/base.css plus each edition's stylesheet with tinycss2, resolves var(--x) from
the custom properties set on :root, and pairs each rule's `color` with its own background, else the backgrounds
of rules that match its ancestors (`.key-messages` for `.key-messages li`), else the page (white unless html, body
or @page set one). A background with no colour of its own is checked against the inherited text colour. Pairings
that only arise on the page are caught by careprint.layout, which compares every laid-out text with the
background it is painted on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import tinycss2
from tinycss2 import color3

from .files import MiB, read_text
from .layout import MIN_CONTRAST, contrast_ratio, hex_colour
from .problems import CareprintError, Problem
from .project import EDITIONS, Project

WHITE = (1.0, 1.0, 1.0)
BLACK = (0.0, 0.0, 0.0)
PAGE_SELECTORS = ("html", ":root", "body", "@page")
SHAPES = ("polygon", "polyline", "rect", "circle", "ellipse", "path", "line")


class StyleError(CareprintError):
    """The stylesheets or templates break a clear-print rule (contrast, or a triage level told only by colour)."""


@dataclass
class _Rule:
    file: str
    line: int
    selector: str
    color: tuple[float, float, float] | None = None
    color_line: int = 0
    background: tuple[float, float, float] | None = None

MAX_STYLESHEET_BYTES = 4 * MiB


def _declarations(tokens) -> list:
    return tinycss2.parse_blocks_contents(tokens, skip_comments=True, skip_whitespace=True)


def _resolve(tokens, variables: dict[str, list], depth: int = 0) -> list:
    """Replace var(--x[, fallback]) with the custom property's value."""
    out = []
    for token in tokens:
        if token.type == "function" and token.lower_name == "var" and depth < 20:
            arguments = [t for t in token.arguments if t.type not in ("whitespace", "comment")]
            name = arguments[0].value if arguments and arguments[0].type == "ident" else ""
            if name in variables:
                out += _resolve(variables[name], variables, depth + 1)
            elif len(arguments) > 2:  # var(--x, fallback)
                comma = next(i for i, t in enumerate(token.arguments) if t.type == "literal" and t.value == ",")
                out += _resolve(token.arguments[comma + 1:], variables, depth + 1)
        else:
            out.append(token)
    return out


def _colour(tokens) -> tuple[float, float, float] | None:
    """The first opaque-or-translucent colour among the tokens, composited over white; None if there is none."""
    for token in tokens:
        if token.type in ("whitespace", "comment"):
            continue
        parsed = color3.parse_color(token)
        if parsed is None or isinstance(parsed, str):  # not a colour, or currentColor
            continue
        red, green, blue, alpha = parsed
        if alpha == 0:
            return None
        return tuple(alpha * c + (1 - alpha) * w for c, w in zip((red, green, blue), WHITE))
    return None


def _read_rules(path: Path, shown: str, variables: dict[str, list], raw: list) -> None:
    """Collect custom properties into `variables` and (shown, line, selector, declarations) into `raw`."""
    text = read_text(path, MAX_STYLESHEET_BYTES)  # a regular file only: never a FIFO that would block

    def visit(rules, prefix: str = "") -> None:
        for rule in rules:
            if rule.type == "qualified-rule":
                declarations = [d for d in _declarations(rule.content) if d.type == "declaration"]
                selector = " ".join(tinycss2.serialize(rule.prelude).split())
                if selector == ":root":
                    for declaration in declarations:
                        if declaration.name.startswith("--"):
                            variables[declaration.name] = declaration.value
                for part in selector.split(","):
                    raw.append((shown, rule.source_line, part.strip(), declarations))
            elif rule.type == "at-rule" and rule.lower_at_keyword == "page" and rule.content is not None:
                items = _declarations(rule.content)
                raw.append((shown, rule.source_line, "@page",
                            [d for d in items if d.type == "declaration"]))
                for item in items:
                    if item.type == "at-rule" and item.content is not None:
                        raw.append((shown, item.source_line, f"@page @{item.lower_at_keyword}",
                                    [d for d in _declarations(item.content) if d.type == "declaration"]))
            elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
                visit(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))

    visit(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))


def _rules(sheets: list[tuple[Path, str]]) -> list[_Rule]:
    variables: dict[str, list] = {}
    raw: list = []
    for path, shown in sheets:
        _read_rules(path, shown, variables, raw)
    rules = []
    for shown, line, selector, declarations in raw:
        rule = _Rule(shown, line, selector)
        for declaration in declarations:
            if declaration.lower_name == "color":
                rule.color = _colour(_resolve(declaration.value, variables))
                rule.color_line = declaration.source_line
            elif declaration.lower_name in ("background", "background-color"):
                rule.background = _colour(_resolve(declaration.value, variables))
        if rule.color is not None or rule.background is not None:
            rules.append(rule)
    return rules


_COMBINATOR = re.compile(r"\s*[>+~]\s*|\s+")


def _compounds(selector: str) -> list[set[str]]:
    """'.a > li.b' -> [{'.a'}, {'li', '.b'}] (pseudo-classes and attribute tests are ignored)."""
    return [set(re.findall(r"[.#]?[A-Za-z_][\w-]*", re.sub(r"::?[\w-]+(\([^)]*\))?|\[[^\]]*\]", "", part)))
            for part in _COMBINATOR.split(selector.strip()) if part]


def _encloses(outer: str, inner: str) -> bool:
    """Whether every element `inner` matches sits inside (or is) an element `outer` matches, as far as the
    selectors say."""
    outer_compounds, inner_compounds = _compounds(outer), _compounds(inner)
    if not outer_compounds or not inner_compounds or not outer_compounds[-1]:
        return False
    target = outer_compounds[-1]
    return any(target <= compound for compound in inner_compounds)


def _pair_problem(rule: _Rule, line: int, colour, background, where: str) -> Problem | None:
    ratio = contrast_ratio(colour, background)
    if ratio + 0.005 >= MIN_CONTRAST:
        return None
    return Problem(
        file=rule.file, line=line, key=rule.selector,
        message=(f"text colour {hex_colour(colour)} on {where} {hex_colour(background)} has a contrast of "
                 f"{ratio:.1f}:1, "
                 f"below the {MIN_CONTRAST:g}:1 that clear print needs (WCAG AAA)"),
        hint="use a darker text colour or a lighter background",
    )


def check_contrast(project: Project, editions: list[str] | None = None) -> list[Problem]:
    """Every text colour in the stylesheets against its background, for each edition's pair of stylesheets."""
    problems: dict[str, Problem] = {}
    for name in editions or list(EDITIONS):
        sheets = [(project.styles / "base.css", project.shown(project.styles / "base.css")),
                  (project.styles / f"{name}.css", project.shown(project.styles / f"{name}.css"))]
        rules = _rules([(path, shown) for path, shown in sheets if path.is_file()])
        page_backgrounds = [r.background for r in rules if r.selector in PAGE_SELECTORS and r.background]
        page_colours = [r.color for r in rules if r.selector in ("html", ":root", "body") and r.color]
        page = page_backgrounds[-1] if page_backgrounds else WHITE
        inherited = page_colours[-1] if page_colours else BLACK
        for rule in rules:
            found = []
            if rule.color is not None:
                if rule.background is not None:
                    pairs = [(rule.background, "its own background")]
                else:
                    enclosing = [other.background for other in rules if other.background is not None
                                 and other.selector not in PAGE_SELECTORS and other is not rule
                                 and _encloses(other.selector, rule.selector)]
                    pairs = [(b, "the background of its box") for b in enclosing] or [(page, "the page")]
                found += [_pair_problem(rule, rule.color_line or rule.line, rule.color, b, w) for b, w in pairs]
            elif rule.background is not None and rule.selector not in PAGE_SELECTORS:
                found.append(_pair_problem(rule, rule.line, inherited, rule.background, "its background"))
            for problem in found:
                if problem is not None:
                    problems.setdefault(str(problem), problem)
    return list(problems.values())


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
    icons_file = project.shown(project.templates / "macros" / "icons.html.j2")
    triage_file = project.shown(project.templates / "blocks" / "triage.html.j2")
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
    env = jinja_environment(project.templates).overlay(undefined=ChainableUndefined)
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


def check_styles(project: Project, editions: list[str] | None = None) -> list[Problem]:
    """Both checks, as the build runs them before rendering anything."""
    return check_contrast(project, editions) + check_triage_cues(project)
