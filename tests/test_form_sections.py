"""Long forms in sections: the item form and the update form group their fields in
<fieldset>s with a <legend>, the item form has a short table of contents, and the error
summary still links to each field."""

import re

from django.urls import reverse

from koers.accounts.actor import Actor
from koers.plans.forms import ItemForm
from tests.factories import open_round

SECTION = re.compile(r'<fieldset class="k-form-section" id="([\w-]+)"><legend>([^<]+)</legend>')


def _sections(page: str) -> list[tuple[str, str, str]]:
    """(id, legend, html up to the next section or the end of the form) of each section
    (a field group of checkboxes is a fieldset of its own, inside its section)."""
    found = list(SECTION.finditer(page))
    ends = [match.start() for match in found[1:]] + [page.index("</form>", found[-1].end())]
    return [
        (m.group(1), m.group(2), page[m.end() : end]) for m, end in zip(found, ends, strict=False)
    ]


def _names(html: str) -> set[str]:
    return set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([\w-]+)"', html))


def _edit_page(demo, login, data=None):
    item = demo.item("BD1-01-01")
    url = reverse("plans:item_edit", kwargs={"org": "voorbeeld", "pk": item.pk})
    client = login("coordinator@voorbeeld.be")
    response = client.post(url, data) if data is not None else client.get(url)
    return item, response


def test_the_item_form_is_in_sections_with_a_table_of_contents(demo, login):
    item, response = _edit_page(demo, login)
    page = response.content.decode()
    sections = _sections(page)
    assert [(key, legend) for key, legend, _ in sections] == [
        ("section-general", "Algemeen"),
        ("section-people", "Verantwoordelijken"),
        ("section-timing", "Planning"),
        ("section-text", "Tekst"),
        ("section-sdgs", "SDG&#x27;s"),
    ]
    toc = page[page.index('class="k-form-toc"') : page.index("</nav>", page.index("k-form-toc"))]
    assert re.findall(r'href="#([\w-]+)"', toc) == [key for key, _, _ in sections]
    # every field the user fills in sits in exactly one section
    form = ItemForm(instance=item, plan=item.plan)
    visible = {field.name for field in form.visible_fields()}
    found = [_names(body) for _, _, body in sections]
    assert set().union(*found) == visible
    assert sum(len(names) for names in found) == len(visible)
    assert {"owner", "departments"} == found[1]
    assert {"start_year", "end_year", "planned_start", "planned_end", "timing"} == found[2]


def test_the_error_summary_still_links_to_fields_inside_the_sections(demo, login):
    _item, response = _edit_page(
        demo, login, {"version": 1, "title": "", "start_year": 2030, "end_year": 2027}
    )
    page = response.content.decode()
    summary = page[
        page.index('id="error-summary"') : page.index("</div>", page.index("error-summary"))
    ]
    for target in ("id_title", "id_end_year"):
        assert f'href="#{target}"' in summary
        assert f'id="{target}"' in page
    timing = {key: body for key, _, body in _sections(page)}["section-timing"]
    assert 'id="id_end_year"' in timing


def test_the_update_form_is_in_sections(demo, login):
    round_ = open_round(demo.plan, Actor.member(demo.membership("coordinator@voorbeeld.be")))
    update = round_.updates.filter(item__owner__email="editor@voorbeeld.be").first()
    url = reverse("followup:update", kwargs={"org": "voorbeeld", "pk": update.pk})
    page = login("editor@voorbeeld.be").get(url).content.decode()
    sections = _sections(page)
    expected = [
        ("report-progress", "Stand van zaken"),
        ("report-milestones", "Bereikte mijlpalen"),
        ("report-spending", "Gerealiseerde bedragen tot nu toe"),
    ]
    if update.item.indicator_links.exists():  # the values of its indicators, last
        expected.append(("report-indicators", "Indicatoren"))
    assert [(key, legend) for key, legend, _ in sections] == expected
    assert {"status", "percent", "narrative"} <= _names(sections[0][2])
