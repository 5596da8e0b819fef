"""The one typeface careprint sets text in: Atkinson Hyperlegible, from the PyPI package that ships its TTFs.

Kept apart from rendering so that cheap stages (input hashing, verification) can name the fonts without
importing WeasyPrint.
"""

import unicodedata
from functools import lru_cache

import fontpkg_atkinson_hyperlegible as font_package

FONT_FAMILY = font_package.FAMILY
FONT_DIR = font_package.ROOT / "files"
# Regular and bold only: clear-print rules forbid italics, so no italic face is offered to fall back on.
FONT_FILES = {400: "AtkinsonHyperlegible-Regular.ttf", 700: "AtkinsonHyperlegible-Bold.ttf"}
# The PostScript names these files embed under, which is what a PDF's font list shows.
FONT_NAMES = ("Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold")
# Each family careprint can set text in -> its files by weight. Which family a language uses is declared in its
# locale (careprint/locales/<language>.yaml); this module only finds the files.
FONT_FAMILIES = {FONT_FAMILY: FONT_FILES}


def font_files(family: str) -> dict[int, str]:
    """The files of a family careprint ships, by weight; a ValueError names the families there are."""
    if family not in FONT_FAMILIES:
        raise ValueError(f"careprint has no font files for the family {family!r}; it has {', '.join(FONT_FAMILIES)}")
    return FONT_FAMILIES[family]


def font_key(family: str) -> str:
    """'Atkinson Hyperlegible' -> 'atkinson-hyperlegible': how the family's stylesheet and font addresses name it."""
    return "-".join(family.lower().split())


def font_stylesheet(family: str) -> str:
    """The family's @font-face sheet under styles/ (loaded before base.css): static CSS, never written here."""
    return f"fonts/{font_key(family)}.css"


# `font:<key>/<file>` in a font stylesheet -> that file in the family's package (careprint.render's fetcher).
FONT_FOLDERS = {font_key(family): FONT_DIR for family in FONT_FAMILIES}


@lru_cache(maxsize=1)
def covered_characters() -> frozenset[int]:
    """The characters both faces can print (their cmaps), read once with fontTools."""
    from fontTools.ttLib import TTFont

    covered = None
    for name in FONT_FILES.values():
        with TTFont(FONT_DIR / name, lazy=True) as font:
            codes = set(font.getBestCmap())
        covered = codes if covered is None else covered & codes
    return frozenset(covered or ())


def missing_characters(text: str) -> list[str]:
    """The characters of `text` the font cannot print, each once, in order. White space, control and invisible
    formatting characters print nothing and are left out; text is composed first (NFC), as the shaper does, so an
    accent typed as a separate mark counts as the accented letter."""
    covered = covered_characters()
    found = dict.fromkeys(ch for ch in unicodedata.normalize("NFC", text) if ord(ch) not in covered
                          and not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf"))
    return list(found)


def describe_character(ch: str, show: bool = True) -> str:
    """"'→' (U+2192 RIGHTWARDS ARROW)"; an invisible character, or with show=False, by its code and name only."""
    name = unicodedata.name(ch, "unnamed character")
    code = f"U+{ord(ch):04X} {name}"
    if not show or unicodedata.category(ch) in ("Cf", "Mn", "Me", "Zl", "Zp"):
        return code
    return f"'{ch}' ({code})"


def character_advice(ch: str) -> str:
    """What an author should do instead of a character the font lacks."""
    code = ord(ch)
    if ch in "\u2010\u2011":
        return "type an ordinary hyphen (-) instead"
    if unicodedata.category(ch) == "Cf":
        return "it is an invisible formatting character: delete it"
    if 0x2190 <= code <= 0x21FF or 0x27F0 <= code <= 0x27FF or 0x2900 <= code <= 0x297F:
        return "write it in words instead, for example 'then' or 'go to'"
    if code in (0x2713, 0x2714, 0x2705, 0x2611, 0x2612, 0x2717, 0x2718):
        return "write it in words instead, for example 'yes', 'done' or 'no'"
    if unicodedata.category(ch).startswith("L") or unicodedata.category(ch).startswith("M"):
        return (f"{FONT_FAMILY} has no such letter: write the word with letters it has (for a name, the letters "
                "without that accent or mark), or leave it out")
    return "write it in words instead, or leave it out"
