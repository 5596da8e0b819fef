"""Builds skip what they already made, use every core, split into stable shards, and stay byte-identical."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from careprint.cli import main
from careprint.plan import in_shard, parse_shard

from .conftest import inside


def hashes(out: Path) -> dict[str, str]:
    """Every output a build wrote (the PDFs, the web edition's pages, the braille files) -> its sha256."""
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*"))
            if p.suffix in (".pdf", ".html", ".brf") and p.name != "index.html"}


def build(content: Path, out: Path, *extra: str) -> int:
    return main(["--handouts", str(content), "--out", str(out), *extra])


def test_parallel_output_is_identical_to_serial(content, tmp_path):
    assert build(content, tmp_path / "serial", "--jobs", "1") == 0
    assert build(content, tmp_path / "parallel", "--jobs", "2") == 0
    assert hashes(tmp_path / "serial") == hashes(tmp_path / "parallel")
    assert len(hashes(tmp_path / "serial")) == 12  # 2 PDFs, a web page and a braille file of each of 3 handouts
    serial = json.loads((tmp_path / "serial" / "manifest.json").read_text())
    parallel = json.loads((tmp_path / "parallel" / "manifest.json").read_text())
    assert serial == parallel


def test_a_second_build_has_nothing_to_do(content, tmp_path, capsys):
    assert build(content, tmp_path / "out") == 0
    capsys.readouterr()
    assert build(content, tmp_path / "out") == 0
    assert capsys.readouterr().out == f"nothing to do: all 12 files in {tmp_path / 'out'}/ are up to date " \
                                      "(--force rebuilds them)\n"


def test_a_no_op_build_does_not_import_weasyprint(content, tmp_path, project_copy):
    with inside(project_copy):
        assert build(content, tmp_path / "out") == 0
    probe = ("import sys; from careprint.cli import main; "
             f"code = main(['--handouts', {str(content)!r}, '--out', {str(tmp_path / 'out')!r}]); "
             "print(code, sorted(m for m in ('weasyprint', 'pdfplumber', 'pikepdf', 'pydantic', 'yaml') "
             "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=project_copy, capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.splitlines()[-1] == "0 []", result.stdout + result.stderr


def test_changing_one_handout_rebuilds_only_its_pdfs(content, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(content, out) == 0
    before = hashes(out)
    handout = content / "hypercalcemia.yaml"
    handout.write_text(handout.read_text().replace("Your team will decide", "Your care team will decide"))
    capsys.readouterr()
    assert build(content, out) == 0
    printed = capsys.readouterr().out
    assert "8 files are up to date and were not rebuilt" in printed
    assert "4 of 4 files built" in printed and "(8 up to date)" in printed
    after = hashes(out)
    changed = sorted(path for path in after if after[path] != before[path])
    assert changed == ["braille/hypercalcemia.brf", "large-print/hypercalcemia.pdf", "plain-language/hypercalcemia.pdf",
                       "web/hypercalcemia.html"]


def test_force_rebuilds_everything_and_a_deleted_pdf_is_rebuilt(content, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(content, out) == 0
    (out / "large-print" / "hypercalcemia.pdf").unlink()
    capsys.readouterr()
    assert build(content, out) == 0
    assert "1 of 1 files built" in capsys.readouterr().out
    assert build(content, out, "--force") == 0
    assert "12 of 12 files built" in capsys.readouterr().out


def test_a_review_date_that_has_come_ends_the_no_op_shortcut(content, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(content, out, "--today", "2026-11-24") == 0
    capsys.readouterr()
    assert build(content, out, "--today", "2027-06-01") == 0  # every handout's next review is 2027-05-24
    captured = capsys.readouterr()
    assert "nothing to do" not in captured.out
    assert "review is overdue" in captured.err


def test_shards_split_the_catalogue_stably_and_merge_into_one_manifest(content, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(content, out, "--shard", "1/2") == 0
    assert build(content, out, "--shard", "2/2") == 0
    capsys.readouterr()
    assert main(["merge-manifests", str(out)]) == 0
    assert capsys.readouterr().out == f"merged 2 shard manifests: 12 files listed in {out / 'manifest.json'}; " \
                                      f"catalogue: {out / 'index.html'}\n"
    assert build(content, tmp_path / "whole", "--jobs", "1") == 0
    assert hashes(out) == hashes(tmp_path / "whole")
    merged = json.loads((out / "manifest.json").read_text())["pdfs"]
    whole = json.loads((tmp_path / "whole" / "manifest.json").read_text())["pdfs"]
    assert merged == whole
    ids = ["bone-metastases", "hypercalcemia", "spinal-cord-compression"] + [f"handout-{n}" for n in range(50)]
    for n in (2, 3, 7):
        owners = [[index for index in range(1, n + 1) if in_shard(handout, (index, n))] for handout in ids]
        assert all(len(owner) == 1 for owner in owners)  # every handout in exactly one shard


def test_merging_refuses_a_missing_shard_or_a_changed_pdf(content, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(content, out, "--shard", "1/2") == 0
    capsys.readouterr()
    assert main(["merge-manifests", str(out)]) == 1
    assert capsys.readouterr().err == (f"shard 2 of 2 has no manifest in {out}; build it, or copy its output here, "
                                       "then merge again\n")
    assert build(content, out, "--shard", "2/2") == 0
    pdf = next(out.rglob("*.pdf"))
    pdf.write_bytes(pdf.read_bytes() + b"\n")
    capsys.readouterr()
    assert main(["merge-manifests", str(out)]) == 1
    assert "is missing or is not the PDF its shard built" in capsys.readouterr().err
    assert not (out / "manifest.json").exists()


def test_bad_shard_and_jobs_values_are_usage_errors(capsys):
    assert main(["--shard", "3/2"]) == 2
    assert "shard 3/2: I must be between 1 and N" in capsys.readouterr().err
    assert main(["--jobs", "0"]) == 2
    assert "'0' is not a whole number of 1 or more" in capsys.readouterr().err
    with pytest.raises(ValueError):
        parse_shard("one/two")


def test_quiet_prints_only_the_summary(content, tmp_path, capsys):
    assert build(content, tmp_path / "out", "--quiet") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("12 of 12 files built")


def test_workers_remove_their_font_folders(content, tmp_path, project_copy):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {"TMPDIR": str(scratch), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, str(project_copy / "make_pdfs.py"), "--handouts", str(content), "--out",
                             str(tmp_path / "out"), "--jobs", "2", "--quiet"], cwd=project_copy, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert list(scratch.glob("weasyprint-*")) == []


def test_changing_a_picture_a_pdf_uses_rebuilds_that_pdf(project_copy, tmp_path, monkeypatch):
    from careprint.library import load_library
    from careprint.pipeline import build as build_pdfs
    from careprint.project import Project

    monkeypatch.chdir(project_copy)
    picture = project_copy / "images" / "dot.svg"
    picture.parent.mkdir(exist_ok=True)
    picture.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="4"/>'
                       "</svg>")
    handout = project_copy / "handouts" / "hypercalcemia.yaml"
    handout.write_text(handout.read_text() + '      - image:\n          file: "images/dot.svg"\n'
                       '          alt: "A black dot"\n')
    out = tmp_path / "out"
    project = Project(root=project_copy)
    first = build_pdfs(load_library(project), out, ["plain-language"])
    assert [o.problems for o in first.outcomes] == [[], [], []]
    entry = next(e for e in json.loads((out / "manifest.json").read_text())["pdfs"]
                 if e["handout"] == "hypercalcemia")
    assert list(entry["resources"]) == ["images/dot.svg"]
    assert build_pdfs(load_library(project), out, ["plain-language"]).unchanged == 3
    picture.write_text(picture.read_text().replace('r="4"', 'r="3"'))
    again = build_pdfs(load_library(project), out, ["plain-language"])
    assert again.unchanged == 2 and [o.path for o in again.outcomes] == ["plain-language/hypercalcemia.pdf"]


def test_a_withdrawn_handout_is_taken_out_of_the_output_folder(content, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(content, out) == 0
    # Another library built into the same folder: its PDFs are not withdrawn, their handout files still exist.
    other = tmp_path / "other-library"
    other.mkdir()
    text = (content / "hypercalcemia.yaml").read_text().replace("id: hypercalcemia", "id: calcium-extra")
    (other / "calcium-extra.yaml").write_text(text)
    assert build(other, out) == 0
    (content / "bone-metastases.yaml").unlink()
    capsys.readouterr()
    assert build(content, out) == 0  # not "nothing to do": something must be removed
    printed = capsys.readouterr().out
    assert f"removed {out / 'large-print' / 'bone-metastases.pdf'}: its handout file is gone" in printed
    assert sorted(hashes(out)) == [
        "braille/calcium-extra.brf", "braille/hypercalcemia.brf", "braille/spinal-cord-compression.brf",
        "large-print/calcium-extra.pdf", "large-print/hypercalcemia.pdf", "large-print/spinal-cord-compression.pdf",
        "plain-language/calcium-extra.pdf", "plain-language/hypercalcemia.pdf",
        "plain-language/spinal-cord-compression.pdf", "web/calcium-extra.html", "web/hypercalcemia.html",
        "web/spinal-cord-compression.html"]
    listed = [e["path"] for e in json.loads((out / "manifest.json").read_text())["pdfs"]]
    assert listed == sorted(hashes(out))


def test_the_glossary_and_a_moved_template_count_as_inputs(project_copy):
    from careprint.plan import plan
    from careprint.project import Project

    project = Project(root=project_copy)

    def hashes_now() -> list[str]:
        return [task.input_hash for task in plan(project, ["large-print"], "letter")]

    before = hashes_now()
    glossary = project_copy / "reference" / "glossary.yaml"
    glossary.write_text(glossary.read_text() + "# an author's edit\n")
    after_glossary = hashes_now()
    assert all(a != b for a, b in zip(before, after_glossary))
    partial = project_copy / "templates" / "blocks" / "notes.html.j2"
    partial.rename(project_copy / "templates" / "notes.html.j2")
    assert all(a != b for a, b in zip(after_glossary, hashes_now()))


def test_the_font_and_paper_stylesheets_count_as_inputs(project_copy):
    from careprint.plan import plan
    from careprint.project import Project

    project = Project(root=project_copy)

    def hashes_now(paper: str) -> list[str]:
        return [task.input_hash for task in plan(project, ["plain-language"], paper)]

    letter, a4 = hashes_now("letter"), hashes_now("a4")
    sheet = project_copy / "styles" / "paper" / "a4.css"
    sheet.write_text(sheet.read_text() + "/* a designer's edit */\n")
    assert hashes_now("letter") == letter  # another paper size's sheet is not an input
    assert all(a != b for a, b in zip(a4, hashes_now("a4")))
    a4 = hashes_now("a4")
    fonts = project_copy / "styles" / "fonts" / "atkinson-hyperlegible.css"
    fonts.write_text(fonts.read_text() + "/* a designer's edit */\n")
    assert all(a != b for a, b in zip(letter + a4, hashes_now("letter") + hashes_now("a4")))
