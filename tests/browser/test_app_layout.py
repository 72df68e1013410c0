"""Every role's app pages at desk and phone width: the header's links visible and
clickable, no sideways scrolling of the page itself, and no serious or critical axe-core
violation. Screenshots of each page and width go to test-artifacts/screenshots/."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

pytestmark = pytest.mark.browser

WIDTHS = {"desk": 1280, "phone": 390}
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
ROLES = {
    "admin": "admin@voorbeeld.be",
    "coordinator": "coordinator@voorbeeld.be",
    "editor": "editor@voorbeeld.be",
    "reader": "reader@voorbeeld.be",
}


# The outermost element that sticks out on the right (for the failure message).
WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  for (const el of document.querySelectorAll("main *, header *")) {
    const box = el.getBoundingClientRect();
    const scrolls = el.parentElement && el.parentElement.closest(".k-table-scroll");
    if (box.right > width + 1 && !scrolls) {
      return el.tagName.toLowerCase() + "." + el.className + " right=" + Math.round(box.right);
    }
  }
  return "?";
}"""


def _pages(role: str) -> list[tuple[str, str]]:
    """(name, path) of the pages the role works with in the demo."""
    from koers.followup.models import ProgressUpdate, ReportingRound
    from koers.plans.models import Plan, PlanItem

    plan = Plan.objects.filter(organisation__slug="voorbeeld").order_by("pk").first()
    item = PlanItem.objects.filter(plan=plan, depth=3).order_by("path").first()
    round_ = ReportingRound.objects.filter(plan=plan).order_by("-pk").first()
    app = "/app/voorbeeld"
    pages = [
        ("home", f"{app}/"),  # an action owner lands on Mijn rapportering, others on the dashboard
        ("dashboard", f"{app}/dashboard/"),
        ("plans", f"{app}/plans/"),
        ("tree", f"{app}/plans/{plan.pk}/"),
        ("item", f"{app}/items/{item.pk}/"),
        ("rounds", f"{app}/plans/{plan.pk}/rounds/"),
        ("round", f"{app}/rounds/{round_.pk}/"),
        ("inbox", f"{app}/my-updates/"),
        ("inbox-filtered", f"{app}/my-updates/?state=submitted"),
        ("reports", f"{app}/plans/{plan.pk}/reports/"),
        ("notifications", f"{app}/notifications/"),
        ("account", "/app/account/"),
        ("complaints-reports", f"{app}/klachtenverslag/"),
    ]
    if role in ("admin", "coordinator"):  # a draft, computed from the demo's complaints
        pages.append(("complaints-report", f"{app}/klachtenverslag/{timezone.localdate().year}/"))
    if role in ("admin", "coordinator"):
        pages.append(("item-edit", f"{app}/items/{item.pk}/edit/"))
    pages += _council_pages(plan, app)
    if role == "editor":  # an action of their own, and its progress update
        mine = ProgressUpdate.objects.filter(item__owner__email=ROLES["editor"]).first()
        pages.append(("item-edit", f"{app}/items/{mine.item_id}/edit/"))
        pages.append(("update", f"{app}/updates/{mine.pk}/"))
        submitted = ProgressUpdate.objects.filter(
            item__owner__email=ROLES["editor"], state="submitted"
        ).first()
        pages.append(("update-submitted", f"{app}/updates/{submitted.pk}/"))
    if role == "admin":
        pages += [
            ("members", f"{app}/members/"),
            ("departments", f"{app}/departments/"),
            ("portal-settings", f"{app}/portal/"),
            ("complaint-form-settings", f"{app}/klachtenformulier/"),
            ("audit-log", f"{app}/logboek/"),
        ]
    return pages


def _council_pages(plan, app: str) -> list[tuple[str, str]]:
    """Council questions: the list of rounds, a published round's questions and the demo's
    answered question (every role reads these)."""
    from koers.council.models import Question

    answered = Question.objects.filter(round__plan=plan, state="approved").first()
    return [
        ("council-questions", f"{app}/raadsvragen/"),
        ("council-round", f"{app}/raadsvragen/rondes/{answered.round_id}/"),
        ("council-question", f"{app}/raadsvragen/{answered.pk}/"),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_role_fits_reads_and_has_a_working_header(
    role, log_in, live_server, screenshot
):
    page = log_in(ROLES[role])
    problems = []
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in _pages(role):
            response = page.goto(f"{live_server.url}{path}")
            where = f"{role} {name} {width_name}"
            if response.status != 200:
                problems.append(f"{where}: HTTP {response.status} for {path}")
                continue
            screenshot(f"layout-{role}-{name}-{width_name}", full_page=False)
            # the page itself never scrolls sideways (wide tables scroll in their own region)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 1:
                culprit = page.evaluate(WIDEST)
                problems.append(f"{where}: the page scrolls sideways by {overflow} px ({culprit})")
            # on a phone the menu folds behind its button: open it
            menu = page.locator(".k-header__menu-button")
            if width_name == "phone":
                if not menu.is_visible():
                    problems.append(f"{where}: no menu button on a phone")
                else:
                    menu.click()
                    if menu.get_attribute("aria-expanded") != "true":
                        problems.append(f"{where}: the menu button does not open the menu")
            links = page.locator("header nav a")
            if links.count() and not links.first.is_visible():
                problems.append(f"{where}: the header's links are not shown")
            # every link and button of the header is visible, inside the window, not covered
            for control in page.locator("header a:visible, header button:visible").all():
                box = control.bounding_box()
                label = control.inner_text().strip() or control.get_attribute("aria-label")
                if box is None or box["x"] < 0 or box["x"] + box["width"] > width + 1:
                    problems.append(f"{where}: header control {label!r} is outside the window")
                    continue
                centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                on_top = page.evaluate(
                    "([x, y, el]) => { const hit = document.elementFromPoint(x, y);"
                    " return hit === el || el.contains(hit); }",
                    [centre[0], centre[1], control.element_handle()],
                )
                if not on_top:
                    problems.append(f"{where}: header control {label!r} is covered")
            results = Axe().run(page, options={**WCAG_AA, "resultTypes": ["violations"]})
            for violation in results.response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    problems.append(f"{where}: axe {violation['id']} {targets}")
    assert not problems, "\n".join(problems)
