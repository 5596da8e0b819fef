#!/usr/bin/env python3
"""Build every handout in every edition: `python make_pdfs.py` (see `python make_pdfs.py --help`)."""

import sys

from careprint.cli import main

if __name__ == "__main__":
    sys.exit(main())
