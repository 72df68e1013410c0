"""The organisation's colour as NL Design System design tokens (CSS custom properties).

The portal's look comes from the NL Design System component library
(``@utrecht/component-library-css``, vendored under ``static/koers/vendor/``); its
components read ``--utrecht-*`` tokens. ``portal.css`` sets those tokens for Koers from a
few ``--koers-brand*`` properties, and this module writes those properties for one
organisation: a small stylesheet served at ``/<organisation>/theme.css`` (a stylesheet from
Koers itself, so the Content-Security-Policy needs no inline style and cached pages no
nonce). The colour is the stored one when white text on it is readable, else its accessible
shade (``contrast.accessible_shade``).
"""

from koers.portal.contrast import HEX, accessible_shade, tint

DEFAULT_COLOUR = "#1d4f91"


def brand_tokens(colour: str) -> dict[str, str]:
    """The ``--koers-brand*`` properties for an organisation colour (#rrggbb)."""
    if not HEX.match(colour or ""):
        colour = DEFAULT_COLOUR
    brand = accessible_shade(colour)
    darker = "#" + "".join(f"{int(int(brand[i : i + 2], 16) * 0.75):02x}" for i in (1, 3, 5))
    return {
        "--koers-brand": brand,
        "--koers-brand-dark": darker,
        "--koers-brand-soft": tint(brand, 0.08),
        "--koers-brand-line": tint(brand, 0.35),
    }


def theme_css(colour: str) -> str:
    """The stylesheet of one organisation's portal theme."""
    lines = [f"  {name}: {value};" for name, value in brand_tokens(colour).items()]
    return ".koers-theme {\n" + "\n".join(lines) + "\n}\n"
