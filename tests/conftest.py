"""Shared fixtures: one real build of every shipped handout, read back by many tests."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pikepdf
import pytest

from careprint.checks import Expected, LaidOutSubject, run_checks
from careprint.cli import main
from careprint.formats.pdf import check_pdf
from careprint.project import EDITIONS, ROOT, Project
from careprint.render import render_pdf

HANDOUT_IDS = ("bone-metastases", "hypercalcemia", "spinal-cord-compression")
EDITION_NAMES = ("plain-language", "large-print")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Build every handout in every edition once, exactly as a clinic would, and return the output folder."""
    out = tmp_path_factory.mktemp("out")
    assert main(["--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def manifest(built) -> dict:
    return json.loads((built / "manifest.json").read_text())


def pdf_bytes(built: Path, edition: str, handout: str) -> bytes:
    return (built / edition / f"{handout}.pdf").read_bytes()


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A private copy of the project (code, content, templates, styles) that a test may break."""
    target = tmp_path / "project"
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".venv", ".git", "out", "__pycache__", "*.egg-info",
                                                                 ".pytest_cache"))
    return target


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
