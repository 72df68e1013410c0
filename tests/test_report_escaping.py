"""Hostile text in every user field reaches every report format as text: it is shown
literally, breaks nothing, and never becomes markup, a link, an image, a formula or a
chart formula (mathtext)."""

import html
import json
import re
import unicodedata
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import matplotlib
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import connection
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from koers.accounts.actor import Actor
from koers.accounts.models import Department
from koers.followup import services as followup
from koers.followup.models import ProgressUpdate
from koers.plans.models import BudgetLine, Milestone, Plan, PlanItem, PlanStatus
from koers.reporting.charts import report_charts
from koers.reporting.contents import build_report
from koers.reporting.models import RoundReportText
from koers.reporting.services import make_report
from tests.factories import make_item, make_plan

SERVER_IMAGE = str(Path(matplotlib.get_data_path()) / "images" / "home.png")

PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="http://evil.example/title">live link</a>',
    f'<img src="{SERVER_IMAGE}" width="40" height="40"/>',
    "</script><script>alert(2)</script>",
    r"Budget $\frac{1}{2}$ en \alpha $x^2$ kost $5",
    "]]><![CDATA[ x ]]>",
    "Tom &amp; Jerry & co &lt;b&gt;",
    "{{ request.user }} {% now 'Y' %}",
    '=HYPERLINK("http://evil.example/x","klik")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\tTab=1+1",
    "NUL\x00bel\x07esc\x1bdel\x7fnel\x85 einde",
    "RTL \u202egnp.exe\u202c tekst",
    "<para><font name=Courier color=red>f</font><u>onder</u></para>",
    "x" * 10_000,
]
# Rich text as it is stored (sanitised) plus what the sanitiser would have removed: a
# report must not rely on the stored text being clean.
RICH_EXTRAS = (
    '<p><a href="http://evil.example/rich">rijke link</a> '
    f'<img src="{SERVER_IMAGE}"><img src=x onerror=alert(3)>'
    '<font face="Courier" color="red">lettertype</font><script>alert(4)</script></p>'
    "<ul><li><strong>vet</strong> en <em>schuin</em></li></ul>"
)
HOSTILE_TAGS = ["img", "para", "font", "iframe", "u"]  # (scripts: see the test)


def shown(text: str) -> str:
    """The text as a reader sees it: control characters (which no document format can
    hold) dropped, whitespace ignored (lines wrap anywhere)."""
    kept = "".join(
        char for char in text if unicodedata.category(char) not in ("Cc", "Cs") or char in "\t\n"
    )
    return re.sub(r"\s+", "", kept)


def _fits(model, field: str, text: str) -> str:
    """What the database keeps: PostgreSQL holds no NUL and enforces lengths, SQLite
    keeps everything."""
    if connection.vendor != "postgresql":
        return text
    length = model._meta.get_field(field).max_length
    return text.replace("\x00", "")[:length] if length else text.replace("\x00", "")


def _rich(payload: str) -> str:
    if connection.vendor == "postgresql":  # PostgreSQL holds no NUL
        payload = payload.replace("\x00", "")
    return f"<p>{html.escape(payload)}</p>{RICH_EXTRAS}"


@pytest.fixture
def hostile(db):
    """A Flemish plan where every user text is a payload: per payload a goal and an
    action with that payload as code, title, texts, status, owner, department,
    milestone, budget label, progress report; the plan, organisation and round named
    after all payloads together."""
    joined = " | ".join(PAYLOADS[:-1])  # (a title page, not a book)
    plan = make_plan()
    organisation = plan.organisation
    organisation.name = _fits(type(organisation), "name", joined)
    organisation.save()
    Plan.objects.filter(pk=plan.pk).update(title=_fits(Plan, "title", joined))
    plan.refresh_from_db()
    users = get_user_model()
    for number, payload in enumerate(PAYLOADS):
        status = PlanStatus.objects.create(
            plan=plan, key=f"p{number}", name=_fits(PlanStatus, "name", payload)
        )
        owner = users.objects.create(
            username=f"owner{number}@example.test", first_name=_fits(users, "first_name", payload)
        )
        department = Department.objects.create(
            organisation=organisation, name=_fits(Department, "name", payload)
        )
        goal = make_item(plan, None, title=f"Doel {number}")
        action = make_item(plan, goal, title=f"Actie {number}")
        # The action's code starts with "A " so that both stay different when cut to fit.
        for item, prefix in ((goal, ""), (action, "A ")):
            PlanItem.objects.filter(pk=item.pk).update(
                code=_fits(PlanItem, "code", prefix + payload),
                title=_fits(PlanItem, "title", payload),
                description=_rich(payload),
                intended_result=_rich(payload),
                cost_note=_rich(payload),
                timing=_fits(PlanItem, "timing", payload),
                owner=owner,
                status=status,
                policy=PlanItem.Policy.PRIORITY,
            )
            item.departments.add(department)
        Milestone.objects.create(
            item=action,
            title=_fits(Milestone, "title", payload),
            planned_text=_fits(Milestone, "planned_text", payload),
            done=True,
            done_on=date(2026, 3, 1),
            position=1,
        )
        BudgetLine.objects.create(
            item=action,
            year=2026,
            label=_fits(BudgetLine, "label", payload),
            initial=Decimal(1000 + number),
            current=Decimal(1200 + number),
            actual=Decimal(500),
        )
    round_ = followup.open_round(
        plan,
        {
            "name": "Ronde",
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 6, 30),
            "deadline": date(2026, 7, 15),
        },
        actor=Actor.system(),
    )
    type(round_).objects.filter(pk=round_.pk).update(name=_fits(type(round_), "name", joined))
    round_.refresh_from_db()
    RoundReportText.objects.create(
        round=round_,
        changed_assumptions="".join(_rich(payload) for payload in PAYLOADS),
        changed_risks=_rich(PAYLOADS[0]),
    )
    for update in ProgressUpdate.objects.filter(round=round_).select_related("item"):
        update.narrative = _rich(update.item.title)
        update.state = ProgressUpdate.State.APPROVED
        update.save(update_fields=["narrative", "state"])
    return plan, round_


def _texts(plan: Plan, names: bool = True) -> list[str]:
    """Every user text of the plan as the database holds it (``names``: with the names
    of the plan, organisation and round, and the items' timing)."""
    texts = []
    if names:
        texts += [plan.title, plan.organisation.name, plan.rounds.get().name]
    for item in PlanItem.objects.filter(plan=plan, depth__gt=1):
        texts += [item.code, item.title, item.owner.first_name, item.status.name]
        texts += list(item.departments.values_list("name", flat=True))
        if names:
            texts.append(item.timing)
    for milestone in Milestone.objects.filter(item__plan=plan):
        texts += [milestone.title, milestone.planned_text]
    return texts


def _report(hostile, tmp_path, fmt):
    plan, round_ = hostile
    out = tmp_path / (f"report.{fmt}" if fmt != "html" else "site")
    return make_report(plan, round_, fmt, out)


def _chart_count(hostile) -> int:
    plan, round_ = hostile
    charts = report_charts(build_report(plan, round_).summary)
    for chart in charts:
        chart.close()
    return len(charts)


def _body(page, number: int) -> str:
    """A page's text without the running header and the page number (after the title
    page), which would interrupt a text that goes on over the next page."""
    lines = page.extract_text().strip().split("\n")
    if number == 0:
        return "\n".join(lines)
    assert re.fullmatch(r"pagina \d+ van \d+", lines[-1]), lines[-1]
    return "\n".join(lines[2:-1])  # the header's left and right part come as two lines


def test_the_pdf_shows_every_payload_as_text_without_links_or_images(hostile, tmp_path):
    # (Table cells show 1,000 characters, headings and texts everything.)
    reader = PdfReader(_report(hostile, tmp_path, "pdf"))
    text = shown(" ".join(_body(page, number) for number, page in enumerate(reader.pages)))
    for payload in _texts(hostile[0]):
        assert shown(payload[:900]) in text, payload[:80]
    for payload in PAYLOADS:  # headings and rich text: every payload whole, as text
        assert shown(payload) in text, payload[:80]
    assert shown("rijke link") in text and "lettertype" in text
    assert "alert(4)" not in text  # a script's content is no text of the report
    uris, images = [], 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                uris.append(action["/URI"])
        resources = page.get("/Resources") or {}
        for xobject in (resources.get("/XObject") or {}).values():
            images += xobject.get_object().get("/Subtype") == "/Image"
    assert uris == []
    assert images == _chart_count(hostile)  # the charts, nothing from the server

    def titles(entries):
        for entry in entries:
            yield from titles(entry) if isinstance(entry, list) else [entry.title]

    outline = list(titles(reader.outline))
    # Bookmarks are plain text: the payload itself (code and title), not escaped.
    for payload in ("<img src=x onerror=alert(1)>", "Tom &amp; Jerry & co &lt;b&gt;"):
        assert f"{payload} {payload}" in outline


def test_the_word_document_holds_every_payload_as_escaped_text(hostile, tmp_path):
    path = _report(hostile, tmp_path, "docx")
    document = Document(path)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    parts += [paragraph.text for paragraph in document.sections[0].header.paragraphs]
    text = shown(" ".join(parts))
    for payload in [*_texts(hostile[0]), *PAYLOADS]:
        assert shown(payload) in text, payload[:80]
    assert shown("rijke link") in text and "alert(4)" not in text
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
        relations = archive.read("word/_rels/document.xml.rels").decode("utf-8")
        media = [name for name in archive.namelist() if name.startswith("word/media/")]
    ElementTree.fromstring(body)  # well-formed
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "<w:hyperlink" not in body and "/hyperlink" not in relations
    assert len(media) == _chart_count(hostile)


def test_the_workbook_keeps_every_payload_as_a_text_cell(hostile, tmp_path):
    workbook = load_workbook(_report(hostile, tmp_path, "xlsx"))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                    found.append(cell.value)
    text = shown(" ".join(found))
    for payload in _texts(hostile[0], names=False):  # (the workbook has no title page)
        assert shown(payload) in text, payload[:80]
    formulas = [value for value in found if value.startswith(("=", "+", "-", "@", "\t"))]
    assert '=HYPERLINK("http://evil.example/x","klik")' in formulas
    assert "+cmd|' /C calc'!A0" in formulas and "\tTab=1+1" in formulas


def test_the_website_escapes_every_payload_and_its_search_index(hostile, tmp_path):
    site = _report(hostile, tmp_path, "html")
    pages = [site / "index.html", site / "search.html", *(site / "items").glob("*.html")]
    every = ""
    for page in pages:
        text = page.read_text(encoding="utf-8")
        soup = BeautifulSoup(text, "html.parser")
        assert "\x00" not in text
        scripts = [script["src"] for script in soup.find_all("script")]
        # Only the index and the search, both files of the site.
        expected = ["assets/search-index.js", "assets/search.js"]
        assert scripts == (expected if page.name == "search.html" else []), page.name
        tags = [tag.name for tag in soup.find_all(HOSTILE_TAGS)]
        assert tags == [], (page.name, tags)
        handlers = [
            (tag.name, name)
            for tag in soup.find_all(True)
            for name in tag.attrs
            if name.lower().startswith("on")
        ]
        assert handlers == [], (page.name, handlers)
        links = [tag["href"] for tag in soup.find_all("a", href=True)]
        assert not [link for link in links if "evil.example/title" in link], page.name
        every += text
    assert html.escape("<img src=x onerror=alert(1)>", quote=True) in every
    assert "alert(4)" not in every
    assert 'href="http://evil.example/rich" rel="noopener noreferrer nofollow"' in every
    script = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert "</" not in script and "<!--" not in script and "\u2028" not in script
    prefix = "window.KOERS_SEARCH_INDEX = "
    assert script.startswith(prefix) and script.endswith(";\n")
    index = json.loads(script[len(prefix) : -2])
    titles = {entry["title"] for entry in index}
    assert "</script><script>alert(2)</script>" in titles


def test_the_charts_draw_payloads_literally(hostile):
    plan, round_ = hostile
    report = build_report(plan, round_)
    charts = report_charts(report.summary)
    assert [chart.key for chart in charts] == ["status", "budget"]
    status, budget = charts
    svg = ElementTree.fromstring(status.svg)  # well-formed, whatever the labels
    drawn = " ".join(
        "".join(element.itertext()) for element in svg.iter("{http://www.w3.org/2000/svg}text")
    )
    # Mathtext would draw '$\frac{1}{2}$' as a fraction: it must stay the typed text.
    assert r"Budget $\frac{1}{2}$ en \alpha $x^2$ kost $5" in drawn
    assert "<script>alert('x')</script>" in drawn
    assert "]]><![CDATA[ x ]]>" in drawn
    for chart in charts:
        assert chart.png.startswith(b"\x89PNG")
        width = int.from_bytes(chart.png[16:20], "big")
        assert width < 2000, chart.key  # a long label is shortened, not a huge image
        ElementTree.fromstring(chart.svg)
    assert "<img src=x onerror=alert(1)>" in status.text
    budget_drawn = " ".join(
        "".join(element.itertext())
        for element in ElementTree.fromstring(budget.svg).iter("{http://www.w3.org/2000/svg}text")
    )
    assert r"Budget $\frac{1}{2}$" in budget_drawn
    for chart in charts:
        chart.close()
