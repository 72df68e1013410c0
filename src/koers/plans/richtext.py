"""User rich text: sanitised on the way in with nh3, so it can be shown as HTML.

Plain text (no tags at all) becomes paragraphs, so what people type keeps its shape.
"""

import re

import nh3
from django.utils.html import linebreaks

HAS_MARKUP = re.compile(r"<[a-zA-Z/!]")

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}


def sanitise(html: str) -> str:
    """Keep harmless formatting; drop scripts, event handlers, styles and unsafe links."""
    if not html:
        return ""
    if not HAS_MARKUP.search(html):  # plain text: keep its paragraphs and line breaks
        html = linebreaks(html, autoescape=True)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()
