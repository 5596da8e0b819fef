"""The one typeface careprint sets text in: Atkinson Hyperlegible, from the PyPI package that ships its TTFs.

Kept apart from rendering so that cheap stages (input hashing, verification) can name the fonts without
importing WeasyPrint.
"""

import fontpkg_atkinson_hyperlegible as font_package

FONT_FAMILY = font_package.FAMILY
FONT_DIR = font_package.ROOT / "files"
# Regular and bold only: clear-print rules forbid italics, so no italic face is offered to fall back on.
FONT_FILES = {400: "AtkinsonHyperlegible-Regular.ttf", 700: "AtkinsonHyperlegible-Bold.ttf"}
# The PostScript names these files embed under, which is what a PDF's font list shows.
FONT_NAMES = ("Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold")
