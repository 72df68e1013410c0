"""The provider console's business rules: who is provider staff, organisations created,
suspended, resumed and deleted, their sign-in rules (single sign-on, two-step
verification) and their usage. Every change needs an actor allowed to make it, runs in a
transaction and is logged: in the organisation's audit log while it exists, and always in
the provider's log."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.accounts import two_factor
from koers.accounts.actor import Actor, attribute
from koers.accounts.locking import claim_version
from koers.accounts.models import Membership, Organisation
from koers.accounts.permissions import MANAGE_ORGANISATION
from koers.audit.models import AuditEntry
from koers.audit.services import log_action
from koers.hosting.models import ProviderLogEntry, ProviderStaff, SingleSignOn
from koers.plans.terminology import PRESETS, dutch_of


def is_provider(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and ProviderStaff.objects.filter(user=user).exists()
    )


def provider_actor(user) -> Actor:
    """The actor of a provider staff member: above organisations, no membership."""
    if not is_provider(user):
        raise PermissionDenied
    return Actor.system(user)


def require_provider(actor: Actor) -> None:
    """Only the provider's staff (or the command line, acting as the operator)."""
    if actor.membership is not None:
        raise PermissionDenied
    if actor.user is not None and not is_provider(actor.user):
        raise PermissionDenied


def _provider_log(action: str, organisation: Organisation, actor: Actor, data=None) -> None:
    ProviderLogEntry.objects.create(
        action=action,
        organisation_id=organisation.pk,
        organisation_label=f"{organisation.name} ({organisation.slug})"[:300],
        actor=actor.user,
        actor_label=(actor.user.get_username() if actor.user is not None else "")[:300],
        data=data or {},
        created_at=timezone.now(),
    )


def _log_change(audit_action: str, provider_action: str, organisation, actor: Actor, data):
    """A provider's change of an organisation: in the organisation's own audit log and in
    the provider's log (which outlives the organisation)."""
    log_action(organisation.pk, audit_action, user=actor.user, obj=organisation, data=data)
    _provider_log(provider_action, organisation, actor, data)


@transaction.atomic
def make_provider_staff(user, *, actor: Actor) -> ProviderStaff:
    require_provider(actor)
    staff, _created = ProviderStaff.objects.get_or_create(user=user)
    return staff


# -- organisations -------------------------------------------------------------------------


@transaction.atomic
def create_organisation(values: dict, *, admin_email: str, actor: Actor) -> Membership:
    """A new organisation with its first administrator (invited by e-mail)."""
    from koers.accounts.services import create_organisation as create

    require_provider(actor)
    membership = create(values, admin_email=admin_email, actor=actor)
    organisation = membership.organisation
    data = {"preset": organisation.terminology_preset, "admin": membership.user.email}
    _provider_log("organisation.created", organisation, actor, data)
    return membership


@transaction.atomic
def set_suspended(organisation: Organisation, suspended: bool, *, actor: Actor, reason=""):
    """Suspend an organisation (its members cannot sign in, its portal is not shown) or
    lift the suspension."""
    require_provider(actor)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.suspended == suspended:
        return organisation
    organisation.suspended = suspended
    attribute(organisation, actor, reason)
    organisation.save(update_fields=["suspended"])
    verb = "suspended" if suspended else "resumed"
    data = {"reason": reason} if reason else {}
    _log_change(f"accounts.organisation.{verb}", f"organisation.{verb}", organisation, actor, data)
    return organisation


ORGANISATION_FIELDS = ("name", "kind", "terminology_preset")


@transaction.atomic
def update_organisation(
    organisation: Organisation, values: dict, *, actor: Actor, expected_version: int | None = None
) -> Organisation:
    """Name, kind and terminology preset (with it the organisation's Dutch: nl-BE or
    nl-NL) of an organisation, set by the provider; EditConflict when it was saved since
    ``expected_version``. The slug stays (addresses depend on it). Pages outside a plan
    and the portal speak the new preset's Dutch at once and a new plan starts from it;
    existing plans keep their own terminology, as when the administrator changes it."""
    require_provider(actor)
    claim_version(organisation, expected_version)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    preset = values.get("terminology_preset", organisation.terminology_preset)
    if preset not in PRESETS:
        raise ValidationError({"terminology_preset": _("Unknown terminology preset.")})
    if values.get("kind", organisation.kind) not in Organisation.Kind.values:
        raise ValidationError({"kind": _("Choose a kind from the list.")})
    if "name" in values and not (values["name"] or "").strip():
        raise ValidationError({"name": _("This field is required.")})
    changed = {}
    for name in ORGANISATION_FIELDS:
        if name in values:
            value = values[name].strip() if name == "name" else values[name]
            if getattr(organisation, name) != value:
                changed[name] = [getattr(organisation, name), value]
                setattr(organisation, name, value)
    if not changed:
        return organisation
    attribute(organisation, actor)
    organisation.save(update_fields=list(changed))
    data = {"fields": sorted(changed), **{key: new for key, (_old, new) in changed.items()}}
    if "terminology_preset" in changed:
        data["language"] = dutch_of(organisation.terminology_preset)
    _log_change("accounts.organisation.changed", "organisation.changed", organisation, actor, data)
    return organisation


# A person whose every organisation is suspended cannot sign in with a password (a
# sign-in through an organisation's provider is refused by its own suspension, oidc.py).
SUSPENDED_SIGN_IN_REFUSED = "accounts.sign_in.refused"


def organisations_keeping_out(user) -> list[Membership]:
    """The memberships whose suspension keeps ``user`` out: all of them when every
    organisation of the person is suspended and the person is not provider staff; none
    when one organisation is available (its pages open, the suspended ones answer 503)
    or the person belongs to none."""
    if is_provider(user):
        return []
    # all_organisations: signing in comes before any organisation; the person's own rows.
    memberships = list(
        Membership.objects.all_organisations().filter(user=user).select_related("organisation")
    )
    if memberships and all(m.organisation.suspended for m in memberships):
        return memberships
    return []


def audit_suspended_sign_in(user, memberships: list[Membership], *, method: str) -> None:
    """A sign-in refused because the person's organisations are suspended, in each of
    their audit logs (``method``: ``password`` or ``second_step``)."""
    label = user.email or user.get_username()
    for membership in memberships:
        log_action(
            membership.organisation_id,
            SUSPENDED_SIGN_IN_REFUSED,
            obj=membership,
            label=label,
            data={"cause": "organisation_suspended", "method": method},
        )


@transaction.atomic
def delete_organisation(organisation: Organisation, typed_name: str, *, actor: Actor) -> None:
    """Delete an organisation with everything in it, once its name is typed exactly."""
    require_provider(actor)
    if (typed_name or "").strip() != organisation.name:
        raise ValidationError(
            {"confirmation": _("Type the organisation's name exactly to delete it.")}
        )
    _provider_log("organisation.deleted", organisation, actor, {"name": organisation.name})
    attribute(organisation, actor)
    organisation.delete()


@transaction.atomic
def set_two_factor_required(organisation: Organisation, required: bool, *, actor: Actor):
    """The organisation's two-step rule, set by the provider (an organisation's
    administrator sets it on the members page)."""
    require_provider(actor)
    two_factor.set_required(organisation, required, actor=actor)
    data = {"two_factor_required": required}
    _log_change(
        "accounts.organisation.changed", "organisation.two_factor", organisation, actor, data
    )
    return organisation


# -- single sign-on ------------------------------------------------------------------------

SSO_FIELDS = (
    "enabled",
    "issuer",
    "client_id",
    "scopes",
    "email_claim",
    "create_members",
    "default_role",
    "counts_as_second_factor",
)


def _may_manage_sign_in(actor: Actor, organisation: Organisation) -> None:
    if actor.membership is None:
        require_provider(actor)
    else:
        actor.require(MANAGE_ORGANISATION, organisation=organisation)


@transaction.atomic
def save_single_sign_on(
    organisation: Organisation,
    values: dict,
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> SingleSignOn:
    """Set the organisation's OpenID Connect provider. An empty client secret keeps the
    stored one; the secret itself is never logged nor shown again. EditConflict when the
    settings were saved since ``expected_version`` (0: they did not exist yet), by the
    provider or the organisation's administrator."""
    _may_manage_sign_in(actor, organisation)
    sso = SingleSignOn.objects.select_for_update().filter(organisation=organisation).first()
    sso = sso or SingleSignOn(organisation=organisation)
    claim_version(sso, expected_version)
    changed = [name for name in SSO_FIELDS if name in values and getattr(sso, name) != values[name]]
    for name in changed:
        setattr(sso, name, values[name])
    secret = (values.get("client_secret") or "").strip()
    if secret:
        sso.set_secret(secret)
    if sso.enabled and not sso.has_secret:
        raise ValidationError({"client_secret": _("Give the client secret.")})
    sso.full_clean(exclude=["organisation"])
    created = sso.pk is None
    sso.save()
    data = {"fields": changed, "secret_changed": bool(secret)}
    verb = "created" if created else "changed"
    log_action(organisation.pk, f"hosting.singlesignon.{verb}", user=actor.user, obj=sso, data=data)
    if actor.membership is None:
        _provider_log("organisation.single_sign_on", organisation, actor, data)
    return sso


# -- usage ---------------------------------------------------------------------------------


def _count(model, path: str, **filters):
    """A subquery counting ``model`` rows of the outer organisation (base manager: the
    console looks across organisations on purpose)."""
    rows = (
        model._base_manager.filter(**{path: OuterRef("pk")}, **filters)
        .order_by()
        .values(path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _sum(model, path: str, field: str):
    rows = (
        model._base_manager.filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(n=Sum(field))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def organisations_with_usage():
    """Every organisation with members, plans, items, stored bytes (attachments and
    evidence) and its last activity (newest audit entry): one query however many."""
    from koers.followup.models import Attachment
    from koers.improvements.models import Evidence
    from koers.plans.models import Plan, PlanItem

    last = (
        AuditEntry._base_manager.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(last=Max("created_at"))
        .values("last")
    )
    return Organisation.objects.annotate(
        member_count=_count(Membership, "organisation"),
        plan_count=_count(Plan, "organisation"),
        item_count=_count(PlanItem, "plan__organisation", depth__gt=1),  # not the plan's root
        attachment_bytes=_sum(Attachment, "update__round__plan__organisation", "size"),
        evidence_bytes=_sum(Evidence, "action__organisation", "size"),
        last_activity=Subquery(last),
    ).order_by("name")


def find_user(email: str):
    return get_user_model().objects.filter(email__iexact=email.strip()).first()
