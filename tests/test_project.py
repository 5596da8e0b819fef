"""A clinic's own project folder: `careprint new`, --project, the theme a project overrides file by file, and the
refusal to run outside a project (one folder's content is never built with another's settings or output)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
import yaml

from careprint.cli import main
from careprint.library import load_library
from careprint.newproject import as_draft
from careprint.plan import plan
from careprint.project import EDITIONS, THEME, Project, is_project
from careprint.render import PROJECT_URL, Renderer, jinja_environment, make_fetcher, render_html

from .conftest import fixture_text, inside, write

NAME = "Lakeside Test Clinic"  # a name no shipped file holds: it can only come from the project's clinic.yaml


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A new project made by `careprint new` (from the fixture's content, as conftest has it), in a folder of its
    own; the command line runs elsewhere."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["new", str(tmp_path / "lakeside")]) == 0
    return tmp_path / "lakeside"


def pdf_text(path: Path) -> str:
    with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
        return " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)


def test_new_makes_a_project_of_drafts_with_its_own_references(project, capsys):
    files = sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file())
    assert files == [".gitignore", "README.md", "clinic.yaml", "handouts/bone-metastases.yaml",
                     "handouts/hypercalcemia.yaml", "handouts/spinal-cord-compression.yaml", "images/logo.svg",
                     "images/spine.svg", "reference/glossary.yaml", "reference/sources.yaml",
                     "reference/warning-signs.yaml", "schema/handout.schema.json"]
    settings = yaml.safe_load((project / "clinic.yaml").read_text())
    assert settings == {"name": None, "logo": None, "phones": {"day": None, "after_hours": None, "emergency": None},
                        "website": None}, "careprint never invents a clinic's name or numbers"
    library = load_library(Project(root=project))
    assert [item.handout.review.status for item in library.handouts] == ["draft"] * 3
    assert {item.path.parent for item in library.handouts} == {project / "handouts"}
    # The project's check passes on its own: every include, source and picture is found inside it.
    assert main(["check", "--project", str(project)]) == 0, capsys.readouterr().err


def test_new_refuses_a_folder_that_holds_anything_and_writes_nothing(tmp_path, capsys):
    folder = tmp_path / "taken"
    write(folder / "notes.txt", "ours\n")
    assert main(["new", str(folder)]) == 2
    assert "already exists and is not empty; careprint new never writes into a folder that holds anything" in \
        capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"], "no half-made folder is left beside it"
    write(tmp_path / "a-file", "x")
    assert main(["new", str(tmp_path / "a-file")]) == 2
    assert "is a file; name a new folder" in capsys.readouterr().err


def test_new_fills_an_empty_folder_even_the_current_one(tmp_path, monkeypatch):
    folder = tmp_path / "empty"
    folder.mkdir()
    monkeypatch.chdir(folder)
    assert main(["new", "."]) == 0
    assert (folder / "clinic.yaml").is_file() and len(list((folder / "handouts").glob("*.yaml"))) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_a_shipped_approval_never_reaches_a_new_project():
    approved = fixture_text("handouts", "hypercalcemia.yaml").replace(
        "  status: draft\n  approved_by: null\n  approved_on: null\n",
        "  status: approved   # by the first clinic\n  approved_by: Dr. A. Reviewer\n  approved_on: 2026-01-05\n")
    assert "approved_by: Dr. A. Reviewer" in approved
    draft = as_draft(approved)
    review = yaml.safe_load(draft)["review"]
    assert review == {"status": "draft", "next_review": yaml.safe_load(approved)["review"]["next_review"]}
    assert draft.replace("  status: draft\n", "") == approved.replace(
        "  status: approved   # by the first clinic\n  approved_by: Dr. A. Reviewer\n  approved_on: 2026-01-05\n", "")


def test_gitignore_keeps_pdfs_and_packets_out_of_git(project):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    for name in ("out/large-print/hypercalcemia.pdf", "out/packets/hypercalcemia.pdf", "jane-doe.pdf",
                 "packets/notes.txt"):
        write(project / name, "x")
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=project, check=True,
                            capture_output=True, text=True).stdout
    listed = sorted(line[3:] for line in status.splitlines())
    assert listed == [".gitignore", "README.md", "clinic.yaml", "handouts/bone-metastases.yaml",
                      "handouts/hypercalcemia.yaml", "handouts/spinal-cord-compression.yaml", "images/logo.svg",
                      "images/spine.svg", "reference/glossary.yaml", "reference/sources.yaml",
                      "reference/warning-signs.yaml", "schema/handout.schema.json"]


def test_a_long_packet_is_named_by_its_first_handout_never_by_its_patient():
    from careprint.project import packet_path

    assert packet_path(Path("out"), ["hypercalcemia", "bone-metastases"]) == \
        Path("out/packets/hypercalcemia+bone-metastases.pdf")
    many = [f"handout-number-{n}" for n in range(12)]
    assert packet_path(Path("out"), many) == Path("out/packets/handout-number-0-and-11-more.pdf")


@pytest.mark.parametrize("command", [["build"], ["check"], ["card", "hypercalcemia"], ["packet", "hypercalcemia"],
                                     ["schema"], ["build", "--handouts", "handouts", "--clinic", "clinic.yaml"]])
def test_outside_a_project_careprint_says_so_and_writes_nothing(command, tmp_path, monkeypatch, capsys):
    (tmp_path / "handouts").mkdir()  # handouts without the clinic's settings: not a project
    monkeypatch.chdir(tmp_path)
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"no careprint project here: {tmp_path} is not a project folder (it has no clinic.yaml); "
                          "run careprint new DIR to make a project folder for your clinic, or pass --project DIR.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handouts"]


def test_project_must_name_a_project(tmp_path, capsys):
    assert main(["check", "--project", str(tmp_path / "missing")]) == 2
    assert "there is no such folder" in capsys.readouterr().err
    assert main(["build", "--project", str(tmp_path)]) == 2
    assert f"--project {tmp_path} is not a careprint project (it has no clinic.yaml and no handouts/ folder)" in \
        capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_build_from_elsewhere_uses_the_projects_settings_and_output_folder(project, capsys):
    (project / "clinic.yaml").write_text(f'name: "{NAME}"\nphones:\n  day: "250-555-0142"\n', encoding="utf-8")
    assert main(["build", "--project", str(project), "--handout", "hypercalcemia", "--edition", "plain-language",
                 "--jobs", "1"]) == 0, capsys.readouterr().err
    assert f"in {project / 'out'}/" in capsys.readouterr().out
    assert not Path("out").exists(), "nothing is written where the command ran"
    text = pdf_text(project / "out" / "plain-language" / "hypercalcemia.pdf")
    assert NAME in text and "250-555-0142" in text
    manifest = json.loads((project / "out" / "manifest.json").read_text())
    assert [entry["source"] for entry in manifest["pdfs"]] == ["handouts/hypercalcemia.yaml"]
    # verify needs no project: any PDF, checked where it is
    assert main(["verify", str(project / "out" / "plain-language" / "hypercalcemia.pdf")]) == 0


def test_a_packet_goes_to_the_projects_out_packets_named_after_its_handouts(project, capsys):
    assert main(["packet", "hypercalcemia", "--project", str(project), "--for", "Jane Doe"]) == 0, \
        capsys.readouterr().err
    packet = project / "out" / "packets" / "hypercalcemia.pdf"
    assert f"ok      {packet}" in capsys.readouterr().out
    assert "Jane Doe" in pdf_text(packet)
    assert sorted(p.relative_to(project / "out").as_posix() for p in (project / "out").rglob("[!.]*")) == \
        ["packets", "packets/hypercalcemia.pdf"], "never listed in a manifest, never named after the patient"


def test_a_projects_templates_and_styles_override_the_theme_file_by_file(project):
    theme = Project(root=project)
    assert theme.template_folders == [THEME / "templates"]
    assert theme.style("base.css") == THEME / "styles" / "base.css"
    write(project / "styles" / "plain-language.css",
          (THEME / "styles" / "plain-language.css").read_text() + "\n/* ours */\n")
    partial = (THEME / "templates" / "blocks" / "paragraph.html.j2").read_text()
    write(project / "templates" / "blocks" / "paragraph.html.j2", partial.replace("<p", '<p data-ours="yes"', 1))
    ours = Project(root=project)
    assert ours.template_folders == [project / "templates", THEME / "templates"]
    assert ours.style("plain-language.css") == project / "styles" / "plain-language.css"
    assert ours.style("base.css") == THEME / "styles" / "base.css"
    renderer = Renderer(ours, EDITIONS["plain-language"], "letter")
    assert renderer.sheets[2].endswith("/* ours */\n") and renderer.sheets[1] == \
        (THEME / "styles" / "base.css").read_text()
    library = load_library(ours)
    item = library.by_id["hypercalcemia"]
    html = render_html(item.handout, EDITIONS["plain-language"],
                       library.clinic, library.sources_of(item.handout), jinja_environment(ours.template_folders))
    assert 'data-ours="yes"' in html, "the project's partial replaces the theme's"
    assert '<section class="triage-level' in html, "the theme's other templates are still used"


def test_the_fetcher_serves_the_project_then_the_theme_and_nothing_else(project):
    write(project / "styles" / "ours.css", "/* ours */")
    fetcher = make_fetcher(project)
    assert fetcher.fetch(PROJECT_URL + "styles/ours.css").read() == b"/* ours */"
    assert fetcher.fetch(PROJECT_URL + "styles/base.css").read() == (THEME / "styles" / "base.css").read_bytes()
    assert fetcher.fetch(PROJECT_URL + "images/spine.svg").read() == (project / "images" / "spine.svg").read_bytes()
    assert set(fetcher.served) == {"styles/ours.css", "styles/base.css", "images/spine.svg"}
    (project / "images" / "spine.svg").unlink()
    (project / "handouts" / "hypercalcemia.yaml").unlink()
    for name in ("images/spine.svg", "styles/../handouts/hypercalcemia.yaml", "handouts/hypercalcemia.yaml",
                 "templates/../make_pdfs.py", "pyproject.toml"):
        with pytest.raises(ValueError, match="careprint refused"):
            fetcher.fetch(PROJECT_URL + name)  # the checkout's copies are never a fallback for content
    assert fetcher.refused[0] == "images/spine.svg: refused, the file does not exist"


def test_an_override_makes_the_pdfs_it_changes_out_of_date(project):
    before = plan(Project(root=project), ["plain-language", "large-print"], "letter")
    write(project / "styles" / "large-print.css", (THEME / "styles" / "large-print.css").read_text() + "\n")
    after = plan(Project(root=project), ["plain-language", "large-print"], "letter")
    changed = {task.path for task, old in zip(after, before) if task.input_hash != old.input_hash}
    assert changed == {f"large-print/{name}.pdf" for name in ("bone-metastases", "hypercalcemia",
                                                               "spinal-cord-compression")}


def test_a_checkout_is_still_a_project_of_its_own(project_copy, capsys):
    # The repository's layout: careprint, its theme and make_pdfs.py beside a clinic's content (here the fixture's).
    assert is_project(project_copy) and (project_copy / "make_pdfs.py").is_file()
    with inside(project_copy):
        assert main(["check"]) == 0, capsys.readouterr().err
