"""Shared fixtures. Every test works on a project made from tests/fixtures/project/, never on the repository's own
content.

The repository's `handouts/`, `reference/`, `images/` and `clinic.yaml` belong to the clinic: it edits them, adds
handouts, sets its name and numbers, and the suite must stay green. So the tests read a frozen copy of that content
(`FIXTURE`) and build projects from it with this checkout's code-side files (careprint/, templates/, styles/,
schema/, make_pdfs.py: careprint and its theme, not clinic content). Commands run in this process (`main([...])`)
run inside one such project for the whole session, as a clinic runs them in its own folder, and `careprint new`
starts projects from the fixture's content. tests/test_independence.py fails a test that reads the repository's
content.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pikepdf
import pytest

from careprint import newproject
from careprint.checks import Expected, LaidOutSubject, run_checks
from careprint.cli import main
from careprint.formats.pdf import check_pdf
from careprint.project import EDITIONS, ROOT, Project
from careprint.render import render_pdf

TESTS = Path(__file__).resolve().parent
FIXTURE = TESTS / "fixtures" / "project"  # the frozen content: handouts, reference lists, pictures, clinic settings
TEST_CLINIC = TESTS / "fixtures" / "clinic" / "clinic.yaml"  # a clinic with a name, a logo, numbers and a web page
HANDOUT_IDS = tuple(sorted(path.stem for path in (FIXTURE / "handouts").glob("*.yaml")))
EDITION_NAMES = ("plain-language", "large-print")


def make_project(target: Path, handouts: bool = True) -> Path:
    """A whole project in `target`: the fixture's content (its handouts too, unless told not) and careprint's code,
    templates and styles, so that its own make_pdfs.py builds it in a fresh process."""
    skip = ("handouts",) if not handouts else ()
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("README.md", *skip))
    (target / "handouts").mkdir(exist_ok=True)
    for code in (ROOT / "careprint", ROOT / "templates", ROOT / "styles", ROOT / "schema"):
        shutil.copytree(code, target / code.name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "make_pdfs.py", target)
    return target


@contextmanager
def inside(root: Path) -> Iterator[Path]:
    """Run commands in `root`, as a clinic does in its project folder: `main([...])` works on that project."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        yield root


@pytest.fixture(scope="session")
def project_root(tmp_path_factory) -> Path:
    """The session's project, made from the fixture once. Read and build it; never change it (use project_copy)."""
    return make_project(tmp_path_factory.mktemp("fixture") / "project")


@pytest.fixture(scope="session", autouse=True)
def _commands_run_in_the_fixture_project(project_root) -> Iterator[Path]:
    """The whole session runs in the fixture project, and `careprint new` copies the fixture's content, never the
    repository's (in a checkout careprint ships its own handouts/, reference/ and images/ as a new project's)."""
    with inside(project_root), pytest.MonkeyPatch.context() as patch:
        patch.setattr(newproject, "SHIPPED_CONTENT", FIXTURE)
        yield project_root


@pytest.fixture(scope="session")
def built(tmp_path_factory, project_root) -> Path:
    """Build every fixture handout in every edition once, exactly as a clinic would, and return the output folder."""
    out = tmp_path_factory.mktemp("out")
    with inside(project_root):
        assert main(["--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def manifest(built) -> dict:
    return json.loads((built / "manifest.json").read_text())


def pdf_bytes(built: Path, edition: str, handout: str) -> bytes:
    return (built / edition / f"{handout}.pdf").read_bytes()


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A private project (the fixture's content, careprint's code, templates and styles) that a test may break."""
    return make_project(tmp_path / "project")


@pytest.fixture
def content(tmp_path) -> Path:
    """A private copy of the fixture's handouts (a --handouts folder) that a test may edit."""
    folder = tmp_path / "handouts"
    shutil.copytree(FIXTURE / "handouts", folder)
    return folder


def fixture_text(*parts: str) -> str:
    """A file of the fixture's content, e.g. fixture_text("handouts", "hypercalcemia.yaml")."""
    return FIXTURE.joinpath(*parts).read_text(encoding="utf-8")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def as_file(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def pytest_addoption(parser):
    parser.addoption("--update-snapshots", action="store_true", default=False,
                     help="rewrite tests/snapshots/ from the current templates (then review the diff with git)")


class Mini:
    """A minimal project (the shipped stylesheets and one picture) that renders hand-written HTML with careprint."""

    def __init__(self, root: Path) -> None:
        from PIL import Image
        from weasyprint.text.fonts import FontConfiguration

        self.root = root
        shutil.copytree(ROOT / "styles", root / "styles")
        Image.new("RGB", (40, 30), (0, 0, 128)).save(root / "picture.png")
        self.project = Project(root=root)
        self.font_config = FontConfiguration()

    def render(self, body: str, css: str = "", edition: str = "plain-language", title: str = "<title>T</title>",
               lang: str = ' lang="en"'):
        sheet = self.root / "styles" / f"{edition}.css"
        sheet.write_text((ROOT / "styles" / f"{edition}.css").read_text() + "\n" + css, encoding="utf-8")
        html = (f'<!DOCTYPE html><html{lang}><head><meta charset="utf-8">{title}</head>'
                f"<body><h1>Title</h1>{body}</body></html>")
        return render_pdf(html, self.project, EDITIONS[edition], "letter", self.font_config)

    def problems(self, body: str, css: str = "", edition: str = "plain-language", texts: tuple = (), **kw):
        """What the build's verify stage says about this page (expected texts and language 'en' as for a handout)."""
        result = self.render(body, css, edition, **kw)
        laid_out = run_checks("layout", LaidOutSubject(result.document, result.messages))
        facts, found = check_pdf(result.pdf, EDITIONS[edition], Expected(list(texts), "en"))
        problems = [str(problem) for problem in laid_out + found]
        # These hand-written pages are not handouts: page 1's emergency box is tested in test_triage_pages.py.
        return [p for p in problems if not p.startswith("page 1: it ")], facts, result


@pytest.fixture
def mini(tmp_path) -> Mini:
    return Mini(tmp_path / "mini")


def mutate(data: bytes, change) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def pdf_problems(data: bytes) -> list[str]:
    """What `verify FILE` says about these bytes (the PDF-stage checks, with no content to compare)."""
    return [str(problem) for problem in check_pdf(data, EDITIONS["plain-language"], None)[1]]


def good_pdf(built: Path) -> bytes:
    return pdf_bytes(built, "plain-language", "hypercalcemia")
