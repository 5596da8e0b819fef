"""The content quality gate (careprint/check.py): each rule fires on its fixture with its exact message, the
fixture project's handouts (copies of those careprint shipped) pass, and a failing check stops a build before
anything is rendered or replaced."""

from __future__ import annotations

import datetime
import io
import json
import shutil
from pathlib import Path

import pdfplumber
import pytest

from careprint.checks import content_gate
from careprint.cli import main
from careprint.library import load_library
from careprint.project import Project
from careprint.readability import count_words, readability, split_sentences

from .conftest import FIXTURE, TESTS, fixture_text, inside, make_project

FIXTURES = TESTS / "fixtures" / "check"
CHECK = Path("tests/fixtures/check")  # the same fixtures, as the author's project below holds them
TODAY = "2026-11-24"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / f"{p.name}.yaml").is_file())
RULES = {  # each rule of the issue and the fixture that must trigger it
    "sentence over 20 words": "long-sentence",
    "reading grade (Flesch-Kincaid and SMOG)": "hard-reading",
    "medical word not explained where first used": "unexplained-term",
    "capitals for emphasis": "capitals",
    "italics": "italics",
    "underline": "underline",
    "numbers as words": "number-words",
    "percentages": "percentage",
    "clinical content without sources": "no-sources",
    "source missing from the registry": "unknown-source",
    "approved without an approver": "approved-without-approver",
    "approval dated in the future": "approved-in-future",
    "review overdue (warning)": "review-overdue",
    "review overdue with --release (error)": "review-overdue-release",
    "draft refused by --release": "draft-release",
    "approval typed by hand, with no fingerprint (warning)": "approved-by-hand",
    "text changed since its approval (warning)": "changed-since-approval",
    "text changed since its approval, with --release (error)": "changed-since-approval-release",
}


@pytest.fixture(scope="module")
def author_project(tmp_path_factory) -> Path:
    """The fixture project with the check fixtures in it at tests/fixtures/check/, as in this repository."""
    project = make_project(tmp_path_factory.mktemp("check") / "project")
    shutil.copytree(FIXTURES, project / CHECK)
    return project


@pytest.fixture(autouse=True)
def _at_project_root(author_project):
    """Paths in messages are shown relative to where the command runs; run where an author would."""
    with inside(author_project):
        yield


def fixture_header(name: str) -> tuple[list[str], int, list[str]]:
    """(extra args, expected exit code, expected lines) from the comments at the top of a fixture."""
    args, code, expected = [], None, []
    for line in (FIXTURES / name / f"{name}.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("# args:"):
            args = line.removeprefix("# args:").split()
        elif line.startswith("# exit:"):
            code = int(line.removeprefix("# exit:"))
        elif line.startswith("# expect: "):
            expected.append(line.removeprefix("# expect: "))
    return args, code, expected


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_rule_has_a_fixture():
    assert sorted(RULES.values()) == CASES
    for name in CASES:
        args, code, expected = fixture_header(name)
        assert expected and code is not None, name


@pytest.mark.parametrize("name", CASES)
def test_fixture_reports_exactly_its_message(capsys, name):
    args, code, expected = fixture_header(name)
    status, _, err = run(capsys, "check", "--handouts", str(CHECK / name), "--today", TODAY, *args)
    reported = [line for line in err.splitlines() if line.startswith(f"tests/fixtures/check/{name}/")]
    assert reported == expected
    assert status == code


def test_the_fixture_handouts_pass_with_no_errors(capsys):
    status, out, err = run(capsys, "check")
    assert status == 0, err
    assert all(": warning: " in line for line in err.splitlines()), err
    assert "3 handouts checked" in out and "passed" in out


def test_the_fixture_handouts_meet_the_readability_limits(capsys):
    status, out, _ = run(capsys, "check", "--format", "json")
    report = json.loads(out)
    assert status == 0 and report["errors"] == 0
    assert {entry["handout"] for entry in report["readability"]} == {
        "bone-metastases", "hypercalcemia", "spinal-cord-compression"}
    for entry in report["readability"]:
        assert entry["sentences"] >= 10, entry["handout"]  # enough prose to measure
        assert entry["fk_grade"] <= 6 and entry["smog_grade"] <= 8, entry["handout"]
        assert entry["longest_sentence"]["words"] <= 20
        assert len(entry["worst_sentences"]) == 3


def test_text_report_shows_sections_and_the_hardest_sentences(capsys):
    _, out, _ = run(capsys, "check", "--handouts", str(CHECK / "hard-reading"), "--today", TODAY)
    lines = out.splitlines()
    handout = "tests/fixtures/check/hard-reading/hard-reading.yaml: hard-reading: FK 27.9, SMOG 17.9"
    assert any(line.startswith(handout) for line in lines), out
    assert any(line.strip().endswith("A heading") and "FK 27.9" in line for line in lines), out
    assert ("    tests/fixtures/check/hard-reading/hard-reading.yaml:21: FK 34.0, 6 words: "
            "\"Multidisciplinary coordination facilitates optimal therapeutic decisions.\"") in lines


def test_json_report_for_tools(capsys):
    status, out, _ = run(capsys, "check", "--handouts", str(CHECK / "long-sentence"), "--today", TODAY,
                         "--format", "json")
    report = json.loads(out)
    assert status == 1 and report["ok"] is False and report["errors"] == 1
    problem = next(p for p in report["problems"] if p["file"].startswith("tests/"))
    assert problem == {
        "file": "tests/fixtures/check/long-sentence/long-sentence.yaml", "line": 20, "page": None,
        "key": "sections[0].blocks[0].paragraph", "severity": "error",
        "message": "sentence has 23 words (limit 20)",
        "hint": "shorten it or split it in two: \"Cancer that has spread to the bones can ...\"",
    }
    (entry,) = report["readability"]
    assert entry["handout"] == "long-sentence" and entry["longest_sentence"]["words"] == 23
    assert [s["name"] for s in entry["sections"]] == ["A heading"]


def test_json_report_when_a_file_does_not_load(capsys):
    status, out, _ = run(capsys, "check", "--handouts", str(CHECK / "unknown-source"), "--format", "json")
    report = json.loads(out)
    assert status == 1 and report["ok"] is False
    assert report["problems"][0]["message"] == "source 'no-such-source' is not in reference/sources.yaml"


def test_warnings_fail_only_with_strict(capsys):
    folder = str(CHECK / "review-overdue")
    assert run(capsys, "check", "--handouts", folder, "--today", TODAY)[0] == 0
    status, out, _ = run(capsys, "check", "--handouts", folder, "--today", TODAY, "--strict")
    assert status == 1 and "(warnings count as errors with --strict); failed" in out


def test_review_is_due_on_its_date_and_overdue_the_day_after(capsys):
    folder = str(CHECK / "review-overdue")
    _, _, err = run(capsys, "check", "--handouts", folder, "--today", "2026-10-01")
    assert "review.next_review" not in err
    _, _, err = run(capsys, "check", "--handouts", folder, "--today", "2026-10-02")
    assert "review.next_review: warning: the review is overdue: next_review was 2026-10-01" in err


def test_release_refuses_the_fixture_drafts(capsys):
    status, _, err = run(capsys, "check", "--release")
    drafts = [line for line in err.splitlines()
              if line.endswith("review.status: the handout is a draft; --release builds only approved handouts "
                               "(have it reviewed, then record the approval: careprint approve "
                               f"{line.split('/')[-1].split('.yaml')[0]} --by \"NAME\" --on YYYY-MM-DD)")]
    approved = [p for p in (FIXTURE / "handouts").glob("*.yaml") if "status: approved" in p.read_text()]
    assert len(drafts) == 3 - len(approved)
    assert status == (1 if drafts else 0)


def test_a_bad_today_is_a_usage_error(capsys):
    status, _, err = run(capsys, "check", "--today", "soon")
    assert status == 2 and "'soon' is not a date; write YYYY-MM-DD" in err


# ---------------------------------------------------------------------------------------------------------------
# Details of the rules


def test_sentence_splitting_and_word_counting():
    text = 'Call 911. Go now! Is it bad? They said "Stop." Then rest (lie down). It has 9 out of 10 parts: x-rays.'
    assert split_sentences(text) == ["Call 911.", "Go now!", "Is it bad?", 'They said "Stop."', "Then rest (lie down).",
                                     "It has 9 out of 10 parts: x-rays."]
    assert split_sentences("It shows up in these bones:") == ["It shows up in these bones:"]
    assert count_words("A person's x-rays, 9 out of 10 - done.") == 8


def handout_yaml(handout_id: str, blocks: str, heading: str = "A heading", key_message: str = "A short message.") -> str:
    return (f'id: {handout_id}\ntitle: A test handout\nlanguage: en\naudience: Test readers\nversion: "1.0"\n'
            f'sources: [nice-ng234]\nreview:\n  status: draft\n  next_review: 2027-11-01\n'
            f'key_messages:\n  - "{key_message}"\nsections:\n  - heading: "{heading}"\n    blocks:\n{blocks}')


def check_one(tmp_path: Path, text: str) -> list[str]:
    folder = tmp_path / "handouts"
    folder.mkdir(exist_ok=True)
    (folder / "t.yaml").write_text(text, encoding="utf-8")
    library = load_library(Project(root=FIXTURE, handouts_dir=folder))
    return [p.message for p in content_gate(library, None, datetime.date(2026, 11, 24)) if p.file.endswith("t.yaml")]


def test_the_word_limit_applies_to_bullets_and_headings_too(tmp_path):
    long = " ".join(["word"] * 21)
    messages = check_one(tmp_path, handout_yaml("t", f'      - bullets:\n          - "{long}"\n', heading=long))
    assert messages == ["sentence has 21 words (limit 20)"] * 2


def test_headings_and_bullets_are_not_measured_by_the_formulas(tmp_path):
    hard = "Multidisciplinary coordination facilitates optimal therapeutic decisions"
    text = handout_yaml("t", f'      - paragraph: "Read this. Then rest. Ask us."\n      - bullets:\n          - "{hard}"\n',
                        heading=hard, key_message=hard + ".")
    assert check_one(tmp_path, text) == []
    folder = tmp_path / "handouts"
    score = readability(load_library(Project(root=FIXTURE, handouts_dir=folder)).handouts[0])
    assert score.overall.sentences == 3 and score.overall.fk < 0


def test_a_term_explained_at_first_use_may_be_used_plainly_later(tmp_path):
    blocks = ('      - bullets:\n          - "A biopsy takes a small piece of tissue."\n'
              '          - "After the biopsy, rest."\n')
    assert check_one(tmp_path, handout_yaml("t", blocks)) == []


def test_glossary_forms_match_whole_words_in_any_case(tmp_path):
    blocks = '      - paragraph: "Your Bone Mets may hurt. Metastasize is not a form either."\n'
    assert check_one(tmp_path, handout_yaml("t", blocks)) == [
        '"Bone Mets" (metastases) is not explained where it is first used; add the plain words '
        '"cancer that has spread"']


def test_bold_markers_and_single_capitals_are_not_italics_or_shouting(tmp_path):
    blocks = '      - paragraph: "I can read an MRI report. Snake_case_words stay."\n'
    messages = check_one(tmp_path, handout_yaml("t", blocks))
    assert messages == ['"MRI" is not explained where it is first used; add the plain words "pictures inside your body"']


def test_a_source_without_address_or_date_is_a_warning(tmp_path):
    root = tmp_path / "project"
    (root / "reference").mkdir(parents=True)
    shutil.copy(FIXTURE / "reference" / "glossary.yaml", root / "reference" / "glossary.yaml")
    registry = FIXTURES / "registry-missing-details.sources.yaml"
    shutil.copy(registry, root / "reference" / "sources.yaml")
    folder = root / "handouts"
    folder.mkdir()
    (folder / "t.yaml").write_text(handout_yaml("t", '      - paragraph: "Read this sheet."\n').replace(
        "[nice-ng234]", "[partly-known, no-date, complete]"), encoding="utf-8")
    problems = content_gate(load_library(Project(root=root, handouts_dir=folder)), None, datetime.date(2026, 11, 24))
    expected = [line.removeprefix("# expect: ") for line in registry.read_text().splitlines()
                if line.startswith("# expect: ")]
    assert [str(p) for p in problems] == expected
    assert all(p.severity == "warning" for p in problems)


# ---------------------------------------------------------------------------------------------------------------
# The gate in front of the build


def test_a_failing_check_stops_the_build_and_touches_no_pdf(tmp_path, capsys):
    out = tmp_path / "out"
    old = out / "plain-language" / "long-sentence.pdf"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"%PDF-1.7 the previous good copy")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    status, _, err = run(capsys, "build", "--handouts", str(CHECK / "long-sentence"), "--out", str(out),
                         "--today", TODAY)
    assert status == 1
    assert fixture_header("long-sentence")[2][0] in err.splitlines()
    assert "build stopped before rendering: 1 error" in err
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_release_build_refuses_a_draft(tmp_path, capsys):
    status, _, err = run(capsys, "build", "--handouts", str(CHECK / "draft-release"), "--out", str(tmp_path / "out"),
                         "--today", TODAY, "--release")
    assert status == 1 and "the handout is a draft; --release builds only approved handouts" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.pdf"))


def test_an_approved_handout_states_its_review_in_the_footer(tmp_path, capsys):
    folder = tmp_path / "handouts"
    folder.mkdir()
    text = fixture_text("handouts", "hypercalcemia.yaml")
    draft = "  status: draft\n  approved_by: null\n  approved_on: null\n  next_review: 2027-05-24\n"
    assert draft in text
    (folder / "hypercalcemia.yaml").write_text(text, encoding="utf-8")
    assert run(capsys, "approve", "hypercalcemia", "--by", "Test Reviewer", "--on", "2026-11-02", "--next-review",
               "2027-11-02", "--handouts", str(folder), "--today", TODAY)[0] == 0
    out = tmp_path / "out"
    status, _, err = run(capsys, "build", "--handouts", str(folder), "--out", str(out), "--edition", "plain-language",
                         "--today", TODAY, "--release")
    assert status == 0, err
    assert ": warning: " in err  # warnings (here: the source registry's unknown dates) are shown, not fatal
    with pdfplumber.open(io.BytesIO((out / "plain-language" / "hypercalcemia.pdf").read_bytes())) as pdf:
        pages = [" ".join((page.extract_text() or "").split()) for page in pdf.pages]
    assert "Reviewed 2026-11, next review 2027-11" in pages[0]
    assert all("reviewed 2026-11" in page for page in pages)  # the footer, in few words
    assert "Approved for patient use by Test Reviewer on 2026-11-02." in " ".join(pages)  # by the sources
    assert not any("Draft" in page or "draft" in page for page in pages)


def test_check_runs_the_same_style_gate_as_a_build(project_copy):
    # Body text in light grey passes no clear-print rule: check says so, as a build would.
    import subprocess
    import sys

    base = project_copy / "styles" / "base.css"
    base.write_text(base.read_text().replace("--ink: #000000;", "--ink: #b8b8b8;"))
    result = subprocess.run([sys.executable, str(project_copy / "make_pdfs.py"), "check"], cwd=project_copy,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "styles/base.css:" in result.stderr and "text colour #b8b8b8" in result.stderr
    assert "below the 7:1" in result.stderr and "Traceback" not in result.stderr


def test_build_called_from_python_runs_the_content_gate(tmp_path, author_project):
    from careprint.library import load_library
    from careprint.pipeline import build
    from careprint.problems import GateStopped
    from careprint.project import Project

    folder = tmp_path / "handouts"
    folder.mkdir()
    text = fixture_text("handouts", "hypercalcemia.yaml")
    long = "This sentence has far too many words in it for a reader who is tired and frightened and very ill today at home."
    (folder / "hypercalcemia.yaml").write_text(text.replace('"It is not caused by the food you eat.', f'"{long}'),
                                               encoding="utf-8")
    with pytest.raises(GateStopped) as caught:
        build(load_library(Project(root=author_project, handouts_dir=folder)), tmp_path / "out", ["plain-language"])
    assert any("words (limit 20)" in p.message for p in caught.value.problems)
    assert not (tmp_path / "out" / "plain-language").exists()
