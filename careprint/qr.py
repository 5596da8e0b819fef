"""The QR code printed on a handout, and the address it opens, printed beside it in words.

A handout gets a QR code only when an address is given, never a guessed one: the source the handout names as
`read_more:` (the one most about its own topic) first, else the clinic's own page (`website:` in the clinic
settings), else the first of the handout's sources that has an `address:` in reference/sources.yaml. The code is
an inline SVG made by segno, so the PDF needs no image file and its bytes do not depend on the folder the project
sits in; its <title> becomes the figure's alt text in the tagged PDF.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from markupsafe import Markup

from .locale import Locale
from .model import Clinic, Source

ERROR_LEVEL = "m"  # 15% of the code may be smudged or creased and it still reads
QUIET_ZONE = 4  # modules of white around the code, as the standard asks


@dataclass(frozen=True)
class OnlineLink:
    address: str  # the full address the code opens
    shown: str  # the address as printed for a person to type: without https://
    about: str  # what the page is, in words
    alt: str  # what a screen reader says instead of the picture

    @property
    def parts(self) -> list[str]:
        """The printed address cut after each slash, the only places a line may break in it."""
        pieces = self.shown.split("/")
        return [piece + "/" for piece in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])

    @property
    def svg(self) -> Markup:
        return qr_svg(self.address, self.alt)


def shown_address(address: str) -> str:
    """'https://cancer.ca/en/x' -> 'cancer.ca/en/x': what a reader types; every browser adds the rest."""
    for scheme in ("https://", "http://"):
        if address.startswith(scheme):
            return address[len(scheme):]
    return address


def online_link(clinic: Clinic, sources: list[Source], read_more: str | None, locale: Locale) -> OnlineLink | None:
    """The page the handout's QR code opens, or None when neither the clinic nor a source gives an address.

    The handout's own choice (`read_more:`, the source most about its topic) comes first, then the clinic's page,
    then the first source with an address.
    """
    chosen = next((s for s in sources if s.id == read_more and s.address), None)
    if chosen is None and clinic.website:
        words = locale.words
        about = words.qr_about_clinic.format(clinic=clinic.name) if clinic.name else words.qr_about_unnamed
        address = clinic.website
    else:
        source = chosen or next((s for s in sources if s.address), None)
        if source is None:
            return None
        about = f"{source.publisher}: {source.title}"
        address = source.address
    return OnlineLink(address, shown_address(address), about,
                      locale.words.qr_alt.format(address=shown_address(address)))


def qr_code(address: str) -> segno.QRCode:
    """The same address always gives the same code (segno picks the version and mask deterministically)."""
    return segno.make(address, error=ERROR_LEVEL, micro=False, boost_error=False)


def qr_svg(address: str, alt: str) -> Markup:
    """Inline SVG, sized by the stylesheet (it has a viewBox and no width or height of its own)."""
    svg = qr_code(address).svg_inline(scale=1, border=QUIET_ZONE, omitsize=True, title=alt,
                                      svgclass="qr-code", lineclass=None, dark="#000000", light="#ffffff")
    return Markup(svg)  # segno escapes the title itself
