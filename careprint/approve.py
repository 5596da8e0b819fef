"""`careprint approve ID --by NAME --on YYYY-MM-DD`: record who approved which text, in the handout's own file.

Why this module exists: an approval must say which text it approved (careprint.approval), and it must be where a
reviewer looks, in the handout's `review:` block, written so that nothing else in the file moves. So the file is
edited as text, not re-dumped from YAML: each of `status`, `approved_by`, `approved_on`, `fingerprint` (and
`next_review`, when given) has its value replaced where it is, or is added on a line of its own after the key
before it, in the block's own indentation (or inside its braces, for `review: {...}`). Comments, quoting, key order
and line endings elsewhere are kept byte for byte. (ruamel.yaml would round-trip the file too, but it is one more
pinned dependency for five values, and it still re-flows some layouts.)

Before anything is written the handout must pass the content gate (an approval of a text with content errors is
refused), the date must not be in the future, and the edited text is read back: it must be the same content (its
fingerprint unchanged) with exactly the approval asked for. The file is then replaced atomically
(careprint.write.write_atomic), and only if it still holds the bytes that were edited. This is the only code that
sets an approval; careprint never invents one.
"""

from __future__ import annotations

import datetime
import json
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import approval
from .checks import content_gate
from .files import read_file
from .fonts import families_shown, missing_characters
from .library import Library
from .load import MAX_FILE_BYTES, _compose
from .model import Handout, Review
from .problems import CareprintError, ContentError, Problem, UsageError, plural

ORDER = ("status", "approved_by", "approved_on", "fingerprint", "next_review")  # where a missing key goes
MAX_NAME = 120  # model.ShortText


@dataclass(frozen=True)
class Approval:
    handout_id: str
    by: str
    on: datetime.date
    next_review: datetime.date | None = None  # None: keep the handout's own
    language: str | None = None  # a translation's: its translator's check, recorded in the translation's file


@dataclass
class Approved:
    request: Approval
    file: str  # as shown to the user
    version: str
    fingerprint: str
    next_review: datetime.date
    warnings: list[Problem]

    def lines(self) -> list[str]:
        """What `approve` says when it has recorded the approval."""
        request = self.request
        return [f"approved {request.handout_id} (version {self.version}) by {request.by} on {request.on}, next "
                f"review {self.next_review}: recorded in {self.file} with its fingerprint {self.fingerprint[:19]}...",
                "A change to its text, to a shared warning-sign list or source entry it prints, or to a picture it "
                "shows, now makes it 'changed since approval': check says so, --release refuses it, its pages say "
                "so."]


class Refused(CareprintError):
    """The approval was not recorded: the problems say why, and the file was not changed."""


def check_request(request: Approval, today: datetime.date, language: str = "en") -> None:
    """The approver's name is one printable line the font has; the date is not in the future."""
    by = request.by
    if not by.strip():
        raise UsageError("--by is empty; give the approver's name as it should be printed, e.g. --by \"Dr. A. Chen\"")
    if by != by.strip() or "  " in by:
        raise UsageError("--by has spaces at its ends or two spaces in a row; give the name as it should be printed")
    if len(by) > MAX_NAME:
        raise UsageError(f"--by is longer than {MAX_NAME} characters; give the approver's name alone")
    if any(not ch.isprintable() for ch in by):
        raise UsageError("--by contains a line break or a control character; type the name on one line")
    missing = missing_characters(by, language)
    if missing:
        raise UsageError(f"--by has characters the font {families_shown(language)} cannot print "
                         f"({''.join(missing)}); the name is printed on the handout, so type it with letters the "
                         "font has")
    if request.on > today:
        raise UsageError(f"--on {request.on} is in the future (today is {today}); give the date the handout was "
                         "approved")
    if request.next_review is not None and request.next_review <= request.on:
        raise UsageError(f"--next-review {request.next_review} is not after the approval date {request.on}; give the "
                         "date of the next review")


def approve(library: Library, request: Approval, today: datetime.date) -> Approved:
    """Record the approval in the handout's file, or raise Refused (or UsageError) and change nothing."""
    item = library.item(request.handout_id, request.language) if request.handout_id in library.by_id else None
    check_request(request, today, item.handout.language if item else "en")  # the name prints in its language
    item = library.item(request.handout_id, request.language)
    translation = getattr(item, "translation", None)
    # The old review record is being replaced, so its own findings (an old date, a changed text) do not count.
    found = [p for p in content_gate(library, [request.handout_id], today)
             if p.file == item.shown or not translation]
    found = [p for p in found if not (p.file == item.shown and p.key.startswith("review"))]
    errors = [p for p in found if p.severity == "error"]
    if errors:
        raise Refused(errors + [Problem(item.shown, None, "", (
            f"not approved: {request.handout_id} has {plural(len(errors), 'content error', 'content errors')} "
            "(above); fix them, run check, then approve it again; the file was not changed"))])
    review_of = translation.translation if translation else item.handout
    next_review = request.next_review or review_of.review.next_review
    if next_review <= request.on:
        raise Refused([Problem(item.shown, item.line_of("review", "next_review"), "review.next_review",
                               f"not approved: next_review {next_review} is not after the approval date {request.on}",
                               "give the date of the next review with --next-review YYYY-MM-DD")])
    printed = review_of._printed_fingerprint
    path = Path(os.path.realpath(item.path))  # a handout reached through a link: the file itself is edited
    raw = read_file(path, MAX_FILE_BYTES)
    values = {"status": "approved", "approved_by": json.dumps(request.by, ensure_ascii=False),
              "approved_on": request.on.isoformat(), "fingerprint": json.dumps(printed)}
    if request.next_review:
        values["next_review"] = request.next_review.isoformat()
    edited = _encode(set_review(_decode(raw), values), raw)
    expected = Review(status="approved", approved_by=request.by, approved_on=request.on, fingerprint=printed,
                      next_review=next_review)
    if translation:
        _read_back_translation(edited, item.shown, translation.translation, expected)
    else:
        _read_back(edited, item.shown, library, item.handout, expected)
    if read_file(path, MAX_FILE_BYTES) != raw:
        raise Refused(f"{item.shown} changed while it was being approved; nothing was written: run approve again")
    from .write import write_atomic

    write_atomic(path, edited)
    return Approved(request, item.shown, item.handout.version, printed, next_review, found)


def _read_back_translation(edited: bytes, shown: str, loaded, expected: Review) -> None:
    """The edited translation holds the same pairs as the one loaded, with exactly the approval asked for."""
    from .translation import Translation, translation_fingerprint

    try:
        translation = Translation.model_validate(_compose(_decode(edited), shown).data)
    except (ContentError, ValueError) as error:
        raise CareprintError(f"careprint could not write the approval into {shown} safely ({error}); the file was "
                             "not changed: write the review: block by hand, or report this") from None
    if translation_fingerprint(translation) != loaded._printed_fingerprint:
        raise Refused(f"{shown} changed while it was being approved; nothing was written: run approve again")
    if translation.review != expected:
        raise CareprintError(f"careprint could not write the approval into {shown} safely; the file was not "
                             "changed: write the review: block by hand, or report this")


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8").removeprefix("\ufeff")


def _encode(text: str, raw: bytes) -> bytes:
    return ("\ufeff" if raw.startswith("\ufeff".encode()) else "").encode() + text.encode("utf-8")


def _read_back(edited: bytes, shown: str, library: Library, loaded: Handout, expected: Review) -> None:
    """The edited file holds the same content as the one loaded, with exactly the approval asked for."""
    try:
        handout = Handout.model_validate(_compose(_decode(edited), shown).data)
    except (ContentError, ValueError) as error:
        raise CareprintError(f"careprint could not write the approval into {shown} safely ({error}); the file was "
                             "not changed: write the review: block by hand, or report this") from None
    measured = approval.fingerprint(handout, approval.lists_in(loaded), library.sources, library.project.root)
    if measured != loaded._printed_fingerprint:
        raise Refused(f"{shown} changed while it was being approved; nothing was written: run approve again")
    if handout.review != expected:
        raise CareprintError(f"careprint could not write the approval into {shown} safely (it read back "
                             f"{handout.review!r}); the file was not changed: write the review: block by hand, or "
                             "report this")


# ---------------------------------------------------------------------------------------------------------------
# The text edit


def _review_node(text: str) -> yaml.MappingNode:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    review = next((value for key, value in root.value if key.value == "review"), None)
    if not isinstance(review, yaml.MappingNode):
        raise CareprintError("the handout has no review: block to record the approval in")
    return review


def set_review(text: str, values: dict[str, str]) -> str:
    """`text` with each key of `values` set in its review: block (each value already written as YAML), and every
    other character kept."""
    newline = "\r\n" if "\r\n" in text else "\n"
    for key in ORDER:
        if key in values:
            text = _set_one(text, key, values[key], newline)
    return text


def _set_one(text: str, key: str, value: str, newline: str) -> str:
    review = _review_node(text)
    pairs = {k.value: (k, v) for k, v in review.value}
    if key in pairs:  # replace the value where it is (an empty value, `key:`, gets a space before it)
        node = pairs[key][1]
        start, end = node.start_mark.index, node.end_mark.index
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            return _replace_block_scalar(text, node, value, newline)
        lead = " " if start > 0 and text[start - 1] == ":" else ""
        return text[:start] + lead + value + text[end:]
    before = next(k for k in reversed(ORDER[:ORDER.index(key)]) if k in pairs)
    anchor = pairs[before][1]
    if review.flow_style:  # review: {status: approved, ...}: right after the value before it
        at = anchor.end_mark.index
        return text[:at] + f", {key}: {value}" + text[at:]
    indent = " " * pairs[before][0].start_mark.column
    at = anchor.end_mark.index if anchor.end_mark.column == 0 else _line_end(text, anchor.end_mark.index)
    if at == len(text) and not text.endswith(("\n", "\r")):
        return text + newline + f"{indent}{key}: {value}" + newline
    return text[:at] + f"{indent}{key}: {value}" + newline + text[at:]


def _line_end(text: str, index: int) -> int:
    """The index just after the line break that ends the line holding `index` (or the end of the text)."""
    found = text.find("\n", index)
    return len(text) if found < 0 else found + 1


def _replace_block_scalar(text: str, node: yaml.ScalarNode, value: str, newline: str) -> str:
    """A value written as a block scalar (`key: |` and the lines under it) becomes one plain line."""
    start = node.start_mark.index
    end = node.end_mark.index if node.end_mark.column == 0 else _line_end(text, node.end_mark.index)
    return text[:start] + value + newline + text[end:]
