"""Managing an organisation: its departments and its members. Admins only."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor, attribute
from koers.accounts.locking import claim_version
from koers.accounts.models import Department, Membership, Organisation, Role
from koers.accounts.permissions import MANAGE_ORGANISATION, MANAGE_PLANS
from koers.plans.terminology import DEFAULT_PRESET


@transaction.atomic
def add_member(organisation: Organisation, values: dict, *, actor: Actor) -> Membership:
    """Add a person by e-mail address. A person without an account gets one without a
    password and an e-mail invitation to choose it (nobody else ever knows it); so does a
    person invited before who has not chosen a password yet."""
    from koers.accounts.invitations import send_invitation

    actor.require(MANAGE_ORGANISATION, organisation=organisation)
    email = values["email"].strip().lower()
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            username=email,
            email=email,
            password=None,
            first_name=values.get("first_name", ""),
            last_name=values.get("last_name", ""),
        )
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    membership = Membership(user=user, organisation=organisation, role=values["role"])
    attribute(membership, actor)
    membership.save()
    membership.departments.set(_own(organisation, values.get("departments", [])))
    if not user.has_usable_password():
        send_invitation(user, organisation, invited_by=actor.user)
    return membership


@transaction.atomic
def update_member(
    membership: Membership, values: dict, *, actor: Actor, expected_version: int | None = None
) -> Membership:
    """Change a member's role and departments; EditConflict when the membership was
    saved since ``expected_version``."""
    actor.require(MANAGE_ORGANISATION, organisation=membership.organisation_id)
    claim_version(membership, expected_version)
    stored_role = Membership.objects.values_list("role", flat=True).get(pk=membership.pk)
    if stored_role == Role.ADMIN and values["role"] != Role.ADMIN:
        _keep_an_admin(membership)
    membership.role = values["role"]
    if "handles_complaints" in values:
        membership.handles_complaints = values["handles_complaints"]
    attribute(membership, actor)
    membership.save()
    membership.departments.set(_own(membership.organisation, values.get("departments", [])))
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, actor: Actor) -> None:
    actor.require(MANAGE_ORGANISATION, organisation=membership.organisation_id)
    if membership.role == Role.ADMIN:
        _keep_an_admin(membership)
    attribute(membership, actor)
    membership.delete()
    for department in membership.organisation.departments.filter(head=membership.user):
        claim_version(department, None)
        department.head = None
        attribute(department, actor, _("Head left the organisation"))
        department.save()


def _keep_an_admin(membership: Membership) -> None:
    others = Membership.objects.filter(organisation=membership.organisation, role=Role.ADMIN)
    if not others.exclude(pk=membership.pk).exists():
        raise ValidationError(_("An organisation keeps at least one administrator."))


def _own(organisation: Organisation, departments) -> list[Department]:
    departments = list(departments)
    if any(department.organisation_id != organisation.id for department in departments):
        raise ValidationError(_("This department belongs to another organisation."))
    return departments


@transaction.atomic
def save_department(
    organisation: Organisation,
    values: dict,
    *,
    actor: Actor,
    department: Department | None = None,
    expected_version: int | None = None,
) -> Department:
    """Add or rename a department, or change its head; EditConflict when it was saved
    since ``expected_version``."""
    actor.require(MANAGE_ORGANISATION, organisation=organisation)
    if department is not None:
        claim_version(department, expected_version)
    name = values["name"].strip()
    taken = Department.objects.filter(organisation=organisation, name__iexact=name)
    if department is not None:
        taken = taken.exclude(pk=department.pk)
    if taken.exists():
        raise ValidationError({"name": _("There is already a department with this name.")})
    department = department or Department(organisation=organisation)
    department.name = name
    department.head = values.get("head")
    attribute(department, actor)
    department.save()
    return department


@transaction.atomic
def add_named_departments(organisation: Organisation, names, *, actor: Actor) -> list[Department]:
    """The departments a loaded plan names that the organisation does not have yet, added
    with history (and so in the audit log) by whoever may load plans; existing ones stay
    as they are."""
    actor.require(MANAGE_PLANS, organisation=organisation)
    existing = set(
        Department.objects.filter(organisation=organisation).values_list("name", flat=True)
    )
    added = []
    for name in dict.fromkeys(name for name in names if name.strip()):
        if name in existing:
            continue
        department = Department(organisation=organisation, name=name)
        attribute(department, actor, _("Named in a loaded plan"))
        department.save()
        added.append(department)
    return added


@transaction.atomic
def create_organisation(values: dict, *, admin_email: str, actor: Actor) -> Membership:
    """A new organisation (``name``, ``slug``, ``kind``, ``terminology_preset``) and its
    first administrator, invited by e-mail; with history, so the audit log of the new
    organisation starts with its creation. Only the installation's operator (the system)
    creates organisations: no member of an organisation may."""
    if actor.membership is not None:
        raise PermissionDenied
    slug = values["slug"].strip()
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationError(
            {"slug": _("There is already an organisation '%(slug)s'.") % {"slug": slug}}
        )
    organisation = Organisation(
        name=values["name"].strip(),
        slug=slug,
        kind=values.get("kind") or Organisation.Kind.MUNICIPALITY,
        terminology_preset=values.get("terminology_preset") or DEFAULT_PRESET,
    )
    organisation.full_clean()
    attribute(organisation, actor)
    organisation.save()
    return add_member(organisation, {"email": admin_email, "role": Role.ADMIN}, actor=actor)
