"""Translations bound to their English text (careprint.translation, careprint.translate): the file `translate`
writes, the translated PDF and what every page says about it, out of date when the English changes, approval by a
translator. Each test works on its own copy of the fixture project, translated here into French by a marker."""

from __future__ import annotations

import json

import pypdfium2
import pytest
import yaml

from careprint.cli import main

from .conftest import inside, make_project

HANDOUT = "hypercalcemia"


def _fill(path, mark="fr: "):
    """Translate every text of a translation file by a marker (the tests need French-tagged text, not French)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for pair in data["texts"]:
        pair["translation"] = pair["translation"] or mark + pair["english"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")


@pytest.fixture(scope="module")
def translated(tmp_path_factory):
    """A project with a complete, recorded French translation of the hypercalcemia handout, built."""
    root = make_project(tmp_path_factory.mktemp("translated") / "project")
    with inside(root):
        assert main(["translate", HANDOUT, "--language", "fr"]) == 0
        path = root / "translations" / "fr" / f"{HANDOUT}.yaml"
        _fill(path)
        assert main(["translate", HANDOUT, "--language", "fr"]) == 0  # records the English it translates
        # (not braille: the marker "translations" are English words, which French braille does not read back)
        assert main(["build", "--handout", HANDOUT, "--edition", "large-print", "--edition", "plain-language",
                     "--out", str(root / "out")]) == 0
    return root


def _pages(path) -> list[str]:
    document = pypdfium2.PdfDocument(path)
    try:
        return [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    finally:
        document.close()


def test_translate_writes_every_english_text_once_in_reading_order(project_copy, capsys):
    with inside(project_copy):
        assert main(["translate", HANDOUT, "--language", "fr"]) == 0
    data = yaml.safe_load((project_copy / "translations/fr" / f"{HANDOUT}.yaml").read_text(encoding="utf-8"))
    english = [pair["english"] for pair in data["texts"]]
    assert english[0] == "High calcium in the blood" and len(english) == len(set(english))
    assert all(pair["translation"] == "" for pair in data["texts"])
    assert data["english_fingerprint"] is None, "nothing is recorded until every text is translated"
    assert data["review"]["status"] == "draft"
    assert "texts to translate" in capsys.readouterr().out


def test_the_translation_is_its_own_pdf_with_a_draft_notice_on_every_page(translated):
    pdf = translated / "out" / "large-print" / f"{HANDOUT}.fr.pdf"
    pages = _pages(pdf)
    assert "fr: High calcium in the blood" in pages[0]
    for text in pages:
        assert "pas encore vérifiée par un traducteur médical qualifié" in text
        assert "not yet checked by a qualified medical translator" in text
    manifest = json.loads((translated / "out" / "manifest.json").read_text())
    entry = next(e for e in manifest["pdfs"] if e["path"] == f"large-print/{HANDOUT}.fr.pdf")
    assert entry["language"] == "fr" and entry["translation_status"] == "draft" and entry["translation_current"]
    with pikepdf_open(pdf) as opened:
        assert str(opened.Root.Lang) == "fr"


def pikepdf_open(path):
    import pikepdf

    return pikepdf.open(path)


def test_a_changed_english_sentence_makes_the_translation_out_of_date(translated, tmp_path, capsys):
    root = make_project(tmp_path / "project")
    (root / "translations").mkdir()
    import shutil

    shutil.copytree(translated / "translations" / "fr", root / "translations" / "fr")
    handout = root / "handouts" / f"{HANDOUT}.yaml"
    handout.write_text(handout.read_text(encoding="utf-8").replace(
        "It is not caused by the food you eat.", "It is not caused by what you eat."), encoding="utf-8")
    with inside(root):
        capsys.readouterr()
        assert main(["check"]) == 0
        said = capsys.readouterr()
        assert ('the English text changed: it was "It is not caused by the food you eat. You do not need to eat less '
                'calcium." and is now "It is not caused by what you eat.') in said.out + said.err
        assert main(["check", "--release"]) != 0
        assert main(["build", "--handout", HANDOUT, "--edition", "plain-language", "--out", str(root / "out")]) == 0
    text = " ".join(_pages(root / "out" / "plain-language" / f"{HANDOUT}.fr.pdf"))
    assert "The English handout has changed: this translation may not match it." in text
    assert "It is not caused by what you eat." in text, "an untranslated text is printed in English, not left out"


def test_a_translator_approval_is_recorded_and_removes_the_notice(translated, tmp_path):
    root = make_project(tmp_path / "project")
    import shutil

    shutil.copytree(translated / "translations", root / "translations")
    with inside(root):
        assert main(["approve", HANDOUT, "--language", "fr", "--by", "A. Tremblay", "--on", "2026-11-02",
                     "--today", "2026-11-30"]) == 0
        assert main(["build", "--handout", HANDOUT, "--edition", "plain-language", "--out", str(root / "out")]) == 0
    data = yaml.safe_load((root / "translations/fr" / f"{HANDOUT}.yaml").read_text(encoding="utf-8"))
    assert data["review"]["status"] == "approved" and data["review"]["fingerprint"].startswith("sha256:")
    text = " ".join(_pages(root / "out" / "plain-language" / f"{HANDOUT}.fr.pdf"))
    assert "Traduction provisoire" not in text and "Draft translation" not in text
    assert "A. Tremblay" in text


def test_a_translation_of_an_unknown_handout_names_the_file_and_line(project_copy, capsys):
    path = project_copy / "translations" / "fr" / "no-such-handout.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("language: fr\ntranslates: no-such-handout\nenglish_version: \"1.0\"\nreview:\n  status: draft\n"
                    "  next_review: 2027-01-01\ntexts:\n  - english: A\n    translation: B\n", encoding="utf-8")
    with inside(project_copy):
        assert main(["check"]) != 0
    said = capsys.readouterr().err
    assert "translations/fr/no-such-handout.yaml:2: translates: there is no handout 'no-such-handout'" in said
    assert "Traceback" not in said


def test_the_bilingual_edition_prints_each_text_in_both_languages_each_marked_with_its_own(translated):
    root = translated
    with inside(root):
        assert main(["build", "--handout", HANDOUT, "--edition", "bilingual", "--out", str(root / "out")]) == 0
    pdf = root / "out" / "bilingual" / f"{HANDOUT}.fr.pdf"
    text = " ".join(_pages(pdf))
    for english in ("High calcium in the blood", "It is not caused by the food you eat."):
        assert f"fr: {english}" in text and text.replace(f"fr: {english}", "").count(english) >= 1
    # the action a frightened reader needs, in both languages
    assert "Appelez votre équipe soignante tout de suite" in text and "Call your care team right away" in text
    import pikepdf

    with pikepdf.open(pdf) as opened:
        assert str(opened.Root.Lang) == "fr"
        marked = b"".join(page.Contents.read_bytes() for page in opened.pages if "/Contents" in page)
    assert marked.count(b"/Lang (en)") >= 10, "each English part is marked as English for a screen reader"
    assert not (root / "out" / "bilingual" / f"{HANDOUT}.pdf").exists(), "English alone has no bilingual edition"


def test_a_packet_of_translations_says_what_they_are_on_every_page(translated, tmp_path):
    out = tmp_path / "packet.pdf"
    with inside(translated):
        assert main(["packet", HANDOUT, "--language", "fr", "--edition", "plain-language", "--out", str(out)]) == 0
        assert main(["packet", HANDOUT, "--language", "vi", "--out", str(tmp_path / "none.pdf")]) == 2
    pages = _pages(out)
    assert "fr: High calcium in the blood" in " ".join(pages)
    for text in pages[1:]:  # the cover is careprint's own words; each handout page says it is a draft translation
        if "fr:" in text:
            assert "qualified medical translator" in text
    assert not (tmp_path / "none.pdf").exists()
