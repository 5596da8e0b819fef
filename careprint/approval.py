"""Approvals bound to the text they approved: the fingerprint of a handout's printed content, and its state.

Why this module exists: an approval used to be three words in the handout's `review:` block, not tied to the text.
After the wording changed, `--release` still built the handout and it still printed "Reviewed 2026-11". Now
`careprint approve` (careprint.approve) records, beside the approver and the date, a fingerprint: the sha256 of
the handout's content in a canonical form. The library measures every handout it loads the same way (stamp), and
the state of a handout is one of:

- draft: not approved;
- approved: approved, and the text is exactly the one approved;
- changed: approved, but the text has changed since (the fingerprint no longer matches);
- unconfirmed: marked approved by hand, with no fingerprint (or a handout that was never measured), so careprint
  cannot tell whether this is the text that was approved. It is treated like a changed one: said on the page,
  a warning in `check`, refused by `--release`, until the approver confirms it with `careprint approve`.

What counts as "the text" (canonical_content): everything the patient reads that the handout's authors and
reviewers decide. That is the handout file's content except its `review:` block (the approval itself and the next
review date, which change no printed word); every shared warning-sign list it includes from
reference/warning-signs.yaml (a changed shared list changes what the patient reads, so it must send every handout
that prints it back to its reviewers); the title, publisher and address of every source it cites (printed in the
sources paragraph and beside the QR code; `published` and `retrieved` are bookkeeping for reviewers and print
nothing); and the bytes of every picture it shows (a new drawing under the same file name is new content). Not
counted: the clinic settings (the clinic's own numbers and name), careprint's own words (the locale files) and the
templates and stylesheets; they are the same on every handout and are checked by careprint itself.

The canonical form is JSON with sorted keys of the validated content, with values left at their defaults left
out: comments, quoting, key order and line breaks in the YAML do not change it, and neither does a future
careprint that adds an optional key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from .model import Handout, SignList, Source
from .triage import TRIAGE_LEVEL_NAMES
from .write import file_sha256

FORM = 1  # the version of the canonical form; a new form would say so here and in every fingerprint it makes
PREFIX = "sha256:"

DRAFT, APPROVED, CHANGED, UNCONFIRMED = "draft", "approved", "changed", "unconfirmed"
# The state as staff read it (careprint list, the manifest); the printed words are in the locale files.
STATE_WORDS = {DRAFT: "draft", APPROVED: "approved", CHANGED: "changed since approval",
               UNCONFIRMED: "approval not confirmed"}
PRINTED_SOURCE_FIELDS = ("id", "title", "publisher", "address")


def _picture_sha256(root: Path, name: str) -> str:
    """The picture's bytes; one that cannot be read is a marker (the library and the render say why), so a
    fingerprint can never match a text whose picture nobody could see."""
    return file_sha256(root / name) or "unreadable"


def included_list_ids(handout: Handout) -> list[str]:
    """The ids of the shared sign lists the (unresolved) handout includes, in reading order, each once."""
    return list(dict.fromkeys(list_id for block in handout.triage_blocks()
                              for _, _, list_id in block.triage.includes()))


def canonical_content(handout: Handout, lists: Mapping[str, SignList], sources: Mapping[str, Source],
                      root: Path) -> bytes:
    """What an approval approves, as bytes (see the module's docstring). `handout` is as written in its file, its
    `include:`s not yet replaced by the lists (careprint.model.resolve_triage)."""
    def dump(model) -> dict:
        return model.model_dump(mode="json", exclude_defaults=True)

    pictures = {picture.file: _picture_sha256(root, picture.file) for _, picture in handout.pictures()}
    document = {
        "form": FORM,
        "handout": {key: value for key, value in dump(handout).items() if key != "review"},
        "shared_lists": {list_id: dump(lists[list_id]) if list_id in lists else None
                         for list_id in included_list_ids(handout)},
        "sources": [{key: getattr(sources[source_id], key) for key in PRINTED_SOURCE_FIELDS}
                    if source_id in sources else None for source_id in handout.sources],
        "pictures": pictures,
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def fingerprint(handout: Handout, lists: Mapping[str, SignList], sources: Mapping[str, Source], root: Path) -> str:
    return PREFIX + hashlib.sha256(canonical_content(handout, lists, sources, root)).hexdigest()


def stamp(handout: Handout, printed: str) -> Handout:
    """The handout, marked with the fingerprint of its text as loaded (the library does this, once per load)."""
    handout._printed_fingerprint = printed
    return handout


def lists_in(resolved: Handout) -> dict[str, SignList]:
    """The shared lists a handout's triage blocks print, by id (after the library resolved its `include:`s)."""
    return {item.id: item for block in resolved.triage_blocks() for level in TRIAGE_LEVEL_NAMES
            for item in getattr(block.triage, level) or [] if isinstance(item, SignList)}


def state_of(handout: Handout) -> str:
    """draft, approved, changed or unconfirmed (see the module's docstring)."""
    review = handout.review
    if review.status == "draft":
        return DRAFT
    measured = handout._printed_fingerprint
    if review.fingerprint is None or measured is None:
        return UNCONFIRMED
    return APPROVED if review.fingerprint == measured else CHANGED


# ---------------------------------------------------------------------------------------------------------------
# careprint list


def listing(library, today) -> list[dict]:
    """One row per handout, in file order: what `careprint list` prints (and, as JSON, gives to tools)."""
    rows = []
    for item in library.handouts:
        handout, review = item.handout, item.handout.review
        state = state_of(handout)
        rows.append({
            "id": handout.id, "title": handout.title, "version": handout.version, "status": state,
            "status_words": STATE_WORDS[state], "approved_by": review.approved_by,
            "approved_on": review.approved_on.isoformat() if review.approved_on else None,
            "next_review": review.next_review.isoformat(), "review_overdue": review.next_review < today,
            "file": item.shown,
        })
    return rows


def table_lines(rows: list[dict]) -> list[str]:
    """The rows as an aligned table, as wide as it needs: a long title is never cut, in a terminal or a pipe."""
    from rich.cells import cell_len  # the width a terminal gives each character

    cells = [("id", "title", "version", "status", "next review")]
    cells += [(row["id"], row["title"], row["version"], row["status_words"],
               row["next_review"] + (" (overdue)" if row["review_overdue"] else "")) for row in rows]
    widths = [max(cell_len(line[column]) for line in cells) for column in range(len(cells[0]))]

    def line(values) -> str:
        return "  ".join(value + " " * (width - cell_len(value)) for value, width in zip(values, widths)).rstrip()

    return [line(cells[0]), line(["-" * width for width in widths]), *(line(values) for values in cells[1:])]
