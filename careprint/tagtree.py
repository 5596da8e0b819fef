"""One walk over a PDF's tag tree, shared by the artifact pass (tagging.py) and verification (verify.py).

Both need to know which marked content the structure tree reaches; verification also needs the headings and
figures it meets on the way. Walking it in one place keeps the two from disagreeing about what is reachable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pikepdf


@dataclass
class Structure:
    headings: list[tuple[int, int]] = field(default_factory=list)  # (level, page)
    figures_without_alt: list[int] = field(default_factory=list)  # page of each
    reachable: set[tuple[tuple[int, int], int]] = field(default_factory=set)  # (page objgen, MCID)


def walk_structure(pdf: pikepdf.Pdf, page_numbers: dict[tuple[int, int], int] | None = None) -> Structure:
    """One pass over the tag tree, in reading order: headings, figures, and the content each element reaches."""
    root = pdf.Root.StructTreeRoot
    role_map = root.get("/RoleMap", {})
    found = Structure()
    stack: list[tuple[object, object]] = [(root, None)]
    seen: set[tuple[int, int]] = set()
    while stack:
        node, page = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            page = node.get("/Pg", page)
            kind = node.get("/Type")
            if kind == "/MCR":
                stack.append((node.get("/MCID"), node.get("/Pg", page)))
                continue
            if kind == "/OBJR":
                continue
            role = str(node.get("/S", ""))
            role = str(role_map.get(role, role)) if role else role
            number = (page_numbers or {}).get(page.objgen, 0) if isinstance(page, pikepdf.Dictionary) else 0
            if re.fullmatch(r"/H[1-6]", role):
                found.headings.append((int(role[2]), number))
            elif role == "/Figure":
                alt = str(node.get("/Alt", "") or node.get("/ActualText", ""))
                if not alt.strip():
                    found.figures_without_alt.append(number)
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend((kid, page) for kid in reversed(list(kids)))
            elif kids is not None:
                stack.append((kids, page))
        elif isinstance(node, int) and isinstance(page, pikepdf.Dictionary):
            found.reachable.add((page.objgen, int(node)))
    return found
