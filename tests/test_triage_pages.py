"""What a frightened reader holds: every warning sign with what to do beside it, on every page.

The PDFs are read back with pdfplumber (an independent reader; careprint itself reads with PDFium), page by page:
a page that shows a sign must show its level's label and action above it; page 1 must say what to do in an
emergency and give a number or a line to write one on. Deliberately broken templates prove that the build's own
check refuses such a PDF and keeps the previous one.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

from careprint.library import load_library
from careprint.locale import load_locale
from careprint.model import SignGroup, TriageLevel
from careprint.problems import ContentError
from careprint.project import Project
from careprint.qr import online_link
from careprint.triage_pages import check_first_page, check_triage_pages

from .conftest import EDITION_NAMES, FIXTURE, HANDOUT_IDS, pdf_bytes, write

TRIAGE_LEVELS = {name: about.model_dump() for name, about in load_locale("en").triage.items()}

CASES = [(edition, handout) for edition in EDITION_NAMES for handout in HANDOUT_IDS]
BULLET = "\u2022"


def squeeze(text: str) -> str:
    return "".join(text.split())


def content_pages(data: bytes) -> list[str]:
    """Each page's text without page furniture (footers are artifacts), as pdfplumber extracts it."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [(p.filter(lambda o: o.get("object_type") != "char" or o.get("tag") != "Artifact")
                 .extract_text() or "") for p in pdf.pages]


def unanswered_signs(pages: list[str], levels: list[TriageLevel]) -> list[tuple[int, str]]:
    """(page, sign) for every sign shown as a list item with no label and action of its level above it."""
    found = []
    for number, text in enumerate(pages, start=1):
        page = squeeze(text)
        for level in levels:
            label, action = squeeze(TRIAGE_LEVELS[level.name]["label"]), squeeze(TRIAGE_LEVELS[level.name]["action"])
            for sign in level.signs:
                item = BULLET + squeeze(sign)
                at = page.find(item)
                while at >= 0 and page[at + len(item): at + len(item) + 1] in list(",;:abcdefghijklmnopqrstuvwxyz"):
                    at = page.find(item, at + 1)  # named in passing, inside a longer bullet: not the sign
                if at < 0:
                    continue
                label_at = page.rfind(label, 0, at)
                if label_at < 0 or page.find(action, label_at, at) < 0:
                    found.append((number, sign))
    return found


def levels_of(handout_id: str, project: Project | None = None) -> list[TriageLevel]:
    return load_library(project or Project(root=FIXTURE)).by_id[handout_id].handout.triage_levels()


# --- every PDF of the fixture's handouts, read back independently ---------------------------------------------------------------

@pytest.mark.parametrize("edition,handout", CASES)
def test_no_page_shows_a_sign_without_its_label_and_action(built, edition, handout):
    pages = content_pages(pdf_bytes(built, edition, handout))
    levels = levels_of(handout)
    assert levels and all(level.signs for level in levels)
    shown = [sign for level in levels for sign in level.signs
             if any(BULLET + squeeze(sign) in squeeze(page) for page in pages)]
    assert len(shown) == sum(len(level.signs) for level in levels)  # every sign is printed as a list item
    assert unanswered_signs(pages, levels) == []


@pytest.mark.parametrize("edition,handout", CASES)
def test_page_one_says_what_to_do_in_an_emergency_and_how_to_call(built, edition, handout):
    first = squeeze(content_pages(pdf_bytes(built, edition, handout))[0])
    emergency = TRIAGE_LEVELS["emergency"]
    for words in (emergency["label"], emergency["now"], emergency["action"], emergency["fallback"]):
        assert squeeze(words) in first, words
    summaries = load_library(Project(root=FIXTURE)).by_id[handout].handout.emergency_summaries()
    assert summaries and squeeze(summaries[0]) in first  # which signs, for this handout's topic
    assert squeeze("Daytime: Phone:") in first and squeeze("After hours: Phone:") in first
    assert check_first_page(first, []) == []


@pytest.mark.parametrize("edition,handout", CASES)
def test_page_one_names_the_page_the_warning_signs_start_on(built, edition, handout):
    pages = content_pages(pdf_bytes(built, edition, handout))
    label = squeeze(TRIAGE_LEVELS[levels_of(handout)[0].name]["label"])
    text = " ".join(" ".join(pages[:2]).split())  # in the page-1 box, whose last line may go on over the page
    number = int(text.split("The warning signs start on page ")[1].split(".")[0])
    assert label in squeeze(pages[number - 1])  # the first box starts there, not just its section heading
    assert all(label not in squeeze(page) for page in pages[1:number - 1])


@pytest.mark.parametrize("edition,handout", CASES)
def test_every_urgent_group_of_signs_says_why_acting_fast_matters(built, edition, handout):
    text = squeeze(" ".join(content_pages(pdf_bytes(built, edition, handout))))
    whys = [why for level in levels_of(handout) if level.name != "next_visit" for why in level.why]
    assert whys
    for why in whys:
        assert squeeze("Why act fast: " + why) in text


def test_a_list_shared_by_two_handouts_prints_the_same_signs_in_both(built):
    calcium = {level.name: level.signs for level in levels_of("hypercalcemia")}
    bone = {level.name: level.signs for level in levels_of("bone-metastases")}
    for name, signs in calcium.items():
        assert set(signs) <= set(bone[name])  # the same signs, at the same level
    text = squeeze(" ".join(content_pages(pdf_bytes(built, "plain-language", "bone-metastases"))))
    assert all(squeeze(sign) in text for signs in calcium.values() for sign in signs)


# --- a level too long for one page ----------------------------------------------------------------------------

LONG = """id: long-list
title: Many warning signs
language: en
audience: Test readers
version: "1.0"
sources: [nice-ng234]
review: {status: draft, approved_by: null, approved_on: null, next_review: 2099-01-01}
key_messages: ["Know the warning signs on this sheet."]
sections:
  - heading: "When should I get help?"
    blocks:
      - triage:
          emergency:
%s
          call_today:
            - "A test sign for the next level"
"""


def long_handout(folder: Path, count: int = 28) -> Path:
    signs = "\n".join(f'            - "Warning sign number {n} for this test"' for n in range(1, count + 1))
    return write(folder / "long-list.yaml", LONG % signs)


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(project / "make_pdfs.py"), *args], cwd=project, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_level_longer_than_a_page_repeats_its_label_and_action_where_it_continues(tmp_path, paper):
    from careprint.cli import main

    handouts = tmp_path / "handouts"
    long_handout(handouts)
    out = tmp_path / "out"
    assert main(["--handouts", str(handouts), "--out", str(out), "--edition", "large-print", "--paper", paper]) == 0
    pages = content_pages((out / "large-print" / "long-list.pdf").read_bytes())
    with_signs = [n for n, page in enumerate(pages, start=1) if "Warning sign number" in page]
    assert len(with_signs) >= 2  # the level runs over pages...
    label = TRIAGE_LEVELS["emergency"]["label"]
    for number in with_signs[1:]:  # ...and each later page starts again with the label, continued, and the action
        text = " ".join(pages[number - 1].split())
        assert f"{label} (continued)" in text
        assert TRIAGE_LEVELS["emergency"]["action"] in text
    levels = levels_of("long-list", Project(root=FIXTURE, handouts_dir=handouts))
    assert unanswered_signs(pages, levels) == []
    printed = squeeze(" ".join(pages))
    assert all(printed.count(BULLET + squeeze(sign)) == 1 for sign in levels[0].signs)  # each sign once


def test_a_box_split_without_its_label_fails_the_build_and_keeps_the_previous_pdf(project_copy, tmp_path):
    handouts = tmp_path / "handouts"
    long_handout(handouts)
    out = tmp_path / "out"
    good = run_build(project_copy, "--handouts", str(handouts), "--out", str(out), "--edition", "large-print")
    assert good.returncode == 0, good.stderr
    before = (out / "large-print" / "long-list.pdf").read_bytes()
    # Break the template: a continued part no longer repeats the label and action.
    template = project_copy / "templates" / "blocks" / "triage.html.j2"
    text = template.read_text()
    text = text.replace("<span>{{ about.label }}", "<span>{% if not part.continued %}{{ about.label }}{% endif %}")
    text = text.replace("{{ level_action(level.name, about, clinic) }}",
                        "{% if not part.continued %}{{ level_action(level.name, about, clinic) }}{% endif %}")
    template.write_text(text)
    broken = run_build(project_copy, "--handouts", str(handouts), "--out", str(out), "--edition", "large-print")
    assert broken.returncode == 1
    assert ('the warning sign "Warning sign number' in broken.stderr
            and 'is on this page without "Emergency: get help now"' in broken.stderr), broken.stderr
    assert "Traceback" not in broken.stderr
    assert (out / "large-print" / "long-list.pdf").read_bytes() == before


def test_page_one_without_the_emergency_box_fails_the_build(project_copy, tmp_path):
    write(project_copy / "templates" / "sections" / "get_help.html.j2", "")
    result = run_build(project_copy, "--out", str(tmp_path / "out"), "--handout", "hypercalcemia",
                       "--edition", "plain-language")
    assert result.returncode == 1
    assert "page 1: it does not say what to do in an emergency" in result.stderr
    assert not (tmp_path / "out" / "plain-language" / "hypercalcemia.pdf").exists()


# --- the check itself -------------------------------------------------------------------------------------------

LEVEL = TriageLevel("call_today", (SignGroup(None, ("Feeling very thirsty", "Peeing a lot")),))
LABEL, ACTION = TRIAGE_LEVELS["call_today"]["label"], TRIAGE_LEVELS["call_today"]["action"]


def test_the_check_accepts_label_then_action_then_signs():
    page = f"{LABEL} {ACTION} Daytime: Phone: \u2022 Feeling very thirsty \u2022 Peeing a lot"
    assert check_triage_pages([page], [LEVEL]) == []


def test_the_check_refuses_a_sign_with_no_label_or_action_on_its_page():
    pages = [f"{LABEL} {ACTION} \u2022 Feeling very thirsty", "\u2022 Peeing a lot"]
    problems = check_triage_pages(pages, [LEVEL])
    assert len(problems) == 1 and str(problems[0]).startswith('page 2: the warning sign "Peeing a lot" is on this page '
                                                          f'without "{LABEL}" and "{ACTION}" above it')


def test_the_check_wants_the_action_before_the_signs():
    assert check_triage_pages([f"{LABEL} \u2022 Feeling very thirsty {ACTION}"], [LEVEL]) != []


def test_a_sign_named_in_passing_is_not_taken_for_the_sign():
    page = "\u2022 Feeling very thirsty, peeing a lot or feeling sick: call your care team."  # a key message
    assert check_triage_pages([page], [LEVEL]) == []


def test_page_one_needs_the_emergency_action_and_a_number_or_a_line():
    emergency = TRIAGE_LEVELS["emergency"]
    good = f"{emergency['action']} Phone: {emergency['fallback']}"
    assert check_first_page(good, []) == []
    assert check_first_page(f"{emergency['action']} 555-0100 {emergency['fallback']}", ["555-0100"]) == []
    assert [(p.page, p.message.split(" ")[1]) for p in check_first_page(emergency["action"], [])] == [
        (1, "does"), (1, "has")]


# --- shared sign lists ------------------------------------------------------------------------------------------

def project_with(tmp_path: Path, triage: str) -> Project:
    handouts = tmp_path / "handouts"
    text = LONG.replace("      - triage:\n          emergency:\n%s\n          call_today:\n"
                        "            - \"A test sign for the next level\"\n", triage)
    write(handouts / "long-list.yaml", text)
    return Project(root=FIXTURE, handouts_dir=handouts)


def test_an_include_of_a_list_that_does_not_exist_is_an_error_with_file_and_line(tmp_path):
    project = project_with(tmp_path, "      - triage:\n          emergency:\n            - include: high-calcium-emergncy\n")
    with pytest.raises(ContentError) as caught:
        load_library(project)
    assert [str(p).split("handouts/", 1)[1] for p in caught.value.problems] == [
        "long-list.yaml:14: sections[0].blocks[0].triage.emergency[0]: there is no shared sign list "
        "'high-calcium-emergncy' in reference/warning-signs.yaml (did you mean 'high-calcium-emergency'?)"]


def test_a_shared_list_under_another_level_is_an_error(tmp_path):
    project = project_with(tmp_path, "      - triage:\n          next_visit:\n            - include: spinal-cord-compression\n")
    with pytest.raises(ContentError) as caught:
        load_library(project)
    assert "the sign list 'spinal-cord-compression' belongs under emergency, not next_visit" in str(caught.value)


# --- large print: footers, web addresses, the last page --------------------------------------------------------

@pytest.mark.parametrize("handout", HANDOUT_IDS)
def test_large_print_footer_is_at_most_two_lines(built, handout):
    with pdfplumber.open(io.BytesIO(pdf_bytes(built, "large-print", handout))) as pdf:
        for page in pdf.pages:
            footer = [c for c in page.chars if c.get("tag") == "Artifact" and c["text"].strip()]
            lines = {round(c["top"]) for c in footer}
            assert 1 <= len(lines) <= 2, (page.page_number, sorted(lines))


@pytest.mark.parametrize("edition,handout", CASES)
def test_a_web_address_breaks_only_after_a_slash(built, edition, handout):
    library = load_library(Project(root=FIXTURE))
    handout_model = library.by_id[handout].handout
    shown = online_link(library.clinic, library.sources_of(handout_model), handout_model.read_more,
                        load_locale(handout_model.language)).shown
    for text in content_pages(pdf_bytes(built, edition, handout)):
        lines = [line.strip() for line in text.splitlines()]
        starts = [n for n, line in enumerate(lines) if line and shown.startswith(line)]
        for start in starts:
            pieces, joined = [], ""
            for line in lines[start:]:
                pieces.append(line)
                joined += line
                if len(joined) >= len(shown):
                    break
            if joined == shown:
                assert all(piece.endswith("/") for piece in pieces[:-1]), pieces
                return
    pytest.fail(f"the address {shown} was not found on any page")


@pytest.mark.parametrize("edition,handout", CASES)
def test_the_last_page_holds_the_numbers_to_call_not_a_stray_citation(built, edition, handout):
    pages = content_pages(pdf_bytes(built, edition, handout))
    assert "How to reach your care team" in pages[-1]
    source_list = squeeze(next(page for page in pages if "This sheet is based on information from:" in page))
    for page in pages:
        assert squeeze(page) not in source_list or "Where this information comes from" in page
