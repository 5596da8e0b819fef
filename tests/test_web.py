"""The web edition: one self-contained page per handout, made by the default build, checked before it is written.

These tests read the pages careprint wrote with lxml (not careprint's own reader, careprint.webcheck), so a fault
in the reader cannot hide a fault in the page. The real browser's verdict (axe-core, reflow, screenshots) is in
tests/test_web_browser.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import lxml.html
import pytest
import yaml

from careprint.approval import state_of
from careprint.cli import main
from careprint.library import load_library
from careprint.locale import load_locale
from careprint.render import approval_line, status_line
from careprint.webcheck import HtmlSubject, read_html, self_contained, structure, whole

from .conftest import HANDOUT_IDS, TEST_CLINIC, inside, make_project


def page(path: Path):
    return lxml.html.fromstring(path.read_bytes())


def words(element) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture(scope="module")
def clinic_project(tmp_path_factory) -> Path:
    """The fixture project with the test clinic's settings: numbers to dial, a logo, a web page."""
    root = make_project(tmp_path_factory.mktemp("web") / "project")
    shutil.copy(TEST_CLINIC, root / "clinic.yaml")
    with inside(root):
        assert main(["--edition", "web", "--quiet"]) == 0
    return root


def test_the_default_build_writes_one_page_per_handout_listed_in_the_manifest(built, manifest):
    entries = {e["path"]: e for e in manifest["pdfs"] if e["edition"] == "web"}
    assert sorted(entries) == [f"web/{handout}.html" for handout in HANDOUT_IDS]
    for path, entry in entries.items():
        data = (built / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["headings"] >= 5 and entry["kilobytes"] == (len(data) + 1023) // 1024
        assert entry["language"] == "en" and entry["review_status"] in ("draft", "approved", "changed", "unconfirmed")


@pytest.mark.parametrize("handout", HANDOUT_IDS)
def test_every_printed_text_status_and_source_is_on_the_page(built, project_root, handout):
    item = load_library_at(project_root).by_id[handout]
    shown = words(page(built / "web" / f"{handout}.html").body)
    library = load_library_at(project_root)
    expected = [text for _, _, text in item.handout.texts()] + [status_line(item.handout)]
    expected += [source.publisher for source in library.sources_of(item.handout)]
    expected += [approval_line(item.handout)] if state_of(item.handout) != "draft" else []
    missing = [text for text in expected if " ".join(text.split()) not in shown]
    assert not missing


def load_library_at(root: Path):
    from careprint.project import Project

    return load_library(Project(root=root))


@pytest.mark.parametrize("handout", HANDOUT_IDS)
def test_the_page_is_self_contained_with_language_headings_and_landmarks(built, handout):
    html = page(built / "web" / f"{handout}.html")
    assert html.get("lang") == "en"
    assert html.xpath("//meta[@name='viewport']")
    assert not html.xpath("//script | //link | //iframe | //object | //embed")
    assert all(img.get("src").startswith("data:") for img in html.xpath("//img"))
    css = "".join(html.xpath("//style/text()"))
    assert "@font-face" in css and "@import" not in css
    assert all(url.startswith("data:") for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css))
    assert "font/ttf;base64," in css  # the locale's font family, inside the page
    levels = [int(h.tag[1]) for h in html.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    body = [child.tag for child in html.body]
    assert body == ["header", "main"]
    assert html.xpath("//header//h1")


@pytest.mark.parametrize("handout", HANDOUT_IDS)
def test_each_warning_level_is_a_section_named_by_its_label_action_first(built, handout):
    html = page(built / "web" / f"{handout}.html")
    locale = load_locale("en")
    main_ = html.xpath("//main")[0]
    assert "get-help" in main_[0].get("class"), "the emergency box comes first in <main>, as on paper"
    levels = html.xpath("//main//section[contains(@class, 'triage-level') and @aria-labelledby]")
    assert levels
    for section in levels:
        name = section.get("class").split("triage-")[-1].replace("-", "_").split()[0]
        about = locale.triage[name]
        label = html.get_element_by_id(section.get("aria-labelledby"))
        assert words(label) == about.label
        heading, action, *rest = [child for child in section if child.tag != "svg"]
        assert heading.tag == "h3" and label in heading.iter()
        assert "triage-action" in action.get("class") and about.action in words(action)
        signs = section.xpath(".//ul[@class='triage-signs']")
        assert signs and all(action.getparent().index(action) < section.index(s) for s in signs)


def test_numbers_are_tel_links_and_a_missing_number_a_visible_labelled_blank(built, clinic_project):
    dialled = page(clinic_project / "out" / "web" / "hypercalcemia.html")
    links = {a.get("href"): words(a) for a in dialled.xpath("//a[starts-with(@href, 'tel:')]")}
    assert links == {"tel:5550111": "555-0111", "tel:5550100": "555-0100", "tel:5550199": "555-0199"}
    assert dialled.xpath("//img[@alt='Example Test Clinic logo, a blue circle']/@src")[0].startswith(
        "data:image/svg+xml;base64,")
    unset = page(built / "web" / "hypercalcemia.html")  # the fixture clinic has no numbers
    assert not unset.xpath("//a[starts-with(@href, 'tel:')]") and not unset.xpath("//input")
    blanks = unset.xpath("//span[@class='write-in']")
    assert blanks and all(words(b) == load_locale("en").words.write_in and b.xpath("span[@class='write-in-blank']")
                          for b in blanks)


def test_pages_are_byte_identical_from_build_to_build_and_rebuilt_only_when_needed(project_copy, capsys):
    with inside(project_copy):
        assert main(["--out", "one", "--edition", "web", "--quiet"]) == 0
        assert main(["--out", "two", "--edition", "web", "--quiet", "--jobs", "2"]) == 0
        for handout in HANDOUT_IDS:
            one, two = (project_copy / out / "web" / f"{handout}.html" for out in ("one", "two"))
            assert one.read_bytes() == two.read_bytes()
        capsys.readouterr()
        assert main(["--out", "one", "--edition", "web"]) == 0
        assert "nothing to do" in capsys.readouterr().out
        style = project_copy / "styles" / "web.css"
        style.write_text(style.read_text() + "\n.subtitle { font-weight: 700; }\n")
        assert main(["--out", "one", "--edition", "web"]) == 0
        assert "3 of 3" in capsys.readouterr().out  # a changed stylesheet makes every page again
    assert b".subtitle { font-weight: 700; }" in (project_copy / "one" / "web" / "hypercalcemia.html").read_bytes()


def test_a_page_that_would_load_a_file_is_refused_and_the_good_copy_stays(project_copy, capsys):
    with inside(project_copy):
        assert main(["--edition", "web", "--quiet"]) == 0
        good = (project_copy / "out" / "web" / "hypercalcemia.html").read_bytes()
        style = project_copy / "styles" / "web.css"
        style.write_text("@import url('https://fonts.example.com/x.css');\n" + style.read_text())
        assert main(["--edition", "web", "--handout", "hypercalcemia"]) == 1
    err = capsys.readouterr().err
    assert "the web page would load a file: the stylesheet loads" in err and "fonts.example.com" in err
    assert (project_copy / "out" / "web" / "hypercalcemia.html").read_bytes() == good
    listed = json.loads((project_copy / "out" / "manifest.json").read_text())["pdfs"]
    assert [e["sha256"] for e in listed if e["path"] == "web/hypercalcemia.html"] == [hashlib.sha256(good).hexdigest()]


def test_a_template_that_leaves_a_text_out_of_the_page_is_refused(project_copy, capsys):
    partial = project_copy / "templates" / "blocks" / "paragraph.html.j2"
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_text('{% if edition.format != "html" %}<p>{{ block.paragraph }}</p>{% endif %}\n')
    with inside(project_copy):
        assert main(["--edition", "web", "--handout", "hypercalcemia"]) == 1
    assert "the web page does not show: \"Often, family or friends see these signs first." in capsys.readouterr().err
    assert not (project_copy / "out" / "web" / "hypercalcemia.html").exists()


def test_the_reader_finds_a_broken_page_and_every_kind_of_loaded_file():
    def problems(check, html):
        return [p.message for p in check(HtmlSubject(read_html(html), None))]

    good = ('<!DOCTYPE html><html lang="en"><head><style>a{}</style></head><body><header><h1>T</h1></header>'
            '<main><h2>S</h2><a href="https://example.org/">source</a><img src="data:image/png;base64,AA" alt="x">'
            '</main></body></html>')
    assert problems(whole, good) == problems(self_contained, good) == problems(structure, good) == []
    assert problems(whole, good.replace("</main>", "")) == [
        "the web page is not whole: line 1: </body> closes <main> opened on line 1"]
    assert problems(whole, good.replace("<!DOCTYPE html>", "")) == ["the web page is not whole: the page has no "
                                                                     "<!DOCTYPE html>"]
    for loading in ('<img src="https://x.org/a.png" alt="">', '<link rel="stylesheet" href="//x.org/a.css">',
                    '<script src="a.js"></script>', '<p style="background: url(images/a.png)">p</p>',
                    '<svg><image href="http://x.org/a.svg"/></svg>'):
        assert problems(self_contained, good.replace("<h2>S</h2>", loading)), loading
    assert problems(self_contained, good.replace("a{}", "@import 'x.css';"))
    assert problems(structure, good.replace("<h2>S</h2>", "<h3>S</h3><h1>Again</h1>")) == [
        "the web page's structure: the page has 2 <h1> headings; it must have exactly one, the title",
        "the web page's structure: a heading <h3> follows <h1>: a level is skipped"]
    assert problems(structure, good.replace("<h2>", '<h2 id="a">').replace("<main>", '<main aria-labelledby="b">'))


@pytest.fixture(scope="module")
def scripts(tmp_path_factory) -> Path:
    """A handout in each script careprint prints (tests/scripts_project.py), built as web pages."""
    from .scripts_project import make_scripts_project

    root = make_scripts_project(tmp_path_factory.mktemp("scripts") / "project")
    with inside(root):
        assert main(["--edition", "web", "--quiet"]) == 0
    return root


def test_a_page_in_each_script_has_its_language_direction_and_fonts_inside(scripts):
    from .scripts_project import LANGUAGES, handout_id

    for language in LANGUAGES:
        path = scripts / "out" / "web" / f"{handout_id(language)}.html"
        html = page(path)
        locale = yaml.safe_load((scripts / "translations" / language / "locale.yaml").read_text(encoding="utf-8"))
        assert (html.get("lang"), html.get("dir")) == (language, locale["direction"])
        css = "".join(html.xpath("//style/text()"))
        families = re.findall(r"font-family:\s*'([^']+)';\s*font-weight", css)
        assert set(families) == set(locale["fonts"].values()), (language, families)
        assert css.count(";base64,") == 2 * len(set(families))  # regular and bold of each, cut to the page
        assert path.stat().st_size < 2_000_000, f"{path.name}: {path.stat().st_size} bytes"
        item = load_library_at(scripts).by_id[handout_id(language)]
        shown = words(html.body)
        assert not [text for _, _, text in item.handout.texts() if " ".join(text.split()) not in shown]


def test_a_translation_gets_its_own_page_saying_it_is_a_draft_in_both_languages(project_copy):
    from .test_translation import _fill

    with inside(project_copy):
        assert main(["translate", "hypercalcemia", "--language", "fr"]) == 0
        _fill(project_copy / "translations" / "fr" / "hypercalcemia.yaml")
        assert main(["translate", "hypercalcemia", "--language", "fr"]) == 0
        assert main(["--edition", "web", "--handout", "hypercalcemia", "--quiet"]) == 0
    html = page(project_copy / "out" / "web" / "hypercalcemia.fr.html")
    assert html.get("lang") == "fr" and words(html.xpath("//h1")[0]).startswith("fr: ")
    notice = html.xpath("//main/p[@class='translation-status']")
    assert len(notice) == 1 and notice[0].getparent()[0] is notice[0], "said once, first, as in the paper's margin"
    english = notice[0].xpath("span[@lang='en']")
    assert english and words(english[0]) == "Draft translation: not yet checked by a qualified medical translator."
    assert "get-help" in html.xpath("//main/*")[1].get("class"), "then the emergency box"
