"""Renders the rows of the plan tree.

A plan of a thousand actions has over a thousand rows; building them here with
plain string formatting (every text escaped) is several times faster than a
template loop, and the page must stay fast at that size. The markup is what a
template would give: nested ``<details>`` lists that fold without JavaScript.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from koers.plans.templatetags.koers import euro

register = template.Library()


@register.simple_tag
def tree_rows(rows, item_base: str, branch_query: str = ""):
    """The rows as nested lists. A row with items below it has a button that shows or hides
    them (``aria-expanded``, ``koers.js``; without JavaScript they stay shown); a lazy row
    fetches its branch (``…/branch/``) the first time it is opened."""
    regular_label = gettext("regular")  # outside the f-string, so makemessages finds it
    regular = f' <span class="k-tag">{escape(regular_label)}</span>'
    loading = gettext("Loading…")
    base = escape(item_base)
    parts = []
    for row in rows:
        item, status, expense = row.item, row.item.status, row.expense
        progress = row.progress_percent
        remaining = expense.remaining
        code = escape(item.code)
        if row.has_children:
            label = escape(gettext("Items below %(item)s") % {"item": item.code or item.title})
            fetch = (
                f' hx-get="{base}{item.pk}/branch/{escape(branch_query)}" hx-trigger="click once"'
                f' hx-target="#below-{item.pk}" hx-swap="innerHTML"'
                if row.lazy
                else ""
            )
            toggle = (
                f'<button type="button" class="k-tree-toggle" aria-controls="below-{item.pk}"'
                f' aria-expanded="{"false" if row.lazy else "true"}" aria-label="{label}"{fetch}>'
                "</button>"
            )
        else:
            toggle = '<span class="k-tree-toggle-space"></span>'
        parts.append(
            f'<li class="k-level-{row.level}" id="item-{item.pk}">'
            '<div class="k-tree-row">'
            f'<span class="k-title k-l-{min(row.level, 12)}">{toggle}'
            f'<span class="k-code">{code}</span> '
            f'<a href="{base}{item.pk}/">{escape(item.title)}</a>'
            + (regular if item.policy == "regular" else "")
            + "</span><span>"
            + escape(item.owner_name)
            + "</span><span>"
            + (
                f'<span class="k-badge" data-colour="{escape(status.colour)}">'
                f"{escape(status.name)}</span>"
                if status
                else ""
            )
            + "</span><span>"
            + (
                f'<span class="k-progress" aria-hidden="true"><span class="pct-{progress}">'
                f"</span></span> {progress}&nbsp;%"
                if progress is not None
                else ""
            )
            + "</span><span>"
            + (f"{row.milestones_done}/{row.milestones_total}" if row.milestones_total else "")
            + f'</span><span class="k-num">{euro(expense.current)}</span>'
            f'<span class="k-num">{euro(expense.actual)}</span>'
            f'<span class="k-num{" k-negative" if remaining < 0 else ""}">{euro(remaining)}</span>'
            "</div>"
            + (
                f'<ul id="below-{item.pk}" hidden>'
                f'<li class="k-muted">{escape(loading)}</li></ul></li>'
                if row.lazy
                else f'<ul id="below-{item.pk}">'
                if row.has_children
                else "</li>"
            )
            + "</ul></li>" * row.closes
        )
    return mark_safe("".join(parts))  # every text above is escaped
