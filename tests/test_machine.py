"""What the machine lacks must never cost the clinic its PDFs, or show a traceback (issue 12).

Without HarfBuzz's subsetting library the PDFs are still made (WeasyPrint subsets fonts with fontTools), and the
command says once how to get identical bytes everywhere; run with a Python that lacks careprint's packages, every
command names the missing package and the command that installs it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import make_project


def test_without_harfbuzz_subsetting_every_pdf_is_still_built_and_the_build_says_so_once(tmp_path, monkeypatch):
    import weasyprint.pdf.fonts
    import weasyprint.text.ffi

    from careprint import pipeline
    from careprint.project import Project

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    monkeypatch.setattr(weasyprint.text.ffi, "harfbuzz_subset", None)
    project = make_project(tmp_path / "project")
    said = []
    result = pipeline.build(pipeline.load(Project(root=project)), tmp_path / "out", ["plain-language"],
                            report=lambda problem: said.append(str(problem)), force=True)
    assert [o.path for o in result.outcomes if not o.ok] == []
    assert len(result.written) == len(list((project / "handouts").glob("*.yaml"))) > 0
    notes = [line for line in said if "lacks HarfBuzz's font-subsetting library" in line]
    assert len(notes) == 1 and "sudo apt-get install libharfbuzz-subset0" in notes[0]


@pytest.mark.parametrize("command", [["check"], ["--out", "never-written"]])
def test_a_python_without_careprints_packages_names_the_missing_one(project_copy, command):
    # -S: no site-packages, so careprint itself imports from the checkout but its dependencies are missing. Run in a
    # project, as a clinic does: outside one, careprint says so before it needs any package.
    result = subprocess.run([sys.executable, "-S", str(project_copy / "make_pdfs.py"), *command], cwd=project_copy,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "careprint needs the Python package '" in result.stderr and "./setup.sh" in result.stderr
    assert sys.executable in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert not (project_copy / "never-written").exists()
