"""Keep each warning level on one page, or repeat its label and action where it must continue.

Why this module exists: a frightened reader looks at one page. If a box of warning signs breaks across a page,
the signs on the second page have no "what to do" and no number beside them. CSS can ask WeasyPrint to keep a box
whole (`break-inside: avoid`), but a level with many signs in large print is taller than a page, and CSS has no way
to repeat a heading on the next page. So the handout is laid out, each level's signs are found on the laid-out
pages, and a level that ran over a page break is cut there into parts; each later part repeats the label and the
action, marked "(continued)". The cut changes the layout, so this repeats until nothing runs over (a few passes
at most, and only for handouts that need it).

The template marks each part `data-level="KEY:N"` and each sign `data-sign="KEY:I"` (I counts the level's signs
from 0). Splits map a level's KEY to the sign index each part starts with.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from .model import TriageLevel

MAX_PASSES = 8


def level_key(level: TriageLevel) -> str:
    """A stable name for a level: its name and signs (the same list printed twice is cut the same way)."""
    return f"{level.name}-{hashlib.sha1(chr(0).join(level.signs).encode()).hexdigest()[:10]}"


Splits = dict[str, list[int]]  # a level's key -> the sign index each of its later parts starts with


def chunks_of(level: TriageLevel, splits: Splits | None) -> list[dict]:
    """The parts a level is printed in: each with its key, whether it continues, and its groups of signs."""
    key = level_key(level)
    starts = [0, *sorted(set((splits or {}).get(key, [])) - {0})]
    ends = starts[1:] + [len(level.signs)]
    parts = []
    for number, (start, end) in enumerate(zip(starts, ends)):
        groups, offset = [], 0
        for group in level.groups:
            inside = [(offset + i, sign) for i, sign in enumerate(group.signs) if start <= offset + i < end]
            if inside:
                ends_here = inside[-1][0] == offset + len(group.signs) - 1
                groups.append({"title": group.title, "signs": inside, "continued": inside[0][0] > offset,
                               "note": group.note, "why": group.why if ends_here else None})
            offset += len(group.signs)
        parts.append({"key": key, "number": number, "continued": number > 0, "last": end == len(level.signs),
                      "groups": groups,
                      "titled": sum(1 for g in level.groups if g.title) > 1})
    return parts


def _walk(box, page: int, found: dict) -> None:
    element = getattr(box, "element", None)
    if element is not None and getattr(box, "element_tag", None) is not None:
        part = element.get("data-level")
        if part:
            found["parts"][part].add(page)
        sign = element.get("data-sign")
        if sign:
            found["signs"][sign].add(page)
    for child in getattr(box, "children", ()):
        _walk(child, page, found)


def _pages_of(document) -> dict:
    found = {"parts": defaultdict(set), "signs": defaultdict(set)}
    for number, page in enumerate(document.pages):
        _walk(page._page_box, number, found)
    return found


def _signs_of_part(found: dict, key: str, start: int, end: int | None) -> list[tuple[int, int]]:
    """(sign index, first page) of the signs of one part, in order."""
    signs = []
    for sign, pages in found["signs"].items():
        prefix, index = sign.rsplit(":", 1)
        if prefix == key and int(index) >= start and (end is None or int(index) < end):
            signs.append((int(index), min(pages)))
    return sorted(signs)


def next_splits(document, splits: Splits) -> Splits | None:
    """The splits for the next layout, or None when no part of any level runs over a page.

    A part is kept on one page (`break-inside: avoid`), so one that runs over is taller than a page and starts at
    the top of one. It is cut at the first sign that went to the next page; the signs from there on join the part
    after it (or make a new last part), which the next layout may cut again.
    """
    found = _pages_of(document)
    cuts = {key: set(values) for key, values in splits.items()}
    changed = False
    for part, pages in sorted(found["parts"].items()):
        if len(pages) < 2:
            continue
        key, number = part.rsplit(":", 1)
        starts = [0, *sorted(cuts.get(key, set()) - {0})]
        if int(number) >= len(starts):
            continue
        start = starts[int(number)]
        end = starts[int(number) + 1] if int(number) + 1 < len(starts) else None
        signs = _signs_of_part(found, key, start, end)
        first_page = min(pages)
        moved = [index for index, page in signs if page > first_page and index > start]
        if moved:
            cut = moved[0]
        elif len(signs) > 1:
            cut = signs[-1][0]  # every sign fitted but what follows them did not: move the last sign on
        else:
            continue  # one sign with its label and action is taller than a page: verification will say so
        cuts[key] = (cuts.get(key, set()) - {end}) | {cut}
        changed = True
    return {key: sorted(values) for key, values in cuts.items()} if changed else None


def layout_keeping_levels_whole(renderer, make_html):
    """Lay out make_html(splits) until no warning level runs over a page; returns (document, splits)."""
    splits: Splits = {}
    document = renderer.layout(make_html(splits))
    for _ in range(MAX_PASSES):
        following = next_splits(document, splits)
        if following is None:
            break  # nothing runs over, or no further cut helps: verification reports what is left
        splits = following
        document = renderer.layout(make_html(splits))
    return document, splits

