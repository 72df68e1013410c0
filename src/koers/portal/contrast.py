"""Colour contrast of the organisation's portal colour (WCAG 2.x).

The portal puts the organisation's colour behind white text (the header, buttons) and uses
it as the colour of links on the white page. Both need a contrast ratio of at least 4.5:1
(WCAG 2.x, success criterion 1.4.3, normal text); with a white page both are the same ratio,
the colour against white. The branding form refuses a colour below that and proposes the
nearest darker shade of it that passes (``accessible_shade``); the portal's theme
stylesheet uses that shade too for a colour stored before this check existed.
"""

import re

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE = "#ffffff"
MINIMUM_TEXT_RATIO = 4.5


def _channels(colour: str) -> tuple[int, int, int]:
    if not HEX.match(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a #rrggbb colour (0: black, 1: white)."""

    def linear(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(value) for value in _channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.x contrast ratio of two #rrggbb colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def is_readable_with_white(colour: str) -> bool:
    """White text on the colour, and the colour as text on a white page, are readable."""
    return contrast_ratio(colour, WHITE) >= MINIMUM_TEXT_RATIO


def accessible_shade(colour: str) -> str:
    """The colour itself when it is readable with white; else the lightest darker shade of
    it (same hue, every channel scaled down together) that is. Lower case #rrggbb."""
    colour = colour.lower()
    if is_readable_with_white(colour):
        return colour
    red, green, blue = _channels(colour)
    low, high = 0.0, 1.0  # scale factors: ``low`` always passes (black), ``high`` fails
    for _ in range(30):
        middle = (low + high) / 2
        if is_readable_with_white(_scaled(red, green, blue, middle)):
            low = middle
        else:
            high = middle
    return _scaled(red, green, blue, low)


def _scaled(red: int, green: int, blue: int, factor: float) -> str:
    return "#" + "".join(f"{int(value * factor):02x}" for value in (red, green, blue))


def tint(colour: str, share: float) -> str:
    """The colour mixed with white (``share`` of the colour, 0..1): a light background."""
    return "#" + "".join(
        f"{round(255 - (255 - value) * share):02x}" for value in _channels(colour.lower())
    )
