"""Find text that WeasyPrint laid out where a reader cannot see all of it.

Why this module exists: WeasyPrint 70 says nothing when a word is too long for its line, when text runs past a
box with a fixed height, when a box with `overflow: hidden` cuts text off, or when content is pushed into the
page margin. The PDF cannot show most of this: clipped text is still in the PDF's text layer (it extracts, it is
read aloud) even though it is not printed, and text that spills over a neighbour stays on the page. Only the
laid-out boxes know which box each piece of text belongs to, so this check walks the boxes of the rendered
`weasyprint.Document` (kept in `render.RenderResult.document`) once per PDF and compares every piece of text and
every image with:

1. each ancestor box that hides overflow (`overflow` other than `visible`): text outside it is cut off;
2. the box that holds it (its nearest block): text outside it runs over the border or over what comes next;
3. the printable area of the page (inside the page margins), or the paper itself for footers.

It also compares each text colour with the background it is actually painted on (WCAG AAA, 7:1): the real pair,
after the whole cascade (inherited colours, custom properties, a tinted box). The style gate (careprint.contrast)
runs this same walk on a built-in specimen document before any handout is rendered (low_contrast()).

Everything is measured in CSS px (WeasyPrint's unit) and reported in pt. The walk reads the boxes only; it costs a
few milliseconds per PDF.
"""

from __future__ import annotations

from dataclasses import dataclass

from .colour import MIN_CONTRAST, contrast_ratio, hex_colour, over, srgba

PT_PER_PX = 0.75
TOLERANCE_PX = 1.0  # 0.75 pt: rounding in layout, never a visible overflow
MAX_MESSAGES = 8


@dataclass(frozen=True)
class Rect:
    left: float
    top: float
    right: float
    bottom: float

    def excess(self, inner: Rect) -> tuple[str, float] | None:
        """The side and distance (px) by which `inner` sticks out of this rectangle, worst side first."""
        sides = [
            ("right", inner.right - self.right),
            ("bottom", inner.bottom - self.bottom),
            ("left", self.left - inner.left),
            ("top", self.top - inner.top),
        ]
        side, distance = max(sides, key=lambda item: item[1])
        return (side, distance) if distance > TOLERANCE_PX else None


def _content_rect(box) -> Rect:
    x, y = box.content_box_x(), box.content_box_y()
    return Rect(x, y, x + box.width, y + box.height)


def _padding_rect(box) -> Rect:
    x, y = box.padding_box_x(), box.padding_box_y()
    return Rect(x, y, x + box.padding_width(), y + box.padding_height())


def _border_rect(box) -> Rect:
    x, y = box.border_box_x(), box.border_box_y()
    return Rect(x, y, x + box.border_width(), y + box.border_height())


def _describe_box(box) -> str:
    """'<p>', '<div class="triage-action">', or 'the page footer (@bottom-left)'."""
    at_keyword = getattr(box, "at_keyword", None)
    if at_keyword:
        name = "@" + at_keyword.lstrip("@")
        return f"the page footer ({name})" if "bottom" in name else f"the page margin box ({name})"
    tag = str(box.element_tag or "box").rsplit("}", 1)[-1]
    css_class = box.element.get("class") if box.element is not None else None
    return f'<{tag} class="{css_class}">' if css_class else f"<{tag}>"


def _snippet(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe_image(box) -> str:
    element = box.element
    label = ""
    if element is not None:
        label = element.get("alt") or ""
        if not label:
            for child in element:
                if str(child.tag).rsplit("}", 1)[-1] == "title":
                    label = "".join(child.itertext())
                    break
    return f'the picture "{_snippet(label)}"' if label.strip() else "a picture"


@dataclass(frozen=True)
class LowContrast:
    """A text (or a symbol drawn in its text colour) whose colour is too close to the background it is on."""

    page: int
    box: object  # the TextBox, or the ReplacedBox of an <svg>
    painter: object  # the box whose background colour it is on; None: the page's
    margin: object  # the page margin box (a footer) it is in, if it is in one
    foreground: tuple[float, float, float]  # composited over the background
    background: tuple[float, float, float]
    ratio: float


@dataclass
class _State:
    page: int
    frame: Rect  # the printable area, or the paper for margin boxes
    frame_is_paper: bool
    clips: tuple  # (Rect, box) of ancestors that hide overflow
    holders: tuple  # ancestor blocks whose box must contain their text, innermost last
    line: Rect | None  # the line box the text sits on (its height is the line height)
    background: tuple[float, float, float]
    painter: object = None


class _Walk:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.seen: set[tuple] = set()
        self.low_contrast: list[LowContrast] = []

    def report(self, key: tuple, message: str) -> None:
        if key not in self.seen:
            self.seen.add(key)
            self.problems.append(message)

    def box(self, box, state: _State) -> None:
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout.absolute import AbsolutePlaceholder

        if isinstance(box, AbsolutePlaceholder):
            box = box._box
        if box.style["visibility"] != "visible" and not isinstance(box, boxes.ParentBox):
            return

        background, painter = state.background, state.painter
        if box.style["background_color"] is not None:
            rgba = srgba(box.style["background_color"])
            if rgba[3] > 0:
                background, painter = over(rgba, background), box
        holders, clips, line = state.holders, state.clips, state.line
        out_of_flow = (getattr(box, "is_outside_marker", False) or box.is_floated()
                       or box.is_absolutely_positioned())
        if out_of_flow:
            holders = ()  # a list marker, float or positioned box may legitimately sit outside its parent

        if isinstance(box, boxes.TextBox):
            self.text(box, state, holders)
            return
        if isinstance(box, boxes.ReplacedBox):
            self.item(box, _border_rect(box), _describe_image(box), "picture", state, holders)
            if str(box.element_tag).endswith("svg"):  # a symbol may draw in its text colour (style gate only)
                self.contrast(box, state, painter, background)
            return
        if isinstance(box, boxes.LineBox):
            line = Rect(box.position_x, box.position_y, box.position_x + box.width, box.position_y + box.height)
        elif isinstance(box, (boxes.BlockContainerBox, boxes.FlexContainerBox, boxes.GridContainerBox)) \
                and not isinstance(box, boxes.PageBox):
            holders = holders + (box,)
        if box.style["overflow"] != "visible" and not isinstance(box, boxes.PageBox):
            clips = clips + ((_padding_rect(box), box),)
        child_state = _State(state.page, state.frame, state.frame_is_paper, clips, holders, line, background,
                             painter)
        for child in box.children:
            self.box(child, child_state)

    def text(self, box, state: _State, holders: tuple) -> None:
        if not box.text.strip():
            return
        top, bottom = (state.line.top, state.line.bottom) if state.line else (
            box.position_y, box.position_y + box.height)
        right = box.position_x + box.width
        trailing = len(box.text) - len(box.text.rstrip())
        if trailing and box.style["white_space"] in ("pre-wrap", "break-spaces"):
            # Spaces kept at the end of a wrapped line hang past the edge: they are never seen.
            right -= trailing * box.style["font_size"] * 0.5
        rect = Rect(box.position_x, top, max(box.position_x, right), bottom)
        what = f'text "{_snippet(box.text)}"'
        self.item(box, rect, what, "text", state, holders)
        if self.contrast(box, state, state.painter, state.background):
            foreground = hex_colour(self.low_contrast[-1].foreground)
            ratio = self.low_contrast[-1].ratio
            self.report(
                ("contrast", state.page, foreground, hex_colour(state.background)),
                f"page {state.page}: {what} is {foreground} on {hex_colour(state.background)}, a contrast of "
                f"{ratio:.1f}:1; clear print needs at least {MIN_CONTRAST:g}:1: darken the text colour",
            )

    def contrast(self, box, state: _State, painter, background) -> bool:
        """Whether the box's colour is too close to its background (recorded in low_contrast)."""
        colour = srgba(box.style["color"])
        if colour[3] == 0:
            return False
        ratio = contrast_ratio(over(colour, background), background)
        if ratio + 0.005 >= MIN_CONTRAST:
            return False
        margin = state.holders[0] if state.frame_is_paper and state.holders else None
        self.low_contrast.append(LowContrast(state.page, box, painter, margin, over(colour, background), background,
                                             ratio))
        return True

    def item(self, box, rect: Rect, what: str, kind: str, state: _State, holders: tuple) -> None:
        page = state.page
        for clip_rect, clipper in reversed(state.clips):
            if clip_rect.excess(rect):
                self.report(
                    ("clip", page, id(clipper)),
                    f"page {page}: {what} is cut off by {_describe_box(clipper)}, which hides what does not fit "
                    f"(overflow: {clipper.style['overflow']}); the hidden part is not printed: remove the box's "
                    f"fixed width or height, or its overflow setting",
                )
                return
        # The box that holds the text must hold it inside its content box (a word too long for the line, a box
        # too short for its lines); then the page; then every outer box, inside its border (a child box too big).
        inner, outer = holders[-1:], list(reversed(holders[:-1]))
        for holder in inner:
            if self.holder(holder, _content_rect(holder), rect, what, kind, page, inner=True):
                return
        excess = state.frame.excess(rect)
        if excess:
            side, distance = excess
            where = "the edge of the paper" if state.frame_is_paper else f"the {side} page margin"
            self.report(
                ("frame", page, side),
                f"page {page}: {what} runs {distance * PT_PER_PX:.1f} pt into {where}, outside the printable "
                f"area; printers cut it off: check the stylesheet for fixed widths, negative margins or "
                f"positioning, and for blocks that cannot break across pages",
            )
            return
        for holder in outer:
            if self.holder(holder, _border_rect(holder), rect, what, kind, page, inner=False):
                return

    def holder(self, holder, limit: Rect, rect: Rect, what: str, kind: str, page: int, inner: bool) -> bool:
        excess = limit.excess(rect)
        if not excess:
            return False
        side, distance = excess
        if getattr(holder, "at_keyword", None):
            advice = "the footer does not fit in the page margin: shorten it or make that page margin larger"
        elif side in ("top", "bottom"):
            advice = "the box is too short for what it holds: remove its fixed height"
        elif not inner:
            advice = ("a box inside it is wider than it or has a negative margin: check the stylesheet for fixed "
                      "widths and negative margins")
        elif kind == "text":
            advice = ("a word or number is too long for the line, or the box is too narrow: shorten it or make the "
                      "box wider")
        else:
            advice = "make the picture smaller"
        self.report(
            ("holder", page, id(holder), side),
            f"page {page}: {what} sticks out {distance * PT_PER_PX:.1f} pt past the {side} edge of "
            f"{_describe_box(holder)} and overlaps what is next to it; {advice}",
        )
        return True


def check_layout(document) -> list[str]:
    """Problems with where WeasyPrint put text and images in a rendered `weasyprint.Document`."""
    problems = _walk(document).problems
    if len(problems) > MAX_MESSAGES:
        problems = problems[:MAX_MESSAGES] + [f"and {len(problems) - MAX_MESSAGES} more layout problems"]
    return problems


def low_contrast(document) -> list[LowContrast]:
    """Every text, and every inline SVG symbol, whose colour has less than 7:1 contrast with what it is on."""
    return _walk(document).low_contrast


def _walk(document) -> _Walk:
    from weasyprint.formatting_structure import boxes

    walk = _Walk()
    white = (1.0, 1.0, 1.0)
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        paper = Rect(0, 0, page_box.margin_width(), page_box.margin_height())
        printable = _content_rect(page_box)
        background = white
        if page_box.style["background_color"] is not None:
            background = over(srgba(page_box.style["background_color"]), white)
        for child in page_box.children:
            is_margin = isinstance(child, boxes.MarginBox)
            state = _State(number, paper if is_margin else printable, is_margin, (), (), None, background)
            walk.box(child, state)
    return walk
