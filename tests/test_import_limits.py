"""Hostile files are refused within the import limits, the same way on the web and the
command line, and nothing of them is stored (issue 10, finding 1)."""

import html
import io
import json
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from koers.importers import (
    DEFAULT_LIMITS,
    DocumentError,
    import_document,
    import_document_isolated,
)
from koers.importers.limits import MESSAGES as LIMIT_MESSAGES
from koers.importers.limits import UnpackedCount, member_chunks
from koers.importers.readers.spreadsheet import read_xlsx
from koers.plans.import_messages import error_text
from koers.plans.models import DocumentImport, Plan
from tests import hostile_files as hostile
from tests import import_samples as samples

# Low seconds keep a test that goes wrong short; every hostile file is refused in well under.
TEST_LIMITS = DEFAULT_LIMITS.but(max_seconds=60, max_memory_mb=512)


def _limits(entry: hostile.Hostile):
    return TEST_LIMITS.but(**entry.limits) if entry.limits else TEST_LIMITS


@pytest.mark.parametrize("entry", hostile.CATALOGUE, ids=lambda entry: entry.filename)
def test_every_hostile_file_gets_its_answer_from_the_isolated_reader(entry):
    data = entry.build()
    stats: dict = {}
    if entry.code is None:  # odd encodings and a stray NUL byte are read, not refused
        result = import_document_isolated(data, entry.filename, limits=_limits(entry), stats=stats)
        document = json.dumps(result.document, ensure_ascii=False)
        assert entry.text in document
        assert "\\u0000" not in document  # NUL bytes are dropped
    else:
        with pytest.raises(DocumentError) as raised:
            import_document_isolated(data, entry.filename, limits=_limits(entry), stats=stats)
        assert raised.value.code == entry.code
        assert error_text(raised.value) != raised.value.message  # it has a Dutch translation
    if stats:  # a child process read it: within the memory it was given
        assert stats["peak_mb"] <= stats["virtual_mb"] + TEST_LIMITS.max_memory_mb


def test_the_messages_name_the_limit_and_the_value_in_dutch():
    no_ratio = DEFAULT_LIMITS.but(max_compression_ratio=10**9)
    with pytest.raises(DocumentError) as raised:
        import_document(hostile.docx_paragraphs(), "alineas.docx", limits=no_ratio)
    assert raised.value.params == {"value": 1_500_000, "limit": 200_000}
    with translation.override("nl-be"):
        assert error_text(raised.value) == (
            "Het bestand bevat 1.500.000 alinea's; de limiet is 200.000."
        )
    with pytest.raises(DocumentError) as raised:
        import_document(hostile.xlsx_far_cell(), "ver.xlsx")
    with translation.override("nl-be"):
        assert error_text(raised.value) == (
            "Het werkblad heeft 1.048.576 rijen; de limiet is 100.000."
        )
    with pytest.raises(DocumentError) as raised:
        import_document(hostile.docx_bomb(), "bom.docx")
    with translation.override("nl-be"):
        assert error_text(raised.value) == (
            "Uitgepakt is het bestand 2.048,0 MB groot; de limiet is 100,0 MB."
        )


def test_a_cell_at_xfd1048576_is_refused_before_any_row_is_read(monkeypatch):
    from openpyxl.worksheet import _read_only

    def never(*args, **kwargs):
        raise AssertionError("rows were read")

    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_cells_by_row", never)
    for dimension in ("A1:XFD1048576", None, "A1"):
        with pytest.raises(DocumentError) as raised:
            read_xlsx(hostile.xlsx_far_cell(dimension))
        assert raised.value.params == {"value": 1_048_576, "limit": 100_000}
    # Within the limits, the sheet's stated dimension is checked by itself too.
    wide = DEFAULT_LIMITS.but(max_rows=2_000_000, max_columns=20_000, max_cells=100)
    with pytest.raises(DocumentError) as raised:
        read_xlsx(hostile.xlsx_far_cell(), limits=wide)
    assert raised.value.code == "too_many_cells"


def test_what_is_read_never_holds_more_than_the_limits():
    rows = b"Code;Titel\n" + b"".join(b"A%d;Actie %d\n" % (n, n) for n in range(300))
    with pytest.raises(DocumentError) as raised:
        import_document(rows, "acties.csv", limits=DEFAULT_LIMITS.but(max_items=100))
    assert (raised.value.code, raised.value.params) == (
        "too_many_items",
        {"value": 300, "limit": 100},
    )
    untitled = b"Code;Titel\n" + b"A1;Een actie\n" + b"".join(b"B%d;\n" % n for n in range(1000))
    result = import_document(untitled, "leeg.csv")
    assert len(result.warnings) == 501
    assert result.warnings[-1].code == "more_warnings"
    assert result.warnings[-1].params == {"count": 500}


def test_the_isolated_reader_is_stopped_after_its_seconds():
    # 1,000,000 rows within the row limit: reading them takes far more than a second.
    limits = DEFAULT_LIMITS.but(max_rows=10**7, max_cells=10**8, max_items=10**7, max_seconds=1)
    stats: dict = {}
    with pytest.raises(DocumentError) as raised:
        import_document_isolated(hostile.csv_rows(), "rijen.csv", limits=limits, stats=stats)
    assert (raised.value.code, raised.value.params) == ("too_slow", {"limit": 1})
    assert stats["seconds"] < 10
    with pytest.raises(ProcessLookupError):
        os.kill(stats["pid"], 0)  # the child was killed and reaped


def test_the_isolated_reader_is_stopped_at_its_memory():
    # A 60 MB cell with every count lifted: openpyxl needs far more than 40 MB for it.
    lifted = DEFAULT_LIMITS.but(
        max_compression_ratio=10**9, max_cell_length=10**9, max_memory_mb=40, max_seconds=60
    )
    stats: dict = {}
    with pytest.raises(DocumentError) as raised:
        import_document_isolated(hostile.xlsx_long_cell(60 * 1024 * 1024), "lang.xlsx",
                                 limits=lifted, stats=stats)  # fmt: skip
    assert (raised.value.code, raised.value.params) == ("too_much_memory", {"limit": 40})
    assert stats["peak_mb"] <= stats["virtual_mb"] + 40


def test_the_isolated_reader_gives_the_same_result_as_the_direct_one():
    content = samples.report_docx()
    progress = []
    isolated = import_document_isolated(content, "v.docx", progress=lambda *a: progress.append(a))
    direct = import_document(content, "v.docx")
    assert isolated.document == direct.document
    assert isolated.family == direct.family == "flemish_report"
    assert progress == [(1, 3), (2, 3), (3, 3)]


def _page_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", samples.report_html())
    return buffer.getvalue()


def test_the_members_of_a_zip_are_counted_together_as_they_unpack():
    content = b"Doel " * 8_000  # 40,000 bytes a member
    members = {f"deel{n}.txt": content for n in range(3)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as writer:
        for name, data in members.items():
            writer.writestr(name, data)
    package = zipfile.ZipFile(buffer)
    unpacked = UnpackedCount(DEFAULT_LIMITS.but(max_unpacked_bytes=100_000))
    first, second, third = package.infolist()
    assert b"".join(member_chunks(package, first, unpacked)) == content
    assert b"".join(member_chunks(package, second, unpacked)) == content
    assert unpacked.bytes == 80_000
    with pytest.raises(DocumentError) as raised:
        b"".join(member_chunks(package, third, unpacked))
    assert (raised.value.code, raised.value.params) == ("too_large_unpacked", {"limit": 0.1})
    with translation.override("nl-be"):
        assert error_text(raised.value) == (
            "Uitgepakt is het bestand groter dan 0,1 MB, groter dan zijn eigen inhoudsopgave "
            "zegt; de limiet is 0,1 MB."
        )
    # Without a count a member is read whole (the paragraphs of a Word document).
    assert b"".join(member_chunks(package, third)) == content


@pytest.mark.parametrize(
    ("filename", "build"),
    [
        ("verslag.docx", samples.report_docx),
        ("acties.xlsx", lambda: samples.sheet_xlsx([["Code", "Titel"], ["A1", "Een actie"]])),
        ("site.zip", _page_zip),
    ],
)
def test_every_zip_is_refused_when_it_unpacks_more_than_its_directory_says(
    monkeypatch, filename, build
):
    # zipfile itself stops a member at its stated size; start the count near the limit
    # as if earlier members had unpacked more than the directory says.
    def near_the_limit(self, limits):
        self.limit = limits.max_unpacked_bytes
        self.bytes = self.limit - 100

    monkeypatch.setattr(UnpackedCount, "__init__", near_the_limit)
    with pytest.raises(DocumentError) as raised:
        import_document(build(), filename)
    assert (raised.value.code, raised.value.params) == ("too_large_unpacked", {"limit": 100.0})
    assert raised.value.message == LIMIT_MESSAGES["unpacks_more"]


# -- the web and the command line ---------------------------------------------------------


def _upload(client, name, content):
    url = reverse("plans:plan_import", kwargs={"org": "voorbeeld"})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


HOSTILE_ON_BOTH = [
    ("alineas.docx", hostile.docx_paragraphs, "Het bestand bevat 1.500.000 alinea's; "),
    ("ver.xlsx", hostile.xlsx_far_cell, "Het werkblad heeft 1.048.576 rijen; "),
    ("kolommen.csv", hostile.csv_columns, "Het werkblad heeft 20.000 kolommen; "),
    (
        "diep.html",
        lambda: hostile.html_deep(10_000),
        "Het document is 10.000 niveaus diep genest; ",
    ),
]
LIMIT_TEXT = {"alineas.docx": "200.000", "ver.xlsx": "100.000"}


@pytest.mark.parametrize(("name", "build", "reason"), HOSTILE_ON_BOTH)
def test_the_web_and_the_command_give_the_same_answer_and_store_nothing(
    demo, login, settings, tmp_path, name, build, reason
):
    settings.KOERS_IMPORT_MAX_COMPRESSION_RATIO = 10**9  # let the paragraphs be counted
    reason += f"de limiet is {LIMIT_TEXT.get(name, '200')}."
    content = build()
    plans_before = Plan.objects.count()
    client = login("coordinator@voorbeeld.be")
    response = _upload(client, name, content)
    assert response.status_code == 400
    assert html.escape(reason) in response.content.decode()
    assert not DocumentImport.objects.exists()
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as raised:
        call_command("import_plan", str(path), "--organisation", "voorbeeld")
    assert (
        str(raised.value) == f"{path} kan niet geïmporteerd worden: {reason} Er is niets gewijzigd."
    )
    assert Plan.objects.count() == plans_before


def test_the_limits_come_from_the_settings(demo, login, settings):
    settings.KOERS_IMPORT_MAX_ROWS = 10
    client = login("coordinator@voorbeeld.be")
    rows = b"Code;Titel\n" + b"".join(b"A%d;Actie\n" % n for n in range(12))
    response = _upload(client, "acties.csv", rows)
    assert response.status_code == 400
    assert "Het werkblad heeft 13 rijen; de limiet is 10." in response.content.decode()
    assert not DocumentImport.objects.exists()


def test_the_spreadsheet_round_trip_reads_within_the_limits(demo, settings):
    from koers.plans.services.spreadsheet import sheet_changes

    settings.KOERS_IMPORT_MAX_COLUMNS = 50
    changes = sheet_changes(demo.plan, hostile.csv_columns(), "plan.csv")
    assert changes.problems == ["Het werkblad heeft 20.000 kolommen; de limiet is 50."]
    assert not changes.has_changes


# -- reading in the background ------------------------------------------------------------


@pytest.fixture
def real_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_an_upload_is_read_in_the_background_and_the_page_follows_it(demo, login, real_queue):
    from koers.jobs.worker import run_queued_tasks

    client = login("coordinator@voorbeeld.be")
    response = _upload(client, "verslag.docx", samples.report_docx())
    draft = DocumentImport.objects.get()
    assert draft.state == DocumentImport.State.READING
    preview = reverse("plans:import_preview", kwargs={"org": "voorbeeld", "pk": draft.pk})
    assert response.url == preview
    page = client.get(preview).content.decode()
    assert "Het document wordt gelezen…" in page
    assert f'hx-get="{preview}?state=1"' in page
    fragment = client.get(preview + "?state=1")
    assert "Het document wordt gelezen…" in fragment.content.decode()
    assert run_queued_tasks() == 1
    draft.refresh_from_db()
    assert draft.state == DocumentImport.State.READY
    assert client.get(preview + "?state=1")["HX-Redirect"] == preview
    assert "VB1-01" in client.get(preview).content.decode()


def test_a_document_refused_in_the_background_shows_why_and_keeps_nothing(
    demo, login, real_queue, settings, django_capture_on_commit_callbacks
):
    from koers.jobs.worker import run_queued_tasks

    settings.KOERS_IMPORT_MAX_COMPRESSION_RATIO = 10**9
    plans_before = Plan.objects.count()
    client = login("coordinator@voorbeeld.be")
    _upload(client, "alineas.docx", hostile.docx_paragraphs())
    draft = DocumentImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once committed
        assert run_queued_tasks() == 1
    draft.refresh_from_db()
    assert draft.state == DocumentImport.State.REFUSED
    assert draft.file.name == "" and draft.document == {}  # the file is deleted
    assert not [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]
    preview = reverse("plans:import_preview", kwargs={"org": "voorbeeld", "pk": draft.pk})
    upload = reverse("plans:plan_import", kwargs={"org": "voorbeeld"})
    assert client.get(preview + "?state=1")["HX-Redirect"] == upload
    page = client.get(upload).content.decode()
    assert (
        html.escape(
            "alineas.docx kan niet geïmporteerd worden: Het bestand bevat 1.500.000 alinea's; "
            "de limiet is 200.000. Er is niets bewaard."
        )
        in page
    )
    assert not DocumentImport.objects.exists()
    assert Plan.objects.count() == plans_before


def test_an_oversized_file_gets_the_same_answer_on_the_web_and_the_command(
    demo, login, settings, tmp_path
):
    settings.KOERS_IMPORT_MAX_BYTES = 100_000
    reason = "Het bestand is 0,3 MB; het maximum is 0,1 MB."
    response = _upload(login("coordinator@voorbeeld.be"), "groot.txt", b"x" * 300_000)
    assert response.status_code == 400
    assert reason in response.content.decode()
    path = tmp_path / "groot.txt"
    path.write_bytes(b"x" * 300_000)
    with pytest.raises(CommandError) as raised:
        call_command("import_plan", str(path), "--organisation", "voorbeeld")
    assert (
        str(raised.value) == f"{path} kan niet geïmporteerd worden: {reason} Er is niets gewijzigd."
    )
    assert not DocumentImport.objects.exists()
