"""The audit log's filter "who" also picks what Koers did itself (commands, background
jobs), which no member did; and the organisation's own settings are logged."""

import pytest
from django.urls import reverse

from koers.accounts.actor import Actor
from koers.accounts.two_factor import set_required
from koers.audit.models import AuditEntry
from koers.plans.services.items import update_item
from tests.factories import MembershipFactory, make_item, make_plan

pytestmark = pytest.mark.django_db


def test_the_who_filter_picks_what_koers_did_itself(client):
    admin = MembershipFactory(admin=True)
    organisation = admin.organisation
    plan = make_plan(organisation, title="Meerjarenplan")  # by the system
    item = make_item(plan, None, title="Doel", code="BD1")
    update_item(item, {"title": "Doel van het college"}, actor=Actor.member(admin))
    client.force_login(admin.user)
    url = reverse("audit:log", kwargs={"org": organisation.slug})
    by_koers = client.get(url, {"actor": "system"}).content.decode()
    assert "Meerjarenplan" in by_koers and "Doel van het college" not in by_koers
    assert 'value="system" selected' in by_koers
    by_admin = client.get(url, {"actor": admin.user.pk}).content.decode()
    assert "Doel van het college" in by_admin and "Meerjarenplan" not in by_admin


def test_the_organisations_own_settings_are_logged(client):
    admin = MembershipFactory(admin=True)
    organisation = admin.organisation
    set_required(organisation, True, actor=Actor.member(admin))
    entry = AuditEntry.objects.filter(organisation=organisation).latest("id")
    assert (entry.action, entry.actor, entry.object_id) == (
        "accounts.organisation.changed",
        admin.user,
        organisation.pk,
    )
