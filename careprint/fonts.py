"""The typefaces careprint sets text in, one family per script, and the files each one comes from.

Kept apart from rendering so that cheap stages (input hashing, verification, the content checks) can name the
fonts without importing WeasyPrint. Which family a language uses for which script is declared in its locale
(careprint/locales/<language>.yaml, `fonts`); this module only knows the families' files:

- Atkinson Hyperlegible (Latin) from its PyPI package, as before.
- Noto Sans (Vietnamese), Noto Sans Gurmukhi (Punjabi) and Noto Naskh Arabic (Farsi) from Debian's fonts-noto-core.
  PyPI has fontpkg-noto-sans, but only as a variable font: WeasyPrint 70 instantiates it on every write, and its
  text layer then read "gRọi" for "gọi" (measured); Debian's static 2020 files read back right. PyPI has no
  Gurmukhi or Naskh package; Debian's 2020 Naskh reads back every Persian word (a newer Noto Arabic build did not).
- Noto Sans CJK SC and TC (Chinese) from Debian's fonts-noto-cjk. Its .ttc collections hold the JP, KR, SC, TC
  and HK faces together; WeasyPrint's @font-face loads a whole collection and leaves the choice of face to
  Fontconfig. So the SC or TC face is copied out of the collection once, byte for byte the same on every machine
  (careprint.fonts.prepare), into careprint's cache, and only that face is ever served.

Regular and bold only: clear-print rules forbid italics, so no italic face is offered to fall back on.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import fontpkg_atkinson_hyperlegible as font_package

DEBIAN_CORE = Path("/usr/share/fonts/truetype/noto")  # fonts-noto-core
DEBIAN_CJK = Path("/usr/share/fonts/opentype/noto")  # fonts-noto-cjk


def _cache_root() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "careprint" / "fonts"


@dataclass(frozen=True)
class Family:
    """One family careprint sets text in: the folder its files are served from and each file by weight. A face
    taken out of a collection names the collection and the face's index there (`collection`, by weight)."""

    name: str
    source: str  # where it comes from, for people: a PyPI or Debian package
    folder: Path
    files: dict[int, str]
    collection: dict[int, tuple[Path, int]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return font_key(self.name)

    def originals(self) -> list[Path]:
        """The files careprint's fonts are read from: what a font change changes (careprint.plan)."""
        if self.collection:
            return sorted({path for path, _ in self.collection.values()})
        return [self.folder / name for name in self.files.values()]


def font_key(family: str) -> str:
    """'Atkinson Hyperlegible' -> 'atkinson-hyperlegible': how the family's stylesheet and font addresses name it."""
    return "-".join(family.lower().split())


def _from_collection(name: str, face: str, index: int) -> Family:
    """A CJK family: the face `index` of Debian's Regular and Bold collections, served from careprint's cache. The
    cache folder is named after the collections' sizes and dates, so an updated package is copied out again."""
    sources = {400: DEBIAN_CJK / "NotoSansCJK-Regular.ttc", 700: DEBIAN_CJK / "NotoSansCJK-Bold.ttc"}
    stamp = hashlib.sha256(repr([(p.name, *(_stat(p))) for p in sources.values()]).encode()).hexdigest()[:12]
    return Family(name, "Debian fonts-noto-cjk", _cache_root() / f"{font_key(name)}-{stamp}",
                  {400: f"NotoSansCJK{face}-Regular.otf", 700: f"NotoSansCJK{face}-Bold.otf"},
                  {weight: (path, index) for weight, path in sources.items()})


def _stat(path: Path) -> tuple[int, int]:
    try:
        found = path.stat()
    except OSError:
        return 0, 0
    return found.st_size, found.st_mtime_ns


def _debian(name: str, stem: str) -> Family:
    return Family(name, "Debian fonts-noto-core", DEBIAN_CORE, {400: f"{stem}-Regular.ttf", 700: f"{stem}-Bold.ttf"})


FONT_FAMILY = font_package.FAMILY  # English's family, and the one text falls back to naming in messages
FONT_DIR = font_package.ROOT / "files"
FONT_FILES = {400: "AtkinsonHyperlegible-Regular.ttf", 700: "AtkinsonHyperlegible-Bold.ttf"}
FAMILIES: dict[str, Family] = {family.name: family for family in (
    Family(FONT_FAMILY, "PyPI fontpkg-atkinson-hyperlegible", FONT_DIR, FONT_FILES),
    _debian("Noto Sans", "NotoSans"),
    _debian("Noto Sans Gurmukhi", "NotoSansGurmukhi"),
    _debian("Noto Naskh Arabic", "NotoNaskhArabic"),
    _from_collection("Noto Sans CJK SC", "sc", 2),
    _from_collection("Noto Sans CJK TC", "tc", 3),
)}
# Each family careprint can set text in -> its files by weight.
FONT_FAMILIES = {name: family.files for name, family in FAMILIES.items()}
# `font:<key>/<file>` in a font stylesheet -> the folder of that family's files (careprint.render's fetcher).
FONT_FOLDERS = {family.key: family.folder for family in FAMILIES.values()}


def family(name: str) -> Family:
    """The family careprint ships by that name; a ValueError names the families there are."""
    if name not in FAMILIES:
        raise ValueError(f"careprint has no font files for the family {name!r}; it has {', '.join(FAMILIES)}")
    return FAMILIES[name]


def font_files(name: str) -> dict[int, str]:
    """The files of a family careprint ships, by weight; a ValueError names the families there are."""
    return family(name).files


def font_stylesheet(name: str) -> str:
    """The family's @font-face sheet under styles/ (loaded before base.css): static CSS, never written here."""
    return f"fonts/{font_key(name)}.css"


def embedded_names(name: str) -> tuple[str, str]:
    """The names a family's regular and bold faces embed under in a PDF, which is what its font list shows:
    WeasyPrint names them after the family in the stylesheet, 'Noto Sans CJK SC' -> 'Noto-Sans-CJK-SC(-Bold)'."""
    base = "-".join(name.split())
    return base, f"{base}-Bold"


FONT_NAMES = embedded_names(FONT_FAMILY)


def prepare(name: str) -> None:
    """Make the family's files ready to serve: a face of a collection is copied out of it once (atomically, the
    same bytes on every machine: no timestamp is rewritten). A collection that is not installed is left alone: the
    fetcher then refuses the missing file and the build says so."""
    found = family(name)
    for weight, (collection, index) in found.collection.items():
        target = found.folder / found.files[weight]
        if target.is_file() or not collection.is_file():
            continue
        from fontTools.ttLib import TTFont

        found.folder.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with TTFont(collection, fontNumber=index, lazy=True, recalcTimestamp=False, recalcBBoxes=False) as font:
            font.save(temporary, reorderTables=True)
        os.replace(temporary, target)


@cache
def covered_characters(name: str = FONT_FAMILY) -> frozenset[int]:
    """The characters both faces of a family can print (their cmaps), read once with fontTools."""
    from fontTools.ttLib import TTFont

    found, covered = family(name), None
    for weight, file in found.files.items():
        path, index = found.collection.get(weight, (found.folder / file, -1))
        if not path.is_file():
            return frozenset()  # not installed: every character is reported missing, and the build says why
        with TTFont(path, fontNumber=index, lazy=True) as font:
            codes = set(font.getBestCmap())
        covered = codes if covered is None else covered & codes
    return frozenset(covered or ())


def language_families(language: str | None) -> tuple[str, ...]:
    """The families a language's text is set in, its main script's first (its locale's `fonts`); for None (a
    check made before the language is known), every family careprint ships."""
    from .locale import known_language, load_locale

    if language is None:
        return tuple(FAMILIES)
    known = known_language(language)
    return load_locale(known).font_stack if known else (FONT_FAMILY,)


def families_shown(language: str | None) -> str:
    """'Noto Sans Gurmukhi or Atkinson Hyperlegible': the fonts a language's text may be printed in, for messages."""
    return " or ".join(language_families(language))


def missing_characters(text: str, language: str | None = "en") -> list[str]:
    """The characters of `text` that none of the language's fonts can print, each once, in order. White space,
    control and invisible formatting characters (a Persian zero-width non-joiner included) print nothing and are
    left out; text is composed first (NFC), as the shaper does, so an accent typed as a separate mark counts as the
    accented letter."""
    covered = frozenset().union(*(covered_characters(name) for name in language_families(language)))
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


def character_advice(ch: str, fonts: str = FONT_FAMILY) -> str:
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
        return (f"{fonts} has no such letter: write the word with letters it has (for a name, the letters "
                "without that accent or mark), or leave it out")
    return "write it in words instead, or leave it out"
