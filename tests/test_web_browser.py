"""The web edition in a real browser: headless Chromium with axe-core (tests/browser.py), one browser for the module.

Every page careprint writes is checked: each handout with the fixture clinic (no numbers: lines to write on) and
with the test clinic (numbers to dial, a logo, a web page), the handout that uses every block type (a picture,
write-in lines), and a handout in each script careprint prints (Farsi right to left). axe-core finds no violation;
no text is under 14 pt; at 320 CSS px (a phone, or 200% zoom) nothing scrolls sideways; and screenshots at phone and
desktop width are written for a person to look at (CAREPRINT_SCREENSHOTS=DIR keeps them there).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from careprint.cli import main

from . import browser
from .conftest import HANDOUT_IDS, TEST_CLINIC, TESTS, inside, make_project
from .scripts_project import LANGUAGES, make_scripts_project


@pytest.fixture(scope="module")
def chromium():
    lacking = browser.missing()
    if lacking:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tests cannot run: {lacking}")
        pytest.skip(lacking)
    with browser.Browser() as opened:
        yield opened
        assert opened.fetched == [], "a page asked for something from the network"


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[Path]:
    """Every web page careprint writes for the fixture content, with two clinics' settings, and the every-block
    handout."""
    made = []
    for name, clinic in (("no-numbers", None), ("clinic", TEST_CLINIC)):
        root = make_project(tmp_path_factory.mktemp(name) / "project")
        if clinic:
            shutil.copy(clinic, root / "clinic.yaml")
        shutil.copy(TESTS / "fixtures" / "every-block" / "every-block.yaml", root / "handouts")
        with inside(root):
            assert main(["--edition", "web", "--quiet"]) == 0
        made += sorted((root / "out" / "web").glob("*.html"))
    assert len(made) == 2 * (len(HANDOUT_IDS) + 1)
    scripts = make_scripts_project(tmp_path_factory.mktemp("scripts") / "project")
    with inside(scripts):
        assert main(["--edition", "web", "--quiet"]) == 0
    made += sorted((scripts / "out" / "web").glob("*.html"))
    assert len(made) == 2 * (len(HANDOUT_IDS) + 1) + len(LANGUAGES)
    return made


def test_axe_core_finds_no_violation_on_any_page(chromium, pages):
    found = {f"{page.parents[3].name}/{page.name}": chromium.axe_violations(page) for page in pages}
    assert not any(found.values()), "\n".join(f"{name}: {browser.report(v)}" for name, v in found.items() if v)


def test_nothing_scrolls_sideways_at_320_css_px(chromium, pages):
    assert {str(page): chromium.overflow_at(page, 320) for page in pages} == {str(page): 0 for page in pages}


def test_no_text_is_smaller_than_the_plain_language_body_size(chromium, pages):
    body_px = 14 * 96 / 72  # 14 pt, at the browser's usual 16 px text
    assert {str(page): chromium.smallest_text_px(page) >= body_px - 0.1 for page in pages} == {
        str(page): True for page in pages}


def test_a_page_that_is_too_wide_is_measured(chromium, tmp_path):
    """The reflow test can fail: a box wider than the window is found."""
    wide = tmp_path / "wide.html"
    wide.write_text('<!DOCTYPE html><html lang="en"><title>w</title><body><div style="width: 500px">x</div></body>'
                    "</html>")
    assert chromium.overflow_at(wide, 320) > 100


def test_screenshots_at_phone_and_desktop_width(chromium, pages, tmp_path):
    from PIL import Image

    folder = Path(os.environ.get("CAREPRINT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page = next(p for p in pages if p.name == "hypercalcemia.html" and "clinic" in str(p))
    for width in (320, 1280):
        png = chromium.screenshot(page, folder / f"hypercalcemia-{width}.png", width)
        with Image.open(png) as image:
            assert image.width == width and image.height > 1000
            # The page is drawn, not blank: the emergency box's dark red is on it.
            assert (139, 0, 0) in {colour for _, colour in image.convert("RGB").getcolors(1 << 24)}


@pytest.fixture(scope="module")
def translated_and_catalogue(tmp_path_factory) -> list[Path]:
    """A French translation's web page (its draft notice first, each English part marked) and the staff catalogue
    page of a whole build with every format: the other pages careprint writes."""
    import yaml

    root = make_project(tmp_path_factory.mktemp("translated") / "project")
    with inside(root):
        assert main(["translate", "hypercalcemia", "--language", "fr"]) == 0
        path = root / "translations" / "fr" / "hypercalcemia.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for pair in data["texts"]:
            pair["translation"] = "fr: " + pair["english"]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")
        assert main(["translate", "hypercalcemia", "--language", "fr"]) == 0
        # every format but braille: the marker "translations" are English words, which French braille cannot read
        assert main(["--handout", "hypercalcemia", "--edition", "large-print", "--edition", "plain-language",
                     "--edition", "web", "--edition", "bilingual", "--quiet"]) == 0
    return [root / "out" / "web" / "hypercalcemia.fr.html", root / "out" / "index.html"]


def test_axe_core_finds_no_violation_on_a_translation_or_the_catalogue(chromium, translated_and_catalogue):
    page, catalogue = translated_and_catalogue
    assert "pas encore vérifiée par un traducteur médical qualifié" in page.read_text(encoding="utf-8")
    assert "hypercalcemia.fr.html" in catalogue.read_text(encoding="utf-8")
    found = {path.name: chromium.axe_violations(path) for path in (page, catalogue)}
    assert {name: browser.report(v) for name, v in found.items() if v} == {}
    assert chromium.overflow_at(page, 320) == 0  # (the staff catalogue is a wide table, for a desktop)
