"""Writing the settings of the public complaint form (administrators)."""

from django.db import transaction
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor, attribute
from koers.accounts.permissions import MANAGE_ORGANISATION
from koers.complaints_public.models import PortalComplaintForm


def portal_form_of(organisation) -> PortalComplaintForm:
    """The organisation's settings, or unsaved defaults (reading writes nothing)."""
    found = PortalComplaintForm.objects.filter(organisation=organisation).first()
    return found or PortalComplaintForm(organisation=organisation)


@transaction.atomic
def save_portal_form(organisation, values: dict, *, actor: Actor) -> PortalComplaintForm:
    """Switch the portal's complaint form on or off and set its introduction; with history
    (and so in the audit log)."""
    actor.require(MANAGE_ORGANISATION, organisation=organisation)
    switch = PortalComplaintForm.objects.select_for_update().filter(
        organisation=organisation
    ).first() or PortalComplaintForm(organisation=organisation)
    for name in ("enabled", "introduction"):
        if name in values:
            setattr(switch, name, values[name])
    attribute(switch, actor, _("Complaint form on the portal changed"))
    switch.save()
    return switch
