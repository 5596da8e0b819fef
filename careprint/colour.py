"""WCAG 2 contrast arithmetic on sRGB colours, shared by the layout walk and the style gate.

Clear print asks for at least 7:1 (WCAG 2 AAA) between a text and its background. Colours are 0..1 sRGB channels;
a translucent colour is first painted over what is under it (`over`), as WeasyPrint paints it.
"""

from __future__ import annotations

MIN_CONTRAST = 7.0


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: tuple[float, float, float], background: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours given as 0..1 channels."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def srgba(color) -> tuple[float, float, float, float]:
    """A WeasyPrint computed colour (tinycss2 colour object) as 0..1 sRGB channels and alpha."""
    if hasattr(color, "to"):  # tinycss2.color4.Color: converted once per distinct colour (a page has a handful)
        return _srgb(color.space, tuple(color.coordinates), color.alpha, color)
    red, green, blue, alpha = color  # tinycss2.color3.RGBA
    return float(red), float(green), float(blue), float(alpha)


_CONVERTED: dict[tuple, tuple[float, float, float, float]] = {}


def _srgb(space, coordinates, alpha, color) -> tuple[float, float, float, float]:
    key = (space, coordinates, alpha)
    if key not in _CONVERTED:
        red, green, blue, alpha = color.to("srgb")
        _CONVERTED[key] = float(red), float(green), float(blue), float(alpha)
    return _CONVERTED[key]


def over(top: tuple[float, float, float, float], bottom: tuple[float, float, float]) -> tuple[float, float, float]:
    """`top` (with its alpha) painted over the opaque colour `bottom`."""
    red, green, blue, alpha = top
    return tuple(alpha * c + (1 - alpha) * b for c, b in zip((red, green, blue), bottom))


def hex_colour(rgb: tuple[float, float, float]) -> str:
    """(0.0, 0.2, 1.0) -> '#0033ff', clamped to the page's gamut."""
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)
