"""The yearly complaints report: its figures (counts, handling times, trend,
improvements), its files in every format with hostile texts, no personal data, constant
queries, who may make, publish and read it, and the public summary on the portal."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from koers.accounts.models import Department, Organisation
from koers.complaints.models import Complainant, Complaint
from koers.complaints_public import report_files
from koers.complaints_public.models import YearlyComplaintReport
from koers.complaints_public.yearly_report import (
    build_yearly_report,
    figures_json,
    from_json,
)
from koers.improvements.models import ImprovementAction, Source

D = datetime.date
HOSTILE = ["<script>alert(1)</script>", "Tom & Jerry", 'Het "dak"', "]]> einde", "$x$ 100 %"]
PERSONAL = {
    "name": "Griet Persoonsnaam",
    "address": "Kerkstraat 99, 9999 Geheimdorp",
    "email": "griet.geheim@example.org",
    "phone": "0499 12 34 56",
}


def _complaint(organisation, number, received, **values):
    values.setdefault("channel", Complaint.Channel.EMAIL)
    values.setdefault("subject", "Afval")
    complaint = Complaint.objects.create(
        organisation=organisation,
        reference=f"K-{received.year}-{number:04d}",
        received_on=received,
        deadline=received + datetime.timedelta(days=45),
        description="Een tekst die nooit in het verslag staat.",
        **values,
    )
    Complainant.objects.create(complaint=complaint, **PERSONAL)
    return complaint


@pytest.fixture
def town(db):
    organisation = Organisation.objects.create(name="Klachtendorp", slug="klachtendorp")
    roads = Department.objects.create(organisation=organisation, name="Wegen")
    waste = Department.objects.create(organisation=organisation, name="Afval & Netheid")
    return organisation, roads, waste


def _year_of_complaints(organisation, roads, waste):
    # 2026: 5 complaints. Answered after 10, 20 and 50 days (deadline 45): median 20,
    # 2 of 3 within the deadline.
    founded = Complaint.Outcome.FOUNDED
    first = _complaint(
        organisation,
        1,
        D(2026, 2, 1),
        department=roads,
        answered_on=D(2026, 2, 11),
        outcome=founded,
        closed_on=D(2026, 2, 11),
        channel=Complaint.Channel.PORTAL,
    )
    _complaint(
        organisation,
        2,
        D(2026, 3, 1),
        department=roads,
        answered_on=D(2026, 3, 21),
        outcome=Complaint.Outcome.UNFOUNDED,
        closed_on=D(2026, 3, 21),
        subject="  afval ",
    )
    _complaint(
        organisation,
        3,
        D(2026, 4, 1),
        department=waste,
        answered_on=D(2026, 5, 21),
        outcome=Complaint.Outcome.PARTLY_FOUNDED,
        closed_on=D(2026, 5, 21),
        subject="Wegen",
    )
    _complaint(organisation, 4, D(2026, 5, 1), department=waste, subject="Wegen")
    _complaint(organisation, 5, D(2026, 6, 1), subject="Parkeren")
    # earlier years
    _complaint(organisation, 1, D(2025, 6, 1), answered_on=D(2025, 6, 5), outcome=founded)
    _complaint(organisation, 2, D(2025, 7, 1), answered_on=D(2025, 9, 1), outcome=founded)
    _complaint(organisation, 1, D(2023, 1, 10), answered_on=D(2023, 1, 13), outcome=founded)
    _complaint(organisation, 1, D(2022, 1, 10))  # before the trend: not counted
    return first


def test_the_report_counts_the_years_complaints_by_department_subject_channel_outcome(town):
    organisation, roads, waste = town
    _year_of_complaints(organisation, roads, waste)
    report = build_yearly_report(organisation, 2026)
    assert report.received == 5
    assert [(r.label, r.count, r.share) for r in report.by_department] == [
        ("Afval & Netheid", 2, 40),
        ("Wegen", 2, 40),
        ("Geen dienst", 1, 20),
    ]
    assert [(r.label, r.count) for r in report.by_subject] == [
        ("Afval", 2),  # "  afval " is the same subject
        ("Wegen", 2),
        ("Parkeren", 1),
    ]
    assert [(r.label, r.count) for r in report.by_channel] == [
        ("e-mail", 4),
        ("webformulier", 1),
    ]
    assert [(r.label, r.count) for r in report.by_outcome] == [
        ("gegrond", 1),
        ("deels gegrond", 1),
        ("ongegrond", 1),
        ("Nog niet afgehandeld", 2),
    ]


def test_handling_times_are_the_median_and_the_share_within_the_deadline(town):
    organisation, roads, waste = town
    _year_of_complaints(organisation, roads, waste)
    current = build_yearly_report(organisation, 2026).current
    assert (current.answered, current.median_days) == (3, 20.0)
    assert (current.within_deadline, current.within_share) == (2, 67)
    assert (current.founded, current.open) == (2, 2)


def test_the_trend_covers_the_three_years_before_with_its_figures_as_text(town):
    organisation, roads, waste = town
    _year_of_complaints(organisation, roads, waste)
    report = build_yearly_report(organisation, 2026)
    assert [
        (y.year, y.received, y.answered, y.median_days, y.within_share) for y in report.trend
    ] == [
        (2023, 1, 1, 3.0, 100),
        (2024, 0, 0, None, None),
        (2025, 2, 2, 33.0, 50),  # 4 and 62 days
        (2026, 5, 3, 20.0, 67),
    ]
    assert report.trend_text == (
        "2023: 1 ontvangen, 1 binnen de termijn beantwoord; "
        "2024: 0 ontvangen, 0 binnen de termijn beantwoord; "
        "2025: 2 ontvangen, 1 binnen de termijn beantwoord; "
        "2026: 5 ontvangen, 2 binnen de termijn beantwoord"
    )


def test_improvements_are_complaints_linked_to_a_plan_item_or_an_improvement_action(demo, town):
    organisation, roads, waste = town
    first = _year_of_complaints(organisation, roads, waste)
    item = demo.plan.items.filter(depth=3).first()
    Complaint.objects.filter(pk=first.pk).update(plan_item=item)
    third = Complaint.objects.get(organisation=organisation, reference="K-2026-0003")
    source = Source.objects.create(organisation=organisation, kind="complaint", name="Klachten")
    ImprovementAction.objects.create(
        organisation=organisation,
        source=source,
        reference="V-7",
        finding="Containers te laat geleegd",
        recommendation="Ophaalronde herzien",
        complaint=third,
    )
    report = build_yearly_report(organisation, 2026)
    assert report.improvements_total == 2
    assert [(i.reference, i.department, i.outcome, i.led_to) for i in report.improvements] == [
        ("K-2026-0001", "Wegen", "gegrond", f"{item.code} {item.title}".strip()),
        (
            "K-2026-0003",
            "Afval & Netheid",
            "deels gegrond",
            f"V-7: Ophaalronde herzien ({ImprovementAction.Status.NOT_STARTED.label})",
        ),
    ]


def test_the_figures_survive_their_json(town):
    organisation, roads, waste = town
    _year_of_complaints(organisation, roads, waste)
    report = build_yearly_report(organisation, 2026)
    assert from_json(figures_json(report)) == report


def test_queries_do_not_grow_with_the_number_of_complaints(town):
    organisation, roads, waste = town
    _year_of_complaints(organisation, roads, waste)
    with CaptureQueriesContext(connection) as few:
        build_yearly_report(organisation, 2026)
    for number in range(10, 70):
        _complaint(
            organisation,
            number,
            D(2026, 1 + number % 12, 1),
            department=waste,
            subject=f"Onderwerp {number}",
            answered_on=D(2026, 12, 1),
        )
    with CaptureQueriesContext(connection) as many:
        build_yearly_report(organisation, 2026)
    assert len(few) == len(many) == 6


def _texts(fmt: str, path: Path) -> str:
    if fmt == "html":
        return path.read_text(encoding="utf-8")
    if fmt in ("pdf", "pdfua"):
        return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode()


@pytest.mark.parametrize("fmt", ["html", "pdf", "pdfua", "docx"])
def test_every_format_shows_hostile_texts_as_text_and_no_personal_data(town, tmp_path, fmt):
    organisation, _roads, _waste = town
    Organisation.objects.filter(pk=organisation.pk).update(name='Dorp <b>"&"</b> ]]>')
    organisation.refresh_from_db()
    for number, text in enumerate(HOSTILE, start=1):
        department = Department.objects.create(organisation=organisation, name=f"Dienst {text}")
        _complaint(organisation, number, D(2026, 3, number), subject=text, department=department)
    report = build_yearly_report(organisation, 2026)
    out = report_files.render(report, fmt, tmp_path / f"verslag.{report_files.FORMATS[fmt][0]}")
    content = _texts(fmt, out)
    for value in PERSONAL.values():
        assert value not in content
    assert "Een tekst die nooit in het verslag staat" not in content
    if fmt == "html":
        assert "<script>alert" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
        assert "Dienst Tom &amp; Jerry" in content
        assert "Het &quot;dak&quot;" in content
        assert "]]&gt; einde" in content
        assert "Dorp &lt;b&gt;&quot;&amp;&quot;&lt;/b&gt; ]]&gt;" in content
    elif fmt == "docx":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
        assert "Dienst Tom &amp; Jerry" in content
        assert "]]&gt; einde" in content
        assert "<script>" not in content
    else:
        flat = " ".join(content.split())
        for text in HOSTILE:
            assert text in flat, text
        assert "Dienst Tom & Jerry" in flat
        assert 'Dorp <b>"&"</b> ]]>' in flat


def test_the_word_file_is_a4_with_headings_and_the_chart_figures_as_text(town, tmp_path):
    organisation, roads, waste = town
    _year_of_complaints(organisation, roads, waste)
    report = build_yearly_report(organisation, 2026)
    out = report_files.render(report, "docx", tmp_path / "verslag.docx")
    from docx import Document

    document = Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings == [
        "Kerncijfers",
        "Per dienst",
        "Per onderwerp",
        "Per kanaal",
        "Per uitkomst",
        "Evolutie over de jaren",
        "Verbeteringen",
    ]
    assert report.trend_text in [p.text for p in document.paragraphs]
    assert round(document.sections[0].page_width.cm, 1) == 21.0


# -- who may make, publish and read it ------------------------------------------------------


@pytest.fixture
def voorbeeld_complaints(demo):
    organisation = demo.voorbeeld
    roads = organisation.departments.first()
    _complaint(
        organisation,
        901,
        D(2026, 2, 1),
        department=roads,
        answered_on=D(2026, 2, 5),
        outcome=Complaint.Outcome.FOUNDED,
        subject="Fietspad <kapot>",
    )
    return organisation


def _report_url(name, year=2026, org="voorbeeld", **extra):
    return reverse(f"complaints_public:{name}", kwargs={"org": org, "year": year, **extra})


def test_a_coordinator_publishes_and_a_reader_reads_only_the_published_report(
    voorbeeld_complaints, login
):
    reader = login("reader@voorbeeld.be")
    assert reader.get(_report_url("report")).status_code == 404  # no published report
    coordinator = login("coordinator@voorbeeld.be")
    page = coordinator.get(_report_url("report"))
    assert page.status_code == 200
    assert "Fietspad &lt;kapot&gt;" in page.content.decode()
    assert coordinator.post(_report_url("report"), {"action": "publish"}).status_code == 302
    stored = YearlyComplaintReport.objects.get(organisation=voorbeeld_complaints, year=2026)
    assert stored.is_published and stored.figures["received"] >= 1
    reader = login("reader@voorbeeld.be")
    assert reader.get(_report_url("report")).status_code == 200
    assert reader.post(_report_url("report"), {"action": "withdraw"}).status_code == 403
    download = reader.get(_report_url("download", fmt="docx"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="klachtenverslag-2026')
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert "Fietspad &lt;kapot&gt;" in archive.read("word/document.xml").decode()


def test_the_published_figures_stay_as_they_were(voorbeeld_complaints, login):
    coordinator = login("coordinator@voorbeeld.be")
    coordinator.post(_report_url("report"), {"action": "publish"})
    before = YearlyComplaintReport.objects.get(organisation=voorbeeld_complaints).figures
    _complaint(voorbeeld_complaints, 902, D(2026, 3, 1), subject="Later")
    page = coordinator.get(_report_url("report")).content.decode()
    assert "Later" not in page
    assert YearlyComplaintReport.objects.get(organisation=voorbeeld_complaints).figures == before


def test_editors_cannot_make_the_report(voorbeeld_complaints, login):
    editor = login("editor@voorbeeld.be")
    assert editor.get(_report_url("report")).status_code == 404
    assert editor.post(_report_url("report"), {"action": "publish"}).status_code == 403


# -- the public summary -----------------------------------------------------------------------


def test_the_portal_shows_the_published_figures_without_subjects_or_personal_data(
    voorbeeld_complaints, login, client
):
    summary = reverse("portal:complaints", kwargs={"org": "voorbeeld"})
    assert "Nog geen klachtenverslag gepubliceerd" in client.get(summary).content.decode()
    login("coordinator@voorbeeld.be").post(_report_url("report"), {"action": "publish"})
    client.logout()
    page = client.get(summary)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Klachten in 2026" in html
    assert "Fietspad" not in html  # subjects are complaint texts: not on the portal
    for value in PERSONAL.values():
        assert value not in html
    published = from_json(YearlyComplaintReport.objects.get(organisation__slug="voorbeeld").figures)
    assert published.trend_text.startswith("2023: ")
    assert published.trend_text in html  # the chart's figures as text


def test_no_complainants_data_on_the_portal_or_in_any_report(
    voorbeeld_complaints, login, client, tmp_path
):
    """Whatever complaints the organisation has (the demo's too): none of their
    complainants' details, nor a complaint's text or answer, reaches the report."""
    year = 2026
    login("coordinator@voorbeeld.be").post(_report_url("report"), {"action": "publish"})
    secrets = set()
    for person in Complainant.objects.filter(complaint__organisation=voorbeeld_complaints):
        secrets |= {person.name, person.address, person.email, person.phone}
    for text in Complaint.objects.filter(organisation=voorbeeld_complaints).values_list(
        "description", "answer"
    ):
        secrets |= {value for value in text if len(value) > 20}
    secrets.discard("")
    assert PERSONAL["email"] in secrets
    reader = login("reader@voorbeeld.be")
    pages = [reader.get(_report_url("report")).content.decode()]
    for fmt in ("html", "docx"):
        pages.append(
            _texts(fmt, _saved(reader.get(_report_url("download", fmt=fmt)), tmp_path, fmt))
        )
    client.logout()
    pages.append(
        client.get(reverse("portal:complaints", kwargs={"org": "voorbeeld"})).content.decode()
    )
    pages.append(client.get(f"/voorbeeld/klachten/{year}/").content.decode())
    everything = "\n".join(pages)
    assert "Klachten in 2026" in everything
    leaked = sorted(secret for secret in secrets if secret in everything)
    assert leaked == []


def _saved(response, folder: Path, fmt: str) -> Path:
    assert response.status_code == 200
    path = folder / f"download.{fmt}"
    path.write_bytes(response.content)
    return path


def test_the_accessible_pdf_is_tagged_in_dutch_with_the_chart_described(town, tmp_path):
    organisation, roads, waste = town
    _year_of_complaints(organisation, roads, waste)
    report = build_yearly_report(organisation, 2026)
    reader = PdfReader(str(report_files.render(report, "pdfua", tmp_path / "verslag.pdf")))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "nl-BE"
    assert "/StructTreeRoot" in catalog
    raw = (tmp_path / "verslag.pdf").read_bytes()
    assert b"/Figure" in raw
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Klachtenverslag 2026" in text
    assert "Kerncijfers" in text and "Evolutie over de jaren" in text
    assert [entry.title for entry in reader.outline if not isinstance(entry, list)][:2] == [
        "Inhoud",
        "Kerncijfers",
    ]


def test_a_published_reports_file_is_made_once_per_publication(
    voorbeeld_complaints, login, settings, monkeypatch
):
    coordinator = login("coordinator@voorbeeld.be")
    coordinator.post(_report_url("report"), {"action": "publish"})
    first = coordinator.get(_report_url("download", fmt="docx"))
    folder = Path(settings.KOERS_REPORT_DIR) / str(voorbeeld_complaints.pk)
    (kept,) = folder.glob("klachtenverslag-2026-v*-docx.docx")
    assert kept.read_bytes() == first.content

    def not_again(*args, **kwargs):
        raise AssertionError("made again")

    monkeypatch.setattr("koers.complaints_public.reports.render_file", not_again)
    reader = login("reader@voorbeeld.be")
    assert reader.get(_report_url("download", fmt="docx")).content == first.content
    monkeypatch.undo()
    coordinator = login("coordinator@voorbeeld.be")
    coordinator.post(_report_url("report"), {"action": "withdraw"})
    coordinator.post(_report_url("report"), {"action": "publish"})
    coordinator.get(_report_url("download", fmt="docx"))
    assert len(list(folder.glob("klachtenverslag-2026-v*-docx.docx"))) == 2  # a new version


@pytest.mark.parametrize("fmt", ["html", "pdf", "pdfua", "docx"])
def test_a_year_without_complaints_has_a_report_too(town, tmp_path, fmt):
    organisation, _roads, _waste = town
    report = build_yearly_report(organisation, 2026)
    assert (report.received, report.current.median_days, report.current.within_share) == (
        0,
        None,
        None,
    )
    out = report_files.render(report, fmt, tmp_path / f"leeg.{report_files.FORMATS[fmt][0]}")
    content = " ".join(_texts(fmt, out).split())
    assert "Geen klachten." in content
    assert "Nog geen klacht van dit jaar leidde tot een verbeteractie" in content
