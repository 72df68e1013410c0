from decimal import Decimal
from functools import lru_cache

from django import template
from django.utils.formats import get_format
from django.utils.translation import get_language

register = template.Library()


@register.filter
def euro(value, decimals=0):
    """'€ 12.345' in Dutch, '€ 12,345' in English (grouping from the active locale)."""
    if value is None or value == "":
        return "–"
    decimals = int(decimals)
    thousands, point = _separators(get_language())
    text = f"{Decimal(value):,.{decimals}f}"
    if (thousands, point) != (",", "."):
        text = text.replace(",", "\x00").replace(".", point).replace("\x00", thousands)
    return "€\u00a0" + text


@lru_cache(maxsize=16)
def _separators(language: str | None) -> tuple[str, str]:
    """The thousands separator and decimal point of a language, looked up once."""
    return (
        get_format("THOUSAND_SEPARATOR", lang=language, use_l10n=True),
        get_format("DECIMAL_SEPARATOR", lang=language, use_l10n=True),
    )


@register.filter
def undo_id(extra_tags: str) -> str:
    """The id of a deletion that a message offers to undo (tag 'undo:ID')."""
    for tag in (extra_tags or "").split():
        if tag.startswith("undo:"):
            return tag[5:]
    return ""


@register.filter
def level_label(terminology, level):
    return terminology.level(int(level))


@register.simple_tag
def section(terminology, key):
    return terminology.section(key)


@register.simple_tag
def account_section(terminology, key):
    """The label of a section in an account of the plan (an approved update), past tense."""
    return terminology.account_section(key)


@register.filter
def times(count):
    return range(int(count or 0))


@register.filter
def person(user) -> str:
    """A user's full name, else e-mail address; '–' for nobody."""
    if user is None:
        return "–"
    return user.get_full_name() or user.email or user.username


@register.filter
def get_item(mapping, key):
    """``{{ totals|get_item:year }}``: a dictionary's value for a key, or None."""
    return mapping.get(key) if mapping else None
