"""The write path of the complaints register: register, handle, settings, erasure.

Every function checks permission (through :mod:`koers.complaints.access` or the actor),
runs in one transaction and names the user in the complaint's history.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor, attribute
from koers.accounts.locking import EditConflict, claim_version
from koers.accounts.models import Membership, Organisation, Role
from koers.accounts.permissions import HANDLE_COMPLAINTS, MANAGE_ORGANISATION
from koers.complaints import access
from koers.complaints.models import (
    Complainant,
    Complaint,
    ComplaintSequence,
    ComplaintSettings,
)

PERSONAL_FIELDS = ("name", "address", "email", "phone")
HANDLING_FIELDS = (
    "subject",
    "department",
    "handler",
    "admissible",
    "inadmissible_reason",
    "acknowledged_on",
    "answered_on",
    "outcome",
    "answer",
    "plan_item",
)
# Outcomes that judge the complaint's content: only for an admissible complaint, with an answer.
JUDGED = (
    Complaint.Outcome.FOUNDED,
    Complaint.Outcome.PARTLY_FOUNDED,
    Complaint.Outcome.UNFOUNDED,
)


def settings_of(organisation: Organisation) -> ComplaintSettings:
    """The organisation's complaint settings (the defaults until an administrator saves)."""
    found = ComplaintSettings.objects.filter(organisation=organisation).first()
    return found or ComplaintSettings(organisation=organisation)


def next_reference(organisation: Organisation, year: int) -> str:
    """The next free reference of the year, e.g. K-2026-0001. One conditional UPDATE per
    call: on PostgreSQL it locks the year's counter until the transaction ends, so two
    registrations at once get two numbers; SQLite writes one transaction at a time."""
    with transaction.atomic():
        counter = ComplaintSequence.objects.filter(organisation=organisation, year=year)
        if not counter.update(last_number=F("last_number") + 1):
            try:
                with transaction.atomic():
                    ComplaintSequence.objects.create(
                        organisation=organisation, year=year, last_number=1
                    )
            except IntegrityError:  # someone else made the year's counter just now
                counter.update(last_number=F("last_number") + 1)
        number = counter.values_list("last_number", flat=True).get()
    return f"K-{year}-{number:04d}"


def eligible_handlers(organisation: Organisation):
    """Members who may be assigned a complaint: everyone but readers (unless marked as
    complaint handler)."""
    return (
        Membership.objects.filter(organisation=organisation)
        .exclude(role=Role.READER, handles_complaints=False)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__email")
    )


def _check_links(organisation: Organisation, values: dict) -> None:
    errors = {}
    department = values.get("department")
    if department is not None and department.organisation_id != organisation.pk:
        errors["department"] = _("Choose a department of this organisation.")
    handler = values.get("handler")
    if handler is not None and (
        handler.organisation_id != organisation.pk
        or not eligible_handlers(organisation).filter(pk=handler.pk).exists()
    ):
        errors["handler"] = _("Choose a member of this organisation who may handle complaints.")
    item = values.get("plan_item")
    if item is not None and item.plan.organisation_id != organisation.pk:
        errors["plan_item"] = _("Choose an item of a plan of this organisation.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def register_complaint(
    organisation: Organisation,
    values: dict,
    *,
    actor: Actor,
    complainant: dict | None = None,
    today: datetime.date | None = None,
) -> Complaint:
    """Register a complaint with the complainant's data apart; return it with its new
    reference. ``values``: received_on, channel, subject, description and optionally
    department and handler. A member needs HANDLE_COMPLAINTS; ``Actor.system()`` (the
    public portal, the command line) needs nothing."""
    if actor.membership is not None and actor.membership.organisation_id != organisation.pk:
        raise PermissionDenied
    actor.require(HANDLE_COMPLAINTS)
    today = today or timezone.localdate()
    received_on = values.get("received_on") or today
    if received_on > today:
        raise ValidationError({"received_on": _("A complaint cannot be received in the future.")})
    if not (values.get("subject") or "").strip():
        raise ValidationError({"subject": _("Give the complaint a subject.")})
    if not (values.get("description") or "").strip():
        raise ValidationError({"description": _("Write down what the complaint is about.")})
    _check_links(organisation, values)
    days = settings_of(organisation).deadline_days
    complaint = Complaint(
        organisation=organisation,
        reference=next_reference(organisation, received_on.year),
        received_on=received_on,
        channel=values.get("channel") or Complaint.Channel.OTHER,
        subject=values["subject"].strip(),
        description=values["description"].strip(),
        department=values.get("department"),
        handler=values.get("handler"),
        deadline=received_on + datetime.timedelta(days=days),
    )
    attribute(complaint, actor, _("Complaint registered"))
    complaint.save()
    personal = {name: (complainant or {}).get(name, "") or "" for name in PERSONAL_FIELDS}
    Complainant.objects.create(complaint=complaint, **{k: v.strip() for k, v in personal.items()})
    return complaint


def _actor_membership(actor: Actor, complaint: Complaint) -> Membership | None:
    """The acting member, after checking they may handle the complaint (None: system)."""
    if actor.membership is None:
        return None
    if not access.may_handle(actor.membership, complaint):
        raise PermissionDenied
    return actor.membership


def _check_handling(complaint: Complaint, today: datetime.date) -> None:
    errors = {}
    if complaint.admissible is False and not complaint.inadmissible_reason.strip():
        errors["inadmissible_reason"] = _("Say why the complaint is not admissible.")
    for name in ("acknowledged_on", "answered_on"):
        day = getattr(complaint, name)
        if day is not None and day < complaint.received_on:
            errors[name] = _("This date lies before the day the complaint was received.")
        elif day is not None and day > today:
            errors[name] = _("This date lies in the future.")
    outcome = complaint.outcome
    if outcome in JUDGED:
        if complaint.admissible is not True:
            errors["outcome"] = _("Only an admissible complaint is founded or unfounded.")
        if not complaint.answer.strip():
            errors["answer"] = _("Write the answer before giving the outcome.")
        if complaint.answered_on is None:
            errors["answered_on"] = _("Give the date the answer was sent.")
    elif outcome == Complaint.Outcome.INADMISSIBLE and complaint.admissible is not False:
        errors["admissible"] = _("A complaint that is not admissible is marked so first.")
    elif complaint.admissible is False and outcome not in (
        "",
        Complaint.Outcome.INADMISSIBLE,
        Complaint.Outcome.WITHDRAWN,
    ):
        errors["outcome"] = _("A complaint that is not admissible cannot be judged.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def handle_complaint(
    complaint: Complaint,
    values: dict,
    *,
    actor: Actor,
    expected_version: int | None = None,
    today: datetime.date | None = None,
) -> Complaint:
    """Save the handling of a complaint (the keys of ``values`` among HANDLING_FIELDS).
    With an outcome the complaint is closed (``closed_on``: the answer's date, or today);
    without one it is open again. EditConflict when it was saved since
    ``expected_version``."""
    today = today or timezone.localdate()
    membership = _actor_membership(actor, complaint)
    if (
        "handler" in values
        and values["handler"] != complaint.handler
        and membership is not None
        and not access.may_assign(membership, complaint)
    ):
        raise PermissionDenied
    _check_links(complaint.organisation, values)
    kept = {name: getattr(complaint, name) for name in (*HANDLING_FIELDS, "version")}
    claim_version(complaint, expected_version)
    for name in HANDLING_FIELDS:
        if name in values:
            value = values[name]
            setattr(complaint, name, value.strip() if isinstance(value, str) else value)
    if complaint.admissible is not False:
        complaint.inadmissible_reason = ""
    try:
        _check_handling(complaint, today)
    except ValidationError:
        for name, value in kept.items():  # the record as stored; nothing was written
            setattr(complaint, name, value)
        raise
    if complaint.outcome and complaint.closed_on is None:
        complaint.closed_on = complaint.answered_on or today
    elif not complaint.outcome:
        complaint.closed_on = None
    attribute(complaint, actor)
    complaint.save()
    return complaint


@transaction.atomic
def update_complainant(complaint: Complaint, values: dict, *, actor: Actor) -> Complainant:
    """Correct the complainant's data (not after they were erased)."""
    if actor.membership is not None and not (
        access.may_see_personal_data(actor.membership, complaint)
        and access.may_handle(actor.membership, complaint)
    ):
        raise PermissionDenied
    complainant, _created = Complainant.objects.get_or_create(complaint=complaint)
    if complainant.erased_at is not None:
        raise ValidationError(_("The complainant's data were erased; they cannot be changed."))
    for name in PERSONAL_FIELDS:
        if name in values:
            setattr(complainant, name, (values[name] or "").strip())
    complainant.full_clean()
    complainant.save()
    return complainant


@transaction.atomic
def save_settings(
    organisation: Organisation,
    values: dict,
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> ComplaintSettings:
    """Save the organisation's complaint settings (administrators). A new deadline counts
    for complaints registered afterwards."""
    actor.require(MANAGE_ORGANISATION)
    if actor.membership is not None and actor.membership.organisation_id != organisation.pk:
        raise PermissionDenied
    found = settings_of(organisation)
    claim_version(found, expected_version if found.pk else None)
    for name in ("deadline_days", "reminder_days", "retention_months"):
        if name in values:
            setattr(found, name, values[name])
    if found.reminder_days >= found.deadline_days:
        raise ValidationError({"reminder_days": _("The reminder must come before the deadline.")})
    found.full_clean(exclude=["organisation"])
    attribute(found, actor)
    if found.pk is not None:
        found.save()
        return found
    try:  # the first save: someone else's first save at the same moment wins
        with transaction.atomic():
            found.save()
    except IntegrityError:
        raise EditConflict(ComplaintSettings.objects.get(organisation=organisation)) from None
    return found


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def erasable(today: datetime.date | None = None):
    """Complainants whose data are due for erasure: of complaints closed longer ago than
    their organisation's retention period, not erased yet."""
    today = today or timezone.localdate()
    kept = {s.organisation_id: s.retention_months for s in ComplaintSettings.objects.all()}
    default = ComplaintSettings._meta.get_field("retention_months").default
    due = Complainant.objects.none()
    organisations = Complaint.objects.filter(closed_on__isnull=False).values_list(
        "organisation_id", flat=True
    )
    for organisation_id in set(organisations):
        limit = months_before(today, kept.get(organisation_id, default))
        due |= Complainant.objects.filter(
            complaint__organisation_id=organisation_id,
            complaint__closed_on__lt=limit,
            erased_at__isnull=True,
        )
    return due


@transaction.atomic
def erase_personal_data(today: datetime.date | None = None, dry_run: bool = False) -> list[str]:
    """Erase the complainants' data that are due (see :func:`erasable`); return the
    references of their complaints. The complaint and its history stay: they hold no
    personal data, and the complainant table keeps no history."""
    due = list(erasable(today).select_related("complaint").order_by("complaint__reference"))
    references = [c.complaint.reference for c in due]
    if not dry_run and references:
        Complainant.objects.filter(pk__in=[c.pk for c in due]).update(
            name="", address="", email="", phone="", erased_at=timezone.now()
        )
    return references
