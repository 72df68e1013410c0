"""The owner's improvement actions to report on, in the inbox of "Mijn rapportering"."""

from django import template

from koers.improvements import services

register = template.Library()


@register.inclusion_tag("improvements/_inbox.html", takes_context=True)
def improvement_inbox(context):
    membership = context.get("membership")
    updates = list(services.inbox(membership)) if membership is not None else []
    return {"updates": updates, "organisation": context.get("organisation")}
