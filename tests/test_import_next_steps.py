"""After an import the plan page says what to do next and what the document did not fill in;
the preview names the file in words a reader knows, not the reader's internal ones."""

import re

from django.urls import reverse

from koers.accounts.actor import Actor
from koers.plans.models import DocumentImport, Plan, PlanItem, PlanStatus
from koers.plans.services.items import update_item
from koers.plans.services.plans import update_plan
from koers.plans.services.readiness import compute_readiness, readiness
from tests import import_samples as samples
from tests.factories import open_round


def _import_report(client) -> Plan:
    url = reverse("plans:plan_import", kwargs={"org": "voorbeeld"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(url, {"file": SimpleUploadedFile("verslag.docx", samples.report_docx())})
    draft = DocumentImport.objects.get()
    preview = reverse("plans:import_preview", kwargs={"org": "voorbeeld", "pk": draft.pk})
    page = client.get(preview).content.decode()
    assert "Koers las een Word-document en herkende het als" in page
    assert "formaat" not in page and "format docx" not in page
    rows = [row.number for row in _rows(draft)]
    client.post(preview, {"confirm": "1", "title": "Ingelezen plan", "keep": rows})
    return Plan.objects.get(title="Ingelezen plan")


def _rows(draft):
    from koers.plans.services.document_import import preview_rows

    return preview_rows(draft.document)


def _steps(page: str) -> list[str]:
    section = re.search(r'<section class="k-card next-steps".*?</section>', page, re.S)
    if section is None:
        return []
    items = re.findall(r"<li>(.*?)</li>", section.group(0), re.S)
    return [re.sub(r"<[^>]+>", "", item).strip() for item in items]


def test_the_plan_page_lists_what_the_import_did_not_fill(demo, login):
    client = login("coordinator@voorbeeld.be")
    plan = _import_report(client)
    total = PlanItem.objects.filter(plan=plan, depth__gt=1).count()
    assert total == 6
    tree = reverse("plans:plan_tree", kwargs={"org": "voorbeeld", "pk": plan.pk})
    steps = _steps(client.get(tree).content.decode())
    assert f"6 van {total} onderdelen hebben nog geen eigenaar" in steps[0]
    assert any(step.startswith(f"6 van {total} onderdelen horen nog bij geen") for step in steps)
    assert any("Open een rapporteringsronde" in step for step in steps)
    assert any(step.startswith("Het plan is nog niet openbaar") for step in steps)
    # opening a round takes its step away
    open_round(plan, Actor.member(demo.membership("coordinator@voorbeeld.be")))
    steps = _steps(client.get(tree).content.decode())
    assert not any("Open een rapporteringsronde" in step for step in steps)
    assert any(step.startswith("Het plan is nog niet openbaar") for step in steps)
    # a reader sees none of it
    assert _steps(login("reader@voorbeeld.be").get(tree).content.decode()) == []


def test_the_steps_shrink_as_the_coordinator_fills_them_in(demo):
    coordinator = Actor.member(demo.membership("coordinator@voorbeeld.be"))
    plan = demo.plan
    item = PlanItem.objects.filter(plan=plan, depth__gt=1, numchild=0).order_by("path").first()
    PlanItem.objects.filter(pk=item.pk).update(owner=None, status=None)
    before = compute_readiness(plan)
    assert before.without_owner >= 1 and before.without_status >= 1
    item.refresh_from_db()
    update_item(
        item,
        {
            "owner": demo.user("editor@voorbeeld.be"),
            "status": PlanStatus.objects.filter(plan=plan).first(),
        },
        actor=coordinator,
        expected_version=item.version,
    )
    plan.refresh_from_db()
    after = readiness(plan)  # the cache follows the edit (content version)
    assert after.without_owner == before.without_owner - 1
    assert after.without_status == before.without_status - 1
    assert after.is_published
    update_plan(plan, {"is_published": False}, actor=coordinator, expected_version=plan.version)
    plan.refresh_from_db()
    assert readiness(plan).is_published is False


def test_the_readiness_counts_take_the_same_queries_for_any_plan_size(
    demo, django_assert_num_queries
):
    small, large = demo.dutch_plan, demo.plan
    assert small.items.count() < large.items.count()
    with django_assert_num_queries(2):
        compute_readiness(small)
    with django_assert_num_queries(2):
        compute_readiness(large)
