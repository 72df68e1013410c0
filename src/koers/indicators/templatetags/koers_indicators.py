"""``{% item_indicators item %}``: the indicators section of a plan item's page."""

from django import template

from koers.indicators.forms import LinkForm
from koers.indicators.reading import item_indicator_rows
from koers.indicators.services import may_manage

register = template.Library()


@register.inclusion_tag("indicators/_item_indicators.html", takes_context=True)
def item_indicators(context, item):
    request = context["request"]
    membership = getattr(request, "membership", None)
    manage = may_manage(membership)
    organisation = membership.organisation if membership else None
    has_any = manage and organisation.indicators.exists()
    return {
        "rows": item_indicator_rows(item),
        "item": item,
        "organisation": organisation,
        "can_manage": manage,
        "link_form": LinkForm(organisation=organisation, auto_id="link-%s") if has_any else None,
        "csrf_token": context.get("csrf_token"),
    }
