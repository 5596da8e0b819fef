"""The braille edition: each .brf careprint writes, opened and read cell by cell, then translated back to print with
liblouis's own command, independently of careprint's code."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from careprint import braille
from careprint.braille import Block, Document, paginate, undefined_characters, wrap
from careprint.cli import main
from careprint.library import load_library
from careprint.locale import load_locale
from careprint.project import ROOT, Project

from .conftest import HANDOUT_IDS

TABLE = "en-us-brf.dis,en-ueb-g2.ctb"


@pytest.fixture(autouse=True, scope="module")
def _liblouis():
    """CI installs liblouis (setup.sh): there a missing lou_translate fails every test here; elsewhere it skips."""
    if shutil.which("lou_translate") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("lou_translate (Debian liblouis-bin) is not installed; ./setup.sh installs it")
        pytest.skip("lou_translate (Debian liblouis-bin) is not installed")


def back(lines: list[str]) -> list[str]:
    """ASCII braille back to print, one line each, by lou_translate itself (a backslash escaped for its parser)."""
    data = "".join(line.replace("\\", "\\\\") + "\n" for line in lines).encode("ascii")
    done = subprocess.run(["lou_translate", "--backward", TABLE], input=data, capture_output=True, check=True)
    return done.stdout.decode("utf-8").split("\n")[: len(lines)]


def pages_of(data: bytes) -> list[list[str]]:
    return [page.removesuffix("\r\n").split("\r\n") for page in data.decode("ascii").split("\f")]


def words(text: str) -> list[str]:
    return [w.casefold().replace("’", "'") for w in re.findall(r"[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*", text)]


@pytest.fixture(scope="module")
def library(project_root):
    return load_library(Project(root=project_root))


@pytest.mark.parametrize("handout", HANDOUT_IDS)
def test_every_line_page_and_line_end_is_braille_ready(built, handout):
    data = (built / "braille" / f"{handout}.brf").read_bytes()
    assert set(data) <= set(range(0x20, 0x60)) | {0x0D, 0x0A, 0x0C}  # ASCII braille, CR, LF, form feed
    assert data.endswith(b"\r\n") and not data.endswith(b"\f") and not data.startswith(b"\f")
    assert data.count(b"\n") == data.count(b"\r\n") and data.count(b"\r") == data.count(b"\r\n")
    pages = pages_of(data)
    assert len(pages) >= 3 and data.count(b"\f") == len(pages) - 1
    for page in pages:
        assert len(page) == 25  # the page number on line 25, even on the last page
        for line in page:
            assert len(line) <= 40 and line == line.rstrip(" ")
        assert "\f" not in "".join(page)


@pytest.mark.parametrize("handout", HANDOUT_IDS)
def test_each_page_has_its_braille_page_number_at_the_bottom_right(built, handout):
    pages = pages_of((built / "braille" / f"{handout}.brf").read_bytes())
    last_lines = [page[-1] for page in pages]
    assert all(len(line) == 40 and line.lstrip() == line.split()[-1] for line in last_lines)  # alone, at the right
    assert [text.strip() for text in back([line.strip() for line in last_lines])] == \
        [str(number) for number in range(1, len(pages) + 1)]


@pytest.mark.parametrize("handout", HANDOUT_IDS)
def test_back_translation_finds_the_handouts_words_and_every_level_in_order(built, library, handout):
    pages = pages_of((built / "braille" / f"{handout}.brf").read_bytes())
    text = [line for page in pages for line in back([line for line in page[:-1] if line])]
    found = words(" ".join(text))
    item = library.by_id[handout]
    wanted = {w for _, _, printed in item.handout.texts() for w in words(printed)}
    assert len(wanted & set(found)) / len(wanted) >= 0.95, sorted(wanted - set(found))
    # Every warning level as words: its label, then its action, in reading order.
    locale = load_locale("en")
    at, levels = 0, item.handout.triage_levels()
    assert levels
    for level in levels:
        label, action = words(locale.triage[level.name].label), words(locale.triage[level.name].action)
        starts = [i for i in range(at, len(found)) if found[i:i + len(label)] == label and
                  found[i + len(label):i + len(label) + len(action)] == action]  # the action right after it
        assert starts, level.name
        at = starts[0] + len(label)
    # Page 1: the emergency box, with its action and a number to call or where to write one.
    first = words(" ".join(back([line for line in pages[0][:-1] if line])))
    assert " ".join(words(locale.triage.emergency.label)) in " ".join(first)
    assert " ".join(words(locale.triage.emergency.action)) in " ".join(first)
    assert "911" in first and " ".join(words(locale.braille.write_in)) in " ".join(first)


def test_the_page_the_signs_start_on_is_the_braille_page(built):
    pages = pages_of((built / "braille" / "bone-metastases.brf").read_bytes())
    page_one = " ".join(back([line for line in pages[0][:-1] if line]))
    number = int(re.search(r"The warning signs start on page (\d+)\.", page_one).group(1))
    label = load_locale("en").triage.emergency.label
    starts = [n for n, page in enumerate(pages[1:], start=2) if label in " ".join(back(page[:-1]))]
    assert number == starts[0]


def test_a_level_that_runs_onto_the_next_page_repeats_its_label_and_action(built):
    locale = load_locale("en")
    pages = [" ".join(back(page[:-1])) for page in pages_of((built / "braille" / "bone-metastases.brf").read_bytes())]
    continued = [page for page in pages if f"{locale.triage.emergency.label} {locale.words.continued}" in page]
    assert continued and all(locale.triage.emergency.action in page for page in continued)


def test_manifest_lists_each_brf_with_what_was_measured(manifest, built):
    entries = {entry["path"]: entry for entry in manifest["pdfs"] if entry["edition"] == "braille"}
    assert sorted(entries) == [f"braille/{handout}.brf" for handout in HANDOUT_IDS]
    for path, entry in entries.items():
        assert entry["words_found_percent"] >= 95 and entry["longest_line_cells"] <= 40
        assert entry["longest_page_lines"] == 25 and entry["pages"] == len(pages_of((built / path).read_bytes()))


def test_rebuilds_are_byte_identical_and_incremental(built, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["--edition", "braille", "--out", str(out), "--jobs", "2"]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"ok .*hypercalcemia\.brf  \d+ braille pages \(UEB grade 2, lines up to 40 cells\), "
                     r"back-translation finds 100\.0% of the handout's words", printed), printed
    for handout in HANDOUT_IDS:
        assert (out / "braille" / f"{handout}.brf").read_bytes() == (built / "braille" / f"{handout}.brf").read_bytes()
    assert main(["--edition", "braille", "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith("nothing to do: all 3 files")


def _with_braille(patch, **change):
    english = load_locale("en")
    changed = english.model_copy(update={"braille": english.braille.model_copy(update=change) if change else None})
    patch.setattr("careprint.locale.load_locale", lambda language, folder=None: changed)


@pytest.mark.parametrize("fault", ["table", "no liblouis"])
def test_a_bad_table_or_missing_liblouis_is_said_plainly_and_keeps_the_old_file(tmp_path, capsys, monkeypatch,
                                                                                fault):
    out = tmp_path / "out"
    assert main(["--edition", "braille", "--handout", "hypercalcemia", "--out", str(out)]) == 0
    good = (out / "braille" / "hypercalcemia.brf").read_bytes()
    capsys.readouterr()
    if fault == "table":
        _with_braille(monkeypatch, table="en-us-brf.dis,no-such-table.ctb")
    else:
        monkeypatch.setattr(braille, "COMMAND", "lou_translate-not-installed")
    assert main(["--edition", "braille", "--handout", "hypercalcemia", "--out", str(out), "--force"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "FAILED" in err and "the previous copy, if any, is kept" in err
    if fault == "table":
        assert "careprint/locales/en.yaml: braille.table: liblouis cannot translate with the table " \
               "'en-us-brf.dis,no-such-table.ctb' (Cannot resolve table 'no-such-table.ctb')" in err, err
    else:
        assert "the lou_translate-not-installed command (liblouis) is not installed; install Debian's " \
               "liblouis-bin and liblouis-data" in err, err
    assert (out / "braille" / "hypercalcemia.brf").read_bytes() == good
    assert json.loads((out / "manifest.json").read_text())["pdfs"][0]["sha256"]


def test_without_liblouis_on_the_path_the_command_exits_plainly(project_copy, tmp_path):
    """The real command, in a fresh process, on a machine where lou_translate cannot be found."""
    result = subprocess.run([sys.executable, "make_pdfs.py", "--edition", "braille", "--out", str(tmp_path / "out")],
                            cwd=project_copy, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PATH": str(tmp_path / "nothing-here")})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the lou_translate command (liblouis) is not installed" in result.stderr
    assert not list((tmp_path / "out").rglob("*.brf"))


def test_a_language_without_a_braille_table_gets_no_brf_and_one_note(tmp_path, capsys, monkeypatch):
    _with_braille(monkeypatch)
    assert main(["--edition", "braille", "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    printed = capsys.readouterr().out
    note = ("note: no braille files for handouts in language 'en': careprint/locales/en.yaml names no braille "
            "table (braille: table:)")
    assert printed.count(note) == 1 and "0 of 0 files built" in printed, printed
    assert not list((tmp_path / "out").rglob("*.brf"))


def test_wrapping_splits_only_a_word_longer_than_a_line():
    cells = "AB " * 30 + "X" * 95 + " END"
    lines = [line.removesuffix(braille.CUT) for line in wrap(cells, 40, first=2)]  # (the mark is never written)
    assert lines[0].startswith("  AB") and all(len(line) <= 40 for line in lines)
    assert [w for line in lines for w in line.split()][:30] == ["AB"] * 30  # whole words, in order
    pieces = [w for line in lines for w in line.split()]
    assert "".join(w for w in pieces if "X" in w) == "X" * 95 and pieces[-1] == "END"
    split = [line.strip() for line in lines if "X" in line]
    assert len(split) == 3 and len(split[0]) == 40  # the long word starts on a line of its own, and is cut only there


def test_a_block_kept_with_the_next_moves_to_the_next_page_with_it():
    filler = [Block("item", f"LINE{n}") for n in range(22)]
    document = Document(filler + [Block("heading", "HEAD", keep=True), Block("paragraph", "BODY")])
    pages, _ = paginate(document, {b.text: b.text for b in document.blocks})
    assert len(pages) == 2 and pages[1][0].strip() == "HEAD" and pages[1][1].strip() == "BODY"


def test_a_character_the_table_lacks_is_named():
    assert undefined_characters(TABLE, {"a", "☺", "é"}) == ["☺"]


def test_the_tables_the_readme_names_are_installed_and_translate():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Braille-ready files", 1)[1].split("\n## ", 1)[0]
    tables = sorted(set(re.findall(r"`([A-Za-z0-9_-]+\.(?:ctb|utb|tbl))`", section)))
    assert {"en-ueb-g2.ctb", "fr-bfu-g2.ctb", "zh_CHN.tbl", "zh-tw.ctb", "vi-vn-g2.ctb", "fa-ir-g1.utb",
            "pa.tbl"} <= set(tables)
    for table in tables:
        assert braille.translate(f"en-us-brf.dis,{table}", ["1"]) != [""], table
