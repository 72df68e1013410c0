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
    """The rows as nested lists; lazy rows fetch their branch (``…/branch/``) when opened."""
    regular_label = gettext("regular")  # outside the f-string, so makemessages finds it
    regular = f' <span class="tag">{escape(regular_label)}</span>'
    loading = gettext("Loading…")
    base = escape(item_base)
    parts = []
    for row in rows:
        item, status, expense = row.item, row.item.status, row.expense
        progress = row.progress_percent
        remaining = expense.remaining
        parts.append(
            f'<li class="level-{row.level}" id="item-{item.pk}">'
            + (
                f'<details hx-get="{base}{item.pk}/branch/{escape(branch_query)}" '
                'hx-trigger="toggle once" hx-target="find ul" hx-swap="innerHTML"><summary>'
                if row.lazy
                else "<details open><summary>"
                if row.has_children
                else '<div class="leaf">'
            )
            + '<div class="tree-row">'
            f'<span class="title l-{min(row.level, 12)}">'
            f'<span class="code">{escape(item.code)}</span> '
            f'<a href="{base}{item.pk}/">{escape(item.title)}</a>'
            + (regular if item.policy == "regular" else "")
            + "</span><span>"
            + escape(item.owner_name)
            + "</span><span>"
            + (
                f'<span class="badge" data-colour="{escape(status.colour)}">'
                f"{escape(status.name)}</span>"
                if status
                else ""
            )
            + "</span><span>"
            + (
                f'<span class="progress" aria-hidden="true"><span class="pct-{progress}">'
                f"</span></span> {progress}&nbsp;%"
                if progress is not None
                else ""
            )
            + "</span><span>"
            + (f"{row.milestones_done}/{row.milestones_total}" if row.milestones_total else "")
            + f'</span><span class="num">{euro(expense.current)}</span>'
            f'<span class="num">{euro(expense.actual)}</span>'
            f'<span class="num{" negative" if remaining < 0 else ""}">{euro(remaining)}</span>'
            "</div>"
            + (
                f'</summary><ul><li class="muted">{escape(loading)}</li></ul></details></li>'
                if row.lazy
                else "</summary><ul>"
                if row.has_children
                else "</div></li>"
            )
            + "</ul></details></li>" * row.closes
        )
    return mark_safe("".join(parts))  # every text above is escaped
