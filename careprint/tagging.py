"""Mark running footers and page numbers as artifacts in the PDF's tag tree.

WeasyPrint 70 tags @page margin boxes as marked content that no structure element reaches (upstream issue
#1836), so a screen reader meets orphaned "Page 1 of 2" text. This pass rewrites that content to
/Artifact <</Type /Pagination>> and empties its ParentTree slots. The output stays byte-for-byte reproducible.
"""

from __future__ import annotations

import io
import re

import pikepdf

from .tagtree import walk_structure

# How WeasyPrint opens a piece of marked content: "/Span <</MCID 7>> BDC" (white space varies).
MARKED_CONTENT = re.compile(rb"/([A-Za-z0-9]+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
PAGINATION_ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def mark_page_furniture_as_artifacts(pdf_bytes: bytes) -> bytes:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    if "/StructTreeRoot" not in pdf.Root:
        return pdf_bytes
    reachable = walk_structure(pdf).reachable
    parent_tree = pdf.Root.StructTreeRoot.get("/ParentTree")
    slots = {}
    if parent_tree is not None and "/Nums" in parent_tree:
        nums = parent_tree.Nums
        slots = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for page in pdf.pages:
        changed = []

        def to_artifact(match: re.Match, page=page, changed=changed) -> bytes:
            mcid = int(match.group(2))
            if (page.objgen, mcid) in reachable:
                return match.group(0)
            changed.append(mcid)
            return PAGINATION_ARTIFACT

        # A byte-level rewrite of WeasyPrint's own content streams: ten times faster than parsing them.
        contents = page.obj.Contents
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        for stream in streams:
            data = stream.read_bytes()
            rewritten = MARKED_CONTENT.sub(to_artifact, data)
            if rewritten != data:
                stream.write(rewritten)  # qpdf compresses it again on save
        slot = slots.get(int(page.obj.get("/StructParents", -1)))
        if isinstance(slot, pikepdf.Array):
            for mcid in changed:
                if mcid < len(slot):
                    slot[mcid] = None
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()
