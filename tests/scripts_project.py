"""A test project with one handout in each script careprint prints (tests/fixtures/scripts/): French, Vietnamese,
Simplified and Traditional Chinese, Punjabi (Gurmukhi) and Farsi (right to left), each with a test locale made
from careprint/locales/en.yaml as a clinic makes one (translations/<language>/locale.yaml)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from careprint.locale import LOCALE_DIR

from .conftest import make_project

SCRIPTS = Path(__file__).resolve().parent / "fixtures" / "scripts"
LANGUAGES = ("fr", "vi", "zh-Hans", "zh-Hant", "pa", "fa")


def handout_id(language: str) -> str:
    return f"calcium-{language.lower()}"


def locale_text(language: str) -> str:
    """en.yaml with the language's name, script, fonts, direction and a few words in its script."""
    changes = yaml.safe_load((SCRIPTS / "locales.yaml").read_text(encoding="utf-8"))[language]
    locale = yaml.safe_load((LOCALE_DIR / "en.yaml").read_text(encoding="utf-8"))
    locale.update(language=language, direction=changes.get("direction", "ltr"),
                  **{key: changes[key] for key in ("name", "english_name", "script", "fonts")})
    locale["words"].update(changes["words"])
    # The plain-language rules are the lead's (issue 14): here only rules that let the test text through, and no
    # English readability formula.
    locale["plain_language"].update(word=r"\w+", max_sentence=60, readability={},
                                    sentence_break=changes.get("sentence_break", locale["plain_language"]["sentence_break"]))
    for level, words in changes["triage"].items():
        locale["triage"][level].update(words)
    return yaml.safe_dump(locale, allow_unicode=True, sort_keys=False, width=1000)


def make_scripts_project(target: Path) -> Path:
    """The fixture project with only the handouts in other scripts, and their languages' locale files."""
    make_project(target, handouts=False)
    for path in sorted((SCRIPTS / "handouts").glob("*.yaml")):
        shutil.copy(path, target / "handouts" / path.name)
    for language in LANGUAGES:
        folder = target / "translations" / language
        folder.mkdir(parents=True)
        (folder / "locale.yaml").write_text(locale_text(language), encoding="utf-8")
    return target
