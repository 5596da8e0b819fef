#!/usr/bin/env python3
"""Build every handout in every edition: `python make_pdfs.py` (see `python make_pdfs.py --help`)."""

import sys

if sys.version_info < (3, 11):  # noqa: UP036 (this file must run on an older Python, to say so)
    sys.exit(f"careprint needs Python 3.11 or later; this is Python {sys.version.split()[0]} ({sys.executable}): "
             "run ./setup.sh, then use .venv/bin/python make_pdfs.py")
try:
    from careprint.cli import main
except ModuleNotFoundError as error:  # the wrong Python, or careprint not set up yet
    if (error.name or "").split(".")[0] == "careprint":
        raise
    sys.exit(f"careprint needs the Python package '{error.name}', which this Python ({sys.executable}) does not "
             "have: run ./setup.sh, then use .venv/bin/python make_pdfs.py")

if __name__ == "__main__":
    sys.exit(main())
