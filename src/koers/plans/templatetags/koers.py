from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euro(value, decimals=0):
    """'€ 12.345' in Dutch, '€ 12,345' in English."""
    if value is None or value == "":
        return "–"
    amount = Decimal(value)
    return "€\u00a0" + number_format(amount, decimal_pos=int(decimals), force_grouping=True)


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


@register.filter
def times(count):
    return range(int(count or 0))


@register.filter
def person(user) -> str:
    """A user's full name, else e-mail address; '–' for nobody."""
    if user is None:
        return "–"
    return user.get_full_name() or user.email or user.username
