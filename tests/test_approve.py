"""Approvals bound to the text (careprint.approval, careprint.approve): `approve` records who approved which text,
any later change to that text is said (check, the printed page) and refused by --release, and drafts are visible in
packets and cards. Every test works on its own project made from the frozen fixture content, never on the
repository's handouts/.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest

from careprint import approval
from careprint.approve import set_review
from careprint.cli import main
from careprint.library import load_library
from careprint.problems import ContentError
from careprint.project import Project

from .conftest import inside, make_project

TODAY = "2026-11-24"
APPROVED_LINE = "Approved for patient use by Dr. Ana Chen on 2026-11-03."
SENTENCE = "It is easier to treat when it is found early."


@pytest.fixture
def project(tmp_path) -> Iterator[Path]:
    """A private project; commands run in this process (`main([...])`) read it, as a clinic's do in its folder."""
    with inside(make_project(tmp_path / "project")) as root:
        yield root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def approve(capsys, handout: str = "hypercalcemia", *more: str) -> tuple[int, str, str]:
    return run(capsys, "approve", handout, "--by", "Dr. Ana Chen", "--on", "2026-11-03", "--today", TODAY, *more)


def state(root: Path, handout: str) -> str:
    return approval.state_of(load_library(Project(root=root)).by_id[handout].handout)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def pages_of(pdf: Path) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf.read_bytes())) as document:
        return [" ".join((page.extract_text() or "").split()) for page in document.pages]


def footer_lines(pdf: Path) -> list[int]:
    """How many lines the footer (the page's artifacts) takes on each page."""
    with pdfplumber.open(io.BytesIO(pdf.read_bytes())) as document:
        return [len({round(c["top"]) for c in page.chars if c.get("tag") == "Artifact" and c["text"].strip()})
                for page in document.pages]


# ---------------------------------------------------------------------------------------------------------------
# approve: what it writes, and what it refuses


def test_approve_records_who_approved_which_text_and_keeps_the_rest_of_the_file(project, capsys):
    path = project / "handouts" / "hypercalcemia.yaml"
    edit(path, "  status: draft\n", "  status: draft  # set by careprint approve\n")
    before = path.read_text(encoding="utf-8")
    status, out, err = approve(capsys)
    assert status == 0, err
    assert out.startswith("approved hypercalcemia (version 1.1) by Dr. Ana Chen on 2026-11-03, next review "
                          "2027-05-24: recorded in handouts/hypercalcemia.yaml")
    after = path.read_text(encoding="utf-8")
    item = load_library(Project(root=project)).by_id["hypercalcemia"]
    fingerprint = item.handout._printed_fingerprint
    assert fingerprint.startswith("sha256:") and len(fingerprint) == 71
    review = ("review:\n  status: approved  # set by careprint approve\n  approved_by: \"Dr. Ana Chen\"\n"
              f"  approved_on: 2026-11-03\n  fingerprint: \"{fingerprint}\"\n  next_review: 2027-05-24\n")
    assert review in after
    old_review = ("review:\n  status: draft  # set by careprint approve\n  approved_by: null\n  approved_on: null\n"
                  "  next_review: 2027-05-24\n")
    assert after.replace(review, old_review) == before  # nothing else moved: comments, quoting, line breaks
    assert item.handout.review.fingerprint == fingerprint
    assert approval.state_of(item.handout) == approval.APPROVED


def test_approve_refuses_a_handout_with_content_errors_and_changes_nothing(project, capsys):
    path = project / "handouts" / "hypercalcemia.yaml"
    long = "This sentence has far too many words in it for a reader who is tired and frightened and very ill today."
    edit(path, SENTENCE, long)
    before = path.read_bytes()
    status, out, err = approve(capsys)
    assert status == 1 and out == ""
    assert "sentence has 21 words (limit 20)" in err
    assert ("handouts/hypercalcemia.yaml: not approved: hypercalcemia has 1 content error (above); fix them, run "
            "check, then approve it again; the file was not changed") in err.splitlines()
    assert path.read_bytes() == before


@pytest.mark.parametrize("options,message", [
    (["--by", "Dr. Ana Chen", "--on", "2026-11-25"], "--on 2026-11-25 is in the future (today is 2026-11-24)"),
    (["--by", " ", "--on", "2026-11-03"], "--by is empty"),
    (["--by", "Dr. Ana\nChen", "--on", "2026-11-03"], "--by contains a line break"),
    (["--by", "Dr. Ana Chen", "--on", "2026-11-03", "--next-review", "2026-11-01"],
     "--next-review 2026-11-01 is not after the approval date 2026-11-03"),
    (["--by", "Dr. Ana Chen", "--on", "3/11/2026"], "'3/11/2026' is not a date; write YYYY-MM-DD"),
])
def test_approve_refuses_a_future_date_and_a_name_it_cannot_print(project, capsys, options, message):
    path = project / "handouts" / "hypercalcemia.yaml"
    before = path.read_bytes()
    status, _, err = run(capsys, "approve", "hypercalcemia", *options, "--today", TODAY)
    assert status == 2 and message in err
    assert path.read_bytes() == before


def test_approve_can_set_the_next_review_and_approve_again_after_a_change(project, capsys):
    assert approve(capsys)[0] == 0
    path = project / "handouts" / "hypercalcemia.yaml"
    edit(path, SENTENCE, "It is easier to treat when it is found early on.")
    assert state(project, "hypercalcemia") == approval.CHANGED
    status, _, err = run(capsys, "approve", "hypercalcemia", "--by", "Dr. Bo Lee", "--on", "2026-11-20",
                         "--next-review", "2027-11-20", "--today", TODAY)
    assert status == 0, err
    assert "review.fingerprint" not in err  # the old approval's findings are not the new one's
    review = load_library(Project(root=project)).by_id["hypercalcemia"].handout.review
    assert (review.approved_by, review.approved_on, review.next_review) == (
        "Dr. Bo Lee", datetime.date(2026, 11, 20), datetime.date(2027, 11, 20))
    assert state(project, "hypercalcemia") == approval.APPROVED


# ---------------------------------------------------------------------------------------------------------------
# What counts as the text


def test_the_text_includes_shared_lists_sources_and_pictures_but_not_the_yaml_layout(project, capsys):
    assert approve(capsys, "hypercalcemia")[0] == 0
    assert approve(capsys, "spinal-cord-compression")[0] == 0
    handouts, reference = project / "handouts", project / "reference"

    def states() -> tuple[str, str]:
        return state(project, "hypercalcemia"), state(project, "spinal-cord-compression")

    # Layout, comments and quoting are not the text.
    edit(handouts / "hypercalcemia.yaml", "title: High calcium in the blood\n",
         "# reviewed in committee\ntitle: \"High calcium in the blood\"   # the title\n")
    edit(reference / "sources.yaml", "    retrieved: null\n", "    retrieved: 2026-11-20\n")  # bookkeeping only
    assert states() == ("approved", "approved")
    # A shared list changes what the patient reads of every handout that prints it, and of no other.
    edit(reference / "warning-signs.yaml", '      - "Feeling very thirsty"', '      - "Feeling very, very thirsty"')
    assert states() == ("changed", "approved")
    # A source's printed title, and a picture's bytes under the same name.
    edit(reference / "sources.yaml", "title: Spinal cord compression", "title: Pressure on the spinal cord")
    assert state(project, "spinal-cord-compression") == "changed"
    assert approve(capsys, "spinal-cord-compression")[0] == 0
    picture = project / "images" / "spine.svg"
    picture.write_text(picture.read_text(encoding="utf-8").replace("</svg>", "<!-- redrawn --></svg>"),
                       encoding="utf-8")
    assert state(project, "spinal-cord-compression") == "changed"


def test_an_approval_typed_by_hand_is_not_confirmed(project, capsys):
    edit(project / "handouts" / "hypercalcemia.yaml", "  approved_by: null\n  approved_on: null\n",
         "  approved_by: Dr. Ana Chen\n  approved_on: 2026-11-03\n")
    edit(project / "handouts" / "hypercalcemia.yaml", "  status: draft\n", "  status: approved\n")
    assert state(project, "hypercalcemia") == approval.UNCONFIRMED
    status, _, err = run(capsys, "check", "--today", TODAY)
    assert status == 0
    assert ("handouts/hypercalcemia.yaml:12: review.status: warning: the approval does not record which text was "
            "approved (it has no fingerprint), so careprint cannot confirm this is the approved text; what is printed "
            "says so (have Dr. Ana Chen confirm this text, then record it: careprint approve hypercalcemia --by "
            "\"Dr. Ana Chen\" --on YYYY-MM-DD)") in err.splitlines()
    status, _, err = run(capsys, "check", "--today", TODAY, "--release")
    assert status == 1 and "cannot confirm this is the approved text; --release builds only approved text" in err


def test_a_draft_cannot_carry_a_fingerprint(project):
    edit(project / "handouts" / "hypercalcemia.yaml", "  approved_on: null\n",
         "  approved_on: null\n  fingerprint: \"sha256:" + "0" * 64 + "\"\n")
    with pytest.raises(ContentError) as caught:
        load_library(Project(root=project))
    assert "a draft cannot name an approver, an approval date or a fingerprint" in str(caught.value)


# ---------------------------------------------------------------------------------------------------------------
# The printed page: approved, then one sentence changed


def test_approved_then_changed_pages_say_so_and_release_refuses(project, capsys, tmp_path):
    assert approve(capsys)[0] == 0
    out = tmp_path / "out"
    status, _, err = run(capsys, "build", "--handout", "hypercalcemia", "--out", str(out), "--today", TODAY,
                         "--release")
    assert status == 0, err
    for edition in ("plain-language", "large-print"):
        pages = pages_of(out / edition / "hypercalcemia.pdf")
        assert "Version 1.1. Reviewed 2026-11, next review 2027-05." in pages[0]
        assert all("Version 1.1, reviewed 2026-11" in page for page in pages)  # the footer
        assert sum(APPROVED_LINE in page for page in pages) == 1  # small, by the sources
        assert not any("approved text" in page for page in pages)
    assert max(footer_lines(out / "large-print" / "hypercalcemia.pdf")) <= 2
    manifest = json.loads((out / "manifest.json").read_text())
    assert {entry["review_status"] for entry in manifest["pdfs"]} == {"approved"}

    # One sentence changes: check warns, --release refuses and keeps the approved PDFs, a build says so on the page.
    edit(project / "handouts" / "hypercalcemia.yaml", SENTENCE, "It is easier to treat when it is found early on.")
    status, _, err = run(capsys, "check", "--today", TODAY)
    assert status == 0
    assert ("handouts/hypercalcemia.yaml:15: review.fingerprint: warning: the text has changed since Dr. Ana Chen "
            "approved it on 2026-11-03, so it is not the approved text; what is printed says so (have the changed "
            "text reviewed, then record the new approval: careprint approve hypercalcemia --by \"NAME\" --on "
            "YYYY-MM-DD)") in err.splitlines()
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    status, _, err = run(capsys, "build", "--handout", "hypercalcemia", "--out", str(out), "--today", TODAY,
                         "--release")
    assert status == 1 and "so it is not the approved text; --release builds only approved text" in err
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before
    status, _, err = run(capsys, "build", "--handout", "hypercalcemia", "--out", str(out), "--today", TODAY)
    assert status == 0, err
    for edition in ("plain-language", "large-print"):
        pages = pages_of(out / edition / "hypercalcemia.pdf")
        assert "Version 1.1. Changed since approval: not the approved text." in pages[0]
        assert all("Version 1.1: not the approved text" in page for page in pages)
        text = " ".join(pages)
        assert ("An earlier text was approved by Dr. Ana Chen on 2026-11-03. This text has changed since then."
                in text)
        assert APPROVED_LINE not in text and "reviewed 2026-11" not in text
    assert max(footer_lines(out / "large-print" / "hypercalcemia.pdf")) <= 2
    manifest = json.loads((out / "manifest.json").read_text())
    assert {entry["review_status"] for entry in manifest["pdfs"]} == {"changed"}


# ---------------------------------------------------------------------------------------------------------------
# Drafts in packets and cards; the list


def test_a_packet_of_a_draft_warns_and_its_cover_says_so(project, capsys, tmp_path):
    assert approve(capsys)[0] == 0
    packet = tmp_path / "packet.pdf"
    status, out, err = run(capsys, "packet", "hypercalcemia", "spinal-cord-compression", "--edition",
                           "plain-language", "--out", str(packet), "--today", TODAY)
    assert status == 0, err
    drafts = [line for line in err.splitlines() if "is a draft" in line]
    assert drafts == ["handouts/spinal-cord-compression.yaml:12: review.status: warning: the handout is a draft, not "
                      "yet approved for patient use; what is printed says so (have it reviewed, then record the "
                      "approval: careprint approve spinal-cord-compression --by \"NAME\" --on YYYY-MM-DD)"]
    cover = " ".join(pages_of(packet)[:2])  # the list of contents may go on over the page
    draft_at = cover.index("Cancer pressing on the spinal cord")
    assert cover.index("Draft: not yet approved for patient use.", draft_at) > draft_at
    assert cover.count("Draft: not yet approved for patient use.") == 1  # not under the approved handout
    status, _, err = run(capsys, "packet", "spinal-cord-compression", "--out", str(tmp_path / "again.pdf"),
                         "--today", TODAY, "--release")
    assert status == 1 and "the handout is a draft; --release builds only approved handouts" in err
    assert not (tmp_path / "again.pdf").exists()


def test_a_card_of_a_draft_warns_and_release_refuses_it(project, capsys, tmp_path):
    status, _, err = run(capsys, "card", "spinal-cord-compression", "--out", str(tmp_path / "out"), "--today", TODAY,
                         "--release")
    assert status == 1 and "the handout is a draft; --release builds only approved handouts" in err
    assert not (tmp_path / "out" / "card").exists()
    status, _, err = run(capsys, "card", "spinal-cord-compression", "--out", str(tmp_path / "out"), "--today", TODAY)
    assert status == 0, err
    assert [line for line in err.splitlines() if "is a draft" in line] == [
        "handouts/spinal-cord-compression.yaml:12: review.status: warning: the handout is a draft, not yet approved "
        "for patient use; what is printed says so (have it reviewed, then record the approval: careprint approve "
        "spinal-cord-compression --by \"NAME\" --on YYYY-MM-DD)"]
    assert "Draft, not yet approved for patient use." in pages_of(tmp_path / "out" / "card" /
                                                                  "spinal-cord-compression.pdf")[0]


def test_list_shows_every_handout_and_its_state(project, capsys):
    assert approve(capsys, "hypercalcemia")[0] == 0
    assert approve(capsys, "spinal-cord-compression")[0] == 0
    edit(project / "handouts" / "spinal-cord-compression.yaml", "Warning signs and what to do right away",
         "Warning signs and what to do now")
    status, out, _ = run(capsys, "list", "--today", "2027-06-01")
    assert status == 0
    assert out.splitlines() == [
        "id                       title                               version  status                  next review",
        "-----------------------  ----------------------------------  -------  ----------------------  "
        "--------------------",
        "bone-metastases          When cancer spreads to the bones    1.1      draft                   "
        "2027-05-24 (overdue)",
        "hypercalcemia            High calcium in the blood           1.1      approved                "
        "2027-05-24 (overdue)",
        "spinal-cord-compression  Cancer pressing on the spinal cord  1.1      changed since approval  "
        "2027-05-24 (overdue)",
    ]
    status, out, _ = run(capsys, "list", "--format", "json", "--today", TODAY)
    rows = json.loads(out)
    assert [(row["id"], row["status"], row["approved_by"], row["review_overdue"]) for row in rows] == [
        ("bone-metastases", "draft", None, False), ("hypercalcemia", "approved", "Dr. Ana Chen", False),
        ("spinal-cord-compression", "changed", "Dr. Ana Chen", False)]
    assert rows[1] == {"id": "hypercalcemia", "title": "High calcium in the blood", "version": "1.1",
                       "status": "approved", "status_words": "approved", "approved_by": "Dr. Ana Chen",
                       "approved_on": "2026-11-03", "next_review": "2027-05-24", "review_overdue": False,
                       "file": "handouts/hypercalcemia.yaml"}


# ---------------------------------------------------------------------------------------------------------------
# The text edit itself

VALUES = {"status": "approved", "approved_by": '"Dr. X"', "approved_on": "2026-11-03", "fingerprint": '"sha256:ab"'}


@pytest.mark.parametrize("before,after", [
    ("id: x\nreview: {status: draft, next_review: 2027-01-01}  # flow\nkey: 1\n",
     'id: x\nreview: {status: approved, approved_by: "Dr. X", approved_on: 2026-11-03, fingerprint: "sha256:ab", '
     "next_review: 2027-01-01}  # flow\nkey: 1\n"),
    ("id: x\r\nreview:\r\n    status: draft\r\n    approved_by:\r\n    approved_on: ~\r\n    next_review: 2027-01-01"
     "\r\nkey: 1\r\n",
     'id: x\r\nreview:\r\n    status: approved\r\n    approved_by: "Dr. X"\r\n    approved_on: 2026-11-03\r\n'
     '    fingerprint: "sha256:ab"\r\n    next_review: 2027-01-01\r\nkey: 1\r\n'),
    ("review:\n  next_review: 2027-01-01\n  status: approved\n  approved_by: |\n    Old Name\n  approved_on: 2025-01-01"
     "\n  # the end\n",
     'review:\n  next_review: 2027-01-01\n  status: approved\n  approved_by: "Dr. X"\n  approved_on: 2026-11-03\n'
     '  fingerprint: "sha256:ab"\n  # the end\n'),
    ("review:\n  status: draft\n  next_review: 2027-01-01",
     'review:\n  status: approved\n  approved_by: "Dr. X"\n  approved_on: 2026-11-03\n  fingerprint: "sha256:ab"\n'
     "  next_review: 2027-01-01"),
], ids=["flow style", "CRLF and empty values", "block scalar and another order", "no line break at the end"])
def test_the_review_block_is_edited_in_place(before, after):
    assert set_review(before, VALUES) == after
