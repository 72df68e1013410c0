"""Dates in pages read as the reader's language writes them: day, month abbreviation from
Django's locale data (lower case in Dutch), year."""

import datetime

from django.template import Context, Template
from django.utils import translation


def test_dates_in_pages_are_written_the_dutch_and_the_english_way():
    template = Template("{{ day|date }}")
    day = datetime.date(2026, 12, 18)
    with translation.override("nl-be"):
        assert template.render(Context({"day": day})) == "18 dec. 2026"
        assert template.render(Context({"day": datetime.date(2026, 3, 1)})) == "1 mrt. 2026"
    with translation.override("en"):
        assert template.render(Context({"day": day})) == "18 Dec 2026"


def test_the_round_list_shows_dutch_dates(demo, login):
    from django.urls import reverse

    page = login("coordinator@voorbeeld.be").get(
        reverse("followup:rounds", kwargs={"org": "voorbeeld", "pk": demo.plan.pk})
    )
    assert "1 jan. 2026 – 30 jun. 2026" in page.content.decode()


def test_flemish_and_netherlands_dutch_write_the_same_dates():
    template = Template("{{ day|date }} · {{ moment|date:'DATETIME_FORMAT' }}")
    context = Context(
        {"day": datetime.date(2026, 5, 5), "moment": datetime.datetime(2026, 12, 5, 1, 8)}
    )
    for language in ("nl-be", "nl-nl"):
        with translation.override(language):
            assert template.render(context) == "5 mei 2026 · 5 dec. 2026 01:08"
