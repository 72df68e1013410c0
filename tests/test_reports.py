"""Reports: contents checked against the database, and every format opened and read back."""

import html
import io
import re
import zipfile
from datetime import date
from decimal import Decimal

from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from docx.shared import Pt
from openpyxl import load_workbook
from pypdf import PdfReader

from koers.accounts.actor import Actor
from koers.followup import services as followup
from koers.plans.models import BudgetLine, Milestone, PlanItem
from koers.reporting.charts import report_charts
from koers.reporting.contents import DUTCH, FLEMISH, Filters, build_report
from koers.reporting.models import ReportJob
from koers.reporting.services import make_report

COORDINATOR = "coordinator@voorbeeld.be"


def _round(demo):
    return demo.plan.rounds.get(name="Opvolging voorjaar 2026")


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_contents_match_the_database(demo):
    plan, round_ = demo.plan, _round(demo)
    report = build_report(plan, round_)
    items = PlanItem.objects.filter(plan=plan, depth__gt=1)
    assert report.variant == FLEMISH
    assert [item.title for item in report.items] == list(
        items.order_by("path").values_list("title", flat=True)
    )
    leaves = items.filter(numchild=0)
    assert report.summary.items_counted == leaves.count()
    assert report.summary.milestones_total == Milestone.objects.filter(item__plan=plan).count()
    assert (
        report.summary.milestones_done
        == Milestone.objects.filter(item__plan=plan, done=True).count()
    )
    expenses = BudgetLine.objects.filter(item__plan=plan, direction="expense")
    totals = expenses.aggregate(current=Sum("current"), actual=Sum("actual"))
    assert sum(goal.total.current for goal in report.summary.goals) == Decimal(
        totals["current"]
    ).quantize(Decimal("0.01"))
    assert sum(goal.total.actual for goal in report.summary.goals) == Decimal(
        totals["actual"]
    ).quantize(Decimal("0.01"))
    assert {item.code for item in report.summary.priority_items} == set(
        items.filter(policy="priority").values_list("code", flat=True)
    )
    assert build_report(demo.dutch_plan).variant == DUTCH


def test_only_approved_progress_is_reported(demo):
    round_ = _round(demo)
    approved = round_.updates.filter(state="approved").select_related("item").first()
    submitted = round_.updates.filter(state="submitted").select_related("item").first()
    report = build_report(demo.plan, round_)
    by_pk = {item.pk: item for item in report.items}
    assert by_pk[approved.item_id].progress == approved.narrative
    assert submitted.narrative not in by_pk[submitted.item_id].progress


def test_filters_keep_matching_items_and_their_place_in_the_tree(demo):
    priority = build_report(demo.plan, filters=Filters(priority_only=True))
    assert all(item.priority for item in priority.reported_items)
    department = build_report(demo.plan, filters=Filters(department="Omgeving"))
    assert department.reported_items
    assert all("Omgeving" in item.departments for item in department.reported_items)
    codes = {item.code for item in department.items}
    for item in department.reported_items:  # every matching item comes with its parents
        parent = item.code.rsplit("-", 1)[0]
        assert parent == item.code or parent in codes
    goal = PlanItem.objects.filter(plan=demo.plan, depth=2).first()
    part = build_report(demo.plan, filters=Filters(subtree=goal))
    assert part.items[0].code == goal.code
    assert all(item.code.startswith(goal.code) for item in part.items)


def test_building_a_report_takes_the_same_queries_for_any_plan_size(demo):
    from tests.factories import make_plan_with_actions

    small = make_plan_with_actions(10, demo.voorbeeld)
    large = make_plan_with_actions(300, demo.voorbeeld)
    counts = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as queries:
            build_report(plan)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _made(demo, tmp_path, fmt):
    out = tmp_path / (f"report.{fmt}" if fmt != "html" else "site")
    return make_report(demo.plan, _round(demo), fmt, out)


def test_the_pdf_has_every_title_page_numbers_and_bookmarks(demo, tmp_path):
    reader = PdfReader(_made(demo, tmp_path, "pdf"))
    text = _words(" ".join(page.extract_text() for page in reader.pages))
    for title in PlanItem.objects.filter(plan=demo.plan, depth__gt=1).values_list(
        "title", flat=True
    ):
        assert _words(title) in text, title
    pages = len(reader.pages)
    assert f"2 of {pages}" in text or f"2 van {pages}" in text
    outline = reader.outline
    flat = []

    def walk(entries):
        for entry in entries:
            if isinstance(entry, list):
                walk(entry)
            else:
                flat.append(entry.title)

    walk(outline)
    assert any(title.startswith("BD1 ") for title in flat)
    assert len(flat) >= PlanItem.objects.filter(plan=demo.plan, depth__gt=1).count()


def test_the_word_document_uses_heading_styles_by_level(demo, tmp_path):
    document = Document(_made(demo, tmp_path, "docx"))
    headings = {
        paragraph.text: paragraph.style.name
        for paragraph in document.paragraphs
        if paragraph.style.name.startswith("Heading")
    }
    for item in PlanItem.objects.filter(plan=demo.plan, depth__gt=1):
        assert headings[f"{item.code} {item.title}"] == f"Heading {item.depth}"
    assert document.inline_shapes  # the charts
    assert len(document.tables) > 3


def test_the_workbook_lists_every_item_with_its_figures(demo, tmp_path):
    workbook = load_workbook(_made(demo, tmp_path, "xlsx"))
    items = workbook.worksheets[0]
    rows = list(items.iter_rows(min_row=2, values_only=True))
    assert len(rows) == PlanItem.objects.filter(plan=demo.plan, depth__gt=1).count()
    milestones = workbook.worksheets[1]
    assert milestones.max_row - 1 == Milestone.objects.filter(item__plan=demo.plan).count()


def test_the_website_works_offline_with_a_page_per_item_and_a_search_index(demo, tmp_path):
    site = _made(demo, tmp_path, "html")
    index = (site / "index.html").read_text(encoding="utf-8")
    items = PlanItem.objects.filter(plan=demo.plan, depth__gt=1)
    assert len(list((site / "items").glob("*.html"))) == items.count()
    search = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    for item in items:
        assert f"items/item-{item.pk}.html" in index
        assert item.title in search
    for page in [site / "index.html", site / "search.html", *(site / "items").glob("*.html")]:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', html), page  # nothing from outside
    assert '<div role="img" aria-label="' in index  # every chart has a text alternative


def _pixels(image) -> tuple:
    rgb = image.convert("RGB")
    return rgb.size, rgb.tobytes()


def test_charts_are_the_same_drawing_in_every_format(demo, tmp_path):
    from matplotlib.text import Text
    from PIL import Image

    from koers.reporting.renderers import docx as docx_renderer
    from koers.reporting.renderers import html as html_renderer
    from koers.reporting.renderers import pdf as pdf_renderer

    report = build_report(demo.plan, _round(demo))
    charts = report_charts(report.summary)
    assert [chart.key for chart in charts] == ["status", "budget", "sdg"]
    drawings = {_pixels(Image.open(io.BytesIO(chart.png))) for chart in charts}
    assert len(drawings) == 3

    # The SVG and the PNG are one drawing: the same texts, the same proportions.
    for chart in charts:
        texts = {
            t.get_text() for t in chart.figure.findobj(Text) if t.get_text() and t.get_visible()
        }
        svg_texts = set(re.findall(r"<text[^>]*>([^<]+)</text>", chart.svg))
        svg_texts = {html.unescape(t) for t in svg_texts}
        # Every word drawn (titles, labels, legends) is in the SVG; tick numbers that fall
        # outside the plot are not drawn.
        assert svg_texts <= texts
        assert {t for t in texts if not re.fullmatch(r"[\d.,\s€%\u2212-]+", t)} <= svg_texts
        width, height = (
            float(v)
            for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', chart.svg).groups()
        )
        png_width, png_height = Image.open(io.BytesIO(chart.png)).size
        assert abs(png_width - width * 150 / 72) <= 2 and abs(png_height - height * 150 / 72) <= 2

    # Word and PDF show exactly these PNG drawings; the website exactly these SVGs.
    word = docx_renderer.render(report, charts, tmp_path / "r.docx")
    with zipfile.ZipFile(word) as package:
        media = [package.read(n) for n in package.namelist() if n.startswith("word/media/")]
    assert {_pixels(Image.open(io.BytesIO(m))) for m in media} == drawings
    pdf = pdf_renderer.render(report, charts, tmp_path / "r.pdf")
    pictures = {_pixels(picture.image) for page in PdfReader(pdf).pages for picture in page.images}
    assert pictures == drawings
    site = html_renderer.render(report, charts, tmp_path / "site")
    index = (site / "index.html").read_text(encoding="utf-8")
    for chart in charts:
        assert html_renderer.inline_svg(chart) in index
        chart.close()


def test_the_report_command_writes_each_format(demo, tmp_path):
    round_ = _round(demo)
    for fmt in ("docx", "xlsx", "html"):  # (the PDF is the same call, and slower)
        out = tmp_path / (f"r.{fmt}" if fmt != "html" else "site")
        call_command(
            "report",
            "--plan",
            str(demo.plan.pk),
            "--round",
            str(round_.pk),
            "--format",
            fmt,
            "--out",
            str(out),
            "--priority",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        assert out.exists()


def test_a_report_asked_for_on_the_web_is_made_and_downloaded(demo, login):
    client = login("reader@voorbeeld.be")  # council members make reports too
    url = reverse("reporting:reports", kwargs={"org": "voorbeeld", "pk": demo.plan.pk})
    response = client.post(url, {"round": _round(demo).pk, "format": "html"})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and job.state == "done"
    page = client.get(reverse("reporting:job", kwargs={"org": "voorbeeld", "pk": job.pk}))
    assert "download" in page.content.decode()
    download = client.get(reverse("reporting:download", kwargs={"org": "voorbeeld", "pk": job.pk}))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "index.html" in archive.namelist()
    outsider = login("admin@proefdorp.nl")
    assert (
        outsider.get(
            reverse("reporting:download", kwargs={"org": "voorbeeld", "pk": job.pk})
        ).status_code
        == 404
    )
    assert (
        outsider.get(
            reverse("reporting:download", kwargs={"org": "proefdorp", "pk": job.pk})
        ).status_code
        == 404
    )


def test_a_failed_report_says_why_and_can_be_tried_again(demo, login, monkeypatch):
    from koers.reporting import jobs

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(jobs, "make_report_file", broken)
    client = login(COORDINATOR)
    url = reverse("reporting:reports", kwargs={"org": "voorbeeld", "pk": demo.plan.pk})
    client.post(url, {"format": "pdf"})
    job = ReportJob.objects.get()
    assert job.state == "failed" and "disk full" in job.error
    monkeypatch.undo()
    client.post(reverse("reporting:retry", kwargs={"org": "voorbeeld", "pk": job.pk}))
    job.refresh_from_db()
    assert job.state == "done"


def test_the_coordinator_writes_the_chapters_and_they_appear_in_the_report(demo, login):
    round_ = _round(demo)
    url = reverse("reporting:report_text", kwargs={"org": "voorbeeld", "pk": round_.pk})
    assert login("editor@voorbeeld.be").post(url, {}).status_code == 403
    client = login(COORDINATOR)
    client.post(
        url,
        {
            "changed_assumptions": "<p>De rente steeg tot 3,5 %.</p><script>x</script>",
            "changed_risks": "<p>Subsidie onzeker.</p>",
            "version": 0,  # the chapters did not exist yet when the form was opened
        },
    )
    round_.refresh_from_db()
    report = build_report(demo.plan, round_)
    assert (
        "De rente steeg" in report.changed_assumptions
        and "<script" not in report.changed_assumptions
    )
    assert "Subsidie onzeker" in report.changed_risks
    assert round_.report_text.history.first().history_user.email == COORDINATOR


def test_the_background_worker_makes_the_report(demo, settings):
    from django_tasks_db.models import DBTaskResult

    from koers.jobs.worker import run_queued_tasks
    from koers.reporting import jobs

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = jobs.enqueue(ReportJob.objects.create(plan=demo.plan, format="xlsx"))
    job.refresh_from_db()
    assert job.state == "queued" and DBTaskResult.objects.get().status == "READY"
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert jobs.file_of(job).exists()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_report_of_a_dutch_plan_shows_costs_per_programme(demo, tmp_path):
    plan = demo.dutch_plan
    coordinator = Actor.member(demo.membership("admin@proefdorp.nl", "proefdorp"))
    round_ = followup.open_round(
        plan,
        {
            "name": "Jaarverslag 2026",
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 12, 31),
            "deadline": date(2027, 2, 1),
        },
        actor=coordinator,
    )
    out = make_report(plan, round_, "pdf", tmp_path / "nl.pdf")
    text = _words(" ".join(page.extract_text() for page in PdfReader(out).pages))
    # a round's report accounts for the plan: the W-questions of the jaarstukken
    assert "Wat hebben we bereikt?" in text and "Wat heeft het gekost?" in text
    assert "Wat willen we bereiken?" not in text
    assert plan.items.filter(depth=2).first().title.split()[0] in text


def test_word_reports_start_from_the_organisations_template(demo, tmp_path, settings):
    template = Document()
    template.add_paragraph("Huisstijl van Gemeente Voorbeeld")
    template.styles["Heading 2"].font.size = Pt(21)
    template.save(tmp_path / "huisstijl.docx")
    settings.KOERS_REPORT_DOCX_TEMPLATE = str(tmp_path / "huisstijl.docx")
    document = Document(make_report(demo.plan, None, "docx", tmp_path / "r.docx"))
    assert document.paragraphs[0].text == "Huisstijl van Gemeente Voorbeeld"
    assert document.styles["Heading 2"].font.size == Pt(21)


def test_unapproved_text_typed_on_the_item_never_reaches_a_report(demo):
    item = PlanItem.objects.filter(plan=demo.plan, depth=3, progress_updates__isnull=True).first()
    if item is None:
        item = PlanItem.objects.filter(plan=demo.plan, depth=3).last()
    item.progress_note = "<p>Aannemer failliet, niet goedgekeurd</p>"
    item.save()
    report = build_report(demo.plan, _round(demo))
    assert all("Aannemer failliet" not in entry.progress for entry in report.items)
