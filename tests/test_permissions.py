"""Sweeps every URL with every role and with a user of another organisation.

A new URL fails ``test_every_url_is_in_the_matrix`` until it is added here.
"""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from koers.accounts.actor import Actor
from koers.api.feed_tokens import create_feed_token
from koers.complaints.models import Complaint
from koers.followup.attachments import add_attachment
from koers.followup.services import open_round
from koers.improvements import importing as improvement_import
from koers.improvements import services as improvements
from koers.improvements.models import ImprovementAction
from koers.plans.models import BudgetLine, Milestone, PlanItem
from koers.plans.services.document_import import read_upload
from koers.plans.services.items import delete_item
from koers.reporting.jobs import enqueue
from koers.reporting.models import ReportJob

ROLES = ("admin", "coordinator", "editor", "reader")
EMAILS = {
    "admin": "admin@voorbeeld.be",
    "coordinator": "coordinator@voorbeeld.be",
    "editor": "editor@voorbeeld.be",
    "reader": "reader@voorbeeld.be",
}
OUTSIDER = "admin@proefdorp.nl"

VIEW = {"admin": 200, "coordinator": 200, "editor": 200, "reader": 200}
MANAGE = {"admin": 200, "coordinator": 200, "editor": 403, "reader": 403}
CHANGE = {"admin": 200, "coordinator": 200, "editor": 200, "reader": 403}
ADMIN = {"admin": 200, "coordinator": 403, "editor": 403, "reader": 403}
POST_ONLY = {"admin": 405, "coordinator": 405, "editor": 405, "reader": 405}
UNSEEN_BY_READERS = {"admin": 200, "coordinator": 200, "editor": 200, "reader": 404}
# Council questions are asked by council members (readers), coordinators and administrators.
ASK = {"admin": 200, "coordinator": 200, "editor": 403, "reader": 200}
REDIRECT = {"admin": 302, "coordinator": 302, "editor": 302, "reader": 302}
# The complaints register: editors see only the complaints assigned to them (the demo
# editor handles one), readers none; the complainant only for handlers and the assignee.
COMPLAINTS = {"admin": 200, "coordinator": 200, "editor": 200, "reader": 403}
COMPLAINANT = {"admin": 200, "coordinator": 403, "editor": 200, "reader": 403}
# Complaint reports in draft: for those who read the complaints register only.
COMPLAINT_READERS = {"admin": 200, "coordinator": 200, "editor": 404, "reader": 404}

# url name -> (object kind in the URL, expected GET status per role on the editor's own item)
PAGES = {
    "organisation_home": (None, REDIRECT),  # to the dashboard, or an action owner's updates
    "plan_list": (None, VIEW),
    "plan_create": (None, MANAGE),
    "plan_import": (None, MANAGE),
    "import_preview": ("import", MANAGE),
    "import_discard": ("import", POST_ONLY),
    "plan_sheet": ("plan", VIEW),
    "plan_tree": ("plan", VIEW),
    "plan_search": ("plan", VIEW),
    "plan_edit": ("plan", MANAGE),
    "plan_statuses": ("plan", MANAGE),
    "plan_export": ("plan", VIEW),
    "plan_trash": ("plan", MANAGE),
    "item_create": ("plan", MANAGE),
    "restore_deleted": ("trash", POST_ONLY),
    "item_detail": ("item", VIEW),
    "item_edit": ("item", CHANGE),
    "item_move": ("item", MANAGE),
    "item_reorder": ("item", POST_ONLY),
    "item_delete": ("item", MANAGE),
    "item_history": ("item", VIEW),
    "item_branch": ("item", VIEW),
    "milestone_create": ("item", CHANGE),
    "milestone_edit": ("milestone", CHANGE),
    "milestone_toggle": ("milestone", POST_ONLY),
    "milestone_delete": ("milestone", POST_ONLY),
    "budget_create": ("item", CHANGE),
    "budget_edit": ("budget", CHANGE),
    "budget_delete": ("budget", POST_ONLY),
    "accounts:members": (None, ADMIN),
    "accounts:member_edit": ("membership", ADMIN),
    "accounts:member_remove": ("membership", POST_ONLY),
    "accounts:departments": (None, ADMIN),
    "accounts:department_edit": ("department", ADMIN),
    "accounts:portal_branding": (None, ADMIN),
    "accounts:two_factor_policy": (None, POST_ONLY),
    "accounts:member_invite": ("membership", POST_ONLY),
    "followup:rounds": ("plan", VIEW),
    "followup:round": ("round", VIEW),
    "followup:round_edit": ("round", MANAGE),
    "followup:inbox": (None, VIEW),
    "followup:update": ("update", UNSEEN_BY_READERS),
    "followup:autosave": ("update", POST_ONLY),
    "followup:withdraw": ("update", POST_ONLY),
    "followup:attachment_add": ("update", POST_ONLY),
    "followup:attachment": ("attachment", UNSEEN_BY_READERS),
    "followup:attachment_remove": ("attachment", POST_ONLY),
    "notifications:follow": ("item", POST_ONLY),
    "notifications:list": (None, VIEW),
    "reporting:reports": ("plan", VIEW),
    "reporting:job": ("job", VIEW),
    "reporting:download": ("job", VIEW),
    "reporting:retry": ("job", POST_ONLY),
    "reporting:report_text": ("round", MANAGE),
    "dashboard:dashboard": (None, VIEW),
    "feed:tokens": (None, ADMIN),
    "audit:log": (None, ADMIN),
    "audit:csv": (None, ADMIN),
    "hosting:single_sign_on": (None, ADMIN),
    "feed:revoke": ("feed_token", POST_ONLY),
    "council:index": (None, VIEW),
    "council:settings": (None, MANAGE),
    "council:notices_read": (None, POST_ONLY),
    "council:round": ("question_round", VIEW),
    "council:ask": ("question_round", ASK),
    # the demo's question asked by the reader and assigned to the editor, being answered
    "council:question": ("question", VIEW),
    "council:assign": ("question", MANAGE),
    "council:answer": ("question", CHANGE),
    "council:review": ("question", POST_ONLY),
    "council:publish": ("question", POST_ONLY),
    "improvements:list": (None, VIEW),
    "improvements:create": (None, MANAGE),
    "improvements:detail": ("improvement", VIEW),
    "improvements:edit": ("improvement", MANAGE),
    "improvements:delete": ("improvement", POST_ONLY),
    "improvements:evidence_add": ("improvement", POST_ONLY),
    "improvements:evidence": ("evidence", VIEW),
    "improvements:evidence_remove": ("evidence", POST_ONLY),
    "improvements:sources": (None, VIEW),
    "improvements:source_edit": ("improvement_source", MANAGE),
    "improvements:import": (None, MANAGE),
    "improvements:import_preview": ("improvement_import", MANAGE),
    "improvements:import_discard": ("improvement_import", POST_ONLY),
    "improvements:report": (None, VIEW),
    "improvements:report_file": (None, VIEW),
    "improvements:round": ("round", VIEW),
    "improvements:update": ("improvement_update", UNSEEN_BY_READERS),
    "improvements:withdraw": ("improvement_update", POST_ONLY),
    "complaints:list": (None, COMPLAINTS),
    "complaints:export": (None, COMPLAINTS),
    "complaints:create": (None, ADMIN),  # and members marked as complaint handler
    "complaints:settings": (None, ADMIN),
    "complaints:detail": ("complaint", COMPLAINTS),
    "complaints:complainant": ("complaint", COMPLAINANT),
    "complaints:history": ("complaint", COMPLAINTS),
    "complaints_public:reports": (None, VIEW),
    "complaints_public:report": (None, COMPLAINT_READERS),  # a draft: publishing is a POST
    "complaints_public:download": (None, COMPLAINT_READERS),
    "complaints_public:portal_form": (None, ADMIN),
}
# Pages whose POST changes something, refused to readers with 403, or 404 where a reader
# may not even see the draft update.
READ_BUT_POST_GUARDED = [
    "followup:rounds",
    "followup:round",
    "followup:update",
    "followup:autosave",
    "followup:withdraw",
    "followup:attachment_add",
    "followup:attachment_remove",
    "improvements:sources",
    "improvements:round",
    "improvements:update",
    "improvements:withdraw",
]
# Pages every member may POST to: following an item is for readers too.
MEMBER_ACTIONS = [
    "notifications:follow",
    "notifications:list",
    "reporting:reports",  # readers (council members) make reports too
    "reporting:retry",
    "council:notices_read",  # marking one's own notices as read
]
EXTRA_KWARGS = {
    "plan_sheet": {"fmt": "xlsx"},
    "improvements:report_file": {"fmt": "pdf"},
    "complaints_public:report": {"year": 2026},
    "complaints_public:download": {"year": 2026, "fmt": "docx"},
    "api-feed-table": {"table": "plans", "fmt": "csv"},
}
# Pages whose POST changes something; a reader must be refused.
MUTATING = sorted(
    name
    for name, (_, expected) in PAGES.items()
    if expected in (MANAGE, CHANGE, POST_ONLY)
    and name not in READ_BUT_POST_GUARDED + MEMBER_ACTIONS
)

API = {
    "api-plans": None,
    "api-plan": "plan",
    "api-plan-items": "plan",
    "api-plan-tree": "plan",
    "api-item": "item",
    "api-feed": None,
    "api-feed-table": None,
}


@pytest.fixture
def world(demo):
    from koers.council.models import Question
    from koers.followup.models import ReportingRound

    plan = demo.plan
    own = PlanItem.objects.filter(plan=plan, owner__email=EMAILS["editor"]).first()
    foreign = (
        PlanItem.objects.filter(plan=plan, depth__gt=1)
        .exclude(owner__email=EMAILS["editor"])
        .exclude(departments__name="Omgeving")
        .first()
    )
    milestone = Milestone.objects.create(item=own, title="Sweep")
    budget = BudgetLine.objects.create(item=own, year=2026)
    doomed = PlanItem.objects.filter(plan=plan, depth=4).exclude(pk=own.pk).last()
    trash = delete_item(doomed, actor=Actor.system())
    upload = read_upload(demo.voorbeeld, None, "plan.md", b"# Plan\n\n## Doel\n\n- Actie\n")
    round_ = open_round(
        plan,
        {
            "name": "Sweep",
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 6, 30),
            "deadline": date(2026, 7, 15),
        },
        actor=Actor.system(),
    )
    update = round_.updates.get(item=own)
    foreign_update = round_.updates.get(item=foreign)
    attachment = add_attachment(
        update,
        SimpleUploadedFile("verslag.pdf", b"%PDF-1.4 sweep"),
        actor=Actor.member(demo.membership(EMAILS["editor"])),
    )
    job = enqueue(ReportJob.objects.create(plan=plan, format="xlsx"))
    # the editor owns this improvement action (demo data); the round follows it up
    improvement = ImprovementAction.objects.get(reference="IV-03")
    improvements.add_to_round(round_, actor=Actor.system())
    evidence = improvements.add_evidence(
        improvement,
        SimpleUploadedFile("bewijs.pdf", b"%PDF-1.4 sweep"),
        actor=Actor.member(demo.membership(EMAILS["editor"])),
    )
    sheet = improvement_import.keep_upload(
        improvement.source, None, "aanbevelingen.csv", b"Vaststelling\nSweep\n"
    )
    return {
        "job": job.pk,
        "org": "voorbeeld",
        "plan": plan.pk,
        "item": own.pk,
        "foreign_item": foreign.pk,
        "milestone": milestone.pk,
        "budget": budget.pk,
        "trash": trash.pk,
        "import": upload.pk,
        "round": round_.pk,
        "update": update.pk,
        "foreign_update": foreign_update.pk,
        "attachment": attachment.pk,
        "membership": demo.membership("welzijn@voorbeeld.be").pk,
        "department": demo.voorbeeld.departments.first().pk,
        "question": Question.objects.get(
            round__plan=plan, assignee__email=EMAILS["editor"], state="draft"
        ).pk,
        "question_round": ReportingRound.objects.get(plan=plan, state="published").pk,
        "improvement": improvement.pk,
        "improvement_source": improvement.source_id,
        "improvement_import": sheet.pk,
        "improvement_update": improvement.updates.get(round=round_).pk,
        "evidence": evidence.pk,
        "complaint": Complaint.objects.filter(
            organisation=demo.voorbeeld, handler__user__email=EMAILS["editor"]
        )
        .order_by("-received_on")
        .first()
        .pk,
        "feed_token": create_feed_token(
            demo.membership(EMAILS["reader"]), "Sweep", actor=Actor.system()
        )[0].pk,
    }


def url(name, kind, world, org=None, item_key="item"):
    kwargs = {"org": org or world["org"]}
    if kind is not None:
        kwargs["pk"] = world[item_key if kind == "item" else kind]
    kwargs.update(EXTRA_KWARGS.get(name, {}))
    namespace = "" if name.startswith("api-") or ":" in name else "plans:"
    return reverse(namespace + name, kwargs=kwargs)


def test_every_url_is_in_the_matrix():
    plans_names = set(get_resolver().namespace_dict["plans"][1].reverse_dict.keys())
    named = {name for name in plans_names if isinstance(name, str)}
    accounts = get_resolver().namespace_dict["accounts"][1].reverse_dict.keys()
    # pages about the user, not an organisation
    personal = {"home", "api_token", "account", "two_factor_setup", "two_factor_off"}
    personal |= {"recovery_codes", "passkey_remove"}
    named |= {
        f"accounts:{name}" for name in accounts if isinstance(name, str) and name not in personal
    }
    council = get_resolver().namespace_dict["council"][1].reverse_dict.keys()
    named |= {f"council:{name}" for name in council if isinstance(name, str)}
    followup = get_resolver().namespace_dict["followup"][1].reverse_dict.keys()
    named |= {f"followup:{name}" for name in followup if isinstance(name, str)}
    complaints = get_resolver().namespace_dict["complaints"][1].reverse_dict.keys()
    named |= {f"complaints:{name}" for name in complaints if isinstance(name, str)}
    namespaces = ("notifications", "reporting", "dashboard", "feed", "improvements")
    for namespace in (*namespaces, "complaints_public", "audit", "hosting"):
        names = get_resolver().namespace_dict[namespace][1].reverse_dict.keys()
        named |= {f"{namespace}:{name}" for name in names if isinstance(name, str)}
    assert named == set(PAGES)
    api_names = {p.name for p in get_resolver().url_patterns if getattr(p, "name", None)}
    api_names |= {
        p.name
        for resolver in get_resolver().url_patterns
        for p in getattr(resolver, "url_patterns", [])
        if getattr(p, "name", "") and p.name.startswith("api-") and p.name != "api-schema"
    }
    assert {name for name in api_names if name.startswith("api-") and name != "api-schema"} == set(
        API
    )


@pytest.mark.parametrize("role", ROLES)
def test_get_every_page_with_every_role(world, login, role):
    client = login(EMAILS[role])
    for name, (kind, expected) in PAGES.items():
        response = client.get(url(name, kind, world))
        if response.streaming:  # reading a download to its end closes its file
            b"".join(response.streaming_content)
        assert response.status_code == expected[role], (role, name)


def test_editor_is_refused_on_items_of_others(world, login):
    client = login(EMAILS["editor"])
    for name, (kind, expected) in PAGES.items():
        if kind == "item" and expected is CHANGE:
            response = client.get(url(name, kind, world, item_key="foreign_item"))
            assert response.status_code == 403, name
    response = client.post(url("item_edit", "item", world, item_key="foreign_item"), {"title": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("name", MUTATING)
def test_readers_cannot_change_anything(world, login, name):
    kind, _ = PAGES[name]
    response = login(EMAILS["reader"]).post(url(name, kind, world), {"direction": "up"})
    assert response.status_code == 403, name


def test_users_of_another_organisation_get_404_everywhere(world, login):
    client = login(OUTSIDER)
    for name, (kind, _) in PAGES.items():
        # the other organisation in the URL
        assert client.get(url(name, kind, world)).status_code == 404, name
        assert client.post(url(name, kind, world)).status_code == 404, name
        # their own organisation in the URL, our objects' ids
        if kind is not None:
            own_org = url(name, kind, world, org="proefdorp")
            assert client.get(own_org).status_code in (404, 405), name
            assert client.post(own_org).status_code == 404, name
    for name, kind in API.items():
        assert client.get(url(name, kind, world)).status_code == 404, name
        if kind is not None:
            assert client.get(url(name, kind, world, org="proefdorp")).status_code == 404, name


# The provider console: above the organisations, for the provider's staff only.
PROVIDER_PAGES = {
    "provider:console": None,
    "provider:organisation_create": None,
    "provider:organisation": "voorbeeld",
    "provider:organisation_suspend": "voorbeeld",
    "provider:organisation_two_factor": "voorbeeld",
    "provider:organisation_settings": "voorbeeld",
    "provider:organisation_delete": "voorbeeld",
}


def test_every_provider_page_is_in_the_sweep():
    names = get_resolver().namespace_dict["provider"][1].reverse_dict.keys()
    assert {f"provider:{name}" for name in names if isinstance(name, str)} == set(PROVIDER_PAGES)


def test_provider_pages_are_for_provider_staff_only(world, login):
    from koers.accounts.models import Organisation

    pages = [
        reverse(name, kwargs={"org": org} if org else {}) for name, org in PROVIDER_PAGES.items()
    ]
    for email in (*EMAILS.values(), OUTSIDER):
        client = login(email)
        for page in pages:
            assert client.get(page).status_code == 403, (email, page)
            assert client.post(page, {"confirmation": "Gemeente Voorbeeld"}).status_code == 403
    organisation = Organisation.objects.get(slug="voorbeeld")
    assert not organisation.suspended
    client = login("provider@voorbeeld.be")
    for page in pages:
        assert client.get(page).status_code in (200, 405), page


def test_anonymous_users_are_sent_to_the_login_page(world, client):
    for name, (kind, _) in PAGES.items():
        response = client.get(url(name, kind, world))
        assert response.status_code in (302, 405), name
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))
    for name, kind in API.items():
        assert client.get(url(name, kind, world)).status_code in (401, 403), name


@pytest.mark.parametrize("role", ROLES)
def test_api_is_readable_by_every_member(world, login, role):
    client = login(EMAILS[role])
    for name, kind in API.items():
        assert client.get(url(name, kind, world)).status_code == 200, (role, name)


@pytest.mark.parametrize("name", READ_BUT_POST_GUARDED)
def test_readers_cannot_write_follow_up(world, login, name):
    kind, _ = PAGES[name]
    response = login(EMAILS["reader"]).post(url(name, kind, world), {"action": "close"})
    assert response.status_code in (403, 404), name  # 404: a draft a reader may not see


def test_editors_write_updates_of_their_own_items_only(world, login):
    client = login(EMAILS["editor"])
    own = reverse("followup:update", kwargs={"org": "voorbeeld", "pk": world["update"]})
    foreign = reverse("followup:update", kwargs={"org": "voorbeeld", "pk": world["foreign_update"]})
    data = {"version": 1, "narrative": "Het loopt.", "save": "1"}
    assert client.post(own, data).status_code == 302
    assert client.post(foreign, data).status_code == 404  # not theirs, not approved: unseen
    round_page = reverse("followup:round", kwargs={"org": "voorbeeld", "pk": world["round"]})
    assert client.post(round_page, {"action": "close"}).status_code == 403
