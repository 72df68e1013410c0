"""What the public may see of the cijferdatabank: the one place that decides it.

- an indicator appears on the portal when it is marked public (``Indicator.is_public``);
- of its values, those that did not come through a reporting round (imported, fetched, or
  typed on the indicator page by who manages the cijferdatabank) and those approved in a
  round that has been **published**: a value an owner typed in a round shows only when the
  round's report is public, as the progress text does;
- the plan items it is linked to show when they are on the portal (published plan,
  public item).

A portal goal page lists its public indicators; it is kept whole until the plan changes,
so every change of an indicator or a link gives the linked plans a new content version
(``koers.indicators.receivers``). The values themselves are read fresh on the
cijferdatabank pages.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from koers.indicators.models import Indicator
from koers.plans.content import plans_changed


def visible_values() -> Q:
    """Of ``IndicatorValue``: the values the public may see (of a public indicator)."""
    return Q(round__isnull=True) | Q(round__state="published")


def public_items() -> Q:
    """Of ``ItemIndicator``: links to items on the portal (an item above a hidden one is
    checked by the portal's own item page)."""
    return Q(item__plan__is_published=True, item__is_public=True)


def public_indicators(organisation):
    return Indicator.objects.filter(organisation=organisation, is_public=True)


def public_indicator_or_404(organisation, pk: int) -> Indicator:
    return get_object_or_404(public_indicators(organisation), pk=pk)


def item_indicators(item) -> list[Indicator]:
    """The public indicators linked to a plan item, for its portal page."""
    return list(
        Indicator.objects.filter(
            item_links__item=item, is_public=True, organisation_id=item.plan.organisation_id
        )
        .distinct()
        .order_by("code")
    )


def linked_plans_changed(indicator_ids) -> None:
    """The plans whose items link these indicators get a new content version."""
    from koers.plans.models import PlanItem

    plan_ids = (
        PlanItem.objects.filter(indicator_links__indicator_id__in=list(indicator_ids))
        .values_list("plan_id", flat=True)
        .distinct()
    )
    plans_changed(list(plan_ids))
