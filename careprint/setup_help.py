"""What to tell a person whose machine lacks something careprint needs, and how they get it.

Why this module exists: a clinic's computer may have the wrong Python, an install that stopped half-way, or no
HarfBuzz subsetting library. None of that is a bug in careprint or a mistake in the content, and none of it may
cost the clinic its PDFs or end in a traceback: each gets one plain message naming the missing piece and the
command that installs it.
"""

from __future__ import annotations

import sys

# Where a module careprint imports comes from, when its package's name is not the module's.
PACKAGES = {"yaml": "pyyaml", "fontpkg_atkinson_hyperlegible": "fontpkg-atkinson-hyperlegible",
            "pypdfium2": "pypdfium2", "PIL": "pillow", "fontTools": "fonttools"}


def missing_module(name: str | None) -> str:
    """A missing Python package, named, with the command that installs everything careprint needs."""
    top = (name or "").split(".")[0]
    return (f"careprint needs the Python package '{PACKAGES.get(top, top)}', which this Python ({sys.executable}) "
            "does not have: run ./setup.sh in the careprint folder, then use .venv/bin/python make_pdfs.py (or, in "
            "your own environment, pip install careprint)")


def subsetting_note() -> str | None:
    """What to say, once, when this machine lacks HarfBuzz's font-subsetting library: the PDFs are still made
    (WeasyPrint subsets the fonts with fontTools instead), but their bytes differ from other machines'."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0):
        return None
    return ("this computer lacks HarfBuzz's font-subsetting library (libharfbuzz-subset0, version 4.1 or later), so "
            "the fonts are subset with fontTools: the PDFs are fine to print, but their bytes differ from PDFs made "
            "on a machine that has it; to get identical PDFs everywhere, install it (on Debian or Ubuntu: sudo "
            "apt-get install libharfbuzz-subset0, which ./setup.sh does)")
