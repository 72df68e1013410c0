"""The public complaint form on the portal: only where switched on, no account, CSRF for
anonymous visitors, not cached, spam protection (hidden field, signed form token that is
neither too fresh nor too old), throttling per address and per organisation, limits per
field with Dutch messages, what was typed kept on every refusal, the confirmation with
the reference number and the e-mail."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.db.models import Max
from django.test import Client
from django.urls import reverse

from koers.complaints.models import Complainant, Complaint
from koers.complaints_public.intake_guard import issue_token
from koers.complaints_public.models import PortalComplaintForm

FORM = "/voorbeeld/klacht/"
TYPED = {
    "subject": "Container niet geledigd <b>&</b>",
    "description": "Al twee weken staat de container vol in de Dorpsstraat.",
    "name": "Jan Peeters",
    "address": "Dorpsstraat 1, 2000 Voorbeeld",
    "email": "jan.peeters@example.org",
    "phone": "03 123 45 67",
    "consent": "on",
    "website": "",
}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # the throttle counts in the cache
    yield
    cache.clear()


@pytest.fixture
def portal(demo):
    PortalComplaintForm.objects.update_or_create(
        organisation=demo.voorbeeld, defaults={"enabled": True, "introduction": ""}
    )
    organisation = demo.voorbeeld
    organisation.last_before = Complaint.objects.aggregate(last=Max("pk"))["last"] or 0
    return organisation


def _filed(organisation):
    """The complaints filed during the test (the demo has its own)."""
    return Complaint.objects.filter(organisation=organisation, pk__gt=organisation.last_before)


def _token(client) -> str:
    page = client.get(FORM).content.decode()
    return html.unescape(re.search(r'name="token" value="([^"]+)"', page)[1])


def _send(client, frozen_clock, data=None, wait=10, **extra):
    token = _token(client)
    if wait:
        frozen_clock.shift(datetime.timedelta(seconds=wait))
    return client.post(FORM, {**TYPED, "token": token, **(data or {})}, **extra)


def _page(response) -> str:
    return response.content.decode()


def _kept(page: str, data=None) -> None:
    """Everything typed is back in the form."""
    values = {**TYPED, **(data or {})}
    for name in ("subject", "name", "email", "phone"):
        assert f'value="{html.escape(values[name], quote=True)}"' in page, name
    for name in ("description", "address"):
        assert f">\n{html.escape(values[name], quote=False)}</textarea>" in page, name
    assert 'name="consent"' in page and "checked" in page


def test_the_form_is_only_there_where_the_organisation_switched_it_on(demo, client):
    assert client.get(FORM).status_code == 200  # the demo takes complaints on its portal
    PortalComplaintForm.objects.filter(organisation=demo.voorbeeld).update(enabled=False)
    response = client.get(FORM)
    assert response.status_code == 404
    assert "Pagina niet gevonden" in _page(response)
    PortalComplaintForm.objects.filter(organisation=demo.voorbeeld).update(enabled=True)
    assert client.get(FORM).status_code == 200
    assert client.get("/proefdorp/klacht/").status_code == 404


def test_the_form_has_labels_and_is_never_cached(portal, client):
    response = client.get(FORM)
    page = _page(response)
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "csrfmiddlewaretoken" in page and "csrftoken" in response.cookies
    for field in ("subject", "description", "name", "address", "email", "phone", "consent"):
        assert f'<label for="id_{field}">' in page, field
    assert 'aria-describedby="id_subject-help"' in page
    assert '<div class="hp" hidden>' in page  # the hidden field: no person sees or reaches it
    assert 'tabindex="-1"' in page


def test_a_citizen_files_a_complaint_and_gets_its_reference_by_e_mail(portal, client, frozen_clock):
    response = _send(client, frozen_clock)
    assert response.status_code == 302
    complaint = Complaint.objects.get(organisation=portal, subject=TYPED["subject"])
    assert re.fullmatch(r"K-2026-\d{4}", complaint.reference)
    assert complaint.channel == Complaint.Channel.PORTAL
    assert complaint.received_on == datetime.date(2026, 10, 15)
    assert complaint.deadline == datetime.date(2026, 11, 29)  # 45 days
    person = Complainant.objects.get(complaint=complaint)
    assert (person.name, person.email, person.phone) == (
        "Jan Peeters",
        "jan.peeters@example.org",
        "03 123 45 67",
    )
    confirmation = client.get(response["Location"])
    page = _page(confirmation)
    assert f'<p class="reference" id="reference">{complaint.reference}</p>' in page
    assert "no-cache" in confirmation["Cache-Control"]
    assert "Jan Peeters" not in page and "jan.peeters" not in page
    (message,) = mail.outbox
    assert message.to == ["jan.peeters@example.org"]
    assert message.subject == f"Uw klacht is ontvangen ({complaint.reference})"
    assert f"Referentienummer: {complaint.reference}" in message.body
    assert "Onderwerp: Container niet geledigd <b>&</b>" in message.body  # plain text
    assert "uiterlijk op 29 november 2026" in message.body


def test_without_an_e_mail_address_no_mail_and_anonymous_is_fine(portal, client, frozen_clock):
    anonymous = {"name": "", "address": "", "email": "", "phone": "", "consent": ""}
    response = _send(client, frozen_clock, anonymous)
    assert response.status_code == 302
    assert mail.outbox == []
    complaint = Complaint.objects.get(organisation=portal, subject=TYPED["subject"])
    assert Complainant.objects.get(complaint=complaint).name == ""


def test_oversize_fields_are_refused_with_their_limit_and_the_text_kept(
    portal, client, frozen_clock
):
    data = {"subject": "x" * 201, "description": "y" * 5001}
    response = _send(client, frozen_clock, data)
    assert response.status_code == 400
    page = _page(response)
    assert "Gebruik hoogstens 200 tekens (u typte er 201)." in page
    assert "Gebruik hoogstens 5000 tekens (u typte er 5001)." in page
    assert '<a class="utrecht-link" href="#id_subject">Onderwerp: Gebruik hoogstens' in page
    assert 'aria-invalid="true" aria-describedby="id_subject-help id_subject-error"' in page
    _kept(page, data)
    assert not _filed(portal).exists()


def test_a_malformed_e_mail_address_is_refused_with_the_text_kept(portal, client, frozen_clock):
    data = {"email": "jan.peeters@@example"}
    response = _send(client, frozen_clock, data)
    assert response.status_code == 400
    page = _page(response)
    assert (
        "Dit is geen geldig e-mailadres. Schrijf het als naam@voorbeeld.be, of laat het leeg."
        in page
    )
    _kept(page, data)
    assert not _filed(portal).exists()


def test_missing_fields_and_details_without_consent_are_named(portal, client, frozen_clock):
    data = {"subject": "", "description": "", "consent": ""}
    page = _page(_send(client, frozen_clock, data))
    assert "Geef uw klacht een onderwerp." in page
    assert "Schrijf op waarover uw klacht gaat." in page
    assert "Vink dit vakje aan om uw contactgegevens mee te sturen" in page
    assert not _filed(portal).exists()


def test_the_hidden_field_filled_in_is_refused_with_the_text_kept(portal, client, frozen_clock):
    response = _send(client, frozen_clock, {"website": "http://spam.example"})
    assert response.status_code == 400
    page = _page(response)
    assert "Laat het veld “Website” leeg" in page
    _kept(page)
    assert not _filed(portal).exists()


def test_a_form_sent_back_too_fast_is_refused_then_accepted_a_moment_later(
    portal, client, frozen_clock
):
    response = _send(client, frozen_clock, wait=0)
    assert response.status_code == 400
    page = _page(response)
    assert "Dat ging erg snel. Controleer uw klacht en verstuur ze over enkele seconden" in page
    _kept(page)
    assert not _filed(portal).exists()
    fresh = html.unescape(re.search(r'name="token" value="([^"]+)"', page)[1])
    frozen_clock.shift(datetime.timedelta(seconds=5))
    again = client.post(FORM, {**TYPED, "token": fresh})
    assert again.status_code == 302


def test_an_old_forged_or_foreign_token_is_refused(portal, client, frozen_clock):
    old = _send(client, frozen_clock, wait=25 * 3600)
    assert "Het formulier stond te lang open." in _page(old)
    forged = client.post(FORM, {**TYPED, "token": _token(client) + "x"})
    assert "Het formulier kon niet gecontroleerd worden." in _page(forged)
    foreign = issue_token("proefdorp", now=0)
    assert "Het formulier kon niet gecontroleerd worden." in _page(
        client.post(FORM, {**TYPED, "token": foreign})
    )
    missing = client.post(FORM, {**TYPED})
    assert missing.status_code == 400
    _kept(_page(missing))
    assert not _filed(portal).exists()


def test_a_burst_from_one_address_is_throttled_with_the_text_kept(
    portal, client, frozen_clock, settings
):
    settings.KOERS_COMPLAINT_FORM_ADDRESS_LIMIT = 3
    for number in range(3):
        assert _send(client, frozen_clock, {"subject": f"Klacht {number}"}).status_code == 302
    response = _send(client, frozen_clock, {"subject": "Klacht 4"})
    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    page = _page(response)
    assert "Er werden vanaf uw verbinding in korte tijd te veel klachten verstuurd." in page
    _kept(page, {"subject": "Klacht 4"})
    assert _filed(portal).count() == 3
    other = Client(REMOTE_ADDR="192.0.2.44")  # another address is not held up
    assert _send(other, frozen_clock, {"subject": "Klacht 5"}).status_code == 302
    frozen_clock.shift(datetime.timedelta(minutes=11))  # the next window
    assert _send(client, frozen_clock, {"subject": "Klacht 6"}).status_code == 302


def test_a_burst_for_one_organisation_is_throttled_whatever_the_address(
    portal, frozen_clock, settings
):
    settings.KOERS_COMPLAINT_FORM_ORGANISATION_LIMIT = 2
    for number in range(2):
        visitor = Client(REMOTE_ADDR=f"198.51.100.{number}")
        assert _send(visitor, frozen_clock, {"subject": f"Klacht {number}"}).status_code == 302
    response = _send(Client(REMOTE_ADDR="198.51.100.9"), frozen_clock)
    assert response.status_code == 429
    assert "Het klachtenformulier is nu erg druk." in _page(response)
    assert _filed(portal).count() == 2


def test_csrf_works_for_anonymous_visitors_and_is_required(portal, frozen_clock):
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(FORM).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    token = html.unescape(re.search(r'name="token" value="([^"]+)"', page)[1])
    frozen_clock.shift(datetime.timedelta(seconds=10))
    assert strict.post(FORM, {**TYPED, "token": token}).status_code == 403
    sent = strict.post(FORM, {**TYPED, "token": token, "csrfmiddlewaretoken": csrf})
    assert sent.status_code == 302


def test_the_confirmation_needs_its_own_signed_receipt(portal, client, frozen_clock):
    response = _send(client, frozen_clock)
    url = reverse("portal:complaint_received", kwargs={"org": "voorbeeld"})
    assert client.get(url).status_code == 404
    assert client.get(url + "?ontvangst=K-2026-0001").status_code == 404
    receipt = response["Location"].split("?", 1)[1]
    assert client.get(f"/proefdorp/klacht/ontvangen/?{receipt}").status_code == 404
    frozen_clock.shift(datetime.timedelta(hours=25))
    assert client.get(response["Location"]).status_code == 404


def test_administrators_switch_the_form_on(demo, login, client):
    PortalComplaintForm.objects.filter(organisation=demo.voorbeeld).delete()
    assert client.get(FORM).status_code == 404
    url = reverse("complaints_public:portal_form", kwargs={"org": "voorbeeld"})
    assert login("coordinator@voorbeeld.be").get(url).status_code == 403
    admin = login("admin@voorbeeld.be")
    assert admin.get(url).status_code == 200
    response = admin.post(url, {"enabled": "on", "introduction": "Klachten <b>welkom</b>"})
    assert response.status_code == 302
    client.logout()
    page = _page(client.get(FORM))
    assert "Klachten &lt;b&gt;welkom&lt;/b&gt;" in page


def test_the_throttle_counts_in_the_database_cache_too(portal, frozen_clock, settings):
    """``KOERS_CACHE_URL=db://``: the counts are rows of the cache table, shared by every
    process, none kept in the process itself."""
    from django.core.management import call_command
    from django.test import override_settings

    database_cache = {
        "default": {
            "BACKEND": "koers.cache_backends.DatabaseCache",
            "LOCATION": "koers_test_cache",
        }
    }
    settings.KOERS_COMPLAINT_FORM_ADDRESS_LIMIT = 2
    with override_settings(CACHES=database_cache):
        call_command("createcachetable", verbosity=0)
        client = Client(REMOTE_ADDR="203.0.113.7")
        for number in range(2):
            sent = _send(client, frozen_clock, {"subject": f"Klacht {number}"})
            assert sent.status_code == 302
        response = _send(client, frozen_clock, {"subject": "Klacht 3"})
        assert response.status_code == 429
        _kept(_page(response), {"subject": "Klacht 3"})
        assert _filed(portal).count() == 2
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM koers_test_cache WHERE cache_key LIKE %s",
                ["%complaint-form%"],
            )
            assert cursor.fetchone()[0] == 2  # one count per address, one per organisation
