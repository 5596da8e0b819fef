"""Golden HTML: what the templates make of a frozen set of handouts, kept in tests/snapshots/ as readable files.

A change to a template or to careprint's printed words shows up here as a diff a person can read, before anyone
looks at a PDF. The handouts, references and clinic settings are a frozen copy (tests/fixtures/snapshot-project),
so a clinic that edits its own content keeps a green suite. After an intended change, refresh the files with
`pytest tests/test_snapshots.py --update-snapshots` and review the diff with git.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from careprint.library import load_library
from careprint.project import ALL_EDITIONS, ROOT, Project
from careprint.render import jinja_environment, render_html

FROZEN = ROOT / "tests" / "fixtures" / "snapshot-project"
SNAPSHOTS = ROOT / "tests" / "snapshots"
HANDOUTS = sorted(path.stem for path in (FROZEN / "handouts").glob("*.yaml"))
CASES = [(edition, handout) for edition in ("plain-language", "large-print") for handout in HANDOUTS] + [
    ("card", "hypercalcemia"), ("card", "spinal-cord-compression")]


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """The frozen content with this checkout's templates and styles."""
    root = tmp_path_factory.mktemp("snapshot-project")
    shutil.copytree(FROZEN, root, dirs_exist_ok=True)
    for folder in ("templates", "styles"):
        shutil.copytree(ROOT / folder, root / folder)
    return load_library(Project(root=root))


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
        f"{snapshot.relative_to(ROOT)} differs from what the templates make now; if the change is intended, run "
        f"pytest tests/test_snapshots.py --update-snapshots and review the diff")
