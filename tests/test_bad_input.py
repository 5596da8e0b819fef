"""Bad input meets a clear message (file, line, key, what to do), a non-zero exit, and never a traceback.

Each file in tests/bad_inputs/ is one mistake an author can make; the .expected file beside it holds the exact
message careprint must print for it.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careprint.cli import main
from careprint.load import MAX_FILE_BYTES, load_model
from careprint.model import Handout
from careprint.problems import ContentError

from .conftest import inside, make_project, write

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(p.stem for p in CORPUS.glob("*.yaml"))
VALID = (CORPUS / "missing-key.yaml").read_text().replace("id: missing-key", "id: good") \
    .replace("language: en", "language: en\naudience: People with cancer and their families")


@pytest.fixture
def workdir(tmp_path) -> Iterator[Path]:
    """A project with the fixture's reference lists and settings and an empty handouts/ folder, run from inside."""
    with inside(make_project(tmp_path / "project", handouts=False)) as project:
        yield project


@pytest.mark.parametrize("case", CASES)
def test_each_bad_input_gives_its_exact_message(case, workdir, capsys):
    shutil.copy(CORPUS / f"{case}.yaml", workdir / "handouts" / f"{case}.yaml")
    assert main(["check", "--handouts", "handouts"]) == 1
    captured = capsys.readouterr()
    assert captured.err == (CORPUS / f"{case}.expected").read_text()
    assert "Traceback" not in captured.out + captured.err


def test_the_valid_twin_of_the_corpus_passes(workdir, capsys):
    write(workdir / "handouts" / "good.yaml", VALID)
    assert main(["check", "--handouts", "handouts"]) == 0, capsys.readouterr().err


def test_every_problem_in_every_file_is_reported_at_once(workdir, capsys):
    for case in ("misspelt-key", "wrong-type", "tab-indent"):
        shutil.copy(CORPUS / f"{case}.yaml", workdir / "handouts" / f"{case}.yaml")
    assert main(["check", "--handouts", "handouts"]) == 1
    err = capsys.readouterr().err
    assert "misspelt-key.yaml:13" in err and "wrong-type.yaml:5" in err and "tab-indent.yaml:15" in err


def test_a_content_error_stops_the_build_before_any_pdf_is_written(workdir, capsys):
    shutil.copy(CORPUS / "misspelt-key.yaml", workdir / "handouts" / "misspelt-key.yaml")
    assert main(["build", "--handouts", "handouts", "--out", "out"]) == 1
    assert "did you mean 'heading'?" in capsys.readouterr().err
    assert not list(workdir.glob("out/**/*.pdf"))


def test_duplicate_handout_ids_are_reported(workdir, capsys):
    write(workdir / "handouts" / "good.yaml", VALID)
    write(workdir / "handouts" / "other.yaml", VALID)
    assert main(["check", "--handouts", "handouts"]) == 1
    err = capsys.readouterr().err
    assert "handouts/other.yaml:1: id: handout id 'good' is already used by handouts/good.yaml" in err


def test_an_oversized_file_is_refused(workdir, capsys):
    padding = "# padding\n" * (MAX_FILE_BYTES // 10 + 1)
    write(workdir / "handouts" / "good.yaml", VALID + padding)
    assert main(["check", "--handouts", "handouts"]) == 1
    assert "handouts/good.yaml: file is 256 KiB, over the 256 KiB limit (split it into smaller handouts)" in \
        capsys.readouterr().err


def test_an_image_symlink_leading_out_of_the_project_is_refused(project_copy, monkeypatch, capsys):
    (project_copy / "images").mkdir(exist_ok=True)
    (project_copy / "images" / "spine.png").symlink_to("/etc/hostname")
    handout = VALID + '      - image:\n          file: "images/spine.png"\n          alt: "The spine"\n'
    write(project_copy / "handouts" / "good.yaml", handout)
    monkeypatch.chdir(project_copy)
    from careprint.library import load_library
    from careprint.project import Project

    with pytest.raises(ContentError) as caught:
        load_library(Project(root=project_copy))
    assert str(caught.value).endswith(
        "handouts/good.yaml:17: sections[0].blocks[1].image.file: image 'images/spine.png' leads outside the project "
        "through a symbolic link (copy the picture into the project's images/ folder)")


def test_unknown_handout_id_on_the_command_line(capsys):
    assert main(["check"]) == 0
    capsys.readouterr()
    assert main(["build", "--handout", "hypercalcaemia", "--out", "unused"]) == 2
    assert "no handout with id hypercalcaemia" in capsys.readouterr().err


def test_a_bad_command_line_exits_2_without_traceback(capsys):
    assert main(["build", "--paper", "legal"]) == 2
    assert "invalid choice: 'legal'" in capsys.readouterr().err


def test_a_second_build_into_a_locked_folder_is_told_and_exits(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".careprint.lock", "a+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert main(["--out", str(out), "--handout", "hypercalcemia"]) == 1
    assert "another careprint build is writing to" in capsys.readouterr().err
    assert not list(out.glob("**/*.pdf"))


yaml_text = st.one_of(
    st.text(max_size=400),
    st.binary(max_size=300),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=40),
                  st.dates()),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(
            st.sampled_from(["id", "title", "sections", "blocks", "heading", "paragraph", "triage", "review",
                             "status", "key_messages", "notes", "emergency", "x"]) | st.text(max_size=8),
            children, max_size=5),
        max_leaves=25,
    ).map(lambda data: yaml.safe_dump(data, allow_unicode=True)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=yaml_text)
def test_the_loader_either_loads_or_raises_its_own_error(text, tmp_path):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    try:
        load_model(path, Handout)
    except ContentError as error:
        assert error.problems and all(p.message for p in error.problems)


@pytest.mark.parametrize("word,expected", [
    ("chek", "make_pdfs.py: 'chek' is not a command; did you mean 'check'?"),
    ("pakcet", "make_pdfs.py: 'pakcet' is not a command; did you mean 'packet'?"),
    ("frobnicate", "make_pdfs.py: 'frobnicate' is not a command; the commands are build, check, verify, schema, "
                   "packet, card, merge-manifests"),
])
def test_a_mistyped_command_gets_did_you_mean(word, expected, capsys):
    from careprint.cli import main

    assert main([word]) == 2
    err = capsys.readouterr().err
    assert err.startswith(expected) and "Traceback" not in err


def test_options_are_never_abbreviated_so_handout_and_handouts_are_not_confused(capsys):
    from careprint.cli import main

    assert main(["check", "--handout", "hypercalcemia"]) == 2  # check takes --handouts DIR, not --handout ID
    assert "unrecognized arguments: --handout" in capsys.readouterr().err
    assert main(["--hand", "hypercalcemia"]) == 2
