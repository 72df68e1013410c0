"""Council questions on the pages of others: an item's page and an indicator's page in the
app (with "Ask a question"), and an item's page on the public portal."""

from django import template

from koers.accounts.permissions import ASK_QUESTIONS, can
from koers.council import public, services

register = template.Library()


@register.inclusion_tag("council/_item_questions.html", takes_context=True)
def item_questions(context, item):
    """The questions about the item the member may read, and a button to ask one about the
    latest published round that covered it."""
    membership = context["request"].membership
    asks = can(membership, ASK_QUESTIONS)
    return {
        "organisation": context["organisation"],
        "item": item,
        "questions": services.item_questions(item, membership),
        "ask_round": services.latest_round_about_item(item) if asks else None,
    }


@register.inclusion_tag("council/_indicator_questions.html", takes_context=True)
def indicator_questions(context, indicator):
    membership = context["request"].membership
    rounds = []
    if can(membership, ASK_QUESTIONS):
        rounds = list(services.published_rounds(membership.organisation)[:1])
    return {
        "organisation": context["organisation"],
        "indicator": indicator,
        "questions": services.indicator_questions(indicator, membership),
        "ask_round": rounds[0] if rounds else None,
    }


@register.inclusion_tag("council/_portal_item_questions.html", takes_context=True)
def public_item_questions(context, item):
    return {"portal": context["portal"], "questions": public.item_questions(item)}
