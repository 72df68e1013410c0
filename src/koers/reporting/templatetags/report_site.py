"""Filters of the report website: stored rich text sanitised again as it is written, and
colours that can only be colours."""

import re

from django import template
from django.utils.safestring import mark_safe

from koers.plans.richtext import sanitise
from koers.reporting.richtext import plain

register = template.Library()
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
GREY = "#8a8f98"


@register.filter
def rich(html) -> str:
    """Rich text as the app shows it: sanitised by the same rules as on the way in, so
    that a page of the report never depends on what the database holds being clean."""
    return mark_safe(sanitise(plain(html)))  # nh3 output: safe by construction


@register.filter
def colour(value) -> str:
    """A '#rrggbb' colour for inside a style attribute or sheet; grey for anything else."""
    return value if isinstance(value, str) and COLOUR.fullmatch(value) else GREY


RICH_HEADING = re.compile(r"<(/?)h[34]>")  # nh3 writes them without attributes


@register.filter
def print_rich(html) -> str:
    """Rich text for the PDF: sanitised as above, then without links (a printed page
    leads nowhere; the text stays) and with its headings as bold paragraphs, so that the
    document's headings (and bookmarks) are the report's own."""
    import nh3

    from koers.plans.richtext import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

    kept = nh3.clean(
        sanitise(plain(html)), tags=ALLOWED_TAGS - {"a"}, attributes=ALLOWED_ATTRIBUTES
    )
    kept = RICH_HEADING.sub(lambda match: "</p>" if match[1] else '<p class="rich-heading">', kept)
    return mark_safe(kept)  # nh3 output, and a fixed tag in place of another
