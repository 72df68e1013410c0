"""Organisations (tenants), their departments and the people who work in them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koers.accounts.locking import version_field
from koers.accounts.scoping import OrganisationScopedManager
from koers.plans.terminology import DEFAULT_PRESET, preset_choices
from koers.storage import AreaStorage

# First path segments Koers uses itself; the public portal of an organisation lives at
# /<slug>/, so its slug cannot be one of these.
RESERVED_SLUGS = frozenset(
    {
        "app",
        "api",
        "accounts",
        "i18n",
        "jsi18n",
        "static",
        "files",
        "admin",
        "health",
        "provider",
    }
)


class OrganisationUnavailable(Exception):
    """The organisation is suspended: its pages answer a neutral "not available" page."""


def validate_free_slug(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            _("'%(slug)s' is a word Koers uses in its addresses; choose another."),
            params={"slug": value},
        )


@deconstructible(path="koers.accounts.models.LogoStorage")
class LogoStorage(AreaStorage):
    """Portal logos (:mod:`koers.storage`)."""

    def __init__(self):
        super().__init__("logos")


def logo_name(organisation, filename: str) -> str:
    return f"{organisation.pk}/{filename}"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "gemeente", _("Municipality")
        OCMW = "ocmw", _("Public social welfare centre (OCMW)")
        CARE_COMPANY = "zorgbedrijf", _("Care company")
        POLICE_ZONE = "politiezone", _("Police zone")
        SHARED_SERVICE = "shared_service", _("Shared service organisation")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True, validators=[validate_free_slug])
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.MUNICIPALITY
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#1d4f91",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Give a colour as #rrggbb."))],
    )
    # The logo on the public portal: a PNG or JPEG in the logo storage (koers.storage),
    # served by Koers.
    logo = models.FileField(
        _("logo"), upload_to=logo_name, storage=LogoStorage(), max_length=300, blank=True
    )
    logo_type = models.CharField(max_length=20, blank=True)
    # Where the public writes about the portal's accessibility (its accessibility statement).
    contact_email = models.EmailField(_("contact e-mail for the public portal"), blank=True)
    # The words the organisation works with: a new plan starts from this preset, and pages
    # outside a plan speak its country's Dutch (diensten or afdelingen, ...).
    terminology_preset = models.CharField(
        _("terminology"), max_length=30, choices=preset_choices(), default=DEFAULT_PRESET
    )
    version = version_field()
    # Administrators and coordinators must sign in with a second factor (authenticator app).
    two_factor_required = models.BooleanField(
        _("two-step verification required for administrators and coordinators"), default=False
    )
    # Suspended by the hosting provider: members cannot sign in, the portal is not shown.
    suspended = models.BooleanField(_("suspended"), default=False)

    # Portal branding, name and policies: who changed what, and in the audit log.
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Department(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=200)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("department head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = version_field()
    objects = OrganisationScopedManager("organisation")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="department_unique_name")
        ]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    EDITOR = "editor", _("Editor")
    READER = "reader", _("Reader")


class Membership(models.Model):
    """A user's place in one organisation: one role, and for editors their departments."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.READER)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="members", verbose_name=_("departments")
    )
    # Handles complaints: sees and handles every complaint, with the complainant's data.
    handles_complaints = models.BooleanField(_("complaint handler"), default=False)
    version = version_field()
    objects = OrganisationScopedManager("organisation")

    history = HistoricalRecords(m2m_fields=[departments])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.role})"
