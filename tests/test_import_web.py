"""The import pages: upload → preview → confirm, and spreadsheets out and back in."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from koers.plans.models import DocumentImport, Plan, PlanItem
from tests import import_samples as samples


def _upload(client, name, content, **fields):
    url = reverse("plans:plan_import", kwargs={"org": "voorbeeld"})
    return client.post(url, {"file": SimpleUploadedFile(name, content), **fields})


def _preview_url(draft):
    return reverse("plans:import_preview", kwargs={"org": "voorbeeld", "pk": draft.pk})


def test_upload_preview_and_confirm_as_a_new_plan(demo, login):
    client = login("coordinator@voorbeeld.be")
    response = _upload(client, "verslag.docx", samples.report_docx())
    draft = DocumentImport.objects.get()
    assert response.url == _preview_url(draft)
    page = client.get(response.url).content.decode()
    assert "Vlaams online plan of voortgangsrapport" in page
    assert "VB1-01" in page and "Een digitale balie voor iedereen" in page
    # Where each item came from: the paragraph of the Word file.
    first = draft.document["plan"]["items"][0]
    assert f"alinea {first['source']['paragraph']}" in page
    # Leave out VB1-02, put VB2-01 one level up, rename the plan.
    rows = {row.code: row.number for row in _rows(draft)}
    keep = [n for code, n in rows.items() if code != "VB1-02"]
    data = {
        "confirm": "1",
        "title": "Meerjarenplan Voorbeeld",
        "keep": keep,
        f"level_{rows['VB2-01']}": "1",
    }
    response = client.post(_preview_url(draft), data)
    plan = Plan.objects.get(title="Meerjarenplan Voorbeeld")
    assert response.url == reverse("plans:plan_tree", kwargs={"org": "voorbeeld", "pk": plan.pk})
    codes = set(PlanItem.objects.filter(plan=plan, depth__gt=1).values_list("code", flat=True))
    assert codes == {"VB1", "VB1-01", "VB1-01-01", "VB2", "VB2-01"}
    assert PlanItem.objects.get(plan=plan, code="VB2-01").depth == 2  # top level now
    balie = PlanItem.objects.get(plan=plan, code="VB1-01")
    assert balie.milestones.filter(done=True).count() == 1
    assert "dag en nacht" in balie.description
    assert balie.history.first().history_change_reason  # the load is in the history
    assert not DocumentImport.objects.exists()


def _rows(draft):
    from koers.plans.services.document_import import preview_rows

    return preview_rows(draft.document)


def test_a_document_goes_into_an_existing_plan_as_non_public_items(demo, login):
    client = login("coordinator@voorbeeld.be")
    before = PlanItem.objects.filter(plan=demo.plan).count()
    _upload(client, "nota.docx", samples.policy_note_docx(), plan=demo.plan.pk)
    draft = DocumentImport.objects.get()
    keep = [row.number for row in _rows(draft)]
    client.post(_preview_url(draft), {"confirm": "1", "keep": keep})
    added = PlanItem.objects.filter(plan=demo.plan).count() - before
    assert added == 4
    new = PlanItem.objects.get(plan=demo.plan, code="SD1")
    assert not new.is_public


def test_reading_again_as_another_family(demo, login):
    client = login("coordinator@voorbeeld.be")
    _upload(client, "verslag.txt", samples.report_text().encode())
    draft = DocumentImport.objects.get()
    client.post(_preview_url(draft), {"read_again": "1", "family": "outline"})
    draft.refresh_from_db()
    assert draft.family == "outline"
    assert draft.detected_family == "flemish_report"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leeg.txt", b"", "leeg"),
        ("nep.docx", b"%PDF-1.4", "docx"),
        ("geheim.pdf", None, "wachtwoord"),
        ("plan.exe", b"MZ", ".exe"),
    ],
)
def test_bad_files_keep_the_form_and_store_nothing(demo, login, name, content, message):
    client = login("coordinator@voorbeeld.be")
    plans_before = Plan.objects.count()
    response = _upload(client, name, content if content is not None else samples.encrypted_pdf())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DocumentImport.objects.exists()
    assert Plan.objects.count() == plans_before


def test_upload_limit_is_configurable(demo, login, settings):
    settings.KOERS_IMPORT_MAX_BYTES = 1000
    client = login("coordinator@voorbeeld.be")
    response = _upload(client, "verslag.txt", b"x" * 2000)
    assert response.status_code == 400
    assert not DocumentImport.objects.exists()


def test_a_plan_document_json_still_loads_directly(demo, login):
    import json

    from koers.plans.document.export import export_plan

    client = login("coordinator@voorbeeld.be")
    content = json.dumps(export_plan(demo.plan)).encode()
    response = _upload(client, "plan.json", content)
    assert response.status_code == 302
    assert Plan.objects.filter(organisation=demo.voorbeeld).count() == 2


def test_another_organisation_cannot_see_or_load_the_import(demo, login):
    login("coordinator@voorbeeld.be")
    from koers.plans.services.document_import import read_upload

    draft = read_upload(demo.voorbeeld, None, "v.txt", samples.report_text().encode())
    outsider = login("admin@proefdorp.nl")
    url = reverse("plans:import_preview", kwargs={"org": "proefdorp", "pk": draft.pk})
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, {"confirm": "1"}).status_code == 404
    assert DocumentImport.objects.filter(pk=draft.pk).exists()


# -- spreadsheets ------------------------------------------------------------------------


def _sheet(client, plan, fmt="xlsx"):
    url = reverse("plans:plan_sheet", kwargs={"org": "voorbeeld", "pk": plan.pk, "fmt": fmt})
    response = client.get(url)
    assert response.status_code == 200
    return response.content


def test_exported_sheet_edited_and_imported_back_updates_by_code(demo, login):
    from openpyxl import load_workbook

    client = login("coordinator@voorbeeld.be")
    workbook = load_workbook(io.BytesIO(_sheet(client, demo.plan)))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    column = {name: header.index(name) for name in header}
    rows = list(sheet.iter_rows(min_row=2))
    changed = rows[1]
    code = changed[column["Code"]].value
    changed[column["Titel"]].value = "Nieuwe titel uit Excel"
    changed[column["Status"]].value = "vertraagd"
    sheet.append([None, "BD9", "Een nieuw doel", None, 1])
    out = io.BytesIO()
    workbook.save(out)
    count = PlanItem.objects.filter(plan=demo.plan).count()

    _upload(client, "plan.xlsx", out.getvalue(), plan=demo.plan.pk)
    draft = DocumentImport.objects.get()
    page = client.get(_preview_url(draft)).content.decode()
    assert "Nieuwe titel uit Excel" in page and "Een nieuw doel" in page
    assert PlanItem.objects.get(plan=demo.plan, code=code).title != "Nieuwe titel uit Excel"

    client.post(_preview_url(draft), {"confirm": "1"})
    item = PlanItem.objects.get(plan=demo.plan, code=code)
    assert item.title == "Nieuwe titel uit Excel"
    assert item.status.name == "vertraagd"
    assert PlanItem.objects.get(plan=demo.plan, code="BD9").title == "Een nieuw doel"
    assert PlanItem.objects.filter(plan=demo.plan).count() == count + 1  # nothing deleted
    assert item.history.first().history_user.email == "coordinator@voorbeeld.be"


def test_a_bad_row_refuses_the_whole_sheet(demo, login):
    client = login("coordinator@voorbeeld.be")
    text = _sheet(client, demo.plan, "csv").decode("utf-8-sig")
    lines = text.splitlines()
    first = lines[1].split(";")
    first[2] = "Gewijzigd"
    second = lines[2].split(";")
    second[5] = "niemand@elders.be"  # not a member
    lines[1], lines[2] = ";".join(first), ";".join(second)
    _upload(client, "plan.csv", "\n".join(lines).encode(), plan=demo.plan.pk)
    draft = DocumentImport.objects.get()
    response = client.post(_preview_url(draft), {"confirm": "1"})
    assert response.status_code == 400
    assert "niemand@elders.be" in response.content.decode()
    assert not PlanItem.objects.filter(plan=demo.plan, title="Gewijzigd").exists()


def test_items_missing_from_the_sheet_are_deleted_only_when_asked(demo, login):
    client = login("coordinator@voorbeeld.be")
    lines = _sheet(client, demo.plan, "csv").decode("utf-8-sig").splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if ";BD5" not in line]
    content = "\n".join(kept).encode()
    _upload(client, "plan.csv", content, plan=demo.plan.pk)
    draft = DocumentImport.objects.get()
    client.post(_preview_url(draft), {"confirm": "1"})  # nothing to change: no deletes
    assert PlanItem.objects.filter(plan=demo.plan, code="BD5").exists()
    _upload(client, "plan.csv", content, plan=demo.plan.pk)
    draft = DocumentImport.objects.get()
    client.post(_preview_url(draft), {"confirm": "1", "delete_missing": "on"})
    assert not PlanItem.objects.filter(plan=demo.plan, code__startswith="BD5").exists()
    assert demo.plan.deleted_subtrees.exists()  # and they can be restored


# -- command line ------------------------------------------------------------------------


def test_dry_run_json_prints_the_plan_document_and_writes_nothing(demo, capsys, tmp_path):
    path = tmp_path / "verslag.md"
    path.write_text(samples.report_markdown(), encoding="utf-8")
    before = Plan.objects.count()
    call_command("import_plan", str(path), "--dry-run", "--json")
    out = capsys.readouterr().out
    import json

    document = json.loads(out)
    assert document["format"] == "koers.plan-document"
    assert document["plan"]["items"][0]["code"] == "VB1"
    assert Plan.objects.count() == before


def test_command_loads_a_document_with_a_chosen_family(demo, capsys, tmp_path):
    path = tmp_path / "nota.docx"
    path.write_bytes(samples.policy_note_docx())
    call_command("import_plan", str(path), "--organisation", "voorbeeld", "--family", "policy_note")
    assert PlanItem.objects.filter(code="OD1.1", plan__organisation=demo.voorbeeld).exists()


def test_command_refuses_bad_files_without_traceback(demo, tmp_path):
    path = tmp_path / "kapot.docx"
    path.write_bytes(b"PK\x03\x04kapot")
    with pytest.raises(CommandError, match=r"kapot\.docx"):
        call_command("import_plan", str(path), "--organisation", "voorbeeld")
    assert Plan.objects.filter(organisation=demo.voorbeeld).count() == 1


def test_the_user_maps_the_columns_of_a_sheet(demo, login):
    client = login("coordinator@voorbeeld.be")
    content = samples.sheet_xlsx(
        [["Wat", "Kenmerk", "Wanneer"], ["Fietspad", "F1", "2027"], ["Speelplein", "F2", "2028"]]
    )
    _upload(client, "lijst.xlsx", content)
    draft = DocumentImport.objects.get()
    assert draft.document["plan"]["items"] == []  # no heading says which column is the title
    page = client.get(_preview_url(draft)).content.decode()
    assert "column_title" in page and "Kenmerk" in page
    client.post(
        _preview_url(draft),
        {
            "map_columns": "1",
            "column_title": "Wat",
            "column_code": "Kenmerk",
            "column_start": "Wanneer",
        },
    )
    draft.refresh_from_db()
    items = draft.document["plan"]["items"]
    assert [(i["code"], i["title"], i["start_year"]) for i in items] == [
        ("F1", "Fietspad", 2027),
        ("F2", "Speelplein", 2028),
    ]
    assert "selected>Wat<" in client.get(_preview_url(draft)).content.decode()


def test_command_maps_columns(demo, capsys, tmp_path):
    import json

    path = tmp_path / "lijst.csv"
    path.write_text("Wat;Kenmerk\nFietspad;F1\n", encoding="utf-8")
    call_command(
        "import_plan",
        str(path),
        "--dry-run",
        "--json",
        "--column",
        "title=Wat",
        "--column",
        "code=Kenmerk",
    )
    items = json.loads(capsys.readouterr().out)["plan"]["items"]
    assert [(i["code"], i["title"]) for i in items] == [("F1", "Fietspad")]


def test_large_files_show_a_progress_bar_on_standard_error(demo, tmp_path):
    path = tmp_path / "groot.txt"
    path.write_bytes(samples.report_text().encode() * 2000)  # over 1 MB
    err = io.StringIO()
    call_command("import_plan", str(path), "--dry-run", stderr=err, stdout=io.StringIO())
    assert "groot.txt" in err.getvalue() and "3/3" in err.getvalue()


def test_review_findings_on_sheets(demo, login):
    """A parent missing from the sheet stays when rows below it remain; an owner who left
    and department names with commas do not refuse an unchanged sheet; formulas stay text."""
    from openpyxl import load_workbook

    from koers.accounts.models import Department, Membership

    client = login("coordinator@voorbeeld.be")
    item = PlanItem.objects.get(plan=demo.plan, code="BD1-01")
    comma = Department.objects.create(organisation=demo.voorbeeld, name="Welzijn, cultuur")
    item.departments.add(comma)
    departments = set(item.departments.all())
    leaver = PlanItem.objects.filter(plan=demo.plan, owner__isnull=False).last()
    Membership.objects.filter(user=leaver.owner, organisation=demo.voorbeeld).delete()
    item.title = '=HYPERLINK("http://evil.example","klik")'
    item.save()

    workbook = load_workbook(io.BytesIO(_sheet(client, demo.plan)))
    title_cell = next(c for c in workbook.active["C"] if c.value and "HYPERLINK" in str(c.value))
    assert title_cell.data_type == "s"
    csv_text = _sheet(client, demo.plan, "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text

    lines = [line for line in csv_text.splitlines() if ";BD1;" not in line]  # drop the parent
    _upload(client, "plan.csv", "\n".join(lines).encode(), plan=demo.plan.pk)
    draft = DocumentImport.objects.get()
    response = client.post(_preview_url(draft), {"confirm": "1", "delete_missing": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PlanItem.objects.filter(plan=demo.plan, code="BD1").exists()
    item.refresh_from_db()
    assert item.title.startswith("=HYPERLINK")  # read back without the guard quote
    assert set(item.departments.all()) == departments


def test_garbage_in_the_preview_form_is_ignored(demo, login):
    client = login("coordinator@voorbeeld.be")
    _upload(client, "verslag.txt", samples.report_text().encode())
    draft = DocumentImport.objects.get()
    response = client.post(
        _preview_url(draft), {"confirm": "1", "keep": ["²", "x", "0"], "level_0": "²"}
    )
    assert response.status_code == 302


def test_an_import_deeper_than_the_plan_is_refused(demo, login):
    client = login("coordinator@voorbeeld.be")
    text = "# A\n\n## B\n\n### C\n\n#### D\n\n- e\n"
    _upload(client, "diep.md", text.encode(), plan=demo.plan.pk)
    draft = DocumentImport.objects.get()
    keep = [row.number for row in _rows(draft)]
    before = PlanItem.objects.filter(plan=demo.plan).count()
    response = client.post(_preview_url(draft), {"confirm": "1", "keep": keep})
    assert response.status_code == 400
    assert PlanItem.objects.filter(plan=demo.plan).count() == before
