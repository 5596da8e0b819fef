"""Golden HTML: what the templates make of a frozen set of handouts, kept in tests/snapshots/ as readable files.

A change to a template or to careprint's printed words shows up here as a diff a person can read, before anyone
looks at a PDF. The handouts and references are the fixture project's frozen copy (tests/fixtures/project), with the
test clinic's settings (tests/fixtures/clinic/clinic.yaml: a name, a logo, numbers, a web page), so a clinic that
edits its own content keeps a green suite. After an intended change, refresh the files with
`pytest tests/test_snapshots.py --update-snapshots` and review the diff with git.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from careprint.library import load_library
from careprint.project import ALL_EDITIONS, Project
from careprint.render import jinja_environment, render_html

from .conftest import HANDOUT_IDS, TEST_CLINIC, TESTS

SNAPSHOTS = TESTS / "snapshots"
# The web edition's page is snapshot without its inline stylesheet and fonts (web_css, careprint.formats.html).
CASES = [(edition, handout) for edition in ("plain-language", "large-print", "web") for handout in HANDOUT_IDS] + [
    ("card", "hypercalcemia"), ("card", "spinal-cord-compression")]


@pytest.fixture(scope="module")
def library(project_root):
    """The frozen content with this checkout's templates and styles."""
    return load_library(Project(root=project_root, clinic_file=TEST_CLINIC))


@pytest.mark.parametrize("edition,handout", CASES)
def test_html_matches_its_snapshot(library, edition, handout, request):
    item = library.by_id[handout]
    html = render_html(item.handout, ALL_EDITIONS[edition], library.clinic, library.sources_of(item.handout),
                       jinja_environment(library.project.templates))
    snapshot = SNAPSHOTS / edition / f"{handout}.html"
    if request.config.getoption("--update-snapshots"):
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(html, encoding="utf-8")
    assert snapshot.is_file(), f"no snapshot yet: run pytest {Path(__file__).name} --update-snapshots"
    assert html == snapshot.read_text(encoding="utf-8"), (
        f"tests/{snapshot.relative_to(TESTS)} differs from what the templates make now; if the change is intended, run "
        f"pytest tests/test_snapshots.py --update-snapshots and review the diff")
