"""Shared fixtures: one real build of every shipped handout, read back by many tests."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from careprint.cli import main
from careprint.project import ROOT

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
