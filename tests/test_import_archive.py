"""Many pages at once: a ZIP or a folder of saved pages of one (invented) plan website."""

import io
import zipfile

import pytest

from koers.importers import DocumentError, ImportLimits, import_document
from koers.importers.archive import merge_pages, zip_folder
from koers.importers.draft import Draft, DraftItem
from koers.importers.lines import Source

INDEX = """<html><head><title>Meerjarenplan Gemeente Voorbeeld</title></head><body>
<nav><a href="/">Terug naar navigatie</a></nav>
<h1>Meerjarenplan Gemeente Voorbeeld</h1>
<h2>BD1 Een groene gemeente</h2>
<ul><li><a href="ap1.html">AP1.1 Meer bomen in de wijken</a></li>
<li><a href="ap2.html">AP1.2 Minder afval op straat</a></li></ul>
<h2>BD2 Een veilige gemeente</h2>
<ul><li>AP2.1 Verkeersveilige schoolomgevingen</li></ul>
</body></html>"""

ACTION_PLAN = """<html><head><title>AP1.1 Meer bomen in de wijken</title></head><body>
<h1>AP1.1 Meer bomen in de wijken</h1>
<p>Elke wijk krijgt er bomen bij.</p>
<h2>Acties</h2>
<ul><li>ACT1.1.1 Bomen planten in het park</li><li>ACT1.1.2 Geveltuinen aanleggen</li></ul>
</body></html>"""

ACTION = """<html><head><title>ACT1.1.1 Bomen planten in het park</title></head><body>
<h1>ACT1.1.1 Bomen planten in het park</h1>
<p>We planten tweehonderd bomen in het stadspark.</p>
</body></html>"""


def zip_of(files: dict[str, bytes | str], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def tree(result) -> list[tuple[int, str, str]]:
    return [(depth, item.title, item.source.file) for depth, item in result.draft.walk()]


def find(result, words):
    """The one item whose title holds ``words`` (the code may be in the title or apart)."""
    (found,) = [item for _depth, item in result.draft.walk() if words in item.title]
    return found


def depth_of(result, item) -> int:
    return next(depth for depth, each in result.draft.walk() if each is item)


def site() -> dict[str, str]:
    return {
        "site/index.html": INDEX,
        "site/ap1.html": ACTION_PLAN,
        "site/acties/act111.html": ACTION,
        "site/index_files/style.css": "body { color: red }",
        "site/index_files/logo.png": b"\x89PNG not really",
    }


def test_pages_of_one_website_merge_into_one_plan_by_codes_and_titles():
    result = import_document(zip_of(site()), "voorbeeld.zip")

    assert result.format == "zip"
    assert result.draft.title == "Meerjarenplan Gemeente Voorbeeld"
    goal = find(result, "Een groene gemeente")
    plan_item = find(result, "Meer bomen in de wijken")  # one item: page and mention merged
    action = find(result, "Bomen planten in het park")
    assert depth_of(result, goal) == 1
    assert plan_item in goal.children
    # The action plan page became the content of its mention on the index page ...
    assert [line.text for line in plan_item.sections["description"]] == [
        "Elke wijk krijgt er bomen bij."
    ]
    assert plan_item.source.file == "site/index.html"
    # ... and the action page the content of its mention on the action plan page.
    assert [line.text for line in action.sections["description"]] == [
        "We planten tweehonderd bomen in het stadspark."
    ]
    assert action.source.file == "site/ap1.html"
    assert depth_of(result, action) > depth_of(result, plan_item)
    assert action in [each for _d, each in plan_item.walk()]
    # Page sources name the page, in the PlanDocument too.
    items = result.document["plan"]["items"]
    assert items[0]["source"]["file"] == "site/index.html"
    assert result.document["source"]["format"] == "zip"


def test_a_page_whose_code_extends_another_items_code_goes_under_it():
    def page(title, *items):
        return Draft("outline", title=title, items=list(items))

    def item(code, title, *children):
        return DraftItem(title, "action", Source(line=1), code=code, children=list(children))

    index = page("Plan", item("BD7", "Sport voor iedereen", item("AP7-01", "Een zwembad")))
    action = page("Zonnepanelen", item("AP7-01-02", "Het zwembad krijgt zonnepanelen"))
    other = page("Los", item("XY-3", "Iets anders"))

    merged = merge_pages([("index.html", index), ("a.html", action), ("b.html", other)], "outline")

    assert [(d, i.code, i.source.file) for d, i in merged.walk()] == [
        (1, "BD7", "index.html"),
        (2, "AP7-01", "index.html"),
        (3, "AP7-01-02", "a.html"),
        (1, "XY-3", "b.html"),
    ]
    assert merged.title == "Plan"


def test_a_title_only_link_carries_a_warning_with_the_page():
    index = "<h1>Plan</h1><h2>Doelen</h2><ul><li>Meer groen in de stad</li></ul>"
    page = "<title>Meer groen in de stad</title><h1>Meer groen in de stad</h1><p>Uitleg.</p>"
    result = import_document(zip_of({"index.html": index, "groen.html": page}), "p.zip")

    warnings = [w for w in result.warnings if w.code == "page_linked_by_title"]
    assert [w.params for w in warnings] == [
        {"file": "groen.html", "title": "Meer groen in de stad"}
    ]
    assert find(result, "Meer groen in de stad").sections["description"][0].text == "Uitleg."


def test_a_folder_reads_as_the_same_pages_in_a_zip(tmp_path):
    for name, content in site().items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    from_folder = import_document(zip_folder(tmp_path, ImportLimits()), "site.zip")
    from_zip = import_document(zip_of(site()), "site.zip")

    assert tree(from_folder) == tree(from_zip)


def test_an_unreadable_page_is_left_out_with_a_warning():
    pages = {"index.html": INDEX, "kapot.txt": b"\x00\x01\x02\x03" * 100}
    result = import_document(zip_of(pages), "site.zip")

    assert [w.params for w in result.warnings if w.code == "page_unreadable"] == [
        {"file": "kapot.txt"}
    ]
    assert find(result, "Een groene gemeente")


def test_warnings_beyond_five_hundred_are_summed_up_in_one_for_a_zip_too():
    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    pages = {"index.html": INDEX} | {f"foto{n}.txt": picture for n in range(600)}

    own = len(import_document(zip_of({"index.html": INDEX}), "site.zip").warnings)
    result = import_document(zip_of(pages), "site.zip")
    assert len(result.warnings) == 501
    assert result.warnings[0].code == "page_unreadable"
    assert (result.warnings[-1].code, result.warnings[-1].params) == (
        "more_warnings",
        {"count": 600 + own - 500},
    )


@pytest.mark.parametrize(
    "name", ["../buiten.html", "site/../../etc/passwd.txt", "/etc/plan.html", "C:/plan.html"]
)
def test_names_pointing_outside_the_archive_are_refused(name):
    with pytest.raises(DocumentError) as error:
        import_document(zip_of({"index.html": INDEX, name: "x"}), "site.zip")
    assert error.value.code == "unsafe_name"
    assert error.value.params == {"name": name}


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = zip_of({"index.html": INDEX, "groot.html": b"<p>" + b" " * (30 * 1024 * 1024)})
    assert len(bomb) < 100_000

    with pytest.raises(DocumentError) as error:
        import_document(bomb, "site.zip")
    assert error.value.code == "compression_ratio"
    assert error.value.params["limit"] == 200


def test_more_unpacked_bytes_than_allowed_are_refused():
    pages = {f"pagina{n}.txt": f"Doel {n}\n" * 20_000 for n in range(5)}
    limits = ImportLimits(max_unpacked_bytes=500_000)

    with pytest.raises(DocumentError) as error:
        import_document(zip_of(pages), "site.zip", limits=limits)
    assert error.value.code == "too_large_unpacked"


def test_too_many_entries_are_refused():
    pages = {f"p{n}.txt": "Doel" for n in range(30)}

    with pytest.raises(DocumentError) as error:
        import_document(zip_of(pages), "site.zip", limits=ImportLimits(max_zip_entries=20))
    assert (error.value.code, error.value.params) == (
        "too_many_entries",
        {"value": 30, "limit": 20},
    )


def test_an_archive_inside_the_archive_is_refused():
    inner = zip_of({"index.html": INDEX})
    with pytest.raises(DocumentError) as error:
        import_document(zip_of({"index.html": INDEX, "meer.zip": inner}), "site.zip")
    assert (error.value.code, error.value.params) == ("nested_archive", {"name": "meer.zip"})


def test_folders_nested_too_deep_are_refused():
    deep = "/".join(["map"] * 20) + "/pagina.html"
    with pytest.raises(DocumentError) as error:
        import_document(zip_of({deep: INDEX}), "site.zip")
    assert (error.value.code, error.value.params) == (
        "too_deep_folders",
        {"value": 20, "limit": 12},
    )


def test_a_zip_without_pages_or_damaged_is_refused():
    with pytest.raises(DocumentError) as error:
        import_document(zip_of({"logo.png": b"x", "style.css": "x"}), "site.zip")
    assert error.value.code == "no_pages"
    with pytest.raises(DocumentError) as error:
        import_document(b"PK\x03\x04" + b"kapot" * 100, "site.zip")
    assert error.value.code == "broken_zip"


def test_a_zip_bomb_is_refused_by_the_isolated_reader_too():
    from koers.importers import import_document_isolated

    bomb = zip_of({"groot.html": b"<p>" + b" " * (30 * 1024 * 1024)})
    with pytest.raises(DocumentError) as error:
        import_document_isolated(bomb, "site.zip")
    assert error.value.code == "compression_ratio"


@pytest.mark.django_db
def test_koers_import_reads_a_folder_of_pages(tmp_path):
    from django.core.management import call_command

    for name, content in site().items():
        path = tmp_path / "site" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    out, err = io.StringIO(), io.StringIO()

    call_command("import_plan", str(tmp_path / "site"), "--dry-run", stdout=out, stderr=err)

    text = out.getvalue()
    assert "Formaat zip" in text
    assert text.count("Meer bomen in de wijken") == 1
    assert "[bestand site/ap1.html" in text


def test_a_zip_of_saved_pages_goes_through_the_upload_preview_and_confirm(demo, login):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from koers.plans.models import DocumentImport, Plan, PlanItem

    client = login("coordinator@voorbeeld.be")
    upload = SimpleUploadedFile("website.zip", zip_of(site()), "application/zip")
    response = client.post(
        reverse("plans:plan_import", kwargs={"org": "voorbeeld"}), {"file": upload}
    )
    draft = DocumentImport.objects.get()
    preview = reverse("plans:import_preview", kwargs={"org": "voorbeeld", "pk": draft.pk})
    assert response.url == preview
    page = client.get(preview).content.decode()
    assert "Bomen planten in het park" in page and "site/ap1.html" in page
    from koers.plans.services.document_import import preview_rows

    # the action plan page's "Acties" heading is left out, as a coordinator would
    keep = [row.number for row in preview_rows(draft.document) if row.data["title"] != "Acties"]
    done = client.post(preview, {"confirm": "1", "title": "Plan uit de website", "keep": keep})
    assert done.status_code == 302, done.context.get("errors")
    plan = Plan.objects.get(title="Plan uit de website")
    action_plan = PlanItem.objects.get(plan=plan, title="AP1.1 Meer bomen in de wijken")
    action = PlanItem.objects.get(plan=plan, title="ACT1.1.1 Bomen planten in het park")
    assert action.path.startswith(action_plan.path)  # the action page under its action plan
    assert "tweehonderd bomen" in action.description
    assert PlanItem.objects.get(plan=plan, code="BD1").title == "Een groene gemeente"
