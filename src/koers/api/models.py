"""Feed tokens: the keys with which a BI tool (Power BI, Qlik) reads one organisation's feed.

A feed token belongs to one member of one organisation (a :class:`Membership`): it sees
that organisation only, with that member's role as it is at each request. Only a hash of
the key is kept; the key itself is shown once, when it is made.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koers.accounts.models import Membership
from koers.accounts.scoping import OrganisationScopedManager


class FeedToken(models.Model):
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="feed_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the key, to recognise it in the list; the rest is not kept.
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    objects = OrganisationScopedManager("membership__organisation")

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("feed token")
        verbose_name_plural = _("feed tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
