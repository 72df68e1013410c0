"""The report per source (figures, escaping in HTML, PDF and Word) and the import of an
audit's recommendations from a spreadsheet (preview, row numbers, all or nothing)."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from koers.accounts.actor import Actor
from koers.accounts.models import Department, Role
from koers.improvements import importing, reading, report, services
from koers.improvements.models import ActionImport, ImprovementAction, Source
from tests.factories import MembershipFactory, OrganisationFactory

Status = ImprovementAction.Status
HOSTILE = '<script>alert("x")</script> & "Bob"'
TODAY = date(2026, 10, 15)  # the frozen clock


@pytest.fixture
def setting(db):
    organisation = OrganisationFactory(slug="gemeente", name="Gemeente & Co")
    coordinator = MembershipFactory(organisation=organisation, role=Role.COORDINATOR)
    owner = MembershipFactory(
        organisation=organisation, role=Role.EDITOR, user__email="eigenaar@gemeente.test"
    )
    Department.objects.create(organisation=organisation, name="ICT")
    return organisation, coordinator, owner


def _source(organisation, coordinator, name):
    return services.save_source(
        organisation, {"name": name, "kind": "audit_vlaanderen"}, actor=Actor.member(coordinator)
    )


def _action(organisation, coordinator, source, **values):
    return services.save_action(
        organisation,
        {"source": source, "finding": "Vaststelling", **values},
        actor=Actor.member(coordinator),
    )


def test_figures_per_source(setting):
    organisation, coordinator, _owner = setting
    audit = _source(organisation, coordinator, "Audit")
    other = _source(organisation, coordinator, "Risicoanalyse")
    _action(organisation, coordinator, audit, status=Status.DONE)
    _action(organisation, coordinator, audit, status=Status.DONE)
    _action(organisation, coordinator, audit, deadline=date(2026, 1, 1))  # late
    _action(organisation, coordinator, audit, deadline=date(2027, 1, 1))  # open
    _action(
        organisation,
        coordinator,
        audit,
        response="not_accepted",
        response_reason="Te duur",
        deadline=date(2026, 1, 1),
    )
    _action(organisation, coordinator, other, status=Status.CANCELLED)
    result = reading.source_report(organisation, TODAY)
    figures = {one.source.name: one for one in result.sources}
    audit_figures = figures["Audit"]
    assert (audit_figures.total, audit_figures.done, audit_figures.late, audit_figures.open) == (
        5,
        2,
        1,
        1,
    )
    assert (audit_figures.not_accepted, audit_figures.cancelled) == (1, 0)
    for one in result.sources:  # every action is counted once
        assert one.done + one.late + one.open + one.cancelled + one.not_accepted == one.total
    assert audit_figures.share_done == 40
    assert [a.late for a in audit_figures.outstanding] == [True, False]
    assert (figures["Risicoanalyse"].total, figures["Risicoanalyse"].cancelled) == (1, 1)
    assert figures["Risicoanalyse"].share_done == 0
    assert (result.total.total, result.total.done) == (6, 2)
    only = reading.source_report(organisation, TODAY, source_id=other.pk)
    assert [one.source.name for one in only.sources] == ["Risicoanalyse"]


@pytest.fixture
def hostile(setting):
    organisation, coordinator, owner = setting
    source = _source(organisation, coordinator, HOSTILE)
    _action(
        organisation,
        coordinator,
        source,
        reference="R&1",
        recommendation=HOSTILE,
        owner=owner,
        deadline=date(2026, 1, 1),
    )
    return organisation, coordinator


def test_the_report_page_escapes_user_text(hostile, client):
    _organisation, coordinator = hostile
    client.force_login(coordinator.user)
    page = client.get(reverse("improvements:report", kwargs={"org": "gemeente"})).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Bob&quot;" in page
    assert "Gemeente &amp; Co" in page


def test_the_pdf_and_word_reports_show_user_text_as_typed(hostile, client):
    _organisation, coordinator = hostile
    client.force_login(coordinator.user)
    url = reverse("improvements:report_file", kwargs={"org": "gemeente", "fmt": "pdf"})
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert '<script>alert("x")</script>' in " ".join(text.split())
    assert "R&1" in text and "0 %" in text
    url = reverse("improvements:report_file", kwargs={"org": "gemeente", "fmt": "docx"})
    document = Document(io.BytesIO(client.get(url).content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert HOSTILE in cells
    assert client.get(url.replace("docx", "odt")).status_code == 404


def test_report_rendering_functions_accept_an_empty_register(setting):
    organisation, _coordinator, _owner = setting
    empty = reading.source_report(organisation, TODAY)
    assert report.render_pdf(empty).startswith(b"%PDF-")
    assert report.render_docx(empty).startswith(b"PK")


# -- import ------------------------------------------------------------------------------

HEADER = ["Referentie", "Vaststelling", "Aanbeveling", "Prioriteit", "Eigenaar", "Dienst"]


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_sheet_of_recommendations_is_previewed_then_loaded(setting, client):
    organisation, coordinator, owner = setting
    source = _source(organisation, coordinator, "Audit")
    content = (
        b"Referentie;Vaststelling;Aanbeveling;Prioriteit;Eigenaar;Dienst;Deadline;Extra\n"
        b"A1;Geen beleid;Stel beleid op;hoog;eigenaar@gemeente.test;ICT;30/06/2027;x\n"
        b"A2;Geen back-up;Maak back-ups;laag;;;2027-03-31;\n"
    )
    client.force_login(coordinator.user)
    response = client.post(
        reverse("improvements:import", kwargs={"org": "gemeente"}),
        {"source": source.pk, "file": _upload("aanbevelingen.csv", content)},
    )
    draft = ActionImport.objects.get()
    assert response.status_code == 302
    preview_url = reverse("improvements:import_preview", kwargs={"org": "gemeente", "pk": draft.pk})
    page = client.get(preview_url).content.decode()
    assert "Geen beleid" in page and "Extra" in page  # the unread column is named
    assert ImprovementAction.objects.count() == 0  # nothing stored by the preview
    assert client.post(preview_url, {"confirm": "1"}).status_code == 302
    loaded = {a.reference: a for a in ImprovementAction.objects.select_related("owner")}
    assert set(loaded) == {"A1", "A2"}
    assert loaded["A1"].owner == owner and loaded["A1"].department.name == "ICT"
    assert (loaded["A1"].priority, loaded["A1"].deadline) == ("high", date(2027, 6, 30))
    assert loaded["A2"].priority == "low" and loaded["A2"].owner is None
    assert loaded["A1"].history.get().history_change_reason == "Geïmporteerd uit aanbevelingen.csv"
    assert not ActionImport.objects.exists()


def test_bad_rows_are_refused_with_their_numbers_and_nothing_is_stored(setting):
    organisation, coordinator, _owner = setting
    source = _source(organisation, coordinator, "Audit")
    _action(organisation, coordinator, source, reference="B9")
    content = _xlsx(
        [
            [*HEADER, "Deadline", "Reactie"],
            ["B1", "Goed", "", "hoog", "", "", "2027-01-01", "aanvaard"],
            ["B2", "", "Leeg", "", "", "", "", ""],
            ["B3", "Iets", "", "dringend", "niemand@elders.test", "Kelder", "morgen", "nee"],
            ["B1", "Dubbel", "", "", "", "", "", ""],
            ["B9", "Al gekend", "", "", "", "", "", ""],
        ]
    )
    sheet = importing.read_actions(source, content, "audit.xlsx")
    assert sheet.problems == [
        "Rij 3: de vaststelling is leeg.",
        "Rij 4: 'dringend' is geen prioriteit (hoog, middel of laag).",
        "Rij 4: een aanbeveling die niet aanvaard wordt, heeft een reden nodig.",
        "Rij 4: 'morgen' is geen datum (schrijf 2026-06-30 of 30/06/2026).",
        "Rij 4: 'niemand@elders.test' is geen lid van de organisatie (schrijf het e-mailadres).",
        "Rij 4: 'Kelder' is geen gekende eenheid van de organisatie.",
        "Rij 5: de referentie 'B1' staat ook op rij 2.",
        "Rij 6: de bron heeft al een actie met referentie 'B9'.",
    ]
    draft = importing.keep_upload(source, None, "audit.xlsx", content)
    with pytest.raises(ValidationError):
        importing.load_actions(draft, actor=Actor.member(coordinator))
    assert ImprovementAction.objects.count() == 1  # only the one that was there
    assert ActionImport.objects.filter(pk=draft.pk).exists()


def test_files_that_are_not_sheets_or_lack_the_finding_column_are_refused(setting):
    organisation, coordinator, _owner = setting
    source = _source(organisation, coordinator, "Audit")
    sheet = importing.read_actions(source, b"Titel;Wie\nIets;Ik\n", "lijst.csv")
    assert sheet.problems == [
        "Het bestand heeft geen kopregel met een kolom 'Vaststelling'. "
        "Zet de kolomtitels in de eerste rij."
    ]
    sheet = importing.read_actions(source, b"# Plan\n\nTekst\n", "plan.md")
    assert sheet.problems == ["Aanbevelingen worden geïmporteerd uit een CSV- of Excelbestand."]
    sheet = importing.read_actions(source, b"Vaststelling\n", "leeg.csv")
    assert sheet.problems == ["Het bestand bevat geen aanbevelingen."]
    assert Source.objects.count() == 1


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
