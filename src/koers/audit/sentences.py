"""An audit entry as a sentence in the reader's language, made when it is read: a change
of language changes old entries too, and the kind of object is named as its model names
itself (``verbose_name``)."""

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koers.audit.models import AuditEntry

# Kinds whose model does not name itself for people.
KIND_LABELS = {"reporting.reportjob": gettext_lazy("report")}


def kind_label(object_type: str) -> str:
    """A kind of object (``<app>.<model>``) as its model names itself ("mijlpaal" …)."""
    if object_type in KIND_LABELS:
        return str(KIND_LABELS[object_type])
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)


def kind_of(entry: AuditEntry) -> str:
    return kind_label(entry.object_type)


def sentence(entry: AuditEntry) -> str:
    values = {
        "who": entry.actor_label or _("Koers (command line or background job)"),
        "kind": kind_of(entry),
        "name": entry.object_label,
    }
    data = entry.data or {}
    if entry.action == "plans.plan.loaded":
        values["count"] = data.get("items", 0)
        text = _("%(who)s loaded %(count)s items into %(kind)s “%(name)s”.") % values
    elif entry.action == "indicators.indicatorvalue.imported":
        values.update(new=data.get("new", 0), changed=data.get("changed", 0))
        text = (
            _("%(who)s imported %(new)s new and %(changed)s changed values from “%(name)s”.")
            % values
        )
    elif entry.action == "reporting.reportjob.requested":
        values["format"] = _format_label(data.get("format", ""))
        text = _("%(who)s asked for a report of “%(name)s” (%(format)s).") % values
    elif entry.action == "reporting.reportjob.retried":
        values["format"] = _format_label(data.get("format", ""))
        text = _("%(who)s asked again for a report of “%(name)s” (%(format)s).") % values
    elif entry.action == "hosting.single_sign_on.signed_in":
        if data.get("created"):
            text = _(
                "%(who)s signed in through the organisation's sign-in service and was added "
                "as a member."
            )
        else:
            text = _("%(who)s signed in through the organisation's sign-in service.")
        text %= values
    elif entry.action == "hosting.single_sign_on.refused":
        text = _("A sign-in of “%(name)s” through the organisation's sign-in service was refused.")
        text %= values
    elif entry.action == "accounts.sign_in.refused":
        text = _(
            "A sign-in of “%(name)s” was refused: the organisation is suspended and so are "
            "all other organisations of this person."
        )
        text %= values
    elif entry.action == "accounts.organisation.suspended":
        text = _("%(who)s suspended the organisation.") % values
    elif entry.action == "accounts.organisation.resumed":
        text = _("%(who)s made the organisation available again.") % values
    elif entry.verb == "created":
        text = _("%(who)s created %(kind)s “%(name)s”.") % values
    elif entry.verb == "deleted":
        text = _("%(who)s deleted %(kind)s “%(name)s”.") % values
    else:
        text = _("%(who)s changed %(kind)s “%(name)s”.") % values
    reason = data.get("reason")
    if reason:
        text += " " + _("Reason: %(reason)s") % {"reason": reason}
    return text


def _format_label(code: str) -> str:
    from koers.reporting.models import ReportJob

    try:
        return str(ReportJob.Format(code).label)
    except ValueError:
        return code
