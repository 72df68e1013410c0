"""What changed in the text between two rounds, word by word."""

from difflib import SequenceMatcher

from django.utils.html import strip_tags


def words(html: str) -> list[str]:
    return strip_tags(html.replace("</p>", " </p>").replace("<br>", " ")).split()


def text_difference(before_html: str, after_html: str) -> list[tuple[str, str]]:
    """('same' | 'removed' | 'added', words) pieces from the earlier to the later text."""
    before, after = words(before_html), words(after_html)
    pieces: list[tuple[str, str]] = []
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("same", " ".join(before[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(("removed", " ".join(before[a1:a2])))
        if b2 > b1:
            pieces.append(("added", " ".join(after[b1:b2])))
    return pieces
