"""The language seam: every word careprint prints comes from careprint/locales/<language>.yaml.

(a) none of the moved words is left in careprint's Python or templates; (b) a locale with one word changed prints
that word in the built PDF, footer included; (c) a locale file with a mistake is named with its file and key.
"""

from __future__ import annotations

import ast
import io
import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
import yaml

from careprint import locale as locale_module
from careprint.library import load_library
from careprint.locale import LOCALE_DIR, load_locale
from careprint.problems import ContentError
from careprint.project import ALL_EDITIONS, PAPER_SIZES, ROOT, Project
from careprint.render import jinja_environment, render_html, render_pdf

# Words careprint printed from Python or templates before the locale file held them.
MOVED = [
    "Emergency: get help now", "Stop sign", "Call your care team right away", "nearest emergency department",
    "Call your care team within 24 hours", "Tell your care team at your next visit", "(continued)",
    "The warning signs start on page", "Get help now for", "The numbers to call are in the emergency box",
    "Other signs", "Why act fast", "Find your sign in one of the boxes", "This sheet is based on information from",
    "Reviewed {", "Draft, not yet approved", "draft, not approved", "Daytime", "After hours", "Urgent line",
    "Information for you to keep", "This page is left blank on purpose", "Your care team's phone number",
    "Your name", "Today's date", "Your next appointment", "Packet page {", "information for patients",
    "Your clinic's page for patients", "QR code that opens the web page", "The most important things to know",
    "How to reach your care team", "Read more online", "Scan the code with a phone camera",
    "Where this information comes from", "This handout is for learning", "In this packet", "For you to fill in",
    "Look for the page number", "Phone:", "When to get help: ", " symbol<", "Your cancer care team",
    "Call 911", "call 911",
]


def _printed_code(path: Path) -> str:
    """What a file could print: a module's string literals without its docstrings, a template without comments."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".j2":
        return re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    tree = ast.parse(text)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)}
    return "\n".join(node.value for node in ast.walk(tree)
                     if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings)


def _code_files() -> list[Path]:
    return sorted([*(ROOT / "careprint").rglob("*.py"), *(ROOT / "templates").rglob("*.j2")])


@pytest.mark.parametrize("phrase", MOVED)
def test_no_printed_word_is_left_in_python_or_templates(phrase):
    assert phrase in (LOCALE_DIR / "en.yaml").read_text(encoding="utf-8").replace("\\u00a0", " ") or \
        phrase in ("Reviewed {", "Packet page {", " symbol<", "Call 911", "call 911")
    found = [path.as_posix() for path in _code_files()
             if phrase in _printed_code(path)]
    assert found == [], f"{phrase!r} is printed from {found}: move it to careprint/locales/en.yaml"


def test_the_footer_page_words_are_not_in_the_stylesheet():
    css = (ROOT / "styles" / "base.css").read_text(encoding="utf-8")
    assert 'content: "Page' not in css and " of\\00A0" not in css


def _locale_copy(tmp_path: Path, change) -> Path:
    folder = tmp_path / "locales"
    folder.mkdir()
    data = yaml.safe_load((LOCALE_DIR / "en.yaml").read_text(encoding="utf-8"))
    change(data)
    (folder / "en.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def test_a_changed_word_is_printed_in_the_pdf(tmp_path, monkeypatch, project_root):
    def change(data):
        data["triage"]["emergency"]["label"] = "Emergency: get help at once"
        data["words"]["page_number"] = "Sheet\u00a0{page} out of\u00a0{pages}"
        data["emergency_number"] = "112"

    monkeypatch.setattr(locale_module, "LOCALE_DIR", _locale_copy(tmp_path, change))
    library = load_library(Project(root=project_root))
    item = library.by_id["hypercalcemia"]
    edition = ALL_EDITIONS["plain-language"]
    env = jinja_environment(library.project.templates)
    html = render_html(item.handout, edition, library.clinic, library.sources_of(item.handout), env)
    result = render_pdf(html, library.project, edition, PAPER_SIZES["letter"])
    with pdfplumber.open(io.BytesIO(result.pdf)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    text = "\n".join(pages)
    assert "Emergency: get help at once" in text and "Emergency: get help now" not in text
    assert f"Sheet 1 out of {len(pages)}" in " ".join(pages[0].split())  # the footer, no-break spaces included
    assert "emergency department or call 112. Do not drive yourself." in " ".join(text.split())  # the handout's
    # own words may still say 911: content is the author's, not careprint's


def test_the_english_footer_is_unchanged():
    assert load_locale("en").words.page_number_parts == ("Page\u00a0", " of\u00a0", "")


def test_the_packet_page_words_surround_the_number_with_the_total_filled_in(tmp_path):
    assert load_locale("en").packet.page_number_parts(16) == ("Packet page ", " of 16")
    folder = _locale_copy(tmp_path, lambda data: data["packet"].update(page_number="{total} pages, this is {page}"))
    assert load_locale("en", folder).packet.page_number_parts(16) == ("16 pages, this is ", "")
    css = re.sub(r"/\*.*?\*/", "", (ROOT / "styles" / "packet.css").read_text(encoding="utf-8"), flags=re.S)
    assert "Packet page" not in css and 'content: "' not in css


@pytest.mark.parametrize("change,key", [
    (lambda data: data["triage"]["call_today"].pop("action"), "triage.call_today.action"),
    (lambda data: data["words"].pop("write_in"), "words.write_in"),
    (lambda data: data["packet"].update(cover_subtitle="Extra"), "packet.cover_subtitle"),
    (lambda data: data["plain_language"].update(word="[a-z"), "plain_language.word"),
    (lambda data: data["words"].update(page_number="Page {page}"), "words.page_number"),
    (lambda data: data["packet"].update(page_number="Packet page {page}"), "packet.page_number"),
    (lambda data: data["packet"].update(page_number="{page} of {total} ({pages})"), "packet.page_number"),
    (lambda data: data["fonts"].update(Latin="Comic Sans"), ""),
])
def test_a_locale_mistake_names_the_file_and_key(tmp_path, change, key):
    folder = _locale_copy(tmp_path, change)
    with pytest.raises(ContentError) as caught:
        load_locale("en", folder)
    message = str(caught.value)
    assert str(folder / "en.yaml") in message and key in message
    assert "Traceback" not in message


def test_a_language_without_a_locale_file_is_named(tmp_path):
    shutil.copytree(LOCALE_DIR, tmp_path / "locales")
    with pytest.raises(ContentError, match="no locale file for the language 'de'"):
        load_locale("de", tmp_path / "locales")


def test_a_locale_file_must_be_for_its_own_language(tmp_path):
    """Its language is every page's lang attribute, which a screen reader reads the page in."""
    (tmp_path / "locales").mkdir()
    shutil.copy(LOCALE_DIR / "en.yaml", tmp_path / "locales" / "fr.yaml")
    with pytest.raises(ContentError, match="says language 'en', but it is the locale file for 'fr'"):
        load_locale("fr", tmp_path / "locales")


def test_a_changed_locale_file_changes_the_build_fingerprint(tmp_path, monkeypatch):
    """An incremental build must remake every PDF when a printed word changes."""
    from careprint import plan

    package = tmp_path / "careprint"
    shutil.copytree(ROOT / "careprint", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(plan, "PACKAGE_DIR", package)
    plan.code_fingerprint.cache_clear()
    before = plan.code_fingerprint()
    english = package / "locales" / "en.yaml"
    english.write_text(english.read_text(encoding="utf-8").replace("Other signs", "More signs"), encoding="utf-8")
    plan.code_fingerprint.cache_clear()
    after = plan.code_fingerprint()
    plan.code_fingerprint.cache_clear()
    assert before != after
