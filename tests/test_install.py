"""careprint as a clinic installs it: a wheel built from this repository, installed (not editable) in a fresh
virtualenv, then `careprint new` and `careprint build` in a folder of its own. The wheel must carry the theme, the
starter content and every subpackage; the PDFs must be the very bytes the checkout makes from the same project.
The wheel is built from this checkout's code and theme with the fixture's content (tests/fixtures/project) where the
repository's handouts/, reference/ and images/ are, so a clinic that edits those keeps a green suite.

Slow (a wheel, a virtualenv and six PDFs twice, about 30-60 s): marked `install` (-m "not install" skips it). It
needs no network: the wheel is built with this environment's setuptools, and the fresh virtualenv reaches the
libraries careprint depends on through a .pth file naming this environment's site-packages (which add no careprint
of their own: an editable install is found only through its own .pth file, which a path entry never runs).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pdfplumber
import pytest

from careprint.cli import main
from careprint.project import ROOT

from .conftest import FIXTURE

pytestmark = pytest.mark.install

LEFT_OUT = shutil.ignore_patterns("__pycache__", "*.pdf")


def run(*command, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, f"{' '.join(map(str, command))}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The `careprint` command of a fresh virtualenv with careprint installed from its wheel."""
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"  # a clean clone: the build leaves nothing in the repository
    for code in (ROOT / "careprint", ROOT / "templates", ROOT / "styles", ROOT / "schema"):
        shutil.copytree(code, source / code.name, ignore=LEFT_OUT)
    for code in (ROOT / "make_pdfs.py", ROOT / "pyproject.toml", ROOT / "README.md"):
        shutil.copy(code, source)
    for content in ("handouts", "reference", "images"):  # what the wheel carries as a new project's content
        shutil.copytree(FIXTURE / content, source / content)
    (source / "translations").mkdir()  # the fixture has no translations; the wheel maps the folder all the same
    shutil.copy(FIXTURE / "clinic.yaml", source)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--quiet",
        "--wheel-dir", tmp / "dist", source, cwd=tmp)
    wheel = next((tmp / "dist").glob("careprint-*.whl"))
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet", wheel,
        cwd=tmp)
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp).stdout.strip())
    ours = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site / "careprint-test-dependencies.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    shutil.rmtree(source)  # nothing of the repository is left to be read by mistake
    return venv / "bin" / "careprint"


def clean_env() -> dict:
    return {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "CAREPRINT"))}


def test_the_installed_command_makes_and_builds_a_project_anywhere(installed, tmp_path, capsys):
    where = run(installed.parent / "python", "-c",
                "import careprint, careprint.project as p; print(careprint.__file__); print(p.THEME); "
                "print(p.SHIPPED_CONTENT)", cwd=tmp_path, env=clean_env()).stdout.split()
    venv = installed.parent.parent
    assert all(Path(path).is_relative_to(venv) for path in where), f"careprint must come from the wheel: {where}"

    # Outside a project: said plainly, and nothing written.
    refused = subprocess.run([installed, "build"], cwd=tmp_path, env=clean_env(), capture_output=True, text=True,
                             timeout=120)
    assert refused.returncode == 2 and refused.stderr.startswith("no careprint project here: ")
    assert list(tmp_path.iterdir()) == []

    run(installed, "new", "riverside", cwd=tmp_path, env=clean_env())
    project = tmp_path / "riverside"
    built = run(installed, "build", "--jobs", "2", cwd=project, env=clean_env())
    assert "12 of 12 files built in out/" in built.stdout
    manifest = json.loads((project / "out" / "manifest.json").read_text())
    pdfs = sorted(entry["path"] for entry in manifest["pdfs"] if entry["edition"] != "web")
    assert pdfs == [f"{edition}/{name}{extension}" for edition, extension in
                    (("braille", ".brf"), ("large-print", ".pdf"), ("plain-language", ".pdf"))
                    for name in ("bone-metastases", "hypercalcemia", "spinal-cord-compression")]
    with pdfplumber.open(io.BytesIO((project / "out" / "large-print" / "hypercalcemia.pdf").read_bytes())) as pdf:
        first = " ".join((pdf.pages[0].extract_text() or "").split())
    assert "High calcium in the blood" in first and "Draft, not yet approved for patient use." in first

    # From anywhere with --project: nothing to do, and nothing written where the command ran.
    again = run(installed, "build", "--project", "riverside", cwd=tmp_path, env=clean_env())
    assert again.stdout.startswith("nothing to do: all 12 files in riverside/out/ are up to date")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["riverside"]

    # The checkout's careprint makes the very same bytes from the same project: the wheel carries the theme whole.
    assert main(["build", "--project", str(project), "--out", str(tmp_path / "checkout-out"), "--jobs", "2",
                 "--quiet"]) == 0, capsys.readouterr().err
    for path in pdfs:
        assert hashlib.sha256((tmp_path / "checkout-out" / path).read_bytes()).hexdigest() == \
            hashlib.sha256((project / "out" / path).read_bytes()).hexdigest(), path
