"""Sanitised rich text split into the blocks PDF and Word write as paragraphs."""

from bs4 import BeautifulSoup

BLOCKS = ["p", "li", "h1", "h2", "h3", "h4", "blockquote", "pre", "div"]


def text_blocks(html: str) -> list:
    """The innermost block elements (paragraphs, list items …) of ``html``, or the whole
    fragment when it has none; [] for empty text. Each has ``.name`` ('li' for bullets)."""
    if not html or not html.strip():
        return []
    soup = BeautifulSoup(html, "html.parser")
    blocks = [block for block in soup.find_all(BLOCKS) if not block.find(["p", "li", "div"])]
    return blocks or [soup]
