"""The demo's complaint form: Gemeente Voorbeeld takes complaints on its portal."""

from koers.complaints_public.models import PortalComplaintForm

INTRODUCTION = (
    "Een klacht is een uiting van ontevredenheid over hoe de gemeente iets deed of naliet. "
    "Voor een melding (een kapotte straatlamp, een volle glasbol) gebruikt u het meldpunt."
)


def open_complaint_form(organisation) -> PortalComplaintForm:
    form, _created = PortalComplaintForm.objects.update_or_create(
        organisation=organisation, defaults={"enabled": True, "introduction": INTRODUCTION}
    )
    return form
