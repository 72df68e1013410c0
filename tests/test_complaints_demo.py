"""The demo's complaints: a year of them for Gemeente Voorbeeld, handled through the
services, with a complaint handler."""

import datetime

from django.db.models import Count

from koers.complaints.models import Complainant, Complaint


def test_the_demo_has_a_year_of_complaints(demo):
    complaints = Complaint.objects.filter(organisation=demo.voorbeeld)
    assert complaints.count() == 72
    today = datetime.date(2026, 10, 15)
    received = sorted(complaints.values_list("received_on", flat=True))
    assert received[0] >= today - datetime.timedelta(days=365) and received[-1] <= today
    assert complaints.filter(closed_on__isnull=True).exists()
    assert complaints.filter(closed_on__isnull=True, deadline__lt=today).exists()  # one late
    assert complaints.filter(answered_on__gt=datetime.date(2000, 1, 1)).count() > 40
    outcomes = dict(complaints.values_list("outcome").annotate(n=Count("id")))
    assert {"founded", "partly_founded", "unfounded", "inadmissible", "withdrawn"} <= set(outcomes)
    assert complaints.filter(plan_item__isnull=False).exists()
    assert Complainant.objects.filter(complaint__organisation=demo.voorbeeld).count() == 72
    assert demo.membership("welzijn@voorbeeld.be").handles_complaints is True
    assert complaints.filter(
        handler__user__email="editor@voorbeeld.be", closed_on__isnull=True
    ).exists()
    assert not Complaint.objects.filter(organisation=demo.proefdorp).exists()
