"""Mark running footers and page numbers as artifacts in the PDF's tag tree.

WeasyPrint 70 tags @page margin boxes as marked content that no structure element reaches (upstream issue
#1836), so a screen reader meets orphaned "Page 1 of 2" text. This pass rewrites that content to
/Artifact <</Type /Pagination>> and empties its ParentTree slots. The output stays byte-for-byte reproducible.
"""

from __future__ import annotations

import io

import pikepdf


def _reachable_mcids(pdf: pikepdf.Pdf) -> set[tuple[tuple[int, int], int]]:
    """(page object id, MCID) pairs that the structure tree reaches."""
    found: set[tuple[tuple[int, int], int]] = set()
    stack: list[tuple[object, object]] = [(pdf.Root.StructTreeRoot, None)]
    seen: set[tuple[int, int]] = set()
    while stack:
        node, page = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            page = node.get("/Pg", page)
            if node.get("/Type") == "/MCR":
                stack.append((node.get("/MCID"), node.get("/Pg", page)))
                continue
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend((kid, page) for kid in kids)
            elif kids is not None:
                stack.append((kids, page))
        elif isinstance(node, int) and page is not None:
            found.add((page.objgen, int(node)))
    return found


def mark_page_furniture_as_artifacts(pdf_bytes: bytes) -> bytes:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    if "/StructTreeRoot" not in pdf.Root:
        return pdf_bytes
    reachable = _reachable_mcids(pdf)
    parent_tree = pdf.Root.StructTreeRoot.get("/ParentTree")
    slots = {}
    if parent_tree is not None and "/Nums" in parent_tree:
        nums = parent_tree.Nums
        slots = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for page in pdf.pages:
        changed = []
        instructions = []
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "BDC" and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary):
                mcid = operands[1].get("/MCID")
                if mcid is not None and (page.objgen, int(mcid)) not in reachable:
                    operands = [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)]
                    changed.append(int(mcid))
            instructions.append((operands, operator))
        if not changed:
            continue
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        slot = slots.get(int(page.obj.get("/StructParents", -1)))
        if isinstance(slot, pikepdf.Array):
            for mcid in changed:
                if mcid < len(slot):
                    slot[mcid] = None
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()
